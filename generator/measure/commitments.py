"""The figures behind contract commitments: each period's KPI from the partner's campaign results.

Which periods, what counts and how a period is judged are ``generator.rules.commitments``; this
module only sums the partner's rows of the results frame (already in the reporting currency) the
way a campaign total does (``generator.measure.kpis.figures``), and converts money bounds.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from generator.measure.kpis import figure
from generator.records.contract import Commitment, Contract
from generator.records.portfolio import Portfolio
from generator.rules.commitments import (
    MONEY_KPIS,
    CampaignSpan,
    Outcome,
    Period,
    bound_of,
    campaigns_in,
    periods,
    state,
)
from generator.rules.money import Rates, original, rates_of


def _commitment(ids: tuple[str, str, int], commitment: Commitment, contract: Contract, currency: str,
                campaigns: list[CampaignSpan], rows: pd.DataFrame, today: date, rates: Rates,
                reporting: str) -> list[Outcome]:
    """One commitment judged over each of its periods (one "no data" row when no period has begun)."""
    bound = bound_of(commitment)
    if bound is None:
        return []  # validation reports it
    side, value = bound
    money = commitment.kpi in MONEY_KPIS
    written = original(value, currency, reporting) if money else None
    partner_id, contract_id, index = ids

    def make(period: Period | None, target: float | None, actual: float | None, judged: str) -> Outcome:
        return Outcome(partner_id, contract_id, index, commitment.kpi, side, target, written, period, actual,
                       judged, commitment.note, reporting, commitment.period)

    spans = periods(commitment, contract, campaigns, today)
    if not spans:
        return [make(None, rates.convert(value, currency, commitment.valid_from) if money else value, None,
                     "no data")]
    found = []
    for period in spans:
        target = rates.convert(value, currency, period.start) if money else value
        members = campaigns_in(period, campaigns)
        actual = figure(rows[rows["campaign"].isin(members)], commitment.kpi) if members else None
        found.append(make(period, target, actual, state(side, target, actual, period, today)))
    return found


def evaluate(portfolio: Portfolio, frame: pd.DataFrame, today: date) -> dict[str, list[Outcome]]:
    """Every commitment of every readable contract, period by period, by partner id (only partners with some)."""
    reporting = portfolio.settings.currency
    rates = rates_of(portfolio.settings)
    spans = {cid: CampaignSpan(cid, loaded.record.start, loaded.record.end)
             for cid, loaded in portfolio.campaigns.items()}
    rows_of = dict(iter(frame.groupby("partner", sort=False))) if not frame.empty else {}
    found: dict[str, list[Outcome]] = {}
    for partner_id in sorted(portfolio.partners):
        entry = portfolio.partners[partner_id]
        rows = rows_of.get(partner_id, frame.iloc[0:0])
        campaigns = [spans[c] for c in sorted(set(rows["campaign"])) if c in spans]
        outcomes: list[Outcome] = []
        for contract_id in sorted(entry.contracts):
            contract = entry.contracts[contract_id].record
            currency = (contract.value.currency if contract.value else None) or reporting
            for index, commitment in enumerate(contract.commitments):
                outcomes += _commitment((partner_id, contract_id, index), commitment, contract, currency,
                                        campaigns, rows, today, rates, reporting)
        if outcomes:
            found[partner_id] = outcomes
    return found
