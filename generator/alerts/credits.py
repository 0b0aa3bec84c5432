"""``credit-unclaimed``: a service credit still not claimed ``alerts.credit_claim_days`` after its month.

A breached SLA month earns a credit when the SLA sets ``service_credit_percent``. It stays owed until
the SLA file's ``credits:`` records a ``claimed`` date for that month; the alert fires when more than
``alerts.credit_claim_days`` (default 30) days have passed since the last day of the month. Warning.
"""

from __future__ import annotations

from collections.abc import Iterator

from generator import i18n
from generator.alerts.model import Alert, Context, day_count, money, month_text
from generator.i18n import ngettext
from generator.measure.money import credits_due, month_credits


def credit_alerts(ctx: Context) -> Iterator[Alert]:
    """Every owed credit older than the claim window, at its month's measurement line."""
    limit = ctx.settings.credit_claim_days
    for partner_id, entry, _partner in ctx.partners():
        if entry.sla is None or not credits_due(ctx.portfolio, partner_id):
            continue
        for credit in month_credits(ctx.portfolio, partner_id):
            age = credit.age(ctx.today)
            if credit.state != "owed" or age <= limit:
                continue
            amount = credit.amount.value
            if amount is None:
                text = ngettext(
                    "the service credit for {month} ({n} breached metric) is unclaimed {age} after the month ended "
                    "(claim window: {limit}); claim it, then record it under credits: with its claimed date",
                    "the service credit for {month} ({n} breached metrics) is unclaimed {age} after the month ended "
                    "(claim window: {limit}); claim it, then record it under credits: with its claimed date",
                    credit.breaches)
            else:
                text = ngettext(
                    "the service credit of {amount} for {month} ({n} breached metric) is unclaimed {age} after the "
                    "month ended (claim window: {limit}); claim it, then record it under credits: with its claimed "
                    "date",
                    "the service credit of {amount} for {month} ({n} breached metrics) is unclaimed {age} after the "
                    "month ended (claim window: {limit}); claim it, then record it under credits: with its claimed "
                    "date", credit.breaches)
            since = day_count(age)
            message = text.format(amount=money(amount, ctx.currency), month=month_text(credit.month),
                                  n=i18n.number(credit.breaches), age=since, limit=day_count(limit))
            yield ctx.alert(entry.sla.doc, ("measurements", credit.measurement, "month"), "credit-unclaimed",
                            "warning", message, partner=partner_id, relative=(since,))
