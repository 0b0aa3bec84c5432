"""The checklists as Python code before they became data (site_templates/checklists.yaml): a reference for tests.

Each item is ``done`` (True), ``open`` (False) or ``manual`` (None: the records
cannot tell, a person ticks it). The evidence says which record decided.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from generator import i18n, labels
from generator.measure.kpis import KpiReport
from generator.records import Campaign, Partner
from generator.records.portfolio import PartnerEntry, Portfolio
from generator.rules.contracts import in_force
from generator.rules.documents import document_state
from generator.rules.obligations import obligations
from generator.rules.windows import warning_days

EU_EEA = frozenset({
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT",
    "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO", "EU", "EEA", "EUROPE",
})


@dataclass(frozen=True)
class Item:
    text: str
    done: bool | None
    evidence: str = ""


@dataclass(frozen=True)
class Checklist:
    id: str
    title: str
    items: tuple[Item, ...]

    @property
    def done(self) -> int:
        return sum(1 for item in self.items if item.done)

    @property
    def decidable(self) -> int:
        return sum(1 for item in self.items if item.done is not None)


def _evaluation(partner: Partner, criteria: list[str]) -> Checklist:
    dd = partner.due_diligence
    scores = partner.evaluation.scores if partner.evaluation else {}
    items = [
        Item("Business model understood", bool(dd and dd.business_model), "due_diligence.business_model"),
        Item("Financial health checked", bool(dd and dd.financial_health), "due_diligence.financial_health"),
        Item("Target market fits ours", bool(dd and dd.target_market), "due_diligence.target_market"),
        Item("Reputation and reviews researched", bool(dd and dd.reputation), "due_diligence.reputation"),
        Item("References contacted", bool(dd and dd.references), "due_diligence.references"),
        Item("Due diligence completed", bool(dd and dd.completed), "due_diligence.completed"),
        Item("Scored on every evaluation criterion", bool(scores) and all(c in scores for c in criteria),
             "evaluation.scores"),
        Item("Technical integration assessed", partner.tech_maturity is not None, "tech_maturity"),
        Item("Backup partner identified", bool(partner.backup_partners), "backup_partners"),
    ]
    return Checklist("evaluation", "Evaluation", tuple(items))


def _onboarding(entry: PartnerEntry, partner: Partner) -> Checklist:
    onboarding = partner.onboarding
    items = [
        Item("Contract signed", bool(onboarding and onboarding.signed) or bool(entry.contracts), "onboarding.signed"),
        Item("Internal owner named", bool(partner.owner), "owner"),
        Item("Partner contacts recorded", bool(partner.contacts or partner.account_manager), "contacts"),
        Item("RACI agreed", bool(partner.raci), "raci"),
        Item("Recurring responsibilities split", bool(partner.responsibilities), "responsibilities"),
        Item("Integration roadmap planned", bool(partner.roadmap), "roadmap"),
        Item("Joint training planned", bool(partner.training), "training"),
        Item("Review cadence set", partner.review is not None, "review"),
        Item("Live", bool(onboarding and onboarding.live), "onboarding.live"),
        Item("Kick-off workshop held", None, "record a check_in of kind workshop"),
    ]
    if partner.check_ins:
        items[-1] = Item("Kick-off workshop held", any(c.kind == "workshop" for c in partner.check_ins), "check_ins")
    return Checklist("onboarding", "Onboarding", tuple(items))


def _compliance(entry: PartnerEntry, portfolio: Portfolio, today: date) -> Checklist:
    """One item per ask of the compliance policy, ticked as the policy judges it (``generator.rules``)."""
    partner = entry.partner
    assert partner is not None
    settings = portfolio.settings
    asks = obligations(entry, settings.compliance, today, warning_days(settings))
    items: list[Item] = []
    for ask in asks:
        done = None if not ask.known else ask.met
        if ask.kind == "document":
            # the document and clause read as their labels since the site speaks the team's language
            name = settings.compliance.document_types.get(ask.subject) or labels.label("doc", ask.subject)
            items.append(Item(f"{name} on file and valid", done, f"compliance: {ask.state}"))
        elif ask.kind == "clause":
            items.append(Item(f"Contract clause: {labels.label('clause', ask.subject)}", done, "contracts in force"))
        elif ask.kind == "every-clause":
            items.append(Item(f"Clause in contract {ask.contract}: {labels.label('clause', ask.subject)}", done,
                              f"contracts/{ask.contract}"))
        else:
            items.append(Item("SLA recorded", done, "sla.yaml"))
    contracts = [c for c in entry.contracts.values() if in_force(c.record, today)]
    required_ok = all(item.done for item in items)
    items.insert(0, Item("Compliance reviewed: every requirement of the policy met", required_ok,
                         "compliance policy"))
    items.append(Item("Contracts in force reviewed by counsel",
                      bool(contracts) and all(c.record.legal_review for c in contracts), "contracts: legal_review"))
    items.append(Item("No open red flags", not any(f.status == "open" for f in partner.red_flags), "red_flags"))
    return Checklist("compliance", "Compliance", tuple(items))


def _document_met(entry: PartnerEntry, portfolio: Portfolio, today: date, doc_type: str) -> tuple[bool, str]:
    settings = portfolio.settings
    assert entry.partner is not None
    state = document_state(entry.partner, doc_type, settings.compliance, today, warning_days(settings))
    return state.met, state.state


def _international(entry: PartnerEntry, portfolio: Portfolio, today: date) -> Checklist | None:
    partner = entry.partner
    assert partner is not None
    regions = {r.upper() for r in partner.regions}
    outside_eu = sorted(regions - EU_EEA)
    if not regions and partner.category != "payment":
        return None
    handles_cards = partner.category == "payment" or partner.data_access.card_data
    items: list[Item] = []
    if handles_cards:
        met, state = _document_met(entry, portfolio, today, "pci-dss-aoc")
        items.append(Item("PCI DSS attestation valid across all regions served", met, f"pci-dss-aoc: {state}"))
        items.append(Item("PCI DSS responsibilities split in a contract in force",
                          any("pci_responsibility" in c.record.clauses for c in entry.contracts.values()
                              if in_force(c.record, today)), "clauses.pci_responsibility"))
    if partner.data_access.personal_data and outside_eu:
        met, state = _document_met(entry, portfolio, today, "gdpr-sccs")
        items.append(Item(f"GDPR transfer safeguards for {', '.join(outside_eu)}", met, f"gdpr-sccs: {state}"))
    items.append(Item("Regions served recorded", bool(regions), "regions"))
    items.append(Item("Local tax, customs and consumer rules checked per region", None, "manual"))
    return Checklist("international", "International (PCI DSS, regional)", tuple(items))


def partner_checklists(entry: PartnerEntry, portfolio: Portfolio, today: date) -> list[Checklist]:
    """The checklists of one partner, ticked from its records."""
    partner = entry.partner
    if partner is None:
        return []
    lists = [_evaluation(partner, sorted(portfolio.settings.evaluation.criteria)),
             _onboarding(entry, partner), _compliance(entry, portfolio, today)]
    international = _international(entry, portfolio, today)
    return lists + ([international] if international else [])


def campaign_checklist(campaign_id: str, campaign: Campaign, report: KpiReport, today: date) -> Checklist:
    """The post-campaign review checklist of one campaign."""
    total = report.campaigns[campaign_id].total if campaign_id in report.campaigns else {}
    review = campaign.review
    ended = campaign.end < today
    has_baselines = bool(campaign.results) and all(r.baseline for r in campaign.results)
    items = (
        Item("Targets set before the campaign", bool(campaign.targets.model_dump(exclude_none=True)), "targets"),
        Item("Campaign has ended", ended, f"end {i18n.day(campaign.end)}"),
        Item("Results recorded for every partner", bool(campaign.results) and all(
            r.sessions is not None and r.orders is not None for r in campaign.results), "results"),
        Item("Baselines recorded for comparison", has_baselines, "results.baseline"),
        Item("Customer survey collected", any(r.survey for r in campaign.results), "results.survey"),
        Item("ROI computed", total.get("roi") is not None, "revenue and cost"),
        Item("Post-campaign review held", review is not None, "review.date"),
        Item("Integration smoothness rated", bool(review and review.integration_smoothness), "review"),
        Item("Learnings written down", bool(review and review.learnings), "review.learnings"),
    )
    return Checklist("post-campaign", "Post-campaign review", items)
