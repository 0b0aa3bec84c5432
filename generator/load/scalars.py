"""YAML scalar types and how a plain (unquoted) scalar is resolved: the YAML 1.2 core schema.

Numbers keep the text they were written as (``raw``); a number with more than ``MAX_NUMBER_DIGITS`` digits stays
text (``YamlTooLarge``).
"""

from __future__ import annotations

import math
import re
from typing import Any

# A plain integer with more digits than this is "too large" without ever becoming an int: Python
# refuses to convert more than 4,300 digits, and no count, amount or day number needs 25.
MAX_NUMBER_DIGITS = 24


class YamlInt(int):
    """An integer read from a plain scalar; ``raw`` is the text as written.

    Most numbers are written the way Python writes them back (``42``): their text is not stored (an instance
    of this class has no ``__dict__``); ``_YamlIntText`` keeps any other text (``010``, ``+5``).
    """

    __slots__ = ()

    @property
    def raw(self) -> str:
        return int.__repr__(self)


class _YamlIntText(YamlInt):
    raw: str = ""  # type: ignore[assignment]  # replaced by the text as written, kept on the instance


class YamlFloat(float):
    """A float read from a plain scalar; ``raw`` is the text as written (stored as ``YamlInt`` does)."""

    __slots__ = ()

    @property
    def raw(self) -> str:
        return float.__repr__(self)


class _YamlFloatText(YamlFloat):
    raw: str = ""  # type: ignore[assignment]


class YamlTooLarge(str):
    """A plain scalar written as a number with more than ``MAX_NUMBER_DIGITS`` digits.

    It stays text (text fields keep it as written) and number fields refuse it as too large.
    """

    raw: str


_INT = re.compile(r"[-+]?[0-9]+\Z")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
_SPECIAL_FLOATS = {
    ".inf": math.inf, "+.inf": math.inf, ".Inf": math.inf, "+.Inf": math.inf,
    ".INF": math.inf, "+.INF": math.inf, "-.inf": -math.inf, "-.Inf": -math.inf,
    "-.INF": -math.inf, ".nan": math.nan, ".NaN": math.nan, ".NAN": math.nan,
}


def resolve_plain(text: str) -> Any:
    """Resolve a plain (unquoted) scalar by the YAML 1.2 core schema."""
    if text in _NULLS:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    first = text[0]
    if first.isdigit() or first in "+-.":
        if _INT.match(text):
            if len(text.lstrip("+-").lstrip("0")) > MAX_NUMBER_DIGITS:
                big = YamlTooLarge(text)
                big.raw = text
                return big
            number: Any = YamlInt(text)
            if int.__repr__(number) == text:
                return number
            number = _YamlIntText(text)
        elif _FLOAT.match(text):
            number = YamlFloat(text)
            if float.__repr__(number) == text:
                return number
            number = _YamlFloatText(text)
        elif text in _SPECIAL_FLOATS:
            number = _YamlFloatText(_SPECIAL_FLOATS[text])
        else:
            return text
        number.raw = text
        return number
    return text
