"""Health score, grade and red/amber/green status of each partner.

The score (0-100) blends four components, each scaled to 0-100; a component
that cannot be computed (no evaluation, no SLA, no campaign) is left out and
the remaining weights are rescaled. Weights and thresholds come from
``health:`` in partnerbook.yml.

* evaluation: weighted evaluation score, 1 -> 0 and 5 -> 100;
* compliance: required documents and clauses in order, a valid document 1,
  one expiring within the warning window 0.5, expired or missing 0; each
  required clause present 1, missing 0 (as the policy checks them: clauses
  required in every contract only of current contracts, and no component for
  a partner whose status the policy does not cover, such as ``offboarded``);
* sla: SLA attainment over all measured metric-months, times 100;
* performance: over all the partner's campaigns, the mean of a conversion-lift
  score (50 + 250 x lift: +20% lift -> 100, -20% -> 0) and an ROI score
  (50 + 50 x ROI: ROI 1 -> 100, ROI -1 -> 0), each clipped to 0-100.

An open red flag caps the status at amber.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from generator.checks.policy import document_state, requirements_for
from generator.kpis import KpiReport
from generator.models.settings import HealthSettings
from generator.portfolio import PartnerEntry, Portfolio


@dataclass(frozen=True)
class Health:
    score: int | None
    grade: str | None
    status: str | None  # green, amber, red
    components: dict[str, float | None]


def _clip(value: float) -> float:
    return max(0.0, min(100.0, value))


def compliance_component(entry: PartnerEntry, portfolio: Portfolio, today: date) -> float | None:
    """Share (0-100) of required documents and clauses in order; None when nothing is required.

    It scores what the compliance policy checks: nothing for a partner whose status the
    policy does not cover (``offboarded`` by default), and the every-contract clauses of
    current contracts only (an ended contract is not held to today's clauses).
    """
    partner = entry.partner
    if partner is None:
        return None
    policy = portfolio.settings.compliance
    if partner.status not in (*policy.enforce_statuses, *policy.warn_statuses):
        return None
    current = [c for c in entry.contracts.values() if c.record.end is None or c.record.end >= today]
    points: list[float] = []
    for requirement in requirements_for(partner, policy):
        for doc_type in requirement.documents:
            state = document_state(partner, doc_type, policy, today).state
            points.append({"valid": 1.0, "expiring": 0.5}.get(state, 0.0))
        clauses = [c for contract in entry.contracts.values() for c in contract.record.clauses]
        points.extend(1.0 if clause in clauses else 0.0 for clause in requirement.clauses)
        for contract in current:
            points.extend(1.0 if clause in contract.record.clauses else 0.0
                          for clause in requirement.every_contract_clauses)
        if requirement.sla:
            points.append(1.0 if entry.sla is not None else 0.0)
    return 100 * sum(points) / len(points) if points else None


def _performance(kpis: dict[str, float | None]) -> float | None:
    parts = []
    if kpis.get("conversion_lift") is not None:
        parts.append(_clip(50 + 250 * kpis["conversion_lift"]))  # type: ignore[operator]
    if kpis.get("roi") is not None:
        parts.append(_clip(50 + 50 * kpis["roi"]))  # type: ignore[operator]
    return sum(parts) / len(parts) if parts else None


def grade_for(score: float, settings: HealthSettings) -> str:
    grades = settings.grades
    for grade, floor in (("A", grades.A), ("B", grades.B), ("C", grades.C), ("D", grades.D)):
        if score >= floor:
            return grade
    return "F"


def status_for(score: float, settings: HealthSettings, open_red_flag: bool) -> str:
    status = "green" if score >= settings.status.green else "amber" if score >= settings.status.amber else "red"
    return "amber" if open_red_flag and status == "green" else status


def score_partner(entry: PartnerEntry, portfolio: Portfolio, report: KpiReport, today: date) -> Health:
    settings = portfolio.settings.health
    kpis = report.partners.get(entry.id)
    evaluation = kpis.evaluation_score if kpis else None
    components: dict[str, float | None] = {
        "evaluation": None if evaluation is None else (evaluation - 1) / 4 * 100,
        "compliance": compliance_component(entry, portfolio, today),
        "sla": None if kpis is None or kpis.sla_attainment is None else kpis.sla_attainment * 100,
        "performance": _performance(kpis.campaigns) if kpis else None,
    }
    weights = settings.weights.model_dump()
    used = {name: value for name, value in components.items() if value is not None and weights[name] > 0}
    total_weight = sum(weights[name] for name in used)
    if not total_weight:
        return Health(None, None, None, components)
    score = sum(value * weights[name] for name, value in used.items()) / total_weight
    rounded = int(score + 0.5)
    red_flag = bool(entry.partner and any(f.status == "open" for f in entry.partner.red_flags))
    return Health(rounded, grade_for(rounded, settings), status_for(rounded, settings, red_flag), components)


def score_portfolio(portfolio: Portfolio, report: KpiReport, today: date) -> dict[str, Health]:
    """Health of every partner whose profile could be read."""
    return {pid: score_partner(entry, portfolio, report, today)
            for pid, entry in sorted(portfolio.partners.items()) if entry.partner is not None}
