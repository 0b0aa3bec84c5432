"""Checklists on the site: the definitions and rules live in ``generator.rules.checklists`` (data in
site_templates/checklists.yaml and partnerbook.yml); this module adds the campaign's KPI total.

Each item is ``done`` (True), ``open`` (False) or ``manual`` (None: the records cannot tell and no
tick in the records counts). The evidence says which record decided.
"""

from __future__ import annotations

from datetime import date

from generator.measure.kpis import KpiReport
from generator.records import Campaign
from generator.records.portfolio import Portfolio
from generator.rules.checklists import Checklist, Item, campaign_checklists, partner_checklists

__all__ = ["Checklist", "Item", "campaign_checklists_of", "partner_checklists"]


def campaign_checklists_of(campaign_id: str, campaign: Campaign, portfolio: Portfolio, report: KpiReport,
                           today: date) -> list[Checklist]:
    """The checklists of one campaign (the post-campaign review first)."""
    total = report.campaigns[campaign_id].total if campaign_id in report.campaigns else {}
    return campaign_checklists(campaign, portfolio, today, total)
