"""One truth: for each edge record, every consumer of a domain rule gives the same answer.

The consumers are the validation findings, the alerts, the compliance page (and its clause
check), the checklists, the health score's compliance items, the contract calendar on the
pages and the iCalendar export. Each row is a tiny portfolio with one payment partner (or
one supplier for the contract rows) whose records sit at an edge of the rules.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from generator import labels
from generator.compute.portfolio import Computed, compute_portfolio
from generator.site import views
from generator.site.checklists import partner_checklists
from generator.site.ical import calendar_events

TODAY = date(2026, 11, 24)
HEAD = "name: {name}\ncategory: {category}\nstatus: {status}\nowner: partnerships\n"
FULL_CLAUSES = ("clauses: {termination: S1, dispute_resolution: S2, breach_consequences: S3, "
                "data_protection: S4, pci_responsibility: S5}\n")
GOOD_CONTRACT = "title: Services\nstart: 2026-01-01\n" + FULL_CLAUSES
EVALUATION = "evaluation: {date: 2026-01-05, evaluator: team, scores: {product_alignment: 4, compliance: 4}}\n"
DPA = "  - {type: dpa, status: valid, issued: 2026-01-01, expires: 2028-01-01}\n"


def _write(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")


def _portfolio(root: Path, partner: str, contracts: dict[str, str], *, category: str = "payment",
               status: str = "active") -> Computed:
    _write(root, "partners/p/partner.yaml", HEAD.format(name="P", category=category, status=status) + partner)
    for contract_id, text in contracts.items():
        _write(root, f"partners/p/contracts/{contract_id}.yaml", text)
    return compute_portfolio(root, TODAY)


# ---------------------------------------------------------------------------- documents

@dataclass(frozen=True)
class DocRow:
    name: str
    compliance: str  # the partner's compliance: list (without dpa)
    met: bool  # the PCI DSS attestation counts today
    rule: str | None  # the validation finding about it
    status: str = "active"


DOC_ROWS = [
    DocRow("valid for years", "{type: pci-dss-aoc, status: valid, issued: 2026-06-01, expires: 2027-06-01}",
           True, None),
    DocRow("expires in 10 days", "{type: pci-dss-aoc, status: valid, issued: 2025-12-10, expires: 2026-12-04}",
           True, "compliance-expiring"),
    DocRow("expires today", "{type: pci-dss-aoc, status: valid, issued: 2025-11-24, expires: 2026-11-24}",
           True, "compliance-expiring"),
    DocRow("expired yesterday", "{type: pci-dss-aoc, status: valid, issued: 2025-11-23, expires: 2026-11-23}",
           False, "compliance-expired"),
    DocRow("status expired, date ahead", "{type: pci-dss-aoc, status: expired, expires: 2027-06-01}",
           False, "compliance-expired"),
    DocRow("valid but no dates", "{type: pci-dss-aoc, status: valid}", False, "compliance-undated"),
    DocRow("issued only, within 365 days", "{type: pci-dss-aoc, status: valid, issued: 2026-03-01}",
           True, None),
    DocRow("issued only, older than 365 days", "{type: pci-dss-aoc, status: valid, issued: 2025-03-01}",
           False, "compliance-expired"),
    DocRow("validity ends before expires", "{type: pci-dss-aoc, status: valid, issued: 2025-11-01, "
           "expires: 2027-11-01}", False, "compliance-expired"),
    DocRow("pending", "{type: pci-dss-aoc, status: pending}", False, "compliance-missing"),
    DocRow("status missing", "{type: pci-dss-aoc, status: missing}", False, "compliance-missing"),
    DocRow("not on file", "", False, "compliance-missing"),
    DocRow("misspelt type", "{type: pci-dss, status: valid, issued: 2026-06-01, expires: 2027-06-01}",
           False, "compliance-missing"),
    DocRow("expired copy and valid copy", "{type: pci-dss-aoc, status: valid, issued: 2024-01-01, expires: "
           "2025-01-01}\n  - {type: pci-dss-aoc, status: valid, issued: 2026-06-01, expires: 2027-06-01}",
           True, None),
    DocRow("prospect without it", "", False, "compliance-missing", status="prospect"),
    DocRow("onboarding, expired", "{type: pci-dss-aoc, status: valid, issued: 2025-01-01, expires: 2026-01-01}",
           False, "compliance-expired", status="onboarding"),
]

_MET_STATES = {"valid": True, "expiring": True, "undated": False, "pending": False, "missing": False,
               "expired": False}


@pytest.mark.parametrize("row", DOC_ROWS, ids=[r.name for r in DOC_ROWS])
def test_document_rows_agree(tmp_path: Path, row: DocRow) -> None:
    entries = (f"  - {row.compliance}\n" if row.compliance else "") + DPA
    partner = EVALUATION + "data_access: {personal_data: true, card_data: true}\ncompliance:\n" + entries
    contract = GOOD_CONTRACT if row.status == "active" else "title: Services\nstart: 2026-01-01\n" + FULL_CLAUSES
    computed = _portfolio(tmp_path, partner, {"services": contract}, status=row.status)
    entry = computed.portfolio.partners["p"]

    # validation findings about the attestation
    findings = [p for p in computed.result.problems if "pci-dss-aoc" in p.message and p.rule != "clause-missing"]
    assert [p.rule for p in findings] == ([row.rule] if row.rule else [])
    # the alerts: the same rule ids (an undated document is missing compliance evidence)
    alert_rule = {"compliance-undated": "compliance-missing"}.get(row.rule or "", row.rule)
    alerts = [a for a in computed.alerts if "pci-dss-aoc" in a.message and a.rule.startswith("compliance")]
    assert [a.rule for a in alerts] == ([alert_rule] if alert_rule else [])
    severity = "warning" if row.status == "prospect" or row.rule == "compliance-expiring" else "error"
    assert all(a.severity == severity for a in alerts)
    # the compliance page
    state = views.compliance_row(computed, entry, ["pci-dss-aoc"])["pci-dss-aoc"]
    assert _MET_STATES[state] is row.met
    # the checklists
    checklist = next(c for c in partner_checklists(entry, computed.portfolio, TODAY) if c.id == "compliance")
    item = next(i for i in checklist.items if i.text.startswith(labels.label("doc", "pci-dss-aoc")))
    assert item.done is row.met
    # the health score: a document that does not count costs compliance points
    health = computed.health["p"]
    lost = [r for r in health.reasons if r.component == "compliance" and "pci-dss-aoc" in r.text]
    if row.status == "prospect":
        assert health.grade is None
    elif row.met and row.rule is None:
        assert lost == []
    elif not row.met:
        assert lost
        assert health.status == "red"
        assert health.grade in ("D", "F")


# ---------------------------------------------------------------------------- contracts

@dataclass(frozen=True)
class ContractRow:
    name: str
    contracts: dict[str, str]
    missing: dict[str, set[str]]  # contract id -> clauses the policy finds missing there
    notice: date | None  # the notice deadline of contract "c", or None when there is none
    status: str = "active"
    category: str = "supplier"


BASIC = "clauses: {termination: S1, dispute_resolution: S2, breach_consequences: S3}\n"
PARTIAL = "clauses: {termination: S1}\n"
CONTRACT_ROWS = [
    ContractRow("running, complete", {"c": "title: C\nstart: 2026-01-01\nend: 2027-06-30\nnotice_days: 30\n" + BASIC},
                {}, date(2027, 5, 31)),
    ContractRow("running, lacking two", {"c": "title: C\nstart: 2026-01-01\nend: 2027-06-30\n" + PARTIAL},
                {"c": {"dispute_resolution", "breach_consequences"}}, None),
    ContractRow("ended, lacking clauses", {"c": "title: C\nstart: 2024-01-01\nend: 2025-12-31\nnotice_days: 60\n"
                                                 + PARTIAL}, {}, date(2025, 11, 1)),
    ContractRow("renewed automatically, lacking clauses",
                {"c": "title: C\nstart: 2024-01-01\nend: 2025-12-31\nauto_renew: true\n" + PARTIAL},
                {"c": {"dispute_resolution", "breach_consequences"}}, None),
    ContractRow("starts next year, lacking clauses", {"c": "title: C\nstart: 2027-02-01\n" + PARTIAL},
                {"c": {"dispute_resolution", "breach_consequences"}}, None),
    ContractRow("open-ended", {"c": "title: C\nstart: 2026-01-01\nnotice_days: 90\n" + BASIC}, {}, None),
    ContractRow("notice_days 0", {"c": "title: C\nstart: 2026-01-01\nend: 2026-12-31\nnotice_days: 0\n" + BASIC},
                {}, None),
    ContractRow("ended and a new one", {"c": "title: Old\nstart: 2024-01-01\nend: 2025-12-31\n" + PARTIAL,
                                        "d": "title: New\nstart: 2026-01-01\n" + BASIC}, {}, None),
    ContractRow("offboarded partner", {"c": "title: C\nstart: 2026-01-01\nend: 2027-01-31\nnotice_days: 30\n"
                                            + PARTIAL}, {}, None, status="offboarded"),
    ContractRow("payment partner, clause only in an ended contract",
                {"c": "title: Old\nstart: 2024-01-01\nend: 2025-12-31\nclauses: {pci_responsibility: S5}\n",
                 "d": "title: New\nstart: 2026-01-01\n" + BASIC},
                {"d": {"pci_responsibility", "data_protection"}}, None, category="payment"),
]


def _missing_from_findings(computed: Computed) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for problem in computed.result.problems:
        if problem.rule != "clause-missing":
            continue
        contract = problem.file.rsplit("/", 1)[-1].removesuffix(".yaml")
        names = {w.strip(",'") for w in problem.message.replace("clauses", "clause").split() if "_" in w
                 or w.strip(",'") in ("termination",)}
        found.setdefault(contract, set()).update(names)
    return found


@pytest.mark.parametrize("row", CONTRACT_ROWS, ids=[r.name for r in CONTRACT_ROWS])
def test_contract_rows_agree(tmp_path: Path, row: ContractRow) -> None:
    partner = ("data_access: {personal_data: true, card_data: true}\ncompliance:\n"
               "  - {type: pci-dss-aoc, status: valid, issued: 2026-06-01, expires: 2027-06-01}\n" + DPA
               if row.category == "payment" else "")
    computed = _portfolio(tmp_path, partner, row.contracts, category=row.category, status=row.status)
    entry = computed.portfolio.partners["p"]
    every_clause = {"dispute_resolution", "breach_consequences", "termination", "data_protection"}

    # validation findings
    assert _missing_from_findings(computed) == row.missing
    # the compliance page's clause check
    page = {contract: set(names) for contract, names in views.missing_clauses(computed, entry)}
    expected_page = dict(row.missing)
    if row.category == "payment" and "d" in row.missing:  # a clause needed in any contract in force
        expected_page = {"d": row.missing["d"] - {"pci_responsibility"},
                         "(no contract in force)": {"pci_responsibility"}}
    assert page == expected_page
    # the alerts
    alerted = {a.file.rsplit("/", 1)[-1].removesuffix(".yaml") for a in computed.alerts
               if a.rule == "compliance-missing" and "clause" in a.message}
    assert alerted == set(row.missing)
    # the checklists: every every-contract clause item agrees with the findings
    if row.status != "offboarded":
        checklist = next(c for c in partner_checklists(entry, computed.portfolio, TODAY) if c.id == "compliance")
        open_items = {tuple(i.text.removeprefix("Clause in contract ").split(": ", 1)) for i in checklist.items
                      if i.text.startswith("Clause in contract ") and i.done is False}
        assert open_items == {(c, labels.label("clause", n)) for c, names in row.missing.items() for n in names
                              if n in every_clause}
    # the health score's compliance items
    if computed.health["p"].grade is not None:
        lost = {r.text for r in computed.health["p"].reasons if r.component == "compliance"}
        for contract, names in row.missing.items():
            for name in names & every_clause:
                assert f"contract '{contract}': clause {name} missing" in lost
    # notice deadlines: the pages' contract calendar, the calendar export and the alerts agree
    shown = {d.day for d in views.all_deadlines(computed) if d.contract_id == "c" and d.kind == "notice deadline"}
    exported = {e.day for e in calendar_events(computed.portfolio) if e.uid.startswith("notice.p.c@")}
    expected = {row.notice} if row.notice and row.status != "offboarded" else set()
    assert shown == expected
    assert exported == expected
    notice_alerts = [a for a in computed.alerts if a.rule == "contract-notice" and a.file.endswith("/c.yaml")]
    for alert in notice_alerts:
        if row.notice is not None:
            assert row.notice.isoformat() in alert.message
