"""What a change does: the portfolio at BASE against the working tree, on the same day.

Both sides are read with the same ``today``, so a finding or alert that only time caused (a
document that expired on its own) is on both sides and never shows as new. Findings match on
file, rule, severity and message (not line and column: an edit above a finding moves it);
alerts on rule, severity, partner, campaign, file, message and whether a silence covers them.
Both are compared as multisets, so a second identical finding in a file is still new.

Reading both sides shares one in-memory read memo keyed by each file's display path and bytes:
a file unchanged since BASE is parsed once, and its record is the same object on both sides,
which is how unchanged records are skipped without comparing them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator import i18n
from generator.checks.readcache import ReadCache
from generator.checks.validate import validate_portfolio
from generator.compute.base import Base
from generator.compute.portfolio import Computed, blocking_error
from generator.compute.record_changes import compare_records
from generator.i18n import _, ngettext
from generator.problems import Problem, Result, Severity
from generator.records.portfolio import Portfolio
from generator.rules.obligations import obligations
from generator.rules.windows import warning_days

if TYPE_CHECKING:
    from generator.alerts.model import Alert

# The headline's counts, in this order, each in the current language (ngettext picks the plural form).
_HEADLINE: dict[str, Callable[[int], str]] = {
    "records_added": lambda n: ngettext("{n} record added", "{n} records added", n),
    "records_removed": lambda n: ngettext("{n} record removed", "{n} records removed", n),
    "records_changed": lambda n: ngettext("{n} record changed", "{n} records changed", n),
    "new_errors": lambda n: ngettext("{n} new error", "{n} new errors", n),
    "new_warnings": lambda n: ngettext("{n} new warning", "{n} new warnings", n),
    "resolved_findings": lambda n: ngettext("{n} finding resolved", "{n} findings resolved", n),
    "new_alerts": lambda n: ngettext("{n} new alert", "{n} new alerts", n),
    "resolved_alerts": lambda n: ngettext("{n} alert resolved", "{n} alerts resolved", n),
    "health_changed": lambda n: ngettext("{n} health change", "{n} health changes", n),
    "compliance_changes": lambda n: ngettext("{n} compliance change", "{n} compliance changes", n),
    "kpi_changes": lambda n: ngettext("{n} KPI change", "{n} KPI changes", n),
}

# KPI thresholds: a change smaller than these is rounding, not news.
RATE_THRESHOLD = 0.001  # absolute, on fractions and other ratios
MONEY_THRESHOLD = 0.005  # relative (0.5%), on money
MONEY_KPIS = frozenset({"aov", "revenue_per_session", "cpa", "service_credits"})


class Memo:
    """Per-file read results in memory, shared by both sides of a comparison (``ReadCache``'s interface)."""

    key = staticmethod(ReadCache.key)

    def __init__(self) -> None:
        self.entries: dict[tuple[str, str], Any] = {}

    def get(self, display: str, key: str) -> Any | None:
        return self.entries.get((display, key))

    def put(self, display: str, key: str, value: Any) -> None:
        self.entries[(display, key)] = value


@dataclass
class Side:
    """One side of the comparison: its records and findings, and what was computed from them."""

    portfolio: Portfolio
    result: Result
    computed: Computed | None = None  # None when records the tool cannot understand stop the computing

    @property
    def alerts(self) -> list[Alert]:
        return self.computed.alerts if self.computed is not None else []


def read_side(root: Path, today: date, memo: Memo, *, compute: bool = True) -> Side:
    """Validate ``root``; with ``compute``, also KPIs, alerts and health when its records can be understood."""
    portfolio, result = validate_portfolio(root, today, memo)  # type: ignore[arg-type]  # a ReadCache look-alike
    side = Side(portfolio, result)
    if compute and blocking_error(result) is None:
        from generator.alerts.engine import compute_alerts
        from generator.compute.health import score_portfolio
        from generator.measure.kpis import compute as compute_kpis

        computed = Computed(portfolio, result, compute_kpis(portfolio, today), {}, today)
        computed.alerts = compute_alerts(computed)
        computed.health = score_portfolio(portfolio, computed.kpis, today, computed.alerts)
        side.computed = computed
    return side


# ---------------------------------------------------------------------------------------------- findings

def finding_key(problem: Problem) -> tuple[str, str, str, str]:
    return (problem.file, problem.rule, problem.severity.value, problem.message)


def alert_key(alert: Alert) -> tuple[Any, ...]:
    return (alert.rule, alert.severity, alert.partner, alert.campaign, alert.file, alert.message, alert.silenced)


def split_new(head: list[Any], base: list[Any], key: Any) -> tuple[list[Any], list[Any]]:
    """(new, existing) of ``head`` against ``base``: each item of ``base`` pays for one equal item of ``head``."""
    left = Counter(key(item) for item in base)
    new, existing = [], []
    for item in head:
        k = key(item)
        if left[k] > 0:
            left[k] -= 1
            existing.append(item)
        else:
            new.append(item)
    return new, existing


# ---------------------------------------------------------------------------------------------- consequences

def _health(side: Side) -> dict[str, dict[str, Any]]:
    if side.computed is None:
        return {}
    return {pid: {"score": h.score, "grade": h.grade, "status": h.status, "not_rated": h.not_rated}
            for pid, h in side.computed.health.items()}


def _significant(kpi: str, before: Any, after: Any) -> bool:
    if before is None or after is None:
        return before is not after
    if kpi in MONEY_KPIS:
        scale = max(abs(before), abs(after))
        return scale > 0 and abs(after - before) / scale > MONEY_THRESHOLD
    return abs(after - before) > RATE_THRESHOLD


def _kpi_changes(before: dict[str, Any], after: dict[str, Any], label: str, name: str) -> list[dict[str, Any]]:
    return [{label: name, "kpi": kpi, "before": before.get(kpi), "after": after.get(kpi)}
            for kpi in sorted(set(before) | set(after)) if _significant(kpi, before.get(kpi), after.get(kpi))]


def _partner_kpis(side: Side) -> dict[str, dict[str, Any]]:
    assert side.computed is not None
    out = {}
    for pid, kpis in side.computed.kpis.partners.items():
        out[pid] = {"revenue_share": kpis.revenue_share, "evaluation_score": kpis.evaluation_score,
                    "sla_attainment": kpis.sla_attainment, "activation_days": kpis.activation_days,
                    "service_credits": kpis.sla.service_credits if kpis.sla else None,
                    **{f"campaign_{k}": v for k, v in kpis.campaigns.items()}}
    return out


def compare_kpis(base: Side, head: Side) -> dict[str, list[dict[str, Any]]]:
    if base.computed is None or head.computed is None:
        return {"campaigns": [], "partners": []}
    old, new = base.computed.kpis.campaigns, head.computed.kpis.campaigns
    campaigns = [row for cid in sorted(set(old) & set(new))
                 for row in _kpi_changes(old[cid].total, new[cid].total, "campaign", cid)]
    old_p, new_p = _partner_kpis(base), _partner_kpis(head)
    partners = [row for pid in sorted(set(old_p) & set(new_p))
                for row in _kpi_changes(old_p[pid], new_p[pid], "partner", pid)]
    return {"campaigns": campaigns, "partners": partners}


def _cells(side: Side, today: date) -> dict[str, dict[tuple[str, str, str | None], str]]:
    """Each partner's compliance asks: (kind, subject, contract) -> state, as the policy judges them."""
    settings = side.portfolio.settings
    window = warning_days(settings)
    cells: dict[str, dict[tuple[str, str, str | None], str]] = {}
    for pid, entry in side.portfolio.partners.items():
        if entry.partner is None:
            continue
        row: dict[tuple[str, str, str | None], str] = {}
        for ask in obligations(entry, settings.compliance, today, window):
            contract = ask.contract if ask.kind == "every-clause" else None
            row[(ask.kind, ask.subject, contract)] = ask.state
        cells[pid] = row
    return cells


def compare_compliance(base: Side, head: Side, today: date) -> list[dict[str, Any]]:
    old, new = _cells(base, today), _cells(head, today)
    rows = []
    for pid in sorted(set(old) & set(new)):
        for key in sorted(set(old[pid]) | set(new[pid]), key=lambda k: (k[0], k[1], k[2] or "")):
            before, after = old[pid].get(key, "not required"), new[pid].get(key, "not required")
            if before != after:
                rows.append({"partner": pid, "kind": key[0], "subject": key[1], "contract": key[2],
                             "before": before, "after": after})
    return rows


# ---------------------------------------------------------------------------------------------- the whole diff

@dataclass
class Diff:
    base: Base
    today: date
    records: dict[str, list[dict[str, Any]]]
    new_findings: list[Problem]
    resolved_findings: list[Problem]
    unchanged_findings: list[Problem]
    new_alerts: list[Alert]
    resolved_alerts: list[Alert]
    unchanged_alerts: int
    health: list[dict[str, Any]]
    kpis: dict[str, list[dict[str, Any]]]
    compliance: list[dict[str, Any]]
    computed: dict[str, bool] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {
            "records_added": len(self.records["added"]),
            "records_removed": len(self.records["removed"]),
            "records_changed": len(self.records["changed"]),
            "new_errors": sum(p.severity is Severity.ERROR for p in self.new_findings),
            "new_warnings": sum(p.severity is Severity.WARNING for p in self.new_findings),
            "resolved_findings": len(self.resolved_findings),
            "unchanged_findings": len(self.unchanged_findings),
            "new_alerts": len(self.new_alerts),
            "resolved_alerts": len(self.resolved_alerts),
            "health_changed": len(self.health),
            "kpi_changes": len(self.kpis["campaigns"]) + len(self.kpis["partners"]),
            "compliance_changes": len(self.compliance),
        }

    def headline(self) -> str:
        """'2 records changed · 1 new error · 1 health change', in the current language."""
        counts = self.counts()
        parts = [_HEADLINE[key](counts[key]).format(n=i18n.number(counts[key])) for key in _HEADLINE if counts[key]]
        return " · ".join(parts) if parts else _("no changes")

    def as_json(self) -> dict[str, Any]:
        return {
            "base": self.base.as_json(),
            "today": self.today.isoformat(),
            "headline": self.headline(),
            "summary": self.counts(),
            "computed": self.computed,
            "records": self.records,
            "findings": {"new": [p.as_json() for p in self.new_findings],
                         "resolved": [p.as_json() for p in self.resolved_findings],
                         "unchanged": [p.as_json() for p in self.unchanged_findings]},
            "alerts": {"new": [_alert_json(a) for a in self.new_alerts],
                       "resolved": [_alert_json(a) for a in self.resolved_alerts],
                       "unchanged": self.unchanged_alerts},
            "health": self.health,
            "kpis": self.kpis,
            "compliance": self.compliance,
        }


def _alert_json(alert: Alert) -> dict[str, Any]:
    return {**alert.as_json(), "silenced": alert.silenced}


def _sorted_problems(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.file, p.line or 0, p.column or 0, p.rule, p.message))


def compare(base: Base, base_side: Side, head: Side, today: date) -> Diff:
    new, unchanged = split_new(list(dict.fromkeys(head.result.problems)),
                               list(dict.fromkeys(base_side.result.problems)), finding_key)
    resolved, _kept = split_new(list(dict.fromkeys(base_side.result.problems)),
                            list(dict.fromkeys(head.result.problems)), finding_key)
    new_alerts, kept = split_new(head.alerts, base_side.alerts, alert_key)
    resolved_alerts, _kept_alerts = split_new(base_side.alerts, head.alerts, alert_key)
    if base_side.computed is None or head.computed is None:  # alerts of a side that does not compute are unknown
        new_alerts, resolved_alerts = [], []
    old_h, new_h = _health(base_side), _health(head)
    health: list[dict[str, Any]] = [{"partner": pid, "before": old_h[pid], "after": new_h[pid]}
              for pid in sorted(set(old_h) & set(new_h)) if old_h[pid] != new_h[pid]]
    health += [{"partner": pid, "before": old_h.get(pid), "after": new_h.get(pid)}
               for pid in sorted(set(old_h) ^ set(new_h))
               if base_side.computed is not None and head.computed is not None]
    health.sort(key=lambda row: row["partner"])
    records = compare_records(base_side.portfolio, head.portfolio)
    return Diff(base, today, records, _sorted_problems(new), _sorted_problems(resolved), _sorted_problems(unchanged),
                sorted(new_alerts, key=lambda a: a.sort_key()),
                sorted(resolved_alerts, key=lambda a: a.sort_key()), len(kept), health,
                compare_kpis(base_side, head), compare_compliance(base_side, head, today),
                {"base": base_side.computed is not None, "head": head.computed is not None})


def diff_portfolios(root: Path, base: Base, today: date) -> Diff:
    """Read the working tree at ``root`` and the portfolio at ``base`` (one memo), and compare them."""
    memo = Memo()
    head = read_side(root, today, memo)
    base_side = read_side(base.root, today, memo)
    return compare(base, base_side, head, today)
