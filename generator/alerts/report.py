"""Reporters for alerts: text for people, JSON for tools (the spec's shape), GitHub annotations and job
summary, GitLab Code Quality."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence

from generator import i18n, labels, markdown
from generator.alerts.model import SEVERITIES, Alert
from generator.checks.report import codequality_issues, codequality_json, escape_data, escape_property, table_head
from generator.i18n import _, ngettext

# The workflow-command escaping of the validation reporter: one implementation for both.
from generator.inert import guard_line, json_output, shown

FORMATS = ("text", "json", "github", "codequality")
_GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}
# GitLab Code Quality severities (info, minor, major, critical, blocker); a silenced alert is info.
_CODEQUALITY_SEVERITY = {"error": "major", "warning": "minor", "info": "info"}
_PLAIN_PATH = re.compile(r"[A-Za-z0-9._/-]+")


def _message(alert: Alert, human: bool = True) -> str:
    """The message, naming the partner when the file does not (campaign alerts), and the silence if any.

    ``human``: the silence in the current language (text, annotations, job summary); else in English,
    as tools read it (JSON, Code Quality).
    """
    text = alert.message
    if alert.campaign is not None and alert.partner is not None:
        text = f"{alert.partner}: {text}"
    if alert.silence is not None:
        until, reason = alert.silence.until, alert.silence.reason
        text += " " + (_("(silenced until {until}: {reason})").format(until=i18n.day(until), reason=reason) if human
                       else f"(silenced until {until}: {reason})")
    return text


def _severity_count(severity: str, n: int) -> str:
    """'1 error', '8 warnings', '3 info': how many alerts of a severity, as the summary counts them."""
    if severity == "error":
        text = ngettext("{n} error", "{n} errors", n)
    elif severity == "warning":
        text = ngettext("{n} warning", "{n} warnings", n)
    else:
        text = ngettext("{n} info", "{n} info", n)
    return text.format(n=i18n.number(n))


def summary(alerts: Sequence[Alert], hidden_silenced: int = 0) -> str:
    """'12 alerts: 1 error, 8 warnings, 3 info', plus how many silenced ones are not shown."""
    counts = Counter(a.severity for a in alerts)
    parts = ", ".join(_severity_count(s, counts[s]) for s in SEVERITIES)
    if not alerts and hidden_silenced:
        return ngettext("no alerts; {hidden} silenced not shown (--include-silenced shows them)",
                        "no alerts; {hidden} silenced not shown (--include-silenced shows them)",
                        hidden_silenced).format(hidden=i18n.number(hidden_silenced))
    if not alerts:
        return _("no alerts")
    text = ngettext("{n} alert: {counts}", "{n} alerts: {counts}", len(alerts)).format(
        n=i18n.number(len(alerts)), counts=parts)
    if hidden_silenced:
        text = ngettext("{summary}; {hidden} silenced not shown (--include-silenced shows them)",
                        "{summary}; {hidden} silenced not shown (--include-silenced shows them)",
                        hidden_silenced).format(summary=text, hidden=i18n.number(hidden_silenced))
    return text


def _text_lines(alerts: Sequence[Alert]) -> list[str]:
    """One line per alert, every field shown on one line; no line can be read as a workflow command."""
    return [guard_line(f"{shown(a.location())}: {labels.label('severity', a.severity).lower()}: "
                       f"{shown(_message(a))} [{shown(a.rule)}]")
            for a in alerts]


def render_text(alerts: Sequence[Alert], hidden_silenced: int = 0) -> str:
    return "\n".join([*_text_lines(alerts), summary(alerts, hidden_silenced)]) + "\n"


def render_json(alerts: Sequence[Alert], hidden_silenced: int = 0) -> str:
    """A list of {rule, severity, partner, campaign, file, line, message}; a silence is told in the message."""
    rows = [{**a.as_json(), "message": _message(a, human=False) if a.silenced else a.message} for a in alerts]
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
        lines += ["", _("partnerbook alerts:"), *_text_lines(alerts)]
        by_rule = Counter(a.rule for a in alerts)
        lines.append(_("by rule: {counts}").format(
            counts=", ".join(f"{shown(rule)} {i18n.number(n)}" for rule, n in sorted(by_rule.items()))))
    lines.append(summary(alerts, hidden_silenced))
    return "\n".join(lines) + "\n"


def render_codequality(alerts: Sequence[Alert], hidden_silenced: int = 0) -> str:
    """Each alert as a GitLab Code Quality issue; fingerprints as for ``validate`` (rule, file, message)."""
    return codequality_json(codequality_issues(
        (a.rule, "info" if a.silenced else _CODEQUALITY_SEVERITY[a.severity], a.file, a.message,
         _message(a, human=False), a.line)
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
    title = (_("partnerbook alerts, new since {base}").format(base=_code(base)) if base is not None
             else "partnerbook alerts")
    head = f"### {title}\n\n{summary(alerts, hidden_silenced)}\n"  # counts only: nothing to escape
    if base is not None:
        head += "\n" + _("{n} already at {base} (not failing)").format(n=i18n.number(existing), base=_code(base)) + "\n"
    if not alerts:
        return head
    rows = [table_head(), "|---|---|---|---|---|"]  # validate's columns
    for a in alerts:
        file = _code(a.file)
        severity = labels.label("severity", a.severity)
        if a.silenced:
            severity = _("{severity} (silenced)").format(severity=severity)
        rows.append("| " + " | ".join([file, str(a.line or ""), severity, _cell(a.rule), _cell(_message(a))]) + " |")
    return head + "\n" + "\n".join(rows) + "\n"


def render(alerts: Sequence[Alert], fmt: str, hidden_silenced: int = 0) -> str:
    """The alerts in ``fmt`` (text, json, github or codequality)."""
    renderers = {"text": render_text, "json": render_json, "github": render_github, "codequality": render_codequality}
    return renderers[fmt](alerts, hidden_silenced)
