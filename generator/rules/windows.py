"""How far ahead deadlines and expiries warn: one window for alerts, pages and the policy."""

from __future__ import annotations

from datetime import date, timedelta

from generator.records.settings import Settings


def warning_days(settings: Settings) -> int:
    """``alerts.warning_days`` when set, else ``compliance.expiring_warning_days`` (60 by default)."""
    configured = settings.alerts.warning_days
    return configured if configured is not None else settings.compliance.expiring_warning_days


def in_window(day: date, today: date, days: int) -> bool:
    """Whether ``day`` is today or at most ``days`` days ahead (a deadline exactly ``days`` away counts)."""
    return 0 <= (day - today).days <= days


def plus_days(day: date, days: int) -> date | None:
    """``day`` moved by ``days``, or None when that leaves the calendar (year 1 to 9999)."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return None
