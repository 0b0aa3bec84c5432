"""``compliance:`` of partnerbook.yml: which partners need which documents, clauses and SLA records.

The built-in requirements are ``DEFAULT_REQUIREMENTS`` (the README's compliance policy); the policy is applied
once, in generator/rules/obligations.py (documents: generator/rules/documents.py).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from generator.records.common import MAX_DAYS, Id, PositiveDays, Record, Text
from generator.records.partner import Category, Criticality, Status

ClauseName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")]


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
    expiring_warning_days: int = Field(default=60, ge=0, le=MAX_DAYS)
    enforce_statuses: list[Status] = ["onboarding", "active", "paused"]
    warn_statuses: list[Status] = ["prospect", "evaluating"]
    requirements: list[Requirement] = list(DEFAULT_REQUIREMENTS)
    validity_days: dict[Id, PositiveDays] = {"pci-dss-aoc": 365}
    # Document types beyond the built-in ones (pci-dss-aoc, dpa, ...): type id -> name shown on the site.
    document_types: dict[Id, Text] = {}
