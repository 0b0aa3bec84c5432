"""Text in charts: a spec's words and numbers, measured and laid out as matplotlib measures and lays out text.

Words come from the spec, already translated (generator/draw/charts.py); numbers are written in the
spec's locale.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from typing import Any

from generator import i18n
from generator.draw.chart_style import LINE_IN, PAD_IN, PT, SMALL, TEXT, TITLE, WIDTH, _use_chart_style


def _words(data: dict[str, Any], **english: str) -> dict[str, str]:
    """The words of a spec (already translated), English where a spec has none."""
    given = dict(data.get("text", ()))
    return {key: given.get(key, default) for key, default in english.items()}


def _number(value: float, pattern: str, data: dict[str, Any]) -> str:
    """A number in the spec's locale: ``12.5%`` / ``12,5%``, ``1,200`` / ``1.200``."""
    return _formatted(value, math.copysign(1.0, value), pattern, data.get("locale") or i18n.SOURCE)


@functools.lru_cache(maxsize=1 << 14)
def _formatted(value: float, _sign: float, pattern: str, language: str) -> str:
    """Charts repeat their ticks and many figures: each is formatted once (``_sign`` keeps -0.0 apart)."""
    from babel.numbers import format_decimal, format_percent

    locale = i18n.locale(language)
    if pattern.endswith("%"):
        return format_percent(value, format=pattern, locale=locale)
    return format_decimal(value, format=pattern, locale=locale)


def _money(amount: float, currency: str, data: dict[str, Any]) -> str:
    return f"{_number(amount, '#,##0.00', data)} {currency}"


@functools.cache
def _fonts() -> tuple[Any, Any, tuple[float, float]]:
    """matplotlib's text measurer, the chart font at 100 points, and the font's ascent and descent per point."""
    from matplotlib.font_manager import FontProperties, findfont, get_font
    from matplotlib.textpath import TextToPath

    _use_chart_style()
    font: Any = get_font(findfont(FontProperties()))
    em = font.get_sfnt_table("head")["unitsPerEm"]
    os2, hhea = font.get_sfnt_table("OS/2"), font.get_sfnt_table("hhea")  # as matplotlib's text layout reads them
    line = ((os2["sTypoAscender"] / em, -os2["sTypoDescender"] / em) if os2 is not None else
            (hhea["ascent"] / em, -hhea["descent"] / em))
    return TextToPath(), FontProperties(size=100), line


@functools.lru_cache(maxsize=1 << 15)
def _measured(text: str) -> tuple[float, float, float]:
    """Width, height and descent of ``text``'s ink at 100 points, as matplotlib measures text.

    Charts repeat most of their words and figures, so each is measured once per process.
    """
    measurer, font, _line = _fonts()
    return measurer.get_text_width_height_descent(text, font, ismath=False) if text else (0.0, 0.0, 0.0)


def _ink(text: str) -> tuple[float, float, float]:
    """Width, height and descent of ``text``'s ink at 1 point."""
    width, height, descent = _measured(text)
    return width / 100, height / 100, descent / 100


@functools.lru_cache(maxsize=1 << 15)
def _ink_height(text: str) -> tuple[float, float]:
    """Height and descent of ``text``'s ink at 1 point, as ``_ink`` gives them, from its characters' own.

    The ink's box is the union of its glyphs' boxes, and a glyph moves only sideways along the line, so the
    top and bottom of a text's ink are those of its highest and lowest characters: measured once each,
    where measuring every text (only its width needs that) would cost a quarter of the drawing. Text with
    characters that combine with others, or of scripts that are shaped, is measured whole.
    """
    chars = set(text)
    if not all(_plain(char) for char in chars):
        return _ink(text)[1:]
    top, bottom = 0.0, 0.0
    for number, char in enumerate(sorted(chars)):
        _width, height, descent = _measured(char)  # in 64ths: exact in binary
        top, bottom = ((height - descent, -descent) if number == 0 else
                       (max(top, height - descent), min(bottom, -descent)))
    return (top - bottom) / 100, -bottom / 100


@functools.lru_cache(maxsize=1024)
def _plain(char: str) -> bool:
    """A character drawn as one glyph of its own: Latin, Greek, Cyrillic, punctuation, symbols, currency."""
    import unicodedata

    code = ord(char)
    return (code < 0x0530 or 0x2000 <= code < 0x20D0) and unicodedata.category(char) not in ("Mn", "Me", "Cf")


@functools.lru_cache(maxsize=64)
def _font(size: float) -> Any:
    from matplotlib.font_manager import FontProperties

    _use_chart_style()
    return FontProperties(size=size)


def _width(text: str, size: float) -> float:
    """Width in points of ``text``'s ink at ``size`` points (what matplotlib lays out and aligns)."""
    return _ink(text)[0] * size


def _extent(text: str, size: float, spacing: float | None = None) -> tuple[float, float]:
    """(ascent, descent) in points of one line of ``text`` above and below its baseline, as matplotlib lays
    it out: with the default spacing a line reaches at least the font's ascent and descent; with a ``spacing``
    (the title's 1.25) each line is ``spacing`` font sizes high, the ink in its middle.
    """
    height, descent = (value * size for value in _ink_height(text))
    ascent_em, descent_em = _fonts()[2]
    if spacing is None:
        return max(height - descent, ascent_em * size), max(descent, descent_em * size)
    lead = spacing * (ascent_em + descent_em) * size - height
    return height - descent + lead / 2, descent + lead / 2


def _text_width(texts: Iterable[str], size: float) -> float:
    """Width in inches of the widest of ``texts`` (measuring the longest few is enough)."""
    longest = sorted(texts, key=len, reverse=True)[:3]
    return max((_width(text, size) for text in longest), default=0) / PT


def _title(title: str) -> tuple[str, float, float]:
    """The title as drawn: (text, size, extra inches). A long title wraps onto a second line, then shrinks."""
    room = WIDTH - 2 * PAD_IN
    text = title
    if _text_width([title], TITLE) > room and " " in title:
        words = title.split(" ")
        splits = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
        first, second = min(splits, key=lambda pair: max(_text_width([pair[0]], TITLE), _text_width([pair[1]], TITLE)))
        text = f"{first}\n{second}"
    widest = _text_width(text.split("\n"), TITLE)
    size = min(TITLE, TITLE * room / max(widest, 0.01))  # shrink, never clip
    return text, size, LINE_IN * text.count("\n")


def _fitted(text: str, width: float) -> tuple[str, float]:
    """``text`` at TEXT points, or SMALL, or cut with an ellipsis at SMALL: never wider than ``width`` inches."""
    for size in (TEXT, SMALL):
        if _text_width([text], size) <= width:
            return text, size
    while len(text) > 1 and _text_width([text + "…"], SMALL) > width:
        text = text[:-1]
    return text.rstrip() + "…", SMALL
