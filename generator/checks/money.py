"""Currencies: every code a record or ``partnerbook.yml`` names is ISO 4217, and every one has a rate."""

from __future__ import annotations

from datetime import date

from generator import i18n
from generator.checks.typing import did_you_mean, suggest
from generator.i18n import _
from generator.load.document import Document
from generator.load.positions import Path_
from generator.problems import Problem, Severity
from generator.records.portfolio import Portfolio
from generator.rules.contracts import term
from generator.rules.money import currency_uses, fee_contract, is_known, known_currencies, outside_term, rates_of

# Tried first for "did you mean", so a typo of a common code is not matched to a historical one.
COMMON = ("EUR", "USD", "GBP", "CHF", "JPY", "CNY", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "CAD", "AUD",
          "NZD", "INR", "BRL", "MXN", "ZAR", "SGD", "HKD", "KRW", "TRY", "AED", "RON", "ILS")


def _unknown(doc: Document, loc: Path_, code: str, configured: list[str]) -> Problem:
    guess = (did_you_mean(code, [c for c in (*configured, *COMMON) if c != code])
             or did_you_mean(code, sorted(known_currencies() - {code})))
    hint = suggest(guess) + _("use an ISO 4217 code such as EUR, USD or GBP")
    return doc.problem(loc, "unknown-currency", _("'{code}' is not an ISO 4217 currency code").format(code=code),
                       hint)


def check_currencies(portfolio: Portfolio, settings_failed: bool = False) -> list[Problem]:
    """Unknown codes (with "did you mean") and currencies without a rate, each at its own line.

    ``settings_failed``: partnerbook.yml has errors of its own, so its rates are unknown; records are
    then not judged against the default (empty) rate table, which would only add false findings.
    """
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
            problems += _rate_table(settings_doc, code, settings.rates[code], settings.currency)
    for use in currency_uses(portfolio):
        if not is_known(use.currency):
            problems.append(_unknown(use.doc, use.loc, use.currency, configured))
            continue
        if settings_failed:
            continue
        missing = rates.missing(use.currency, use.on)
        if missing is not None:
            problems.append(use.doc.problem(use.loc, "no-rate", *missing))
    return problems


def _rate_table(doc: Document, code: str, given: object, reporting: str) -> list[Problem]:
    """A rate for the reporting currency itself, and a table with two rates from one date."""
    if code == reporting:
        return [doc.problem(("rates", code), "rate-for-reporting-currency",
                            _("{code} is the reporting currency: its rate is always 1, so this one is "
                              "ignored").format(code=code),
                            _("remove {code} from rates:").format(code=code), key=True, severity=Severity.WARNING)]
    if not isinstance(given, list):
        return []
    seen: dict[object, int] = {}
    problems = []
    for index, entry in enumerate(given):
        day = entry.valid_from
        if day in seen:
            first = doc.where(("rates", code, seen[day], "from"))[0]
            problems.append(doc.problem(("rates", code, index, "from"), "duplicate-entry",
                                        _("two {code} rates are valid from {day} (the first on line {line})").format(
                                            code=code, day=i18n.day(day) if day is not None else "?", line=first),
                                        _("keep one rate per date")))
        seen.setdefault(day, index)
    return problems


def check_credit_dates(portfolio: Portfolio, today: date) -> list[Problem]:
    """Service credits: no claim or receipt in the future, and no breach outside the fee contract's term."""
    problems: list[Problem] = []
    for partner_id in sorted(portfolio.partners):
        entry = portfolio.partners[partner_id]
        if entry.sla is None:
            continue
        sla, doc = entry.sla.record, entry.sla.doc
        for index, credit in enumerate(sla.credits):
            for name in ("claimed", "received"):
                day = getattr(credit, name)
                if day is not None and day > today:
                    message = (_("the credit of {month} is claimed on {day}, after today ({today})")
                               if name == "claimed" else
                               _("the credit of {month} is received on {day}, after today ({today})"))
                    hint = (_("record claimed: once it has happened; until then the credit is owed")
                            if name == "claimed" else
                            _("record received: once it has happened; until then the credit is claimed"))
                    problems.append(doc.problem(("credits", index, name), "future-date",
                                                message.format(month=credit.month, day=i18n.day(day),
                                                               today=i18n.day(today)), hint))
        if not sla.service_credit_percent:
            continue
        contract = fee_contract(portfolio, partner_id)
        for month, (index, _entry) in sorted(outside_term(portfolio, partner_id).items()):
            assert contract is not None
            span = term(contract.record, today)
            if span is None:
                message = _("{month} is breached but the contract '{contract}' has no dates: a month outside its "
                            "term earns no service credit")
            elif span[1]:
                message = _("{month} is breached but the contract '{contract}' runs from {start} to {end}: a month "
                            "outside its term earns no service credit")
            else:
                message = _("{month} is breached but the contract '{contract}' runs from {start}: a month outside "
                            "its term earns no service credit")
            problems.append(doc.problem(("measurements", index, "month"), "outside-contract",
                                        message.format(month=month, contract=contract.id,
                                                       start=i18n.day(span[0]) if span else "",
                                                       end=i18n.day(span[1]) if span and span[1] else ""),
                                        _("check the month, or the contract's start and end dates"),
                                        severity=Severity.WARNING))
    return problems
