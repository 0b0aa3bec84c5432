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

from generator import i18n, labels
from generator.i18n import _, ngettext
from generator.inert import shown
from generator.records.portfolio import PartnerEntry, Portfolio
from generator.rules.contracts import key_dates
from generator.rules.contracts import review_due as contract_review_due
from generator.rules.documents import document_expiry, document_types
from generator.rules.partners import followed
from generator.rules.partners import review_due as partner_review_due
from generator.workdir import write_output

PRODID = "-//partnerbook//partnerbook calendar//EN"


@dataclass(frozen=True, slots=True)
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
            category = labels.label("deadline", kind)
            if kind == "notice deadline":
                notice = record.notice_days or 0
                text = (ngettext("Last day to give notice ({num} day) on '{title}' with {partner}; the contract "
                                 "auto-renews on {day}.",
                                 "Last day to give notice ({num} days) on '{title}' with {partner}; the contract "
                                 "auto-renews on {day}.", notice) if record.auto_renew else
                        ngettext("Last day to give notice ({num} day) on '{title}' with {partner}; the contract "
                                 "ends on {day}.",
                                 "Last day to give notice ({num} days) on '{title}' with {partner}; the contract "
                                 "ends on {day}.", notice))
                yield CalendarEvent(
                    f"notice.{key}@partnerbook", day,
                    _("Notice deadline: {title} ({partner})").format(title=record.title, partner=name),
                    text.format(num=notice, title=record.title, partner=name, day=_day(record.end)) + _record(where),
                    category)
            elif kind == "auto-renewal":
                yield CalendarEvent(
                    f"renewal.{key}@partnerbook", day,
                    _("Auto-renewal: {title} ({partner})").format(title=record.title, partner=name),
                    _("'{title}' with {partner} renews automatically unless notice was given.").format(
                        title=record.title, partner=name) + _record(where), category)
            else:
                yield CalendarEvent(
                    f"end.{key}@partnerbook", day,
                    _("Contract ends: {title} ({partner})").format(title=record.title, partner=name),
                    _("'{title}' with {partner} ends.").format(title=record.title, partner=name) + _record(where),
                    category)
        due = contract_review_due(record)
        if due is not None and record.review is not None:
            last = _day(record.review.last) if record.review.last else _("none yet")
            yield CalendarEvent(
                f"contract-review.{key}@partnerbook", due,
                _("Contract review: {title} ({partner})").format(title=record.title, partner=name),
                ngettext("Review of '{title}' with {partner}, due every {num} month (last: {last}).",
                         "Review of '{title}' with {partner}, due every {num} months (last: {last}).",
                         record.review.every_months).format(title=record.title, partner=name,
                                                            num=record.review.every_months, last=last)
                + _record(where), _("contract review"))


def _day(value: date | None) -> str:
    return i18n.day(value) if value is not None else _("n/a")


def _record(where: object) -> str:
    """The description's last line: the record the event comes from (its path, as typed)."""
    return "\n" + _("Record: {file}").format(file=where)


def _document_name(doc_type: str, portfolio: Portfolio) -> str:
    """The team's name for its own document types; the built-in ones' label in the current language."""
    own = portfolio.settings.compliance.document_types.get(doc_type)
    if own:
        return own
    label = labels.label("doc", doc_type)
    return label if label != doc_type else document_types(portfolio.settings.compliance).get(doc_type, doc_type)


def _partner_events(portfolio: Portfolio, partner_id: str, entry: PartnerEntry) -> Iterator[CalendarEvent]:
    assert entry.profile is not None
    partner, where = entry.profile.record, entry.profile.file
    yield from _contract_events(partner_id, entry, partner.name)
    policy = portfolio.settings.compliance
    for index, document in enumerate(partner.compliance):
        expires = document_expiry(document, policy)
        if expires is None:
            continue
        doc_name = _document_name(document.type, portfolio)
        issued = document.issued.isoformat() if document.issued else str(index)
        yield CalendarEvent(
            f"expiry.{partner_id}.{document.type}.{issued}@partnerbook", expires,
            _("Expires: {document} ({partner})").format(document=doc_name, partner=partner.name),
            _("{document} ({type}) of {partner} stops counting on {day}; ask for the renewed document.").format(
                document=doc_name, type=document.type, partner=partner.name, day=i18n.day(expires))
            + _record(where), _("document expiry"))
    due = partner_review_due(partner)
    if due is not None and partner.review is not None:
        yield CalendarEvent(
            f"review.{partner_id}@partnerbook", due,
            _("Partnership review: {partner}").format(partner=partner.name),
            ngettext("Periodic review of the partnership with {partner}, every {num} day (last: {last}).",
                     "Periodic review of the partnership with {partner}, every {num} days (last: {last}).",
                     partner.review.every_days).format(partner=partner.name, num=partner.review.every_days,
                                                       last=_day(partner.review.last))
            + _record(where), _("partnership review"))


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
    head = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
            f"X-WR-CALNAME:{escape_text(name)}"]
    # One string per event, joined once: a list of every line of a large portfolio's calendar (some ten per
    # event) held several times the calendar's own size.
    return "".join([_lines(head), *(_event(event, dtstamp) for event in events), _lines(["END:VCALENDAR"])])


def _lines(lines: list[str]) -> str:
    return "".join(fold(line) + "\r\n" for line in lines)


def _event(event: CalendarEvent, dtstamp: str) -> str:
    return _lines([
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
    ])


def write_calendar(root: Path, today: date, output: Path) -> int:
    """Load and validate the records under ``root``, write their calendar to ``output``; returns the event count."""
    from generator.checks.validate import validate_portfolio
    from generator.compute.portfolio import blocking_error

    portfolio, result = validate_portfolio(root, today)
    error = blocking_error(result)
    if error is not None:
        raise error
    events = calendar_events(portfolio)
    text = render_calendar(events, today, _("{title}: deadlines").format(title=portfolio.settings.site.title))
    write_output(root, output, text.encode("utf-8"))
    return len(events)
