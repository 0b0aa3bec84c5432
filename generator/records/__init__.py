"""Typed records: what each YAML file may hold, exactly as the spec names it."""

from __future__ import annotations

from generator.records.campaign import Campaign
from generator.records.contract import Contract
from generator.records.partner import Partner
from generator.records.settings import Settings
from generator.records.sla import Sla
from generator.records.team import Team

__all__ = ["Campaign", "Contract", "Partner", "Settings", "Sla", "Team"]
