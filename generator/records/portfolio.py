"""The typed portfolio: every record with the document it was read from."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from generator.load.document import Document
from generator.records import Campaign, Contract, Partner, Settings, Sla, Team

R = TypeVar("R")


@dataclass(frozen=True)
class Loaded(Generic[R]):
    """A typed record, its id and the document that gives its positions."""

    id: str
    record: R
    doc: Document
    partial: bool = False  # read with the fields that failed their type left out (validation only)

    @property
    def file(self) -> str:
        return self.doc.path


@dataclass
class PartnerEntry:
    """A partner folder: the profile (None when it could not be read) and its files."""

    id: str
    profile: Loaded[Partner] | None = None
    contracts: dict[str, Loaded[Contract]] = field(default_factory=dict)
    sla: Loaded[Sla] | None = None
    sla_file_present: bool = False
    contract_files: int = 0  # contract files found, read or not (a file that failed to read is not in contracts)
    partial_contracts: list[Loaded[Contract]] = field(default_factory=list)  # failed their types, checked apart

    @property
    def partner(self) -> Partner | None:
        return self.profile.record if self.profile else None


@dataclass
class Portfolio:
    """Everything partnerbook knows about a repository of records."""

    root: Path
    settings: Settings = field(default_factory=Settings)
    settings_doc: Document | None = None
    partners: dict[str, PartnerEntry] = field(default_factory=dict)
    campaigns: dict[str, Loaded[Campaign]] = field(default_factory=dict)
    campaign_ids: set[str] = field(default_factory=set)
    team: Loaded[Team] | None = None  # team.yaml, when the repository has one that could be read

    def active_partners(self) -> list[PartnerEntry]:
        return [p for p in self.partners.values() if p.partner and p.partner.status == "active"]
