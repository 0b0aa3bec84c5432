"""``commitment-missed``: a contract commitment the partner's campaign results did not reach.

Per commitment only its latest closed period with data can raise it, while that period ended at
most ``generator.rules.commitments.ALERT_DAYS`` days ago (older misses stay on the scorecard, so a
long contract does not raise one alert per past quarter). Warning by default; offboarded partners
are not alerted. The alert points at the commitment's line in the contract.
"""

from __future__ import annotations

from collections.abc import Iterator

from generator.alerts.model import Alert, Context
from generator.rules.commitments import to_alert


def commitment_alerts(ctx: Context) -> Iterator[Alert]:
    outcomes = ctx.computed.kpis.commitments
    for partner_id, entry, _ in ctx.partners():
        for outcome in to_alert(outcomes.get(partner_id, []), ctx.today):
            loaded = entry.contracts.get(outcome.contract)
            if loaded is None or outcome.period is None:
                continue
            period = outcome.period
            span = f"{period.label} ({period.start} to {period.end})" if period.campaign is None \
                else f"campaign {period.label} ({period.start} to {period.end})"
            yield ctx.alert(loaded.doc, ("commitments", outcome.index), "commitment-missed", "warning",
                            f"{loaded.record.title}: commitment missed in {span}: {outcome.kpi} was "
                            f"{outcome.actual_text()}; the contract commits to {outcome.commitment_text()}",
                            partner=partner_id, campaign=period.campaign, key=True)
