"""Validate, then compute: the records the site and the KPI commands work from."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from generator import i18n
from generator.checks.readcache import ReadCache
from generator.checks.validate import validate_portfolio
from generator.compute.health import Health, score_portfolio
from generator.errors import PartnerbookError
from generator.i18n import _, ngettext
from generator.measure.kpis import KpiReport, compute
from generator.problems import Result
from generator.records.portfolio import Portfolio

if TYPE_CHECKING:
    from generator.alerts.model import Alert


@dataclass
class Computed:
    portfolio: Portfolio
    result: Result
    kpis: KpiReport
    health: dict[str, Health]
    today: date
    alerts: list[Alert] = field(default_factory=list)  # every alert, silenced ones included


def blocking_error(result: Result) -> PartnerbookError | None:
    """The error that stops a run when records cannot be understood (policy findings never do)."""
    blocking = sorted(set(result.blocking))
    if not blocking:
        return None
    shown = "\n".join(f"  {p.location()}: {p.message} [{p.rule}]" for p in blocking[:20])
    more = ("\n  " + _("... and {n} more").format(n=i18n.number(len(blocking) - 20))) if len(blocking) > 20 else ""
    head = ngettext("{n} record error must be fixed first (run 'partnerbook validate' for hints):",
                    "{n} record errors must be fixed first (run 'partnerbook validate' for hints):",
                    len(blocking)).format(n=i18n.number(len(blocking)))
    return PartnerbookError(f"{head}\n{shown}{more}")


def compute_portfolio(root: Path, today: date, cache_file: Path | None = None, *, release: bool = False) -> Computed:
    """Load and validate the records, stop on record errors, then compute KPIs, alerts and health.

    ``cache_file`` keeps per-file read results between runs (``partnerbook build``); it is
    saved only when the records could be understood. With ``release`` the records' documents keep their
    positions but let their data go (``Document.release``): for a caller that computes no alert or check
    afterwards (the site's pages read records and lines).
    """
    cache = ReadCache(cache_file) if cache_file is not None else None
    portfolio, result = validate_portfolio(root, today, cache)
    error = blocking_error(result)
    if error is not None:
        raise error
    if cache is not None:
        with contextlib.suppress(OSError):  # a cache that cannot be written only costs time next run
            cache.save()
        del cache  # every record's text as stored: not needed any more
    report = compute(portfolio, today)
    from generator.alerts.engine import compute_alerts

    computed = Computed(portfolio, result, report, {}, today)
    computed.alerts = compute_alerts(computed)
    computed.health = score_portfolio(portfolio, report, today, computed.alerts)
    if release:
        _release_documents(portfolio)
    return computed


def _release_documents(portfolio: Portfolio) -> None:
    """Every record's document keeps its positions (pages and findings show lines) but not its data: the
    checks and alerts that read it are done, and the typed records hold what the rest reads."""
    for entry in portfolio.partners.values():
        for loaded in (entry.profile, entry.sla, *entry.contracts.values(), *entry.partial_contracts):
            if loaded is not None:
                loaded.doc.release()
    for campaign in portfolio.campaigns.values():
        campaign.doc.release()
