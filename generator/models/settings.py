"""partnerbook.yml: settings. The file is optional and every key has a default."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from generator.models.common import Currency, Id, Record, Text
from generator.models.partner import Category, Criticality, Status

DEFAULT_CRITERIA = (
    "product_alignment", "compliance", "integration", "customer_experience", "experience",
    "reputation", "compatibility", "culture_fit", "financial_health",
)
CriterionId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
ClauseName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
Weight = Annotated[float, Field(gt=0)]


class SiteSettings(Record):
    title: Text = "Partnerships"
    language: Annotated[str, Field(pattern=r"^[a-z]{2}(-[A-Za-z]{2,4})?$")] = "en"


class Condition(Record):
    """A partner matches when every key given here matches."""

    category: list[Category] | None = None
    status: list[Status] | None = None
    criticality: list[Criticality] | None = None
    personal_data: bool | None = None
    card_data: bool | None = None


class Requirement(Record):
    """One compliance requirement: applies when any condition under ``when`` matches."""

    id: Id
    description: Text | None = None
    when: list[Condition] = Field(min_length=1)
    documents: list[Id] = []
    clauses: list[ClauseName] = []  # in at least one contract of the partner
    every_contract_clauses: list[ClauseName] = []  # in every current contract
    sla: bool = False  # the partner must have sla.yaml


DEFAULT_REQUIREMENTS = (
    Requirement(
        id="pci-dss",
        description="Card payments need a valid PCI DSS attestation and a responsibility clause",
        when=[Condition(category=["payment"]), Condition(card_data=True)],
        documents=["pci-dss-aoc"],
        clauses=["pci_responsibility"],
    ),
    Requirement(
        id="data-processing",
        description="Partners that handle customer data need a data processing agreement",
        when=[
            Condition(personal_data=True),
            Condition(category=["feedback", "customer-service", "logistics", "payment", "platform"]),
        ],
        documents=["dpa"],
    ),
    Requirement(
        id="platform-sla",
        description="Platform vendors need an SLA record and an SLA clause",
        when=[Condition(category=["platform"])],
        sla=True,
        clauses=["sla"],
    ),
    Requirement(
        id="contract-basics",
        description="Every contract of an active partner covers termination, disputes and breach",
        when=[Condition(status=["active"])],
        every_contract_clauses=["termination", "dispute_resolution", "breach_consequences"],
    ),
    Requirement(
        id="contract-data-protection",
        description="Contracts of active partners that handle personal data cover data protection",
        when=[Condition(status=["active"], personal_data=True)],
        every_contract_clauses=["data_protection"],
    ),
)


class CompliancePolicy(Record):
    expiring_warning_days: int = Field(default=60, ge=0)
    enforce_statuses: list[Status] = ["onboarding", "active", "paused"]
    warn_statuses: list[Status] = ["prospect", "evaluating"]
    requirements: list[Requirement] = list(DEFAULT_REQUIREMENTS)
    validity_days: dict[Id, Annotated[int, Field(gt=0)]] = {"pci-dss-aoc": 365}


class EvaluationSettings(Record):
    criteria: dict[CriterionId, Weight] = Field(
        default_factory=lambda: dict.fromkeys(DEFAULT_CRITERIA, 1.0), min_length=1
    )


class HealthWeights(Record):
    evaluation: float = Field(default=0.25, ge=0)
    compliance: float = Field(default=0.35, ge=0)
    sla: float = Field(default=0.2, ge=0)
    performance: float = Field(default=0.2, ge=0)


class GradeThresholds(Record):
    """Lowest health score of each grade; below ``D`` is F."""

    A: float = Field(default=85, ge=0, le=100)
    B: float = Field(default=70, ge=0, le=100)
    C: float = Field(default=55, ge=0, le=100)
    D: float = Field(default=40, ge=0, le=100)


class StatusThresholds(Record):
    """Lowest health score of a green and of an amber status; below ``amber`` is red."""

    green: float = Field(default=70, ge=0, le=100)
    amber: float = Field(default=50, ge=0, le=100)


class HealthSettings(Record):
    weights: HealthWeights = HealthWeights()
    grades: GradeThresholds = GradeThresholds()
    status: StatusThresholds = StatusThresholds()


class Settings(Record):
    """Project settings from partnerbook.yml."""

    site: SiteSettings = SiteSettings()
    currency: Currency = "EUR"
    compliance: CompliancePolicy = CompliancePolicy()
    evaluation: EvaluationSettings = EvaluationSettings()
    health: HealthSettings = HealthSettings()
