"""SLA alerts, with the service credits the breaches earn.

* ``sla-breach``: a metric missed its target in the partner's latest measured
  month (a missing value is "not measured", never a breach). Warning.
* ``sla-attainment``: met metric-months / measured metric-months over the last
  ``alerts.sla.months`` measured months (default 6) is under
  ``alerts.sla.attainment`` (default 0.9). Warning.

Service credits owed = breached metric-months x ``service_credit_percent`` x
the monthly fee of the SLA's contract / 100 (shown when the fee is known).
"""

from __future__ import annotations

from collections.abc import Iterator

from generator.alerts.model import Alert, Context, money, percent
from generator.kpis import monthly_fee
from generator.models import Sla
from generator.models.sla import Metric
from generator.portfolio import Loaded


def _value(sla: Sla, index: int, metric: Metric) -> float | None:
    value = (sla.measurements[index].model_extra or {}).get(metric.id)
    return None if value is None else float(value)


def _met(metric: Metric, value: float) -> bool:
    return value >= metric.target if metric.better == "higher" else value <= metric.target


def _fmt(value: float, metric: Metric) -> str:
    unit = metric.unit or ""
    return f"{value:g}{unit}" if unit == "%" else f"{value:g} {unit}".rstrip()


def _measured(sla: Sla) -> list[int]:
    """Indexes of the measurements with at least one metric value, latest month first."""
    indexes = [i for i in range(len(sla.measurements)) if any(_value(sla, i, m) is not None for m in sla.metrics)]
    return sorted(indexes, key=lambda i: sla.measurements[i].month, reverse=True)


def _credit(ctx: Context, partner_id: str, sla: Sla, breaches: int) -> str:
    fee = monthly_fee(ctx.portfolio, partner_id)
    if fee is None or not sla.service_credit_percent or not breaches:
        return ""
    amount = breaches * sla.service_credit_percent * fee / 100
    return f"; service credit owed: {money(amount, ctx.currency)}"


def _breaches(ctx: Context, partner_id: str, loaded: Loaded[Sla], index: int) -> Iterator[Alert]:
    sla = loaded.record
    month = sla.measurements[index].month
    for metric in sla.metrics:
        value = _value(sla, index, metric)
        if value is None or _met(metric, value):
            continue
        bound = "at least" if metric.better == "higher" else "at most"
        yield ctx.alert(loaded.doc, ("measurements", index, metric.id), "sla-breach", "warning",
                        f"{metric.name}: {_fmt(value, metric)} in {month}, target {bound} "
                        f"{_fmt(metric.target, metric)}{_credit(ctx, partner_id, sla, 1)}", partner=partner_id)


def _attainment(ctx: Context, partner_id: str, loaded: Loaded[Sla], window: list[int]) -> Iterator[Alert]:
    sla, threshold = loaded.record, ctx.settings.sla.attainment
    results = [_met(m, v) for i in window for m in sla.metrics if (v := _value(sla, i, m)) is not None]
    met, measured = sum(results), len(results)
    if not measured or met / measured >= threshold:
        return
    months = sorted(sla.measurements[i].month for i in window)
    span = months[0] if len(months) == 1 else f"{months[0]} to {months[-1]}"
    breaches = measured - met
    first = min(window, key=lambda i: sla.measurements[i].month)
    yield ctx.alert(loaded.doc, ("measurements", first, "month"), "sla-attainment", "warning",
                    f"SLA attainment {percent(met / measured)} over the last {len(window)} measured months "
                    f"({span}): {met} of {measured} metric-months met, under the {percent(threshold)} threshold; "
                    f"{breaches} breach{'es' * (breaches != 1)}{_credit(ctx, partner_id, sla, breaches)}",
                    partner=partner_id)


def sla_alerts(ctx: Context) -> Iterator[Alert]:
    """Breaches in the latest month and attainment over the recent months, per partner with an sla.yaml."""
    for partner_id, entry, _ in ctx.partners():
        if entry.sla is None:
            continue
        measured = _measured(entry.sla.record)
        if not measured:
            continue
        yield from _breaches(ctx, partner_id, entry.sla, measured[0])
        yield from _attainment(ctx, partner_id, entry.sla, measured[: ctx.settings.sla.months])
