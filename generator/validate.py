"""Load and validate a whole portfolio: every problem in every file, in one run."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from generator.checks import policy, records, references, secrets
from generator.checks.typing import to_record
from generator.discover import Layout, discover
from generator.loader import load_file
from generator.models import Campaign, Contract, Partner, Settings, Sla
from generator.portfolio import Loaded, PartnerEntry, Portfolio
from generator.problems import Problem, Result

M = TypeVar("M", bound=BaseModel)


def _read(path: Path, layout: Layout, model: type[M], record_id: str,
          problems: list[Problem]) -> Loaded[M] | None:
    doc, found = load_file(path, layout.display(path))
    problems.extend(found)
    if doc is None:
        return None
    problems.extend(secrets.scan(doc))
    record, found = to_record(doc, model)
    problems.extend(found)
    return Loaded(record_id, record, doc) if record is not None else None


def load_portfolio(root: Path) -> tuple[Portfolio, list[Problem], int]:
    """Read every record under ``root``: the typed portfolio, the record problems, the file count."""
    layout = discover(root)
    problems = list(layout.problems)
    portfolio = Portfolio(root)
    if layout.settings is not None:
        settings = _read(layout.settings, layout, Settings, "settings", problems)
        if settings is not None:
            portfolio.settings, portfolio.settings_doc = settings.record, settings.doc
    for partner_id, folder in layout.partners.items():
        entry = PartnerEntry(partner_id, sla_file_present=folder.sla is not None)
        if folder.profile is not None:
            entry.profile = _read(folder.profile, layout, Partner, partner_id, problems)
        for contract_id, path in folder.contracts.items():
            contract = _read(path, layout, Contract, contract_id, problems)
            if contract is not None:
                entry.contracts[contract_id] = contract
        if folder.sla is not None:
            entry.sla = _read(folder.sla, layout, Sla, "sla", problems)
        portfolio.partners[partner_id] = entry
    portfolio.campaign_ids = set(layout.campaigns)
    for campaign_id, path in layout.campaigns.items():
        campaign = _read(path, layout, Campaign, campaign_id, problems)
        if campaign is not None:
            portfolio.campaigns[campaign_id] = campaign
    return portfolio, problems, layout.file_count()


def validate_portfolio(root: Path, today: date) -> tuple[Portfolio, Result]:
    """Load, then run every check: record checks, references and the compliance policy."""
    portfolio, problems, files = load_portfolio(root)
    for entry in portfolio.partners.values():
        if entry.profile:
            problems += records.check_partner(entry.profile.record, entry.profile.doc)
        for contract in entry.contracts.values():
            problems += records.check_contract(contract.record, contract.doc)
    for campaign in portfolio.campaigns.values():
        problems += records.check_campaign(campaign.record, campaign.doc)
    problems += references.check_references(portfolio)
    problems += policy.check_policy(portfolio, today)
    return portfolio, Result(problems, files)
