"""Compliance documents: known types, when a document stops counting, its state on a date.

A document counts until its ``expires`` date, or until ``compliance.validity_days`` of its type
have passed since ``issued``, whichever comes first. A document with neither date never
proves anything: its state is **undated**, and a required document must not be undated.
States, best first: ``valid``, ``expiring`` (stops counting within the warning window),
``undated``, ``pending``, ``expired``, ``missing``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from generator import labels
from generator.records.partner import ComplianceDocument, Partner
from generator.records.policy import CompliancePolicy
from generator.rules.windows import plus_days

DocumentStateName = Literal["valid", "expiring", "undated", "pending", "expired", "missing"]

DOCUMENT_NAMES = {
    "pci-dss-aoc": "PCI DSS attestation of compliance",
    "dpa": "data processing agreement",
    "soc2-type2": "SOC 2 Type II report",
    "iso27001": "ISO 27001 certificate",
    "insurance": "insurance certificate",
    "gdpr-sccs": "GDPR standard contractual clauses",
}
_RANK = {"valid": 0, "expiring": 1, "undated": 2, "pending": 3, "expired": 4, "missing": 5}
MET = frozenset({"valid", "expiring"})


def document_types(policy: CompliancePolicy) -> dict[str, str]:
    """Every known document type and its name: the built-in ones (in the current language, their labels in
    ``generator.labels``) plus ``compliance.document_types`` as the team wrote them."""
    return {**{doc_type: labels.label("doc", doc_type) for doc_type in DOCUMENT_NAMES}, **policy.document_types}


def document_name(doc_type: str, policy: CompliancePolicy | None = None) -> str:
    """'PCI DSS attestation of compliance (pci-dss-aoc)'; the bare type when it has no name.

    A built-in type reads in the current language (its label, ``generator.labels``); a type the team
    names in ``compliance.document_types`` reads as the team wrote it.
    """
    own = policy.document_types if policy is not None else {}
    if doc_type in own:
        return f"{own[doc_type]} ({doc_type})"
    if doc_type in DOCUMENT_NAMES:
        return f"{labels.label('doc', doc_type)} ({doc_type})"
    return doc_type


def document_expiry(document: ComplianceDocument, policy: CompliancePolicy) -> date | None:
    """When a document stops counting: its ``expires`` date or the end of its validity, whichever is first."""
    ends = [document.expires] if document.expires else []
    validity = policy.validity_days.get(document.type)
    if validity and document.issued:
        end = plus_days(document.issued, validity)
        if end is not None:
            ends.append(end)
    return min(ends) if ends else None


def expiry_field(document: ComplianceDocument, expires: date | None) -> str:
    """The field that decides the expiry (``expires`` or ``issued``), for pointing at its line."""
    if document.expires is not None and expires == document.expires:
        return "expires"
    return "issued" if document.issued is not None else "status"


@dataclass(frozen=True)
class DocumentState:
    """The state of the best document of one type on file for one partner."""

    type: str
    state: DocumentStateName
    document: ComplianceDocument | None
    index: int | None  # position under ``compliance:``
    expires: date | None

    @property
    def met(self) -> bool:
        return self.state in MET


def state_of(document: ComplianceDocument, policy: CompliancePolicy, today: date,
             window_days: int) -> tuple[DocumentStateName, date | None]:
    """One document's state on ``today`` and the day it stops counting."""
    expires = document_expiry(document, policy)
    if document.status == "expired" or (expires is not None and expires < today):
        return "expired", expires
    if document.status in ("pending", "missing"):
        return document.status, expires
    if expires is None:
        return "undated", None
    if (expires - today).days <= window_days:
        return "expiring", expires
    return "valid", expires


def document_state(partner: Partner, doc_type: str, policy: CompliancePolicy, today: date,
                   window_days: int | None = None) -> DocumentState:
    """The best document of ``doc_type`` on file (valid beats expiring beats undated ...)."""
    window = policy.expiring_warning_days if window_days is None else window_days
    best = DocumentState(doc_type, "missing", None, None, None)
    for index, document in enumerate(partner.compliance):
        if document.type != doc_type:
            continue
        state, expires = state_of(document, policy, today, window)
        if _RANK[state] < _RANK[best.state]:
            best = DocumentState(doc_type, state, document, index, expires)
    return best
