"""The cells of an export: numbers and dates as spreadsheets and analytics tools write them.

generator/ingest/read.py reads the rows (``Table.number``, ``Table.count`` and ``Table.day`` read each cell here);
a value that is not a number or a date raises ValueError, and the table names its row and column.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime

# --------------------------------------------------------------------------------------------- numbers

_CURRENCY = re.compile(r"^(?:[A-Z]{3}|[€$£¥₹]|CHF|kr)\s*|\s*(?:[A-Z]{3}|[€$£¥₹]|CHF|kr)$")
GROUPED = re.compile(r"\d{1,3}(?:[.,]\d{3})+")  # thousands groups: 1.234, 12,345,678
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")


def parse_number(text: str, decimal: str = ".") -> float | None:
    """``text`` as a number (None when empty); ValueError when it is not one.

    ``decimal`` is the file's decimal separator; a value that shows the other one unambiguously
    (``1.234,56``, ``12,5`` in a ``.`` file) is read as written. Thousands separators (``,`` ``.``,
    spaces, ``'``), a leading or trailing currency sign or code, a Unicode minus and accounting
    parentheses ``(12.00)`` are accepted.
    """
    value = text.strip()
    if not value:
        return None
    negative = False
    if value.startswith("(") and value.endswith(")"):
        negative, value = True, value[1:-1].strip()
    value = _CURRENCY.sub("", value.replace("\u2212", "-")).strip()
    if value[:1] in ("+", "-"):
        negative, value = negative ^ (value[0] == "-"), value[1:]
    value = _SPACES.sub("", _CURRENCY.sub("", value))
    match = re.fullmatch(r"([\d.,]*)([eE][+-]?\d+)?", value)
    if not match or not any(ch.isdigit() for ch in match[1]):
        raise ValueError(text)
    mantissa, exponent = match[1], match[2] or ""
    dots, commas = mantissa.count("."), mantissa.count(",")
    if dots and commas:  # the last one is the decimal separator
        point = "." if mantissa.rfind(".") > mantissa.rfind(",") else ","
    elif dots + commas == 1:
        sep = "." if dots else ","
        head, tail = mantissa.split(sep)
        point = decimal if sep != decimal and len(tail) == 3 and head not in ("", "0") else sep
    elif dots + commas > 1:  # 1.234.567: thousands only
        point = "," if dots else "."
    else:
        point = decimal
    thousands = "," if point == "." else "."
    head, frac = mantissa.rsplit(point, 1) if point in mantissa else (mantissa, "")
    if thousands in head:
        groups = head.split(thousands)
        if not 1 <= len(groups[0]) <= 3 or any(len(g) != 3 for g in groups[1:]):
            raise ValueError(text)
        head = "".join(groups)
    if (head and not head.isdigit()) or (frac and not frac.isdigit()) or not (head or frac):
        raise ValueError(text)
    number = float(f"{head or 0}.{frac or 0}{exponent}")
    if not math.isfinite(number):
        raise ValueError(text)
    return -number if negative else number


# --------------------------------------------------------------------------------------------- dates

_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})"
                      r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|UTC|[+-]\d{2}:?\d{2})?)?$")
_COMPACT_DAY = re.compile(r"^(\d{4})(\d{2})(\d{2})$")  # GA4: 20260301


def parse_day(text: str, fmt: str | None = None) -> date | None:
    """``text`` as a date (None when empty); ValueError when it is not one.

    Without ``fmt``: ISO dates and date-times (``2026-03-01``, ``2026-03-01T10:00:00+01:00``,
    ``2026-03-01 10:12:13 +0100`` as Shopify writes them) and ``20260301`` (GA4). The day is the one
    written (a time zone never moves it). With ``fmt``: a strptime format (``%d/%m/%Y``); a trailing time
    after the date is accepted.
    """
    value = text.strip()
    if not value:
        return None
    if fmt:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            head = value.split()[0] if " " in value and " " not in fmt else value.split("T")[0]
            return datetime.strptime(head, fmt).date()
    match = _ISO_DAY.match(value) or _COMPACT_DAY.match(value)
    if not match:
        raise ValueError(text)
    return date(int(match[1]), int(match[2]), int(match[3]))
