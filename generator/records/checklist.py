"""``checklists:`` of partnerbook.yml: checklists of your own, or items added to the built-in ones.

The rules an item can name are decided once, in generator/rules/checklists.py.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from generator.records.common import Id, PositiveDays, Record, Text
from generator.records.policy import Condition

# The checks the records decide, by name (implemented once in generator/rules/checklists.py).
PartnerRule = Literal[
    "dd-business-model", "dd-financial-health", "dd-target-market", "dd-reputation", "dd-references",
    "dd-completed", "evaluation-scored", "tech-maturity", "backup-partner", "contract-signed", "owner-named",
    "contacts-recorded", "raci-agreed", "responsibilities-split", "roadmap-planned", "training-planned",
    "review-cadence", "live", "kick-off-workshop", "compliance-reviewed", "compliance-policy",
    "counsel-reviewed", "no-open-red-flags", "pci-attestation", "pci-responsibility", "gdpr-transfers",
    "regions-recorded",
]
CampaignRule = Literal[
    "targets-set", "campaign-ended", "results-recorded", "baselines-recorded", "survey-collected",
    "roi-computed", "review-held", "smoothness-rated", "learnings-written",
]
PARTNER_RULES: tuple[str, ...] = PartnerRule.__args__  # type: ignore[attr-defined]
CAMPAIGN_RULES: tuple[str, ...] = CampaignRule.__args__  # type: ignore[attr-defined]


class ChecklistCondition(Condition):
    """Like a compliance condition; ``regions``: the partner lists the regions it serves (or not)."""

    regions: bool | None = None


class ChecklistItem(Record):
    """One item: decided by a named ``rule`` of the records, or ``manual`` (ticked under ``checklist:``)."""

    id: Id
    text: Text
    rule: PartnerRule | CampaignRule | None = None
    manual: bool = False
    valid_days: PositiveDays | None = None  # a tick counts this long (365: yearly)
    applies_to: list[ChecklistCondition] = Field(default_factory=list, max_length=100)  # any matches
    hint: Text | None = None  # what to record or keep as evidence, shown beside the item


class ChecklistDefinition(Record):
    """A checklist, or items added to a built-in one (same id)."""

    title: Text | None = None  # needed for a new checklist
    of: Literal["partner", "campaign"] | None = None  # partner by default
    applies_to: list[ChecklistCondition] | None = Field(default=None, max_length=100)  # any matches
    items: list[ChecklistItem] = Field(default_factory=list, max_length=500)
