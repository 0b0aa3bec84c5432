"""Reporters: the same validation result as text, JSON or GitHub annotations."""

from __future__ import annotations

import json
import re
from collections import Counter

from generator import markdown
from generator.inert import guard_line, json_output, shown
from generator.problems import Problem, Result

FORMATS = ("text", "json", "github")
_PLAIN_PATH = re.compile(r"[A-Za-z0-9._/-]+")


def summary(result: Result) -> str:
    errors, warnings = len(result.errors), len(result.warnings)
    if not errors and not warnings:
        return f"{result.files_checked} files checked: no problems"
    files = len({p.file for p in result.problems})
    return (f"{result.files_checked} files checked: {errors} error{'s' * (errors != 1)}, "
            f"{warnings} warning{'s' * (warnings != 1)} in {files} file{'s' * (files != 1)}")


def render_text_problem(problem: Problem) -> str:
    """``path:line:column: severity: message [rule]`` and a hint line; each field shown on one line."""
    line = f"{shown(problem.location())}: {problem.severity.value}: {shown(problem.message)} [{shown(problem.rule)}]"
    return line + (f"\n    hint: {shown(problem.hint)}" if problem.hint else "")


def render_text(result: Result) -> str:
    # CI logs read every output line as a possible workflow command, not only --format github.
    lines = [guard_line(line) for p in result.sorted() for line in render_text_problem(p).split("\n")]
    return "\n".join([*lines, summary(result)]) + "\n"


def render_json(result: Result) -> str:
    return json_output(json.dumps([p.as_json() for p in result.sorted()], indent=2, ensure_ascii=False)) + "\n"


def escape_data(text: str) -> str:
    """Workflow-command data: ``%``, CR and LF percent-encoded (GitHub decodes them), other controls shown."""
    encoded = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return shown(encoded)


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
        lines.append("by rule: " + ", ".join(f"{shown(rule)} {n}" for rule, n in sorted(by_rule.items())))
    lines.append(summary(result))
    # Only the annotations above may start with '::'; no line of the text part can be read as a command.
    text = [guard_line(line) for part in lines[len(problems):] for line in part.split("\n")]
    return "\n".join([*lines[:len(problems)], *text]) + "\n"


def render_markdown_summary(result: Result) -> str:
    """A table for $GITHUB_STEP_SUMMARY, which has no annotation limit."""
    rows = ["| file | line | severity | rule | message |", "|---|---|---|---|---|"]
    for p in result.sorted():
        # Every field through the site's Markdown escaping: no '|', HTML, link or line break survives.
        file = f"`{p.file}`" if _PLAIN_PATH.fullmatch(p.file) else f"<code>{markdown.text(shown(p.file))}</code>"
        cells = [file, str(p.line or ""), p.severity.value,
                 markdown.text(shown(p.rule)), markdown.text(shown(p.message))]
        rows.append("| " + " | ".join(cells) + " |")
    return f"### partnerbook validate\n\n{summary(result)}\n\n" + ("\n".join(rows) if result.problems else "") + "\n"


def render(result: Result, fmt: str) -> str:
    return {"text": render_text, "json": render_json, "github": render_github}[fmt](result)
