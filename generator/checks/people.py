"""Owners that exist: with a team.yaml, every owner field names a person or a role of it.

Fields checked, and what they may name:

- partner ``owner``, evaluation ``evaluator``, campaign ``owner``: a person or role of the team;
- RACI entries, ``responsibilities`` owners, action and training ``responsible``: a person or role
  of the team, or the partner side (a partner's name or id, alone or followed by a word such as
  "Vetrina Commerce account manager", or the name of the partner's account manager or a contact);
- any other ``owner`` / ``responsible`` field a record carries (such as campaign review learnings):
  the same as RACI entries; a checklist tick's ``by``: a person or role of the team only.

The team file itself: a person's ``roles`` name roles, ``backup`` another person, and an inactive
person still owning partners is a warning. Without a team file nothing is checked (owners are free
text) and ``validate`` prints a note suggesting one.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from generator.checks.typing import did_you_mean, listing
from generator.i18n import N_, _
from generator.load.document import Document
from generator.load.positions import Path_
from generator.problems import Problem, Severity
from generator.records.portfolio import Portfolio
from generator.records.team import Team
from generator.rules.people import is_known, owners_of_partner, suggestions

RULE = "unknown-owner"
NOTE = N_("note: no team.yaml: owners are free text and not checked. Add team.yaml (people and roles, "
          "see README 'The team') so a misspelt owner is caught and the site shows each person's workload.")
OWNER_KEYS = ("owner", "responsible", "accountable", "evaluator")
LIST_KEYS = ("consulted", "informed")


def team_note(portfolio: Portfolio, problems: list[Problem]) -> str | None:
    """The suggestion to add a team file, when there is none (not when one failed to read)."""
    if portfolio.team is not None or any(p.file == "team.yaml" for p in problems):
        return None
    return _(NOTE)


def _hint(owner: str, team: Team, partner_side: bool) -> str:
    close = suggestions(owner, team)
    known = [*sorted(team.people), *sorted(team.roles)]
    if close:
        names = ", ".join(f"'{pid}' ({_name(pid, team)})" for pid in close)
        hint = _("did you mean {names}?").format(names=names)
    elif known:
        hint = _("people and roles of team.yaml: {names}.").format(names=listing(known))
    else:
        hint = _("team.yaml defines no people or roles yet.")
    if partner_side:
        return hint + " " + _("Use a person or role id of team.yaml, or add it there (or name the partner's side, "
                              "such as the partner's name).")
    return hint + " " + _("Use a person or role id of team.yaml, or add it there.")


def _name(owner_id: str, team: Team) -> str:
    if owner_id in team.people:
        return team.people[owner_id].name
    return team.roles[owner_id].name


def _owner_fields(data: Any, loc: Path_) -> Iterator[tuple[Path_, str, bool]]:
    """Every owner-like string under ``data``: (location, text, whether the partner's side may own it)."""
    if isinstance(data, dict):
        for key, value in data.items():
            if not isinstance(key, str):
                continue
            here = (*loc, key)
            if (key in OWNER_KEYS or (key == "by" and "checklist" in loc)) and isinstance(value, str):
                yield here, value, not (len(loc) == 0 and key == "owner") and key not in ("evaluator", "by")
            elif key in LIST_KEYS and isinstance(value, list):
                for index, item in enumerate(value):
                    if isinstance(item, str):
                        yield (*here, index), item, True
            elif key == "legal_review":
                continue  # reviewed by counsel, often outside the team
            else:
                yield from _owner_fields(value, here)
    elif isinstance(data, list):
        for index, item in enumerate(data):
            yield from _owner_fields(item, (*loc, index))


def _partner_side(portfolio: Portfolio) -> tuple[set[str], list[str]]:
    """Names that stand for a partner's side: exact names, and prefixes a word may follow."""
    exact: set[str] = set()
    prefixes: list[str] = []
    for entry in portfolio.partners.values():
        exact.add(entry.id.casefold())
        partner = entry.partner
        if partner is None:
            continue
        exact.add(partner.name.strip().casefold())
        prefixes += [partner.name.strip().casefold() + " ", entry.id.casefold() + " "]
        if partner.account_manager is not None:
            exact.add(partner.account_manager.name.strip().casefold())
        exact.update(contact.name.strip().casefold() for contact in partner.contacts)
    return exact, prefixes


def _check_doc(doc: Document, data: Any, team: Team, side: tuple[set[str], list[str]],
               campaign: bool) -> list[Problem]:
    problems = []
    exact, prefixes = side
    for loc, owner, partner_side in _owner_fields(data, ()):
        if campaign and loc == ("owner",):
            partner_side = False
        if is_known(owner, team):
            continue
        folded = owner.strip().casefold()
        if partner_side and (folded in exact or any(folded.startswith(p) for p in prefixes)):
            continue
        field = ".".join(str(step) for step in loc)
        problems.append(doc.problem(loc, RULE, _("{field} '{owner}' is not a person or role of team.yaml").format(
                                        field=field, owner=owner), _hint(owner, team, partner_side)))
    return problems


def _ambiguities(doc: Document, team: Team) -> list[Problem]:
    """An id that is both a person and a role, and one handle given to two people or roles."""
    problems = []
    for pid in sorted(set(team.people) & set(team.roles)):
        problems.append(doc.problem(("people", pid), "ambiguous-owner",
                                    _("'{id}' is both a person and a role, so an owner '{id}' is the person only "
                                      "and the role's other members never hear of it").format(id=pid),
                                    _("give the person or the role another id"), key=True))
    seen: dict[str, tuple[str, ...]] = {}
    holders = [(("people", pid, "handle"), pid, p.handle) for pid, p in sorted(team.people.items())]
    holders += [(("roles", rid, "handle"), rid, r.handle) for rid, r in sorted(team.roles.items())]
    for loc, who, handle in holders:
        if handle is None:
            continue
        key = handle.lstrip("@").casefold()
        if key in seen:
            problems.append(doc.problem(loc, "duplicate-handle",
                                        _("handle '{handle}' of '{id}' is also the handle of '{other}'").format(
                                            handle=handle, id=who, other=seen[key][1]),
                                        _("each person and role has its own GitHub / GitLab handle; reviews and "
                                          "CODEOWNERS would reach the wrong one"), severity=Severity.WARNING))
        else:
            seen[key] = (key, who)
    return problems


def _check_team(doc: Document, team: Team, portfolio: Portfolio) -> list[Problem]:
    problems = _ambiguities(doc, team)
    roles, people = sorted(team.roles), sorted(team.people)
    for pid, person in sorted(team.people.items()):
        for index, role in enumerate(person.roles):
            if role not in team.roles:
                guess = did_you_mean(role, roles)
                hint = _("did you mean '{guess}'?").format(guess=guess) if guess else (
                    _("roles of team.yaml: {roles}").format(roles=", ".join(roles)) if roles
                    else _("add the role under roles:"))
                problems.append(doc.problem(("people", pid, "roles", index), "unknown-role",
                                            _("person '{id}' has role '{role}', which is not under roles:").format(
                                                id=pid, role=role), hint))
        if person.backup is not None:
            if person.backup == pid:
                problems.append(doc.problem(("people", pid, "backup"), "unknown-backup",
                                            _("person '{id}' cannot be their own backup").format(id=pid),
                                            _("name another person who covers when they are away")))
            elif person.backup not in team.people:
                guess = did_you_mean(person.backup, people)
                problems.append(doc.problem(("people", pid, "backup"), "unknown-backup",
                                            _("backup '{backup}' of '{id}' is not a person of team.yaml").format(
                                                backup=person.backup, id=pid),
                                            _("did you mean '{guess}'?").format(guess=guess) if guess
                                            else _("name a person under people:")))
        if not person.active:
            owned = sorted(entry.id for entry in portfolio.partners.values()
                           if entry.partner is not None and entry.partner.status != "offboarded"
                           and entry.partner.owner.strip() == pid)
            if owned:
                problems.append(doc.problem(("people", pid, "active"), "inactive-owner",
                                            _("person '{id}' is not active but still owns {partners}").format(
                                                id=pid, partners=", ".join(owned)),
                                            _("move the owner of these partners to an active person or a role"),
                                            severity=Severity.WARNING))
    for entry in portfolio.partners.values():  # a role with nobody active behind it orphans the partner
        partner = entry.partner
        if partner is None or partner.status == "offboarded" or entry.profile is None:
            continue
        owner = partner.owner.strip()
        if owner in team.roles and owner not in team.people and not owners_of_partner(entry, team):
            problems.append(entry.profile.doc.problem(
                ("owner",), "unstaffed-owner",
                _("role '{role}' owns this partner but no active person holds it").format(role=owner),
                _("give the role '{role}' to an active person in team.yaml (people: ... roles: [{role}])").format(
                    role=owner),
                severity=Severity.WARNING))
    return problems


def check_people(portfolio: Portfolio) -> list[Problem]:
    """Owner fields against team.yaml, and the team's own references (nothing without a team file)."""
    if portfolio.team is None:
        return []
    team = portfolio.team.record
    side = _partner_side(portfolio)
    problems = _check_team(portfolio.team.doc, team, portfolio)
    for entry in portfolio.partners.values():
        if entry.profile is not None:
            problems += _check_doc(entry.profile.doc, entry.profile.doc.data, team, side, campaign=False)
        for contract in [*entry.contracts.values(), *entry.partial_contracts]:
            problems += _check_doc(contract.doc, contract.doc.data, team, side, campaign=False)
    for campaign in portfolio.campaigns.values():
        problems += _check_doc(campaign.doc, campaign.doc.data, team, side, campaign=True)
    return problems
