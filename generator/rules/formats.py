"""How partnerbook writes money, shares and day counts for people: the same everywhere."""

from __future__ import annotations


def money(amount: float | None, currency: str) -> str:
    """``9,000.00 EUR``; ``n/a`` when unknown."""
    return "n/a" if amount is None else f"{amount:,.2f} {currency}"


def percent(fraction: float | None) -> str:
    """``12%`` or ``12.5%``; ``n/a`` when unknown."""
    if fraction is None:
        return "n/a"
    return f"{fraction:.0%}" if abs(fraction * 100 - round(fraction * 100)) < 0.05 else f"{fraction:.1%}"


def days_phrase(days: int) -> str:
    """'today', 'in 1 day', 'in 12 days', '3 days ago'."""
    if days == 0:
        return "today"
    unit = "day" if abs(days) == 1 else "days"
    return f"in {days} {unit}" if days > 0 else f"{-days} {unit} ago"
