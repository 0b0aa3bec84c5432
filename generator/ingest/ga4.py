"""Google Analytics 4 exports: traffic and funnel per partner, per day or for the period.

Reads what GA4 writes with a report's "Share this report > Download file > Download CSV" or an
exploration's "Export data > CSV": ``#`` comment lines (account, property, date range) above one
table whose columns are the report's dimensions and metrics, sometimes a "Grand total" row.
Column names are the GA4 interface names (English), or the Data API names of the same fields::

    partner key    Session source / medium, First user source / medium, Source / medium,
                   Session manual source / medium     -> imports.partners.<id>.source_medium
                   Session campaign, First user campaign, Campaign -> ... .campaign
                   Session source, First user source, Source       -> ... .utm_source
    Date           YYYYMMDD (ISO dates are read too): the rows become the daily series
    sessions       Sessions
    carts          Add to carts
    checkouts      Checkouts
    orders         Transactions, Ecommerce purchases, Purchases
    revenue        Purchase revenue, Total revenue

Several key columns may be present: a row goes to the partner its source / medium names, else its
campaign, else its source. Rows no rule claims are counted with their key values as examples (the
values to add as rules); rows dated outside the campaign are counted and left out.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path

from generator import i18n
from generator.i18n import _
from generator.inert import shown
from generator.ingest.match import Matcher
from generator.ingest.model import DAILY_FIELDS, Extract, Figures, ImportProblem, Request
from generator.ingest.read import Table, open_table

SOURCE = "ga4"
MAX_EXAMPLES = 5

# Partner key columns, in the order a row is attributed: (rule kind, accepted headers).
KEYS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("source_medium", ("session source / medium", "first user source / medium", "source / medium",
                       "session manual source / medium", "manual source / medium", "sessionsourcemedium",
                       "firstusersourcemedium", "sourcemedium", "sessionmanualsourcemedium")),
    ("campaign", ("session campaign", "first user campaign", "campaign", "session campaign name",
                  "session manual campaign name", "sessioncampaignname", "firstusercampaignname", "campaignname")),
    ("utm_source", ("session source", "first user source", "source", "session manual source", "sessionsource",
                    "firstusersource")),
)
DATES = ("date", "day")
# Metric columns, most specific first: the first header present is read.
METRICS: dict[str, tuple[str, ...]] = {
    "sessions": ("sessions",),
    "carts": ("add to carts", "addtocarts", "add-to-carts"),
    "checkouts": ("checkouts",),
    "orders": ("transactions", "ecommerce purchases", "ecommercepurchases", "purchases"),
    "revenue": ("purchase revenue", "purchaserevenue", "total revenue", "totalrevenue", "ecommerce revenue"),
}
CURRENCIES = ("currency", "currency code", "currencycode")
TOTAL_LABELS = frozenset({"grand total", "total", "totals"})


def header_key(name: str) -> str:
    """A header as compared: case, spacing and spaces around ``/`` do not matter."""
    text = re.sub(r"\s+", " ", name.replace("\ufeff", "")).strip().lower()
    return re.sub(r"\s*/\s*", " / ", text)


def find(columns: Iterable[str], accepted: Iterable[str]) -> str | None:
    """The first column (its header as written) whose name is one of ``accepted``."""
    by_key: dict[str, str] = {}
    for column in columns:
        by_key.setdefault(header_key(column), column)
    for name in accepted:
        if header_key(name) in by_key:
            return by_key[header_key(name)]
    return None


def columns_found(columns: Iterable[str]) -> str:
    return ", ".join(f"'{shown(c)}'" for c in columns) or _("none")


def _metric(table: Table, text: str | None, row: int, column: str, *, money: bool) -> float | int:
    """A metric cell: empty is 0; counts are whole numbers, money keeps two decimals and is never negative."""
    if money:
        value = table.number(text or "", row, column)
        if value is not None and value < 0:
            raise ImportProblem(table.display, _("revenue {value} is negative").format(value=shown(text)),
                                _("revenue is 0 or more"), row=row, column=column)
        return round(value or 0.0, 2)
    return table.count(text or "", row, column) or 0


def _period(comments: Iterable[str]) -> tuple[date | None, date | None]:
    """The date range GA4 writes in its preamble (``# Start date: 20260320``, ``# End date: 20260406``)."""
    found: dict[str, date] = {}
    for line in comments:
        hit = re.match(r"(start|end) date\s*:\s*(\d{8})\s*$", line.strip(), re.IGNORECASE)
        if hit:
            with contextlib.suppress(ValueError):
                found[hit[1].lower()] = datetime.strptime(hit[2], "%Y%m%d").date()
    return found.get("start"), found.get("end")


def extract(path: Path, request: Request) -> Extract:
    table = open_table(path)
    file = table.display
    columns = list(table.columns)
    keys = [(kind, column) for kind, names in KEYS if (column := find(columns, names)) is not None]
    metrics = {name: column for name, names in METRICS.items() if (column := find(columns, names)) is not None}
    if not keys or not metrics:
        missing = (_("no source / medium, campaign or source column; the header (row {row}) has {columns}") if not keys
                   else _("no metric column GA4 names; the header (row {row}) has {columns}"))
        raise ImportProblem(
            file, missing.format(row=table.header_row, columns=columns_found(columns)),
            _("export the GA4 report with the dimension 'Session source / medium' (or 'Session campaign') "
              "and the metrics Sessions, Add to carts, Checkouts, Transactions (or Ecommerce purchases) "
              "and Purchase revenue"), row=table.header_row)
    date_column = find(columns, DATES)
    currency_column = find(columns, CURRENCIES)
    header = [header_key(c) for c in columns]
    matcher = Matcher(request.settings, request.partners)

    figures: dict[str, Figures] = {}
    rows = unmatched = outside = 0
    examples: list[str] = []
    for row_number, record in table.rows():
        if [header_key(record.get(c) or "") for c in columns] == header:
            break  # a second table of the download starts: only the first is read
        labels = [(record.get(column) or "").strip() for _, column in keys]
        first = (record.get(columns[0]) or "").strip().lower()
        if first in TOTAL_LABELS or any(label.lower() == "grand total" for label in labels):
            continue  # the total row GA4 adds above or below the table
        rows += 1
        values = {name: _metric(table, record.get(column), row_number, column, money=name == "revenue")
                  for name, column in metrics.items()}
        if currency_column:
            code = (record.get(currency_column) or "").strip().upper()
            if code and code != request.currency:
                raise ImportProblem(file, _("revenue is in {code}, the campaign reports in {currency}").format(
                                        code=shown(code), currency=request.currency),
                                    _("export the report in {currency} (GA4 property settings, currency)").format(
                                        currency=request.currency),
                                    row=row_number, column=currency_column)
        day = None
        if date_column:
            day = table.day(record.get(date_column) or "", row_number, date_column)
            if day is None:
                raise ImportProblem(file, _("the date is empty"), _("every row of a report by Date has its day"),
                                    row=row_number, column=date_column)
            if not request.start <= day <= request.end:
                outside += 1
                continue
        partner = request.partner
        for (kind, column), label in zip(keys, labels, strict=True):
            if partner is not None:
                break
            partner = matcher.partner(kind, label, file=file, row=row_number, column=column)
        if partner is None:
            unmatched += 1
            example = " | ".join(shown(label) or _("(empty)") for label in labels)
            if example not in examples and len(examples) < MAX_EXAMPLES:
                examples.append(example)
            continue
        target = figures.setdefault(partner, Figures())
        for name, value in values.items():
            target.counts[name] = _add(target.counts.get(name), value, money=name == "revenue")
        if day is not None:
            daily = target.daily.setdefault(day, {})
            for name, value in values.items():
                if name in DAILY_FIELDS:
                    daily[name] = _add(daily.get(name), value, money=name == "revenue")

    notes = []
    if date_column is None:
        start, end = _period(table.comments)
        if start and end and (start, end) != (request.start, request.end):
            notes.append(_("the export covers {start} to {end}, the campaign runs {campaign_start} to {campaign_end}: "
                           "without a Date column every row counts for the campaign").format(
                start=i18n.day(start), end=i18n.day(end), campaign_start=i18n.day(request.start),
                campaign_end=i18n.day(request.end)))
        notes.append(_("no Date column: figures for the whole export, no daily series (add the Date dimension "
                       "for the series the anomaly alerts read)"))
    return Extract(source=SOURCE, file=path, rows=rows, figures=dict(sorted(figures.items())),
                   unmatched_rows=unmatched, unmatched_examples=tuple(examples), outside_rows=outside,
                   notes=tuple(notes))


def _add(old: float | int | None, value: float | int, *, money: bool) -> float | int:
    total = (old or 0) + value
    return round(total, 2) if money else total
