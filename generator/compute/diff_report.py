"""``partnerbook diff`` as text, Markdown (pull-request comment, job summary) or JSON, and the
``--new-since`` reports of ``validate`` and ``alerts``.

Record text passes through ``generator.inert.shown`` (text, JSON) or ``generator.markdown`` (Markdown),
so a partner name or message can neither start a workflow command nor become live Markdown or HTML.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from generator import markdown
from generator.checks import report as validate_report
from generator.compute.diff import Diff
from generator.inert import guard_line, json_output, shown
from generator.problems import Problem, Result, Severity

if TYPE_CHECKING:
    from generator.alerts.model import Alert

FORMATS = ("text", "markdown", "json")
_PLAIN_PATH = re.compile(r"[A-Za-z0-9._/-]+")
_LIMIT = 80  # characters of a value shown in text and Markdown (JSON has them whole)


def _value(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    return shown(value if not isinstance(value, float) else f"{value:.4g}")[:_LIMIT]


def _change_lines(row: dict[str, Any]) -> list[str]:
    """What changed in one record, one phrase per line."""
    lines = [f"{c['field']}: {_value(c['before'])} -> {_value(c['after'])}" for c in row["changes"]]
    if row.get("note"):
        lines.append(row["note"])
    for group, label in (("clauses", "clause"), ("documents", "document"), ("results", "results of")):
        found = row.get(group)
        if not found:
            continue
        lines += [f"{label} added: {_value(name)}" for name in found["added"]]
        lines += [f"{label} removed: {_value(name)}" for name in found["removed"]]
        for item in found["changed"]:
            if isinstance(item, str):
                lines.append(f"{label} changed: {_value(item)}")
                continue
            name = item.get("type", item.get("partner"))
            lines += [f"{label} {_value(name)}: {c['field']}: {_value(c['before'])} -> {_value(c['after'])}"
                      for c in item["changes"]]
    return lines


def _problem_text(problem: Problem) -> str:
    return f"{shown(problem.location())}: {problem.severity.value}: {shown(problem.message)} [{shown(problem.rule)}]"


def _alert_text(alert: Alert) -> str:
    who = f"{alert.partner}: " if alert.campaign and alert.partner else ""
    return f"{shown(alert.location())}: {alert.severity}: {shown(who + alert.message)} [{shown(alert.rule)}]"


def _health_text(value: dict[str, Any] | None) -> str:
    if value is None:
        return "(absent)"
    if value["grade"] is None:
        return "not rated" + (f" ({value['status']})" if value["status"] else "")
    return f"{value['score']} {value['grade']} {value['status']}"


def _base_text(diff: Diff) -> str:
    commit = f" ({diff.base.commit[:12]})" if diff.base.commit else ""
    return f"{shown(diff.base.label)}{commit}"


def render_text(diff: Diff) -> str:
    out = [f"partnerbook diff against {_base_text(diff)} on {diff.today}: {diff.headline()}"]
    for side, ok in diff.computed.items():
        if not ok:
            out.append(f"note: the records at {'BASE' if side == 'base' else 'the working tree'} have errors that "
                       "stop computing: alerts, health and KPIs are not compared")
    records = diff.records
    if any(records.values()):
        out += ["", "records:"]
        out += [f"  added    {r['kind']} {shown(r['id'])} ({shown(r['file'])})" for r in records["added"]]
        out += [f"  removed  {r['kind']} {shown(r['id'])} ({shown(r['file'])})" for r in records["removed"]]
        for row in records["changed"]:
            out.append(f"  changed  {row['kind']} {shown(row['id'])} ({shown(row['file'])})")
            out += [f"      {line}" for line in _change_lines(row)]
    for title, problems in (("new findings", diff.new_findings), ("resolved findings", diff.resolved_findings)):
        if problems:
            out += ["", f"{title}:", *(f"  {_problem_text(p)}" for p in problems)]
    if diff.unchanged_findings:
        out += ["", f"unchanged findings: {len(diff.unchanged_findings)} (already at BASE)"]
    for title, alerts in (("new alerts", diff.new_alerts), ("resolved alerts", diff.resolved_alerts)):
        if alerts:
            out += ["", f"{title}:", *(f"  {_alert_text(a)}" for a in alerts)]
    if diff.health:
        out += ["", "health:"]
        out += [f"  {shown(h['partner'])}: {_health_text(h['before'])} -> {_health_text(h['after'])}"
                for h in diff.health]
    if diff.compliance:
        out += ["", "compliance:"]
        out += [f"  {shown(c['partner'])}: {c['kind']} {shown(c['subject'])}"
                f"{' in ' + shown(c['contract']) if c['contract'] else ''}: {c['before']} -> {c['after']}"
                for c in diff.compliance]
    kpi_rows = [(r["campaign"], r) for r in diff.kpis["campaigns"]] + [(r["partner"], r) for r in diff.kpis["partners"]]
    if kpi_rows:
        out += ["", "KPIs:"]
        out += [f"  {shown(name)} {r['kpi']}: {_value(r['before'])} -> {_value(r['after'])}" for name, r in kpi_rows]
    return "\n".join(guard_line(line) for line in out) + "\n"


# ---------------------------------------------------------------------------------------------- Markdown

def _code(path: str) -> str:
    """A file:line reference as plain code; anything unusual in it escaped."""
    if _PLAIN_PATH.fullmatch(path.replace(":", "/")):
        return f"`{path}`"
    return f"<code>{markdown.text(shown(path))}</code>"


def _md(value: Any) -> str:
    return str(markdown.cell(_value(value) if not isinstance(value, str) else shown(value)[:_LIMIT]))


def _section(title: str, count: int, rows: list[str], *, open_: bool = False) -> list[str]:
    return ["", f"<details{' open' if open_ else ''}><summary>{title} ({count})</summary>", "", *rows, "",
            "</details>"]


def _problem_rows(problems: Sequence[Problem]) -> list[str]:
    rows = ["| where | severity | rule | message |", "|---|---|---|---|"]
    rows += [f"| {_code(p.location())} | {p.severity.value} | {_md(p.rule)} | {_md(p.message)} |" for p in problems]
    return rows


def _alert_rows(alerts: Sequence[Alert]) -> list[str]:
    rows = ["| where | severity | rule | partner | message |", "|---|---|---|---|---|"]
    rows += [f"| {_code(a.location())} | {a.severity} | {_md(a.rule)} | {_md(a.partner or a.campaign or '')} | "
             f"{_md(a.message)} |" for a in alerts]
    return rows


def render_markdown(diff: Diff) -> str:
    base = f"`{diff.base.commit[:12]}`" if diff.base.commit else _md(diff.base.label)
    label = _md(diff.base.label) if diff.base.commit else ""
    out = ["### partnerbook diff", "", f"**{diff.headline()}**", "",
           f"Compared with {label + ' ' if label else ''}{base} on {diff.today}; time-based findings "
           "(a document that expired on its own) are on both sides and never count as new."]
    for side, ok in diff.computed.items():
        if not ok:
            out += ["", f"> The records at {'BASE' if side == 'base' else 'this change'} have errors that stop "
                    "computing: alerts, health and KPIs are not compared."]
    records = diff.records
    total = sum(len(v) for v in records.values())
    if total:
        rows = ["| record | file | change |", "|---|---|---|"]
        rows += [f"| {r['kind']} {_md(r['id'])} | {_code(r['file'])} | added |" for r in records["added"]]
        rows += [f"| {r['kind']} {_md(r['id'])} | {_code(r['file'])} | removed |" for r in records["removed"]]
        rows += [f"| {r['kind']} {_md(r['id'])} | {_code(r['file'])} | "
                 f"{'<br>'.join(str(markdown.cell(line)) for line in _change_lines(r)) or 'changed'} |"
                 for r in records["changed"]]
        out += _section("Records", total, rows, open_=True)
    if diff.new_findings:
        out += _section("New findings", len(diff.new_findings), _problem_rows(diff.new_findings), open_=True)
    if diff.resolved_findings:
        out += _section("Resolved findings", len(diff.resolved_findings), _problem_rows(diff.resolved_findings))
    if diff.new_alerts:
        out += _section("New alerts", len(diff.new_alerts), _alert_rows(diff.new_alerts), open_=True)
    if diff.resolved_alerts:
        out += _section("Resolved alerts", len(diff.resolved_alerts), _alert_rows(diff.resolved_alerts))
    if diff.health:
        rows = ["| partner | before | after |", "|---|---|---|"]
        rows += [f"| {_md(h['partner'])} | {_md(_health_text(h['before']))} | {_md(_health_text(h['after']))} |"
                 for h in diff.health]
        out += _section("Health", len(diff.health), rows)
    if diff.compliance:
        rows = ["| partner | requirement | before | after |", "|---|---|---|---|"]
        rows += [f"| {_md(c['partner'])} | {c['kind']} {_md(c['subject'])}"
                 f"{' in ' + _md(c['contract']) if c['contract'] else ''} | {c['before']} | {c['after']} |"
                 for c in diff.compliance]
        out += _section("Compliance", len(diff.compliance), rows)
    kpi_rows = [(r["campaign"], r) for r in diff.kpis["campaigns"]] + [(r["partner"], r) for r in diff.kpis["partners"]]
    if kpi_rows:
        rows = ["| campaign or partner | KPI | before | after |", "|---|---|---|---|"]
        rows += [f"| {_md(name)} | {r['kpi']} | {_md(r['before'])} | {_md(r['after'])} |" for name, r in kpi_rows]
        out += _section("KPIs", len(kpi_rows), rows)
    if diff.unchanged_findings:
        out += _section("Unchanged findings", len(diff.unchanged_findings), _problem_rows(diff.unchanged_findings))
    return "\n".join(out) + "\n"


def render_json(diff: Diff) -> str:
    return json_output(json.dumps(diff.as_json(), indent=2, ensure_ascii=False)) + "\n"


def render(diff: Diff, fmt: str) -> str:
    return {"text": render_text, "markdown": render_markdown, "json": render_json}[fmt](diff)


# ---------------------------------------------------------------------------------------------- --new-since

def _since_summary(new: Sequence[Problem], existing: Sequence[Problem], base: str) -> str:
    errors = sum(p.severity is Severity.ERROR for p in new)
    warnings = len(new) - errors
    return (f"since {base}: {errors} new error{'s' * (errors != 1)}, {warnings} new warning{'s' * (warnings != 1)}; "
            f"{len(existing)} finding{'s' * (len(existing) != 1)} already at {base} (reported, not failing)")


def render_validate_since(result: Result, new: list[Problem], existing: list[Problem], fmt: str, base: str) -> str:
    """``validate --new-since``: new findings as usual; those already at BASE listed apart as notices."""
    if fmt == "codequality":  # every finding: GitLab compares with the target branch's report by fingerprint
        return validate_report.render_codequality(result)
    new, existing = _sorted(new), _sorted(existing)
    base = shown(base)
    if fmt == "json":
        rows = [{**p.as_json(), "new": True} for p in new] + [{**p.as_json(), "new": False} for p in existing]
        rows.sort(key=lambda r: (r["file"], r["line"] or 0, r["column"] or 0, r["rule"], r["message"]))
        return json_output(json.dumps(rows, indent=2, ensure_ascii=False)) + "\n"
    annotations = [validate_report.github_annotation(p) for p in new] if fmt == "github" else []
    text = [line for p in new for line in validate_report.render_text_problem(p).split("\n")]
    if existing:
        text += ["", f"already at {base} (notices, not failing):"]
        text += [f"  notice: {_problem_text(p)}" for p in existing]
    text += [validate_report.summary(result), _since_summary(new, existing, base)]
    if fmt == "github" and text and text[0] != "":
        text.insert(0, "")
    return "\n".join([*annotations, *(guard_line(line) for line in text)]) + "\n"


def validate_since_summary(result: Result, new: list[Problem], existing: list[Problem], base: str) -> str:
    """The job summary of ``validate --new-since``: a table of the new findings, a count of the others."""
    table = validate_report.render_markdown_summary(Result(_sorted(new), result.files_checked))
    return table + f"\n{markdown.text(_since_summary(new, existing, shown(base)))}\n"


def render_alerts_since(new: list[Alert], existing: list[Alert], fmt: str, base: str, hidden: int = 0) -> str:
    """``alerts --new-since``: new alerts as usual (annotated with --format github), the others listed apart."""
    from generator.alerts import report as alerts_report

    if fmt == "codequality":  # every alert: GitLab compares with the target branch's report by fingerprint
        return alerts_report.render_codequality(sorted([*new, *existing], key=lambda a: a.sort_key()), hidden)
    base = shown(base)
    if fmt == "json":
        rows = [{**a.as_json(), "new": True} for a in new] + [{**a.as_json(), "new": False} for a in existing]
        return json_output(json.dumps(rows, indent=2, ensure_ascii=False)) + "\n"
    lines = [alerts_report.github_annotation(a) for a in new] if fmt == "github" else []
    text = ["", "partnerbook alerts, new since " + base + ":"] if fmt == "github" and new else []
    text += [_alert_text(a) for a in new]
    if existing:
        text += ["", f"already at {base} (not failing):", *(f"  {_alert_text(a)}" for a in existing)]
    text.append(f"since {base}: {alerts_report.summary(new, hidden)} new; {len(existing)} already at {base}")
    return "\n".join([*lines, *(guard_line(line) for line in text)]) + "\n"


def _sorted(problems: Sequence[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.file, p.line or 0, p.column or 0, p.rule, p.message))
