"""What "today" is: the real date unless ``--today`` or SOURCE_DATE_EPOCH fixes it."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

from generator.errors import PartnerbookError
from generator.i18n import _

# The site's gzip headers and sitemap carry "today" as a 32-bit Unix time, so it must fall in this range.
FIRST_TODAY = date(1970, 1, 2)
LAST_TODAY = date(2105, 12, 31)


def parse_day(text: str) -> date:
    """A ``YYYY-MM-DD`` date written with ASCII digits; ValueError otherwise."""
    if not (len(text) == 10 and text.isascii() and text[4] == text[7] == "-"):
        raise ValueError(text)
    return date.fromisoformat(text)


def check_today(day: date) -> date:
    """``day`` if it is in the range the site can carry; ValueError otherwise."""
    if not FIRST_TODAY <= day <= LAST_TODAY:
        raise ValueError(f"{day} is outside {FIRST_TODAY} to {LAST_TODAY}")
    return day


def resolve_today(option: str | None = None) -> date:
    """``--today`` wins, then SOURCE_DATE_EPOCH (reproducible builds), then the clock."""
    if option is not None:
        try:
            day = parse_day(option)
        except ValueError:
            raise PartnerbookError(_("--today {value} is not a date; write it as YYYY-MM-DD").format(
                value=repr(option))) from None
        if not FIRST_TODAY <= day <= LAST_TODAY:
            raise PartnerbookError(_("--today {value} is outside {first} to {last}; give a date in that "
                                     "range").format(value=option, first=FIRST_TODAY, last=LAST_TODAY))
        return day
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            if not (epoch.isascii() and epoch.lstrip("-").isdigit()):
                raise ValueError(epoch)
            day = datetime.fromtimestamp(int(epoch), tz=UTC).date()
        except (ValueError, OverflowError, OSError):
            raise PartnerbookError(
                _("SOURCE_DATE_EPOCH={value} is not a Unix timestamp (whole seconds)").format(value=repr(epoch))
            ) from None
        if not FIRST_TODAY <= day <= LAST_TODAY:
            raise PartnerbookError(_("SOURCE_DATE_EPOCH={value} is outside {first} to {last}").format(
                value=epoch, first=FIRST_TODAY, last=LAST_TODAY))
        return day
    return date.today()
