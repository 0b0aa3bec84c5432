"""Alerts: what needs attention in the portfolio, why, and the record (file and line) it comes from.

``compute_alerts(computed)`` runs every rule (contracts, compliance, SLAs,
relationship, dependency, performance; see each module's docstring for its
thresholds), applies the ``alerts:`` settings of partnerbook.yml and returns
``Alert`` records sorted by severity, file, line and rule. ``select`` filters
them for a reader, ``fails`` decides ``--fail-on``, and ``generator.alerts.report``
renders them as text, JSON or GitHub annotations.
"""

from __future__ import annotations

from generator.alerts.engine import compute_alerts, fails, select
from generator.alerts.model import SEVERITIES, Alert
from generator.records.settings import ALERT_RULES

__all__ = ["ALERT_RULES", "SEVERITIES", "Alert", "compute_alerts", "fails", "select"]
