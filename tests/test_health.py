"""The health score: based on evidence, capped by open problems, one scale, and every point lost explained."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_kpis import SEED, TODAY, campaign, compute, partner, write

from generator.compute.health import STATUS_OF_GRADE

EVALUATION = """
evaluation:
  date: 2026-01-05
  evaluator: partnerships
  scores: {product_alignment: 5, compliance: 5, integration: 4}
"""
CHECK_IN = """
check_ins:
  - {date: 2026-11-10, kind: call, summary: Monthly call}
due_diligence: {completed: 2025-12-01, business_model: Payments, financial_health: strong}
"""
BASIC_CONTRACT = """
title: Services
start: 2026-01-01
clauses: {termination: S8, dispute_resolution: S9, breach_consequences: S10, data_protection: S11,
          pci_responsibility: S12}
"""
PCI = """
data_access: {personal_data: true, card_data: true}
compliance:
  - {type: pci-dss-aoc, status: valid, issued: 2026-06-01, expires: 2027-06-01, evidence: docs/aoc.pdf}
  - {type: dpa, status: valid, issued: 2026-01-01, expires: 2028-01-01, evidence: docs/dpa.pdf}
"""


def test_active_partner_without_evidence_is_not_rated(tmp_path: Path) -> None:
    """A new active payment partner: no evaluation, due diligence, check-in or results."""
    partner(tmp_path, "new-pay", category="payment")
    health = compute(tmp_path).health["new-pay"]

    assert health.score is None
    assert health.grade is None
    assert health.not_rated is not None
    assert "not rated" in health.not_rated
    assert health.based_on == ("compliance",)
    # its missing PCI DSS attestation is an error alert: red, even without a grade
    assert health.status == "red"


def test_missing_pci_attestation_is_red_and_at_most_d(tmp_path: Path) -> None:
    partner(tmp_path, "pay", EVALUATION + CHECK_IN + PCI.replace(
        "  - {type: pci-dss-aoc, status: valid, issued: 2026-06-01, expires: 2027-06-01, evidence: docs/aoc.pdf}\n",
        ""), category="payment")
    write(tmp_path, "partners/pay/contracts/services.yaml", BASIC_CONTRACT)
    campaign(tmp_path, "easter", SEED.replace("partner-a", "pay").replace("partner-b", "pay-b"))
    partner(tmp_path, "pay-b")
    health = compute(tmp_path).health["pay"]

    assert health.grade in ("D", "F")
    assert health.status == "red"
    assert health.uncapped is not None
    assert health.uncapped > health.score
    assert any(r.component == "cap" and "pci-dss-aoc" in r.text for r in health.reasons)
    assert any(r.component == "compliance" and "pci-dss-aoc" in r.text and r.file == "partners/pay/partner.yaml"
               for r in health.reasons)


def test_same_partner_with_its_attestation_is_green(tmp_path: Path) -> None:
    write(tmp_path, "partnerbook.yml", "alerts: {revenue_concentration: 0.9}\n")
    partner(tmp_path, "pay", EVALUATION + CHECK_IN + PCI, category="payment")
    write(tmp_path, "partners/pay/contracts/services.yaml", BASIC_CONTRACT)
    campaign(tmp_path, "easter", SEED.replace("partner-a", "pay").replace("partner-b", "pay-b"))
    partner(tmp_path, "pay-b")
    health = compute(tmp_path).health["pay"]

    assert health.grade in ("A", "B")
    assert health.status == "green"
    assert health.cap is None


def test_open_red_flag_caps_at_amber_on_one_scale(tmp_path: Path) -> None:
    write(tmp_path, "partnerbook.yml", "alerts: {revenue_concentration: 0.9}\n")
    flag = "red_flags:\n  - {date: 2026-10-01, description: Late deliveries, status: open}\n"
    partner(tmp_path, "partner-a", EVALUATION + CHECK_IN + flag)
    partner(tmp_path, "partner-b")
    campaign(tmp_path, "easter", SEED)
    health = compute(tmp_path).health["partner-a"]

    assert health.status == "amber"
    assert health.grade == "C"
    assert any("red-flag-open" in r.text for r in health.reasons)


def test_missed_roi_target_costs_points(tmp_path: Path) -> None:
    partner(tmp_path, "partner-a", EVALUATION + CHECK_IN)
    partner(tmp_path, "partner-b")
    campaign(tmp_path, "easter", SEED, "targets: {roi: 0.8}\n")
    health = compute(tmp_path).health["partner-a"]

    # ROI 0.15 against 0.8: 0.65 short -> 100 - 65 = 35 points for that target
    reason = next(r for r in health.reasons if "ROI" in r.text)
    assert reason.component == "performance"
    assert reason.file == "campaigns/easter.yaml"
    assert health.components["performance"] is not None
    assert health.components["performance"] < 100


@pytest.mark.parametrize("status", ["prospect", "evaluating"])
def test_prospects_are_not_graded(tmp_path: Path, status: str) -> None:
    partner(tmp_path, "maybe", EVALUATION, status=status)
    health = compute(tmp_path).health["maybe"]

    assert health.grade is None
    assert health.status is None
    assert health.not_rated is not None
    assert "evaluation score 4.7 of 5" in health.not_rated
    assert "due diligence not completed" in health.not_rated


def test_no_a_and_amber_on_the_example(tmp_path: Path) -> None:
    """Every grade carries its own status on the shipped example portfolio."""
    from generator.compute.portfolio import compute_portfolio

    computed = compute_portfolio(Path(__file__).resolve().parents[1], TODAY)
    grades = {pid: (h.grade, h.status) for pid, h in computed.health.items()}
    for grade, status in grades.values():
        if grade is not None:
            assert STATUS_OF_GRADE[grade] == status
    assert len({g for g, _ in grades.values() if g}) >= 2  # grades spread
    for health in computed.health.values():
        if health.grade is not None and health.score is not None and health.score < 100:
            assert health.reasons  # every point lost is explained


def test_kpis_json_carries_status_and_reasons(tmp_path: Path, run_line) -> None:  # type: ignore[no-untyped-def]
    partner(tmp_path, "new-pay", category="payment")
    partner(tmp_path, "partner-a", EVALUATION + CHECK_IN)
    partner(tmp_path, "partner-b")
    campaign(tmp_path, "easter", SEED)
    import json

    result = run_line(f"partnerbook kpis --root {tmp_path} --today {TODAY} --format json")
    data = json.loads(result.output)["partners"]
    assert data["new-pay"]["grade"] is None
    assert data["new-pay"]["health_score"] is None
    assert "not rated" in data["new-pay"]["health_not_rated"]
    assert data["partner-a"]["health_status"] in ("green", "amber", "red")
    assert isinstance(data["partner-a"]["health_reasons"], list)


def test_a_cap_keeps_the_order_of_the_partners_it_holds() -> None:
    """Two partners held at C by one warning each are still told apart by everything else."""
    from generator.compute.health import _squeeze, grade_for
    from generator.records.settings import HealthSettings

    settings = HealthSettings()
    squeezed = [_squeeze(score, "C", settings) for score in range(101)]
    assert squeezed == sorted(squeezed)  # order kept (never inverted)
    assert max(squeezed) == 69
    assert grade_for(max(squeezed), settings) == "C"
    assert squeezed[:56] == list(range(56))  # at or under the grade's floor: unchanged
    assert len(set(squeezed[70:])) >= 10  # capped scores 70..100 stay apart
    assert _squeeze(95, "C", settings) > _squeeze(75, "C", settings)
    # A cap at D works the same way inside D
    assert {grade_for(_squeeze(s, "D", settings), settings) for s in range(40, 101)} == {"D"}


CRITICAL = "criticality: critical\ncapabilities: [payments-eu]\n"


def test_team_reminders_neither_cap_nor_cost_points(tmp_path: Path) -> None:
    """No backup and sole provider are the team's risk, not the partner's conduct."""
    write(tmp_path, "partnerbook.yml", "alerts: {revenue_concentration: 0.9}\n")
    partner(tmp_path, "partner-a", EVALUATION + CHECK_IN + CRITICAL)
    partner(tmp_path, "partner-b")
    campaign(tmp_path, "easter", SEED)
    computed = compute(tmp_path)
    rules = {a.rule for a in computed.alerts if a.partner == "partner-a" and not a.silenced}
    assert {"no-backup", "single-source-capability"} <= rules
    health = computed.health["partner-a"]
    assert health.cap is None
    assert not any(r.component in ("alerts", "cap") for r in health.reasons)

    # A team that wants them to count says so in partnerbook.yml
    write(tmp_path, "partnerbook.yml", "alerts: {revenue_concentration: 0.9}\nhealth: {caps: {ignore: []}}\n")
    strict = compute(tmp_path).health["partner-a"]
    assert strict.status in ("amber", "red")
    assert strict.score is not None
    assert health.score is not None
    assert strict.score < health.score
    assert any(r.component == "alerts" and "no-backup" in r.text for r in strict.reasons)
