"""KPI tables for the command line: text for people, CSV for spreadsheets, JSON for tools."""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING, Any

from generator.inert import shown
from generator.measure.kpis import CAMPAIGN_KPIS, KpiReport

if TYPE_CHECKING:
    from generator.compute.health import Health

PERCENT_KPIS = frozenset({
    "conversion_rate", "cart_abandonment_rate", "checkout_completion_rate", "roi", "conversion_lift",
    "csat", "repeat_purchase_rate", "revenue_share", "sla_attainment",
})
PARTNER_COLUMNS = ("revenue_share", "activation_days", "evaluation_score", "sla_attainment",
                   "service_credits", "health_score", "grade")
TOTAL = "(total)"


def format_kpi(name: str, value: Any) -> str:
    """How a KPI reads on a page or in a terminal: n/a when undefined."""
    if value is None:
        return "n/a"
    if isinstance(value, str):
        return value
    if name in PERCENT_KPIS:
        return f"{value * 100:.1f}%"
    if name == "abandonment_change":
        return f"{value * 100:+.1f} pp"
    if name in ("nps", "activation_days", "health_score"):
        return f"{value:.0f}"
    if name == "hhi":
        return f"{value:.3f}"
    if name == "evaluation_score":
        return f"{value:.2f}"
    return f"{value:,.2f}"


def campaign_rows(report: KpiReport) -> list[dict[str, Any]]:
    rows = []
    for campaign_id, kpis in report.campaigns.items():
        for partner_id, values in kpis.partners.items():
            rows.append({"campaign": campaign_id, "partner": partner_id, **values})
        rows.append({"campaign": campaign_id, "partner": TOTAL, **kpis.total})
    return rows


def partner_rows(report: KpiReport, health: dict[str, Health]) -> list[dict[str, Any]]:
    data = report.as_json(health)["partners"]
    return [{"partner": pid, **{c: values[c] for c in PARTNER_COLUMNS}} for pid, values in data.items()]


def _safe_cell(value: Any) -> Any:
    """Text with its control characters shown (``\\x1b``); one a spreadsheet would run as a formula gets a quote."""
    if isinstance(value, str):
        value = shown(value)
        if value[:1] in ("=", "+", "-", "@", "\t", "\r", "|"):
            return "'" + value
    return "" if value is None else value


def to_csv(rows: list[dict[str, Any]], columns: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_safe_cell(row.get(c)) for c in columns])
    return buffer.getvalue()


def to_text(rows: list[dict[str, Any]], columns: list[str]) -> str:
    cells = [[shown(row.get(c)) if c in ("campaign", "partner", "grade") and row.get(c) is not None
              else format_kpi(c, row.get(c)) for c in columns] for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) if i < 2 else v.rjust(w) for i, (v, w) in enumerate(zip(r, widths, strict=True)))
              for r in cells]
    return "\n".join(lines) + "\n"


def render(report: KpiReport, health: dict[str, Health], fmt: str, table: str) -> str:
    """``partnerbook kpis`` output in ``fmt`` (text, csv, json)."""
    if fmt == "json":
        return json.dumps(report.as_json(health), indent=2, sort_keys=False, allow_nan=False) + "\n"
    if table == "partners":
        rows, columns = partner_rows(report, health), ["partner", *PARTNER_COLUMNS]
    else:
        rows, columns = campaign_rows(report), ["campaign", "partner", *CAMPAIGN_KPIS, "hhi"]
    if fmt == "csv":
        return to_csv(rows, columns)
    title = "Partners" if table == "partners" else "Campaigns"
    footer = f"\nportfolio hhi: {format_kpi('hhi', report.hhi)}\n"
    return f"{title}\n\n{to_text(rows, columns)}{footer}"
