"""The compliance policy: required documents, contract clauses and SLAs per partner.

Which partner needs what comes from ``compliance.requirements`` in
partnerbook.yml (defaults in ``generator.models.settings``). Findings here are
policy findings: they fail ``validate`` but never stop ``build``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from generator.loader import Path_
from generator.models.partner import ComplianceDocument, Partner
from generator.models.settings import CompliancePolicy, Condition, Requirement
from generator.portfolio import PartnerEntry, Portfolio
from generator.problems import Kind, Problem, Severity

DOCUMENT_NAMES = {
    "pci-dss-aoc": "PCI DSS attestation of compliance",
    "dpa": "data processing agreement",
    "soc2-type2": "SOC 2 Type II report",
    "iso27001": "ISO 27001 certificate",
    "insurance": "insurance certificate",
    "gdpr-sccs": "GDPR standard contractual clauses",
}


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


def requirements_for(partner: Partner, policy: CompliancePolicy) -> list[Requirement]:
    return [r for r in policy.requirements if applies(r, partner)]


def document_expiry(document: ComplianceDocument, policy: CompliancePolicy) -> date | None:
    """When a document stops counting: its ``expires`` date or its validity period, whichever is first."""
    ends = [document.expires] if document.expires else []
    validity = policy.validity_days.get(document.type)
    if validity and document.issued:
        ends.append(document.issued + timedelta(days=validity))
    return min(ends) if ends else None


@dataclass(frozen=True)
class DocumentState:
    """The state of one required (or filed) document for one partner."""

    type: str
    state: str  # valid, expiring, expired, missing, pending
    document: ComplianceDocument | None
    index: int | None
    expires: date | None


def document_state(partner: Partner, doc_type: str, policy: CompliancePolicy, today: date) -> DocumentState:
    """The best document of ``doc_type`` on file: valid beats expiring beats pending beats expired."""
    rank = {"valid": 0, "expiring": 1, "pending": 2, "expired": 3, "missing": 4}
    best = DocumentState(doc_type, "missing", None, None, None)
    window = timedelta(days=policy.expiring_warning_days)
    for index, document in enumerate(partner.compliance):
        if document.type != doc_type:
            continue
        expires = document_expiry(document, policy)
        if document.status == "expired" or (expires is not None and expires < today):
            state = "expired"
        elif document.status in ("pending", "missing"):
            state = "pending" if document.status == "pending" else "missing"
        elif expires is not None and expires <= today + window:
            state = "expiring"
        else:
            state = "valid"
        if rank[state] < rank[best.state]:
            best = DocumentState(doc_type, state, document, index, expires)
    return best


def _name(doc_type: str) -> str:
    return f"{DOCUMENT_NAMES[doc_type]} ({doc_type})" if doc_type in DOCUMENT_NAMES else doc_type


def _document_problems(entry: PartnerEntry, requirement: Requirement, policy: CompliancePolicy,
                       today: date, severity: Severity) -> list[Problem]:
    assert entry.profile is not None
    partner, doc = entry.profile.record, entry.profile.doc
    problems: list[Problem] = []
    anchor: Path_ = ("compliance",) if "compliance" in doc.data else ("category",)
    for doc_type in requirement.documents:
        state = document_state(partner, doc_type, policy, today)
        why = requirement.description or f"requirement '{requirement.id}'"
        if state.state in ("missing", "pending"):
            where: Path_ = ("compliance", state.index, "status") if state.index is not None else anchor
            detail = "is only pending" if state.state == "pending" else "is missing"
            problems.append(doc.problem(
                where, "compliance-missing",
                f"{partner.category} partner: {_name(doc_type)} {detail}",
                f"add it under compliance: with type: {doc_type}, status: valid, issued, expires and "
                f"evidence ({why})", key=state.index is None, severity=severity, kind=Kind.POLICY))
        elif state.state == "expired":
            assert state.index is not None
            assert state.document is not None
            field = "expires" if state.document.expires and state.expires == state.document.expires else "issued"
            if state.document.expires is None and state.document.issued is None:
                field = "status"
            problems.append(doc.problem(
                ("compliance", state.index, field), "compliance-expired",
                f"{_name(doc_type)} expired on {state.expires}" if state.expires
                else f"{_name(doc_type)} is marked expired",
                f"file the renewed document with new issued and expires dates ({why})",
                severity=severity, kind=Kind.POLICY))
        elif state.state == "expiring":
            assert state.index is not None
            days = (state.expires - today).days if state.expires else 0
            problems.append(doc.problem(
                ("compliance", state.index, "expires"), "compliance-expiring",
                f"{_name(doc_type)} expires on {state.expires}, in {days} days",
                "ask the partner for the renewed document now",
                severity=Severity.WARNING, kind=Kind.POLICY))
    return problems


def _clause_problems(entry: PartnerEntry, requirement: Requirement, today: date,
                     severity: Severity) -> list[Problem]:
    assert entry.profile is not None
    problems: list[Problem] = []
    contracts = sorted(entry.contracts.values(), key=lambda c: c.id)
    current = [c for c in contracts if c.record.end is None or c.record.end >= today]
    for clause in requirement.clauses:
        if any(clause in c.record.clauses for c in contracts):
            continue
        if contracts:
            target = (current or contracts)[-1]
            problems.append(target.doc.problem(
                ("clauses",), "clause-missing",
                f"no contract of '{entry.id}' has a '{clause}' clause",
                f"add '{clause}:' under clauses: (text or a reference to the section)",
                key=True, severity=severity, kind=Kind.POLICY))
        else:
            problems.append(entry.profile.doc.problem(
                ("category",), "clause-missing",
                f"{entry.profile.record.category} partner has no contract, so no '{clause}' clause",
                f"add partners/{entry.id}/contracts/<id>.yaml with a '{clause}' clause "
                "(partnerbook new contract writes one)",
                key=True, severity=severity, kind=Kind.POLICY))
    for contract in current:
        missing = [c for c in requirement.every_contract_clauses if c not in contract.record.clauses]
        if missing:
            problems.append(contract.doc.problem(
                ("clauses",) if "clauses" in contract.doc.data else ("title",), "clause-missing",
                f"contract lacks clause{'s' if len(missing) > 1 else ''} {', '.join(missing)}",
                f"add {', '.join(m + ':' for m in missing)} under clauses: "
                f"({requirement.description or requirement.id})",
                key=True, severity=severity, kind=Kind.POLICY))
    return problems


def check_policy(portfolio: Portfolio, today: date) -> list[Problem]:
    """Every policy finding of every partner, as of ``today``."""
    policy = portfolio.settings.compliance
    problems: list[Problem] = []
    for entry in portfolio.partners.values():
        if entry.profile is None:
            continue
        partner = entry.profile.record
        if partner.status in policy.enforce_statuses:
            severity = Severity.ERROR
        elif partner.status in policy.warn_statuses:
            severity = Severity.WARNING
        else:
            continue
        required: set[str] = set()
        for requirement in requirements_for(partner, policy):
            required.update(requirement.documents)
            problems += _document_problems(entry, requirement, policy, today, severity)
            problems += _clause_problems(entry, requirement, today, severity)
            if requirement.sla and entry.sla is None and not entry.sla_file_present:
                problems.append(entry.profile.doc.problem(
                    ("category",), "sla-missing", f"{partner.category} partner has no sla.yaml",
                    f"add partners/{entry.id}/sla.yaml with the agreed metrics and monthly measurements",
                    key=True, severity=severity, kind=Kind.POLICY))
        for index, document in enumerate(partner.compliance):
            expires = document_expiry(document, policy)
            if document.type not in required and expires is not None and expires < today:
                problems.append(entry.profile.doc.problem(
                    ("compliance", index, "expires" if document.expires else "issued"), "compliance-expired",
                    f"{_name(document.type)} on file expired on {expires}",
                    "file the renewed document, or remove the entry if it no longer applies",
                    severity=Severity.WARNING, kind=Kind.POLICY))
    return problems
