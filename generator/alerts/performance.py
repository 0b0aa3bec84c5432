"""Performance alerts from campaign results.

``abandonment-anomaly``: for each partner's ``daily`` series, a day's cart
abandonment (1 - orders / carts) is compared with the same partner's pooled
abandonment over the campaign's *other* days (leaving the day out, so a spike
does not raise its own baseline). The day fires when all hold:

* it has at least ``alerts.abandonment.min_carts`` carts (default 20), so small
  counts never fire;
* there are at least ``min_days`` other days with carts (default 5);
* its binomial z-score, (day - baseline) / sqrt(baseline x (1 - baseline) / carts),
  is at least ``z_score`` (default 3, about 1 in 740 by chance on one day);
* it is at least ``min_increase`` above the baseline (default 0.10 = 10 points).

``low-conversion``: in a campaign with at least ``min_partners`` partners that
report sessions and orders, a partner with more sessions than the campaign's
median partner (and at least ``min_sessions``) whose conversion is under
``max_ratio`` (default 0.5) of the other partners' pooled conversion.

Both are warnings while a campaign has no ``review``; once it is reviewed they
are info (the review is where they were discussed).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterator

from generator import i18n
from generator.alerts.model import Alert, Context, date_text, percent
from generator.i18n import ngettext
from generator.records import Campaign
from generator.records.campaign import DailyResult, PartnerResult
from generator.records.portfolio import Loaded


def _severity(campaign: Campaign) -> str:
    return "info" if campaign.review is not None else "warning"


def _usable(day: DailyResult) -> bool:
    return day.carts is not None and day.carts > 0 and day.orders is not None


def _anomalies(ctx: Context, loaded: Loaded[Campaign], index: int, result: PartnerResult) -> Iterator[Alert]:
    rule = ctx.settings.abandonment
    days = [(j, d) for j, d in enumerate(result.daily) if _usable(d)]
    carts_total = sum(d.carts or 0 for _, d in days)
    orders_total = sum(d.orders or 0 for _, d in days)
    for j, day in days:
        carts, orders = day.carts or 0, day.orders or 0
        if carts < rule.min_carts or len(days) - 1 < rule.min_days:
            continue
        other_carts = carts_total - carts
        baseline = 1 - (orders_total - orders) / other_carts
        rate = 1 - orders / carts
        spread = math.sqrt(max(baseline * (1 - baseline), 0.0) / carts)
        z = (rate - baseline) / spread if spread > 0 else (math.inf if rate > baseline else 0.0)
        if rate - baseline < rule.min_increase or z < rule.z_score:
            continue
        yield ctx.alert(loaded.doc, ("results", index, "daily", j, "carts"), "abandonment-anomaly",
                        _severity(loaded.record),
                        ngettext("cart abandonment {rate} on {date} ({lost} of {carts} cart without an order) vs "
                                 "{baseline} on the campaign's other days (z = {z})",
                                 "cart abandonment {rate} on {date} ({lost} of {carts} carts without an order) vs "
                                 "{baseline} on the campaign's other days (z = {z})", carts).format(
                            rate=percent(rate), date=date_text(day.date), lost=i18n.number(carts - orders),
                            carts=i18n.number(carts), baseline=percent(baseline),
                            z=i18n.number(z, 1) if math.isfinite(z) else "∞"),
                        partner=result.partner, campaign=loaded.id)


def _low_conversion(ctx: Context, loaded: Loaded[Campaign]) -> Iterator[Alert]:
    rule = ctx.settings.low_conversion
    rows = [(i, r) for i, r in enumerate(loaded.record.results)
            if r.sessions is not None and r.sessions > 0 and r.orders is not None]
    if len(rows) < rule.min_partners:
        return
    median = statistics.median(r.sessions or 0 for _, r in rows)
    sessions_total = sum(r.sessions or 0 for _, r in rows)
    orders_total = sum(r.orders or 0 for _, r in rows)
    for i, result in rows:
        sessions, orders = result.sessions or 0, result.orders or 0
        if sessions <= median or sessions < rule.min_sessions:
            continue
        others = orders_total - orders, sessions_total - sessions
        reference = others[0] / others[1] if others[1] else 0.0
        conversion = orders / sessions
        if reference <= 0 or conversion >= rule.max_ratio * reference:
            continue
        yield ctx.alert(loaded.doc, ("results", i, "sessions"), "low-conversion", _severity(loaded.record),
                        ngettext("conversion {conversion} ({orders} order from {sessions} sessions, above the "
                                 "campaign's median of {median}) vs {reference} for the other partners pooled: under "
                                 "{ratio} of it",
                                 "conversion {conversion} ({orders} orders from {sessions} sessions, above the "
                                 "campaign's median of {median}) vs {reference} for the other partners pooled: under "
                                 "{ratio} of it", orders).format(
                            conversion=percent(conversion), orders=i18n.number(orders), sessions=i18n.number(sessions),
                            median=i18n.number(median), reference=percent(reference), ratio=percent(rule.max_ratio)),
                        partner=result.partner, campaign=loaded.id)


def performance_alerts(ctx: Context) -> Iterator[Alert]:
    """Abandonment spikes and low conversion, campaign by campaign."""
    for _id, loaded in sorted(ctx.portfolio.campaigns.items()):
        for index, result in enumerate(loaded.record.results):
            yield from _anomalies(ctx, loaded, index, result)
        yield from _low_conversion(ctx, loaded)
