"""Partners on a date: which ones are followed up, and when their review is due."""

from __future__ import annotations

from datetime import date

from generator.records.partner import Partner
from generator.rules.windows import plus_days

FOLLOWED_STATUSES = ("prospect", "evaluating", "onboarding", "active", "paused")


def followed(partner: Partner) -> bool:
    """Every partner but an offboarded one gets deadlines, alerts and calendar events."""
    return partner.status in FOLLOWED_STATUSES


def review_due(partner: Partner) -> date | None:
    """When the periodic partnership review is due: ``review.last`` + ``every_days``."""
    if partner.review is None or partner.review.last is None:
        return None
    return plus_days(partner.review.last, partner.review.every_days)
