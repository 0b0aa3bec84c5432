"""The Money page and the scorecards' Money section: rows from the ledger (generator.measure.money)."""

from __future__ import annotations

from datetime import date
from typing import Any

from generator import i18n
from generator.compute.portfolio import Computed
from generator.measure.money import Amount, Credit, Ledger
from generator.measure.tables import Table

TABLES = ("money-by-year", "money-credits", "money-payment-terms")  # CSV downloads of the Money page


def _figure(amount: Amount | float | None) -> float | None:
    value = amount.value if isinstance(amount, Amount) else amount
    return None if value is None else round(value, 2)


def _month(month: str) -> str:
    """``2026-10`` as the page's language writes a month (``Oct 2026`` / ``ott 2026``)."""
    try:
        return i18n.month(date(int(month[:4]), int(month[5:7]), 1))
    except ValueError:
        return month


def _credit_row(computed: Computed, credit: Credit, names: dict[str, str]) -> dict[str, Any]:
    return {"partner": credit.partner, "name": names.get(credit.partner, credit.partner), "month": credit.month,
            "month_label": _month(credit.month),
            "breaches": credit.breaches, "amount": credit.amount, "state": credit.state,
            "claimed": credit.claimed, "received": credit.received, "age": credit.age(computed.today)}


def money_page(computed: Computed, ledger: Ledger, names: dict[str, str]) -> dict[str, Any]:
    """Spend by partner and category per year, revenue and ROI, payment terms, credits outstanding."""
    partners = [(pid, names.get(pid, pid), money) for pid, money in ledger.partners.items()
                if money.years or money.terms]
    return {
        "years": [ledger.by_year[year] for year in ledger.years],
        "total": ledger.total,
        "by_partner": [(pid, name, money) for pid, name, money in partners if money.years],
        "terms": [(pid, name, money.terms) for pid, name, money in partners if money.terms],
        "outstanding": [_credit_row(computed, c, names) for c in ledger.outstanding()],
        "claim_days": computed.portfolio.settings.alerts.credit_claim_days,
    }


def partner_money(computed: Computed, ledger: Ledger, partner_id: str) -> dict[str, Any] | None:
    """One partner's ledger by year, its payment terms and every credit with its state."""
    money = ledger.partners.get(partner_id)
    if money is None:
        return None
    names = {partner_id: partner_id}
    return {"years": [money.years[y] for y in sorted(money.years)], "total": money.total, "roi": money.roi,
            "terms": money.terms, "credits": [_credit_row(computed, c, names) for c in money.credits]}


BY_YEAR_COLUMNS = ["partner", "year", "fees", "commissions", "campaign_costs", "credits_owed", "credits_claimed",
                   "credits_received", "spend", "attributed_revenue", "currency"]
CREDIT_COLUMNS = ["partner", "month", "breaches", "amount", "currency", "state", "claimed", "received", "age_days"]
TERM_COLUMNS = ["partner", "contract", "title", "method", "net_days"]


def money_tables(computed: Computed, ledger: Ledger) -> dict[str, Table]:
    """The Money page's tables as CSV downloads (amounts in the reporting currency, rounded to cents)."""
    currency = ledger.currency
    by_year = [{"partner": pid, "year": row.year, "fees": _figure(row.fees), "commissions": _figure(row.commissions),
                "campaign_costs": _figure(row.campaign_costs), "credits_owed": _figure(row.credits_owed),
                "credits_claimed": _figure(row.credits_claimed), "credits_received": _figure(row.credits_received),
                "spend": _figure(row.spend), "attributed_revenue": _figure(row.revenue), "currency": currency}
               for pid, money in ledger.partners.items() for row in money.years.values()]
    credits = [{"partner": c.partner, "month": c.month, "breaches": c.breaches, "amount": _figure(c.amount),
                "currency": currency, "state": c.state, "claimed": c.claimed.isoformat() if c.claimed else None,
                "received": c.received.isoformat() if c.received else None, "age_days": c.age(computed.today)}
               for money in ledger.partners.values() for c in money.credits]
    terms = [{"partner": pid, "contract": t.contract, "title": t.title, "method": t.method, "net_days": t.net_days}
             for pid, money in ledger.partners.items() for t in money.terms]
    # explicit columns: a portfolio without money still downloads files with their header row
    return dict(zip(TABLES, (Table(BY_YEAR_COLUMNS, by_year), Table(CREDIT_COLUMNS, credits),
                             Table(TERM_COLUMNS, terms)), strict=True))
