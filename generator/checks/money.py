"""Currencies: every code a record or ``partnerbook.yml`` names is ISO 4217, and every one has a rate."""

from __future__ import annotations

from generator.checks.typing import did_you_mean
from generator.load.loader import Document, Path_
from generator.problems import Problem
from generator.records.portfolio import Portfolio
from generator.rules.money import currency_uses, is_known, known_currencies, rates_of

# Tried first for "did you mean", so a typo of a common code is not matched to a historical one.
COMMON = ("EUR", "USD", "GBP", "CHF", "JPY", "CNY", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "CAD", "AUD",
          "NZD", "INR", "BRL", "MXN", "ZAR", "SGD", "HKD", "KRW", "TRY", "AED", "RON", "ILS")


def _unknown(doc: Document, loc: Path_, code: str, configured: list[str]) -> Problem:
    guess = (did_you_mean(code, [*configured, *COMMON])
             or did_you_mean(code, sorted(known_currencies())))
    hint = (f"did you mean '{guess}'? " if guess else "") + "use an ISO 4217 code such as EUR, USD or GBP"
    return doc.problem(loc, "unknown-currency", f"'{code}' is not an ISO 4217 currency code", hint)


def check_currencies(portfolio: Portfolio) -> list[Problem]:
    """Unknown codes (with "did you mean") and currencies without a rate, each at its own line."""
    problems: list[Problem] = []
    settings, settings_doc = portfolio.settings, portfolio.settings_doc
    rates = rates_of(settings)
    configured = [settings.currency, *sorted(settings.rates)]
    if settings_doc is not None:
        if not is_known(settings.currency):
            problems.append(_unknown(settings_doc, ("currency",), settings.currency, configured))
        for code in sorted(settings.rates):
            if not is_known(code):
                problems.append(_unknown(settings_doc, ("rates", code), code, configured))
    for use in currency_uses(portfolio):
        if not is_known(use.currency):
            problems.append(_unknown(use.doc, use.loc, use.currency, configured))
            continue
        missing = rates.missing(use.currency, use.on)
        if missing is not None:
            problems.append(use.doc.problem(use.loc, "no-rate", *missing))
    return problems
