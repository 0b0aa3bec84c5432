"""Reporters: the same validation result as text, JSON, GitHub annotations or a GitLab Code Quality report."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable

from generator import i18n, labels, markdown
from generator.i18n import _, ngettext
from generator.inert import guard_line, json_output, shown
from generator.problems import Kind, Problem, Result, Severity

FORMATS = ("text", "json", "github", "codequality")
_PLAIN_PATH = re.compile(r"[A-Za-z0-9._/-]+")
_DIGITS = re.compile(r"[0-9]+")


def summary(result: Result) -> str:
    """'10 files checked: 1 error, 0 warnings in 1 file', in the current language."""
    errors, warnings, checked = len(result.errors), len(result.warnings), result.files_checked
    if not errors and not warnings:
        return ngettext("{n} file checked: no problems", "{n} files checked: no problems",
                        checked).format(n=i18n.number(checked))
    files = len({p.file for p in result.problems})
    return ngettext("{n} file checked: {errors}, {warnings} in {files}",
                    "{n} files checked: {errors}, {warnings} in {files}", checked).format(
        n=i18n.number(checked),
        errors=ngettext("{n} error", "{n} errors", errors).format(n=i18n.number(errors)),
        warnings=ngettext("{n} warning", "{n} warnings", warnings).format(n=i18n.number(warnings)),
        files=ngettext("{n} file", "{n} files", files).format(n=i18n.number(files)))


def render_text_problem(problem: Problem) -> str:
    """``path:line:column: severity: message [rule]`` and a hint line; each field shown on one line."""
    # The severity word in the team's language, lower case as compilers write it: "error" / "errore".
    severity = labels.label("severity", problem.severity.value).lower()
    line = f"{shown(problem.location())}: {severity}: {shown(problem.message)} [{shown(problem.rule)}]"
    return line + ("\n    " + _("hint: {hint}").format(hint=shown(problem.hint)) if problem.hint else "")


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
    body = (_("{message}. Fix: {hint}").format(message=problem.message, hint=problem.hint) if problem.hint
            else problem.message)
    return f"::{problem.severity.value} {','.join(parts)}::{escape_data(body)}"


def render_github(result: Result) -> str:
    """Annotations, then a plain summary: GitHub shows only a few annotations per step."""
    problems = result.sorted()
    lines = [github_annotation(p) for p in problems]
    if problems:
        lines.append("")
        lines.append(_("partnerbook validate found:"))
        lines.extend(render_text_problem(p) for p in problems)
        by_rule = Counter(p.rule for p in problems)
        lines.append(_("by rule: {counts}").format(
            counts=", ".join(f"{shown(rule)} {i18n.number(n)}" for rule, n in sorted(by_rule.items()))))
    lines.append(summary(result))
    # Only the annotations above may start with '::'; no line of the text part can be read as a command.
    text = [guard_line(line) for part in lines[len(problems):] for line in part.split("\n")]
    return "\n".join([*lines[:len(problems)], *text]) + "\n"


def table_head() -> str:
    """The header row of a job summary's findings table (validate's, and the alerts' with the same columns)."""
    return "| " + " | ".join([_("file"), _("line"), _("severity"), _("rule"), _("message")]) + " |"


def render_markdown_summary(result: Result) -> str:
    """A table for $GITHUB_STEP_SUMMARY, which has no annotation limit."""
    rows = [table_head(), "|---|---|---|---|---|"]
    for p in result.sorted():
        # Every field through the site's Markdown escaping: no '|', HTML, link or line break survives.
        file = f"`{p.file}`" if _PLAIN_PATH.fullmatch(p.file) else f"<code>{markdown.text(shown(p.file))}</code>"
        cells = [file, str(p.line or ""), labels.label("severity", p.severity.value),
                 markdown.text(shown(p.rule)), markdown.text(shown(p.message))]
        rows.append("| " + " | ".join(cells) + " |")
    return f"### partnerbook validate\n\n{summary(result)}\n\n" + ("\n".join(rows) if result.problems else "") + "\n"


# GitLab Code Quality severities: info, minor, major, critical, blocker. A record the tool cannot read
# (it stops the build) is critical; a policy error (a missing document) major; a warning minor.
_CODEQUALITY_SEVERITY = {(Severity.ERROR, Kind.RECORD): "critical", (Severity.ERROR, Kind.POLICY): "major",
                         (Severity.WARNING, Kind.RECORD): "minor", (Severity.WARNING, Kind.POLICY): "minor"}


def codequality_issues(findings: Iterable[tuple[str, str, str, str, str, int | None]]) -> list[dict[str, object]]:
    """GitLab Code Quality issues from (rule, severity, file, message, description, line), in the order given.

    The fingerprint is a SHA-256 of the rule, the file and the message, not of the line: a finding whose
    line moves keeps its fingerprint, so GitLab still sees it as the same finding. Numbers in the
    message do not count either ("expires in 12 days" tomorrow reads "in 11 days": the same finding,
    and GitLab compares with a target-branch report made on another day). Findings that are then
    identical are told apart by their rank in the file (GitLab shows only the first issue of a
    fingerprint). Every text goes through ``shown``: no control character reaches the report.
    """
    seen: Counter[tuple[str, str, str]] = Counter()
    issues: list[dict[str, object]] = []
    for rule, severity, file, message, description, line in findings:
        key = (rule, file, _DIGITS.sub("#", message))
        rank = seen[key]
        seen[key] += 1
        identity = json.dumps([*key, rank], ensure_ascii=False)
        issues.append({
            "description": shown(description),
            "check_name": shown(rule),
            "fingerprint": hashlib.sha256(identity.encode("utf-8", "surrogatepass")).hexdigest(),
            "severity": severity,
            "location": {"path": shown(file), "lines": {"begin": line if line is not None and line > 0 else 1}},
        })
    return issues


def codequality_json(issues: list[dict[str, object]]) -> str:
    """The report file's text: a JSON list (``[]`` when clean), with raw C1/bidi characters escaped too."""
    return json_output(json.dumps(issues, indent=2, ensure_ascii=False)) + "\n"


def render_codequality(result: Result) -> str:
    """Every finding as a GitLab Code Quality issue (``artifacts: reports: codequality``).

    GitLab compares the merge request's report with the target branch's by fingerprint, so the report
    lists every finding, old or new; the merge-request widget shows the new and the resolved ones.
    """
    return codequality_json(codequality_issues(
        (p.rule, _CODEQUALITY_SEVERITY[(p.severity, p.kind)], p.file, p.message,
         p.message + (f". Fix: {p.hint}" if p.hint else ""), p.line)
        for p in result.sorted()))


def render(result: Result, fmt: str) -> str:
    renderers = {"text": render_text, "json": render_json, "github": render_github, "codequality": render_codequality}
    return renderers[fmt](result)
