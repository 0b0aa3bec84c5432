"""Who owns what: the one rule for turning an owner field into the people of team.yaml.

An owner field (partner ``owner``, RACI entries, action ``responsible``, evaluation ``evaluator``,
campaign ``owner``...) names a person id or a role id of ``team.yaml``:

- a person id resolves to that person, when active;
- a role id resolves to the active people holding the role (sorted by id);
- anything else (free text, an unknown id, no team file) resolves to nobody.

Validation (``generator.checks.people``), the team page, CODEOWNERS and the digests all read
ownership through this module, so they agree on who a partner or an alert belongs to.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol

from generator.records.team import Team

if TYPE_CHECKING:
    from generator.records.portfolio import PartnerEntry, Portfolio

__all__ = [
    "display", "is_known", "owner_of_partner", "owners_of_partner", "people_of_alert", "resolve",
    "role_members", "single_person_skills", "suggestions", "team_of",
]


class AlertLike(Protocol):
    """What ``people_of_alert`` reads of an alert (``generator.alerts.model.Alert`` has it)."""

    partner: str | None
    campaign: str | None
    file: str
    line: int | None
    rule: str


def team_of(portfolio: Portfolio) -> Team | None:
    """The portfolio's team, or None without a readable team.yaml."""
    return portfolio.team.record if portfolio.team is not None else None


def _key(owner: str | None) -> str | None:
    if owner is None:
        return None
    text = owner.strip()
    return text or None


def role_members(role: str, team: Team, *, active_only: bool = True) -> list[str]:
    """Ids of the people holding ``role`` (active ones by default), sorted."""
    return sorted(pid for pid, person in team.people.items()
                  if role in person.roles and (person.active or not active_only))


def resolve(owner: str | None, team: Team | None) -> list[str]:
    """The person ids an owner field stands for: a person itself when active, a role its active members."""
    key = _key(owner)
    if key is None or team is None:
        return []
    person = team.people.get(key)
    if person is not None:
        return [key] if person.active else []
    if key in team.roles:
        return role_members(key, team)
    return []


def is_known(owner: str | None, team: Team) -> bool:
    """Whether the owner names a person (active or not) or a role of the team."""
    key = _key(owner)
    return key is not None and (key in team.people or key in team.roles)


def display(owner: str | None, team: Team | None) -> str:
    """The person's or role's name; the owner text itself when the team does not know it."""
    key = _key(owner)
    if key is None:
        return ""
    if team is not None:
        if key in team.people:
            return team.people[key].name
        if key in team.roles:
            return team.roles[key].name
    return key


def owners_of_partner(entry: PartnerEntry, team: Team | None) -> list[str]:
    """The people the partner belongs to: its ``owner`` resolved (nobody when the profile is unreadable)."""
    partner = entry.partner
    if partner is None:
        return []
    return resolve(partner.owner, team)


owner_of_partner = owners_of_partner  # the name some callers know it by


def _learning_owner(alert: AlertLike, portfolio: Portfolio) -> str | None:
    """The ``owner`` of the campaign review learning whose due date the alert points at, if it does."""
    if alert.campaign is None or alert.line is None or alert.campaign not in portfolio.campaigns:
        return None
    loaded = portfolio.campaigns[alert.campaign]
    review = loaded.record.review
    if loaded.doc.path != alert.file or review is None:
        return None
    for index, learning in enumerate(review.learnings):
        if not isinstance(learning, str) and learning.owner is not None and \
                loaded.doc.where(("review", "learnings", index, "due"))[0] == alert.line:
            return learning.owner
    return None


def _action_owner(alert: AlertLike, portfolio: Portfolio) -> str | None:
    """The ``responsible`` of the partner action (or the owner of the campaign learning) the alert points at."""
    learning_owner = _learning_owner(alert, portfolio)
    if learning_owner is not None:
        return learning_owner
    if alert.partner is None or alert.line is None:
        return None
    entry = portfolio.partners.get(alert.partner)
    if entry is None or entry.profile is None or entry.profile.doc.path != alert.file:
        return None
    doc = entry.profile.doc
    for index, action in enumerate(entry.profile.record.actions):
        if doc.where(("actions", index, "deadline"))[0] == alert.line or \
                doc.where(("actions", index), key=True)[0] == alert.line:
            return action.responsible
    return None


def _unique(ids: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for pid in ids:
        seen.setdefault(pid, None)
    return list(seen)


def people_of_alert(alert: AlertLike, portfolio: Portfolio) -> list[str]:
    """Who an alert reaches: the action's owner when it is about a partner action, and the owner of its partner,
    else of its campaign. Person ids, without repeats; [] without a team file or when nobody resolves."""
    team = team_of(portfolio)
    if team is None:
        return []
    people: list[str] = []
    action_owner = _action_owner(alert, portfolio)
    if action_owner is not None:
        people += resolve(action_owner, team)
    if alert.partner is not None and alert.partner in portfolio.partners:
        people += owners_of_partner(portfolio.partners[alert.partner], team)
    if not people and alert.campaign is not None and alert.campaign in portfolio.campaigns:
        people += resolve(portfolio.campaigns[alert.campaign].record.owner, team)
    return _unique(people)


def suggestions(owner: str, team: Team, limit: int = 3) -> list[str]:
    """Ids of the team closest to a misspelt owner (by id, or by a person's or role's name)."""
    key = owner.strip()
    by_name: dict[str, str] = {}
    for pid, person in team.people.items():
        by_name.setdefault(pid.lower(), pid)
        by_name.setdefault(person.name.lower(), pid)
    for rid, role in team.roles.items():
        by_name.setdefault(rid.lower(), rid)
        by_name.setdefault(role.name.lower(), rid)
    scored = []
    for name in sorted(by_name):
        matcher = difflib.SequenceMatcher(None, key.lower(), name)
        if matcher.real_quick_ratio() >= 0.6 and matcher.quick_ratio() >= 0.6 and matcher.ratio() >= 0.6:
            scored.append((-matcher.ratio(), name))
    if not scored:
        return []
    scored.sort()
    best = -scored[0][0]
    return _unique(by_name[name] for score, name in scored if -score >= best - 0.08)[:limit]


def single_person_skills(team: Team) -> dict[str, str]:
    """Skills held by exactly one active person: skill -> that person's id (a single-person risk)."""
    holders: dict[str, list[str]] = {}
    for pid, person in sorted(team.people.items()):
        if not person.active:
            continue
        for skill in dict.fromkeys(person.skills):
            holders.setdefault(skill, []).append(pid)
    return {skill: pids[0] for skill, pids in sorted(holders.items()) if len(pids) == 1}
