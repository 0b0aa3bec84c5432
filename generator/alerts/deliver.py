"""Sending digests: SMTP and incoming webhooks (stdlib only), once per person, channel and day.

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

import contextlib
import hashlib
import json
import os
import smtplib
import socket
import ssl
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.alerts.digest import Digest, build_digests
from generator.errors import PartnerbookError
from generator.inert import shown
from generator.records.portfolio import Portfolio
from generator.records.settings import DigestSettings, Webhook
from generator.rules.people import resolve, team_of
from generator.workdir import read_regular, work_dir, write_atomic, write_output

if TYPE_CHECKING:
    from generator.compute.portfolio import Computed

STATE_NAME = "digest-state.json"
STATE_LIMIT = 20_000_000
Echo = Callable[..., None]


class DeliveryError(Exception):
    """A channel did not take a message; the text says why and what to check."""


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
        unreadable = f"the digest state file {target} cannot be read"
        fix = ("; it records what was sent today, so without it every digest would be sent again: "
               "fix it, or remove it to send today's digests once more")
        if raw is None and os.path.lexists(target):
            raise DeliveryError(f"{unreadable} (not a regular file: a link or a folder){fix}")
        if raw is not None:
            try:
                loaded = json.loads(raw.decode("utf-8"))
            except (ValueError, UnicodeDecodeError) as exc:
                raise DeliveryError(f"{unreadable} ({exc}){fix}") from None
            if not isinstance(loaded, dict):
                raise DeliveryError(f"{unreadable} (not a JSON object){fix}")
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
                             f"email to {shown(digest.name)} <{shown(digest.address)}>"))
    for hook in settings.webhooks:
        names = [*hook.people, *([hook.role] if hook.role else [])]
        people = {pid for name in names for pid in resolve(name, team)}
        if names and digest.person not in people:
            continue
        where = f"${hook.url_env}" if hook.url_env else "the url in partnerbook.yml"
        found.append(Channel(webhook_key(hook), hook.kind, f"{hook.kind} webhook ({where})", hook))
    return found


class Mailer:
    """One SMTP session for the run, opened at the first email (and a failed opening remembered)."""

    def __init__(self, settings: DigestSettings) -> None:
        assert settings.smtp is not None
        self.smtp = settings.smtp
        self.client: smtplib.SMTP | None = None
        self.failed: str | None = None

    def _open(self) -> smtplib.SMTP:
        s = self.smtp
        where = f"{s.host}:{s.port}"
        password = None
        if s.user is not None:
            if not s.password_env:
                raise DeliveryError(f"digest.smtp.user is set but not password_env: name the environment "
                                    f"variable holding the SMTP password for {shown(s.user)}")
            password = os.environ.get(s.password_env)
            if not password:
                raise DeliveryError(f"the environment variable {s.password_env} (digest.smtp.password_env) is not "
                                    "set: set it to the SMTP password (in CI, from a secret)")
        try:
            context = ssl.create_default_context()
            client = (smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context) if s.ssl
                      else smtplib.SMTP(s.host, s.port, timeout=s.timeout))
        except TimeoutError:
            raise DeliveryError(f"the SMTP server {where} did not answer within {s.timeout} s") from None
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(f"cannot reach the SMTP server {where}: {_reason(exc)} (check digest.smtp.host "
                                "and port, and that the server runs)") from None
        try:
            if s.starttls and not s.ssl:
                client.starttls(context=context)
            if s.user is not None and password is not None:
                client.login(s.user, password)
        except smtplib.SMTPAuthenticationError as exc:
            client.close()
            raise DeliveryError(f"the SMTP server {where} refused the login of {shown(s.user)}: "
                                f"{exc.smtp_code} {_reason(exc)} (check the user and the password in "
                                f"${s.password_env})") from None
        except smtplib.SMTPNotSupportedError as exc:
            client.close()
            raise DeliveryError(f"the SMTP server {where} does not offer this: {_reason(exc)} (set "
                                "digest.smtp.starttls: false for a server without STARTTLS, or drop user "
                                "for one without login)") from None
        except (OSError, smtplib.SMTPException) as exc:
            client.close()
            raise DeliveryError(f"the SMTP server {where} failed: {_reason(exc)}") from None
        return client

    def send(self, digest: Digest, subject: str) -> None:
        if self.failed is not None:
            raise DeliveryError(self.failed)
        if self.client is None:
            try:
                self.client = self._open()
            except DeliveryError as exc:
                self.failed = str(exc)
                raise
        message = digest.email(self.smtp.sender, subject)
        try:
            refused = self.client.send_message(message)
        except TimeoutError:
            self._drop()
            raise DeliveryError(f"the SMTP server timed out after {self.smtp.timeout} s") from None
        except smtplib.SMTPRecipientsRefused as exc:
            raise DeliveryError(f"the SMTP server refused the recipient: {_reason(exc)}") from None
        except (OSError, smtplib.SMTPException) as exc:
            self._drop()
            raise DeliveryError(f"the SMTP server did not take the message: {_reason(exc)}") from None
        if refused:
            raise DeliveryError(f"the SMTP server refused {', '.join(sorted(refused))}")

    def _drop(self) -> None:
        if self.client is not None:
            with contextlib.suppress(Exception):
                self.client.close()
        self.client = None

    def close(self) -> None:
        if self.client is not None:
            with contextlib.suppress(Exception):
                self.client.quit()
        self.client = None


def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        error = exc.smtp_error
        text = error.decode("utf-8", "replace") if isinstance(error, bytes) else str(error)
        return shown(f"{exc.smtp_code} {text}")
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return shown(", ".join(sorted(exc.recipients)))
    return shown(getattr(exc, "strerror", None) or str(exc) or type(exc).__name__)


def webhook_url(hook: Webhook) -> str:
    url = hook.url
    if hook.url_env:
        url = os.environ.get(hook.url_env)
        if not url:
            raise DeliveryError(f"the environment variable {hook.url_env} (the {hook.kind} webhook's url_env) is "
                                "not set: set it to the webhook's address (in CI, from a secret)")
    if not url or not url.startswith(("https://", "http://")):
        raise DeliveryError(f"the {hook.kind} webhook's address is not an http(s) URL")
    return url


def post_webhook(hook: Webhook, body: dict[str, object], timeout: float) -> None:
    url = webhook_url(hook)
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=data, method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8",
                                              "User-Agent": "partnerbook-digest"})
    label = f"the {hook.kind} webhook" + (f" (${hook.url_env})" if hook.url_env else "")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read(65536)
    except urllib.error.HTTPError as exc:
        detail = shown(exc.read(300).decode("utf-8", "replace")) if exc.fp is not None else ""
        raise DeliveryError(f"{label} answered HTTP {exc.code} {shown(exc.reason)}"
                            + (f": {detail}" if detail else "")
                            + (" (check the webhook's address)" if 400 <= exc.code < 500 else
                               " (the chat service failed; the next run tries again)")) from None
    except TimeoutError:
        raise DeliveryError(f"{label} did not answer within {timeout:g} s") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            raise DeliveryError(f"{label} did not answer within {timeout:g} s") from None
        why = _reason(reason) if isinstance(reason, BaseException) else shown(reason)
        raise DeliveryError(f"cannot reach {label}: {why}") from None
    except OSError as exc:
        raise DeliveryError(f"cannot reach {label}: {_reason(exc)}") from None


# ---------------------------------------------------------------------------- the command

def render(digest: Digest, fmt: str, settings: DigestSettings) -> str:
    if fmt == "markdown":
        return digest.markdown()
    if fmt == "email":
        sender = settings.smtp.sender if settings.smtp is not None else "partnerbook@localhost"
        return digest.email(sender, settings.subject).as_string() if digest.address else \
            f"(no email for {shown(digest.name)} in team.yaml)\n{digest.text()}"
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
        raise PartnerbookError("digests go to the people of team.yaml, and this repository has none: add a "
                               "team.yaml with each person's email (see the README, 'Digests')")
    if person is not None and person not in team.people:
        raise PartnerbookError(f"--person {shown(person)} is not a person of team.yaml; people: "
                               f"{', '.join(sorted(team.people))}")
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
        echo("nothing needs anyone today: no digest" if person is None else f"nothing needs {person} today")
        return 0
    if not send and not dry_run:
        for digest in digests:
            echo(render(digest, fmt, settings), nl=False)
            echo("")
        return 0
    if dry_run:
        for digest in digests:
            targets = channels_for(digest, settings, portfolio)
            echo(f"== {shown(digest.name)} ({digest.person}): {len(digest.items)} item(s), {digest.new_count} new")
            if not targets:
                echo("   would send nothing: no email in team.yaml with digest.smtp set, and no webhook for them")
            for channel in targets:
                done = " (already sent today: skipped)" if state.sent_today(digest.person, channel.key, today) else ""
                echo(f"   would send by {channel.label}{done}")
            echo(render(digest, fmt, settings), nl=False)
            echo("")
        return 0
    if settings.smtp is None and not settings.webhooks:
        echo("partnerbook: nothing to send with: add digest.smtp (email) or digest.webhooks (Slack, Teams) to "
             "partnerbook.yml (see the README, 'Digests'); --dry-run shows what would be sent", err=True)
        return 1
    mailer = Mailer(settings) if settings.smtp is not None else None
    wait = timeout if timeout is not None else (settings.smtp.timeout if settings.smtp is not None else 30)
    failures: list[str] = []
    sent = skipped = 0
    try:
        for digest in digests:
            targets = channels_for(digest, settings, portfolio)
            if not targets:
                why = ("no email for them in team.yaml, and no webhook for them" if settings.smtp is not None
                       else "no webhook for them, and digest.smtp (email) is not set in partnerbook.yml")
                echo(f"partnerbook: no channel for {shown(digest.name)} ({digest.person}): {why}", err=True)
            for channel in targets:
                if state.sent_today(digest.person, channel.key, today):
                    skipped += 1
                    echo(f"already sent today: {shown(digest.person)} by {channel.label}")
                    continue
                try:
                    if channel.kind == "email":
                        assert mailer is not None
                        mailer.send(digest, settings.subject)
                    else:
                        assert channel.webhook is not None
                        body = digest.slack() if channel.kind == "slack" else digest.teams()
                        post_webhook(channel.webhook, body, wait)
                except DeliveryError as exc:
                    failures.append(f"{shown(digest.person)} by {channel.label}: {exc}")
                    continue
                state.mark_sent(digest, channel.key)
                sent += 1
                echo(f"sent: {shown(digest.person)} by {channel.label}")
    finally:
        if mailer is not None:
            mailer.close()
    for failure in failures:
        echo(f"partnerbook: not sent: {failure}", err=True)
    echo(f"{sent} sent, {skipped} already sent today, {len(failures)} failed"
         + (" (a rerun sends only what failed)" if failures else ""))
    return 1 if failures else 0
