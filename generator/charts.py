"""Draw stage: chart specs from the KPI report, drawn as deterministic SVG into a content-addressed cache.

A ``ChartSpec`` is plain data (tuples of primitives) holding everything a drawing depends on, so its
key is stable and the file ``<key>.svg`` never needs redrawing. Specs are made only where there is
data; n/a values are skipped, never drawn as 0. matplotlib is imported only to draw, without pyplot,
and inside a fixed rc context (hash salt, text kept as text, no math text, no dates) so the same spec
gives the same bytes in every process. Names in charts come from records: matplotlib escapes them in
the SVG XML, and math text is off so a ``$`` stays a dollar sign.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.kpis import KpiReport
from generator.portfolio import Portfolio

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

STYLE_VERSION = "1"
BLUE, ORANGE, VERMILLION, GREY, BLACK = "#0072B2", "#E69F00", "#D55E00", "#999999", "#000000"  # Okabe-Ito
MAX_ROWS = 30  # bars per chart; a revenue share folds the rest into one "other partners" bar
MAX_MONTHS = 24
LABEL_CHARS = 28
PARALLEL_MIN = 8  # below this many charts to draw, a process pool costs more than it saves
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_RC = {
    "svg.hashsalt": "partnerbook", "svg.fonttype": "none", "text.usetex": False, "text.parse_math": False,
    "font.family": "sans-serif", "font.sans-serif": ["DejaVu Sans"], "font.size": 8.0,
    "axes.titlesize": 9.0, "figure.titlesize": 10.0, "legend.fontsize": 7.5, "legend.frameon": False,
    "axes.spines.top": False, "axes.spines.right": False, "axes.formatter.useoffset": False,
    "axes.titley": 1.0,  # a fixed title position: finding one per axes costs ~7 ms
}
_METADATA = {"Date": None, "Creator": None}


@dataclass(frozen=True)
class ChartSpec:
    """One chart: what it shows (``kind``, ``title``, ``data``) and how the page describes it (``alt``)."""

    kind: str  # "partner-funnel" | "sla-monthly" | "campaign-comparison" | "revenue-share"
    title: str
    alt: str
    data: tuple[Any, ...]  # ((field, value), ...), values tuples of primitives

    def key(self) -> str:
        """Content address: changes when anything drawn changes (alt text is not drawn)."""
        payload = json.dumps([self.kind, self.title, self.data, STYLE_VERSION, _matplotlib_version()],
                             ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


@cache
def _matplotlib_version() -> str:
    return version("matplotlib")  # another matplotlib draws other bytes: a new key, a fresh cache


# ---------------------------------------------------------------------------- specs from the KPIs

def _short(text: str, limit: int = LABEL_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _num(value: Any, digits: int = 6) -> float | None:
    """A finite number rounded for a stable key, or None (n/a)."""
    if value is None or isinstance(value, bool):
        return None
    number = float(value)
    return round(number, digits) if math.isfinite(number) else None


def _ratio(numerator: Any, denominator: Any) -> float | None:
    num, den = _num(numerator), _num(denominator)
    return None if num is None or not den else _num(num / den)


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def _money(amount: float | None, currency: str) -> str:
    return "n/a" if amount is None else f"{currency} {amount:,.0f}"


def _listed(items: Sequence[str], limit: int = 5) -> str:
    more = f"; and {len(items) - limit} more" if len(items) > limit else ""
    return "; ".join(items[:limit]) + more


def _partner_name(portfolio: Portfolio, partner_id: str) -> str:
    entry = portfolio.partners.get(partner_id)
    return entry.partner.name if entry is not None and entry.partner is not None else partner_id


Row = tuple[str, float | None, float | None]  # label, value, baseline


def _comparison(rows: Sequence[tuple[str, Any]], report: KpiReport) -> tuple[tuple[str, tuple[Row, ...]], ...]:
    """Conversion and cart abandonment panels for ``(label, results row)`` pairs; panels without data dropped."""
    conversion: list[Row] = []
    abandonment: list[Row] = []
    for label, row in rows:
        kpis = report.campaigns[row.campaign].partners.get(row.partner, {})
        base_abandonment = _ratio(row.base_orders, row.base_carts)
        conversion.append((label, _num(kpis.get("conversion_rate")), _ratio(row.base_orders, row.base_sessions)))
        abandonment.append((label, _num(kpis.get("cart_abandonment_rate")),
                            None if base_abandonment is None else _num(1 - base_abandonment)))
    panels = (("Conversion rate", tuple(conversion)), ("Cart abandonment rate", tuple(abandonment)))
    return tuple(panel for panel in panels if any(value is not None for _, value, _ in panel[1]))


def _comparison_alt(subject: str, panels: tuple[tuple[str, tuple[Row, ...]], ...]) -> str:
    sentences = []
    for name, rows in panels:
        figures = [f"{label} {_pct(value)}" + ("" if base is None else f" against a {_pct(base)} baseline")
                   for label, value, base in rows if value is not None]
        sentences.append(f"{name} {subject}: {_listed(figures)}.")
    return " ".join(sentences)


def partner_charts(partner_id: str, portfolio: Portfolio, report: KpiReport) -> list[ChartSpec]:
    """A partner's scorecard charts: funnel rates per campaign against the baseline, and monthly SLA."""
    name = _partner_name(portfolio, partner_id)
    specs: list[ChartSpec] = []
    mine: dict[str, Any] = {}
    for row in report.rows_by_partner.get(partner_id, []):
        mine.setdefault(row.campaign, row)  # first row of each campaign
    campaigns = {c: portfolio.campaigns[c].record for c in mine if c in portfolio.campaigns}
    rows = sorted((row for row in mine.values() if row.campaign in campaigns),
                  key=lambda r: (campaigns[r.campaign].start, r.campaign))[-MAX_ROWS:]
    panels = _comparison([(_short(campaigns[r.campaign].name), r) for r in rows], report)
    if panels:
        specs.append(ChartSpec("partner-funnel", f"{_short(name, 60)}: campaign funnel against baseline",
                               _comparison_alt(f"by campaign for {name}", panels), (("panels", panels),)))
    sla_spec = _sla_chart(partner_id, name, portfolio, report)
    if sla_spec is not None:
        specs.append(sla_spec)
    return specs


def _month_range(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    months = []
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _sla_chart(partner_id: str, name: str, portfolio: Portfolio, report: KpiReport) -> ChartSpec | None:
    entry, kpis = portfolio.partners[partner_id], report.partners.get(partner_id)
    if entry.sla is None or kpis is None or kpis.sla is None or not kpis.sla.monthly:
        return None
    monthly = kpis.sla.monthly
    all_months = _month_range(min(row.month for row in monthly), max(row.month for row in monthly))
    months = tuple(all_months[-MAX_MONTHS:])
    points = {(row.metric, row.month): (_num(row.value), row.met) for row in monthly}
    metrics, sentences = [], []
    for metric in entry.sla.record.metrics:
        series = tuple(points.get((metric.id, month)) for month in months)
        measured = [(month, p) for month, p in zip(months, series, strict=True) if p is not None]
        if not measured:
            continue
        unit = metric.unit or ""
        metrics.append((_short(metric.name, 48), unit, _num(metric.target), metric.better, series))
        breached = [f"{month} ({value:g}{unit})" for month, (value, met) in measured if not met]
        sentences.append(f"{metric.name}: target {metric.target:g}{unit} ({metric.better} is better), met in "
                         f"{len(measured) - len(breached)} of {len(measured)} months"
                         + (f", breached in {_listed(breached, 4)}" if breached else ""))
    if not metrics:
        return None
    span = f"{months[0]} to {months[-1]}"
    title = f"{_short(name, 60)}: SLA by month" + (f" (last {MAX_MONTHS} months)" if len(all_months) > MAX_MONTHS
                                                      else "")
    alt = f"Monthly SLA measurements for {name}, {span}. " + ". ".join(sentences) + "."
    return ChartSpec("sla-monthly", title, alt, (("months", months), ("metrics", tuple(metrics))))


def campaign_charts(campaign_id: str, portfolio: Portfolio, report: KpiReport) -> list[ChartSpec]:
    """A campaign report's charts: partners against their baselines, and each partner's revenue share."""
    campaign = portfolio.campaigns[campaign_id].record
    kpis = report.campaigns.get(campaign_id)
    if kpis is None:
        return []
    frame = report.results
    rows = frame[frame["campaign"] == campaign_id].drop_duplicates("partner")
    names = {pid: _partner_name(portfolio, pid) for pid in rows["partner"]}
    shown = rows
    if len(rows) > MAX_ROWS:  # the partners that brought the most traffic
        shown = rows.assign(_s=rows["sessions"].fillna(-1)).sort_values(["_s", "partner"], ascending=[False, True])
    ordered = sorted(shown.head(MAX_ROWS).itertuples(index=False), key=lambda r: (names[r.partner].casefold(),
                                                                                   r.partner))
    specs: list[ChartSpec] = []
    panels = _comparison([(_short(names[r.partner]), r) for r in ordered], report)
    if panels:
        part = f" ({MAX_ROWS} of {len(rows)} partners, most sessions)" if len(rows) > MAX_ROWS else ""
        specs.append(ChartSpec("campaign-comparison", f"{_short(campaign.name, 60)}: partners against baseline{part}",
                               _comparison_alt(f"by partner in {campaign.name}", panels), (("panels", panels),)))
    revenue = {r.partner: _num(r.revenue, 2) for r in rows.itertuples(index=False)}
    shares = {pid: (_num(k.get("revenue_share")), revenue.get(pid)) for pid, k in kpis.partners.items()}
    share_spec = _share_chart(f"{campaign.name}: share of partner revenue", shares, names,
                              kpis.total.get("hhi"), campaign.currency or portfolio.settings.currency)
    if share_spec is not None:
        specs.append(share_spec)
    return specs


def portfolio_charts(portfolio: Portfolio, report: KpiReport) -> list[ChartSpec]:
    """The dashboard's charts: each partner's share of partner revenue over all campaigns, with the HHI."""
    revenue = report.results.groupby("partner")["revenue"].sum(min_count=1)
    shares = {pid: (_num(k.revenue_share), _num(revenue.get(pid), 2)) for pid, k in report.partners.items()}
    names = {pid: _partner_name(portfolio, pid) for pid in shares}
    spec = _share_chart("Share of partner revenue, all campaigns", shares, names, report.hhi,
                        portfolio.settings.currency)
    return [spec] if spec is not None else []


def _share_chart(subject: str, shares: dict[str, tuple[float | None, float | None]], names: dict[str, str],
                 hhi: float | None, currency: str) -> ChartSpec | None:
    known = sorted(((pid, s, r) for pid, (s, r) in shares.items() if s is not None), key=lambda t: (-t[1], t[0]))
    if not known:
        return None
    rows = [(_short(names.get(pid, pid)), share, amount) for pid, share, amount in known]
    if len(rows) > MAX_ROWS:
        rest = rows[MAX_ROWS - 1:]
        amounts = [a for _, _, a in rest if a is not None]
        rows = [*rows[: MAX_ROWS - 1], (f"{len(rest)} other partners", _num(sum(s for _, s, _ in rest)),
                                        _num(sum(amounts), 2) if amounts else None)]
    concentration = "" if hhi is None else f" (HHI {hhi:.2f})"
    figures = [f"{names.get(pid, pid)} {_pct(share)} ({_money(amount, currency)})" for pid, share, amount in known]
    alt = (f"{subject} by partner: {_listed(figures)}."
           + ("" if hhi is None else f" Concentration (HHI, 0 to 1) is {hhi:.2f}."))
    return ChartSpec("revenue-share", f"{_short(subject, 80)}{concentration}", alt,
                     (("currency", currency), ("rows", tuple(rows))))


# ---------------------------------------------------------------------------- drawing
# Margins are set in inches from measured label widths: a layout engine would draw every chart twice.

WIDTH = 7.0
TITLE_IN, PANEL_TITLE_IN, XAXIS_IN, LEGEND_IN, PAD_IN = 0.38, 0.22, 0.42, 0.26, 0.12


def _text_width(texts: Iterable[str], size: float) -> float:
    """Width in inches of the widest of ``texts`` (measuring the longest few is enough)."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    longest = sorted(texts, key=len, reverse=True)[:3]
    measure = TextToPath().get_text_width_height_descent
    return max((measure(text, FontProperties(size=size), ismath=False)[0] for text in longest), default=0) / 72


def _new_figure(title: str, height: float) -> Figure:
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH, height))
    FigureCanvasSVG(figure)
    size = min(10.0, 10.0 * (WIDTH - 2 * PAD_IN) / max(_text_width([title], 10.0), 0.01))  # shrink, never clip
    figure.suptitle(title, y=1 - PAD_IN / 2 / height, va="top", fontsize=size)
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


def _percent_axis(ax: Axes, values: Iterable[float], room: float = 1.18) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    values = list(values)
    ax.set_xlim(min(0.0, *values), max(0.01, *values) * room)  # room for the value labels
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{round(x * 100, 6):g}%"))


def _row_labels(ax: Axes, labels: Sequence[str]) -> None:
    """Row names as plain texts left of the axes: tick objects cost a millisecond each."""
    transform = ax.get_yaxis_transform()  # x in axes fraction, y in data
    for i, label in enumerate(labels):
        ax.text(-0.015, i, label, transform=transform, ha="right", va="center")
    ax.set_yticks([])
    ax.set_ylim(len(labels) - 0.5, -0.5)  # first row on top


def _bars(ax: Axes, rows: Sequence[float | None], offset: float, height: float, colour: str, series: str,
          money: Sequence[str] | None = None) -> None:
    """One series of horizontal bars with value labels; n/a rows get an "n/a" note, never a bar."""
    known = [(i, value) for i, value in enumerate(rows) if value is not None]
    if known:
        ax.barh([i + offset for i, _ in known], [v for _, v in known], height=height, color=colour, label=series)
    for i, value in enumerate(rows):
        note = " n/a" if value is None else f" {value:.1%}" + (f" ({money[i]})" if money else "")
        ax.text(value or 0, i + offset, note, va="center", fontsize=6.5, color=GREY if value is None else BLACK)


def _draw_comparison(title: str, data: dict[str, Any]) -> Figure:
    panels = data["panels"]
    labels = [label for label, _, _ in panels[0][1]]
    top, bottom = TITLE_IN + PANEL_TITLE_IN, XAXIS_IN + LEGEND_IN + PAD_IN
    figure = _new_figure(title, max(2.6, top + bottom + 0.34 * len(labels)))
    axes = figure.subplots(1, len(panels), sharey=True, squeeze=False)[0]
    _adjust(figure, left=_text_width(labels, 8.0) + 0.2, bottom=bottom, top=top, wgap=0.3,
            grid=(1, len(panels)))
    for ax, (name, rows) in zip(axes, panels, strict=True):
        _bars(ax, [value for _, value, _ in rows], -0.2, 0.4, BLUE, "Partner-driven")
        _bars(ax, [base for _, _, base in rows], 0.2, 0.4, ORANGE, "Baseline")
        _percent_axis(ax, [n for _, v, b in rows for n in (v, b) if n is not None])
        ax.set_title(name)
        ax.set_xlabel(f"{name} (%)")
    _row_labels(axes[0], labels)
    handles = {label: handle for ax in axes for handle, label in zip(*ax.get_legend_handles_labels(), strict=True)}
    _legend(figure, list(handles.values()), list(handles))
    return figure


def _draw_sla(title: str, data: dict[str, Any]) -> Figure:
    from matplotlib.lines import Line2D
    from matplotlib.ticker import MaxNLocator

    months, metrics = data["months"], data["metrics"]
    columns = 1 if len(metrics) == 1 else 2
    rows = math.ceil(len(metrics) / columns)
    top, bottom, hgap = TITLE_IN + PANEL_TITLE_IN, 0.25 + LEGEND_IN + PAD_IN, 0.25 + PANEL_TITLE_IN + 0.1
    figure = _new_figure(title, top + bottom + 1.45 * rows + hgap * (rows - 1))
    # Only the panels drawn: a hidden spare panel would cost as much as a drawn one.
    axes = [figure.add_subplot(rows, columns, i + 1) for i in range(len(metrics))]
    _adjust(figure, left=0.75, bottom=bottom, top=top, wgap=0.85, hgap=hgap, grid=(rows, columns))
    step = math.ceil(len(months) / (12 // columns))
    ticks = list(range(0, len(months), step))
    positions = range(len(months))
    for ax, (name, unit, target, _better, series) in zip(axes, metrics, strict=False):
        values = [math.nan if p is None else p[0] for p in series]
        ax.plot(positions, values, color=BLUE, marker="o", markersize=3, linewidth=1.2)
        missed = [(i, p[0]) for i, p in enumerate(series) if p is not None and not p[1]]
        if missed:
            ax.plot(*zip(*missed, strict=True), linestyle="none", marker="X", markersize=7, color=VERMILLION)
        ax.axhline(target, color=BLACK, linestyle="--", linewidth=1)
        ax.set_title(name, loc="left")
        ax.set_ylabel(unit or "value")
        ax.set_xticks([])  # month names as plain texts: tick objects cost a millisecond each
        for i in ticks:
            ax.text(i, -0.04, f"{_MONTH_NAMES[int(months[i][5:]) - 1]} {months[i][2:4]}", ha="center", va="top",
                    transform=ax.get_xaxis_transform())
        ax.set_xlim(-0.5, len(months) - 0.5)
        ax.yaxis.set_major_locator(MaxNLocator(nbins=4))
    handles = [Line2D([], [], color=BLUE, marker="o", markersize=3),
               Line2D([], [], color=BLACK, linestyle="--"),
               Line2D([], [], color=VERMILLION, marker="X", linestyle="none", markersize=7)]
    _legend(figure, handles, ["Measured", "Target", "Breached"])
    return figure


def _draw_share(title: str, data: dict[str, Any]) -> Figure:
    currency, rows = data["currency"], data["rows"]
    labels = [label for label, _, _ in rows]
    top, bottom = TITLE_IN, XAXIS_IN + PAD_IN
    figure = _new_figure(title, max(2.4, top + bottom + 0.28 * len(rows)))
    ax = figure.subplots()
    _adjust(figure, left=_text_width(labels, 8.0) + 0.2, bottom=bottom, top=top)
    _bars(ax, [share for _, share, _ in rows], 0.0, 0.65, BLUE, "Share",
          money=[_money(amount, currency) for _, _, amount in rows])
    _percent_axis(ax, [share for _, share, _ in rows], room=1.4)
    _row_labels(ax, labels)
    ax.set_xlabel(f"Share of partner revenue (%; revenue in {currency})")
    return figure


_DRAWERS: dict[str, Callable[[str, dict[str, Any]], Figure]] = {
    "partner-funnel": _draw_comparison, "campaign-comparison": _draw_comparison,
    "sla-monthly": _draw_sla, "revenue-share": _draw_share,
}


def _use_chart_style() -> None:
    """Put partnerbook's chart settings into matplotlib's rcParams (once: they then stay).

    A ``rc_context`` per chart would copy the whole rcParams twice a chart, about a
    tenth of the drawing time; charts are drawn in partnerbook's own processes, where
    nothing else uses matplotlib, so the settings are set once and checked each time.
    """
    import matplotlib

    params = matplotlib.rcParams
    if any(params[key] != value for key, value in _RC.items()):
        params.update(_RC)


def draw(spec: ChartSpec) -> bytes:
    """The chart as SVG bytes: the same spec gives the same bytes in every process."""
    _use_chart_style()
    figure = _DRAWERS[spec.kind](spec.title, dict(spec.data))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", metadata=_METADATA)
    return buffer.getvalue()


def draw_to(job: tuple[ChartSpec, Path]) -> None:
    """Draw ``spec`` into ``path`` atomically (readers see the whole file or none)."""
    spec, path = job
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(draw(spec))
        os.replace(temp, path)  # a racing writer wrote the same bytes
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def warm_up() -> None:
    """Import what drawing needs (and load the font cache) once, so forked workers share it."""
    from matplotlib.backends import backend_svg  # noqa: F401
    from matplotlib.figure import Figure  # noqa: F401

    _use_chart_style()
    _text_width(["warm"], 8.0)


def _cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def plan_charts(specs: Iterable[ChartSpec], cache_dir: Path) -> tuple[dict[str, Path], list[tuple[ChartSpec, Path]]]:
    """Every chart's path ``cache_dir/<key>.svg``, and the (spec, path) jobs of those not drawn yet."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    missing: list[tuple[ChartSpec, Path]] = []
    for spec in specs:
        key = spec.key()
        if key not in paths:
            paths[key] = cache_dir / f"{key}.svg"
            if not paths[key].is_file():
                missing.append((spec, paths[key]))
    return paths, missing


def render_charts(specs: Iterable[ChartSpec], cache_dir: Path, jobs: int | None = None) -> dict[str, Path]:
    """Every chart as ``cache_dir/<key>.svg``, drawing only the missing ones (in parallel when many)."""
    paths, missing = plan_charts(specs, cache_dir)
    workers = min(jobs or _cpus(), len(missing))
    if len(missing) > PARALLEL_MIN and workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            list(pool.map(draw_to, missing, chunksize=max(1, len(missing) // (workers * 4))))
    else:
        for job in missing:
            draw_to(job)
    return paths
