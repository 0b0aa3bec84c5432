"""SLA alerts, with the service credits the breaches earn.

* ``sla-breach``: a metric missed its target in the partner's latest measured
  month (a missing value is "not measured", never a breach). Warning.
* ``sla-attainment``: met metric-months / measured metric-months over the last
  ``alerts.sla.months`` measured months (default 6) is under
  ``alerts.sla.attainment`` (default 0.9). Warning.

The message gives the service credits of the months it names by state (owed, claimed, received),
as the money ledger has them (``generator.measure.money.month_credits``).
"""

from __future__ import annotations

from collections.abc import Iterator

from generator.alerts.model import Alert, Context, money, percent
from generator.measure.money import month_credits
from generator.records import Sla
from generator.records.portfolio import Loaded
from generator.records.sla import Metric
from generator.rules.sla import latest_breaches, measured_months, met, value_of


def _fmt(value: float, metric: Metric) -> str:
    unit = metric.unit or ""
    return f"{value:g}{unit}" if unit == "%" else f"{value:g} {unit}".rstrip()


def _credit(ctx: Context, partner_id: str, months: list[str]) -> str:
    """What the service credits of ``months`` come to, by state, from the money ledger's credits."""
    credits = [c for c in month_credits(ctx.portfolio, partner_id) if c.month in months]
    if not credits or any(c.amount.value is None for c in credits):
        return ""  # no fee to take a share of, or a missing rate (a validation error of its own)
    parts = []
    for state in ("owed", "claimed", "received"):
        amounts = [c.amount.value for c in credits if c.state == state and c.amount.value is not None]
        if amounts:
            parts.append(f"{money(sum(amounts), ctx.currency)} {state}")
    label = f"the service credit of {months[0]}" if len(months) == 1 else "service credits of these months"
    return f"; {label}: " + ", ".join(parts)


def _breaches(ctx: Context, partner_id: str, loaded: Loaded[Sla]) -> Iterator[Alert]:
    sla = loaded.record
    for index, metric, value in latest_breaches(sla):
        month = sla.measurements[index].month
        bound = "at least" if metric.better == "higher" else "at most"
        yield ctx.alert(loaded.doc, ("measurements", index, metric.id), "sla-breach", "warning",
                        f"{metric.name}: {_fmt(value, metric)} in {month}, target {bound} "
                        f"{_fmt(metric.target, metric)}{_credit(ctx, partner_id, [month])}",
                        partner=partner_id)


def _attainment(ctx: Context, partner_id: str, loaded: Loaded[Sla], window: list[int]) -> Iterator[Alert]:
    sla, threshold = loaded.record, ctx.settings.sla.attainment
    results = [met(m, v) for i in window for m in sla.metrics if (v := value_of(sla, i, m)) is not None]
    met_count, measured = sum(results), len(results)
    if not measured or met_count / measured >= threshold:
        return
    months = sorted(sla.measurements[i].month for i in window)
    span = months[0] if len(months) == 1 else f"{months[0]} to {months[-1]}"
    breaches = measured - met_count
    first = min(window, key=lambda i: sla.measurements[i].month)
    yield ctx.alert(loaded.doc, ("measurements", first, "month"), "sla-attainment", "warning",
                    f"SLA attainment {percent(met_count / measured)} over the last {len(window)} measured months "
                    f"({span}): {met_count} of {measured} metric-months met, under the {percent(threshold)} threshold; "
                    f"{breaches} breach{'es' * (breaches != 1)}{_credit(ctx, partner_id, months)}",
                    partner=partner_id)


def sla_alerts(ctx: Context) -> Iterator[Alert]:
    """Breaches in the latest month and attainment over the recent months, per partner with an sla.yaml."""
    for partner_id, entry, _ in ctx.partners():
        if entry.sla is None:
            continue
        measured = measured_months(entry.sla.record)
        if not measured:
            continue
        yield from _breaches(ctx, partner_id, entry.sla)
        yield from _attainment(ctx, partner_id, entry.sla, measured[: ctx.settings.sla.months])
