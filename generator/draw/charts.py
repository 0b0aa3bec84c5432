"""Chart specs: what each chart of the site shows, taken from the KPI report.

A ``ChartSpec`` is plain data (tuples of primitives) holding everything a drawing depends on, so its
key is stable and the file ``<key>.svg`` never needs redrawing. Specs are made only where there is
data; n/a values are skipped, never drawn as 0. Drawing them is generator/draw/chart_draw.py and the
chart_* modules it uses, the only modules that import matplotlib.

Every word a chart shows (title, series, axis labels, month names) is translated here, in the team's
language, and kept in the spec's ``text`` field with the ``locale`` that writes its numbers: the key
covers them, so an Italian chart and an English one never share a file, and drawing needs no catalog.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.metadata import version
from typing import Any

from generator import i18n, labels
from generator.i18n import _, ngettext
from generator.inert import shown as _visible
from generator.measure.kpis import KpiReport
from generator.measure.money import Ledger
from generator.records.portfolio import Portfolio
from generator.rules import formats

STYLE_VERSION = "3"  # 2: transparent, theme-aware (dark scheme) SVG, larger text, words in the spec; 3: drawn
# on matplotlib's SVG renderer without artists, the key in the SVG's metadata (generator/draw/chart_draw.py)
MAX_ROWS = 30  # bars per chart; a revenue share folds the rest into one "other partners" bar
MAX_MONTHS = 24
LABEL_CHARS = 28


@dataclass(frozen=True)
class ChartSpec:
    """One chart: what it shows (``kind``, ``title``, ``data``) and how the page describes it (``alt``)."""

    kind: str  # "partner-funnel" | "sla-monthly" | "campaign-comparison" | "revenue-share" | "money-spend-revenue"
    #   | "partner-trends"
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
    # Control characters would make the SVG ill-formed XML (a broken image): shown as escapes instead.
    text = _visible(" ".join(text.split()))
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
    return formats.unknown() if value is None else i18n.percent(value, 1)


def _figure(value: float | None) -> str:
    """A target or a measurement as written in the record (``99.5``, ``24``), in the team's language."""
    if value is None:
        return formats.unknown()
    digits = next((d for d in range(4) if abs(value * 10 ** d - round(value * 10 ** d)) < 1e-9), 3)
    return i18n.number(value, digits)


def _listed(items: Sequence[str], limit: int = 5) -> str:
    shown = "; ".join(items[:limit])
    if len(items) <= limit:
        return shown
    more = len(items) - limit
    return ngettext("{items}; and {n} more", "{items}; and {n} more", more).format(items=shown, n=i18n.number(more))


def _texts(**words: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The ``text`` field of a spec: the words the drawing shows, already in the team's language."""
    return ("text", tuple(sorted(words.items())))


def _locale() -> tuple[str, str]:
    """The ``locale`` field of a spec: how the drawing writes its numbers (axis ticks, value labels)."""
    return ("locale", i18n.current())


def _comparison_words() -> tuple[str, tuple[tuple[str, str], ...]]:
    return _texts(value=_("Partner-driven"), baseline=_("Baseline"), na=formats.unknown(),
                  axis=_("{kpi} (%)"))


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
    panels = ((labels.label("kpi", "conversion_rate"), tuple(conversion)),
              (labels.label("kpi", "cart_abandonment_rate"), tuple(abandonment)))
    return tuple(panel for panel in panels if any(value is not None for _, value, _ in panel[1]))


def _comparison_alt(sentence: str, subject: str, panels: tuple[tuple[str, tuple[Row, ...]], ...]) -> str:
    """One ``sentence`` (with ``{kpi}``, ``{subject}`` and ``{figures}``) per panel."""
    sentences = []
    for name, rows in panels:
        figures = [f"{label} {_pct(value)}" if base is None else
                   _("{label} {value} against a {baseline} baseline").format(label=label, value=_pct(value),
                                                                             baseline=_pct(base))
                   for label, value, base in rows if value is not None]
        sentences.append(sentence.format(kpi=name, subject=subject, figures=_listed(figures)))
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
        specs.append(ChartSpec("partner-funnel",
                               _("{partner}: campaign funnel against baseline").format(partner=_short(name, 60)),
                               _comparison_alt(_("{kpi} by campaign for {subject}: {figures}."), name, panels),
                               (("panels", panels), _comparison_words(), _locale())))
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
        metrics.append((_short(metric.name, 48), _visible(unit), _num(metric.target), metric.better, series))
        unit = f" {unit}" if unit and unit[0].isalnum() else unit  # "10 days", but "99.5%"
        breached = [f"{_month_name(month)} ({_figure(value)}{unit})" for month, (value, met) in measured if not met]
        target = (_("{metric}: target {target}{unit}, higher is better.") if metric.better == "higher" else
                  _("{metric}: target {target}{unit}, lower is better."))
        sentences.append(target.format(metric=metric.name, target=_figure(metric.target), unit=unit))
        sentences.append(ngettext("Met in {met} of {n} month.", "Met in {met} of {n} months.", len(measured))
                         .format(met=i18n.number(len(measured) - len(breached)), n=i18n.number(len(measured))))
        if breached:
            sentences.append(_("Breached in {months}.").format(months=_listed(breached, 4)))
    if not metrics:
        return None
    title = (_("{partner}: SLA by month (last {n} months)").format(partner=_short(name, 60), n=MAX_MONTHS)
             if len(all_months) > MAX_MONTHS else _("{partner}: SLA by month").format(partner=_short(name, 60)))
    alt = " ".join([_("Monthly SLA measurements for {partner}, {start} to {end}.").format(
        partner=name, start=_month_name(months[0]), end=_month_name(months[-1])), *sentences])
    ticks = tuple(_month_tick(month) for month in months)
    return ChartSpec("sla-monthly", title, alt, (
        ("months", months), ("metrics", tuple(metrics)), ("ticks", ticks),
        _texts(measured=_("Measured"), target=_("Target"), breached=_("Breached"), value=_("value")), _locale()))


def _month_name(month: str) -> str:
    """``2026-03`` as ``Mar 2026`` (``mar 2026``)."""
    return i18n.month(date(int(month[:4]), int(month[5:7]), 1))


def _month_tick(month: str) -> str:
    """``2026-03`` as a short axis label: ``Mar 26`` (``mar 26``)."""
    from babel.dates import format_date

    return format_date(date(int(month[:4]), int(month[5:7]), 1), "LLL yy", locale=i18n.locale(i18n.current()))


# ---------------------------------------------------------------------------- a partner's trends

TREND_KPIS = ("conversion_rate", "cart_abandonment_rate", "roi", "csat")  # the panels, in this order
TREND_CAMPAIGNS = 8  # a trend shows the latest campaigns, up to this many
TREND_MIN = 2  # campaigns (or measured SLA months) with figures before a trend is drawn


@dataclass(frozen=True)
class Trends:
    """A scorecard's Trends section: the chart (None when there is nothing to trend) and what it covers."""

    spec: ChartSpec | None
    campaigns: int  # campaigns with at least one figure of TREND_KPIS (all of them, not only those drawn)
    months: int  # months of SLA attainment drawn (0: no SLA panel)


def trend_campaigns(partner_id: str, portfolio: Portfolio, report: KpiReport) -> list[tuple[str, dict[str, Any]]]:
    """``(campaign id, the partner's KPIs)`` of each campaign with a figure of TREND_KPIS, by start date."""
    found = []
    for campaign_id, loaded in portfolio.campaigns.items():
        campaign_kpis = report.campaigns.get(campaign_id)
        kpis = campaign_kpis.partners.get(partner_id) if campaign_kpis is not None else None
        if kpis is not None and any(_num(kpis.get(kpi)) is not None for kpi in TREND_KPIS):
            found.append((loaded.record.start, campaign_id, kpis))
    return [(campaign_id, kpis) for _start, campaign_id, kpis in sorted(found, key=lambda t: (t[0], t[1]))]


def sla_attainment_by_month(partner_id: str, report: KpiReport) -> list[tuple[str, int, int]]:
    """``(month, metrics met, metrics measured)`` of every measured month of the partner's SLA, oldest first."""
    kpis = report.partners.get(partner_id)
    if kpis is None or kpis.sla is None:
        return []
    months: dict[str, list[int]] = {}
    for row in kpis.sla.monthly:
        counts = months.setdefault(row.month, [0, 0])
        counts[0] += bool(row.met)
        counts[1] += 1
    return [(month, met, measured) for month, (met, measured) in sorted(months.items())]


def partner_trends(partner_id: str, portfolio: Portfolio, report: KpiReport) -> Trends:
    """Small multiples of a partner's conversion, cart abandonment, ROI and CSAT campaign after campaign
    (start-date order, n/a left out), and its SLA attainment by month (metrics met / metrics measured).

    The campaign panels need TREND_MIN campaigns with figures, the SLA panel TREND_MIN measured months;
    the chart is made when either has them.
    """
    name = _partner_name(portfolio, partner_id)
    found = trend_campaigns(partner_id, portfolio, report)
    shown = found[-TREND_CAMPAIGNS:] if len(found) >= TREND_MIN else []
    campaign_names = tuple(_short(portfolio.campaigns[cid].record.name, 18) for cid, _k in shown)
    panels = tuple((labels.label("kpi", kpi), tuple(_num(kpis.get(kpi)) for _cid, kpis in shown))
                   for kpi in TREND_KPIS) if shown else ()
    sentences = []
    if shown:
        sentences.append(_("Trends for {partner}, campaign by campaign in start-date order.").format(partner=name))
        for panel, values in panels:
            figures = [f"{portfolio.campaigns[cid].record.name} {_pct(value)}"
                       for (cid, _k), value in zip(shown, values, strict=True) if value is not None]
            sentences.append(_("{kpi}: {figures}.").format(kpi=panel, figures="; ".join(figures))
                             if figures else _("{kpi}: no figures yet.").format(kpi=panel))
    measured = sla_attainment_by_month(partner_id, report)
    rates = {month: _num(met / count) for month, met, count in measured}
    months = tuple(_month_range(measured[0][0], measured[-1][0])[-MAX_MONTHS:]) if measured else ()
    attainment = tuple(rates.get(month) for month in months)
    if sum(rate is not None for rate in attainment) < TREND_MIN:  # the last MAX_MONTHS months
        months, attainment = (), ()
    else:
        figures = [f"{_month_name(month)} {i18n.percent(rate, 0)}" for month, rate in zip(months, attainment,
                                                                                            strict=True)
                   if rate is not None]
        sentences.append(_("SLA attainment of {partner} by month (the share of the SLA's metrics that met their "
                           "target): {figures}.").format(partner=name, figures="; ".join(figures)))
    if not shown and not months:
        return Trends(None, len(found), 0)
    title = (_("{partner}: trends (last {n} campaigns)").format(partner=_short(name, 60), n=TREND_CAMPAIGNS)
             if len(found) > TREND_CAMPAIGNS else _("{partner}: trends").format(partner=_short(name, 60)))
    spec = ChartSpec("partner-trends", title, " ".join(sentences), (
        ("campaigns", campaign_names), ("panels", panels),
        ("months", months), ("ticks", tuple(_month_tick(month) for month in months)), ("attainment", attainment),
        _texts(na=formats.unknown(), sla=_("SLA attainment by month"), met=_("Every metric met"),
               missed=_("A metric missed its target")), _locale()))
    return Trends(spec, len(found), len(months))


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
        title = (_("{campaign}: partners against baseline ({shown} of {total} partners, most sessions)").format(
                     campaign=_short(campaign.name, 60), shown=MAX_ROWS, total=i18n.number(len(rows)))
                 if len(rows) > MAX_ROWS else
                 _("{campaign}: partners against baseline").format(campaign=_short(campaign.name, 60)))
        specs.append(ChartSpec("campaign-comparison", title,
                               _comparison_alt(_("{kpi} by partner in {subject}: {figures}."), campaign.name, panels),
                               (("panels", panels), _comparison_words(), _locale())))
    revenue = {r.partner: _num(r.revenue, 2) for r in rows.itertuples(index=False)}
    shares = {pid: (_num(k.get("revenue_share")), revenue.get(pid)) for pid, k in kpis.partners.items()}
    share_spec = _share_chart(_("{campaign}: share of partner revenue").format(campaign=campaign.name), shares, names,
                              kpis.total.get("hhi"), portfolio.settings.currency)
    if share_spec is not None:
        specs.append(share_spec)
    return specs


def portfolio_charts(portfolio: Portfolio, report: KpiReport) -> list[ChartSpec]:
    """The dashboard's charts: each partner's share of partner revenue over all campaigns, with the HHI."""
    revenue = report.results.groupby("partner")["revenue"].sum(min_count=1)
    shares = {pid: (_num(k.revenue_share), _num(revenue.get(pid), 2)) for pid, k in report.partners.items()}
    names = {pid: _partner_name(portfolio, pid) for pid in shares}
    spec = _share_chart(_("Share of partner revenue, all campaigns"), shares, names, report.hhi,
                        portfolio.settings.currency)
    return [spec] if spec is not None else []


def _share_chart(subject: str, shares: dict[str, tuple[float | None, float | None]], names: dict[str, str],
                 hhi: float | None, currency: str) -> ChartSpec | None:
    known = sorted(((pid, s, r) for pid, (s, r) in shares.items() if s is not None), key=lambda t: (-t[1], t[0]))
    if not known:
        return None
    rows: list[tuple[str, float | None, float | None]] = [
        (_short(names.get(pid, pid)), share, amount) for pid, share, amount in known]
    if len(rows) > MAX_ROWS:
        rest = rows[MAX_ROWS - 1:]
        amounts = [a for _, _, a in rest if a is not None]
        others = ngettext("{n} other partner", "{n} other partners", len(rest)).format(n=i18n.number(len(rest)))
        rows = [*rows[: MAX_ROWS - 1], (others, _num(sum(s for _, s, _ in rest)),
                                        _num(sum(amounts), 2) if amounts else None)]
    figures = [f"{names.get(pid, pid)} {_pct(share)} ({formats.money(amount, currency)})"
               for pid, share, amount in known]
    alt = _("{subject} by partner: {figures}.").format(subject=subject, figures=_listed(figures))
    title = _short(subject, 80)
    if hhi is not None:
        alt += " " + _("Concentration (HHI, 0 to 1) is {hhi}.").format(hhi=i18n.number(hhi, 2))
        title = _("{subject} (HHI {hhi})").format(subject=title, hhi=i18n.number(hhi, 2))
    return ChartSpec("revenue-share", title, alt, (
        ("currency", currency), ("rows", tuple(rows)),
        _texts(na=formats.unknown(), axis=_("Share of partner revenue (%; revenue in {currency})").format(
            currency=currency)), _locale()))


def money_chart(ledger: Ledger, portfolio: Portfolio) -> ChartSpec | None:
    """The Money page's chart: each partner's spend against its attributed revenue, all years."""
    rows = []
    for pid, partner_money in ledger.partners.items():
        spend, revenue = _num(partner_money.total.spend, 2), _num(partner_money.total.revenue.value, 2)
        if spend is None and revenue is None:
            continue
        rows.append((_partner_name(portfolio, pid), pid, spend, revenue))
    if not rows:
        return None
    rows.sort(key=lambda r: (-max(r[2] or 0, r[3] or 0), r[0].casefold(), r[1]))
    title = (_("Spend against attributed revenue by partner ({shown} of {total} partners, largest first)").format(
                 shown=MAX_ROWS, total=i18n.number(len(rows)))
             if len(rows) > MAX_ROWS else _("Spend against attributed revenue by partner"))
    shown = rows[:MAX_ROWS]
    currency = ledger.currency
    figures = [_("{partner} spend {spend}, revenue {revenue}").format(
                   partner=name, spend=formats.money(spend, currency), revenue=formats.money(revenue, currency))
               for name, _pid, spend, revenue in shown]
    alt = _("Spend against attributed revenue by partner, all years, in {currency}: {figures}.").format(
        currency=currency, figures=_listed(figures, 8))
    data = tuple((_short(name), spend, revenue) for name, _pid, spend, revenue in shown)
    return ChartSpec("money-spend-revenue", title, alt, (
        ("currency", currency), ("rows", data),
        _texts(spend=_("Spend"), revenue=_("Attributed revenue"), na=formats.unknown(),
               axis=_("{currency}, all years").format(currency=currency)), _locale()))
