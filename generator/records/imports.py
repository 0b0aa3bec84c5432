"""``imports:`` of partnerbook.yml: who is who in the exports, the survey scale, mappings of your own CSVs.

generator/ingest/ reads the exports with these; the rules that match a partner are in generator/ingest/match.py.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from generator.records.common import Id, Record, Text

Pattern = Annotated[str, Field(min_length=1, max_length=200)]


class PartnerMatch(Record):
    """How a partner is recognised in exports. Values match case-insensitively; ``*`` is a wildcard.

    ``source_medium``: GA4 "Session source / medium" (``awin / affiliate``); ``campaign``: the
    session campaign or ``utm_campaign``; ``utm_source``: the ``utm_source`` of a landing URL;
    ``discount_codes``: order discount codes; ``referrers``: referring site hosts.
    """

    source_medium: list[Pattern] = Field(default_factory=list, max_length=200)
    campaign: list[Pattern] = Field(default_factory=list, max_length=200)
    utm_source: list[Pattern] = Field(default_factory=list, max_length=200)
    discount_codes: list[Pattern] = Field(default_factory=list, max_length=200)
    referrers: list[Pattern] = Field(default_factory=list, max_length=200)


class SurveyScale(Record):
    """How survey answers become CSAT and NPS groups.

    NPS answers 0-10: ``promoters`` and above promote, ``passives`` and above are passive, the rest
    detract. Satisfaction answers on ``satisfaction_max`` points: ``satisfied`` and above count as satisfied.
    """

    promoters: int = Field(default=9, ge=0, le=10)
    passives: int = Field(default=7, ge=0, le=10)
    satisfaction_max: int = Field(default=5, ge=2, le=10)
    satisfied: int = Field(default=4, ge=1, le=10)
    # The survey's question (column or slide title, case-insensitive) that holds the NPS 0-10 answer
    # and the satisfaction answer; when left out they are recognised by their text.
    nps_question: Text | None = None
    satisfaction_question: Text | None = None


class ColumnMapping(Record):
    """A CSV of your own (``partnerbook import csv FILE --mapping NAME``): which column means what."""

    partner: Text | None = None  # column naming the partner (its id, or a value the partner rules match)
    date: Text | None = None  # column with the row's date: rows become the daily series
    date_format: Text | None = None  # strftime format when not ISO (e.g. "%d/%m/%Y")
    columns: dict[Literal["sessions", "carts", "checkouts", "orders", "revenue", "cost", "customers",
                          "repeat_customers", "returns", "responses", "satisfied", "promoters", "passives",
                          "detractors"], Text] = Field(default_factory=dict)
    delimiter: Literal[",", ";", "\t", "|"] | None = None  # detected when not given
    decimal: Literal[".", ","] | None = None  # detected when not given


class ImportSettings(Record):
    """``imports:``: who is who in the exports, the survey scale, and mappings of your own CSVs."""

    partners: dict[Id, PartnerMatch] = Field(default_factory=dict, max_length=10000)
    survey: SurveyScale = SurveyScale()
    mappings: dict[Id, ColumnMapping] = Field(default_factory=dict, max_length=200)
