"""``credit-unclaimed``: a service credit still not claimed ``alerts.credit_claim_days`` after its month.

A breached SLA month earns a credit when the SLA sets ``service_credit_percent``. It stays owed until
the SLA file's ``credits:`` records a ``claimed`` date for that month; the alert fires when more than
``alerts.credit_claim_days`` (default 30) days have passed since the last day of the month. Warning.
"""

from __future__ import annotations

from collections.abc import Iterator

from generator.alerts.model import Alert, Context, money
from generator.measure.money import credits_due, month_credits


def credit_alerts(ctx: Context) -> Iterator[Alert]:
    """Every owed credit older than the claim window, at its month's measurement line."""
    limit = ctx.settings.credit_claim_days
    for partner_id, entry, _ in ctx.partners():
        if entry.sla is None or not credits_due(ctx.portfolio, partner_id):
            continue
        for credit in month_credits(ctx.portfolio, partner_id):
            age = credit.age(ctx.today)
            if credit.state != "owed" or age <= limit:
                continue
            amount = credit.amount.value
            worth = f" of {money(amount, ctx.currency)}" if amount is not None else ""
            yield ctx.alert(entry.sla.doc, ("measurements", credit.measurement, "month"), "credit-unclaimed",
                            "warning",
                            f"the service credit{worth} for {credit.month} ({credit.breaches} breached "
                            f"metric{'s' * (credit.breaches != 1)}) is unclaimed {age} days after the month "
                            f"ended (claim window {limit} days); claim it, then record it under credits: "
                            f"with its claimed date", partner=partner_id)
