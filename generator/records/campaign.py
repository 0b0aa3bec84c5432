"""campaigns/<campaign-id>.yaml: one campaign with per-partner results."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from generator.records.common import (
    MAX_NUMBER,
    Count,
    Currency,
    Day,
    Fraction,
    Id,
    LongText,
    Money,
    Record,
    Score,
    Text,
)
from generator.records.partner import Tick


class Targets(Record):
    """What the post-campaign review checks (fractions unless noted)."""

    conversion_lift: float | None = Field(default=None, ge=-1, le=MAX_NUMBER)
    conversion_rate: Fraction | None = None
    cart_abandonment_rate: Fraction | None = None  # at most
    checkout_completion_rate: Fraction | None = None
    csat: Fraction | None = None
    nps: float | None = Field(default=None, ge=-100, le=100)
    roi: float | None = Field(default=None, ge=-1, le=MAX_NUMBER)
    aov: Money | None = None
    cpa: Money | None = None  # at most
    repeat_purchase_rate: Fraction | None = None
    revenue: Money | None = None


class Baseline(Record):
    sessions: Count | None = None
    carts: Count | None = None
    checkouts: Count | None = None
    orders: Count | None = None
    revenue: Money | None = None


class Survey(Record):
    tool: Text | None = None
    responses: Count | None = None
    satisfied: Count | None = None
    promoters: Count | None = None
    passives: Count | None = None
    detractors: Count | None = None


class DailyResult(Record):
    date: Day
    sessions: Count | None = None
    carts: Count | None = None
    checkouts: Count | None = None
    orders: Count | None = None
    revenue: Money | None = None


class PartnerResult(Record):
    partner: Id
    sessions: Count | None = None
    carts: Count | None = None
    checkouts: Count | None = None
    orders: Count | None = None
    revenue: Money | None = None
    cost: Money | None = None
    returns: Count | None = None  # orders returned (at most orders)
    customers: Count | None = None
    repeat_customers: Count | None = None
    baseline: Baseline | None = None
    survey: Survey | None = None
    daily: list[DailyResult] = []
    notes: LongText | None = None


class Learning(Record):
    """A learning of the review; with an owner and a due date it is an action (overdue alerts)."""

    text: Text
    owner: Text | None = None
    due: Day | None = None
    status: Literal["pending", "in-progress", "on-track", "done", "blocked"] = "pending"


class CampaignReview(Record):
    date: Day
    integration_smoothness: Score | None = None
    notes: LongText | None = None
    learnings: list[Learning | Text] = []


class Campaign(Record):
    """A campaign and what each partner delivered in it."""

    name: Text
    description: LongText | None = None
    start: Day
    end: Day
    owner: Text
    currency: Currency | None = None
    targets: Targets = Targets()
    gross_margin: Fraction | None = None
    results: list[PartnerResult] = []
    review: CampaignReview | None = None
    checklist: list[Tick] = []
