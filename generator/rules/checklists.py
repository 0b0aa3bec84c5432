"""Checklists as data: the definitions, the named rules the records decide, and the ticks.

The built-in checklists are ``site_templates/checklists.yaml``; ``checklists:`` in partnerbook.yml
adds items to them (same id) and whole checklists of its own. Every item is decided by a named rule
(``PARTNER_PREDICATES``, ``CAMPAIGN_PREDICATES``: the one place that logic lives) or is ``manual``
and ticked in the records (``checklist:`` entries of partner.yaml or the campaign file). A tick
counts only while ``done + valid_days >= today``; a rule the records cannot decide (``None``) can be
ticked too. The site, the alerts and anyone else ask ``partner_checklists`` / ``campaign_checklists``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from typing import Any

import yaml

from generator import i18n, labels, templates_dir
from generator.i18n import _
from generator.records import Campaign, Partner
from generator.records.checklist import (
    CAMPAIGN_RULES,
    PARTNER_RULES,
    ChecklistCondition,
    ChecklistDefinition,
    ChecklistItem,
)
from generator.records.partner import Tick
from generator.records.portfolio import PartnerEntry, Portfolio
from generator.records.settings import Settings
from generator.rules.contracts import in_force
from generator.rules.documents import document_state
from generator.rules.obligations import obligations
from generator.rules.windows import warning_days

EU_EEA = frozenset({
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT",
    "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO", "EU", "EEA", "EUROPE",
})
BUILTIN_FILE = "checklists.yaml"


@dataclass(frozen=True)
class Outcome:
    """What a rule says of one item: done (True), open (False) or undecided (None: ticked by hand)."""

    done: bool | None
    evidence: str
    subject: str = ""  # replaces ``{subject}`` in the item's text
    applies: bool = True


@dataclass(frozen=True)
class Item:
    text: str
    done: bool | None  # None: the records cannot tell and nobody ticked it (in time)
    evidence: str = ""
    id: str = ""
    tickable: bool = False  # manual, or a rule that could not decide
    tick: Tick | None = None  # the tick that counts, if any
    expired: Tick | None = None  # the latest tick, when it no longer counts
    valid_until: date | None = None


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


@dataclass
class Subject:
    """What the rules read: a partner (with the portfolio) or a campaign (with its KPI total)."""

    portfolio: Portfolio
    today: date
    entry: PartnerEntry | None = None
    campaign: Campaign | None = None
    campaign_total: Mapping[str, Any] = field(default_factory=dict)

    @property
    def partner(self) -> Partner:
        assert self.entry is not None
        assert self.entry.partner is not None
        return self.entry.partner


# --- partner rules --------------------------------------------------------------------------------


def _dd(attr: str, evidence: str) -> Callable[[Subject], Outcome]:
    def rule(s: Subject) -> Outcome:
        dd = s.partner.due_diligence
        return Outcome(bool(dd and getattr(dd, attr)), evidence)
    return rule


def _flag(test: Callable[[Partner], bool], evidence: str) -> Callable[[Subject], Outcome]:
    return lambda s: Outcome(test(s.partner), evidence)


def _scored(s: Subject) -> Outcome:
    scores = s.partner.evaluation.scores if s.partner.evaluation else {}
    criteria = s.portfolio.settings.evaluation.criteria
    return Outcome(bool(scores) and all(c in scores for c in criteria), "evaluation.scores")


def _signed(s: Subject) -> Outcome:
    onboarding = s.partner.onboarding
    assert s.entry is not None
    return Outcome(bool(onboarding and onboarding.signed) or bool(s.entry.contracts), "onboarding.signed")


def _workshop(s: Subject) -> Outcome:
    if not s.partner.check_ins:
        return Outcome(None, _("record a check_in of kind workshop"))
    return Outcome(any(c.kind == "workshop" for c in s.partner.check_ins), "check_ins")


def policy_items(entry: PartnerEntry, portfolio: Portfolio, today: date) -> list[tuple[str, Outcome]]:
    """One item per ask of the compliance policy, ticked as the policy judges it (in the current language)."""
    settings = portfolio.settings
    found: list[tuple[str, Outcome]] = []
    for ask in obligations(entry, settings.compliance, today, warning_days(settings)):
        done = None if not ask.known else ask.met
        if ask.kind == "document":
            state = labels.label("state", ask.state)
            found.append((_("{document} on file and valid").format(document=_document_name(ask.subject, settings)),
                          Outcome(done, _("compliance: {state}").format(state=state))))
        elif ask.kind == "clause":
            found.append((_("Contract clause: {clause}").format(clause=labels.label("clause", ask.subject)),
                          Outcome(done, _("contracts in force"))))
        elif ask.kind == "every-clause":
            found.append((_("Clause in contract {contract}: {clause}").format(
                contract=ask.contract, clause=labels.label("clause", ask.subject)),
                Outcome(done, f"contracts/{ask.contract}")))
        else:
            found.append((_("SLA recorded"), Outcome(done, "sla.yaml")))
    return found


def _document_name(doc_type: str, settings: Settings) -> str:
    """A document type as people read it: the team's name for its own types, else the built-in label."""
    return settings.compliance.document_types.get(doc_type) or labels.label("doc", doc_type)


def _compliance_reviewed(s: Subject) -> Outcome:
    assert s.entry is not None
    asks = policy_items(s.entry, s.portfolio, s.today)
    return Outcome(all(outcome.done for _text, outcome in asks), _("compliance policy"))


def _contracts_in_force(s: Subject) -> list[Any]:
    assert s.entry is not None
    return [c for c in s.entry.contracts.values() if in_force(c.record, s.today)]


def _counsel(s: Subject) -> Outcome:
    contracts = _contracts_in_force(s)
    return Outcome(bool(contracts) and all(c.record.legal_review for c in contracts), "contracts: legal_review")


def _document(s: Subject, doc_type: str) -> tuple[bool, str]:
    settings = s.portfolio.settings
    state = document_state(s.partner, doc_type, settings.compliance, s.today, warning_days(settings))
    return state.met, state.state


def _pci_attestation(s: Subject) -> Outcome:
    met, state = _document(s, "pci-dss-aoc")
    return Outcome(met, f"pci-dss-aoc: {labels.label('state', state)}")


def _pci_responsibility(s: Subject) -> Outcome:
    return Outcome(any("pci_responsibility" in c.record.clauses for c in _contracts_in_force(s)),
                   "clauses.pci_responsibility")


def _outside_eu(partner: Partner) -> list[str]:
    return sorted({r.upper() for r in partner.regions} - EU_EEA)


def _gdpr_transfers(s: Subject) -> Outcome:
    outside = _outside_eu(s.partner)
    if not outside:
        return Outcome(None, "", applies=False)
    met, state = _document(s, "gdpr-sccs")
    return Outcome(met, f"gdpr-sccs: {labels.label('state', state)}", subject=", ".join(outside))


PARTNER_PREDICATES: dict[str, Callable[[Subject], Outcome]] = {
    "dd-business-model": _dd("business_model", "due_diligence.business_model"),
    "dd-financial-health": _dd("financial_health", "due_diligence.financial_health"),
    "dd-target-market": _dd("target_market", "due_diligence.target_market"),
    "dd-reputation": _dd("reputation", "due_diligence.reputation"),
    "dd-references": _dd("references", "due_diligence.references"),
    "dd-completed": _dd("completed", "due_diligence.completed"),
    "evaluation-scored": _scored,
    "tech-maturity": _flag(lambda p: p.tech_maturity is not None, "tech_maturity"),
    "backup-partner": _flag(lambda p: bool(p.backup_partners), "backup_partners"),
    "contract-signed": _signed,
    "owner-named": _flag(lambda p: bool(p.owner), "owner"),
    "contacts-recorded": _flag(lambda p: bool(p.contacts or p.account_manager), "contacts"),
    "raci-agreed": _flag(lambda p: bool(p.raci), "raci"),
    "responsibilities-split": _flag(lambda p: bool(p.responsibilities), "responsibilities"),
    "roadmap-planned": _flag(lambda p: bool(p.roadmap), "roadmap"),
    "training-planned": _flag(lambda p: bool(p.training), "training"),
    "review-cadence": _flag(lambda p: p.review is not None, "review"),
    "live": _flag(lambda p: bool(p.onboarding and p.onboarding.live), "onboarding.live"),
    "kick-off-workshop": _workshop,
    "compliance-reviewed": _compliance_reviewed,
    "compliance-policy": lambda s: Outcome(None, ""),  # expanded into one item per ask (policy_items)
    "counsel-reviewed": _counsel,
    "no-open-red-flags": _flag(lambda p: not any(f.status == "open" for f in p.red_flags), "red_flags"),
    "pci-attestation": _pci_attestation,
    "pci-responsibility": _pci_responsibility,
    "gdpr-transfers": _gdpr_transfers,
    "regions-recorded": _flag(lambda p: bool(p.regions), "regions"),
}
EXPANDED = frozenset({"compliance-policy"})


# --- campaign rules -------------------------------------------------------------------------------


def _campaign(test: Callable[[Subject, Campaign], bool], evidence: str | Callable[[Campaign], str]
              ) -> Callable[[Subject], Outcome]:
    def rule(s: Subject) -> Outcome:
        assert s.campaign is not None
        return Outcome(test(s, s.campaign), evidence(s.campaign) if callable(evidence) else evidence)
    return rule


CAMPAIGN_PREDICATES: dict[str, Callable[[Subject], Outcome]] = {
    "targets-set": _campaign(lambda s, c: bool(c.targets.model_dump(exclude_none=True)), "targets"),
    "campaign-ended": _campaign(lambda s, c: c.end < s.today,
                                lambda c: _("end {day}").format(day=i18n.day(c.end))),
    "results-recorded": _campaign(lambda s, c: bool(c.results) and all(
        r.sessions is not None and r.orders is not None for r in c.results), "results"),
    "baselines-recorded": _campaign(lambda s, c: bool(c.results) and all(r.baseline for r in c.results),
                                    "results.baseline"),
    "survey-collected": _campaign(lambda s, c: any(r.survey for r in c.results), "results.survey"),
    "roi-computed": _campaign(lambda s, c: s.campaign_total.get("roi") is not None,
                              lambda c: _("revenue and cost")),
    "review-held": _campaign(lambda s, c: c.review is not None, "review.date"),
    "smoothness-rated": _campaign(lambda s, c: bool(c.review and c.review.integration_smoothness), "review"),
    "learnings-written": _campaign(lambda s, c: bool(c.review and c.review.learnings), "review.learnings"),
}
assert set(PARTNER_PREDICATES) == set(PARTNER_RULES)
assert set(CAMPAIGN_PREDICATES) == set(CAMPAIGN_RULES)


# --- definitions ----------------------------------------------------------------------------------


@cache
def builtin_definitions() -> dict[str, ChecklistDefinition]:
    """The checklists shipped in site_templates/checklists.yaml (package data, checked once)."""
    raw = yaml.safe_load((templates_dir() / BUILTIN_FILE).read_text(encoding="utf-8"))
    return {key: ChecklistDefinition.model_validate(value, strict=False) for key, value in raw.items()}


@dataclass(frozen=True)
class Definition:
    id: str
    title: str
    of: str  # "partner" or "campaign"
    applies_to: tuple[ChecklistCondition, ...]
    items: tuple[ChecklistItem, ...]


def definitions(settings: Settings) -> list[Definition]:
    """The built-in checklists with the team's items added, then the team's own checklists, in order.

    Titles read in the current language: the built-in ones are catalog messages (``generator.i18n``
    extracts site_templates/checklists.yaml); a team's own title matches none and stays as written.
    """
    merged: dict[str, Definition] = {}
    sources = [*builtin_definitions().items(), *settings.checklists.items()]
    for key, spec in sources:
        known = merged.get(key)
        if known is None:
            merged[key] = Definition(key, _(spec.title) if spec.title else key, spec.of or "partner",
                                     tuple(spec.applies_to or ()), tuple(spec.items))
        else:
            merged[key] = Definition(key, _(spec.title) if spec.title else known.title, known.of,
                                     tuple(spec.applies_to) if spec.applies_to is not None else known.applies_to,
                                     known.items + tuple(spec.items))
    return list(merged.values())


def item_ids(settings: Settings, of: str) -> list[str]:
    """Every item id of the partner (or campaign) checklists, for ticks and "did you mean"."""
    return sorted({item.id for d in definitions(settings) if d.of == of for item in d.items})


def matches(conditions: tuple[ChecklistCondition, ...] | list[ChecklistCondition], partner: Partner) -> bool:
    """No conditions: always; else when any condition matches (every key given in it)."""
    return not conditions or any(_match(c, partner) for c in conditions)


def _match(c: ChecklistCondition, partner: Partner) -> bool:
    return ((c.category is None or partner.category in c.category)
            and (c.status is None or partner.status in c.status)
            and (c.criticality is None or partner.criticality in c.criticality)
            and (c.personal_data is None or partner.data_access.personal_data == c.personal_data)
            and (c.card_data is None or partner.data_access.card_data == c.card_data)
            and (c.regions is None or bool(partner.regions) == c.regions))


# --- ticks ----------------------------------------------------------------------------------------


def tick_state(item: ChecklistItem, ticks: list[Tick], today: date) -> tuple[Tick | None, Tick | None, date | None]:
    """(the tick that counts, the latest tick when expired, until when it counts) for one item.

    Ticks dated after today never count (validation reports them).
    """
    mine = [t for t in ticks if t.item == item.id and t.done <= today]
    if not mine:
        return None, None, None
    latest = max(mine, key=lambda t: t.done)
    if item.valid_days is None:
        return latest, None, None
    until = latest.done + timedelta(days=item.valid_days)
    return (latest, None, until) if until >= today else (None, latest, until)


def _item(spec: ChecklistItem, outcome: Outcome, ticks: list[Tick], today: date) -> Item:
    text = _(spec.text).replace("{subject}", outcome.subject)  # the built-in texts are catalog messages
    if outcome.done is not None:
        return Item(text, outcome.done, outcome.evidence, spec.id)
    tick, expired, until = tick_state(spec, ticks, today)
    evidence = outcome.evidence or spec.hint or ""
    return Item(text, True if tick else None, evidence, spec.id, tickable=True, tick=tick, expired=expired,
                valid_until=until)


def _build(definition: Definition, subject: Subject, ticks: list[Tick],
           predicates: Mapping[str, Callable[[Subject], Outcome]]) -> Checklist:
    items: list[Item] = []
    partner = subject.entry.partner if subject.entry is not None else None
    for spec in definition.items:
        if partner is not None and not matches(spec.applies_to, partner):
            continue
        if spec.rule in EXPANDED and subject.entry is not None:
            items += [Item(text, outcome.done, outcome.evidence, f"{spec.id}.{n}")
                      for n, (text, outcome) in enumerate(policy_items(subject.entry, subject.portfolio,
                                                                       subject.today), 1)]
            continue
        rule = predicates.get(spec.rule) if spec.rule else None
        outcome = rule(subject) if rule is not None else Outcome(None, "")
        if outcome.applies:
            items.append(_item(spec, outcome, ticks, subject.today))
    return Checklist(definition.id, definition.title, tuple(items))


def partner_checklists(entry: PartnerEntry, portfolio: Portfolio, today: date) -> list[Checklist]:
    """The checklists of one partner, decided by its records and ticked where they cannot tell."""
    partner = entry.partner
    if partner is None:
        return []
    subject = Subject(portfolio, today, entry=entry)
    return [_build(d, subject, partner.checklist, PARTNER_PREDICATES) for d in definitions(portfolio.settings)
            if d.of == "partner" and matches(d.applies_to, partner)]


def campaign_checklists(campaign: Campaign, portfolio: Portfolio, today: date,
                        total: Mapping[str, Any]) -> list[Checklist]:
    """The checklists of one campaign; ``total`` is its KPI total (for ``roi-computed``)."""
    subject = Subject(portfolio, today, campaign=campaign, campaign_total=total)
    return [_build(d, subject, campaign.checklist, CAMPAIGN_PREDICATES) for d in definitions(portfolio.settings)
            if d.of == "campaign"]
