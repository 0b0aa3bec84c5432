"""Reporters: the same validation result as text, JSON or GitHub annotations."""

from __future__ import annotations

import json
from collections import Counter

from generator.problems import Problem, Result

FORMATS = ("text", "json", "github")


def summary(result: Result) -> str:
    errors, warnings = len(result.errors), len(result.warnings)
    if not errors and not warnings:
        return f"{result.files_checked} files checked: no problems"
    files = len({p.file for p in result.problems})
    return (f"{result.files_checked} files checked: {errors} error{'s' * (errors != 1)}, "
            f"{warnings} warning{'s' * (warnings != 1)} in {files} file{'s' * (files != 1)}")


def render_text_problem(problem: Problem) -> str:
    line = f"{problem.location()}: {problem.severity.value}: {problem.message} [{problem.rule}]"
    return line + (f"\n    hint: {problem.hint}" if problem.hint else "")


def render_text(result: Result) -> str:
    lines = [render_text_problem(p) for p in result.sorted()]
    return "\n".join([*lines, summary(result)]) + "\n"


def render_json(result: Result) -> str:
    return json.dumps([p.as_json() for p in result.sorted()], indent=2, ensure_ascii=False) + "\n"


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(problem: Problem) -> str:
    """One GitHub Actions workflow command that marks the exact line of the problem."""
    parts = [f"file={escape_property(problem.file)}"]
    if problem.line is not None:
        parts.append(f"line={problem.line}")
        parts.append(f"col={problem.column or 1}")
    parts.append(f"title={escape_property(f'partnerbook {problem.rule}')}")
    body = problem.message + (f". Fix: {problem.hint}" if problem.hint else "")
    return f"::{problem.severity.value} {','.join(parts)}::{escape_data(body)}"


def render_github(result: Result) -> str:
    """Annotations, then a plain summary: GitHub shows only a few annotations per step."""
    problems = result.sorted()
    lines = [github_annotation(p) for p in problems]
    if problems:
        lines.append("")
        lines.append("partnerbook validate found:")
        lines.extend(render_text_problem(p) for p in problems)
        by_rule = Counter(p.rule for p in problems)
        lines.append("by rule: " + ", ".join(f"{rule} {n}" for rule, n in sorted(by_rule.items())))
    lines.append(summary(result))
    return "\n".join(lines) + "\n"


def render_markdown_summary(result: Result) -> str:
    """A table for $GITHUB_STEP_SUMMARY, which has no annotation limit."""
    rows = ["| file | line | severity | rule | message |", "|---|---|---|---|---|"]
    for p in result.sorted():
        message = p.message.replace("|", "\\|")
        rows.append(f"| `{p.file}` | {p.line or ''} | {p.severity.value} | {p.rule} | {message} |")
    return f"### partnerbook validate\n\n{summary(result)}\n\n" + ("\n".join(rows) if result.problems else "") + "\n"


def render(result: Result, fmt: str) -> str:
    return {"text": render_text, "json": render_json, "github": render_github}[fmt](result)
