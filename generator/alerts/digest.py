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

from generator.alerts.model import RANK, Alert
from generator.inert import shown
from generator.markdown import text as md_text
from generator.records.portfolio import Portfolio
from generator.rules.people import people_of_alert, team_of

SECTIONS = (
    ("deadlines", "Deadlines in the warning window"),
    ("overdue", "Overdue actions"),
    ("credits", "Unclaimed service credits"),
    ("alerts", "Other open alerts"),
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
        return [(title, [i for i in self.items if i.section == key]) for key, title in SECTIONS
                if any(i.section == key for i in self.items)]

    def title(self) -> str:
        return (f"Partnerships digest for {shown(self.name)}, {self.today.isoformat()}: "
                f"{len(self.items)} item(s), {self.new_count} new")

    # ------------------------------------------------------------------ renderings

    def text(self) -> str:
        lines = [self.title(), ""]
        for title, items in self.sections():
            lines.append(f"{title} ({len(items)})")
            for item in items:
                mark = "NEW " if item.new else ""
                about = f"{shown(item.about())}: " if item.about() else ""
                lines.append(f"  - {mark}[{item.alert.severity}] {about}{shown(item.alert.message)}")
                lines.append(f"    {shown(item.where())} ({item.alert.rule})")
            lines.append("")
        return "\n".join(lines)

    def markdown(self) -> str:
        lines = [f"## {md_text(self.title())}", ""]
        for title, items in self.sections():
            lines += [f"### {title} ({len(items)})", ""]
            for item in items:
                mark = "**new** " if item.new else ""
                about = f"**{md_text(item.about())}**: " if item.about() else ""
                lines.append(f"- {mark}{item.alert.severity}: {about}{md_text(item.alert.message)} "
                             f"({md_text(item.where())}, `{item.alert.rule}`)")
            lines.append("")
        return "\n".join(lines)

    def html(self) -> str:
        def esc(value: object) -> str:
            return html.escape(shown(value), quote=True)

        parts = ["<!DOCTYPE html>", '<html><head><meta charset="utf-8"></head><body>', f"<h2>{esc(self.title())}</h2>"]
        for title, items in self.sections():
            parts.append(f"<h3>{esc(title)} ({len(items)})</h3><ul>")
            for item in items:
                mark = "<strong>new</strong> " if item.new else ""
                about = f"<strong>{esc(item.about())}</strong>: " if item.about() else ""
                parts.append(f"<li>{mark}{esc(item.alert.severity)}: {about}{esc(item.alert.message)} "
                             f"<small>({esc(item.where())}, {esc(item.alert.rule)})</small></li>")
            parts.append("</ul>")
        parts.append("</body></html>")
        return "\n".join(parts) + "\n"

    def email(self, sender: str, subject: str) -> EmailMessage:
        """multipart/alternative: the plain text, then the HTML (the part mail clients prefer)."""
        message = EmailMessage()
        message["Subject"] = f"{shown(subject)}: {len(self.items)} item(s), {self.new_count} new ({self.today})"
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
                line = (f"\n• {'*new* ' if item.new else ''}{item.alert.severity}: {about}"
                        f"{_slack(item.alert.message)} (`{_slack(item.where())}`)")
                if len(chunk) + len(line) > SLACK_TEXT_LIMIT:
                    blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": chunk}})
                    chunk = ""
                chunk += line[:SLACK_TEXT_LIMIT]
            if chunk:
                blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": chunk}})
        if len(blocks) > SLACK_BLOCK_LIMIT:
            more = "More items than a message holds: run `partnerbook digest` for all."
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
                             "text": f"{'NEW ' if item.new else ''}{item.alert.severity}: {about}"
                                     f"{_teams(item.alert.message)} ({_teams(item.where())})"})
        card = {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard",
                "version": "1.4", "body": body}
        return {"type": "message", "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}]}

    def content_hash(self) -> str:
        return hashlib.sha256(self.text().encode("utf-8")).hexdigest()


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
