"""What an import produces, whatever its source: figures per partner, and what matched no partner.

Every preset (``generator/ingest/<preset>.py``) exposes::

    def extract(path: Path, request: Request) -> Extract

and raises :class:`ImportProblem` (file, row, column, what is wrong, how to fix it) for a file it
cannot read; nothing is written then. The writer (``generator/ingest/write.py``) turns an
``Extract`` into the campaign record's ``results``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from generator.errors import PartnerbookError
from generator.i18n import _

# Counts a result row of a campaign holds (generator/records/campaign.py PartnerResult).
COUNT_FIELDS = ("sessions", "carts", "checkouts", "orders", "revenue", "cost", "customers", "repeat_customers",
                "returns")
DAILY_FIELDS = ("sessions", "carts", "orders", "revenue")  # DailyResult
SURVEY_FIELDS = ("responses", "satisfied", "promoters", "passives", "detractors")


class ImportProblem(PartnerbookError):
    """An export that cannot be imported: where (file, row, column), what is wrong and how to fix it.

    ``row`` is the 1-based line of the file as a spreadsheet shows it (the header is row 1 of the
    table; comment lines above it count), ``column`` the column's header name; either may be None
    when the problem is the whole file.
    """

    def __init__(self, file: str, message: str, hint: str = "", *, row: int | None = None,
                 column: str | None = None) -> None:
        self.file, self.row, self.column, self.message, self.hint = file, row, column, message, hint
        where = file + (f":{row}" if row is not None else "")
        if column:
            where = _("{place} (column '{column}')").format(place=where, column=column)
        text = f"{where}: {message}"
        if hint:
            text += "\n  " + _("hint: {hint}").format(hint=hint)
        super().__init__(text)


@dataclass
class Request:
    """What the user asked for: the campaign, its period and currency, and the import settings."""

    campaign_id: str
    start: date
    end: date
    currency: str  # the campaign's currency (its own, else the reporting one): money columns must be in it
    settings: Any  # generator.records.imports.ImportSettings
    partners: tuple[str, ...]  # every partner id of the portfolio
    mapping: str | None = None  # `--mapping NAME` for the csv source
    partner: str | None = None  # `--partner ID`: every row is this partner's (a survey run for one partner)


@dataclass
class Figures:
    """One partner's figures from an export; None where the export says nothing."""

    counts: dict[str, float | int | None] = field(default_factory=dict)  # keys from COUNT_FIELDS
    daily: dict[date, dict[str, float | int]] = field(default_factory=dict)  # keys from DAILY_FIELDS
    survey: dict[str, int] | None = None  # keys from SURVEY_FIELDS, plus "tool"


@dataclass
class Extract:
    """An export aggregated per partner."""

    source: str  # the preset name
    file: Path
    rows: int  # data rows read
    figures: dict[str, Figures]  # partner id -> figures
    unmatched_rows: int = 0  # rows no partner rule claimed: reported, never dropped silently
    unmatched_examples: tuple[str, ...] = ()  # a few of their keys (source / medium, code, referrer), to add rules
    outside_rows: int = 0  # rows dated outside the campaign's period
    notes: tuple[str, ...] = ()  # anything else the user should know (e.g. a currency column that was checked)
