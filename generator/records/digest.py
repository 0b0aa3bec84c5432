"""``digest:`` of partnerbook.yml: where ``partnerbook digest --send`` delivers each person's digest.

Secrets (an SMTP password, a webhook address) are named by environment variable, never written in the records;
generator/alerts/deliver.py sends.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, model_validator

from generator.i18n import _
from generator.records.common import Email, Id, Record, Text

EnvName = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")]  # the NAME of an environment variable
HostName = Annotated[str, Field(pattern=r"^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252}[A-Za-z0-9])?$|^\[[0-9A-Fa-f:.]{2,45}\]$")]


class SmtpSettings(Record):
    """How digests go out by email. The password is read from the environment variable named by
    ``password_env`` (a CI secret), never written in the records."""

    model_config = ConfigDict(populate_by_name=True)

    host: HostName
    port: int = Field(default=587, ge=1, le=65535)
    starttls: bool = True  # upgrade the connection with STARTTLS before logging in (port 587)
    ssl: bool = False  # implicit TLS from the first byte (port 465) instead
    user: Text | None = None
    password_env: EnvName | None = None
    sender: Email = Field(alias="from")
    timeout: int = Field(default=30, ge=1, le=600)  # seconds per network operation


class Webhook(Record):
    """An incoming webhook of a chat (Slack or Microsoft Teams) and whose digests it receives.

    ``url_env`` names the environment variable holding the URL (preferred: a webhook URL is a secret);
    ``url`` writes it in the records. ``people`` names people or roles of team.yaml, ``role`` one role.
    """

    kind: Literal["slack", "teams"]
    url_env: EnvName | None = None
    url: Annotated[str, Field(pattern=r"^https?://[^\s]{1,2000}$")] | None = None
    people: list[Id] = Field(default_factory=list, max_length=1000)
    role: Id | None = None

    @model_validator(mode="after")
    def _one_url(self) -> Webhook:
        if (self.url is None) == (self.url_env is None):
            raise ValueError(_("give the webhook's address as url_env (the name of an environment variable "
                               "holding it, preferred) or as url, exactly one of them"))
        return self


class DigestSettings(Record):
    """``digest:``: where ``partnerbook digest --send`` delivers each person's digest."""

    subject: Text = "Partnerships: what needs you"
    smtp: SmtpSettings | None = None
    webhooks: list[Webhook] = Field(default_factory=list, max_length=100)
