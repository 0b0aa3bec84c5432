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
from generator.measure.money import fee_contract, monthly_amount
from generator.records import Sla
from generator.records.portfolio import Loaded
from generator.records.sla import Metric
from generator.rules.money import month_start, rates_of
from generator.rules.sla import latest_breaches, measured_months, met, value_of


def _fmt(value: float, metric: Metric) -> str:
    unit = metric.unit or ""
    return f"{value:g}{unit}" if unit == "%" else f"{value:g} {unit}".rstrip()


def _credit(ctx: Context, partner_id: str, sla: Sla, breaches: list[tuple[str, int]]) -> str:
    """The credits ``(month, breached metrics)`` earn, each month converted at its own rate."""
    contract = fee_contract(ctx.portfolio, partner_id)
    fee = monthly_amount(contract.record) if contract is not None else None
    if fee is None or contract is None or not sla.service_credit_percent or not breaches:
        return ""
    currency = (contract.record.value.currency if contract.record.value else None) or ctx.currency
    rates = rates_of(ctx.portfolio.settings)
    amounts = [rates.convert(count * sla.service_credit_percent * fee / 100, currency, month_start(month))
               for month, count in breaches]
    if any(amount is None for amount in amounts):
        return ""  # a missing rate is a validation error of its own
    return f"; service credit owed: {money(sum(a for a in amounts if a is not None), ctx.currency)}"


def _breaches(ctx: Context, partner_id: str, loaded: Loaded[Sla]) -> Iterator[Alert]:
    sla = loaded.record
    for index, metric, value in latest_breaches(sla):
        month = sla.measurements[index].month
        bound = "at least" if metric.better == "higher" else "at most"
        yield ctx.alert(loaded.doc, ("measurements", index, metric.id), "sla-breach", "warning",
                        f"{metric.name}: {_fmt(value, metric)} in {month}, target {bound} "
                        f"{_fmt(metric.target, metric)}{_credit(ctx, partner_id, sla, [(month, 1)])}",
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
    by_month = [(sla.measurements[i].month, sum(1 for m in sla.metrics
                                                 if (v := value_of(sla, i, m)) is not None and not met(m, v)))
                for i in window]
    first = min(window, key=lambda i: sla.measurements[i].month)
    yield ctx.alert(loaded.doc, ("measurements", first, "month"), "sla-attainment", "warning",
                    f"SLA attainment {percent(met_count / measured)} over the last {len(window)} measured months "
                    f"({span}): {met_count} of {measured} metric-months met, under the {percent(threshold)} threshold; "
                    f"{breaches} breach{'es' * (breaches != 1)}{_credit(ctx, partner_id, sla, by_month)}",
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
