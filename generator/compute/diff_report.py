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

from generator import i18n, labels, markdown
from generator.checks import report as validate_report
from generator.compute.diff import Diff
from generator.i18n import N_, _, ngettext
from generator.inert import guard_line, json_output, shown
from generator.measure.tables import format_kpi
from generator.problems import Problem, Result, Severity
from generator.rules.documents import document_name

if TYPE_CHECKING:
    from generator.alerts.model import Alert

FORMATS = ("text", "markdown", "json")
_PLAIN_PATH = re.compile(r"[A-Za-z0-9._/-]+")
_LIMIT = 80  # characters of a value shown in text and Markdown (JSON has them whole)
_MESSAGE_LIMIT = 400  # characters of a finding's or alert's message in the Markdown tables

# Record kinds (``generator.compute.record_changes._records``) as people read them.
_KINDS = {"settings": N_("settings"), "partner": N_("partner"), "contract": N_("contract"), "sla": N_("SLA"),
          "campaign": N_("campaign")}
# What changed inside a record's lists: (added, removed, changed, a field of an entry changed), per list.
_GROUPS = (
    ("clauses", (N_("clause added: {name}"), N_("clause removed: {name}"), N_("clause changed: {name}"),
                 N_("clause {name}: {field}: {before} -> {after}"))),
    ("documents", (N_("document added: {name}"), N_("document removed: {name}"), N_("document changed: {name}"),
                   N_("document {name}: {field}: {before} -> {after}"))),
    ("results", (N_("results added: {name}"), N_("results removed: {name}"), N_("results changed: {name}"),
                 N_("results of {name}: {field}: {before} -> {after}"))),
)


def _value(value: Any) -> str:
    """A record's value as shown in a change (as written in the record: it is what to look for there)."""
    if value is None:
        return _("(none)")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    return _cut(shown(value if not isinstance(value, float) else f"{value:.4g}"), _LIMIT)


def _cut(text: str, limit: int) -> str:
    """``text`` up to ``limit`` characters, an ellipsis telling when it was cut."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _kind(kind: str) -> str:
    return _(_KINDS[kind]) if kind in _KINDS else kind


def _kpi(kpi: str) -> str:
    """A KPI of the comparison by its label; ``campaign_*`` are a partner's KPIs over all its campaigns."""
    if kpi.startswith("campaign_"):
        return _("{kpi}, all campaigns").format(kpi=labels.label("kpi", kpi.removeprefix("campaign_")))
    return labels.label("kpi", kpi)


def _kpi_value(kpi: str, value: Any) -> str:
    """A KPI's value as the KPI tables write it (percentages, counts, decimals of the current language)."""
    if value is None:
        return _("(none)")
    return shown(format_kpi(kpi.removeprefix("campaign_"), value))


def _change_lines(row: dict[str, Any]) -> list[str]:
    """What changed in one record, one phrase per line."""
    lines = [f"{c['field']}: {_value(c['before'])} -> {_value(c['after'])}" for c in row["changes"]]
    if row.get("note"):
        lines.append(_(row["note"]))
    for group, (added, removed, changed, field_changed) in _GROUPS:
        found = row.get(group)
        if not found:
            continue
        lines += [_(added).format(name=_value(name)) for name in found["added"]]
        lines += [_(removed).format(name=_value(name)) for name in found["removed"]]
        for item in found["changed"]:
            if isinstance(item, str):
                lines.append(_(changed).format(name=_value(item)))
                continue
            name = item.get("type", item.get("partner"))
            lines += [_(field_changed).format(name=_value(name), field=c["field"], before=_value(c["before"]),
                                              after=_value(c["after"]))
                      for c in item["changes"]]
    return lines


def _problem_text(problem: Problem) -> str:
    return f"{shown(problem.location())}: {problem.severity.value}: {shown(problem.message)} [{shown(problem.rule)}]"


def _alert_text(alert: Alert) -> str:
    who = f"{alert.partner}: " if alert.campaign and alert.partner else ""
    severity = labels.label("severity", alert.severity).lower()
    return f"{shown(alert.location())}: {severity}: {shown(who + alert.message)} [{shown(alert.rule)}]"


def _health_text(value: dict[str, Any] | None) -> str:
    if value is None:
        return _("(absent)")
    if value["grade"] is None:
        if value["status"]:
            return _("not rated ({status})").format(status=labels.label("state", value["status"]))
        return _("not rated")
    return f"{i18n.number(value['score'])} {value['grade']} {labels.label('state', value['status'])}"


def _inside(text: str) -> str:
    """A name as it reads inside a sentence: ``data processing agreement``; an acronym keeps its capitals."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _requirement(row: dict[str, Any], text: Any = shown) -> str:
    """A compliance ask of the policy: a document, a clause (in a contract), the SLA record."""
    subject = row["subject"]
    if row["kind"] == "document":
        return _("document {name}").format(name=text(_inside(document_name(subject))))
    if row["kind"] == "sla":
        return _("SLA record (sla.yaml)")
    clause = text(labels.label("clause", subject))
    if row["contract"]:
        return _("clause {clause} in {contract}").format(clause=clause, contract=text(row["contract"]))
    return _("clause {clause} in a contract in force").format(clause=clause)


def _state(value: str) -> str:
    return labels.label("state", value)


def _base_text(diff: Diff) -> str:
    commit = f" ({diff.base.commit[:12]})" if diff.base.commit else ""
    return f"{shown(diff.base.label)}{commit}"


def _not_computed(side: str) -> str:
    """The note of the text report when a side's records stop the computing."""
    if side == "base":
        return _("note: the records at BASE have errors that stop computing: alerts, health and KPIs are not compared")
    return _("note: the records in the working tree have errors that stop computing: alerts, health and KPIs are not "
             "compared")


def _not_computed_md(side: str) -> str:
    """The same note in the pull-request comment."""
    if side == "base":
        return _("The records at BASE have errors that stop computing: alerts, health and KPIs are not compared.")
    return _("The records of this change have errors that stop computing: alerts, health and KPIs are not compared.")


def render_text(diff: Diff) -> str:
    out = [_("partnerbook diff against {base} on {today}: {headline}").format(
        base=_base_text(diff), today=i18n.day(diff.today), headline=diff.headline())]
    for side, ok in diff.computed.items():
        if not ok:
            out.append(_not_computed(side))
    records = diff.records
    if any(records.values()):
        out += ["", _("records:")]
        out += ["  " + _("added    {record} ({file})").format(record=f"{_kind(r['kind'])} {shown(r['id'])}",
                                                             file=shown(r["file"])) for r in records["added"]]
        out += ["  " + _("removed  {record} ({file})").format(record=f"{_kind(r['kind'])} {shown(r['id'])}",
                                                             file=shown(r["file"])) for r in records["removed"]]
        for row in records["changed"]:
            out.append("  " + _("changed  {record} ({file})").format(
                record=f"{_kind(row['kind'])} {shown(row['id'])}", file=shown(row["file"])))
            out += [f"      {line}" for line in _change_lines(row)]
    for title, problems in ((_("new findings:"), diff.new_findings), (_("resolved findings:"), diff.resolved_findings)):
        if problems:
            out += ["", title, *(f"  {_problem_text(p)}" for p in problems)]
    if diff.unchanged_findings:
        count = len(diff.unchanged_findings)
        out += ["", ngettext("unchanged findings: {n} (already at BASE)", "unchanged findings: {n} (already at BASE)",
                             count).format(n=i18n.number(count))]
    for title, alerts in ((_("new alerts:"), diff.new_alerts), (_("resolved alerts:"), diff.resolved_alerts)):
        if alerts:
            out += ["", title, *(f"  {_alert_text(a)}" for a in alerts)]
    if diff.health:
        out += ["", _("health:")]
        out += [f"  {shown(h['partner'])}: {_health_text(h['before'])} -> {_health_text(h['after'])}"
                for h in diff.health]
    if diff.compliance:
        out += ["", _("compliance:")]
        out += [f"  {shown(c['partner'])}: {_requirement(c)}: {_state(c['before'])} -> {_state(c['after'])}"
                for c in diff.compliance]
    kpi_rows = [(r["campaign"], r) for r in diff.kpis["campaigns"]] + [(r["partner"], r) for r in diff.kpis["partners"]]
    if kpi_rows:
        out += ["", _("KPIs:")]
        out += [f"  {shown(name)}, {_kpi(r['kpi'])}: {_kpi_value(r['kpi'], r['before'])} -> "
                f"{_kpi_value(r['kpi'], r['after'])}" for name, r in kpi_rows]
    return "\n".join(guard_line(line) for line in out) + "\n"


# ---------------------------------------------------------------------------------------------- Markdown

def _code(path: str) -> str:
    """A file:line reference as plain code; anything unusual in it escaped."""
    if _PLAIN_PATH.fullmatch(path.replace(":", "/")):
        return f"`{path}`"
    return f"<code>{markdown.text(shown(path))}</code>"


def _md(value: Any) -> str:
    return str(markdown.cell(_value(value) if not isinstance(value, str) else _cut(shown(value), _LIMIT)))


def _message(text: str) -> str:
    """A finding's or alert's message in a table cell: whole unless it is very long."""
    return str(markdown.cell(_cut(shown(text), _MESSAGE_LIMIT)))


def _cell(text: str) -> str:
    """Text the generator wrote (a label, a translated phrase): escaped like any cell."""
    return str(markdown.cell(text))


def _head(*columns: str) -> list[str]:
    """A table's header row (the column names, translated by the caller) and its rule."""
    return ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]


def _section(title: str, count: int, rows: list[str], *, open_: bool = False) -> list[str]:
    summary = _("{title} ({n})").format(title=title, n=i18n.number(count))
    return ["", f"<details{' open' if open_ else ''}><summary>{summary}</summary>", "", *rows, "", "</details>"]


def _problem_rows(problems: Sequence[Problem]) -> list[str]:
    rows = _head(_("where"), _("severity"), _("rule"), _("message"))
    rows += [f"| {_code(p.location())} | {labels.label('severity', p.severity.value)} | {_md(p.rule)} | "
             f"{_message(p.message)} |" for p in problems]
    return rows


def _alert_rows(alerts: Sequence[Alert]) -> list[str]:
    rows = _head(_("where"), _("severity"), _("rule"), _("partner"), _("message"))
    rows += [f"| {_code(a.location())} | {labels.label('severity', a.severity)} | {_md(a.rule)} | "
             f"{_md(a.partner or a.campaign or '')} | {_message(a.message)} |" for a in alerts]
    return rows


def render_markdown(diff: Diff) -> str:
    base = f"`{diff.base.commit[:12]}`" if diff.base.commit else _md(diff.base.label)
    label = _md(diff.base.label) if diff.base.commit else ""
    out = ["### partnerbook diff", "", f"**{diff.headline()}**", "",
           _("Compared with {base} on {today}; time-based findings (a document that expired on its own) are on both "
             "sides and never count as new.").format(base=f"{label} {base}" if label else base,
                                                     today=i18n.day(diff.today))]
    for side, ok in diff.computed.items():
        if not ok:
            out += ["", "> " + _not_computed_md(side)]
    records = diff.records
    total = sum(len(v) for v in records.values())
    if total:
        rows = _head(_("record"), _("file"), _("change"))
        added, removed, changed = _cell(_("added")), _cell(_("removed")), _cell(_("changed"))
        rows += [f"| {_cell(_kind(r['kind']))} {_md(r['id'])} | {_code(r['file'])} | {added} |"
                 for r in records["added"]]
        rows += [f"| {_cell(_kind(r['kind']))} {_md(r['id'])} | {_code(r['file'])} | {removed} |"
                 for r in records["removed"]]
        rows += [f"| {_cell(_kind(r['kind']))} {_md(r['id'])} | {_code(r['file'])} | "
                 f"{'<br>'.join(str(markdown.cell(line)) for line in _change_lines(r)) or changed} |"
                 for r in records["changed"]]
        out += _section(_("Records"), total, rows, open_=True)
    if diff.new_findings:
        out += _section(_("New findings"), len(diff.new_findings), _problem_rows(diff.new_findings), open_=True)
    if diff.resolved_findings:
        out += _section(_("Resolved findings"), len(diff.resolved_findings), _problem_rows(diff.resolved_findings))
    if diff.new_alerts:
        out += _section(_("New alerts"), len(diff.new_alerts), _alert_rows(diff.new_alerts), open_=True)
    if diff.resolved_alerts:
        out += _section(_("Resolved alerts"), len(diff.resolved_alerts), _alert_rows(diff.resolved_alerts))
    if diff.health:
        rows = _head(_("partner"), _("before"), _("after"))
        rows += [f"| {_md(h['partner'])} | {_cell(_health_text(h['before']))} | {_cell(_health_text(h['after']))} |"
                 for h in diff.health]
        out += _section(_("Health"), len(diff.health), rows)
    if diff.compliance:
        rows = _head(_("partner"), _("requirement"), _("before"), _("after"))
        rows += [f"| {_md(c['partner'])} | {_requirement(c, _md)} | {_cell(_state(c['before']))} | "
                 f"{_cell(_state(c['after']))} |" for c in diff.compliance]
        out += _section(_("Compliance"), len(diff.compliance), rows)
    kpi_rows = [(r["campaign"], r) for r in diff.kpis["campaigns"]] + [(r["partner"], r) for r in diff.kpis["partners"]]
    if kpi_rows:
        rows = _head(_("campaign or partner"), _("KPI"), _("before"), _("after"))
        rows += [f"| {_md(name)} | {_cell(_kpi(r['kpi']))} | {_cell(_kpi_value(r['kpi'], r['before']))} | "
                 f"{_cell(_kpi_value(r['kpi'], r['after']))} |" for name, r in kpi_rows]
        out += _section(_("KPIs"), len(kpi_rows), rows)
    if diff.unchanged_findings:
        out += _section(_("Unchanged findings"), len(diff.unchanged_findings), _problem_rows(diff.unchanged_findings))
    return "\n".join(out) + "\n"


def render_json(diff: Diff) -> str:
    return json_output(json.dumps(diff.as_json(), indent=2, ensure_ascii=False)) + "\n"


def render(diff: Diff, fmt: str) -> str:
    return {"text": render_text, "markdown": render_markdown, "json": render_json}[fmt](diff)


# ---------------------------------------------------------------------------------------------- --new-since

def _since_summary(new: Sequence[Problem], existing: Sequence[Problem], base: str) -> str:
    errors = sum(p.severity is Severity.ERROR for p in new)
    warnings = len(new) - errors
    return ngettext("since {base}: {errors}, {warnings}; {n} finding already at {base} (reported, not failing)",
                    "since {base}: {errors}, {warnings}; {n} findings already at {base} (reported, not failing)",
                    len(existing)).format(
        base=base, n=i18n.number(len(existing)),
        errors=ngettext("{n} new error", "{n} new errors", errors).format(n=i18n.number(errors)),
        warnings=ngettext("{n} new warning", "{n} new warnings", warnings).format(n=i18n.number(warnings)))


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
        text += ["", _("already at {base} (notices, not failing):").format(base=base)]
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
    text = ["", _("partnerbook alerts, new since {base}:").format(base=base)] if fmt == "github" and new else []
    text += [_alert_text(a) for a in new]
    if existing:
        text += ["", _("already at {base} (not failing):").format(base=base),
                 *(f"  {_alert_text(a)}" for a in existing)]
    text.append(_("since {base}: {summary} new; {n} already at {base}").format(
        base=base, summary=alerts_report.summary(new, hidden), n=i18n.number(len(existing))))
    return "\n".join([*lines, *(guard_line(line) for line in text)]) + "\n"


def _sorted(problems: Sequence[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.file, p.line or 0, p.column or 0, p.rule, p.message))
