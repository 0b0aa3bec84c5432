"""A sheet and its panels: a chart drawn straight onto matplotlib's SVG renderer, as its artists would draw it.

matplotlib's Figure, Axes and artists cost about a millisecond for each tick, label, bar or axes (they are
general: units, transforms, autoscaling, layout); a chart here knows its layout, so it hands matplotlib's SVG
renderer the paths and texts those artists would hand it, at the same places, in the same styles (text laid
out by matplotlib's own measure and rules), so a chart looks as a Figure of the same layout would.
"""

from __future__ import annotations

import functools
import io
import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from generator.draw.chart_style import (
    BLACK,
    DASHES,
    LABEL_PAD,
    MARKER_EDGE,
    PAD_IN,
    PT,
    SMALL,
    SPINE,
    TEXT,
    TICK,
    TICK_PAD,
    TITLE_PAD,
    WIDTH,
)
from generator.draw.chart_text import _extent, _font, _width

_METADATA = {"Date": None, "Creator": None}  # and the Identifier: IDENTITY with the chart's key
IDENTITY = "partnerbook chart {key}"
KEY = "key"  # the chart's key in the data a drawer gets (no spec field is named so)


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
