"""How partnerbook writes money, shares and day counts for people: the same everywhere."""

from __future__ import annotations

from generator import i18n
from generator.i18n import _, ngettext


def unknown() -> str:
    """What an unknown figure reads as: ``n/a``."""
    return _("n/a")


def money(amount: float | None, currency: str) -> str:
    """``9,000.00 EUR`` (``9.000,00 EUR`` in Italian); ``n/a`` when unknown."""
    return unknown() if amount is None else i18n.money(amount, currency)


def percent(fraction: float | None) -> str:
    """``12%`` or ``12.5%``; ``n/a`` when unknown."""
    if fraction is None:
        return unknown()
    return i18n.percent(fraction, 0 if abs(fraction * 100 - round(fraction * 100)) < 0.05 else 1)


def days_phrase(days: int) -> str:
    """'today', 'in 1 day', 'in 12 days', '3 days ago'."""
    if days == 0:
        return _("today")
    if days > 0:
        return ngettext("in {n} day", "in {n} days", days).format(n=i18n.number(days))
    return ngettext("{n} day ago", "{n} days ago", -days).format(n=i18n.number(-days))
