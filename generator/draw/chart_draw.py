"""Drawing of chart specs: matplotlib without pyplot, deterministic SVG, a content-addressed cache.

A spec (generator/draw/charts.py) holds everything a chart depends on, so the file
``<key>.svg`` is drawn once and never again while the data is the same. Charts are
drawn in a fixed style (hash salt, text kept as text, no math text, no dates), so the
same spec gives the same bytes in every process; missing charts are drawn in a pool
of processes. Names in charts come from records: matplotlib escapes them in the SVG
XML, and math text is off so a ``$`` stays a dollar sign.

Charts read in both colour schemes of the site: the background is transparent, and a style sheet
inside the SVG redraws the black ink (text, axes, the target line) light, and the blue brighter, where
the image is shown in a dark colour scheme (``prefers-color-scheme: dark`` inside an image follows the
``color-scheme`` of the page around it, which Material's dark "slate" scheme sets). Words come from
the spec, already translated (generator/draw/charts.py); numbers are written in the spec's locale.

The cache folder is as untrusted as the rest of the repository's folder: a chart file is used
only when ``index.json`` (sealed with this machine's key, generator/workdir.py) holds the SHA-256
of its bytes. A file shipped under a chart's name, damaged, or replaced by a symlink or a folder is
drawn again.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import signal
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator import i18n, workdir
from generator.draw.charts import ChartSpec

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

BLUE, ORANGE, VERMILLION, GREY, BLACK = "#0072B2", "#E69F00", "#D55E00", "#999999", "#000000"  # Okabe-Ito
SKY_BLUE, LIGHT_INK, LIGHT_LINE = "#56B4E9", "#E6E8EC", "#C9CCD3"  # the dark scheme's blue (Okabe-Ito) and ink
INDEX = "index.json"  # key -> SHA-256 of the chart's bytes, sealed
_PURPOSE = b"charts"
PARALLEL_MIN = 8  # below this many charts to draw, a process pool costs more than it saves
# Text sizes in points of a WIDTH-inch figure. The site shows a chart at its natural width (WIDTH x 96 px) or
# narrower, never narrower than NARROWEST_PX (partnerbook.css; a phone scrolls it sideways), so the smallest
# text, SMALL points, is at least SMALL x NARROWEST_PX / (WIDTH x 72) = 9 px high on any screen.
TEXT, SMALL, TITLE = 9.5, 9.0, 11.0
NARROWEST_PX = 432
_RC = {
    "svg.hashsalt": "partnerbook", "svg.fonttype": "none", "text.usetex": False, "text.parse_math": False,
    "font.family": "sans-serif", "font.sans-serif": ["DejaVu Sans"], "font.size": TEXT,
    "axes.titlesize": TEXT, "figure.titlesize": TITLE, "legend.fontsize": SMALL, "legend.frameon": False,
    "xtick.labelsize": SMALL, "ytick.labelsize": SMALL,
    "axes.spines.top": False, "axes.spines.right": False, "axes.formatter.useoffset": False,
    "axes.titley": 1.0,  # a fixed title position: finding one per axes costs ~7 ms
}
_METADATA = {"Date": None, "Creator": None}
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


# ---------------------------------------------------------------------------- drawing
# Margins are set in inches from measured label widths: a layout engine would draw every chart twice.

WIDTH = 6.0
TITLE_IN, PANEL_TITLE_IN, XAXIS_IN, LEGEND_IN, PAD_IN = 0.4, 0.26, 0.48, 0.3, 0.12
LINE_IN = TITLE / 72 * 1.25  # one more line of a title that wraps


def _words(data: dict[str, Any], **english: str) -> dict[str, str]:
    """The words of a spec (already translated), English where a spec has none."""
    given = dict(data.get("text", ()))
    return {key: given.get(key, default) for key, default in english.items()}


def _number(value: float, pattern: str, data: dict[str, Any]) -> str:
    """A number in the spec's locale: ``12.5%`` / ``12,5%``, ``1,200`` / ``1.200``."""
    from babel.numbers import format_decimal, format_percent

    locale = i18n.locale(data.get("locale") or i18n.SOURCE)
    if pattern.endswith("%"):
        return format_percent(value, format=pattern, locale=locale)
    return format_decimal(value, format=pattern, locale=locale)


def _money(amount: float, currency: str, data: dict[str, Any]) -> str:
    return f"{_number(amount, '#,##0.00', data)} {currency}"


def _text_width(texts: Iterable[str], size: float) -> float:
    """Width in inches of the widest of ``texts`` (measuring the longest few is enough)."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    longest = sorted(texts, key=len, reverse=True)[:3]
    measure = TextToPath().get_text_width_height_descent
    return max((measure(text, FontProperties(size=size), ismath=False)[0] for text in longest), default=0) / 72


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


def _new_figure(title: tuple[str, float, float], height: float) -> Figure:
    """A figure ``height`` inches high plus what a wrapped ``title`` (``_title``) adds."""
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    text, size, extra = title
    figure = Figure(figsize=(WIDTH, height + extra))
    FigureCanvasSVG(figure)
    figure.suptitle(text, y=1 - PAD_IN / 2 / (height + extra), va="top", fontsize=size, linespacing=1.25)
    return figure


def _adjust(figure: Figure, *, left: float, bottom: float, top: float, right: float = 0.2,
            wgap: float = 0.0, hgap: float = 0.0, grid: tuple[int, int] = (1, 1)) -> None:
    """subplots_adjust from margins and gaps between panels in inches."""
    width, height = figure.get_size_inches()
    rows, columns = grid
    panel_w = (width - left - right - wgap * (columns - 1)) / columns
    panel_h = (height - top - bottom - hgap * (rows - 1)) / rows
    figure.subplots_adjust(left=left / width, right=1 - right / width, bottom=bottom / height,
                           top=1 - top / height, wspace=wgap / panel_w, hspace=hgap / panel_h)


def _legend(figure: Figure, handles: list[Any], labels: list[str]) -> None:
    figure.legend(handles, labels, loc="lower center", bbox_to_anchor=(0.5, 0.0), ncols=len(labels),
                  borderaxespad=0.3)


def _percent_axis(ax: Axes, values: Iterable[float], data: dict[str, Any], room: float = 1.22) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    values = list(values)
    ax.set_xlim(min(0.0, *values), max(0.01, *values) * room)  # room for the value labels
    ax.xaxis.set_major_locator(MaxNLocator(nbins=4, steps=[1, 2, 2.5, 5, 10]))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: _number(round(x, 8), "#,##0.##%", data)))


def _fitted(text: str, width: float) -> tuple[str, float]:
    """``text`` at TEXT points, or SMALL, or cut with an ellipsis at SMALL: never wider than ``width`` inches."""
    for size in (TEXT, SMALL):
        if _text_width([text], size) <= width:
            return text, size
    while len(text) > 1 and _text_width([text + "…"], SMALL) > width:
        text = text[:-1]
    return text.rstrip() + "…", SMALL


def _row_labels(ax: Axes, labels: Sequence[str]) -> None:
    """Row names as plain texts left of the axes: tick objects cost a millisecond each."""
    transform = ax.get_yaxis_transform()  # x in axes fraction, y in data
    for i, label in enumerate(labels):
        ax.text(-0.015, i, label, transform=transform, ha="right", va="center")
    ax.set_yticks([])
    ax.set_ylim(len(labels) - 0.5, -0.5)  # first row on top


def _value_label(ax: Axes, x: float, y: float, text: str, unknown: bool) -> None:
    """A bar's value, a little right of its end (grey for n/a)."""
    ax.annotate(text, (x, y), xytext=(3, 0), textcoords="offset points", va="center", fontsize=SMALL,
                color=GREY if unknown else BLACK)


def _bars(ax: Axes, rows: Sequence[float | None], offset: float, height: float, colour: str, series: str,
          data: dict[str, Any], na: str, money: Sequence[str] | None = None) -> None:
    """One series of horizontal bars with value labels; n/a rows get an "n/a" note, never a bar."""
    known = [(i, value) for i, value in enumerate(rows) if value is not None]
    if known:
        ax.barh([i + offset for i, _ in known], [v for _, v in known], height=height, color=colour, label=series)
    for i, value in enumerate(rows):
        note = na if value is None else _number(value, "#,##0.0%", data) + (f" ({money[i]})" if money else "")
        _value_label(ax, value or 0.0, i + offset, note, value is None)


def _draw_comparison(title: str, data: dict[str, Any]) -> Figure:
    words = _words(data, value="Partner-driven", baseline="Baseline", na="n/a", axis="{kpi} (%)")
    panels = data["panels"]
    labels = [label for label, _, _ in panels[0][1]]
    heading = _title(title)
    top, bottom = TITLE_IN + heading[2] + PANEL_TITLE_IN, XAXIS_IN + LEGEND_IN
    figure = _new_figure(heading, max(2.8, top - heading[2] + bottom + 0.4 * len(labels)))
    axes = figure.subplots(1, len(panels), sharey=True, squeeze=False)[0]
    _adjust(figure, left=_text_width(labels, TEXT) + 0.2, bottom=bottom, top=top, wgap=0.3,
            grid=(1, len(panels)))
    for ax, (name, rows) in zip(axes, panels, strict=True):
        _bars(ax, [value for _, value, _ in rows], -0.2, 0.4, BLUE, words["value"], data, words["na"])
        _bars(ax, [base for _, _, base in rows], 0.2, 0.4, ORANGE, words["baseline"], data, words["na"])
        _percent_axis(ax, [n for _, v, b in rows for n in (v, b) if n is not None], data)
        ax.set_title(name)
        ax.set_xlabel(words["axis"].format(kpi=name))
    _row_labels(axes[0], labels)
    handles = {label: handle for ax in axes for handle, label in zip(*ax.get_legend_handles_labels(), strict=True)}
    _legend(figure, list(handles.values()), list(handles))
    return figure


def _draw_sla(title: str, data: dict[str, Any]) -> Figure:
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    words = _words(data, measured="Measured", target="Target", breached="Breached", value="value")
    months, metrics = data["months"], data["metrics"]
    names = data.get("ticks") or tuple(f"{month[5:]}/{month[2:4]}" for month in months)
    columns = 1 if len(metrics) == 1 else 2
    rows = math.ceil(len(metrics) / columns)
    heading = _title(title)
    top, bottom, hgap = TITLE_IN + heading[2] + PANEL_TITLE_IN, 0.28 + LEGEND_IN, 0.28 + PANEL_TITLE_IN + 0.1
    figure = _new_figure(heading, top - heading[2] + bottom + 1.5 * rows + hgap * (rows - 1))
    # Only the panels drawn: a hidden spare panel would cost as much as a drawn one.
    axes = [figure.add_subplot(rows, columns, i + 1) for i in range(len(metrics))]
    _adjust(figure, left=0.75, bottom=bottom, top=top, wgap=0.85, hgap=hgap, grid=(rows, columns))
    step = math.ceil(len(months) / (8 // columns))
    ticks = list(range(0, len(months), step))
    positions = range(len(months))
    panel_w = (WIDTH - 0.75 - 0.2 - 0.85 * (columns - 1)) / columns
    for number, (ax, (name, unit, target, _better, series)) in enumerate(zip(axes, metrics, strict=False)):
        values = [math.nan if p is None else p[0] for p in series]
        ax.plot(positions, values, color=BLUE, marker="o", markersize=3, linewidth=1.2)
        missed = [(i, p[0]) for i, p in enumerate(series) if p is not None and not p[1]]
        if missed:
            ax.plot(*zip(*missed, strict=True), linestyle="none", marker="X", markersize=7, color=VERMILLION)
        ax.axhline(target, color=BLACK, linestyle="--", linewidth=1)
        # A left panel's title may reach into the gap before the next panel's axis labels.
        shown, size = _fitted(name, panel_w + (0.35 if number % columns < columns - 1 else 0.15))
        ax.set_title(shown, loc="left", fontsize=size)
        ax.set_ylabel(unit or words["value"])
        ax.set_xticks([])  # month names as plain texts: tick objects cost a millisecond each
        for i in ticks:
            ax.text(i, -0.04, names[i], ha="center", va="top", fontsize=SMALL, transform=ax.get_xaxis_transform())
        ax.set_xlim(-0.5, len(months) - 0.5)
        ax.yaxis.set_major_locator(MaxNLocator(nbins=4))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _: _number(round(y, 8), "#,##0.###", data)))
    handles = [Line2D([], [], color=BLUE, marker="o", markersize=3),
               Line2D([], [], color=BLACK, linestyle="--"),
               Line2D([], [], color=VERMILLION, marker="X", linestyle="none", markersize=7)]
    _legend(figure, handles, [words["measured"], words["target"], words["breached"]])
    return figure


def _draw_share(title: str, data: dict[str, Any]) -> Figure:
    currency, rows = data["currency"], data["rows"]
    words = _words(data, na="n/a", axis=f"Share of partner revenue (%; revenue in {currency})")
    labels = [label for label, _, _ in rows]
    heading = _title(title)
    top, bottom = TITLE_IN + heading[2], XAXIS_IN + PAD_IN
    figure = _new_figure(heading, max(2.4, top - heading[2] + bottom + 0.32 * len(rows)))
    ax = figure.subplots()
    _adjust(figure, left=_text_width(labels, TEXT) + 0.2, bottom=bottom, top=top)
    _bars(ax, [share for _, share, _ in rows], 0.0, 0.65, BLUE, "", data, words["na"],
          money=[words["na"] if amount is None else _money(amount, currency, data) for _, _, amount in rows])
    _percent_axis(ax, [share for _, share, _ in rows], data, room=1.55)
    _row_labels(ax, labels)
    ax.set_xlabel(words["axis"])
    return figure


def _draw_money(title: str, data: dict[str, Any]) -> Figure:
    """Spend and attributed revenue per partner, side by side, with the amounts written beside the bars."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    currency, rows = data["currency"], data["rows"]
    words = _words(data, spend="Spend", revenue="Attributed revenue", na="n/a", axis=f"{currency}, all years")
    labels = [label for label, _, _ in rows]
    heading = _title(title)
    top, bottom = TITLE_IN + heading[2], XAXIS_IN + LEGEND_IN
    figure = _new_figure(heading, max(2.6, top - heading[2] + bottom + 0.46 * len(rows)))
    ax = figure.subplots()
    _adjust(figure, left=_text_width(labels, TEXT) + 0.2, bottom=bottom, top=top)
    values = [v for _, spend, revenue in rows for v in (spend, revenue) if v is not None]
    for offset, colour, series, index in ((-0.2, VERMILLION, words["spend"], 1), (0.2, BLUE, words["revenue"], 2)):
        known = [(i, row[index]) for i, row in enumerate(rows) if row[index] is not None]
        if known:
            ax.barh([i + offset for i, _ in known], [max(v, 0.0) for _, v in known], height=0.4, color=colour,
                    label=series)
        for i, row in enumerate(rows):
            value = row[index]
            note = words["na"] if value is None else _money(value, currency, data)
            _value_label(ax, max(value or 0.0, 0.0), i + offset, note, value is None)
    ax.set_xlim(0, max(1.0, *values) * 1.6)  # room for the amounts
    ax.xaxis.set_major_locator(MaxNLocator(nbins=4))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: _number(x, "#,##0", data)))
    ax.set_xlabel(words["axis"])
    _row_labels(ax, labels)
    _legend(figure, *ax.get_legend_handles_labels())
    return figure


TREND_PANEL_IN, TREND_LEFT_IN, TREND_GAP_IN = 1.15, 0.62, 0.62  # a trend panel's height, y labels, column gap


def _place(figure: Figure, left: float, top: float, width: float, height: float) -> Axes:
    """Axes ``width`` x ``height`` inches at ``left``, ``top`` inches from the figure's top left corner."""
    fig_w, fig_h = figure.get_size_inches()
    return figure.add_axes((left / fig_w, 1 - (top + height) / fig_h, width / fig_w, height / fig_h))


def _trend_panel(ax: Axes, name: str, values: Sequence[float | None], data: dict[str, Any], na: str,
                 width: float) -> None:
    """One KPI campaign after campaign: a line through the known figures, each written above its point.

    An n/a campaign breaks the line and gets a grey "n/a" (never a point at 0). The figures are written
    only where they fit side by side; the axis and the alt text still give them.
    """
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    shown, size = _fitted(name, width)
    ax.set_title(shown, loc="left", fontsize=size)
    known = [(i, value) for i, value in enumerate(values) if value is not None]
    numbers = [value for _, value in known]
    low, high = min([0.0, *numbers]), max([0.01, *numbers])
    span = high - low
    ax.set_xlim(-0.5, len(values) - 0.5)
    ax.set_ylim(low - (0.1 * span if low < 0 else 0.0), high + 0.4 * span)  # room for the figures
    ax.set_xticks([])
    ax.yaxis.set_major_locator(MaxNLocator(nbins=3, steps=[1, 2, 2.5, 5, 10]))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _: _number(round(y, 8), "#,##0.##%", data)))
    if low < 0:
        ax.axhline(0.0, color=GREY, linewidth=0.8)
    if not known:
        ax.set_yticks([])  # no scale for no figures
    else:
        ax.plot(range(len(values)), [math.nan if value is None else value for value in values], color=BLUE,
                marker="o", markersize=4, linewidth=1.4)
    texts = [_number(value, "#,##0.0%", data) for value in numbers]
    if _text_width(texts, SMALL) <= width / len(values) - 0.04:
        for (i, value), text in zip(known, texts, strict=True):
            ax.annotate(text, (i, value), xytext=(0, 4), textcoords="offset points", ha="center", va="bottom",
                        fontsize=SMALL)
    for i in (i for i, value in enumerate(values) if value is None):
        ax.text(i, 0.5, na, ha="center", va="center", fontsize=SMALL, color=GREY, transform=ax.get_xaxis_transform())


def _draw_trends(title: str, data: dict[str, Any]) -> Figure:
    """Small multiples: a partner's KPIs campaign after campaign (two columns), its SLA attainment by month below."""
    from matplotlib.patches import Patch
    from matplotlib.ticker import FixedLocator, FuncFormatter

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
    figure = _new_figure(heading, top - heading[2])
    for number, ((name, values), (panel_left, panel_top)) in enumerate(zip(panels, boxes, strict=False)):
        ax = _place(figure, panel_left, panel_top, panel_w, TREND_PANEL_IN)
        _trend_panel(ax, name, values, data, words["na"], panel_w)
        if number // 2 == rows - 1:  # the bottom row names the campaigns (plain texts: ticks cost more)
            for i, label in enumerate(names):
                ax.text(i, -0.05, label, ha="center" if upright else "right", va="top", fontsize=SMALL,
                        rotation=0 if upright else 45, rotation_mode="anchor", transform=ax.get_xaxis_transform())
    if months:
        width = WIDTH - left - 0.2
        ax = _place(figure, left, sla_top, width, TREND_PANEL_IN)
        shown, size = _fitted(words["sla"], width)
        ax.set_title(shown, loc="left", fontsize=size)
        known = [(i, value) for i, value in enumerate(attainment) if value is not None]
        ax.bar([i for i, _ in known], [value for _, value in known], width=0.7,
               color=[BLUE if value >= 1 - 1e-9 else VERMILLION for _, value in known])
        ax.set_xlim(-0.5, len(months) - 0.5)
        ax.set_ylim(0, 1.35)  # room for the figures
        ax.yaxis.set_major_locator(FixedLocator([0.0, 0.5, 1.0]))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _: _number(round(y, 8), "#,##0%", data)))
        ax.set_xticks([])
        slot = width / len(months)
        texts = [_number(value, "#,##0%", data) for _, value in known]
        if _text_width(texts, SMALL) <= slot - 0.04:
            for (i, value), text in zip(known, texts, strict=True):
                ax.annotate(text, (i, value), xytext=(0, 2), textcoords="offset points", ha="center",
                            va="bottom", fontsize=SMALL)
        if _text_width([words["na"]], SMALL) <= slot - 0.04:
            for i, value in enumerate(attainment):
                if value is None:
                    ax.text(i, 0.02, words["na"], ha="center", va="bottom", fontsize=SMALL, color=GREY)
        step = next((s for s in range(1, len(months)) if _text_width(ticks, SMALL) <= slot * s - 0.06), len(months))
        for i in range(0, len(months), step):
            ax.text(i, -0.05, ticks[i], ha="center", va="top", fontsize=SMALL, transform=ax.get_xaxis_transform())
        _legend(figure, [Patch(color=BLUE), Patch(color=VERMILLION)], [words["met"], words["missed"]])
    return figure


_DRAWERS: dict[str, Callable[[str, dict[str, Any]], Figure]] = {
    "partner-funnel": _draw_comparison, "campaign-comparison": _draw_comparison,
    "sla-monthly": _draw_sla, "revenue-share": _draw_share, "money-spend-revenue": _draw_money,
    "partner-trends": _draw_trends,
}


def _use_chart_style() -> None:
    """Put partnerbook's chart settings into matplotlib's rcParams (once: they then stay).

    A ``rc_context`` per chart would copy the whole rcParams twice a chart, about a
    tenth of the drawing time; charts are drawn in partnerbook's own processes, where
    nothing else uses matplotlib, so the settings are set once and checked each time.
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
    figure = _DRAWERS[spec.kind](spec.title, dict(spec.data))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", metadata=_METADATA, transparent=True)
    svg = buffer.getvalue()
    end = svg.rindex(b"</svg>")
    return svg[:end] + _DARK_STYLE + svg[end:]


def draw_to(job: tuple[ChartSpec, Path]) -> None:
    """Draw ``spec`` into ``path`` atomically (readers see the whole file or none)."""
    spec, path = job
    workdir.write_atomic(path, draw(spec))  # exclusive temporary file, renamed over whatever was there


def warm_up() -> None:
    """Import what drawing needs (and load the font cache) once, so forked workers share it."""
    from matplotlib.backends import backend_svg  # noqa: F401
    from matplotlib.figure import Figure  # noqa: F401

    _use_chart_style()
    _text_width(["warm"], TEXT)


def _cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _digest(path: Path) -> str | None:
    data = workdir.read_regular(path)
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
        body = json.dumps(index, sort_keys=True).encode("utf-8")
        workdir.write_atomic(cache_dir / INDEX, workdir.pack(_PURPOSE, body))


def plan_charts(specs: Iterable[ChartSpec], cache_dir: Path) -> tuple[dict[str, Path], list[tuple[ChartSpec, Path]]]:
    """Every chart's path ``cache_dir/<key>.svg``, and the (spec, path) jobs of those to draw.

    A chart is drawn unless the sealed index holds the digest of the bytes its file has now.
    """
    os.makedirs(cache_dir, exist_ok=True)
    index = load_index(cache_dir)
    paths: dict[str, Path] = {}
    missing: list[tuple[ChartSpec, Path]] = []
    for spec in specs:
        key = spec.key()
        if key not in paths:
            paths[key] = cache_dir / f"{key}.svg"
            if key not in index or _digest(paths[key]) != index[key]:
                missing.append((spec, paths[key]))
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
