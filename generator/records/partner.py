"""partners/<partner-id>/partner.yaml: the partner profile."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from generator.records.common import Day, Email, Id, LongText, PositiveDays, Record, Score, Text, UrlOrPath

Category = Literal[
    "payment", "logistics", "marketing", "feedback", "platform", "supplier", "customer-service", "other"
]
Status = Literal["prospect", "evaluating", "onboarding", "active", "paused", "offboarded"]
Criticality = Literal["critical", "high", "medium", "low"]
Frequency = Literal["daily", "weekly", "monthly", "quarterly", "yearly"]

CATEGORIES: tuple[str, ...] = Category.__args__  # type: ignore[attr-defined]
STATUSES: tuple[str, ...] = Status.__args__  # type: ignore[attr-defined]


class AccountManager(Record):
    name: Text
    email: Email | None = None


class Contact(Record):
    name: Text
    role: Text | None = None
    email: Email | None = None
    phone: Text | None = None


class DataAccess(Record):
    personal_data: bool = False
    card_data: bool = False


class Onboarding(Record):
    signed: Day | None = None
    live: Day | None = None


class DueDiligence(Record):
    completed: Day | None = None
    business_model: Text | None = None
    financial_health: Literal["strong", "adequate", "weak"] | None = None
    target_market: Text | None = None
    reputation: LongText | None = None
    references: list[Text] = []


class Evaluation(Record):
    date: Day
    evaluator: Text
    scores: dict[str, Score] = Field(min_length=1)
    notes: LongText | None = None


class RedFlag(Record):
    date: Day
    description: Text
    status: Literal["open", "resolved"] = "open"


class ComplianceDocument(Record):
    type: Id
    status: Literal["valid", "pending", "missing", "expired"]
    issued: Day | None = None
    expires: Day | None = None
    evidence: UrlOrPath | None = None
    notes: LongText | None = None


class RaciEntry(Record):
    task: Text
    responsible: Text
    accountable: Text
    consulted: list[Text] = []
    informed: list[Text] = []


class Responsibility(Record):
    task: Text
    owner: Text
    frequency: Frequency


class RoadmapItem(Record):
    milestone: Text
    due: Day
    status: Literal["planned", "in-progress", "done", "blocked"] = "planned"


class Action(Record):
    aspect: Text
    responsible: Text
    deadline: Day
    status: Literal["pending", "in-progress", "on-track", "done", "blocked"] = "pending"


class CheckIn(Record):
    date: Day
    kind: Literal["call", "qbr", "email", "workshop", "visit"]
    summary: LongText


class Training(Record):
    activity: Text
    frequency: Text
    responsible: Text


class Review(Record):
    every_days: PositiveDays
    last: Day | None = None


class Tick(Record):
    """A checklist item ticked by hand: which item, when, by whom, and where the evidence is."""

    item: Id
    done: Day
    by: Text
    evidence: UrlOrPath | None = None


class Partner(Record):
    """A partner profile."""

    name: Text
    description: LongText | None = None
    notes: LongText | None = None
    category: Category
    status: Status
    criticality: Criticality = "medium"
    regions: list[Text] = []
    owner: Text
    account_manager: AccountManager | None = None
    contacts: list[Contact] = []
    capabilities: list[Id] = []
    backup_partners: list[Id] = []
    data_access: DataAccess = DataAccess()
    tech_maturity: Literal["basic", "standard", "advanced"] | None = None
    onboarding: Onboarding | None = None
    due_diligence: DueDiligence | None = None
    evaluation: Evaluation | None = None
    red_flags: list[RedFlag] = []
    compliance: list[ComplianceDocument] = []
    raci: list[RaciEntry] = []
    responsibilities: list[Responsibility] = []
    roadmap: list[RoadmapItem] = []
    actions: list[Action] = []
    check_ins: list[CheckIn] = []
    training: list[Training] = []
    review: Review | None = None
    checklist: list[Tick] = []
