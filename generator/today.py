"""What "today" is: the real date unless ``--today`` or SOURCE_DATE_EPOCH fixes it."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

from generator.errors import PartnerbookError


def resolve_today(option: str | None = None) -> date:
    """``--today`` wins, then SOURCE_DATE_EPOCH (reproducible builds), then the clock."""
    if option:
        try:
            return date.fromisoformat(option)
        except ValueError:
            raise PartnerbookError(f"--today {option!r} is not a date; write it as YYYY-MM-DD") from None
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=UTC).date()
        except (ValueError, OverflowError, OSError):
            raise PartnerbookError(
                f"SOURCE_DATE_EPOCH={epoch!r} is not a Unix timestamp (whole seconds)"
            ) from None
    return date.today()
