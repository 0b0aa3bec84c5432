"""Checklists: the team's definitions in partnerbook.yml and the ticks in partner and campaign records.

* a definition: an item is decided by a ``rule`` or is ``manual`` (not both, not neither), a rule
  of the right kind (partner or campaign), item ids unique across the checklists of a kind, a new
  checklist has a title, and adding items to a built-in checklist keeps its kind;
* a tick: a known item id (with "did you mean") and not dated after today. Its ``by`` names a person
  or role of team.yaml when the team file exists: checked with every other owner field
  (``generator.checks.people``).
"""

from __future__ import annotations

from datetime import date

from generator import i18n
from generator.checks.typing import did_you_mean, listing, suggest
from generator.i18n import _
from generator.load.document import Document
from generator.problems import Problem
from generator.records.checklist import CAMPAIGN_RULES, PARTNER_RULES
from generator.records.partner import Tick
from generator.records.portfolio import Portfolio
from generator.rules.checklists import builtin_definitions, definitions, item_ids


def check_definitions(portfolio: Portfolio) -> list[Problem]:
    doc = portfolio.settings_doc
    if doc is None or not portfolio.settings.checklists:
        return []
    problems: list[Problem] = []
    builtin = builtin_definitions()
    for key, spec in portfolio.settings.checklists.items():
        where = ("checklists", key)
        of = spec.of or (builtin[key].of if key in builtin else None) or "partner"
        if key in builtin and spec.of is not None and spec.of != builtin[key].of:
            problems.append(doc.problem((*where, "of"), "checklist-definition",
                                        _("checklist '{checklist}' is a {kind} checklist").format(
                                            checklist=key, kind=builtin[key].of),
                                        _("leave out of: or write of: {kind}").format(kind=builtin[key].of)))
        if key not in builtin and spec.title is None:
            problems.append(doc.problem(where, "checklist-definition",
                                        _("new checklist '{checklist}' has no title").format(checklist=key),
                                        _("add title: (the heading shown on the site)"), key=True))
        rules = PARTNER_RULES if of == "partner" else CAMPAIGN_RULES
        for index, item in enumerate(spec.items):
            at = (*where, "items", index)
            if item.manual and item.rule is not None:
                problems.append(doc.problem((*at, "manual"), "checklist-definition",
                                            _("item '{item}' has both a rule and manual: true").format(item=item.id),
                                            _("keep the rule (the records decide) or manual: true (ticked by "
                                              "hand)")))
            elif not item.manual and item.rule is None:
                problems.append(doc.problem((*at, "id"), "checklist-definition",
                                            _("item '{item}' has neither a rule nor manual: true").format(
                                                item=item.id),
                                            _("add manual: true to tick it in the records, or a rule: the records "
                                              "decide")))
            if item.rule is not None and item.rule not in rules:
                guess = did_you_mean(item.rule, rules)
                problems.append(doc.problem((*at, "rule"), "checklist-definition",
                                            _("rule '{rule}' is not a rule of {kind} checklists").format(
                                                rule=item.rule, kind=of),
                                            suggest(guess) + _("{kind} rules: {rules}").format(
                                                kind=of, rules=", ".join(rules))))
            if of == "campaign" and item.applies_to:
                problems.append(doc.problem((*at, "applies_to"), "checklist-definition",
                                            _("applies_to conditions are about partners; a campaign checklist "
                                              "applies to every campaign"), _("remove applies_to")))
    seen = {(d.of, item.id): d.id for d in definitions(portfolio.settings.model_copy(update={"checklists": {}}))
            for item in d.items}
    for key, spec in portfolio.settings.checklists.items():
        of = spec.of or (builtin[key].of if key in builtin else None) or "partner"
        for index, item in enumerate(spec.items):
            other = seen.setdefault((of, item.id), key)
            if other != key or any(i.id == item.id for i in spec.items[:index]):
                problems.append(doc.problem(("checklists", key, "items", index, "id"), "checklist-definition",
                                            _("item id '{item}' is already used in checklist '{checklist}'").format(
                                                item=item.id, checklist=other),
                                            _("give every item its own id: ticks name it")))
    return problems


def _check_ticks(doc: Document, ticks: list[Tick], known: list[str], today: date, kind: str) -> list[Problem]:
    problems: list[Problem] = []
    for index, tick in enumerate(ticks):
        at = ("checklist", index)
        if tick.item not in known:
            guess = did_you_mean(tick.item, known)
            hint = suggest(guess) + _("items of {kind} checklists: {items}").format(kind=kind, items=listing(known))
            problems.append(doc.problem((*at, "item"), "unknown-checklist-item",
                                        _("unknown checklist item '{item}'").format(item=tick.item), hint))
        if tick.done > today:
            problems.append(doc.problem((*at, "done"), "tick-in-future",
                                        _("item '{item}' is ticked on {done}, after today ({today})").format(
                                            item=tick.item, done=i18n.day(tick.done), today=i18n.day(today)),
                                        _("tick an item once it is done, with the day it was done")))
    return problems


def check_ticks(portfolio: Portfolio, today: date) -> list[Problem]:
    """Every tick of every partner and campaign record."""
    problems: list[Problem] = []
    partner_items = item_ids(portfolio.settings, "partner")
    campaign_items = item_ids(portfolio.settings, "campaign")
    for entry in portfolio.partners.values():
        if entry.profile is not None and entry.profile.record.checklist:
            problems += _check_ticks(entry.profile.doc, entry.profile.record.checklist, partner_items, today,
                                     "partner")
    for campaign in portfolio.campaigns.values():
        if campaign.record.checklist:
            problems += _check_ticks(campaign.doc, campaign.record.checklist, campaign_items, today,
                                     "campaign")
    return problems


def check_checklists(portfolio: Portfolio, today: date) -> list[Problem]:
    return [*check_definitions(portfolio), *check_ticks(portfolio, today)]
