"""Health score, grade and red/amber/green status of each partner, with the reasons behind them.

The score says what it is based on, and missing evidence never counts as good:

* Six **components**, each 0-100, each built from items that carry a reason and a record line:
  ``evaluation`` (weighted evaluation score, 1 -> 0 and 5 -> 100), ``compliance`` (each ask of the
  compliance policy: met 1, expiring 0.5, otherwise 0; from ``generator.rules.obligations``), ``sla``
  (attainment over the last ``health.sla_months`` measured months), ``performance`` (each campaign
  target the partner's results can be held to: met 100, missed by a share of the target or by
  ROI/lift points, less), ``satisfaction`` (CSAT and NPS of the partner's surveys) and
  ``relationship`` (check-ins, reviews and actions kept up, from the same alerts the alerts page shows).
* A partner is **not rated** (no score, no grade) when fewer than ``health.min_components``
  components have evidence, when it is a prospect or being evaluated (its evaluation and due
  diligence are shown instead), or when it is offboarded.
* **Caps** come from the partner's unsilenced alerts: an error (a required document missing or
  expired, a required clause missing, a contract ended under an active partner, a blocked action)
  caps the grade at ``health.caps.error`` (D); a warning (an open red flag, an SLA breach, a stale
  check-in, ...) at ``health.caps.warning`` (C). Scores from the capped grade's floor up are
  squeezed into that grade, keeping their order, so score, grade and status always agree. Alerts
  about the team's own decisions (``health.caps.ignore``: notice deadlines, backups, concentration)
  neither cap nor cost points.
* **One scale**: the grade comes from the score (``health.grades``); the status from the grade:
  A and B green, C amber, D and F red.

Every point lost is a :class:`Reason` with its record line, so the scorecard can say why.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from generator import i18n, labels
from generator.alerts.model import month_text
from generator.i18n import _, ngettext
from generator.load.document import Document
from generator.load.positions import Path_
from generator.measure.kpis import KpiReport, PartnerKpis
from generator.records.portfolio import PartnerEntry, Portfolio
from generator.records.settings import HealthSettings
from generator.rules.commitments import kpi_name
from generator.rules.documents import document_name
from generator.rules.formats import percent
from generator.rules.money import campaign_targets, rates_of
from generator.rules.obligations import Obligation, obligations
from generator.rules.sla import attainment
from generator.rules.windows import warning_days

if TYPE_CHECKING:
    from generator.alerts.model import Alert

COMPONENTS = ("evaluation", "compliance", "sla", "performance", "satisfaction")
GRADES = ("A", "B", "C", "D", "F")
STATUS_OF_GRADE = {"A": "green", "B": "green", "C": "amber", "D": "red", "F": "red"}
UNRATED_STATUSES = ("prospect", "evaluating", "offboarded")
# Campaign targets a partner's own results can be held to; revenue is a campaign total.
HIGHER_IS_BETTER = ("conversion_rate", "checkout_completion_rate", "csat", "aov", "repeat_purchase_rate")
LOWER_IS_BETTER = ("cart_abandonment_rate", "cpa")
# Targets that can be negative: a miss costs points per unit missed (ROI 0.5 short -> 50 points).
POINTS_PER_UNIT = {"roi": 100.0, "conversion_lift": 200.0, "nps": 1.0}
# Alerts whose cause a component already scores: they cap the grade but cost no extra points.
COUNTED_RULES = ("compliance-missing", "compliance-expired", "compliance-expiring", "sla-breach", "sla-attainment")


@dataclass(frozen=True)
class Reason:
    """Points lost, why, and the record line behind it."""

    component: str
    points: float
    text: str
    file: str | None = None
    line: int | None = None
    relative: tuple[str, ...] = field(default=(), compare=False)  # words of text counting days (Alert.relative)

    def as_json(self) -> dict[str, Any]:
        return {"component": self.component, "points": round(self.points, 1), "reason": self.text,
                "file": self.file, "line": self.line}


@dataclass(frozen=True)
class _Item:
    score: float  # 0-100
    text: str
    file: str | None = None
    line: int | None = None
    weight: float = 1.0


@dataclass(frozen=True)
class Health:
    score: int | None
    grade: str | None
    status: str | None  # green, amber, red; None when not rated and nothing caps it
    components: dict[str, float | None]
    reasons: tuple[Reason, ...] = ()
    not_rated: str | None = None  # why there is no grade
    cap: str | None = None  # the grade cap that applied, and why
    uncapped: int | None = None  # the score before a cap lowered it
    based_on: tuple[str, ...] = field(default_factory=tuple)  # components with evidence
    relative: tuple[str, ...] = ()  # words of cap counting days from today (Alert.relative)

    @property
    def rated(self) -> bool:
        return self.grade is not None

    def as_json(self) -> dict[str, Any]:
        return {"score": self.score, "grade": self.grade, "status": self.status, "not_rated": self.not_rated,
                "based_on": list(self.based_on), "components": {k: None if v is None else round(v, 1)
                                                               for k, v in self.components.items()},
                "cap": self.cap, "reasons": [r.as_json() for r in self.reasons]}


def _line(doc: Document, loc: Path_) -> int:
    return doc.where(loc, key=True)[0]


def _evaluation(entry: PartnerEntry, kpis: PartnerKpis | None) -> list[_Item]:
    if kpis is None or kpis.evaluation_score is None or entry.profile is None:
        return []
    score = kpis.evaluation_score
    return [_Item((score - 1) / 4 * 100, _evaluation_text(score), entry.profile.file,
                  _line(entry.profile.doc, ("evaluation",)))]


def _evaluation_text(score: float) -> str:
    return _("evaluation score {score} of 5").format(score=i18n.number(score, 1))


def _obligation_item(entry: PartnerEntry, ask: Obligation, portfolio: Portfolio) -> _Item:
    assert entry.profile is not None
    policy = portfolio.settings.compliance
    if ask.kind == "document":
        state = ask.document
        index = state.index if state is not None else None
        where = ("compliance", index) if index is not None else ("compliance",)
        text = _("{document}: {state}").format(document=document_name(ask.subject, policy),
                                               state=labels.label("state", ask.state))
        return _Item(100 * ask.points, text, entry.profile.file, _line(entry.profile.doc, where))
    if ask.kind == "sla":
        return _Item(100 * ask.points, _("SLA record (sla.yaml): on file") if ask.met else
                     _("SLA record (sla.yaml): missing"), entry.profile.file, _line(entry.profile.doc, ("category",)))
    contract = entry.contracts.get(ask.contract) if ask.contract else None
    clause = labels.label("clause", ask.subject)
    if ask.kind == "every-clause" and contract is not None:
        text = (_("contract '{contract}': clause {clause} present") if ask.met else
                _("contract '{contract}': clause {clause} missing")).format(contract=contract.id, clause=clause)
        return _Item(100 * ask.points, text, contract.file, _line(contract.doc, ("clauses",)))
    text = (_("clause {clause} in a contract in force: present") if ask.met else
            _("clause {clause} in a contract in force: missing")).format(clause=clause)
    if contract is not None:
        return _Item(100 * ask.points, text, contract.file, _line(contract.doc, ("clauses",)))
    return _Item(100 * ask.points, text, entry.profile.file, _line(entry.profile.doc, ("category",)))


def _compliance(entry: PartnerEntry, portfolio: Portfolio, today: date) -> list[_Item]:
    asks = [a for a in obligations(entry, portfolio.settings.compliance, today, warning_days(portfolio.settings))
            if a.known]
    return [_obligation_item(entry, ask, portfolio) for ask in asks]


def _sla(entry: PartnerEntry, settings: HealthSettings) -> list[_Item]:
    if entry.sla is None:
        return []
    sla = entry.sla.record
    recent, overall = attainment(sla, settings.sla_months), attainment(sla)
    if recent.rate is None:
        return []
    floor = settings.sla_floor  # attainment at or under the floor scores 0: SLAs are meant to be met
    span = month_text(recent.months[0]) if len(recent.months) == 1 else _("{first} to {last}").format(
        first=month_text(recent.months[0]), last=month_text(recent.months[-1]))
    text = ngettext("SLA met in {met} of {measured} metric-month ({rate}) over {span}; {overall} since measurements "
                    "began",
                    "SLA met in {met} of {measured} metric-months ({rate}) over {span}; {overall} since measurements "
                    "began", recent.measured).format(
        met=i18n.number(recent.met), measured=i18n.number(recent.measured), rate=percent(recent.rate), span=span,
        overall=percent(overall.rate))
    score = max(0.0, min(100.0, 100 * (recent.rate - floor) / (1 - floor))) if floor < 1 else 100 * recent.rate
    return [_Item(score, text, entry.sla.file, _line(entry.sla.doc, ("measurements",)))]


def _target_score(kpi: str, actual: float, target: float) -> float | None:
    if kpi in POINTS_PER_UNIT:
        return max(0.0, min(100.0, 100 - POINTS_PER_UNIT[kpi] * max(0.0, target - actual)))
    if kpi in HIGHER_IS_BETTER:
        return 100.0 if actual >= target else (100 * max(actual, 0) / target if target > 0 else 0.0)
    if kpi in LOWER_IS_BETTER:
        return 100.0 if actual <= target else (100 * target / actual if actual > 0 else 0.0)
    return None


def _fmt(kpi: str, value: float) -> str:
    if kpi in ("aov", "cpa", "roi"):
        return i18n.number(value, 2)
    if kpi == "nps":
        return i18n.number(value)
    return percent(value)


def _performance(entry: PartnerEntry, portfolio: Portfolio, report: KpiReport) -> list[_Item]:
    items: list[_Item] = []
    fallback: list[_Item] = []
    rates = rates_of(portfolio.settings)
    for campaign_id, loaded in sorted(portfolio.campaigns.items()):
        campaign = loaded.record
        row = next((i for i, r in enumerate(campaign.results) if r.partner == entry.id), None)
        kpis = report.campaigns.get(campaign_id)
        if row is None or kpis is None or entry.id not in kpis.partners:
            continue
        actual = kpis.partners[entry.id]
        line = _line(loaded.doc, ("results", row))
        targets = campaign_targets(campaign, rates)
        for kpi, target in sorted(targets.items()):
            value = actual.get(kpi)
            if value is None:
                continue
            score = _target_score(kpi, float(value), float(target))
            if score is None:
                continue
            text = (_("{campaign}: {kpi} {value}, target at most {target}") if kpi in LOWER_IS_BETTER else
                    _("{campaign}: {kpi} {value}, target at least {target}"))
            text = text.format(campaign=campaign_id, kpi=kpi_name(kpi), value=_fmt(kpi, value),
                               target=_fmt(kpi, target))
            items.append(_Item(score, text, loaded.file, line))
        for kpi, scale in (("conversion_lift", 250.0), ("roi", 50.0)):
            value = actual.get(kpi)
            if value is not None and kpi not in targets:
                fallback.append(_Item(max(0.0, min(100.0, 50 + scale * value)),
                                      _("{campaign}: {kpi} {value} (no target set)").format(
                                          campaign=campaign_id, kpi=kpi_name(kpi), value=_fmt(kpi, value)),
                                      loaded.file, line))
    return items + fallback


def _satisfaction(entry: PartnerEntry, portfolio: Portfolio, report: KpiReport) -> list[_Item]:
    items = []
    for campaign_id, loaded in sorted(portfolio.campaigns.items()):
        row = next((i for i, r in enumerate(loaded.record.results) if r.partner == entry.id), None)
        kpis = report.campaigns.get(campaign_id)
        if row is None or kpis is None or entry.id not in kpis.partners:
            continue
        line = _line(loaded.doc, ("results", row, "survey"))
        csat, nps = kpis.partners[entry.id].get("csat"), kpis.partners[entry.id].get("nps")
        if csat is not None:
            items.append(_Item(100 * csat, f"{campaign_id}: CSAT {percent(csat)}", loaded.file, line))
        if nps is not None:
            items.append(_Item((nps + 100) / 2, f"{campaign_id}: NPS {i18n.number(nps)}", loaded.file, line))
    return items


def _alert_penalties(alerts: Sequence[Alert], settings: HealthSettings) -> list[Reason]:
    """Points every open alert costs that no component already counts (check-ins, reviews, actions, risks)."""
    cost = {"error": settings.alert_points.error, "warning": settings.alert_points.warning}
    return [Reason("alerts", cost[a.severity], f"{a.message} [{a.rule}]", a.file, a.line, a.relative)
            for a in alerts if not a.silenced and a.severity in cost and a.rule not in COUNTED_RULES
            and cost[a.severity] > 0]


def grade_for(score: float, settings: HealthSettings) -> str:
    grades = settings.grades
    for grade, floor in (("A", grades.A), ("B", grades.B), ("C", grades.C), ("D", grades.D)):
        if score >= floor:
            return grade
    return "F"


def _ceiling(grade: str, settings: HealthSettings) -> int:
    """The highest whole score of ``grade`` (just under the next grade up)."""
    above = {"A": 100, "B": settings.grades.A, "C": settings.grades.B, "D": settings.grades.C,
             "F": settings.grades.D}[grade]
    return 100 if grade == "A" else math.ceil(above) - 1


def _floor(grade: str, settings: HealthSettings) -> float:
    """The lowest score of ``grade``."""
    grades = settings.grades
    return {"A": grades.A, "B": grades.B, "C": grades.C, "D": grades.D, "F": 0.0}[grade]


def _squeeze(score: int, grade: str, settings: HealthSettings) -> int:
    """``score`` under a cap at ``grade``: scores from the grade's floor up to 100 are squeezed into the grade.

    Scores under the floor stay; above it the order is kept (a capped 95 stays above a capped 75), so two
    partners held at C by one warning each are still told apart by everything else.
    """
    ceiling, floor = _ceiling(grade, settings), _floor(grade, settings)
    if score <= floor or ceiling >= 100:
        return min(score, ceiling)
    return min(score, ceiling, int(floor + (score - floor) * (ceiling - floor) / (100 - floor) + 0.5))


def _cap(alerts: Sequence[Alert], settings: HealthSettings) -> tuple[str, Alert] | None:
    """The strictest grade cap the partner's unsilenced alerts impose, and the alert behind it."""
    for severity, grade in (("error", settings.caps.error), ("warning", settings.caps.warning)):
        hits = [a for a in alerts if a.severity == severity and not a.silenced]
        if hits:
            return grade, min(hits, key=lambda a: a.sort_key())
    return None


def _unrated(entry: PartnerEntry, kpis: PartnerKpis | None) -> str:
    partner = entry.partner
    assert partner is not None
    status = labels.label("status", partner.status)
    if partner.status == "offboarded":
        return _("{status}: not rated").format(status=status)
    evaluation = (_evaluation_text(kpis.evaluation_score) if kpis and kpis.evaluation_score is not None
                  else _("not evaluated yet"))
    dd = partner.due_diligence
    diligence = (_("due diligence completed on {date}").format(date=i18n.day(dd.completed)) if dd and dd.completed
                 else _("due diligence not completed"))
    return _("{status}: not graded on health; {evaluation}, {diligence}").format(
        status=status, evaluation=evaluation, diligence=diligence)


def score_partner(entry: PartnerEntry, portfolio: Portfolio, report: KpiReport, today: date,
                  alerts: Sequence[Alert] = ()) -> Health:
    """The health of one partner; ``alerts`` are that partner's alerts (for caps and the relationship)."""
    settings = portfolio.settings.health
    alerts = [a for a in alerts if a.rule not in settings.caps.ignore]
    kpis = report.partners.get(entry.id)
    partner = entry.partner
    assert partner is not None
    parts: dict[str, list[_Item]] = {
        "evaluation": _evaluation(entry, kpis),
        "compliance": _compliance(entry, portfolio, today),
        "sla": _sla(entry, settings),
        "performance": _performance(entry, portfolio, report),
        "satisfaction": _satisfaction(entry, portfolio, report),
    }
    weights = settings.weights.model_dump()
    components = {name: (sum(i.score * i.weight for i in items) / sum(i.weight for i in items) if items else None)
                  for name, items in parts.items()}
    based_on = tuple(name for name in COMPONENTS if components[name] is not None and weights[name] > 0)
    cap = _cap(alerts, settings)
    cap_text = None if cap is None else _("at most {grade}: {message} [{rule}]").format(
        grade=cap[0], message=cap[1].message, rule=cap[1].rule)
    cap_relative = () if cap is None else cap[1].relative
    if partner.status in UNRATED_STATUSES:
        return Health(None, None, None, components, not_rated=_unrated(entry, kpis), based_on=based_on)
    if len(based_on) < settings.min_components:
        have = ", ".join(labels.label("component", name) for name in based_on) or _("nothing")
        why = ngettext("not rated: evidence for {n} of {total} component ({have}), {needed} needed; record an "
                       "evaluation, SLA measurements or campaign results",
                       "not rated: evidence for {n} of {total} components ({have}), {needed} needed; record an "
                       "evaluation, SLA measurements or campaign results", len(COMPONENTS)).format(
            n=i18n.number(len(based_on)), total=i18n.number(len(COMPONENTS)), have=have,
            needed=i18n.number(settings.min_components))
        status = STATUS_OF_GRADE[cap[0]] if cap is not None and STATUS_OF_GRADE[cap[0]] == "red" else None
        return Health(None, None, status, components, not_rated=why, cap=cap_text, based_on=based_on,
                      relative=cap_relative)
    total_weight = sum(weights[name] for name in based_on)
    score = sum(components[name] * weights[name] for name in based_on) / total_weight  # type: ignore[operator]
    reasons: list[Reason] = []
    for name in based_on:
        items = parts[name]
        share = weights[name] / total_weight / sum(i.weight for i in items)
        reasons += [Reason(name, share * i.weight * (100 - i.score), i.text, i.file, i.line)
                    for i in items if i.score < 100]
    penalties = _alert_penalties(alerts, settings)
    reasons += penalties
    rounded = max(0, int(score - sum(r.points for r in penalties) + 0.5))
    final, uncapped = rounded, None
    if cap is not None:
        squeezed = _squeeze(rounded, cap[0], settings)
        if squeezed < rounded:
            final, uncapped = squeezed, rounded
            reasons.append(Reason("cap", rounded - squeezed, _("capped {cap}").format(cap=cap_text), cap[1].file,
                                  cap[1].line, cap_relative))
    reasons.sort(key=lambda r: (-round(r.points, 6), r.component, r.file or "", r.line or 0, r.text))
    grade = grade_for(final, settings)
    return Health(final, grade, STATUS_OF_GRADE[grade], components, tuple(r for r in reasons if r.points >= 0.05),
                  cap=cap_text if uncapped is not None else None, uncapped=uncapped, based_on=based_on,
                  relative=cap_relative if uncapped is not None else ())


def score_portfolio(portfolio: Portfolio, report: KpiReport, today: date,
                    alerts: Sequence[Alert] = ()) -> dict[str, Health]:
    """Health of every partner whose profile could be read."""
    by_partner: dict[str, list[Alert]] = {}
    for alert in alerts:
        if alert.partner is not None:
            by_partner.setdefault(alert.partner, []).append(alert)
    return {pid: score_partner(entry, portfolio, report, today, by_partner.get(pid, ()))
            for pid, entry in sorted(portfolio.partners.items()) if entry.partner is not None}
