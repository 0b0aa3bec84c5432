"""The money ledger: what each partner costs and earns per calendar year, in the reporting currency.

Every amount is converted with ``generator.rules.money`` (the rate valid on the amount's own date)
and keeps its original amount and currency when it was recorded in another one.

* **Contract fees** come from ``value`` (and ``pricing``) over the contract's term (``start``, else
  ``signed``, to ``end``) clipped to the year. A recurring value (``period: month``, ``quarter``,
  ``year``) is a monthly fee (``amount / 1``, ``/ 3``, ``/ 12``) counted for every month whose first
  day the contract is in force, each month converted at the rate of its first day. A ``one-off``
  value counts once, in the year the contract starts, at the rate of its start. A contract that
  auto-renews and whose ``end`` has passed runs on (renewed) up to the current year, and so does
  an open-ended one; a contract with neither ``start`` nor ``signed`` cannot be placed in a year
  and adds no fees. ``pricing.model: free`` adds no fees whatever its value; ``per-unit`` counts
  its ``value`` as the fee (the records hold no unit counts, so ``pricing.rate`` is not multiplied).
* **Commissions** (``pricing.model: revenue-share`` or ``commission``): ``pricing.rate`` x the
  partner's attributed revenue of the campaigns that start while the contract is in force, by
  the campaign's start year. A ``value`` on such a contract is a fixed fee beside it (a retainer,
  a monthly platform fee) and counts as fees.
* **Campaign costs**: the partner's ``cost`` in each campaign, by the campaign's start year.
* **Service credits**: per breached SLA month (``generator.rules.sla``): breached metrics x
  ``service_credit_percent`` x the monthly fee of the SLA's contract / 100, converted at the rate of
  the month's first day; ``credits:`` in the SLA file records what happened to it (claimed,
  received, the agreed amount). A credit is **owed** until claimed, then **claimed**, then
  **received**; it belongs to the year of its month.
* **Spend** = fees + commissions + campaign costs - every credit the SLA earned (owed, claimed or
  received: the partner owes it whether or not it has been asked for).
* **ROI** of a partner = (attributed revenue - spend) / spend over all years; n/a without spend
  (none, or credits at or above the costs) and without any attributed revenue.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Literal

from generator.records.portfolio import Portfolio
from generator.records.sla import Credit as SlaCredit
from generator.rules.contracts import term
from generator.rules.money import (
    Rates,
    campaign_date,
    credit_months,
    fee_contract,
    month_start,
    monthly_amount,
    rates_of,
)

if TYPE_CHECKING:
    from generator.measure.kpis import KpiReport

MONTHS_PER_PERIOD = {"month": 1, "quarter": 3, "year": 12}
COMMISSION_MODELS = ("revenue-share", "commission")
CreditState = Literal["owed", "claimed", "received"]
CATEGORIES = ("fees", "commissions", "campaign_costs", "credits")


@dataclass(slots=True)
class Amount:
    """A sum in the reporting currency, with what it sums in other currencies as recorded."""

    value: float | None = None  # None: nothing known
    originals: dict[str, float] = field(default_factory=dict)  # foreign currency -> amount as recorded
    native: bool = False  # part of it was recorded in the reporting currency itself

    def add(self, value: float | None, original: float | None = None, currency: str | None = None,
            reporting: str | None = None) -> None:
        if value is None:
            return
        self.value = (self.value or 0.0) + value
        if currency is None or currency == reporting or original is None:
            self.native = True
        else:
            self.originals[currency] = self.originals.get(currency, 0.0) + original

    def merge(self, other: Amount) -> None:
        if other.value is None:
            return
        self.value = (self.value or 0.0) + other.value
        self.native = self.native or other.native
        for currency, amount in other.originals.items():
            self.originals[currency] = self.originals.get(currency, 0.0) + amount

    @property
    def original(self) -> tuple[float, str] | None:
        """The amount as recorded, when all of it was recorded in one other currency (shown beside)."""
        if self.value is None or self.native or len(self.originals) != 1:
            return None
        (currency, amount), = self.originals.items()
        return amount, currency


@dataclass(frozen=True, slots=True)
class Credit:
    """The service credit of one breached SLA month and what happened to it."""

    partner: str
    month: str
    breaches: int  # breached metrics that month
    computed: float | None  # breaches x percent x monthly fee, in the reporting currency (None: fee unknown)
    amount: Amount  # the recorded amount when given, else the computed one
    state: CreditState
    claimed: date | None
    received: date | None
    measurement: int  # index in the SLA's measurements (for the line)
    entry: int | None  # index in the SLA's credits, when recorded

    @property
    def month_end(self) -> date:
        year, month = int(self.month[:4]), int(self.month[5:7])
        return date(year, month, calendar.monthrange(year, month)[1])

    def age(self, today: date) -> int:
        """Days since the end of its month (what ``credit-unclaimed`` counts)."""
        return (today - self.month_end).days


@dataclass(slots=True)
class YearRow:
    """One partner's (or the portfolio's) money in one year; ``year`` None for all years."""

    year: int | None
    fees: Amount = field(default_factory=Amount)
    commissions: Amount = field(default_factory=Amount)
    campaign_costs: Amount = field(default_factory=Amount)
    credits_owed: Amount = field(default_factory=Amount)
    credits_claimed: Amount = field(default_factory=Amount)
    credits_received: Amount = field(default_factory=Amount)
    revenue: Amount = field(default_factory=Amount)

    @property
    def credits(self) -> float | None:
        parts = [a.value for a in (self.credits_owed, self.credits_claimed, self.credits_received)
                 if a.value is not None]
        return sum(parts) if parts else None

    @property
    def spend(self) -> float | None:
        """Fees + commissions + campaign costs - credits (None when nothing is known)."""
        parts = [a.value for a in (self.fees, self.commissions, self.campaign_costs) if a.value is not None]
        if not parts and self.credits is None:
            return None
        return sum(parts) - (self.credits or 0.0)

    @property
    def roi(self) -> float | None:
        return roi(self.revenue.value, self.spend)

    def merge(self, other: YearRow) -> None:
        for name in ("fees", "commissions", "campaign_costs", "credits_owed", "credits_claimed",
                     "credits_received", "revenue"):
            getattr(self, name).merge(getattr(other, name))


def roi(revenue: float | None, spend: float | None) -> float | None:
    """(revenue - spend) / spend; n/a without spend (none, zero or negative after credits) and without
    attributed revenue (a partner that reports none, like a support desk: as a campaign's cost-only partner)."""
    if spend is None or spend <= 0 or revenue is None:
        return None
    return (revenue - spend) / spend


@dataclass(frozen=True, slots=True)
class Terms:
    contract: str
    title: str
    method: str | None
    net_days: int | None


@dataclass(slots=True)
class PartnerMoney:
    partner: str
    years: dict[int, YearRow]
    total: YearRow
    credits: list[Credit]
    terms: list[Terms]
    future_fees: float = 0.0  # fees of months after today (committed, not yet spent)

    @property
    def spend_to_date(self) -> float | None:
        """Spend over all years without the fees of months still to come."""
        spend = self.total.spend
        return None if spend is None else spend - self.future_fees

    @property
    def roi(self) -> float | None:
        """ROI to date: attributed revenue against what has been spent so far (future fees left out)."""
        return roi(self.total.revenue.value, self.spend_to_date)

    def credit_totals(self) -> dict[CreditState, float | None]:
        return {"owed": self.total.credits_owed.value, "claimed": self.total.credits_claimed.value,
                "received": self.total.credits_received.value}


@dataclass
class Ledger:
    currency: str
    partners: dict[str, PartnerMoney]
    years: list[int]
    by_year: dict[int, YearRow]
    total: YearRow

    def outstanding(self) -> list[Credit]:
        """Credits owed or claimed (not received), oldest month first."""
        return sorted((c for p in self.partners.values() for c in p.credits if c.state != "received"),
                      key=lambda c: (c.month, c.partner))


# ---------------------------------------------------------------------------- contracts and fees

def _months(first: date, last: date | None, horizon: int) -> Iterator[date]:
    """First days of the months from ``first`` to ``last`` (or the end of ``horizon``) that fall in the term."""
    year, month = first.year, first.month
    if first.day != 1:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    while year <= horizon:
        day = date(year, month, 1)
        if last is not None and day > last:
            return
        yield day
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _in_term(day: date, span: tuple[date, date | None]) -> bool:
    return span[0] <= day and (span[1] is None or day <= span[1])


# ---------------------------------------------------------------------------- credits

def month_credits(portfolio: Portfolio, partner_id: str, rates: Rates | None = None) -> list[Credit]:
    """The service credit of every breached month of the partner's SLA, with its state, by month."""
    entry = portfolio.partners[partner_id]
    if entry.sla is None:
        return []
    rates = rates or rates_of(portfolio.settings)
    reporting = portfolio.settings.currency
    sla = entry.sla.record
    contract = fee_contract(portfolio, partner_id)
    fee = monthly_amount(contract.record) if contract else None
    fee_currency = (contract.record.value.currency if contract and contract.record.value else None) or reporting
    recorded: dict[str, tuple[int, SlaCredit]] = {}
    for position, entry_credit in enumerate(sla.credits):
        recorded.setdefault(entry_credit.month, (position, entry_credit))
    out = []
    for month, (measurement, breaches) in sorted(credit_months(portfolio, partner_id).items()):
        on = month_start(month)
        original = None if fee is None else round(breaches * sla.service_credit_percent * fee / 100, 2)
        computed = rates.convert(original, fee_currency, on)
        amount = Amount()
        found = recorded.get(month)
        index: int | None = found[0] if found is not None else None
        credit: SlaCredit | None = found[1] if found is not None else None
        if credit is not None and credit.amount is not None:
            currency = credit.currency or fee_currency
            amount.add(rates.convert(credit.amount, currency, on), credit.amount, currency, reporting)
        else:
            amount.add(computed, original, fee_currency, reporting)
        claimed = credit.claimed if credit else None
        received = credit.received if credit else None
        state: CreditState = "received" if received else "claimed" if claimed else "owed"
        out.append(Credit(partner_id, month, breaches, computed, amount, state, claimed, received, measurement,
                          index))
    return out


def credits_due(portfolio: Portfolio, partner_id: str) -> bool:
    """Whether the SLA earns credits at all (a percentage above 0)."""
    entry = portfolio.partners[partner_id]
    return entry.sla is not None and entry.sla.record.service_credit_percent > 0


# ---------------------------------------------------------------------------- the ledger

def _partner_money(portfolio: Portfolio, partner_id: str, report: KpiReport, today: date,
                   rates: Rates) -> PartnerMoney:
    entry = portfolio.partners[partner_id]
    reporting = portfolio.settings.currency
    years: dict[int, YearRow] = defaultdict(lambda: YearRow(None))
    future_fees = 0.0
    rows = [r for r in report.rows_by_partner.get(partner_id, []) if r.campaign in portfolio.campaigns]
    campaign_start = {r.campaign: campaign_date(portfolio.campaigns[r.campaign].record) for r in rows}
    for row in rows:
        year = campaign_start[row.campaign].year
        if row.cost == row.cost:  # not NaN
            years[year].campaign_costs.add(float(row.cost), float(row.cost_original), row.currency, reporting)
        if row.revenue == row.revenue:
            years[year].revenue.add(float(row.revenue), float(row.revenue_original), row.currency, reporting)
    terms = []
    for contract_id in sorted(entry.contracts):
        contract = entry.contracts[contract_id].record
        if contract.payment_terms is not None:
            terms.append(Terms(contract_id, contract.title, contract.payment_terms.method,
                               contract.payment_terms.net_days))
        span = term(contract, today)
        if span is None:
            continue
        pricing = contract.pricing.model if contract.pricing else "fixed"
        value = contract.value
        if value is not None and pricing != "free":
            currency = value.currency or reporting
            if value.period == "one-off":
                converted = rates.convert(value.amount, currency, span[0])
                years[span[0].year].fees.add(converted, value.amount, currency, reporting)
                if span[0] > today and converted is not None:
                    future_fees += converted
            else:
                monthly = value.amount / MONTHS_PER_PERIOD[value.period]
                horizon = span[1].year if span[1] is not None else max(today.year, span[0].year)
                for day in _months(span[0], span[1], horizon):
                    converted = rates.convert(monthly, currency, day)
                    years[day.year].fees.add(converted, monthly, currency, reporting)
                    if day > today and converted is not None:
                        future_fees += converted
        if pricing in COMMISSION_MODELS and contract.pricing and contract.pricing.rate is not None:
            for row in rows:
                start = campaign_start[row.campaign]
                if row.revenue == row.revenue and _in_term(start, span):
                    years[start.year].commissions.add(contract.pricing.rate * float(row.revenue))
    credits = month_credits(portfolio, partner_id, rates)
    for credit in credits:
        row = years[int(credit.month[:4])]
        {"owed": row.credits_owed, "claimed": row.credits_claimed,
         "received": row.credits_received}[credit.state].merge(credit.amount)
    by_year = {}
    total = YearRow(None)
    for year in sorted(years):
        years[year].year = year
        by_year[year] = years[year]
        total.merge(years[year])
    return PartnerMoney(partner_id, by_year, total, credits, terms, future_fees)


def ledger(portfolio: Portfolio, report: KpiReport, today: date) -> Ledger:
    """Every partner's money by year (partners with a readable profile), and the portfolio's totals."""
    rates = rates_of(portfolio.settings)
    partners = {pid: _partner_money(portfolio, pid, report, today, rates)
                for pid in sorted(portfolio.partners) if portfolio.partners[pid].partner is not None}
    years = sorted({year for p in partners.values() for year in p.years})
    by_year = {year: YearRow(year) for year in years}
    total = YearRow(None)
    for money in partners.values():
        for year, row in money.years.items():
            by_year[year].merge(row)
        total.merge(money.total)
    return Ledger(portfolio.settings.currency, partners, years, by_year, total)
