"""The compliance policy's findings: what ``generator.rules.obligations`` says is not met, as problems.

Which partner needs what, and whether it is met, is decided in the rules core; this module
only words the unmet asks as findings at the right line. Findings here are policy findings:
they fail ``validate`` but never stop ``build``. Also checked here: document types must be
known (built-in or ``compliance.document_types``), so a misspelt type is reported at its own
line instead of as "missing" elsewhere.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from generator.checks.typing import did_you_mean
from generator.load.loader import Path_
from generator.problems import Kind, Problem, Severity
from generator.records.portfolio import PartnerEntry, Portfolio
from generator.records.settings import CompliancePolicy
from generator.rules.documents import document_expiry, document_name, document_types, expiry_field
from generator.rules.obligations import Obligation, obligations, required_documents, strictness
from generator.rules.windows import warning_days


def _document_problem(entry: PartnerEntry, ask: Obligation, policy: CompliancePolicy, today: date,
                      severity: Severity) -> Problem | None:
    assert entry.profile is not None
    assert ask.document is not None
    partner, doc = entry.profile.record, entry.profile.doc
    state, name = ask.document, document_name(ask.subject, policy)
    why = ask.requirement.description or f"requirement '{ask.requirement.id}'"
    if state.state in ("missing", "pending"):
        anchor: Path_ = ("compliance",) if "compliance" in doc.data else ("category",)
        where: Path_ = ("compliance", state.index, "status") if state.index is not None else anchor
        detail = "is only pending" if state.state == "pending" else "is missing"
        return doc.problem(where, "compliance-missing", f"{partner.category} partner: {name} {detail}",
                           f"add it under compliance: with type: {ask.subject}, status: valid, issued, expires "
                           f"and evidence ({why})", key=state.index is None, severity=severity, kind=Kind.POLICY)
    assert state.index is not None
    assert state.document is not None
    if state.state == "undated":
        validity = policy.validity_days.get(ask.subject)
        how = (f"add expires: (or issued:, which counts for {validity} days)" if validity
               else "add expires: with the date the document stops being valid")
        return doc.problem(("compliance", state.index, "status"), "compliance-undated",
                           f"{name} has no expiry date, so it cannot prove anything is valid today",
                           f"{how} ({why})", severity=severity, kind=Kind.POLICY)
    if state.state == "expired":
        return doc.problem(("compliance", state.index, expiry_field(state.document, state.expires)),
                           "compliance-expired",
                           f"{name} expired on {state.expires}" if state.expires else f"{name} is marked expired",
                           f"file the renewed document with new issued and expires dates ({why})",
                           severity=severity, kind=Kind.POLICY)
    if state.state == "expiring":
        assert state.expires is not None
        return doc.problem(("compliance", state.index, expiry_field(state.document, state.expires)),
                           "compliance-expiring",
                           f"{name} expires on {state.expires}, in {(state.expires - today).days} days",
                           "ask the partner for the renewed document now", severity=Severity.WARNING, kind=Kind.POLICY)
    return None


def _clause_problems(entry: PartnerEntry, asks: list[Obligation], severity: Severity) -> list[Problem]:
    assert entry.profile is not None
    problems: list[Problem] = []
    contracts = sorted(entry.contracts.values(), key=lambda c: c.id)
    for ask in asks:
        if ask.kind != "clause" or ask.state != "missing":
            continue
        if contracts:
            target = contracts[-1]
            problems.append(target.doc.problem(
                ("clauses",), "clause-missing",
                f"no contract in force of '{entry.id}' has a '{ask.subject}' clause",
                f"add '{ask.subject}:' under clauses: (text or a reference to the section) in a contract that "
                "has not ended", key=True, severity=severity, kind=Kind.POLICY))
        else:
            problems.append(entry.profile.doc.problem(
                ("category",), "clause-missing",
                f"{entry.profile.record.category} partner has no contract, so no '{ask.subject}' clause",
                f"add partners/{entry.id}/contracts/<id>.yaml with a '{ask.subject}' clause "
                "(partnerbook new contract writes one)", key=True, severity=severity, kind=Kind.POLICY))
    lacking: dict[str, list[Obligation]] = defaultdict(list)
    for ask in asks:
        if ask.kind == "every-clause" and ask.state == "missing" and ask.contract is not None:
            lacking[ask.contract].append(ask)
    for contract_id, missing in sorted(lacking.items()):
        contract = entry.contracts[contract_id]
        names = list(dict.fromkeys(a.subject for a in missing))
        reasons = "; ".join(dict.fromkeys(a.requirement.description or a.requirement.id for a in missing))
        problems.append(contract.doc.problem(
            ("clauses",) if "clauses" in contract.doc.data else ("title",), "clause-missing",
            f"contract lacks clause{'s' if len(names) > 1 else ''} {', '.join(names)}",
            f"add {', '.join(n + ':' for n in names)} under clauses: ({reasons})",
            key=True, severity=severity, kind=Kind.POLICY))
    return problems


def _unknown_types(entry: PartnerEntry, policy: CompliancePolicy) -> list[Problem]:
    assert entry.profile is not None
    known = document_types(policy)
    problems = []
    for index, document in enumerate(entry.profile.record.compliance):
        if document.type in known:
            continue
        guess = did_you_mean(document.type, known)
        problems.append(entry.profile.doc.problem(
            ("compliance", index, "type"), "unknown-document-type",
            f"'{document.type}' is not a known document type",
            (f"did you mean '{guess}'? " if guess else "")
            + f"known types: {', '.join(sorted(known))}; add your own under compliance: document_types: "
            "in partnerbook.yml", kind=Kind.POLICY))
    return problems


def partner_problems(entry: PartnerEntry, portfolio: Portfolio, today: date,
                     window_days: int | None = None) -> list[Problem]:
    """Every policy finding of one partner, as of ``today``."""
    if entry.profile is None:
        return []
    policy = portfolio.settings.compliance
    partner = entry.profile.record
    problems = _unknown_types(entry, policy)
    level = strictness(partner, policy)
    if level is None or entry.profile.partial:  # a profile with type errors would give false findings
        return problems
    severity = Severity(level)
    window = warning_days(portfolio.settings) if window_days is None else window_days
    asks = obligations(entry, policy, today, window)
    for ask in asks:
        if ask.kind == "document":
            found = _document_problem(entry, ask, policy, today, severity)
            if found is not None:
                problems.append(found)
        elif ask.kind == "sla" and ask.state == "missing":
            problems.append(entry.profile.doc.problem(
                ("category",), "sla-missing", f"{partner.category} partner has no sla.yaml",
                f"add partners/{entry.id}/sla.yaml with the agreed metrics and monthly measurements",
                key=True, severity=severity, kind=Kind.POLICY))
    problems += _clause_problems(entry, asks, severity)
    required = required_documents(partner, policy)
    for index, document in enumerate(partner.compliance):
        expires = document_expiry(document, policy)
        if document.type not in required and expires is not None and expires < today:
            problems.append(entry.profile.doc.problem(
                ("compliance", index, expiry_field(document, expires)), "compliance-expired",
                f"{document_name(document.type, policy)} on file expired on {expires}",
                "file the renewed document, or remove the entry if it no longer applies",
                severity=Severity.WARNING, kind=Kind.POLICY))
    return problems


def check_policy(portfolio: Portfolio, today: date, window_days: int | None = None) -> list[Problem]:
    """Every policy finding of every partner, as of ``today``."""
    problems: list[Problem] = []
    for entry in portfolio.partners.values():
        problems += partner_problems(entry, portfolio, today, window_days)
    return problems
