"""KPI tables for the command line: text for people, CSV for spreadsheets, JSON for tools."""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from generator import i18n, labels
from generator.i18n import N_, _
from generator.inert import shown
from generator.measure.kpis import CAMPAIGN_KPIS, KpiReport

if TYPE_CHECKING:
    from generator.compute.health import Health

PERCENT_KPIS = frozenset({
    "conversion_rate", "cart_abandonment_rate", "checkout_completion_rate", "roi", "conversion_lift",
    "csat", "repeat_purchase_rate", "revenue_share", "sla_attainment", "return_rate",
})
PARTNER_COLUMNS = ("revenue_share", "activation_days", "evaluation_score", "sla_attainment",
                   "service_credits", "health_score", "grade")
TOTAL = "(total)"
TEXT_COLUMNS = frozenset({"campaign", "partner", "grade", "currency"})


def format_kpi(name: str, value: Any) -> str:
    """How a KPI reads on a page or in a terminal: n/a when undefined."""
    if value is None:
        return _("n/a")
    if isinstance(value, str):
        return value
    if name in PERCENT_KPIS:
        return i18n.percent(value, 1)
    if name == "abandonment_change":
        return _("{change} pp").format(change=i18n.signed(value * 100, 1))
    if name in ("nps", "activation_days", "health_score", "sessions", "carts", "checkouts", "orders", "returns"):
        return i18n.number(value)
    if name == "hhi":
        return i18n.number(value, 3)
    if name == "evaluation_score":
        return i18n.number(value, 2)
    return i18n.number(value, 2)


COUNT_COLUMNS = ("sessions", "carts", "checkouts", "orders", "revenue", "cost")
MONEY_COLUMNS = frozenset({"revenue", "cost", "service_credits"})
_WHOLE_COUNTS = frozenset({"sessions", "carts", "checkouts", "orders"})


def _count(column: str, value: Any) -> float | int | None:
    """A summed count as a plain number: whole counts as int, money rounded to the cent; None when unknown."""
    if value is None:
        return None
    number = float(value)
    if math.isnan(number) or math.isinf(number):
        return None
    return round(number) if column in _WHOLE_COUNTS else round(number, 2)


def _sums(frame: pd.DataFrame) -> dict[str, float | int | None]:
    """Every reported value of each count column summed; None where no row reports it (as the totals' ratios)."""
    return {c: _count(c, frame[c].sum(min_count=1)) if c in frame else None for c in COUNT_COLUMNS}


def campaign_counts(report: KpiReport) -> dict[str, dict[str, Any]]:
    """Per campaign: ``{"total": counts, "partners": {partner: counts}}``, from ``report.results``.

    Revenue and cost are in the reporting currency (converted in ``results_frame``). A total sums
    every reported value of the campaign, the way its CPA and ROI do; None where no row reports it.
    """
    frame = report.results
    groups = frame.groupby("campaign", sort=False).indices if not frame.empty else {}
    counts: dict[str, dict[str, Any]] = {}
    for campaign_id, kpis in report.campaigns.items():
        rows = frame.iloc[groups.get(campaign_id, [])]
        by_partner = rows.groupby("partner", sort=False).indices if not rows.empty else {}
        counts[campaign_id] = {
            "total": _sums(rows),
            "partners": {pid: _sums(rows.iloc[by_partner[pid]]) if pid in by_partner else _sums(rows.iloc[0:0])
                         for pid in kpis.partners},
        }
    return counts


def partner_counts(report: KpiReport) -> dict[str, dict[str, Any]]:
    """Each partner's counts summed over all its campaigns (None where no campaign reports one)."""
    frame = report.results
    groups = frame.groupby("partner", sort=False).indices if not frame.empty else {}
    return {pid: _sums(frame.iloc[groups.get(pid, [])]) for pid in report.partners}


def campaign_rows(report: KpiReport, campaign: str | None = None) -> list[dict[str, Any]]:
    """The campaigns table: one row per campaign and partner, then the campaign's ``(total)``."""
    counts = campaign_counts(report)
    rows = []
    for campaign_id, kpis in report.campaigns.items():
        if campaign is not None and campaign_id != campaign:
            continue
        for partner_id, values in kpis.partners.items():
            rows.append({"campaign": campaign_id, "partner": partner_id,
                         **counts[campaign_id]["partners"][partner_id], **values})
        rows.append({"campaign": campaign_id, "partner": TOTAL, **counts[campaign_id]["total"], **kpis.total})
    return rows


def partner_rows(report: KpiReport, health: dict[str, Health]) -> list[dict[str, Any]]:
    """The partners table: each partner's own KPIs and its counts over all campaigns."""
    data = report.as_json(health)["partners"]
    counts = partner_counts(report)
    return [{"partner": pid, **counts.get(pid, dict.fromkeys(COUNT_COLUMNS)), **{c: values[c] for c in PARTNER_COLUMNS}}
            for pid, values in data.items()]


@dataclass(frozen=True)
class Table:
    """Rows and their columns, in order: what ``kpis --format csv`` prints and the site offers as a download."""

    columns: list[str]
    rows: list[dict[str, Any]]


def campaign_table(report: KpiReport, currency: str, campaign: str | None = None) -> Table:
    """The campaigns table (all campaigns, or one): ids, counts, the currency of the money columns, KPIs."""
    rows = [{**row, "currency": currency} for row in campaign_rows(report, campaign)]
    return Table(["campaign", "partner", *COUNT_COLUMNS, "currency", *CAMPAIGN_KPIS, "hhi"], rows)


def partner_table(report: KpiReport, health: dict[str, Health], currency: str) -> Table:
    """The partners table: id, counts over all campaigns, the currency of the money columns, partner KPIs."""
    rows = [{**row, "currency": currency} for row in partner_rows(report, health)]
    return Table(["partner", *COUNT_COLUMNS, "currency", *PARTNER_COLUMNS], rows)


def safe_cell(value: Any) -> Any:
    """Text with its control characters shown (``\\x1b``); one a spreadsheet would run as a formula gets a quote."""
    if isinstance(value, str):
        value = shown(value)
        if value[:1] in ("=", "+", "-", "@", "\t", "\r", "|"):
            return "'" + value
    return "" if value is None else value


_safe_cell = safe_cell  # the name earlier code and tests use


def to_csv(rows: list[dict[str, Any]], columns: list[str]) -> str:
    """CSV for spreadsheets: a header row, ``\\n`` line ends, every text cell through ``safe_cell``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([safe_cell(c) for c in columns])
    for row in rows:
        writer.writerow([safe_cell(row.get(c)) for c in columns])
    return buffer.getvalue()


def table_csv(table: Table) -> str:
    """A table as CSV text (``partnerbook kpis --format csv`` and the site's downloads)."""
    return to_csv(table.rows, table.columns)


# The text table's headers of its id columns (KPI columns read as their labels, generator/labels.py).
_HEADERS = {"campaign": N_("Campaign"), "partner": N_("Partner"), "currency": N_("Currency")}


def header(column: str, currency: str | None = None) -> str:
    """A text table's header for ``column``: its plain label, with the currency of a money column."""
    text = _(_HEADERS[column]) if column in _HEADERS else labels.label("kpi", column)
    if currency is not None and column in MONEY_COLUMNS:
        return _("{label} ({currency})").format(label=text, currency=shown(currency))
    return text


def _text_cell(column: str, value: Any) -> str:
    if column == "partner" and value == TOTAL:
        return _("(total)")
    if column in TEXT_COLUMNS and value is not None:
        return shown(value)
    return format_kpi(column, value)


def to_text(rows: list[dict[str, Any]], columns: list[str], headers: dict[str, str] | None = None) -> str:
    """An aligned table for a terminal; ``headers`` gives a column another header than its id."""
    given = headers or {}
    headers_row = [given.get(c, c) for c in columns]
    cells = [[_text_cell(c, row.get(c)) for c in columns] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(headers_row)]
    left = [c in ("campaign", "partner") for c in columns]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers_row, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) if is_left else v.rjust(w)
                        for v, w, is_left in zip(r, widths, left, strict=True)) for r in cells]
    return "\n".join(line.rstrip() for line in lines) + "\n"


def report_json(report: KpiReport, health: dict[str, Health], currency: str,
                campaign: str | None = None) -> dict[str, Any]:
    """``partnerbook kpis --format json``: the KPI report plus the reporting currency and the counts.

    Every key of ``KpiReport.as_json`` stays as it is. Added: ``currency`` at the top; per campaign
    ``counts`` (``{"total": {...}, "partners": {id: {...}}}``); per partner ``counts`` over all its
    campaigns. Counts are sessions, carts, checkouts, orders, revenue and cost (money in ``currency``).
    """
    data = report.as_json(health)
    counts = campaign_counts(report)
    totals = partner_counts(report)
    campaigns = {cid: {**values, "counts": counts[cid]} for cid, values in data["campaigns"].items()
                 if campaign is None or cid == campaign}
    partners = {pid: {**values, "counts": totals.get(pid, dict.fromkeys(COUNT_COLUMNS))}
                for pid, values in data["partners"].items()}
    return {"currency": currency, **data, "campaigns": campaigns, "partners": partners}


def render(report: KpiReport, health: dict[str, Health], fmt: str, table: str, currency: str,
           campaign: str | None = None) -> str:
    """``partnerbook kpis`` output in ``fmt`` (text, csv, json); ``campaign`` keeps only that campaign."""
    if fmt == "json":
        data = report_json(report, health, currency, campaign)
        return json.dumps(data, indent=2, sort_keys=False, allow_nan=False) + "\n"
    chosen = partner_table(report, health, currency) if table == "partners" else \
        campaign_table(report, currency, campaign)
    if fmt == "csv":
        return table_csv(chosen)
    columns = [c for c in chosen.columns if c != "currency"]  # the money headers name it instead
    title = _("Partners") if table == "partners" else _("Campaigns")
    hhi = format_kpi("hhi", report.hhi)
    footer = "\n" + _("Portfolio revenue concentration (HHI): {value}").format(value=hhi) + "\n"
    return f"{title}\n\n{to_text(chosen.rows, columns, {c: header(c, currency) for c in columns})}{footer}"
