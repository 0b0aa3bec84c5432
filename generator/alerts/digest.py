"""Each person's digest: what needs them, from the alerts of the partners and campaigns they own.

Who an alert reaches is the one rule ``generator.rules.people.people_of_alert``. A digest sorts its
alerts into deadlines in the warning window (notice deadlines, expiring documents), overdue actions,
unclaimed service credits and the other open alerts; an alert the person's previous digest did not
carry is marked new. Silenced alerts stay out.

Renderings: plain text, Markdown, an email (multipart/alternative: text/plain and text/html) and the
JSON bodies Slack and Microsoft Teams incoming webhooks accept. Record text is made inert for each:
``inert.shown`` (controls as escapes) everywhere, then HTML-escaped for HTML, Markdown-escaped for
Markdown and Teams, and ``&<>`` escaped for Slack's mrkdwn.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from generator import i18n, labels
from generator.alerts.model import RANK, Alert
from generator.i18n import N_, _, ngettext
from generator.inert import shown
from generator.markdown import text as md_text
from generator.records.portfolio import Portfolio
from generator.rules.people import people_of_alert, team_of

SECTIONS = (  # titles translated where shown
    ("deadlines", N_("Deadlines in the warning window")),
    ("overdue", N_("Overdue actions")),
    ("credits", N_("Unclaimed service credits")),
    ("alerts", N_("Other open alerts")),
)
_SECTION_OF_RULE = {"contract-notice": "deadlines", "compliance-expiring": "deadlines", "action-overdue": "overdue",
                    "commitment-missed": "overdue", "review-overdue": "overdue", "credit-unclaimed": "credits"}
SLACK_TEXT_LIMIT = 2900  # a section block holds at most 3000 characters
SLACK_BLOCK_LIMIT = 48  # a message holds at most 50 blocks


def alert_key(alert: Alert) -> str:
    """What identifies an alert from one day to the next (its message changes as days pass)."""
    raw = json.dumps([alert.rule, alert.partner, alert.campaign, alert.file, alert.line])
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Item:
    section: str
    alert: Alert
    new: bool

    def where(self) -> str:
        return self.alert.location()

    def about(self) -> str:
        return self.alert.partner or self.alert.campaign or ""

    def severity(self) -> str:
        """The alert's severity in words of the current language."""
        return labels.label("severity", self.alert.severity)


@dataclass
class Digest:
    """One person's digest for one day."""

    person: str
    name: str
    address: str | None  # the person's email
    today: date
    items: list[Item] = field(default_factory=list)

    @property
    def new_count(self) -> int:
        return sum(1 for item in self.items if item.new)

    def keys(self) -> list[str]:
        return sorted({alert_key(item.alert) for item in self.items})

    def sections(self) -> list[tuple[str, list[Item]]]:
        return [(_(title), [i for i in self.items if i.section == key]) for key, title in SECTIONS
                if any(i.section == key for i in self.items)]

    def counts(self) -> str:
        """'3 items, 1 new'."""
        return ngettext("{n} item, {new} new", "{n} items, {new} new", len(self.items)).format(
            n=i18n.number(len(self.items)), new=i18n.number(self.new_count))

    def title(self) -> str:
        return _("Partnerships digest for {name}, {day}: {counts}").format(
            name=shown(self.name), day=i18n.day(self.today), counts=self.counts())

    # ------------------------------------------------------------------ renderings

    def text(self) -> str:
        lines = [self.title(), ""]
        for title, items in self.sections():
            lines.append(f"{title} ({len(items)})")
            for item in items:
                # i18n: marks an alert the person's previous digest did not carry
                mark = _("NEW") + " " if item.new else ""
                about = f"{shown(item.about())}: " if item.about() else ""
                lines.append(f"  - {mark}[{item.severity()}] {about}{shown(item.alert.message)}")
                lines.append(f"    {shown(item.where())} ({item.alert.rule})")
            lines.append("")
        return "\n".join(lines)

    def markdown(self) -> str:
        lines = [f"## {md_text(self.title())}", ""]
        for title, items in self.sections():
            lines += [f"### {title} ({len(items)})", ""]
            for item in items:
                mark = f"**{_new()}** " if item.new else ""
                about = f"**{md_text(item.about())}**: " if item.about() else ""
                lines.append(f"- {mark}{item.severity()}: {about}{md_text(item.alert.message)} "
                             f"({md_text(item.where())}, `{item.alert.rule}`)")
            lines.append("")
        return "\n".join(lines)

    def html(self) -> str:
        def esc(value: object) -> str:
            return html.escape(shown(value), quote=True)

        lang = esc(i18n.current())
        parts = ["<!DOCTYPE html>", f'<html lang="{lang}"><head><meta charset="utf-8"></head><body>',
                 f"<h2>{esc(self.title())}</h2>"]
        for title, items in self.sections():
            parts.append(f"<h3>{esc(title)} ({len(items)})</h3><ul>")
            for item in items:
                mark = f"<strong>{esc(_new())}</strong> " if item.new else ""
                about = f"<strong>{esc(item.about())}</strong>: " if item.about() else ""
                parts.append(f"<li>{mark}{esc(item.severity())}: {about}{esc(item.alert.message)} "
                             f"<small>({esc(item.where())}, {esc(item.alert.rule)})</small></li>")
            parts.append("</ul>")
        parts.append("</body></html>")
        return "\n".join(parts) + "\n"

    def email(self, sender: str, subject: str) -> EmailMessage:
        """multipart/alternative: the plain text, then the HTML (the part mail clients prefer)."""
        message = EmailMessage()
        message["Subject"] = _("{subject}: {counts} ({day})").format(subject=shown(subject), counts=self.counts(),
                                                                      day=i18n.day(self.today))
        message["From"] = sender
        message["To"] = Address(display_name=shown(self.name), addr_spec=self.address or "")
        message["Date"] = format_datetime(datetime.now(UTC))
        message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
        message.set_content(self.text())
        message.add_alternative(self.html(), subtype="html")
        return message

    def slack(self) -> dict[str, object]:
        """A Slack incoming-webhook body: ``text`` (the notification) and Block Kit ``blocks``."""
        blocks: list[dict[str, object]] = [
            {"type": "header", "text": {"type": "plain_text", "text": self.title()[:150]}}]
        for title, items in self.sections():
            chunk = f"*{_slack(title)} ({len(items)})*"
            for item in items:
                about = f"*{_slack(item.about())}*: " if item.about() else ""
                mark = f"*{_slack(_new())}* " if item.new else ""
                line = (f"\n• {mark}{_slack(item.severity())}: {about}"
                        f"{_slack(item.alert.message)} (`{_slack(item.where())}`)")
                if len(chunk) + len(line) > SLACK_TEXT_LIMIT:
                    blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": chunk}})
                    chunk = ""
                chunk += line[:SLACK_TEXT_LIMIT]
            if chunk:
                blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": chunk}})
        if len(blocks) > SLACK_BLOCK_LIMIT:
            more = _("More items than a message holds: run `partnerbook digest` for all.")
            blocks = [*blocks[:SLACK_BLOCK_LIMIT - 1],
                      {"type": "context", "elements": [{"type": "mrkdwn", "text": more}]}]
        return {"text": _slack(self.title()), "blocks": blocks}

    def teams(self) -> dict[str, object]:
        """A Microsoft Teams incoming-webhook body: a message carrying one Adaptive Card."""
        body: list[dict[str, object]] = [
            {"type": "TextBlock", "text": _teams(self.title()), "weight": "Bolder", "size": "Medium", "wrap": True}]
        for title, items in self.sections():
            body.append({"type": "TextBlock", "text": f"{_teams(title)} ({len(items)})", "weight": "Bolder",
                         "wrap": True, "separator": True})
            for item in items:
                about = f"{_teams(item.about())}: " if item.about() else ""
                body.append({"type": "TextBlock", "wrap": True,
                             "text": f"{_teams(_('NEW')) + ' ' if item.new else ''}{_teams(item.severity())}: {about}"
                                     f"{_teams(item.alert.message)} ({_teams(item.where())})"})
        card = {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard",
                "version": "1.4", "body": body}
        return {"type": "message", "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}]}

    def content_hash(self) -> str:
        return hashlib.sha256(self.text().encode("utf-8")).hexdigest()


def _new() -> str:
    """The mark of an alert the previous digest did not carry, as a word within a line ('new')."""
    # i18n: marks an alert the person's previous digest did not carry
    return _("NEW").lower()


def _slack(value: object) -> str:
    """Text for Slack mrkdwn: the three characters Slack wants escaped, and no formatting characters."""
    text = shown(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"[*_~`]", lambda m: {"*": "∗", "_": "＿", "~": "∼", "`": "ˋ"}[m.group()], text)


_TEAMS_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!<>|~])")


def _teams(value: object) -> str:
    """Text for an Adaptive Card TextBlock (a Markdown subset): every Markdown character escaped."""
    return _TEAMS_SPECIAL.sub(r"\\\1", shown(value))


def build_digests(portfolio: Portfolio, alerts: Iterable[Alert], today: date,
                  seen: dict[str, set[str]] | None = None) -> list[Digest]:
    """One digest per active person of team.yaml with something for them, by person id.

    ``seen``: per person, the alert keys their previous digest carried (the rest are new).
    """
    team = team_of(portfolio)
    if team is None:
        return []
    by_person: dict[str, list[Alert]] = {}
    for alert in alerts:
        if alert.silenced:
            continue
        for owner in people_of_alert(alert, portfolio):  # type: ignore[arg-type]  # a frozen Alert fits
            by_person.setdefault(owner, []).append(alert)
    digests = []
    for person_id, person in sorted(team.people.items()):
        found = by_person.get(person_id)
        if not person.active or not found:
            continue
        before = (seen or {}).get(person_id, set())
        items = [Item(_SECTION_OF_RULE.get(a.rule, "alerts"), a, alert_key(a) not in before)
                 for a in sorted(found, key=lambda a: (RANK[a.severity], *a.sort_key()))]
        digests.append(Digest(person_id, person.name, person.email, today, items))
    return digests
