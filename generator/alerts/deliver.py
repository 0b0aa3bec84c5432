"""Sending digests once per person, channel and day (the channels: generator/alerts/transport.py).

The state file (``.partnerbook/digest-state.json`` by default, outside ``site/``) records, per person
and channel, the day and the hash of what was sent, and per person the alerts their last digest
carried (so the next one can mark what is new). A channel is marked only after its server accepted
the message, and the file is rewritten after each one, so a failure (server down, login refused, a
timeout, an HTTP error) leaves that channel to the next run and nothing is sent twice.

Secrets never live in the records: ``digest.smtp.password_env`` and ``webhooks[].url_env`` name
environment variables (CI secrets). The state file holds no address of a webhook, only its kind and
the variable's name (or a hash of a URL written in the records).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator import i18n
from generator.alerts.digest import Digest, build_digests
from generator.alerts.transport import DeliveryError, Mailer, post_webhook
from generator.errors import PartnerbookError
from generator.i18n import N_, _
from generator.inert import shown
from generator.records.digest import DigestSettings, Webhook
from generator.records.portfolio import Portfolio
from generator.rules.people import resolve, team_of
from generator.workdir import read_regular, work_dir, write_atomic, write_output

if TYPE_CHECKING:
    from generator.compute.portfolio import Computed

STATE_NAME = "digest-state.json"
STATE_LIMIT = 20_000_000
# The subject partnerbook.yml gives when digest.subject is not set: read in the team's language.
DEFAULT_SUBJECT = N_("Partnerships: what needs you")
Echo = Callable[..., None]


# ---------------------------------------------------------------------------- the state file

@dataclass
class State:
    path: Path
    root: Path
    default_place: bool
    data: dict[str, Any]

    @classmethod
    def load(cls, root: Path, path: Path | None) -> State:
        default = path is None
        target = work_dir(root) / STATE_NAME if path is None else path
        raw = read_regular(target, STATE_LIMIT)
        data: dict[str, Any] = {}
        def unreadable(why: str) -> DeliveryError:
            return DeliveryError(_(
                "the digest state file {path} cannot be read ({why}); it records what was sent today, so without "
                "it every digest would be sent again: fix it, or remove it to send today's digests once more"
            ).format(path=target, why=why))

        if raw is None and os.path.lexists(target):
            raise unreadable(_("not a regular file: a link or a folder"))
        if raw is not None:
            try:
                loaded = json.loads(raw.decode("utf-8"))
            except (ValueError, UnicodeDecodeError) as exc:
                raise unreadable(str(exc)) from None
            if not isinstance(loaded, dict):
                raise unreadable(_("not a JSON object"))
            data = loaded
        for key in ("sent", "seen"):
            if not isinstance(data.get(key), dict):
                data[key] = {}
        return cls(target, root, default, data)

    def sent_today(self, person: str, channel: str, today: date) -> bool:
        entry = self.data["sent"].get(person, {})
        entry = entry.get(channel) if isinstance(entry, dict) else None
        return isinstance(entry, dict) and entry.get("day") == today.isoformat()

    def mark_sent(self, digest: Digest, channel: str) -> None:
        person = self.data["sent"].setdefault(digest.person, {})
        if not isinstance(person, dict):
            person = self.data["sent"][digest.person] = {}
        person[channel] = {"day": digest.today.isoformat(), "hash": digest.content_hash()}
        self.remember(digest)
        self.save()

    def seen_before(self, today: date) -> dict[str, set[str]]:
        """Per person, the alerts of their last digest from an earlier day (a rerun today compares the same)."""
        out: dict[str, set[str]] = {}
        for person, entry in self.data["seen"].items():
            if not isinstance(entry, dict):
                continue
            keys = entry.get("before") if entry.get("day") == today.isoformat() else entry.get("keys")
            if isinstance(keys, list):
                out[person] = {k for k in keys if isinstance(k, str)}
        return out

    def remember(self, digest: Digest) -> None:
        entry = self.data["seen"].get(digest.person)
        day = digest.today.isoformat()
        if isinstance(entry, dict) and entry.get("day") == day:
            entry["keys"] = sorted(set(entry.get("keys") or []) | set(digest.keys()))
            return
        before = entry.get("keys") if isinstance(entry, dict) else []
        self.data["seen"][digest.person] = {"day": day, "keys": digest.keys(), "before": before or []}

    def save(self) -> None:
        data = (json.dumps(self.data, indent=1, sort_keys=True) + "\n").encode("utf-8")
        if self.default_place:
            write_atomic(work_dir(self.root) / STATE_NAME, data)
        else:
            write_output(self.root, self.path, data)


# ---------------------------------------------------------------------------- channels

@dataclass(frozen=True)
class Channel:
    key: str  # in the state file: email:<address> or slack:<env name or url hash>
    kind: str  # email, slack, teams
    label: str  # for people: "email to Name <address>", "slack webhook $SLACK_URL"
    webhook: Webhook | None = None


def webhook_key(hook: Webhook) -> str:
    ref = f"${hook.url_env}" if hook.url_env else "url-" + hashlib.sha256((hook.url or "").encode()).hexdigest()[:12]
    return f"{hook.kind}:{ref}"


def channels_for(digest: Digest, settings: DigestSettings, portfolio: Portfolio) -> list[Channel]:
    team = team_of(portfolio)
    found: list[Channel] = []
    if settings.smtp is not None and digest.address:
        found.append(Channel(f"email:{digest.address}", "email",
                             _("email to {name} <{address}>").format(name=shown(digest.name),
                                                                     address=shown(digest.address))))
    for hook in settings.webhooks:
        names = [*hook.people, *([hook.role] if hook.role else [])]
        people = {pid for name in names for pid in resolve(name, team)}
        if names and digest.person not in people:
            continue
        label = (_("{kind} webhook (${variable})").format(kind=hook.kind, variable=hook.url_env) if hook.url_env
                 else _("{kind} webhook (the url in partnerbook.yml)").format(kind=hook.kind))
        found.append(Channel(webhook_key(hook), hook.kind, label, hook))
    return found


# ---------------------------------------------------------------------------- the command

def subject(settings: DigestSettings) -> str:
    """The email subject: digest.subject, or the default one in the team's language."""
    return _(DEFAULT_SUBJECT) if settings.subject == DEFAULT_SUBJECT else settings.subject


def render(digest: Digest, fmt: str, settings: DigestSettings) -> str:
    if fmt == "markdown":
        return digest.markdown()
    if fmt == "email":
        sender = settings.smtp.sender if settings.smtp is not None else "partnerbook@localhost"
        return digest.email(sender, subject(settings)).as_string() if digest.address else \
            _("(no email for {name} in team.yaml)").format(name=shown(digest.name)) + f"\n{digest.text()}"
    if fmt == "chat":
        body = {"person": digest.person, "slack": digest.slack(), "teams": digest.teams()}
        return json.dumps(body, indent=2, ensure_ascii=False) + "\n"
    return digest.text()


def run_digest(computed: Computed, *, person: str | None, fmt: str, dry_run: bool, send: bool,
               state_path: Path | None, echo: Echo, timeout: float | None = None) -> int:
    """``partnerbook digest`` on a computed portfolio: print, show what would be sent, or send; the exit code."""
    portfolio = computed.portfolio
    root, today = Path(portfolio.root), computed.today
    team = team_of(portfolio)
    if team is None:
        raise PartnerbookError(_("digests go to the people of team.yaml, and this repository has none: add a "
                                 "team.yaml with each person's email (see the README, 'Digests')"))
    if person is not None and person not in team.people:
        raise PartnerbookError(_("--person {person} is not a person of team.yaml; people: {people}").format(
            person=shown(person), people=", ".join(sorted(team.people))))
    settings = portfolio.settings.digest
    try:
        state = State.load(root, state_path)
    except DeliveryError as exc:
        echo(f"partnerbook: {exc}", err=True)
        return 1
    digests = build_digests(portfolio, computed.alerts, today, state.seen_before(today))
    if person is not None:
        digests = [d for d in digests if d.person == person]
    if not digests:
        echo(_("nothing needs anyone today: no digest") if person is None else
             _("nothing needs {person} today").format(person=shown(person)))
        return 0
    if not send and not dry_run:
        for digest in digests:
            echo(render(digest, fmt, settings), nl=False)
            echo("")
        return 0
    if dry_run:
        for digest in digests:
            targets = channels_for(digest, settings, portfolio)
            echo(f"== {shown(digest.name)} ({digest.person}): {digest.counts()}")
            if not targets:
                echo("   " + _("would send nothing: no email in team.yaml with digest.smtp set, and no webhook for "
                              "them"))
            for channel in targets:
                text = (_("would send by {channel} (already sent today: skipped)")
                        if state.sent_today(digest.person, channel.key, today) else _("would send by {channel}"))
                echo("   " + text.format(channel=channel.label))
            echo(render(digest, fmt, settings), nl=False)
            echo("")
        return 0
    if settings.smtp is None and not settings.webhooks:
        echo(_("partnerbook: nothing to send with: add digest.smtp (email) or digest.webhooks (Slack, Teams) to "
               "partnerbook.yml (see the README, 'Digests'); --dry-run shows what would be sent"), err=True)
        return 1
    mailer = Mailer(settings) if settings.smtp is not None else None
    wait = timeout if timeout is not None else (settings.smtp.timeout if settings.smtp is not None else 30)
    failures: list[str] = []
    sent = skipped = 0
    try:
        for digest in digests:
            targets = channels_for(digest, settings, portfolio)
            if not targets:
                text = (_("partnerbook: no channel for {name} ({person}): no email for them in team.yaml, and no "
                          "webhook for them") if settings.smtp is not None else
                        _("partnerbook: no channel for {name} ({person}): no webhook for them, and digest.smtp "
                          "(email) is not set in partnerbook.yml"))
                echo(text.format(name=shown(digest.name), person=digest.person), err=True)
            for channel in targets:
                if state.sent_today(digest.person, channel.key, today):
                    skipped += 1
                    echo(_("already sent today: {person} by {channel}").format(person=shown(digest.person),
                                                                               channel=channel.label))
                    continue
                try:
                    if channel.kind == "email":
                        assert mailer is not None
                        mailer.send(digest, subject(settings))
                    else:
                        assert channel.webhook is not None
                        body = digest.slack() if channel.kind == "slack" else digest.teams()
                        post_webhook(channel.webhook, body, wait)
                except DeliveryError as exc:
                    failures.append(_("partnerbook: not sent: {person} by {channel}: {reason}").format(
                        person=shown(digest.person), channel=channel.label, reason=exc))
                    continue
                state.mark_sent(digest, channel.key)
                sent += 1
                echo(_("sent: {person} by {channel}").format(person=shown(digest.person), channel=channel.label))
    finally:
        if mailer is not None:
            mailer.close()
    for failure in failures:
        echo(failure, err=True)
    counts = {"sent": i18n.number(sent), "skipped": i18n.number(skipped), "failed": i18n.number(len(failures))}
    done = (_("{sent} sent, {skipped} already sent today, {failed} failed (a rerun sends only what failed)")
            if failures else _("{sent} sent, {skipped} already sent today, {failed} failed"))
    echo(done.format(**counts))
    return 1 if failures else 0
