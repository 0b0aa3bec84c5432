"""Calendar export: notice deadlines, contract ends and renewals, document expiries and reviews as iCalendar.

One all-day event per date. Output is deterministic: events are sorted, each
UID is built from record ids (so a calendar that subscribes to the file
updates an event when its date changes instead of duplicating it), and
DTSTAMP is "today" (``--today`` or SOURCE_DATE_EPOCH), not the clock. Text is
escaped and lines are folded at 75 octets as RFC 5545 requires.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from generator.inert import shown
from generator.records.portfolio import PartnerEntry, Portfolio
from generator.rules.contracts import key_dates
from generator.rules.contracts import review_due as contract_review_due
from generator.rules.documents import document_expiry, document_types
from generator.rules.partners import followed
from generator.rules.partners import review_due as partner_review_due
from generator.workdir import write_output

PRODID = "-//partnerbook//partnerbook calendar//EN"


@dataclass(frozen=True)
class CalendarEvent:
    """One all-day event."""

    uid: str
    day: date
    summary: str
    description: str
    category: str


def _contract_events(partner_id: str, entry: PartnerEntry, name: str) -> Iterator[CalendarEvent]:
    for contract_id, loaded in sorted(entry.contracts.items()):
        record, where = loaded.record, loaded.file
        key = f"{partner_id}.{contract_id}"
        for kind, day in key_dates(record):
            if kind == "notice deadline":
                then = "auto-renews" if record.auto_renew else "ends"
                yield CalendarEvent(
                    f"notice.{key}@partnerbook", day, f"Notice deadline: {record.title} ({name})",
                    f"Last day to give notice ({record.notice_days} days) on '{record.title}' with {name}; "
                    f"the contract {then} on {record.end}.\nRecord: {where}", "notice deadline")
            elif kind == "auto-renewal":
                yield CalendarEvent(f"renewal.{key}@partnerbook", day, f"Auto-renewal: {record.title} ({name})",
                                    f"'{record.title}' with {name} renews automatically unless notice was given.\n"
                                    f"Record: {where}", "auto-renewal")
            else:
                yield CalendarEvent(f"end.{key}@partnerbook", day, f"Contract ends: {record.title} ({name})",
                                    f"'{record.title}' with {name} ends.\nRecord: {where}", "contract end")
        due = contract_review_due(record)
        if due is not None and record.review is not None:
            yield CalendarEvent(f"contract-review.{key}@partnerbook", due,
                                f"Contract review: {record.title} ({name})",
                                f"Review of '{record.title}' with {name}, due every {record.review.every_months} "
                                f"months (last: {record.review.last or 'none'}).\nRecord: {where}", "contract review")


def _partner_events(portfolio: Portfolio, partner_id: str, entry: PartnerEntry) -> Iterator[CalendarEvent]:
    assert entry.profile is not None
    partner, where = entry.profile.record, entry.profile.file
    yield from _contract_events(partner_id, entry, partner.name)
    policy = portfolio.settings.compliance
    for index, document in enumerate(partner.compliance):
        expires = document_expiry(document, policy)
        if expires is None:
            continue
        doc_name = document_types(policy).get(document.type, document.type)
        issued = document.issued.isoformat() if document.issued else str(index)
        yield CalendarEvent(f"expiry.{partner_id}.{document.type}.{issued}@partnerbook", expires,
                            f"Expires: {doc_name} ({partner.name})",
                            f"The {doc_name} ({document.type}) of {partner.name} stops counting on {expires}; "
                            f"ask for the renewed document.\nRecord: {where}", "document expiry")
    due = partner_review_due(partner)
    if due is not None and partner.review is not None:
        yield CalendarEvent(f"review.{partner_id}@partnerbook", due, f"Partnership review: {partner.name}",
                            f"Periodic review of the partnership with {partner.name}, every "
                            f"{partner.review.every_days} days (last: {partner.review.last}).\nRecord: {where}",
                            "partnership review")


def calendar_events(portfolio: Portfolio) -> list[CalendarEvent]:
    """Every dated event of every partner that is not offboarded, by date and UID."""
    events = [event for partner_id, entry in sorted(portfolio.partners.items())
              if entry.partner is not None and followed(entry.partner)
              for event in _partner_events(portfolio, partner_id, entry)]
    return sorted(events, key=lambda e: (e.day, e.uid))


def escape_text(text: str) -> str:
    """RFC 5545 TEXT escaping: backslash, semicolon, comma and line breaks.

    TEXT allows no other control character: those (escape codes, bidi overrides, line separators)
    are written out as ``\\x1b``-style text first, so the calendar shows them and never obeys them.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    text = "\n".join(shown(line) for line in lines)
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line into chunks of at most 75 octets, never inside a UTF-8 character."""
    if line.isascii():  # one octet a character: plain slices
        if len(line) <= 75:
            return line
        return "\r\n ".join([line[:75], *(line[i:i + 74] for i in range(75, len(line), 74))])
    chunks: list[str] = []
    current, size, limit = "", 0, 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            chunks.append(current)
            current, size, limit = " ", 1, 75
        current += char
        size += width
    chunks.append(current)
    return "\r\n".join(chunks)


def render_calendar(events: list[CalendarEvent], stamp: date, name: str) -> str:
    """The iCalendar text (CRLF line ends) of ``events``; DTSTAMP is ``stamp`` at midnight UTC."""
    dtstamp = f"{stamp:%Y%m%d}T000000Z"
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{escape_text(name)}"]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{dtstamp}",
            f"DTSTART;VALUE=DATE:{event.day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{event.day + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{escape_text(event.summary)}",
            f"DESCRIPTION:{escape_text(event.description)}",
            f"CATEGORIES:{escape_text(event.category)}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def write_calendar(root: Path, today: date, output: Path) -> int:
    """Load and validate the records under ``root``, write their calendar to ``output``; returns the event count."""
    from generator.checks.validate import validate_portfolio
    from generator.compute.portfolio import blocking_error

    portfolio, result = validate_portfolio(root, today)
    error = blocking_error(result)
    if error is not None:
        raise error
    events = calendar_events(portfolio)
    text = render_calendar(events, today, f"{portfolio.settings.site.title}: deadlines")
    write_output(root, output, text.encode("utf-8"))
    return len(events)
