"""Dependency alerts: missing backups, single-source capabilities and revenue concentration.

* ``no-backup``: an active partner whose criticality is in
  ``alerts.no_backup_criticality`` (default: critical) has no vetted backup: no
  partner in ``backup_partners`` that is onboarding, active or paused. Warning.
* ``single-source-capability``: capabilities of an active partner whose
  criticality is in ``alerts.single_source_criticality`` (default: critical,
  high) that no other active partner provides; one alert per partner listing them.
  Warning for critical partners, info for the others.
* ``revenue-concentration``: a partner's share of all partner revenue over all
  campaigns is above ``alerts.revenue_concentration`` (default 0.5). Warning.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from generator.alerts.model import Alert, Context, money, percent

BACKUP_STATUSES = ("onboarding", "active", "paused")


def _no_backup(ctx: Context) -> Iterator[Alert]:
    partners = ctx.portfolio.partners
    for partner_id, entry, partner in ctx.partners("active"):
        assert entry.profile is not None
        if partner.criticality not in ctx.settings.no_backup_criticality:
            continue
        listed = partner.backup_partners
        usable = [b for b in listed if b in partners and partners[b].partner is not None
                  and partners[b].partner.status in BACKUP_STATUSES]  # type: ignore[union-attr]
        if usable:
            continue
        if listed:
            why = f"backup_partners lists {', '.join(listed)}, none of them onboarding, active or paused"
        else:
            why = "backup_partners is empty"
        yield ctx.alert(entry.profile.doc, ("backup_partners",) if listed else ("criticality",), "no-backup",
                        "warning", f"{partner.criticality} partner without a vetted backup: {why}; "
                        "vet a fallback partner and list it", partner=partner_id)


def _single_source(ctx: Context) -> Iterator[Alert]:
    providers: dict[str, set[str]] = defaultdict(set)
    for partner_id, _, partner in ctx.partners("active"):
        for capability in partner.capabilities:
            providers[capability].add(partner_id)
    for partner_id, entry, partner in ctx.partners("active"):
        assert entry.profile is not None
        if partner.criticality not in ctx.settings.single_source_criticality:
            continue
        alone = [c for c in partner.capabilities if providers[c] == {partner_id}]
        if alone:
            yield ctx.alert(entry.profile.doc, ("capabilities",), "single-source-capability",
                            "warning" if partner.criticality == "critical" else "info",
                            f"{partner.criticality} partner is the only active provider of {', '.join(alone)}",
                            partner=partner_id)


def _concentration(ctx: Context) -> Iterator[Alert]:
    report, threshold = ctx.computed.kpis, ctx.settings.revenue_concentration
    results = report.results
    total = float(results["revenue"].sum()) if not results.empty else 0.0
    for partner_id, kpis in sorted(report.partners.items()):
        share = kpis.revenue_share
        entry = ctx.portfolio.partners.get(partner_id)
        if share is None or share <= threshold or entry is None or entry.profile is None:
            continue
        revenue = float(results.loc[results["partner"] == partner_id, "revenue"].sum())
        hhi = f"; portfolio HHI {report.hhi:.2f}" if report.hhi is not None else ""
        yield ctx.alert(entry.profile.doc, ("name",), "revenue-concentration", "warning",
                        f"{percent(share)} of partner revenue over all campaigns ({money(revenue, ctx.currency)} of "
                        f"{money(total, ctx.currency)}), above the {percent(threshold)} threshold{hhi}",
                        partner=partner_id)


def dependency_alerts(ctx: Context) -> Iterator[Alert]:
    """Backups, single sources and concentration across the portfolio."""
    yield from _no_backup(ctx)
    yield from _single_source(ctx)
    yield from _concentration(ctx)
