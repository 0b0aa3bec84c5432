"""How a digest leaves: one SMTP session per run, and a POST to an incoming webhook (stdlib only).

Every failure (server down, login refused, a timeout, an HTTP error) becomes a ``DeliveryError`` whose text
says what failed and what to check; generator/alerts/deliver.py decides what to send and records what went.
"""

from __future__ import annotations

import contextlib
import json
import os
import smtplib
import socket
import ssl
import urllib.error
import urllib.request
from typing import TYPE_CHECKING

from generator import i18n
from generator.i18n import _
from generator.inert import shown
from generator.records.digest import DigestSettings, Webhook

if TYPE_CHECKING:
    from generator.alerts.digest import Digest


class DeliveryError(Exception):
    """A channel did not take a message; the text says why and what to check."""


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
                raise DeliveryError(_("digest.smtp.user is set but not password_env: name the environment "
                                      "variable holding the SMTP password for {user}").format(user=shown(s.user)))
            password = os.environ.get(s.password_env)
            if not password:
                raise DeliveryError(_("the environment variable {variable} (digest.smtp.password_env) is not set: "
                                      "set it to the SMTP password (in CI, from a secret)").format(
                    variable=s.password_env))
        try:
            context = ssl.create_default_context()
            client = (smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context) if s.ssl
                      else smtplib.SMTP(s.host, s.port, timeout=s.timeout))
        except TimeoutError:
            raise DeliveryError(_("the SMTP server {server} did not answer within {seconds} s").format(
                server=where, seconds=i18n.number(s.timeout))) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(_("cannot reach the SMTP server {server}: {reason} (check digest.smtp.host and "
                                  "port, and that the server runs)").format(server=where,
                                                                            reason=_reason(exc))) from None
        try:
            if s.starttls and not s.ssl:
                client.starttls(context=context)
            if s.user is not None and password is not None:
                client.login(s.user, password)
        except smtplib.SMTPAuthenticationError as exc:
            client.close()
            raise DeliveryError(_("the SMTP server {server} refused the login of {user}: {code} {reason} (check the "
                                  "user and the password in ${variable})").format(
                server=where, user=shown(s.user), code=exc.smtp_code, reason=_reason(exc),
                variable=s.password_env)) from None
        except smtplib.SMTPNotSupportedError as exc:
            client.close()
            raise DeliveryError(_("the SMTP server {server} does not offer this: {reason} (set "
                                  "digest.smtp.starttls: false for a server without STARTTLS, or drop user for one "
                                  "without login)").format(server=where, reason=_reason(exc))) from None
        except (OSError, smtplib.SMTPException) as exc:
            client.close()
            raise DeliveryError(_("the SMTP server {server} failed: {reason}").format(
                server=where, reason=_reason(exc))) from None
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
            raise DeliveryError(_("the SMTP server timed out after {seconds} s").format(
                seconds=i18n.number(self.smtp.timeout))) from None
        except smtplib.SMTPRecipientsRefused as exc:
            raise DeliveryError(_("the SMTP server refused the recipient: {reason}").format(
                reason=_reason(exc))) from None
        except (OSError, smtplib.SMTPException) as exc:
            self._drop()
            raise DeliveryError(_("the SMTP server did not take the message: {reason}").format(
                reason=_reason(exc))) from None
        if refused:
            raise DeliveryError(_("the SMTP server refused {addresses}").format(
                addresses=", ".join(sorted(refused))))

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
            raise DeliveryError(_("the environment variable {variable} (the {kind} webhook's url_env) is not set: "
                                  "set it to the webhook's address (in CI, from a secret)").format(
                variable=hook.url_env, kind=hook.kind))
    if not url or not url.startswith(("https://", "http://")):
        raise DeliveryError(_("the {kind} webhook's address is not an http(s) URL").format(kind=hook.kind))
    return url


def post_webhook(hook: Webhook, body: dict[str, object], timeout: float) -> None:
    url = webhook_url(hook)
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=data, method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8",
                                              "User-Agent": "partnerbook-digest"})
    label = (_("the {kind} webhook (${variable})").format(kind=hook.kind, variable=hook.url_env) if hook.url_env
             else _("the {kind} webhook").format(kind=hook.kind))
    seconds = i18n.number(timeout, 0 if float(timeout).is_integer() else 2)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read(65536)
    except urllib.error.HTTPError as exc:
        detail = shown(exc.read(300).decode("utf-8", "replace")) if exc.fp is not None else ""
        answer = f"HTTP {exc.code} {shown(exc.reason)}" + (f": {detail}" if detail else "")
        raise DeliveryError(
            (_("{webhook} answered {answer} (check the webhook's address)") if 400 <= exc.code < 500 else
             _("{webhook} answered {answer} (the chat service failed; the next run tries again)")).format(
                webhook=label, answer=answer)) from None
    except TimeoutError:
        raise DeliveryError(_("{webhook} did not answer within {seconds} s").format(
            webhook=label, seconds=seconds)) from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            raise DeliveryError(_("{webhook} did not answer within {seconds} s").format(
                webhook=label, seconds=seconds)) from None
        why = _reason(reason) if isinstance(reason, BaseException) else shown(reason)
        raise DeliveryError(_("cannot reach {webhook}: {reason}").format(webhook=label, reason=why)) from None
    except OSError as exc:
        raise DeliveryError(_("cannot reach {webhook}: {reason}").format(webhook=label, reason=_reason(exc))) from None
