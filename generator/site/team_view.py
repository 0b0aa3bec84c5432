"""The Team page: per person, partners owned, open actions, deadlines, alerts and workload; single-person skills.

Ownership comes from ``generator.rules.people`` (a role owns through its active members), the same rule
validation, CODEOWNERS and the digests use.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from generator import i18n, markdown
from generator.compute.portfolio import Computed
from generator.records.team import Team
from generator.rules.partners import followed
from generator.rules.people import display, resolve, single_person_skills
from generator.rules.windows import warning_days
from generator.site import views

OPEN_ACTION = ("pending", "in-progress", "on-track", "blocked")


def _owned(computed: Computed, team: Team) -> dict[str, list[str]]:
    """Person id -> ids of the followed partners they own (directly or through a role), by partner id."""
    owned: dict[str, list[str]] = {pid: [] for pid in team.people}
    for partner_id, entry in sorted(computed.portfolio.partners.items()):
        partner = entry.partner
        if partner is None or not followed(partner):
            continue
        for person in resolve(partner.owner, team):
            owned[person].append(partner_id)
    return owned


def _link(folder: str, record_id: str) -> Markup:
    """A link target to a partner's or campaign's page: kept literal (an escaped ``/`` is no link MkDocs resolves);
    the id is escaped as any text, which leaves a valid record id as it is."""
    return Markup("{}/{}/index.md").format(Markup(folder), markdown.text(record_id))


def _actions(computed: Computed, team: Team) -> dict[str, list[dict[str, Any]]]:
    """Person id -> the open partner actions and campaign learnings they are responsible for (through a role
    too), by deadline."""
    found: dict[str, list[dict[str, Any]]] = {pid: [] for pid in team.people}
    for partner_id, entry in sorted(computed.portfolio.partners.items()):
        partner = entry.partner
        if partner is None or entry.profile is None or not followed(partner):
            continue
        for index, action in enumerate(partner.actions):
            if action.status not in OPEN_ACTION:
                continue
            line, _ = entry.profile.doc.where(("actions", index, "deadline"))
            row = {"link": _link("partners", partner_id), "partner_id": partner_id,
                   "partner_name": partner.name, "aspect": action.aspect,
                   "deadline": action.deadline, "days_left": (action.deadline - computed.today).days,
                   "status": action.status, "where": f"{entry.profile.file}:{line}"}
            for person in resolve(action.responsible, team):
                found[person].append(row)
    for campaign_id, loaded in sorted(computed.portfolio.campaigns.items()):
        review = loaded.record.review
        for index, learning in enumerate(review.learnings if review else []):
            if isinstance(learning, str) or learning.owner is None or learning.due is None \
                    or learning.status not in OPEN_ACTION:
                continue
            line, _ = loaded.doc.where(("review", "learnings", index, "due"))
            row = {"link": _link("campaigns", campaign_id), "partner_id": campaign_id,
                   "partner_name": loaded.record.name, "aspect": learning.text, "deadline": learning.due,
                   "days_left": (learning.due - computed.today).days, "status": learning.status,
                   "where": f"{loaded.file}:{line}"}
            for person in resolve(learning.owner, team):
                found[person].append(row)
    for rows in found.values():
        rows.sort(key=lambda r: (r["deadline"], r["partner_id"], r["aspect"]))
    return found


def _unowned(computed: Computed, team: Team) -> list[dict[str, Any]]:
    """Followed partners whose owner resolves to no active person."""
    rows = []
    for partner_id, entry in sorted(computed.portfolio.partners.items()):
        partner = entry.partner
        if partner is not None and followed(partner) and not resolve(partner.owner, team):
            rows.append({"id": partner_id, "name": partner.name, "owner": partner.owner})
    return rows


def single_person_risk(computed: Computed) -> list[dict[str, Any]]:
    """Skills only one active person holds, with that person and their backup (the risk register's rows)."""
    team = computed.portfolio.team.record if computed.portfolio.team is not None else None
    if team is None:
        return []
    rows = []
    for skill, pid in single_person_skills(team).items():
        person = team.people[pid]
        backup = person.backup if person.backup in team.people else None
        rows.append({"skill": skill, "person_id": pid, "person": person.name,
                     "backup": team.people[backup].name if backup else None})
    return rows


def team_page(computed: Computed, alerts: list[views.Attention]) -> dict[str, Any]:
    """The Team page's context; ``{"team": None}`` without a team file."""
    portfolio = computed.portfolio
    if portfolio.team is None:
        return {"team": None, "people": [], "former": [], "unowned": [], "single": [], "window": 0}
    team = portfolio.team.record
    window = warning_days(portfolio.settings)
    owned = _owned(computed, team)
    actions = _actions(computed, team)
    upcoming = [d for d in views.all_deadlines(computed) if 0 <= d.days_left <= window]
    people = []
    for pid, person in sorted(team.people.items()):
        if not person.active:
            continue
        partners = owned[pid]
        mine = set(partners)
        load = len(partners)
        people.append({
            "id": pid, "name": person.name, "email": person.email, "handle": person.handle,
            "roles": [display(role, team) for role in person.roles],
            "skills": list(dict.fromkeys(person.skills)),
            "backup": display(person.backup, team) if person.backup else None,
            "backup_active": bool(person.backup in team.people and team.people[person.backup].active),
            "partners": [(p, views.partner_name(computed, p)) for p in partners],
            "capacity": person.capacity, "load": load,
            "use": None if not person.capacity else load / person.capacity,
            "use_text": None if not person.capacity else i18n.percent(load / person.capacity, 0),
            "over": person.capacity is not None and load > person.capacity,
            "actions": actions[pid],
            "overdue": sum(1 for a in actions[pid] if a["days_left"] < 0),
            "deadlines": [d for d in upcoming if d.partner_id in mine],
            "alerts": [a for a in alerts if a.partner_id in mine and a.silenced_reason is None],
        })
    former = [(pid, person.name) for pid, person in sorted(team.people.items()) if not person.active]
    return {"team": team, "people": people, "former": former, "unowned": _unowned(computed, team),
            "single": single_person_risk(computed), "window": window}
