"""Run every alert rule, then apply partnerbook.yml: severity overrides and silences.

Silences (``alerts.silences``) keep one rule quiet for one partner until a
date, inclusive. A silenced alert is kept and marked with its silence, so the
site can show it and the reason; it does not count for ``--fail-on``. A silence
whose date has passed silences nothing and raises ``silence-expired`` (info).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from generator.alerts.commitments import commitment_alerts
from generator.alerts.compliance import compliance_alerts
from generator.alerts.contracts import contract_alerts
from generator.alerts.credits import credit_alerts
from generator.alerts.dependency import dependency_alerts
from generator.alerts.model import RANK, Alert, Context, date_text
from generator.alerts.performance import performance_alerts
from generator.alerts.relationship import relationship_alerts
from generator.alerts.sla import sla_alerts
from generator.i18n import _
from generator.records.settings import Silence
from generator.rules.windows import warning_days

if TYPE_CHECKING:
    from generator.compute.portfolio import Computed

RULE_GROUPS: tuple[Callable[[Context], Iterable[Alert]], ...] = (
    contract_alerts, compliance_alerts, sla_alerts, relationship_alerts, dependency_alerts, performance_alerts,
    credit_alerts, commitment_alerts,
)


def _expired_silences(ctx: Context) -> Iterator[Alert]:
    doc = ctx.portfolio.settings_doc
    for index, silence in enumerate(ctx.settings.silences):
        if silence.until >= ctx.today:
            continue
        message = _("silence of {rule} for {partner} expired on {until} (reason: {reason}); the alert shows again: "
                    "fix it, or extend until:").format(rule=silence.rule, partner=silence.partner,
                                                       until=date_text(silence.until), reason=silence.reason)
        if doc is None:  # settings given in code, not read from a file
            yield Alert("silence-expired", "info", silence.partner, None, "partnerbook.yml", None, message)
        else:
            yield ctx.alert(doc, ("alerts", "silences", index, "until"), "silence-expired", "info", message,
                            partner=silence.partner)


def _silence_for(alert: Alert, silences: list[Silence], ctx: Context) -> Silence | None:
    for silence in silences:
        if silence.rule == alert.rule and silence.partner == alert.partner and silence.until >= ctx.today:
            return silence
    return None


def compute_alerts(computed: Computed) -> list[Alert]:
    """Every alert of the portfolio as of ``computed.today``, in a stable order (severity, file, line, rule)."""
    settings = computed.portfolio.settings
    alerts_settings = settings.alerts
    ctx = Context(computed, alerts_settings, warning_days(settings))
    found: set[Alert] = set()
    raw = [alert for group in RULE_GROUPS for alert in group(ctx)]
    for alert in [*raw, *_expired_silences(ctx)]:
        level = alerts_settings.severity.get(alert.rule)  # type: ignore[call-overload]
        if level == "off":
            continue
        if level is not None:
            alert = dataclasses.replace(alert, severity=level)
        silence = _silence_for(alert, alerts_settings.silences, ctx)
        found.add(dataclasses.replace(alert, silence=silence) if silence else alert)
    return sorted(found, key=Alert.sort_key)


def select(alerts: Iterable[Alert], *, min_severity: str | None = None, rules: Iterable[str] = (),
           partners: Iterable[str] = (), include_silenced: bool = False) -> list[Alert]:
    """The alerts a reader asked for: at or above a severity, of some rules or partners, silenced or not."""
    rule_set, partner_set = set(rules), set(partners)
    floor = RANK[min_severity] if min_severity else len(RANK)
    return [a for a in alerts
            if RANK[a.severity] <= floor
            and (not rule_set or a.rule in rule_set)
            and (not partner_set or a.partner in partner_set)
            and (include_silenced or not a.silenced)]


def fails(alerts: Iterable[Alert], fail_on: str) -> bool:
    """True when an alert that is not silenced is at or above ``fail_on`` (``never`` never fails)."""
    if fail_on == "never":
        return False
    return any(not a.silenced and RANK[a.severity] <= RANK[fail_on] for a in alerts)
