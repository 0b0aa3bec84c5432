"""Drawing of chart specs: matplotlib's SVG renderer, deterministic SVG, a content-addressed cache.

A spec (generator/draw/charts.py) holds everything a chart depends on, so the file
``<key>.svg`` is drawn once and never again while the data is the same. Charts are
drawn in a fixed style (hash salt, text kept as text, no math text, no dates), so the
same spec gives the same bytes in every process and on every machine with the same
matplotlib; missing charts are drawn in a pool of processes. Names in charts come from
records: matplotlib's SVG writer escapes them, and text is never parsed as math, so a
``$`` stays a dollar sign.

A chart is drawn straight onto matplotlib's SVG renderer (``_Sheet``): no Figure, Axes or artists,
which cost about a millisecond for each tick, label, bar and axes. The drawing hands the renderer the
paths and texts matplotlib's artists would hand it, at the places they would put them (text laid out by
matplotlib's own measure and rules), so a chart looks as a Figure of the same layout would.

Charts read in both colour schemes of the site: the background is transparent, and a style sheet
inside the SVG redraws the black ink (text, axes, the target line) light, and the blue brighter, where
the image is shown in a dark colour scheme (``prefers-color-scheme: dark`` inside an image follows the
``color-scheme`` of the page around it, which Material's dark "slate" scheme sets). Words come from
the spec, already translated (generator/draw/charts.py); numbers are written in the spec's locale.

The cache folder is as untrusted as the rest of the repository's folder, and may have been restored
from another machine (CI's cache): a chart file is checked, never trusted. It is used when ``index.json``
(sealed with this machine's key, generator/workdir.py) holds the SHA-256 of its bytes, which it does
only for files drawn or checked here; any other file under a chart's name is read as XML without a DTD
and used only if it holds nothing but what partnerbook draws (``safe_svg``: the elements, attributes
and styles matplotlib writes, no script, event handler, link or external reference, within a size
bound) and names its own key; otherwise, or when damaged, a symlink or a folder, it is drawn again.
A file that passes is safe to show but may say anything a chart can say: the cache is as
trustworthy as the place it was restored from.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import math
import os
import re
import signal
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from generator import i18n, workdir
from generator.draw.charts import ChartSpec

BLUE, ORANGE, VERMILLION, GREY, BLACK = "#0072B2", "#E69F00", "#D55E00", "#999999", "#000000"  # Okabe-Ito
SKY_BLUE, LIGHT_INK, LIGHT_LINE = "#56B4E9", "#E6E8EC", "#C9CCD3"  # the dark scheme's blue (Okabe-Ito) and ink
INDEX = "index.json"  # key -> SHA-256 of the chart's bytes, for files drawn or checked here; sealed
MAX_BYTES = 1 << 20  # a chart file is a few dozen kB; a larger file under a chart's name is drawn again
_PURPOSE = b"charts"
PARALLEL_MIN = 8  # below this many charts to draw, a process pool costs more than it saves
# Text sizes in points of a WIDTH-inch figure. The site shows a chart at its natural width (WIDTH x 96 px) or
# narrower, never narrower than NARROWEST_PX (partnerbook.css; a phone scrolls it sideways), so the smallest
# text, SMALL points, is at least SMALL x NARROWEST_PX / (WIDTH x 72) = 9 px high on any screen.
TEXT, SMALL, TITLE = 9.5, 9.0, 11.0
NARROWEST_PX = 432
_RC = {  # what matplotlib's SVG renderer and font finder read: ids from a fixed salt, text kept as text
    "svg.hashsalt": "partnerbook", "svg.fonttype": "none", "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"], "font.size": TEXT,
}
_METADATA = {"Date": None, "Creator": None}  # and the Identifier: IDENTITY with the chart's key
IDENTITY = "partnerbook chart {key}"
# Inside the SVG: where the page around the image is dark, the ink turns light and the blue brighter. Inline
# styles of matplotlib name colours in lower case; black text has no fill of its own (SVG's default).
_DARK_STYLE = (
    '<style type="text/css">@media (prefers-color-scheme: dark){'
    f'text{{fill:{LIGHT_INK}}}'
    f'[style*="fill: #000000"]{{fill:{LIGHT_INK} !important}}'
    f'[style*="stroke: #000000"]{{stroke:{LIGHT_LINE} !important}}'
    f'[style*="fill: {BLUE.lower()}"]{{fill:{SKY_BLUE} !important}}'
    f'[style*="stroke: {BLUE.lower()}"]{{stroke:{SKY_BLUE} !important}}'
    '}</style>\n').encode("ascii")


# ---------------------------------------------------------------------------- text as matplotlib lays it out
# Margins are set in inches from measured label widths: a layout engine would draw every chart twice.

WIDTH = 6.0
TITLE_IN, PANEL_TITLE_IN, XAXIS_IN, LEGEND_IN, PAD_IN = 0.4, 0.26, 0.48, 0.3, 0.12
LINE_IN = TITLE / 72 * 1.25  # one more line of a title that wraps
PT = 72.0  # points per inch: the SVG's unit
# matplotlib's geometry, in points: ticks 3.5 long and 0.8 wide with their labels 3.5 beyond, axis labels 4 beyond
# the tick labels, axes titles 6 above the axes, spines 0.8 wide; lines 1.5 wide, marker edges 1.0, patch edges 1.0.
TICK, TICK_PAD, LABEL_PAD, TITLE_PAD, SPINE = 3.5, 3.5, 4.0, 6.0, 0.8
LINE, MARKER_EDGE, PATCH_EDGE = 1.5, 1.0, 1.0
DASHES = (3.7, 1.6)  # matplotlib's "--", in line widths


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


# ---------------------------------------------------------------------------- a sheet: matplotlib's SVG renderer
# matplotlib's Figure, Axes and artists cost about a millisecond for each tick, label, bar or axes (they are
# general: units, transforms, autoscaling, layout); a chart here knows its layout, so it hands matplotlib's SVG
# renderer the paths and texts those artists would hand it, at the same places, in the same styles.


@functools.cache
def _identity() -> Any:
    from matplotlib.transforms import IdentityTransform

    return IdentityTransform()


@functools.cache
def _marker(marker: Any) -> Any:
    from matplotlib.markers import MarkerStyle

    return MarkerStyle(marker)


class _Anchor:
    """What matplotlib's SVG renderer reads from a Text to write an anchored ``<text>`` (``text-anchor``), so
    the viewer's font places the text against its anchor as a Text artist's would be placed."""

    __slots__ = ("_ha", "_xy")

    def __init__(self, xy: tuple[float, float], ha: str) -> None:
        self._xy, self._ha = xy, ha

    def get_rotation_mode(self) -> str:
        return "anchor"

    def get_transform(self) -> Any:
        return _identity()

    def get_unitless_position(self) -> tuple[float, float]:
        return self._xy

    def get_ha(self) -> str:
        return self._ha


class _Sheet:
    """A chart WIDTH inches wide drawn straight onto matplotlib's SVG renderer, with its (wrapped) title on top.

    Coordinates are points from the bottom left corner, as in matplotlib's display space.
    """

    def __init__(self, data: dict[str, Any], heading: tuple[str, float, float], height: float) -> None:
        """A sheet ``height`` inches high plus what a wrapped ``heading`` (``_title``) adds; the metadata
        names the chart's key (``data[KEY]``, which ``draw`` puts there)."""
        from matplotlib.backends.backend_svg import RendererSVG

        text, size, extra = heading
        self.height_in = height + extra
        self.width, self.height = WIDTH * PT, self.height_in * PT
        self._out = io.StringIO()
        metadata = {**_METADATA, "Identifier": IDENTITY.format(key=data.get(KEY, ""))}
        self.renderer = RendererSVG(self.width, self.height, self._out, metadata=metadata)
        self._gcs: dict[tuple[Any, ...], Any] = {}
        top = self.height - PAD_IN / 2 * PT  # the title's lines are 1.25 sizes apart
        for line in text.split("\n"):
            ascent, descent = _extent(line, size, 1.25)
            self.text(self.width / 2, top - ascent, line, size, ha="center")
            top -= ascent + descent

    def svg(self) -> bytes:
        self.renderer.finalize()
        return self._out.getvalue().encode("utf-8")

    def _gc(self, colour: str, width: float = 0.0, clip: Any = None, join: Any = "round", cap: Any = "butt",
            dashed: bool = False) -> Any:
        """The renderer's graphics context for this ink (one per kind: the renderer only reads them)."""
        key = (colour, width, None if clip is None else tuple(clip.bounds), join, cap, dashed)
        gc = self._gcs.get(key)
        if gc is None:
            gc = self._gcs[key] = self.renderer.new_gc()
            gc.set_foreground(colour)
            gc.set_linewidth(width)
            gc.set_joinstyle(join)
            gc.set_capstyle(cap)
            if clip is not None:
                gc.set_clip_rectangle(clip)
            if dashed:  # matplotlib scales a line's dashes with its width
                gc.set_dashes(0, [dash * width for dash in DASHES])
        return gc

    def text(self, x: float, y: float, text: str, size: float, *, ha: str = "left", va: str = "baseline",
             colour: str = BLACK, rotation: float = 0.0) -> None:
        """``text`` aligned to (x, y) as a Text artist aligns it (``rotation`` degrees about that point)."""
        if not text:
            return
        ascent, descent = _extent(text, size)
        rise = {"baseline": 0.0, "top": -ascent, "bottom": descent, "center": (descent - ascent) / 2,
                "center_baseline": -ascent / 2}[va]  # from the anchor up to the baseline
        angle = math.radians(rotation)
        x, y = x - rise * math.sin(angle), y + rise * math.cos(angle)
        self.renderer.draw_text(self._gc(colour), x, self.height - y, text, _font(size), rotation,
                                mtext=_Anchor((x, y), ha))

    def line(self, points: Sequence[tuple[float, float]], colour: str, width: float, *, dashed: bool = False,
             clip: Any = None, cap: str = "projecting", join: str = "round") -> None:
        """A line through ``points`` (a NaN breaks it); dashes, like matplotlib's, scale with the width."""
        from matplotlib.path import Path

        gc = self._gc(colour, width, clip, join, "butt" if dashed else cap, dashed)
        self.renderer.draw_path(gc, Path(points), _identity())

    def markers(self, points: Sequence[tuple[float, float]], marker: Any, size: float, colour: str, *,
                edge: float = MARKER_EDGE, clip: Any = None) -> None:
        from matplotlib.colors import to_rgba
        from matplotlib.path import Path

        if not points:
            return
        style = _marker(marker)
        gc = self._gc(colour, edge, clip, style.get_joinstyle(), style.get_capstyle())
        transform: Any = style.get_transform()  # an Affine2D (a copy)
        self.renderer.draw_markers(gc, style.get_path(), transform.scale(size), Path(points), _identity(),
                                   to_rgba(colour))

    def rect(self, x0: float, y0: float, x1: float, y1: float, colour: str, *, clip: Any = None,
             edge: float = 0.0) -> None:
        """A filled rectangle (with an edge of its colour ``edge`` points wide), as a patch draws it."""
        from matplotlib.colors import to_rgba
        from matplotlib.path import Path

        gc = self._gc(colour, edge, clip, "miter")
        path = Path([(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)],
                    [Path.MOVETO, Path.LINETO, Path.LINETO, Path.LINETO, Path.CLOSEPOLY])
        self.renderer.draw_path(gc, path, _identity(), to_rgba(colour))


class _Panel:
    """What an Axes shows, without the Axes: a box on the sheet and the data ranges it maps onto it."""

    def __init__(self, sheet: _Sheet, left: float, top: float, width: float, height: float,
                 xlim: tuple[float, float] = (0.0, 1.0), ylim: tuple[float, float] = (0.0, 1.0)) -> None:
        """A box ``width`` x ``height`` inches at ``left``, ``top`` inches from the sheet's top left corner."""
        from matplotlib.transforms import Bbox

        self.sheet, self.xlim, self.ylim = sheet, xlim, ylim
        self.x0, self.x1 = left * PT, (left + width) * PT
        self.y1 = sheet.height - top * PT
        self.y0 = self.y1 - height * PT
        self.clip = Bbox.from_extents(self.x0, self.y0, self.x1, self.y1)
        self.outer_bottom = self.y0  # what an x axis label keeps clear of
        self.ytick_labels: list[str] = []  # which a y axis label keeps clear of

    def x(self, value: float) -> float:
        low, high = self.xlim
        return self.x0 + (value - low) / (high - low) * (self.x1 - self.x0)

    def y(self, value: float) -> float:
        low, high = self.ylim
        return self.y0 + (value - low) / (high - low) * (self.y1 - self.y0)

    def holds(self, x: float, y: float) -> bool:
        """Whether an annotation of the point (x, y) is drawn: inside the box, or within a point of it."""
        return self.x0 - 1 <= x <= self.x1 + 1 and self.y0 - 1 <= y <= self.y1 + 1

    def spines(self) -> None:
        for points in ([(self.x0, self.y0), (self.x0, self.y1)], [(self.x0, self.y0), (self.x1, self.y0)]):
            self.sheet.line(points, BLACK, SPINE, join="miter")

    def yticks(self, values: Sequence[float], label: Callable[[float], str]) -> None:
        """Ticks left of the box at ``values`` within the y range, labelled ``label(value)``."""
        from matplotlib.markers import TICKLEFT

        shown = [value for value in values if _within(value, self.ylim)]
        if not shown:
            return
        self.sheet.markers([(self.x0, self.y(value)) for value in shown], TICKLEFT, TICK, BLACK, edge=SPINE)
        for value in shown:
            self.ytick_labels.append(label(value))
            self.sheet.text(self.x0 - TICK - TICK_PAD, self.y(value), self.ytick_labels[-1], SMALL, ha="right",
                            va="center_baseline")

    def xticks(self, values: Sequence[float], label: Callable[[float], str]) -> None:
        """Ticks below the box at ``values`` within the x range, labelled ``label(value)``."""
        from matplotlib.markers import TICKDOWN

        shown = [value for value in values if _within(value, self.xlim)]
        if not shown:
            return
        self.sheet.markers([(self.x(value), self.y0) for value in shown], TICKDOWN, TICK, BLACK, edge=SPINE)
        top = self.y0 - TICK - TICK_PAD
        self.outer_bottom = self.y0 - TICK
        for value in shown:
            text = label(value)
            self.sheet.text(self.x(value), top, text, SMALL, ha="center", va="top")
            ascent, descent = _extent(text, SMALL)
            self.outer_bottom = min(self.outer_bottom, top - ascent - descent)

    def xlabel(self, text: str) -> None:
        self.sheet.text((self.x0 + self.x1) / 2, self.outer_bottom - LABEL_PAD, text, TEXT, ha="center", va="top")

    def ylabel(self, text: str) -> None:
        """The y axis label, turned, left of the tick labels (of the ticks if none, of the box if no ticks)."""
        right = self.x0 - TICK - TICK_PAD
        outer = (min(self.x0 - TICK, *(right - _width(label, SMALL) for label in self.ytick_labels))
                 if self.ytick_labels else self.x0)
        self.sheet.text(outer - LABEL_PAD, (self.y0 + self.y1) / 2, text, TEXT, ha="center", va="bottom",
                        rotation=90)

    def title(self, text: str, size: float = TEXT, loc: str = "center") -> None:
        x = self.x0 if loc == "left" else (self.x0 + self.x1) / 2
        self.sheet.text(x, self.y1 + TITLE_PAD, text, size, ha=loc)

    def annotate(self, x: float, y: float, text: str, dx: float, dy: float, **how: Any) -> None:
        """``text`` ``dx``, ``dy`` points from the data point (x, y), drawn only when the point is in the box."""
        px, py = self.x(x), self.y(y)
        if self.holds(px, py):
            self.sheet.text(px + dx, py + dy, text, SMALL, **how)


def _within(value: float, limits: tuple[float, float]) -> bool:
    low, high = sorted(limits)
    slack = 1e-10 * (high - low)
    return low - slack <= value <= high + slack


def _ticks(low: float, high: float, nbins: int, steps: Sequence[float] | None = None) -> list[float]:
    """matplotlib's MaxNLocator tick values for the range."""
    from matplotlib.ticker import MaxNLocator

    return [float(value) for value in MaxNLocator(nbins=nbins, steps=steps).tick_values(low, high)]


def _autoscaled(values: Iterable[float], nbins: int) -> tuple[float, float]:
    """The range an Axes picks for ``values`` (a 5% margin each side) under a MaxNLocator."""
    from matplotlib.ticker import MaxNLocator

    locator = MaxNLocator(nbins=nbins)
    finite = [value for value in values if math.isfinite(value)]
    low, high = locator.nonsingular(min(finite), max(finite)) if finite else locator.nonsingular(-math.inf, math.inf)
    margin = (high - low) * 0.05
    low, high = locator.view_limits(low - margin, high + margin)
    return float(low), float(high)


# ---------------------------------------------------------------------------- legends and bars

Handle = Callable[[_Sheet, float, float], None]  # draws a legend key in its box from (x, baseline)
KEY_W, KEY_H = 2.0 * SMALL, 0.7 * SMALL  # a legend key's box


def _bar_key(colour: str) -> Handle:
    return lambda sheet, x, y: sheet.rect(x, y, x + KEY_W, y + KEY_H, colour)


def _patch_key(colour: str) -> Handle:
    return lambda sheet, x, y: sheet.rect(x, y, x + KEY_W, y + KEY_H, colour, edge=PATCH_EDGE)


def _line_key(colour: str, *, line: bool = True, dashed: bool = False, marker: str | None = None,
              size: float = 0.0) -> Handle:
    def draw(sheet: _Sheet, x: float, y: float) -> None:
        middle = y + KEY_H / 2
        if line:
            sheet.line([(x, middle), (x + KEY_W / 2, middle), (x + KEY_W, middle)], colour, LINE, dashed=dashed)
        if marker is not None:
            sheet.markers([(x + KEY_W / 2, middle)], marker, size, colour)
    return draw


def _legend(sheet: _Sheet, items: Sequence[tuple[Handle, str]]) -> None:
    """A frameless legend in one row, centred at the bottom of the sheet, as ``figure.legend`` lays it out."""
    if not items:
        return
    gap, column, border, outside = 0.8 * SMALL, 2.0 * SMALL, 0.4 * SMALL, 0.3 * SMALL
    widths = [_width(label, SMALL) for _handle, label in items]
    x = (sheet.width - sum(KEY_W + gap + width for width in widths) - column * (len(items) - 1)) / 2
    baseline = outside + border + max(_extent(label, SMALL)[1] for _handle, label in items)
    for (handle, label), width in zip(items, widths, strict=True):
        handle(sheet, x, baseline)
        sheet.text(x + KEY_W + gap, baseline, label, SMALL)
        x += KEY_W + gap + width + column


def _percent_range(values: Sequence[float], room: float = 1.22) -> tuple[float, float]:
    return min(0.0, *values), max(0.01, *values) * room  # room for the value labels


def _percent_ticks(panel: _Panel, data: dict[str, Any]) -> None:
    panel.xticks(_ticks(*panel.xlim, nbins=4, steps=[1, 2, 2.5, 5, 10]),
                 lambda x: _number(round(x, 8), "#,##0.##%", data))


def _bars(panel: _Panel, rows: Sequence[float | None], offset: float, height: float, colour: str) -> bool:
    """Horizontal bars from 0 for the known ``rows`` (n/a rows get none); whether any was drawn."""
    for i, value in enumerate(rows):
        if value is not None:
            panel.sheet.rect(panel.x(min(value, 0.0)), panel.y(i + offset - height / 2), panel.x(max(value, 0.0)),
                             panel.y(i + offset + height / 2), colour, clip=panel.clip)
    return any(value is not None for value in rows)


def _value_labels(panel: _Panel, rows: Sequence[float | None], offset: float, notes: Sequence[str]) -> None:
    """Each row's note a little right of its bar's end (grey where the value is n/a)."""
    for i, (value, note) in enumerate(zip(rows, notes, strict=True)):
        panel.annotate(value or 0.0, i + offset, note, 3, 0, va="center", colour=GREY if value is None else BLACK)


def _row_labels(panel: _Panel, labels: Sequence[str]) -> None:
    """Row names right-aligned left of the box."""
    for i, label in enumerate(labels):
        panel.sheet.text(panel.x0 - 0.015 * (panel.x1 - panel.x0), panel.y(i), label, TEXT, ha="right",
                         va="center")


def _percent_notes(rows: Sequence[float | None], data: dict[str, Any], na: str,
                   money: Sequence[str] | None = None) -> list[str]:
    return [na if value is None else _number(value, "#,##0.0%", data) + (f" ({money[i]})" if money else "")
            for i, value in enumerate(rows)]


# ---------------------------------------------------------------------------- the charts

def _draw_comparison(title: str, data: dict[str, Any]) -> _Sheet:
    words = _words(data, value="Partner-driven", baseline="Baseline", na="n/a", axis="{kpi} (%)")
    panels = data["panels"]
    labels = [label for label, _, _ in panels[0][1]]
    heading = _title(title)
    top, bottom = TITLE_IN + heading[2] + PANEL_TITLE_IN, XAXIS_IN + LEGEND_IN
    sheet = _Sheet(data, heading, max(2.8, top - heading[2] + bottom + 0.4 * len(labels)))
    left, gap = _text_width(labels, TEXT) + 0.2, 0.3
    width = (WIDTH - left - 0.2 - gap * (len(panels) - 1)) / len(panels)
    keys: dict[str, Handle] = {}
    for number, (name, rows) in enumerate(panels):
        values = [value for _, value, _ in rows]
        bases = [base for _, _, base in rows]
        panel = _Panel(sheet, left + number * (width + gap), top, width, sheet.height_in - top - bottom,
                       xlim=_percent_range([n for n in (*values, *bases) if n is not None]),
                       ylim=(len(labels) - 0.5, -0.5))  # first row on top
        for series, colour, offset, drawn in ((words["value"], BLUE, -0.2, values),
                                              (words["baseline"], ORANGE, 0.2, bases)):
            if _bars(panel, drawn, offset, 0.4, colour):
                keys.setdefault(series, _bar_key(colour))
        _percent_ticks(panel, data)
        panel.xlabel(words["axis"].format(kpi=name))
        panel.spines()
        _value_labels(panel, values, -0.2, _percent_notes(values, data, words["na"]))
        _value_labels(panel, bases, 0.2, _percent_notes(bases, data, words["na"]))
        if number == 0:
            _row_labels(panel, labels)
        panel.title(name)
    _legend(sheet, [(key, label) for label, key in keys.items()])
    return sheet


def _draw_sla(title: str, data: dict[str, Any]) -> _Sheet:
    words = _words(data, measured="Measured", target="Target", breached="Breached", value="value")
    months, metrics = data["months"], data["metrics"]
    names = data.get("ticks") or tuple(f"{month[5:]}/{month[2:4]}" for month in months)
    columns = 1 if len(metrics) == 1 else 2
    rows = math.ceil(len(metrics) / columns)
    heading = _title(title)
    top, bottom, hgap = TITLE_IN + heading[2] + PANEL_TITLE_IN, 0.28 + LEGEND_IN, 0.28 + PANEL_TITLE_IN + 0.1
    sheet = _Sheet(data, heading, top - heading[2] + bottom + 1.5 * rows + hgap * (rows - 1))
    left, wgap = 0.75, 0.85
    panel_w = (WIDTH - left - 0.2 - wgap * (columns - 1)) / columns
    panel_h = (sheet.height_in - top - bottom - hgap * (rows - 1)) / rows
    step = math.ceil(len(months) / (8 // columns))
    for number, (name, unit, target, _better, series) in enumerate(metrics):
        row, column = divmod(number, columns)
        values = [math.nan if p is None else p[0] for p in series]
        limits = _autoscaled(values, nbins=4)
        if target is not None and not limits[0] <= target <= limits[1]:  # the target widens the range it is out of
            limits = _autoscaled([*values, target], nbins=4)
        panel = _Panel(sheet, left + column * (panel_w + wgap), top + row * (panel_h + hgap), panel_w, panel_h,
                       xlim=(-0.5, len(months) - 0.5), ylim=limits)
        panel.yticks(_ticks(*panel.ylim, nbins=4), lambda y: _number(round(y, 8), "#,##0.###", data))
        panel.ylabel(unit or words["value"])
        points = [(panel.x(i), panel.y(value)) for i, value in enumerate(values)]
        sheet.line(points, BLUE, 1.2, clip=panel.clip)
        sheet.markers([p for p in points if not math.isnan(p[1])], "o", 3, BLUE, clip=panel.clip)
        sheet.markers([(panel.x(i), panel.y(p[0])) for i, p in enumerate(series) if p is not None and not p[1]],
                      "X", 7, VERMILLION, clip=panel.clip)
        if target is not None:
            sheet.line([(panel.x0, panel.y(target)), (panel.x1, panel.y(target))], BLACK, 1, dashed=True,
                       clip=panel.clip)
        panel.spines()
        for i in range(0, len(months), step):  # month names as plain texts under the box
            sheet.text(panel.x(i), panel.y0 - 0.04 * (panel.y1 - panel.y0), names[i], SMALL, ha="center", va="top")
        # A left panel's title may reach into the gap before the next panel's axis labels.
        shown, size = _fitted(name, panel_w + (0.35 if column < columns - 1 else 0.15))
        panel.title(shown, size, loc="left")
    _legend(sheet, [(_line_key(BLUE, marker="o", size=3), words["measured"]),
                    (_line_key(BLACK, dashed=True), words["target"]),
                    (_line_key(VERMILLION, line=False, marker="X", size=7), words["breached"])])
    return sheet


def _draw_share(title: str, data: dict[str, Any]) -> _Sheet:
    currency, rows = data["currency"], data["rows"]
    words = _words(data, na="n/a", axis=f"Share of partner revenue (%; revenue in {currency})")
    labels = [label for label, _, _ in rows]
    heading = _title(title)
    top, bottom = TITLE_IN + heading[2], XAXIS_IN + PAD_IN
    sheet = _Sheet(data, heading, max(2.4, top - heading[2] + bottom + 0.32 * len(rows)))
    left = _text_width(labels, TEXT) + 0.2
    shares = [share for _, share, _ in rows]
    panel = _Panel(sheet, left, top, WIDTH - left - 0.2, sheet.height_in - top - bottom,
                   xlim=_percent_range([share for share in shares if share is not None], room=1.55),
                   ylim=(len(rows) - 0.5, -0.5))
    _bars(panel, shares, 0.0, 0.65, BLUE)
    _percent_ticks(panel, data)
    panel.xlabel(words["axis"])
    panel.spines()
    money = [words["na"] if amount is None else _money(amount, currency, data) for _, _, amount in rows]
    _value_labels(panel, shares, 0.0, _percent_notes(shares, data, words["na"], money))
    _row_labels(panel, labels)
    return sheet


def _draw_money(title: str, data: dict[str, Any]) -> _Sheet:
    """Spend and attributed revenue per partner, side by side, with the amounts written beside the bars."""
    currency, rows = data["currency"], data["rows"]
    words = _words(data, spend="Spend", revenue="Attributed revenue", na="n/a", axis=f"{currency}, all years")
    labels = [label for label, _, _ in rows]
    heading = _title(title)
    top, bottom = TITLE_IN + heading[2], XAXIS_IN + LEGEND_IN
    sheet = _Sheet(data, heading, max(2.6, top - heading[2] + bottom + 0.46 * len(rows)))
    left = _text_width(labels, TEXT) + 0.2
    values = [v for _, spend, revenue in rows for v in (spend, revenue) if v is not None]
    panel = _Panel(sheet, left, top, WIDTH - left - 0.2, sheet.height_in - top - bottom,
                   xlim=(0.0, max(1.0, *values) * 1.6), ylim=(len(rows) - 0.5, -0.5))  # room for the amounts
    series = [(words["spend"], VERMILLION, -0.2, [row[1] for row in rows]),
              (words["revenue"], BLUE, 0.2, [row[2] for row in rows])]
    keys = [(_bar_key(colour), label) for label, colour, offset, amounts in series
            if _bars(panel, [None if a is None else max(a, 0.0) for a in amounts], offset, 0.4, colour)]
    panel.xticks(_ticks(*panel.xlim, nbins=4), lambda x: _number(x, "#,##0", data))
    panel.xlabel(words["axis"])
    panel.spines()
    for _label, _colour, offset, amounts in series:
        _value_labels(panel, [None if a is None else max(a, 0.0) for a in amounts], offset,
                      [words["na"] if a is None else _money(a, currency, data) for a in amounts])
    _row_labels(panel, labels)
    _legend(sheet, keys)
    return sheet


TREND_PANEL_IN, TREND_LEFT_IN, TREND_GAP_IN = 1.15, 0.62, 0.62  # a trend panel's height, y labels, column gap


def _trend_panel(panel: _Panel, name: str, values: Sequence[float | None], data: dict[str, Any], na: str,
                 width: float, names: Sequence[str] | None, upright: bool) -> None:
    """One KPI campaign after campaign: a line through the known figures, each written above its point.

    An n/a campaign breaks the line and gets a grey "n/a" (never a point at 0). The figures are written
    only where they fit side by side; the axis and the alt text still give them. ``names``: the campaigns,
    written under the panels of the bottom row.
    """
    sheet = panel.sheet
    known = [(i, value) for i, value in enumerate(values) if value is not None]
    if known:
        panel.yticks(_ticks(*panel.ylim, nbins=3, steps=[1, 2, 2.5, 5, 10]),
                     lambda y: _number(round(y, 8), "#,##0.##%", data))
    if panel.ylim[0] < 0:
        sheet.line([(panel.x0, panel.y(0.0)), (panel.x1, panel.y(0.0))], GREY, 0.8, clip=panel.clip)
    if known:
        points = [(panel.x(i), panel.y(math.nan if value is None else value)) for i, value in enumerate(values)]
        sheet.line(points, BLUE, 1.4, clip=panel.clip)
        sheet.markers([(panel.x(i), panel.y(value)) for i, value in known], "o", 4, BLUE, clip=panel.clip)
    panel.spines()
    texts = [_number(value, "#,##0.0%", data) for _, value in known]
    if _text_width(texts, SMALL) <= width / len(values) - 0.04:
        for (i, value), text in zip(known, texts, strict=True):
            panel.annotate(i, value, text, 0, 4, ha="center", va="bottom")
    for i in (i for i, value in enumerate(values) if value is None):
        sheet.text(panel.x(i), (panel.y0 + panel.y1) / 2, na, SMALL, ha="center", va="center", colour=GREY)
    for i, label in enumerate(names or ()):  # plain texts: ticks cost more
        sheet.text(panel.x(i), panel.y0 - 0.05 * (panel.y1 - panel.y0), label, SMALL,
                   ha="center" if upright else "right", va="top", rotation=0 if upright else 45)
    shown, size = _fitted(name, width)
    panel.title(shown, size, loc="left")


def _draw_trends(title: str, data: dict[str, Any]) -> _Sheet:
    """Small multiples: a partner's KPIs campaign after campaign (two columns), its SLA attainment by month below."""
    words = _words(data, na="n/a", sla="SLA attainment by month", met="Every metric met",
                   missed="A metric missed its target")
    names, panels = data["campaigns"], data["panels"]
    months, attainment = data["months"], data["attainment"]
    ticks = data.get("ticks") or tuple(f"{month[5:]}/{month[2:4]}" for month in months)
    heading = _title(title)
    left, gap = TREND_LEFT_IN, TREND_GAP_IN
    panel_w = (WIDTH - left - gap - 0.2) / 2
    upright = not names or _text_width(names, SMALL) <= panel_w / len(names) - 0.08
    if not upright:  # names turned 45 degrees; the margins widen so the first name stays in the figure
        names = tuple(_fitted(name, 1.3)[0] for name in names)
        left = gap = max(TREND_LEFT_IN, _text_width(names, SMALL) / math.sqrt(2) + 0.15 - panel_w / len(names) / 2)
        panel_w = (WIDTH - left - gap - 0.2) / 2
    names_in = 0.3 if upright else 0.25 + _text_width(names, SMALL) / math.sqrt(2)
    rows = math.ceil(len(panels) / 2)
    top, boxes = TITLE_IN + heading[2], []
    for row in range(rows):
        top += PANEL_TITLE_IN
        boxes += [(left + column * (panel_w + gap), top) for column in range(2)]
        top += TREND_PANEL_IN + (names_in if row == rows - 1 else 0.12)
    sla_top = top + PANEL_TITLE_IN
    top = sla_top + TREND_PANEL_IN + 0.28 + LEGEND_IN if months else top + PAD_IN
    sheet = _Sheet(data, heading, top - heading[2])
    for number, ((name, values), (panel_left, panel_top)) in enumerate(zip(panels, boxes, strict=False)):
        numbers = [value for value in values if value is not None]
        low, high = min([0.0, *numbers]), max([0.01, *numbers])
        span = high - low
        panel = _Panel(sheet, panel_left, panel_top, panel_w, TREND_PANEL_IN, xlim=(-0.5, len(values) - 0.5),
                       ylim=(low - (0.1 * span if low < 0 else 0.0), high + 0.4 * span))  # room for the figures
        _trend_panel(panel, name, values, data, words["na"], panel_w, names if number // 2 == rows - 1 else None,
                     upright)
    if months:
        width = WIDTH - left - 0.2
        panel = _Panel(sheet, left, sla_top, width, TREND_PANEL_IN, xlim=(-0.5, len(months) - 0.5), ylim=(0, 1.35))
        known = [(i, value) for i, value in enumerate(attainment) if value is not None]
        for i, value in known:
            sheet.rect(panel.x(i - 0.35), panel.y(0.0), panel.x(i + 0.35), panel.y(value),
                       BLUE if value >= 1 - 1e-9 else VERMILLION, clip=panel.clip)
        panel.yticks([0.0, 0.5, 1.0], lambda y: _number(round(y, 8), "#,##0%", data))
        panel.spines()
        slot = width / len(months)
        texts = [_number(value, "#,##0%", data) for _, value in known]
        if _text_width(texts, SMALL) <= slot - 0.04:
            for (i, value), text in zip(known, texts, strict=True):
                panel.annotate(i, value, text, 0, 2, ha="center", va="bottom")
        if _text_width([words["na"]], SMALL) <= slot - 0.04:
            for i, value in enumerate(attainment):
                if value is None:
                    sheet.text(panel.x(i), panel.y(0.02), words["na"], SMALL, ha="center", va="bottom", colour=GREY)
        step = next((s for s in range(1, len(months)) if _text_width(ticks, SMALL) <= slot * s - 0.06), len(months))
        for i in range(0, len(months), step):
            sheet.text(panel.x(i), panel.y0 - 0.05 * (panel.y1 - panel.y0), ticks[i], SMALL, ha="center", va="top")
        shown, size = _fitted(words["sla"], width)
        panel.title(shown, size, loc="left")
        _legend(sheet, [(_patch_key(BLUE), words["met"]), (_patch_key(VERMILLION), words["missed"])])
    return sheet


KEY = "key"  # the chart's key in the data a drawer gets (no spec field is named so)
_DRAWERS: dict[str, Callable[[str, dict[str, Any]], _Sheet]] = {
    "partner-funnel": _draw_comparison, "campaign-comparison": _draw_comparison,
    "sla-monthly": _draw_sla, "revenue-share": _draw_share, "money-spend-revenue": _draw_money,
    "partner-trends": _draw_trends,
}


def _use_chart_style() -> None:
    """Put partnerbook's chart settings into matplotlib's rcParams (once: they then stay).

    Charts are drawn in partnerbook's own processes, where nothing else uses matplotlib, so the
    settings are set once and checked each time.
    """
    import matplotlib

    params: Any = matplotlib.rcParams  # typed with literal keys; _RC holds valid ones
    if any(params[key] != value for key, value in _RC.items()):
        params.update(_RC)


def draw(spec: ChartSpec) -> bytes:
    """The chart as SVG bytes: the same spec gives the same bytes in every process.

    The background is transparent, and the SVG carries its own style for a dark page (``_DARK_STYLE``).
    """
    _use_chart_style()
    svg = _DRAWERS[spec.kind](spec.title, {**dict(spec.data), KEY: spec.key()}).svg()
    end = svg.rindex(b"</svg>")
    return svg[:end] + _DARK_STYLE + svg[end:]


def draw_to(job: tuple[ChartSpec, Path]) -> None:
    """Draw ``spec`` into ``path`` atomically (readers see the whole file or none)."""
    spec, path = job
    workdir.write_atomic(path, draw(spec))  # exclusive temporary file, renamed over whatever was there


def warm_up() -> None:
    """Import what drawing needs (and load the font) once, so forked workers share it."""
    from matplotlib import markers, ticker  # noqa: F401
    from matplotlib.backends import backend_svg  # noqa: F401

    _use_chart_style()
    _text_width(["warm"], TEXT)


def _cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


# ---------------------------------------------------------------------------- checking a chart file

# What matplotlib's SVG renderer writes first: the XML declaration and the SVG 1.1 doctype (no internal subset).
PROLOG = (b'<?xml version="1.0" encoding="utf-8" standalone="no"?>\n'
          b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN"\n'
          b'  "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n')
_SVG, _XLINK = "{http://www.w3.org/2000/svg}", "{http://www.w3.org/1999/xlink}"
_RDF, _CC, _DC = ("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}", "{http://creativecommons.org/ns#}",
                  "{http://purl.org/dc/elements/1.1/}")
_NUMBER = r"-?[0-9]+(?:\.[0-9]+)?(?:e[-+]?[0-9]+)?"
_ID = r"[A-Za-z0-9_-]{1,64}"
# Each attribute matplotlib writes, as a pattern of its whole value: numbers, path data, local references,
# and inline styles of plain properties (no parentheses: no url(), no expression(); no backslash escapes).
_VALUES = {
    "id": _ID, "x": _NUMBER, "y": _NUMBER, "width": rf"{_NUMBER}(?:pt)?", "height": rf"{_NUMBER}(?:pt)?",
    "viewBox": rf"{_NUMBER} {_NUMBER} {_NUMBER} {_NUMBER}", "version": r"1\.1", "type": r"text/css",
    "d": r"[MLQCZz0-9.e \n+-]*", "style": r"[A-Za-z0-9#:;,.%' -]*", "clip-path": rf"url\(#{_ID}\)",
    "transform": rf"(?:(?:translate|rotate|scale)\({_NUMBER}(?: {_NUMBER}){{0,2}}\) ?)*",
    f"{_XLINK}href": rf"#{_ID}", f"{_RDF}resource": r"http://purl\.org/dc/dcmitype/StillImage",
}
_ELEMENTS = {  # element -> the attributes it may have
    f"{_SVG}svg": {"width", "height", "viewBox", "version"}, f"{_SVG}g": {"id", "clip-path"},
    f"{_SVG}defs": set(), f"{_SVG}style": {"type"}, f"{_SVG}path": {"id", "d", "style", "clip-path"},
    f"{_SVG}use": {f"{_XLINK}href", "x", "y", "style"}, f"{_SVG}text": {"style", "x", "y", "transform"},
    f"{_SVG}clipPath": {"id"}, f"{_SVG}rect": {"x", "y", "width", "height"}, f"{_SVG}metadata": set(),
    f"{_RDF}RDF": set(), f"{_CC}Work": set(), f"{_DC}type": {f"{_RDF}resource"}, f"{_DC}format": set(),
    f"{_DC}identifier": set(),
}
_STYLES = {"*{stroke-linejoin: round; stroke-linecap: butt}", _DARK_STYLE.decode("ascii").split(">", 1)[1]
           .rsplit("<", 1)[0]}  # matplotlib's default style and the dark scheme's


@functools.cache
def _patterns() -> dict[str, re.Pattern[str]]:
    return {name: re.compile(pattern) for name, pattern in _VALUES.items()}


def safe_svg(data: bytes, key: str) -> bool:
    """Whether ``data`` is a chart file partnerbook could have drawn for ``key``, and so safe to put in the site.

    The file must be at most MAX_BYTES, start with matplotlib's prolog and hold no other declaration
    (no DTD, so no entity to expand), parse as XML, and contain only the elements, attributes and styles
    matplotlib's SVG renderer writes for a chart (``_ELEMENTS``, ``_VALUES``, ``_STYLES``): no script,
    foreignObject, image, link, event handler or external reference; a ``use`` may only repeat a marker
    path of the file. Its metadata must name ``key``, so a chart filed under another chart's name is
    drawn again.
    """
    import xml.etree.ElementTree as ET

    if len(data) > MAX_BYTES or not data.startswith(PROLOG):
        return False
    body = data[len(PROLOG):]
    if b"<!" in body or b"<?" in body:  # a second doctype, an entity, CDATA or a processing instruction
        return False
    try:
        root = ET.fromstring(body)
    except (ET.ParseError, ValueError, RecursionError):
        return False
    if root.tag != f"{_SVG}svg":
        return False
    patterns, markers, uses, identities = _patterns(), set(), [], []
    for parent in root.iter():
        for element in parent:  # what is inside a defs may be used; nothing else is
            if parent.tag == f"{_SVG}defs" and element.tag == f"{_SVG}path" and "id" in element.attrib:
                markers.add(element.attrib["id"])
    for element in root.iter():
        allowed = _ELEMENTS.get(element.tag)
        if allowed is None or not set(element.attrib) <= allowed:
            return False
        if any(not patterns[name].fullmatch(value) for name, value in element.attrib.items()):
            return False
        text = element.text or ""
        if element.tag == f"{_SVG}style" and text not in _STYLES:
            return False
        if element.tag == f"{_DC}identifier":
            identities.append(text)
        elif element.tag not in (f"{_SVG}text", f"{_SVG}style", f"{_DC}format") and text.strip():
            return False
        if (element.tail or "").strip():
            return False
        if element.tag == f"{_SVG}use":
            uses.append(element.attrib.get(f"{_XLINK}href", "")[1:])
    return identities == [IDENTITY.format(key=key)] and all(use in markers for use in uses)


# ---------------------------------------------------------------------------- the cache

def _digest(path: Path) -> str | None:
    data = workdir.read_regular(path, MAX_BYTES)
    return hashlib.sha256(data).hexdigest() if data is not None else None


def load_index(cache_dir: Path) -> dict[str, str]:
    """The sealed index of the chart cache (key -> SHA-256), empty when missing, damaged or foreign."""
    body = workdir.unpack(_PURPOSE, workdir.read_regular(cache_dir / INDEX))
    try:
        index = json.loads(body) if body is not None else {}
    except ValueError:
        return {}
    if not isinstance(index, dict):
        return {}
    return {key: digest for key, digest in index.items() if type(digest) is str and len(digest) == 64}


def _save_index(cache_dir: Path, index: dict[str, str]) -> None:
    body = json.dumps(index, sort_keys=True).encode("utf-8")
    workdir.write_atomic(cache_dir / INDEX, workdir.pack(_PURPOSE, body))


def record_charts(cache_dir: Path, paths: dict[str, Path], drawn: Iterable[Path]) -> None:
    """Seal the index of the charts in ``paths`` after the ``drawn`` ones were (re)drawn."""
    old = load_index(cache_dir)
    index = {key: old[key] for key in paths if key in old}
    for path in drawn:
        digest = _digest(path)
        if digest is not None:
            index[path.stem] = digest
        else:
            index.pop(path.stem, None)
    if index != old:
        _save_index(cache_dir, index)


def plan_charts(specs: Iterable[ChartSpec], cache_dir: Path) -> tuple[dict[str, Path], list[tuple[ChartSpec, Path]]]:
    """Every chart's path ``cache_dir/<key>.svg``, and the (spec, path) jobs of those to draw.

    A chart file is used when the sealed index holds the digest of its bytes, or when it passes
    ``safe_svg`` (a cache restored from another machine, say); the index then records it, so it is
    checked once. Every other chart is drawn.
    """
    os.makedirs(cache_dir, exist_ok=True)
    index = load_index(cache_dir)
    paths: dict[str, Path] = {}
    missing: list[tuple[ChartSpec, Path]] = []
    checked: dict[str, str] = {}
    for spec in specs:
        key = spec.key()
        if key in paths:
            continue
        path = paths[key] = cache_dir / f"{key}.svg"
        data = workdir.read_regular(path, MAX_BYTES)
        digest = hashlib.sha256(data).hexdigest() if data is not None else None
        if digest is None or (digest != index.get(key) and not safe_svg(data or b"", key)):
            missing.append((spec, path))
        elif digest != index.get(key):
            checked[key] = digest
    if checked:
        _save_index(cache_dir, {**index, **checked})
    return paths, missing


def _quiet_worker() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's: no traceback from workers


def render_charts(specs: Iterable[ChartSpec], cache_dir: Path, jobs: int | None = None) -> dict[str, Path]:
    """Every chart as ``cache_dir/<key>.svg``, drawing only the missing ones (in parallel when many)."""
    paths, missing = plan_charts(specs, cache_dir)
    workers = min(jobs or _cpus(), len(missing))
    if len(missing) > PARALLEL_MIN and workers > 1:
        with ProcessPoolExecutor(workers, initializer=_quiet_worker) as pool:
            list(pool.map(draw_to, missing, chunksize=max(1, len(missing) // (workers * 4))))
    else:
        for job in missing:
            draw_to(job)
    record_charts(cache_dir, paths, [path for _, path in missing])
    return paths
