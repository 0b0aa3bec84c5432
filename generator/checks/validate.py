"""Load and validate a whole portfolio: every problem in every file, in one run."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from generator import i18n
from generator.checks import checklists, codeowners, facts, mkdocs_yml, money, policy, references, secrets
from generator.checks.people import check_people
from generator.checks.readcache import ReadCache
from generator.checks.typing import partial_record, to_record
from generator.load.discover import Layout, discover, settings_language
from generator.load.loader import load_bytes
from generator.load.safe_read import read_record
from generator.problems import Problem, Result, Severity
from generator.records import Campaign, Contract, Partner, Settings, Sla, Team
from generator.records.portfolio import Loaded, PartnerEntry, Portfolio

M = TypeVar("M", bound=BaseModel)


def _read_file(data: bytes, display: str, model: type[M],
               record_id: str) -> tuple[Loaded[M] | None, list[Problem]]:
    """One file's record and problems: everything that depends on this file's bytes alone."""
    doc, problems = load_bytes(data, display)
    if doc is None:
        return None, problems
    problems = [*problems, *secrets.scan(doc)]
    record, found = to_record(doc, model)
    problems = secrets.hide(doc, [*problems, *found])  # other rules must not quote a flagged secret
    if record is not None:
        return Loaded(record_id, record, doc), problems
    partial = partial_record(doc, model)
    return (Loaded(record_id, partial, doc, partial=True) if partial is not None else None), problems


def _read(path: Path, layout: Layout, model: type[M], record_id: str,
          problems: list[Problem], cache: ReadCache | None = None,
          overrides: dict[Path, bytes] | None = None) -> Loaded[M] | None:
    display = layout.display(path)
    data: bytes | None
    refused: list[Problem] = []
    if overrides and path in overrides:  # the text a command is about to write (partnerbook import)
        data = overrides[path]
    else:
        data, refused = read_record(layout.root, path, display)
    if data is None:
        problems.extend(refused)
        return None
    key = None
    if cache is not None:
        key = cache.key(data, model.__name__, record_id)
        hit = cache.get(display, key)
        if hit is not None:
            problems.extend(hit[1])
            return hit[0]
    loaded, found = _read_file(data, display, model, record_id)
    if cache is not None and key is not None:
        cache.put(display, key, (loaded, found))
    problems.extend(found)
    return loaded


def load_portfolio(root: Path, cache: ReadCache | None = None,
                   overrides: dict[Path, bytes] | None = None) -> tuple[Portfolio, list[Problem], int]:
    """Read every record under ``root``: the typed portfolio, the record problems, the file count.

    With ``cache``, files whose bytes did not change since the cached run are not read again.
    ``overrides`` gives the bytes of files (as discovered under ``root``) to check instead of the disk's.
    """
    language = settings_language(root)
    i18n.use(language)  # the team's language before the first finding is written
    layout = discover(root)
    problems = list(layout.problems)
    portfolio = Portfolio(root)
    if layout.settings is not None:
        settings = _read(layout.settings, layout, Settings, "settings", problems, cache)
        if settings is not None and not settings.partial:  # settings that fail keep every default
            portfolio.settings, portfolio.settings_doc = settings.record, settings.doc
    # From here on partnerbook writes in the team's language (PARTNERBOOK_LANG wins): findings, pages, output.
    i18n.use(portfolio.settings.site.language if portfolio.settings_doc is not None else language)
    if layout.team is not None:
        team = _read(layout.team, layout, Team, "team", problems, cache)
        if team is not None and not team.partial:
            portfolio.team = team
    for partner_id, folder in layout.partners.items():
        entry = PartnerEntry(partner_id, sla_file_present=folder.sla is not None,
                             contract_files=len(folder.contracts))
        if folder.profile is not None:
            entry.profile = _read(folder.profile, layout, Partner, partner_id, problems, cache)
        for contract_id, path in folder.contracts.items():
            contract = _read(path, layout, Contract, contract_id, problems, cache)
            if contract is not None and contract.partial:
                entry.partial_contracts.append(contract)  # checked, but never judged by the policy
            elif contract is not None:
                entry.contracts[contract_id] = contract
        if folder.sla is not None:
            entry.sla = _read(folder.sla, layout, Sla, "sla", problems, cache)
        portfolio.partners[partner_id] = entry
    portfolio.campaign_ids = set(layout.campaigns)
    for campaign_id, path in layout.campaigns.items():
        campaign = _read(path, layout, Campaign, campaign_id, problems, cache, overrides)
        if campaign is not None:
            portfolio.campaigns[campaign_id] = campaign
    return portfolio, problems, layout.file_count()


def validate_portfolio(root: Path, today: date, cache: ReadCache | None = None,
                       overrides: dict[Path, bytes] | None = None) -> tuple[Portfolio, Result]:
    """Load, then run every check: record checks, references and the compliance policy."""
    portfolio, problems, files = load_portfolio(root, cache, overrides)
    for entry in portfolio.partners.values():
        if entry.profile:
            problems += facts.check_partner(entry.profile.record, entry.profile.doc)
        for contract in [*entry.contracts.values(), *entry.partial_contracts]:
            problems += facts.check_contract(contract.record, contract.doc)
    for campaign in portfolio.campaigns.values():
        problems += facts.check_campaign(campaign.record, campaign.doc)
    problems += references.check_references(portfolio)
    problems += check_people(portfolio)
    problems += policy.check_policy(portfolio, today)
    problems += checklists.check_checklists(portfolio, today)
    settings_failed = any(p.file == "partnerbook.yml" and p.severity is Severity.ERROR for p in problems)
    problems += money.check_currencies(portfolio, settings_failed)
    problems += money.check_credit_dates(portfolio, today)
    problems += _check_mkdocs_yml(portfolio, problems)
    problems += mkdocs_yml.language_warning(portfolio.settings_doc, portfolio.settings.site.language)
    problems += codeowners.check(portfolio)
    return portfolio, Result(problems, files)


def _check_mkdocs_yml(portfolio: Portfolio, problems: list[Problem]) -> list[Problem]:
    """What build would refuse in mkdocs.yml, and a warning on the line of partnerbook.yml that trusts it."""
    trusted = portfolio.settings.site.trust_mkdocs_yml
    found = [mkdocs_yml.trusted_warning(portfolio.settings_doc)] if trusted else []
    if not any(p.file == mkdocs_yml.CONFIG_NAME for p in problems):  # a link or special file is reported already
        found += mkdocs_yml.check_mkdocs_yml(portfolio.root, trusted=trusted).problems
    return found
