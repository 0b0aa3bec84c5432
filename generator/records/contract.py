"""partners/<partner-id>/contracts/<contract-id>.yaml: one contract."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

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


# KPIs a contract may commit a partner to (each as over the partner's campaign results; see
# generator.rules.commitments). Rates are fractions; revenue, aov and cpa are amounts in the
# contract's currency (value.currency, else the reporting currency).
CommitmentKpi = Literal[
    "conversion_rate", "revenue", "orders", "aov", "cpa", "roi", "return_rate", "cart_abandonment_rate",
    "checkout_completion_rate",
]
CommitmentPeriod = Literal["campaign", "month", "quarter", "year"]


class Commitment(Record):
    """A performance commitment: ``kpi`` at least ``min`` or at most ``max`` in each ``period``.

    ``from``/``until`` limit it to part of the contract's term (default: the whole term).
    Give exactly one of ``min`` (at least) and ``max`` (at most). Rates are fractions; revenue,
    aov and cpa are in the contract's currency (value.currency, else the reporting currency).
    """

    model_config = ConfigDict(populate_by_name=True)

    kpi: CommitmentKpi
    min: float | None = Field(default=None, ge=-MAX_NUMBER, le=MAX_NUMBER)
    max: float | None = Field(default=None, ge=-MAX_NUMBER, le=MAX_NUMBER)
    period: CommitmentPeriod
    valid_from: Day | None = Field(default=None, alias="from")
    until: Day | None = None
    note: LongText | None = None


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
    commitments: list[Commitment] = []
