"""The alert record and the context every alert rule reads from."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from generator import i18n
from generator.i18n import ngettext
from generator.load.document import Document
from generator.load.positions import Path_
from generator.records import Partner
from generator.records.portfolio import PartnerEntry, Portfolio
from generator.records.settings import AlertSettings, Silence
from generator.rules.formats import days_phrase, money, percent

if TYPE_CHECKING:
    from generator.compute.portfolio import Computed

__all__ = ["RANK", "SEVERITIES", "Alert", "Context", "date_text", "day_count", "days_phrase", "money",
           "month_text", "percent"]

SEVERITIES = ("error", "warning", "info")
RANK = {severity: rank for rank, severity in enumerate(SEVERITIES)}


# Alert messages are written when the alerts are computed, in the current language (``generator.i18n``):
# whole sentences from the catalog, with dates, counts, money and percentages as that language writes them.

def date_text(value: date) -> str:
    """A date inside a message: ``Dec 1, 2026`` / ``1 dic 2026``."""
    return i18n.day(value)


def month_text(value: str) -> str:
    """A ``YYYY-MM`` month inside a message: ``Mar 2026`` / ``mar 2026`` (the text itself when it is no month)."""
    try:
        return i18n.month(date(int(value[:4]), int(value[5:7]), 1))
    except (ValueError, IndexError):
        return value


def day_count(count: int) -> str:
    """A number of days: ``1 day``, ``12 days`` / ``1 giorno``, ``12 giorni``."""
    return ngettext("{n} day", "{n} days", count).format(n=i18n.number(count))


@dataclass(frozen=True)
class Alert:
    """One thing that needs attention, and the record (file and line) it comes from.

    ``silence`` is set when a silence in partnerbook.yml covers the alert: it is
    kept (the site shows it with its reason) but does not count for ``--fail-on``.
    """

    rule: str
    severity: str  # error, warning, info
    partner: str | None
    campaign: str | None
    file: str
    line: int | None
    message: str
    silence: Silence | None = None
    # Words of ``message`` that count days from today ("in 12 days", "40 days"): the site writes them into
    # the page at write time, so a page does not change from one day to the next for them alone
    # (generator/site/stamp.py). Not part of the spec's JSON.
    relative: tuple[str, ...] = ()

    @property
    def silenced(self) -> bool:
        return self.silence is not None

    def location(self) -> str:
        """``path:line`` (or the path alone when the line is unknown)."""
        return self.file if self.line is None else f"{self.file}:{self.line}"

    def sort_key(self) -> tuple[int, str, int, str, str, str, str]:
        """Deterministic order: severity, then file, line, rule (and the rest to break ties)."""
        return (RANK[self.severity], self.file, self.line or 0, self.rule, self.partner or "", self.campaign or "",
                self.message)

    def as_json(self) -> dict[str, object]:
        """The spec's shape of ``partnerbook alerts --format json``: exactly these keys."""
        return {"rule": self.rule, "severity": self.severity, "partner": self.partner, "campaign": self.campaign,
                "file": self.file, "line": self.line, "message": self.message}


@dataclass(frozen=True)
class Context:
    """What the rules read: the computed portfolio, today and the alert settings."""

    computed: Computed
    settings: AlertSettings
    window_days: int  # how far ahead deadlines and expiries warn

    @property
    def today(self) -> date:
        return self.computed.today

    @property
    def portfolio(self) -> Portfolio:
        return self.computed.portfolio

    @property
    def currency(self) -> str:
        return self.portfolio.settings.currency

    def partners(self, *statuses: str) -> Iterator[tuple[str, PartnerEntry, Partner]]:
        """Partners with a readable profile, by id; only the given statuses, or all but offboarded."""
        for partner_id, entry in sorted(self.portfolio.partners.items()):
            partner = entry.partner
            if partner is None:
                continue
            if partner.status in statuses if statuses else partner.status != "offboarded":
                yield partner_id, entry, partner

    @staticmethod
    def alert(doc: Document, loc: Path_, rule: str, severity: str, message: str, *, partner: str | None = None,
              campaign: str | None = None, key: bool = False, relative: tuple[str, ...] = ()) -> Alert:
        """An alert pointing at the line of ``loc`` in ``doc`` (its nearest known parent when absent).

        A mapping or list points at its key's line, where a block value's first line would be the next one.
        ``relative``: the words that count days from today (``Alert.relative``); those ``message`` does not
        hold (a translation may leave one out) are dropped.
        """
        if not key and loc in doc.keys:
            try:
                key = isinstance(doc.data_at(loc), dict | list)
            except (KeyError, IndexError, TypeError):
                key = False
        line, _column = doc.where(loc, key=key)
        return Alert(rule, severity, partner, campaign, doc.path, line, message,
                     relative=tuple(words for words in relative if words in message))
