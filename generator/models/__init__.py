"""Typed records: what each YAML file may hold, exactly as the spec names it."""

from __future__ import annotations

from generator.models.campaign import Campaign
from generator.models.contract import Contract
from generator.models.partner import Partner
from generator.models.settings import Settings
from generator.models.sla import Sla

__all__ = ["Campaign", "Contract", "Partner", "Settings", "Sla"]
