"""team.yaml: the people and roles who run the partnerships (optional; owners are free text without it).

With a team file, every ``owner``, RACI entry, action owner and evaluator names a person or a role
of it (validation, with "did you mean"). Handles route reviews (CODEOWNERS); emails and chat
addresses carry the digests.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from generator.records.common import Email, Id, Record, Text

# A GitHub / GitLab user or team handle, written with or without the leading @ (org/team for teams).
Handle = Annotated[str, Field(pattern=r"^@?[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,38})(?:/[A-Za-z0-9_.-]{1,100})?$")]


class Role(Record):
    """A role partnerships are owned by (``head-of-ecommerce``), and what it is for."""

    name: Text
    description: Text | None = None
    handle: Handle | None = None  # a hosting team handle (org/team) that reviews for the role


class Person(Record):
    """A member of the team."""

    name: Text
    email: Email | None = None
    handle: Handle | None = None  # GitHub / GitLab handle
    roles: list[Id] = Field(default_factory=list, max_length=50)  # ids under roles:
    skills: list[Id] = Field(default_factory=list, max_length=200)  # e.g. contract-negotiation, api-integration
    backup: Id | None = None  # the person who covers when this one is away
    capacity: int | None = Field(default=None, ge=0, le=10_000)  # partners this person can manage
    active: bool = True  # a person who left stays for history; ownership must move on


class Team(Record):
    """The team: roles by id, people by id."""

    roles: dict[Id, Role] = Field(default_factory=dict, max_length=500)
    people: dict[Id, Person] = Field(default_factory=dict, max_length=5000)
