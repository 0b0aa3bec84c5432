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

from generator import i18n, labels
from generator.alerts.model import Alert, Context, money, month_text, percent
from generator.i18n import _, ngettext
from generator.measure.money import month_credits
from generator.records import Sla
from generator.records.portfolio import Loaded
from generator.records.sla import Metric
from generator.rules.sla import latest_breaches, measured_months, met, value_of


def _fmt(value: float, metric: Metric) -> str:
    """A measured value or target with its unit, as the current language writes numbers: ``99,5%``, ``2 h``."""
    plain = f"{value:g}"
    number = plain if "e" in plain else i18n.number(value, len(plain.partition(".")[2]))
    unit = metric.unit or ""
    return f"{number}{unit}" if unit == "%" else f"{number} {unit}".rstrip()


def _span(months: list[str]) -> str:
    """``Mar 2026`` or ``Mar 2026 to Aug 2026``."""
    if len(months) == 1:
        return month_text(months[0])
    return _("{first} to {last}").format(first=month_text(months[0]), last=month_text(months[-1]))


def _credit(ctx: Context, partner_id: str, months: list[str]) -> str:
    """What the service credits of ``months`` come to, by state, from the money ledger's credits."""
    credits = [c for c in month_credits(ctx.portfolio, partner_id) if c.month in months]
    if not credits or any(c.amount.value is None for c in credits):
        return ""  # no fee to take a share of, or a missing rate (a validation error of its own)
    parts = []
    for state in ("owed", "claimed", "received"):
        amounts = [c.amount.value for c in credits if c.state == state and c.amount.value is not None]
        if amounts:
            parts.append(_("{amount} {state}").format(amount=money(sum(amounts), ctx.currency),
                                                      state=labels.label("state", state)))
    text = (_("the service credit of {month}: {amounts}") if len(months) == 1
            else _("service credits of these months: {amounts}"))
    return "; " + text.format(month=month_text(months[0]), amounts=", ".join(parts))


def _breaches(ctx: Context, partner_id: str, loaded: Loaded[Sla]) -> Iterator[Alert]:
    sla = loaded.record
    for index, metric, value in latest_breaches(sla):
        month = sla.measurements[index].month
        text = (_("{metric}: {value} in {month}, target at least {target}") if metric.better == "higher"
                else _("{metric}: {value} in {month}, target at most {target}"))
        message = text.format(metric=metric.name, value=_fmt(value, metric), month=month_text(month),
                              target=_fmt(metric.target, metric))
        yield ctx.alert(loaded.doc, ("measurements", index, metric.id), "sla-breach", "warning",
                        message + _credit(ctx, partner_id, [month]), partner=partner_id)


def _attainment(ctx: Context, partner_id: str, loaded: Loaded[Sla], window: list[int]) -> Iterator[Alert]:
    sla, threshold = loaded.record, ctx.settings.sla.attainment
    results = [met(m, v) for i in window for m in sla.metrics if (v := value_of(sla, i, m)) is not None]
    met_count, measured = sum(results), len(results)
    if not measured or met_count / measured >= threshold:
        return
    months = sorted(sla.measurements[i].month for i in window)
    breaches = measured - met_count
    first = min(window, key=lambda i: sla.measurements[i].month)
    message = ngettext(
        "SLA attainment {rate} over the last {n} measured month ({span}): {met} of {measured} metric-months met, "
        "under the {threshold} threshold",
        "SLA attainment {rate} over the last {n} measured months ({span}): {met} of {measured} metric-months met, "
        "under the {threshold} threshold", len(window)).format(
        rate=percent(met_count / measured), n=i18n.number(len(window)), span=_span(months),
        met=i18n.number(met_count), measured=i18n.number(measured), threshold=percent(threshold))
    message += "; " + ngettext("{n} breach", "{n} breaches", breaches).format(n=i18n.number(breaches))
    yield ctx.alert(loaded.doc, ("measurements", first, "month"), "sla-attainment", "warning",
                    message + _credit(ctx, partner_id, months), partner=partner_id)


def sla_alerts(ctx: Context) -> Iterator[Alert]:
    """Breaches in the latest month and attainment over the recent months, per partner with an sla.yaml."""
    for partner_id, entry, _partner in ctx.partners():
        if entry.sla is None:
            continue
        measured = measured_months(entry.sla.record)
        if not measured:
            continue
        yield from _breaches(ctx, partner_id, entry.sla)
        yield from _attainment(ctx, partner_id, entry.sla, measured[: ctx.settings.sla.months])
