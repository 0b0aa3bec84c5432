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

from generator import i18n, labels
from generator.checks.typing import did_you_mean, suggest
from generator.i18n import _, ngettext
from generator.load.positions import Path_
from generator.problems import Kind, Problem, Severity
from generator.records.policy import CompliancePolicy, Requirement
from generator.records.portfolio import PartnerEntry, Portfolio
from generator.rules.documents import document_expiry, document_types, expiry_field
from generator.rules.obligations import Obligation, obligations, required_documents, strictness
from generator.rules.windows import warning_days


def _category(category: str) -> str:
    """A category inside a sentence: its label in the current language, lower case ("logistics partner")."""
    return labels.label("category", category).lower()


def document_name(doc_type: str, policy: CompliancePolicy) -> str:
    """'PCI DSS attestation of compliance (pci-dss-aoc)' in the current language; a team's own type by its name."""
    if doc_type in policy.document_types:
        return f"{policy.document_types[doc_type]} ({doc_type})"
    if doc_type in labels.LABELS["doc"]:
        name = labels.label("doc", doc_type)
        if name[1:2].islower():  # a label is a heading ("Data processing agreement"); findings say it mid-sentence
            name = name[0].lower() + name[1:]
        # "Accordo sul trattamento dei dati (DPA)" names its type already
        return name if f"({doc_type})".casefold() in name.casefold() else f"{name} ({doc_type})"
    return doc_type


def reason(requirement: Requirement) -> str:
    """Why a requirement asks: a built-in one's description in the current language, a team's as written."""
    entry = labels.LABELS["requirement"].get(requirement.id)
    written = requirement.description
    if entry and entry[1] and (written is None or written.rstrip(".") == entry[1].rstrip(".")):
        return labels.help_text("requirement", requirement.id).rstrip(".")
    return written or _("requirement '{id}'").format(id=requirement.id)


def _document_problem(entry: PartnerEntry, ask: Obligation, policy: CompliancePolicy, today: date,
                      severity: Severity) -> Problem | None:
    assert entry.profile is not None
    assert ask.document is not None
    partner, doc = entry.profile.record, entry.profile.doc
    state, name = ask.document, document_name(ask.subject, policy)
    why = reason(ask.requirement)
    if state.state in ("missing", "pending"):
        anchor: Path_ = ("compliance",) if "compliance" in doc.data else ("category",)
        where: Path_ = ("compliance", state.index, "status") if state.index is not None else anchor
        message = (_("{category} partner: {document} is only pending") if state.state == "pending"
                   else _("{category} partner: {document} is missing"))
        return doc.problem(where, "compliance-missing",
                           message.format(category=_category(partner.category), document=name),
                           _("add it under compliance: with type: {type}, status: valid, issued, expires and "
                             "evidence ({reason})").format(type=ask.subject, reason=why),
                           key=state.index is None, severity=severity, kind=Kind.POLICY)
    assert state.index is not None
    assert state.document is not None
    if state.state == "undated":
        validity = policy.validity_days.get(ask.subject)
        how = (ngettext("add expires: (or issued:, which counts for {days} day) ({reason})",
                        "add expires: (or issued:, which counts for {days} days) ({reason})", validity)
               if validity else _("add expires: with the date the document stops being valid ({reason})"))
        return doc.problem(("compliance", state.index, "status"), "compliance-undated",
                           _("{document} has no expiry date, so it cannot prove anything is valid today").format(
                               document=name),
                           how.format(days=i18n.number(validity or 0), reason=why), severity=severity,
                           kind=Kind.POLICY)
    if state.state == "expired":
        return doc.problem(("compliance", state.index, expiry_field(state.document, state.expires)),
                           "compliance-expired",
                           _("{document} expired on {date}").format(document=name, date=i18n.day(state.expires))
                           if state.expires else _("{document} is marked expired").format(document=name),
                           _("file the renewed document with new issued and expires dates ({reason})").format(
                               reason=why),
                           severity=severity, kind=Kind.POLICY)
    if state.state == "expiring":
        assert state.expires is not None
        days = (state.expires - today).days
        return doc.problem(("compliance", state.index, expiry_field(state.document, state.expires)),
                           "compliance-expiring",
                           ngettext("{document} expires on {date}, in {days} day",
                                    "{document} expires on {date}, in {days} days", days).format(
                               document=name, date=i18n.day(state.expires), days=days),
                           _("ask the partner for the renewed document now"), severity=Severity.WARNING,
                           kind=Kind.POLICY, relative=(str(days),))
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
                _("no contract in force of '{partner}' has a '{clause}' clause").format(
                    partner=entry.id, clause=ask.subject),
                _("add '{clause}:' under clauses: (text or a reference to the section) in a contract that has not "
                  "ended").format(clause=ask.subject), key=True, severity=severity, kind=Kind.POLICY))
        else:
            problems.append(entry.profile.doc.problem(
                ("category",), "clause-missing",
                _("{category} partner has no contract, so no '{clause}' clause").format(
                    category=_category(entry.profile.record.category), clause=ask.subject),
                _("add {path} with a '{clause}' clause (partnerbook new contract writes one)").format(
                    path=f"partners/{entry.id}/contracts/<id>.yaml", clause=ask.subject),
                key=True, severity=severity, kind=Kind.POLICY))
    lacking: dict[str, list[Obligation]] = defaultdict(list)
    for ask in asks:
        if ask.kind == "every-clause" and ask.state == "missing" and ask.contract is not None:
            lacking[ask.contract].append(ask)
    for contract_id, missing in sorted(lacking.items()):
        contract = entry.contracts[contract_id]
        names = list(dict.fromkeys(a.subject for a in missing))
        reasons = "; ".join(dict.fromkeys(reason(a.requirement) for a in missing))
        problems.append(contract.doc.problem(
            ("clauses",) if "clauses" in contract.doc.data else ("title",), "clause-missing",
            ngettext("contract lacks clause {clauses}", "contract lacks clauses {clauses}", len(names)).format(
                clauses=", ".join(names)),
            _("add {keys} under clauses: ({reason})").format(keys=", ".join(n + ":" for n in names), reason=reasons),
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
            _("'{type}' is not a known document type").format(type=document.type),
            suggest(guess) + _("known types: {types}; add your own under compliance: document_types: in "
                               "partnerbook.yml").format(types=", ".join(sorted(known))), kind=Kind.POLICY))
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
                ("category",), "sla-missing",
                _("{category} partner has no sla.yaml").format(category=_category(partner.category)),
                _("add {path} with the agreed metrics and monthly measurements").format(
                    path=f"partners/{entry.id}/sla.yaml"),
                key=True, severity=severity, kind=Kind.POLICY))
    problems += _clause_problems(entry, asks, severity)
    required = required_documents(partner, policy)
    for index, document in enumerate(partner.compliance):
        expires = document_expiry(document, policy)
        if document.type not in required and expires is not None and expires < today:
            problems.append(entry.profile.doc.problem(
                ("compliance", index, expiry_field(document, expires)), "compliance-expired",
                _("{document} on file expired on {date}").format(document=document_name(document.type, policy),
                                                                 date=i18n.day(expires)),
                _("file the renewed document, or remove the entry if it no longer applies"),
                severity=Severity.WARNING, kind=Kind.POLICY))
    return problems


def check_policy(portfolio: Portfolio, today: date, window_days: int | None = None) -> list[Problem]:
    """Every policy finding of every partner, as of ``today``."""
    problems: list[Problem] = []
    for entry in portfolio.partners.values():
        problems += partner_problems(entry, portfolio, today, window_days)
    return problems
