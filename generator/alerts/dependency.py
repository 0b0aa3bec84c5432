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

from generator import i18n
from generator.alerts.model import Alert, Context, money, percent
from generator.i18n import N_, _

BACKUP_STATUSES = ("onboarding", "active", "paused")
# A partner named by its criticality at the start of a message.
_KIND = {"critical": N_("critical partner"), "high": N_("high-criticality partner"),
         "medium": N_("medium-criticality partner"), "low": N_("low-criticality partner")}


def _kind(criticality: str) -> str:
    return _(_KIND[criticality]) if criticality in _KIND else _("{criticality} partner").format(criticality=criticality)


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
            text = _("{partner} without a vetted backup: backup_partners lists {backups}, none of them onboarding, "
                     "active or paused; vet a fallback partner and list it")
        else:
            text = _("{partner} without a vetted backup: backup_partners is empty; vet a fallback partner and list it")
        yield ctx.alert(entry.profile.doc, ("backup_partners",) if listed else ("criticality",), "no-backup",
                        "warning", text.format(partner=_kind(partner.criticality), backups=", ".join(listed)),
                        partner=partner_id)


def _single_source(ctx: Context) -> Iterator[Alert]:
    providers: dict[str, set[str]] = defaultdict(set)
    for partner_id, _entry, partner in ctx.partners("active"):
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
                            _("{partner} is the only active provider of {capabilities}").format(
                                partner=_kind(partner.criticality), capabilities=", ".join(alone)),
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
        text = (_("{share} of partner revenue over all campaigns ({revenue} of {total}), above the {threshold} "
                  "threshold") if report.hhi is None else
                _("{share} of partner revenue over all campaigns ({revenue} of {total}), above the {threshold} "
                  "threshold; portfolio HHI {hhi}"))
        yield ctx.alert(entry.profile.doc, ("name",), "revenue-concentration", "warning",
                        text.format(share=percent(share), revenue=money(revenue, ctx.currency),
                                    total=money(total, ctx.currency), threshold=percent(threshold),
                                    hhi=i18n.number(report.hhi or 0.0, 2)), partner=partner_id)


def dependency_alerts(ctx: Context) -> Iterator[Alert]:
    """Backups, single sources and concentration across the portfolio."""
    yield from _no_backup(ctx)
    yield from _single_source(ctx)
    yield from _concentration(ctx)
