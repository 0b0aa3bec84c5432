"""The layout of each kind of chart (comparison, SLA, share, money, trends) and the legends and bars they share."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from generator.draw.chart_sheet import _autoscaled, _Panel, _Sheet, _ticks
from generator.draw.chart_style import (
    BLACK,
    BLUE,
    GREY,
    LEGEND_IN,
    LINE,
    ORANGE,
    PAD_IN,
    PANEL_TITLE_IN,
    PATCH_EDGE,
    SMALL,
    TEXT,
    TITLE_IN,
    VERMILLION,
    WIDTH,
    XAXIS_IN,
)
from generator.draw.chart_text import _extent, _fitted, _money, _number, _text_width, _title, _width, _words

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


_DRAWERS: dict[str, Callable[[str, dict[str, Any]], _Sheet]] = {
    "partner-funnel": _draw_comparison, "campaign-comparison": _draw_comparison,
    "sla-monthly": _draw_sla, "revenue-share": _draw_share, "money-spend-revenue": _draw_money,
    "partner-trends": _draw_trends,
}
