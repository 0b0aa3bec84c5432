"""Money: which currency codes exist, and how an amount becomes an amount in the reporting currency.

The reporting currency is ``currency`` in ``partnerbook.yml`` (EUR by default). Any record may
name its own ISO 4217 currency; ``rates`` in ``partnerbook.yml`` say what one unit of it is worth
in the reporting currency, either once (``USD: 0.92``) or as a table of rates with the date each is
valid from (``USD: [{from: 2026-01-01, rate: 0.92}, ...]``). An amount converts at the rate valid on
its own date (a campaign's start, a contract's start, an SLA month, a ledger entry's date): the
latest entry from on or before that date. A date before the first entry has no rate, and an amount
without a date uses the latest entry.

Every stage asks this module: validation (unknown codes, missing rates), KPIs (results are
converted before anything is summed), the money ledger, alerts, charts and pages.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import TYPE_CHECKING

from generator import i18n
from generator.i18n import _
from generator.load.document import Document
from generator.load.positions import Path_
from generator.rules.contracts import effective_start, term
from generator.rules.formats import unknown
from generator.rules.sla import breached_months

if TYPE_CHECKING:
    from generator.records import Campaign, Contract, Settings
    from generator.records.portfolio import Loaded, Portfolio


@cache
def known_currencies() -> frozenset[str]:
    """Every ISO 4217 code (current and historical), from the CLDR data that Babel ships."""
    from babel.numbers import list_currencies

    return frozenset(list_currencies())


def is_known(code: str) -> bool:
    return code in known_currencies()


@dataclass(frozen=True)
class Rates:
    """Conversion into ``reporting``: per currency, (valid from, rate) sorted by date."""

    reporting: str
    table: dict[str, tuple[tuple[date | None, float], ...]]

    def rate(self, currency: str | None, on: date | None = None) -> float | None:
        """Reporting-currency units per unit of ``currency`` on ``on``; None when there is no such rate."""
        if currency is None or currency == self.reporting:
            return 1.0
        entries = self.table.get(currency)
        if not entries:
            return None
        if on is None:
            return entries[-1][1]
        starts = [start or date.min for start, _ in entries]
        index = bisect_right(starts, on)
        return entries[index - 1][1] if index else None

    def convert(self, amount: float | None, currency: str | None, on: date | None = None) -> float | None:
        """``amount`` in the reporting currency; None when the amount or a rate is missing."""
        if amount is None:
            return None
        rate = self.rate(currency, on)
        return None if rate is None else amount * rate

    def missing(self, currency: str, on: date | None = None) -> tuple[str, str] | None:
        """Why ``currency`` on ``on`` cannot be converted (message, hint), or None when it can."""
        if self.rate(currency, on) is not None:
            return None
        entries = self.table.get(currency)
        if not entries:
            what = _("{reporting} per 1 {currency}").format(reporting=self.reporting, currency=currency)
            return (_("no conversion rate for {currency} into {reporting}").format(currency=currency,
                                                                                   reporting=self.reporting),
                    _("add it to partnerbook.yml: {example}").format(example=f"rates: {{{currency}: <{what}>}}"))
        first = entries[0][0]
        return (_("no {currency} rate on {date}: the first is valid from {first}").format(
                    currency=currency, date=_day(on), first=_day(first)),
                _("add an earlier entry to rates: {currency}: in partnerbook.yml, e.g. {example}").format(
                    currency=currency, example=f"{{from: {on}, rate: ...}}"))


def _day(value: date | None) -> str:
    return i18n.day(value) if value is not None else unknown()


def rates_of(settings: Settings) -> Rates:
    """The conversion table ``partnerbook.yml`` sets (``settings.rates``)."""
    table: dict[str, tuple[tuple[date | None, float], ...]] = {}
    for currency, given in settings.rates.items():
        if isinstance(given, (int, float)):
            table[currency] = ((None, float(given)),)
        else:
            table[currency] = tuple(sorted(((entry.valid_from, float(entry.rate)) for entry in given),
                                           key=lambda pair: pair[0] or date.min))
    return Rates(settings.currency, table)


def original(amount: float | None, currency: str | None, reporting: str) -> tuple[float, str] | None:
    """The amount as recorded, when it was recorded in another currency than the reporting one."""
    if amount is None or currency is None or currency == reporting:
        return None
    return amount, currency


@dataclass(frozen=True)
class CurrencyUse:
    """A place in a record that names a currency, and the date its amounts convert on."""

    doc: Document
    loc: Path_
    currency: str
    on: date | None


def campaign_date(campaign: Campaign) -> date:
    """The date a campaign's amounts convert on: its start."""
    return campaign.start


def contract_date(contract: Contract) -> date | None:
    """The date a contract's value converts on: its start, else its signature (None: the latest rate)."""
    return effective_start(contract)


def currency_uses(portfolio: Portfolio) -> Iterator[CurrencyUse]:
    """Every currency a record names, where, and on which date its amounts convert."""
    for campaign_id in sorted(portfolio.campaigns):
        loaded = portfolio.campaigns[campaign_id]
        if loaded.record.currency is not None:
            yield CurrencyUse(loaded.doc, ("currency",), loaded.record.currency, campaign_date(loaded.record))
    for partner_id in sorted(portfolio.partners):
        entry = portfolio.partners[partner_id]
        for contract in [*(entry.contracts[c] for c in sorted(entry.contracts)), *entry.partial_contracts]:
            value = contract.record.value
            if value is not None and value.currency is not None:
                yield CurrencyUse(contract.doc, ("value", "currency"), value.currency, contract_date(contract.record))
                for index, commitment in enumerate(contract.record.commitments):
                    # A money bound converts on each period's first day; the earliest is its ``from``.
                    if commitment.kpi in ("revenue", "aov", "cpa") and commitment.valid_from is not None:
                        yield CurrencyUse(contract.doc, ("commitments", index, "from"), value.currency,
                                          commitment.valid_from)
        if entry.sla is not None:
            for index, credit in enumerate(entry.sla.record.credits):
                if credit.currency is not None:
                    yield CurrencyUse(entry.sla.doc, ("credits", index, "currency"), credit.currency,
                                      month_start(credit.month))
        yield from _credit_uses(portfolio, partner_id)


def month_start(month: str) -> date:
    """The date an SLA month's amounts (its service credit) convert on: the month's first day."""
    return date(int(month[:4]), int(month[5:7]), 1)


# Campaign targets that are amounts of money, in the campaign's currency like its results.
MONEY_TARGETS = ("aov", "cpa", "revenue")


def campaign_targets(campaign: Campaign, rates: Rates) -> dict[str, float]:
    """A campaign's targets, with its money targets converted like its results (so the two compare)."""
    rate = rates.rate(campaign.currency, campaign_date(campaign))
    targets: dict[str, float] = {}
    for name, target in campaign.targets.model_dump(exclude_none=True).items():
        if name in MONEY_TARGETS:
            if rate is None:
                continue  # no rate: validation reports it, and the target cannot be judged
            target = target * rate
        targets[name] = float(target)
    return targets


# ---------------------------------------------------------------------------- the fee service credits are a share of

MONTHS_PER_PERIOD = {"month": 1, "quarter": 3, "year": 12}


def fee_contract(portfolio: Portfolio, partner_id: str) -> Loaded[Contract] | None:
    """The contract whose monthly fee service credits are a percentage of.

    The contract the SLA names, else the partner's only contract with a recurring value. A
    one-off value, no value, a named contract that does not exist or several recurring
    contracts with none named give None: service credits are then n/a, not 0.
    """
    entry = portfolio.partners[partner_id]
    if entry.sla is None:
        return None
    named = entry.sla.record.contract
    if named is not None:
        candidates = [entry.contracts[named]] if named in entry.contracts else []
    else:
        candidates = [c for c in entry.contracts.values()
                      if c.record.value and c.record.value.period in MONTHS_PER_PERIOD]
    if len(candidates) != 1 or candidates[0].record.value is None:
        return None
    if candidates[0].record.value.period not in MONTHS_PER_PERIOD:
        return None
    return candidates[0]


def monthly_amount(contract: Contract) -> float | None:
    """The contract's value per month in its own currency (None for one-off or no value)."""
    value = contract.value
    if value is None or value.period not in MONTHS_PER_PERIOD:
        return None
    return value.amount / MONTHS_PER_PERIOD[value.period]


def credit_months(portfolio: Portfolio, partner_id: str) -> dict[str, tuple[int, int]]:
    """The breached SLA months that earn a service credit: month -> (measurement index, metrics breached).

    A month earns one only while the fee contract (:func:`fee_contract`) is in force on its first day
    (``generator.rules.contracts.term``); without a fee contract no month does.
    """
    entry = portfolio.partners[partner_id]
    contract = fee_contract(portfolio, partner_id)
    if entry.sla is None or contract is None:
        return {}
    return {month: found for month, found in breached_months(entry.sla.record).items()
            if _in_force(contract.record, month_start(month))}


def outside_term(portfolio: Portfolio, partner_id: str) -> dict[str, tuple[int, int]]:
    """Breached months before or after the fee contract's term: they earn no service credit."""
    entry = portfolio.partners[partner_id]
    contract = fee_contract(portfolio, partner_id)
    if entry.sla is None or contract is None:
        return {}
    return {month: found for month, found in breached_months(entry.sla.record).items()
            if not _in_force(contract.record, month_start(month))}


def _in_force(contract: Contract, day: date) -> bool:
    """Whether ``day`` lies in the contract's term; a contract without start or signature date counts
    from the beginning (its start is unknown, not later), up to its end unless it renews."""
    span = term(contract, day)
    if span is None:
        return contract.end is None or day <= contract.end or contract.auto_renew
    return span[0] <= day and (span[1] is None or day <= span[1])


def _credit_uses(portfolio: Portfolio, partner_id: str) -> Iterator[CurrencyUse]:
    """Each month that earns a service credit converts the fee contract's currency on its first day."""
    entry = portfolio.partners[partner_id]
    contract = fee_contract(portfolio, partner_id)
    if entry.sla is None or contract is None or contract.record.value is None:
        return
    currency = contract.record.value.currency
    if currency is None or currency == portfolio.settings.currency or not entry.sla.record.service_credit_percent:
        return
    for month, (index, _breaches) in sorted(credit_months(portfolio, partner_id).items()):
        yield CurrencyUse(entry.sla.doc, ("measurements", index, "month"), currency, month_start(month))
