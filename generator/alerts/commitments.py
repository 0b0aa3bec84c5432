"""``commitment-missed``: a contract commitment the partner's campaign results did not reach.

Per commitment only its latest closed period with data can raise it, while that period ended at
most ``generator.rules.commitments.ALERT_DAYS`` days ago (older misses stay on the scorecard, so a
long contract does not raise one alert per past quarter). Warning by default; offboarded partners
are not alerted. The alert points at the commitment's line in the contract.
"""

from __future__ import annotations

from collections.abc import Iterator

from generator.alerts.model import Alert, Context, date_text
from generator.i18n import _
from generator.rules.commitments import kpi_name, to_alert


def commitment_alerts(ctx: Context) -> Iterator[Alert]:
    outcomes = ctx.computed.kpis.commitments
    for partner_id, entry, _partner in ctx.partners():
        for outcome in to_alert(outcomes.get(partner_id, []), ctx.today):
            loaded = entry.contracts.get(outcome.contract)
            if loaded is None or outcome.period is None:
                continue
            period = outcome.period
            text = (_("{contract}: commitment missed in {period} ({start} to {end}): {kpi} was {actual}; the "
                      "contract commits to {commitment}") if period.campaign is None else
                    _("{contract}: commitment missed in campaign {period} ({start} to {end}): {kpi} was {actual}; "
                      "the contract commits to {commitment}"))
            message = text.format(contract=loaded.record.title, period=period.label, start=date_text(period.start),
                                  end=date_text(period.end), kpi=kpi_name(outcome.kpi),
                                  actual=outcome.actual_text(), commitment=outcome.commitment_text())
            yield ctx.alert(loaded.doc, ("commitments", outcome.index), "commitment-missed", "warning", message,
                            partner=partner_id, campaign=period.campaign, key=True)
