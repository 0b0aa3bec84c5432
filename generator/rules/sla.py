"""SLA measurements: when a metric-month is met, which months count as recent.

A month without a value for a metric is not measured, which is no breach. Attainment
is met metric-months over measured metric-months; "recent" is the latest ``months``
months that have at least one measured metric.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.records.sla import Metric, Sla


def value_of(sla: Sla, index: int, metric: Metric) -> float | None:
    value = (sla.measurements[index].model_extra or {}).get(metric.id)
    return None if value is None else float(value)


def met(metric: Metric, value: float) -> bool:
    """Whether a measured value meets the metric's target (``better: higher`` or ``lower``)."""
    return value >= metric.target if metric.better == "higher" else value <= metric.target


def measured_months(sla: Sla) -> list[int]:
    """Indexes of the measurements with at least one metric value, latest month first."""
    indexes = [i for i in range(len(sla.measurements)) if any(value_of(sla, i, m) is not None for m in sla.metrics)]
    return sorted(indexes, key=lambda i: sla.measurements[i].month, reverse=True)


@dataclass(frozen=True)
class Attainment:
    met: int
    measured: int
    months: tuple[str, ...]  # the months counted, oldest first

    @property
    def rate(self) -> float | None:
        return self.met / self.measured if self.measured else None


def attainment(sla: Sla, months: int | None = None) -> Attainment:
    """Met / measured metric-months over the latest ``months`` measured months (all when None)."""
    window = measured_months(sla)
    if months is not None:
        window = window[:months]
    results = [met(m, v) for i in window for m in sla.metrics if (v := value_of(sla, i, m)) is not None]
    return Attainment(sum(results), len(results), tuple(sorted(sla.measurements[i].month for i in window)))


def latest_breaches(sla: Sla) -> list[tuple[int, Metric, float]]:
    """The metrics that missed their target in the latest measured month: (measurement index, metric, value)."""
    window = measured_months(sla)
    if not window:
        return []
    index = window[0]
    return [(index, m, v) for m in sla.metrics if (v := value_of(sla, index, m)) is not None and not met(m, v)]


def breached_months(sla: Sla) -> dict[str, tuple[int, int]]:
    """Every month in which a metric missed its target: month -> (measurement index, metrics breached).

    Not measured is no breach; a month measured twice counts its first measurement.
    """
    months: dict[str, tuple[int, int]] = {}
    for index, measurement in enumerate(sla.measurements):
        breaches = sum(1 for m in sla.metrics if (v := value_of(sla, index, m)) is not None and not met(m, v))
        if breaches and measurement.month not in months:
            months[measurement.month] = (index, breaches)
    return months
