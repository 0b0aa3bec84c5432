"""partners/<partner-id>/contracts/<contract-id>.yaml: one contract."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from generator.records.common import MAX_NUMBER, Currency, Day, Days, LongText, Money, PositiveMonths, Record, Text

STANDARD_CLAUSES = (
    "termination", "dispute_resolution", "breach_consequences", "data_protection", "ip_protection",
    "liability_cap", "profit_sharing", "pci_responsibility", "sla",
)


class ContractReview(Record):
    every_months: PositiveMonths
    last: Day | None = None


class Value(Record):
    amount: Money
    period: Literal["one-off", "month", "quarter", "year"]
    currency: Currency | None = None


class Pricing(Record):
    model: Literal["fixed", "revenue-share", "commission", "per-unit", "free"]
    rate: float | None = Field(default=None, ge=0, le=MAX_NUMBER)


class PaymentTerms(Record):
    method: Text | None = None
    net_days: Days | None = None


class LegalReview(Record):
    by: Text
    date: Day


class Milestone(Record):
    name: Text
    due: Day
    status: Literal["planned", "in-progress", "done", "blocked"] = "planned"


class Contract(Record):
    """A contract with a partner."""

    title: Text
    signed: Day | None = None
    start: Day | None = None
    end: Day | None = None
    auto_renew: bool = False
    notice_days: Days | None = None
    review: ContractReview | None = None
    value: Value | None = None
    pricing: Pricing | None = None
    payment_terms: PaymentTerms | None = None
    exclusivity: Literal["none", "partial", "full"] = "none"
    clauses: dict[str, LongText] = {}
    legal_review: LegalReview | None = None
    milestones: list[Milestone] = []
