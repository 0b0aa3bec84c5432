"""What "today" is: the real date unless ``--today`` or SOURCE_DATE_EPOCH fixes it."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

from generator.errors import PartnerbookError

# The site's gzip headers and sitemap carry "today" as a 32-bit Unix time, so it must fall in this range.
FIRST_TODAY = date(1970, 1, 2)
LAST_TODAY = date(2105, 12, 31)


def resolve_today(option: str | None = None) -> date:
    """``--today`` wins, then SOURCE_DATE_EPOCH (reproducible builds), then the clock."""
    if option:
        try:
            day = date.fromisoformat(option)
        except ValueError:
            raise PartnerbookError(f"--today {option!r} is not a date; write it as YYYY-MM-DD") from None
        if not FIRST_TODAY <= day <= LAST_TODAY:
            raise PartnerbookError(f"--today {option} is outside {FIRST_TODAY} to {LAST_TODAY}; "
                                   "give a date in that range")
        return day
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            day = datetime.fromtimestamp(int(epoch), tz=UTC).date()
        except (ValueError, OverflowError, OSError):
            raise PartnerbookError(
                f"SOURCE_DATE_EPOCH={epoch!r} is not a Unix timestamp (whole seconds)"
            ) from None
        if not FIRST_TODAY <= day <= LAST_TODAY:
            raise PartnerbookError(f"SOURCE_DATE_EPOCH={epoch} is outside {FIRST_TODAY} to {LAST_TODAY}")
        return day
    return date.today()
