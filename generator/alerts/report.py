"""Reporters for alerts: text for people, JSON for tools (the spec's shape), GitHub annotations and job
summary, GitLab Code Quality."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence

from generator import markdown
from generator.alerts.model import SEVERITIES, Alert
from generator.checks.report import codequality_issues, codequality_json, escape_data, escape_property

# The workflow-command escaping of the validation reporter: one implementation for both.
from generator.inert import guard_line, json_output, shown

FORMATS = ("text", "json", "github", "codequality")
_GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}
# GitLab Code Quality severities (info, minor, major, critical, blocker); a silenced alert is info.
_CODEQUALITY_SEVERITY = {"error": "major", "warning": "minor", "info": "info"}
_PLAIN_PATH = re.compile(r"[A-Za-z0-9._/-]+")


def _message(alert: Alert) -> str:
    """The message, naming the partner when the file does not (campaign alerts), and the silence if any."""
    text = alert.message
    if alert.campaign is not None and alert.partner is not None:
        text = f"{alert.partner}: {text}"
    if alert.silence is not None:
        text += f" (silenced until {alert.silence.until}: {alert.silence.reason})"
    return text


def summary(alerts: Sequence[Alert], hidden_silenced: int = 0) -> str:
    """'12 alerts: 1 error, 8 warnings, 3 info', plus how many silenced ones are not shown."""
    counts = Counter(a.severity for a in alerts)
    if not alerts:
        text = "no alerts"
    else:
        parts = [f"{counts[s]} {s}{'s' * (counts[s] != 1 and s != 'info')}" for s in SEVERITIES]
        text = f"{len(alerts)} alert{'s' * (len(alerts) != 1)}: {', '.join(parts)}"
    if hidden_silenced:
        text += f"; {hidden_silenced} silenced not shown (--include-silenced shows them)"
    return text


def _text_lines(alerts: Sequence[Alert]) -> list[str]:
    """One line per alert, every field shown on one line; no line can be read as a workflow command."""
    return [guard_line(f"{shown(a.location())}: {a.severity}: {shown(_message(a))} [{shown(a.rule)}]")
            for a in alerts]


def render_text(alerts: Sequence[Alert], hidden_silenced: int = 0) -> str:
    return "\n".join([*_text_lines(alerts), summary(alerts, hidden_silenced)]) + "\n"


def render_json(alerts: Sequence[Alert], hidden_silenced: int = 0) -> str:
    """A list of {rule, severity, partner, campaign, file, line, message}; a silence is told in the message."""
    rows = [{**a.as_json(), "message": _message(a) if a.silenced else a.message} for a in alerts]
    return json_output(json.dumps(rows, indent=2, ensure_ascii=False)) + "\n"


def github_annotation(alert: Alert) -> str:
    """One workflow command marking the alert's line (info and silenced alerts as notices)."""
    parts = [f"file={escape_property(alert.file)}"]
    if alert.line is not None:
        parts.append(f"line={alert.line}")
    parts.append(f"title={escape_property(f'partnerbook {alert.rule}')}")
    level = "notice" if alert.silenced else _GITHUB_LEVEL[alert.severity]
    return f"::{level} {','.join(parts)}::{escape_data(_message(alert))}"


def render_github(alerts: Sequence[Alert], hidden_silenced: int = 0) -> str:
    """Annotations, then the text report: GitHub shows only a few annotations per step."""
    lines = [github_annotation(a) for a in alerts]
    if alerts:
        lines += ["", "partnerbook alerts:", *_text_lines(alerts)]
        by_rule = Counter(a.rule for a in alerts)
        lines.append("by rule: " + ", ".join(f"{shown(rule)} {n}" for rule, n in sorted(by_rule.items())))
    lines.append(summary(alerts, hidden_silenced))
    return "\n".join(lines) + "\n"


def render_codequality(alerts: Sequence[Alert], hidden_silenced: int = 0) -> str:
    """Each alert as a GitLab Code Quality issue; fingerprints as for ``validate`` (rule, file, message)."""
    return codequality_json(codequality_issues(
        (a.rule, "info" if a.silenced else _CODEQUALITY_SEVERITY[a.severity], a.file, a.message, _message(a), a.line)
        for a in alerts))


def _cell(text: str) -> str:
    return markdown.text(shown(text))


def _code(text: str) -> str:
    return f"`{text}`" if _PLAIN_PATH.fullmatch(text) else f"<code>{_cell(text)}</code>"


def render_markdown_summary(alerts: Sequence[Alert], hidden_silenced: int = 0, base: str | None = None,
                            existing: int = 0) -> str:
    """A table for $GITHUB_STEP_SUMMARY (GitHub shows only a few annotations per step; the summary has them all).

    With ``base`` (``--new-since``) the table has the new alerts and a line counts the ``existing`` ones.
    Every field passes the site's Markdown escaping: no '|', HTML, link or line break of a record survives.
    """
    title = "partnerbook alerts" + (f", new since {_code(base)}" if base is not None else "")
    head = f"### {title}\n\n{summary(alerts, hidden_silenced)}\n"  # counts only: nothing to escape
    if base is not None:
        head += f"\n{existing} already at {_code(base)} (not failing)\n"
    if not alerts:
        return head
    rows = ["| file | line | severity | rule | message |", "|---|---|---|---|---|"]  # validate's columns
    for a in alerts:
        file = _code(a.file)
        severity = f"{a.severity} (silenced)" if a.silenced else a.severity
        rows.append("| " + " | ".join([file, str(a.line or ""), severity, _cell(a.rule), _cell(_message(a))]) + " |")
    return head + "\n" + "\n".join(rows) + "\n"


def render(alerts: Sequence[Alert], fmt: str, hidden_silenced: int = 0) -> str:
    """The alerts in ``fmt`` (text, json, github or codequality)."""
    renderers = {"text": render_text, "json": render_json, "github": render_github, "codequality": render_codequality}
    return renderers[fmt](alerts, hidden_silenced)
