"""What the compliance policy asks of one partner on a date, and whether each ask is met.

Requirements come from ``compliance.requirements`` in partnerbook.yml. A requirement
applies when any of its ``when`` conditions matches the partner, and only to partners whose
status the policy covers: ``enforce_statuses`` (findings are errors) and ``warn_statuses``
(warnings); other partners (``offboarded`` by default) owe nothing.

Each ask is an :class:`Obligation`: a document (its best copy on file must be valid or
expiring), a clause in at least one contract in force, a clause in every contract in force,
or an SLA record. Contracts that have ended owe no clauses, and a clause in an ended contract
proves nothing. When a contract file of the partner could not be read, its clauses are
**unknown**: no finding and no points, rather than a false "missing".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from generator.records.partner import Partner
from generator.records.policy import CompliancePolicy, Condition, Requirement
from generator.records.portfolio import PartnerEntry
from generator.rules.contracts import in_force
from generator.rules.documents import DocumentState, document_state

Kind = Literal["document", "clause", "every-clause", "sla"]
Strictness = Literal["error", "warning"]


def _matches(condition: Condition, partner: Partner) -> bool:
    return (
        (condition.category is None or partner.category in condition.category)
        and (condition.status is None or partner.status in condition.status)
        and (condition.criticality is None or partner.criticality in condition.criticality)
        and (condition.personal_data is None or partner.data_access.personal_data == condition.personal_data)
        and (condition.card_data is None or partner.data_access.card_data == condition.card_data)
    )


def applies(requirement: Requirement, partner: Partner) -> bool:
    """A requirement applies when any of its conditions matches the partner."""
    return any(_matches(condition, partner) for condition in requirement.when)


def strictness(partner: Partner, policy: CompliancePolicy) -> Strictness | None:
    """How the policy holds this partner: findings are errors, warnings, or there are none."""
    if partner.status in policy.enforce_statuses:
        return "error"
    if partner.status in policy.warn_statuses:
        return "warning"
    return None


def requirements_for(partner: Partner, policy: CompliancePolicy) -> list[Requirement]:
    """The requirements that hold for the partner today (none when its status is not covered)."""
    if strictness(partner, policy) is None:
        return []
    return [r for r in policy.requirements if applies(r, partner)]


def required_documents(partner: Partner, policy: CompliancePolicy) -> set[str]:
    return {doc for requirement in requirements_for(partner, policy) for doc in requirement.documents}


@dataclass(frozen=True)
class Obligation:
    """One thing a requirement asks of a partner, and its state on the day asked."""

    requirement: Requirement
    kind: Kind
    subject: str  # document type, clause name, or "sla.yaml"
    state: str  # a document state; "present" / "missing" for clauses and SLA; "unknown"
    contract: str | None = None  # the contract that lacks (every-clause) or holds (clause) it
    document: DocumentState | None = None

    @property
    def met(self) -> bool:
        return self.state in ("valid", "expiring", "present")

    @property
    def known(self) -> bool:
        return self.state != "unknown"

    @property
    def points(self) -> float:
        """What the ask is worth in the health score: 1 met, 0.5 expiring soon, 0 otherwise."""
        return {"valid": 1.0, "present": 1.0, "expiring": 0.5}.get(self.state, 0.0)


def obligations(entry: PartnerEntry, policy: CompliancePolicy, today: date,
                window_days: int | None = None) -> list[Obligation]:
    """Every ask of every requirement that holds for the partner, in policy order."""
    partner = entry.partner
    if partner is None:
        return []
    contracts = sorted(entry.contracts.values(), key=lambda c: c.id)
    current = [c for c in contracts if in_force(c.record, today)]
    unreadable = entry.contract_files > len(entry.contracts)
    asks: list[Obligation] = []
    for requirement in requirements_for(partner, policy):
        for doc_type in requirement.documents:
            state = document_state(partner, doc_type, policy, today, window_days)
            asks.append(Obligation(requirement, "document", doc_type, state.state, document=state))
        for clause in requirement.clauses:
            holder = next((c.id for c in current if clause in c.record.clauses), None)
            found = "present" if holder else "unknown" if unreadable else "missing"
            asks.append(Obligation(requirement, "clause", clause, found, contract=holder))
        for contract in current:
            for clause in requirement.every_contract_clauses:
                present = clause in contract.record.clauses
                asks.append(Obligation(requirement, "every-clause", clause, "present" if present else "missing",
                                       contract=contract.id))
        if requirement.sla:
            recorded = "present" if entry.sla is not None or entry.sla_file_present else "missing"
            asks.append(Obligation(requirement, "sla", "sla.yaml", recorded))
    return asks
