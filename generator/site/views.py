"""Page views: the context each template needs, computed from the typed records and KPIs."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from babel.numbers import format_decimal

from generator import i18n, labels
from generator.alerts import Alert
from generator.compute.portfolio import Computed
from generator.i18n import _
from generator.records import Contract
from generator.records.policy import CompliancePolicy
from generator.records.portfolio import Loaded, PartnerEntry
from generator.rules import formats
from generator.rules.checklists import definitions as checklist_definitions
from generator.rules.commitments import Period
from generator.rules.contracts import key_dates
from generator.rules.documents import state_of
from generator.rules.money import MONEY_TARGETS, campaign_date, campaign_targets, rates_of
from generator.rules.obligations import Obligation, obligations
from generator.rules.partners import followed
from generator.rules.people import team_of
from generator.rules.windows import warning_days
from generator.site.checklists import campaign_checklists_of, partner_checklists

TARGET_AT_MOST = frozenset({"cart_abandonment_rate", "cpa"})


@dataclass(frozen=True)
class Deadline:
    partner_id: str
    partner_name: str
    contract_id: str
    title: str
    kind: str  # notice deadline, contract end, renewal
    day: date
    days_left: int
    auto_renew: bool


@dataclass
class Attention:
    """An alert as the pages show it: names resolved, silence reason and end date when silenced."""

    severity: str
    partner_id: str | None
    partner_name: str | None
    campaign_id: str | None
    campaign_name: str | None
    rule: str
    message: str
    where: str
    silenced_reason: str | None = None
    silenced_until: date | None = None
    file: str = ""  # the record the alert comes from, for a link to it (generator/site/repo_links.py)
    line: int | None = None
    relative: tuple[str, ...] = ()  # words of message counting days from today (Alert.relative)


def _status_of(computed: Computed, partner_id: str) -> str:
    entry = computed.portfolio.partners.get(partner_id)
    return entry.partner.status if entry is not None and entry.partner is not None else "unknown"


def partner_name(computed: Computed, partner_id: str) -> str:
    entry = computed.portfolio.partners.get(partner_id)
    return entry.partner.name if entry and entry.partner else partner_id


def contract_deadlines(computed: Computed, partner_id: str, contract: Loaded[Contract]) -> list[Deadline]:
    """The contract's key dates (``generator.rules.contracts.key_dates``) as rows for the pages."""
    record, today = contract.record, computed.today
    name = partner_name(computed, partner_id)
    return [Deadline(partner_id, name, contract.id, record.title, kind, day, (day - today).days, record.auto_renew)
            for kind, day in key_dates(record)]


def all_deadlines(computed: Computed) -> list[Deadline]:
    out = [d for pid, entry in computed.portfolio.partners.items() if entry.partner and followed(entry.partner)
           for contract in entry.contracts.values() for d in contract_deadlines(computed, pid, contract)]
    return sorted(out, key=lambda d: (d.day, d.partner_id, d.contract_id, d.kind))


def required_documents(computed: Computed) -> list[str]:
    types: set[str] = set()
    for requirement in computed.portfolio.settings.compliance.requirements:
        types.update(requirement.documents)
    return sorted(types)


def compliance_row(computed: Computed, entry: PartnerEntry, doc_types: list[str]) -> dict[str, str]:
    """Each document type's state for the partner, as the policy judges it ("not required" otherwise)."""
    asks = _obligations(computed, entry)
    states = {a.subject: a.state for a in asks if a.kind == "document"}
    return {t: states.get(t, "not required") for t in doc_types}


def _obligations(computed: Computed, entry: PartnerEntry) -> list[Obligation]:
    settings = computed.portfolio.settings
    return obligations(entry, settings.compliance, computed.today, warning_days(settings))


def missing_clauses(computed: Computed, entry: PartnerEntry) -> list[tuple[str, list[str]]]:
    """(contract id, missing clauses) for every contract in force short of the policy, as the policy judges it."""
    rows: dict[str, list[str]] = {}
    for ask in _obligations(computed, entry):
        if ask.kind == "every-clause" and ask.state == "missing" and ask.contract:
            rows.setdefault(ask.contract, []).append(ask.subject)
        elif ask.kind == "clause" and ask.state == "missing":
            rows.setdefault("(no contract in force)", []).append(ask.subject)
    return [(contract, sorted(set(names))) for contract, names in sorted(rows.items())]


def document_states(computed: Computed, entry: PartnerEntry) -> list[tuple[Any, str]]:
    """Every document on file with its own state on the day (``generator.rules.documents.state_of``)."""
    partner = entry.partner
    if partner is None:
        return []
    settings = computed.portfolio.settings
    window = warning_days(settings)
    return [(d, state_of(d, settings.compliance, computed.today, window)[0]) for d in partner.compliance]


def attention(computed: Computed, alerts: list[Alert]) -> list[Attention]:
    """What needs attention, from the alerts (in their order: severity, file, line, rule)."""
    campaigns = computed.portfolio.campaigns
    return [Attention(a.severity, a.partner, partner_name(computed, a.partner) if a.partner else None,
                      a.campaign, campaigns[a.campaign].record.name if a.campaign in campaigns else None,
                      a.rule, a.message, a.location(),
                      a.silence.reason if a.silence else None, a.silence.until if a.silence else None,
                      a.file, a.line, a.relative)
            for a in alerts]


def _only_provider(computed: Computed, active: dict[str, list[str]]) -> list[tuple[str, str, list[str]]]:
    """(partner id, name, capabilities no other active partner provides), by partner id."""
    alone: dict[str, list[str]] = {}
    for capability, pids in sorted(active.items()):
        if len(pids) == 1:
            alone.setdefault(pids[0], []).append(capability)
    return [(pid, partner_name(computed, pid), caps) for pid, caps in sorted(alone.items())]


def risk_register(computed: Computed, alerts: list[Attention]) -> dict[str, Any]:
    """The risk register: revenue concentration, dependency, red flags and compliance exposure."""
    portfolio, report = computed.portfolio, computed.kpis
    limit = portfolio.settings.alerts.revenue_concentration
    revenue = report.results.groupby("partner")["revenue"].sum(min_count=1) if len(report.results) else {}
    shares = sorted(((k.revenue_share, pid) for pid, k in report.partners.items() if k.revenue_share is not None),
                    key=lambda item: (-item[0], item[1]))
    concentration = [
        {"id": pid, "name": partner_name(computed, pid), "share": share,
         "revenue": float(revenue[pid]) if pid in revenue and revenue[pid] == revenue[pid] else None,
         "above": share > limit}
        for share, pid in shares]
    active: dict[str, list[str]] = {}
    for pid, entry in sorted(portfolio.partners.items()):
        if entry.partner is not None and entry.partner.status == "active":
            for capability in entry.partner.capabilities:
                active.setdefault(capability, []).append(pid)
    critical = []
    for pid, entry in sorted(portfolio.partners.items()):
        partner = entry.partner
        if partner is None or partner.status == "offboarded" or partner.criticality not in ("critical", "high"):
            continue
        backups = [(b, partner_name(computed, b), _status_of(computed, b)) for b in partner.backup_partners]
        critical.append({"id": pid, "name": partner.name, "criticality": partner.criticality,
                         "capabilities": partner.capabilities, "backups": backups})
    red_flags = []
    for pid, entry in sorted(portfolio.partners.items()):
        if entry.partner is None or entry.profile is None:
            continue
        for index, flag in enumerate(entry.partner.red_flags):
            if flag.status == "open":
                line, _ = entry.profile.doc.where(("red_flags", index))
                red_flags.append({"id": pid, "name": entry.partner.name, "date": flag.date,
                                  "description": flag.description, "where": f"{entry.profile.file}:{line}"})
    return {
        "hhi": report.hhi, "limit": limit, "concentration": concentration,
        "single_source": _only_provider(computed, active),
        "critical": critical, "red_flags": red_flags,
        "compliance": [a for a in alerts if a.rule.startswith("compliance-")],
        "dependency": [a for a in alerts if a.rule in ("no-backup", "single-source-capability",
                                                       "revenue-concentration")],
    }


def counts(computed: Computed) -> dict[str, list[tuple[str, int]]]:
    partners = [e.partner for e in computed.portfolio.partners.values() if e.partner]
    grades = Counter(h.grade or "n/a" for h in computed.health.values())
    return {
        "status": sorted(Counter(p.status for p in partners).items()),
        "category": sorted(Counter(p.category for p in partners).items()),
        "grade": sorted(grades.items()),
    }


def latest_campaign(computed: Computed) -> str | None:
    """The campaign the home page headlines: the latest that has started and reports results.

    A planned campaign (not started, or no results yet) would only show n/a figures,
    so it is skipped unless no campaign has results at all.
    """
    campaigns = computed.portfolio.campaigns
    if not campaigns:
        return None
    reported = [cid for cid, c in campaigns.items() if c.record.results and c.record.start <= computed.today]
    return max(reported or campaigns, key=lambda cid: (campaigns[cid].record.end, cid))


def target_rows(computed: Computed, campaign_id: str) -> list[dict[str, Any]]:
    campaign = computed.portfolio.campaigns[campaign_id].record
    total = computed.kpis.campaigns[campaign_id].total if campaign_id in computed.kpis.campaigns else {}
    rows = []
    settings = computed.portfolio.settings
    recorded = campaign.targets.model_dump(exclude_none=True)
    converted = campaign.currency is not None and campaign.currency != settings.currency
    for name, target in campaign_targets(campaign, rates_of(settings)).items():
        actual = total.get(name)
        if name == "revenue":
            revenue = computed.kpis.results.loc[computed.kpis.results["campaign"] == campaign_id, "revenue"]
            actual = float(revenue.sum()) if revenue.notna().any() else None
        at_most = name in TARGET_AT_MOST
        state = "n/a" if actual is None else ("met" if (actual <= target if at_most else actual >= target)
                                              else "missed")
        original = (formats.money(recorded[name], campaign.currency or settings.currency)
                    if converted and name in MONEY_TARGETS else None)  # the target as the record states it
        rows.append({"kpi": name, "target": target, "actual": actual, "rule": "at most" if at_most else "at least",
                     "state": state, "original": original})
    return rows


def partner_checklist_views(computed: Computed, entry: PartnerEntry) -> list[Any]:
    return partner_checklists(entry, computed.portfolio, computed.today)


def campaign_checklist_views(computed: Computed, campaign_id: str) -> list[Any]:
    campaign = computed.portfolio.campaigns[campaign_id].record
    return campaign_checklists_of(campaign_id, campaign, computed.portfolio, computed.kpis, computed.today)


def checklist_columns(computed: Computed, of: str) -> list[tuple[str, str]]:
    """(id, title) of every checklist of partners or campaigns, in order, for the checklists page.

    A column shows the title up to its parenthesis: "International (PCI DSS, regional)" is "International".
    """
    return [(d.id, d.title.split(" (")[0] or d.title)
            for d in checklist_definitions(computed.portfolio.settings) if d.of == of]


def campaign_money(computed: Computed, campaign_id: str) -> dict[str, Any]:
    """A campaign's money per partner in the reporting currency, the amounts as recorded, and its cost-only partners.

    ``converted`` is set when the campaign is recorded in another currency: its rate and the date it is valid on.
    """
    campaign = computed.portfolio.campaigns[campaign_id].record
    settings = computed.portfolio.settings
    results = computed.kpis.results
    rows = results.loc[results["campaign"] == campaign_id]
    recorded = campaign.currency or settings.currency
    money: dict[str, dict[str, Any]] = {}
    for row in rows.itertuples(index=False):
        money[str(row.partner)] = {
            "revenue": _float(row.revenue), "cost": _float(row.cost),
            "revenue_original": _float(row.revenue_original), "cost_original": _float(row.cost_original)}
    cost_only = sorted(pid for pid, m in money.items() if m["cost"] is not None and m["revenue"] is None)
    converted = None
    if recorded != settings.currency:
        converted = {"currency": recorded, "on": campaign_date(campaign),
                     "rate": rates_of(settings).rate(recorded, campaign_date(campaign))}
    revenue = [m["revenue"] for m in money.values() if m["revenue"] is not None]
    cost = [m["cost"] for m in money.values() if m["cost"] is not None]
    return {"currency": settings.currency, "recorded": recorded, "converted": converted, "partners": money,
            "revenue": sum(revenue) if revenue else None, "cost": sum(cost) if cost else None,
            "cost_only": cost_only,
            "cost_only_total": sum(money[pid]["cost"] for pid in cost_only) if cost_only else None}


def _float(value: Any) -> float | None:
    return None if value is None or value != value else float(value)


def commitment_rows(computed: Computed, partner_id: str) -> list[dict[str, Any]]:
    """The partner's contract commitments, period by period, for the scorecard (generator.rules.commitments).

    Texts are in the page's language: the KPI's label, its bound and how often it is judged
    ("Conversion rate at least 2.5% per quarter"), the period as a month, quarter, year or campaign name.
    """
    entry = computed.portfolio.partners[partner_id]
    rows = []
    for outcome in computed.kpis.commitments.get(partner_id, []):
        loaded = entry.contracts[outcome.contract]
        line, _line = loaded.doc.where(("commitments", outcome.index), key=True)
        period = outcome.period
        rows.append({
            "contract": loaded.record.title, "contract_id": outcome.contract,
            "commitment": _sentence_start(outcome.commitment_text()), "note": outcome.note,
            "period": period_text(computed, period, outcome.period_kind) if period else None,
            "dates": _("{start} to {end}").format(start=i18n.day(period.start), end=i18n.day(period.end))
            if period else None,
            "actual": outcome.actual_text(), "state": outcome.state,
            "where": f"{loaded.doc.path}:{line}",
        })
    return rows


def _sentence_start(text: str) -> str:
    """A sentence of the rules (``orders at least 500 per quarter``) as a table cell starts it: ``Orders ...``."""
    return text[:1].upper() + text[1:]


def period_text(computed: Computed, period: Period, kind: str) -> str:
    """A commitment period as people name it: ``Mar 2026``, ``Q1 2026``, ``2026``, or the campaign's name."""
    if period.campaign is not None:
        loaded = computed.portfolio.campaigns.get(period.campaign)
        return loaded.record.name if loaded is not None else period.campaign
    if kind == "month":
        return i18n.month(period.start)
    if kind == "quarter":
        return _("Q{quarter} {year}").format(quarter=(period.start.month - 1) // 3 + 1, year=period.start.year)
    if kind == "year":
        return str(period.start.year)
    return period.label


# -- the partner pages: names for the ids the records use -------------------------------------------------

def people_names(computed: Computed) -> dict[str, str]:
    """Ids of team.yaml's people and roles -> their names (a person wins over a role of the same id, as in
    ``generator.rules.people.display``). Owners, RACI entries and action owners that are no id of the team
    are free text and read as written."""
    team = team_of(computed.portfolio)
    if team is None:
        return {}
    return {**{rid: role.name for rid, role in team.roles.items()},
            **{pid: person.name for pid, person in team.people.items()}}


def document_label(doc_type: str, policy: CompliancePolicy) -> str:
    """A document type's name: the team's own (``compliance.document_types``), else its label."""
    own = policy.document_types.get(doc_type)
    return own if own is not None else labels.label("doc", doc_type)


def plain_number(value: float) -> str:
    """A number as recorded, in the page's language: ``99.9`` / ``99,9``, ``4`` (no forced decimals)."""
    return format_decimal(value, format="#,##0.####", locale=i18n.locale(i18n.current()))


def pricing_text(contract: Contract, reporting: str) -> str:
    """``Commission, 2.9%``, ``Per unit, 7.90 EUR``: the pricing model's label and its rate (a fraction for
    commissions and revenue shares, else an amount in the contract's currency); ``n/a`` without pricing."""
    pricing = contract.pricing
    if pricing is None:
        return formats.unknown()
    model = labels.label("model", pricing.model)
    if pricing.rate is None:
        return model
    currency = contract.value.currency if contract.value is not None and contract.value.currency else reporting
    rate = (formats.percent(pricing.rate) if pricing.model in ("commission", "revenue-share")
            else formats.money(pricing.rate, currency))
    return _("{model}, {rate}").format(model=model, rate=rate)


def sla_rows(entry: PartnerEntry) -> list[dict[str, Any]]:
    """The SLA's metrics: id, name and target in words (``≥ 99.9 %``)."""
    if entry.sla is None:
        return []
    return [{"id": m.id, "name": m.name,
             "target": f"{'≥' if m.better == 'higher' else '≤'} {plain_number(m.target)}"
                       + (f" {m.unit}" if m.unit else "")}
            for m in entry.sla.record.metrics]


def partner_page(computed: Computed, partner_id: str) -> dict[str, Any]:
    """What the scorecard needs beyond the records: team names, document names, pricing and SLA in words."""
    entry = computed.portfolio.partners[partner_id]
    policy = computed.portfolio.settings.compliance
    types = {d.type for d in entry.partner.compliance} if entry.partner else set()
    types |= {t for requirement in policy.requirements for t in requirement.documents}
    return {
        "people": people_names(computed),
        "doc_labels": {t: document_label(t, policy) for t in sorted(types)},
        "pricing": {cid: pricing_text(c.record, computed.portfolio.settings.currency)
                    for cid, c in entry.contracts.items()},
        "sla_rows": sla_rows(entry),
    }
