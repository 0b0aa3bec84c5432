"""Checks inside one record that types alone cannot express: date order, consistent counts."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from pydantic import ValidationError

from generator import i18n
from generator.i18n import N_, _
from generator.load.document import Document
from generator.load.positions import Path_
from generator.problems import Problem, Severity
from generator.records import Campaign, Contract, Partner
from generator.records.contract import Commitment
from generator.rules.commitments import bound_problem


def _order(doc: Document, first: tuple[Path_, date | None], second: tuple[Path_, date | None],
           what: str) -> list[Problem]:
    (first_loc, first_day), (second_loc, second_day) = first, second
    if first_day is None or second_day is None or first_day <= second_day:
        return []
    return [doc.problem(
        second_loc, "date-order",
        _("{field} ({date}) is before {other} ({other_date})").format(
            field=second_loc[-1], date=i18n.day(second_day), other=first_loc[-1], other_date=i18n.day(first_day)),
        _("{reason}; check both dates").format(reason=_(what)),
    )]


def check_partner(partner: Partner, doc: Document) -> list[Problem]:
    problems: list[Problem] = []
    if partner.onboarding:
        problems += _order(doc, (("onboarding", "signed"), partner.onboarding.signed),
                           (("onboarding", "live"), partner.onboarding.live),
                           N_("a partner goes live after the contract is signed"))
    for index, document in enumerate(partner.compliance):
        problems += _order(doc, (("compliance", index, "issued"), document.issued),
                           (("compliance", index, "expires"), document.expires),
                           N_("a document expires after it is issued"))
    seen: dict[str, int] = {}
    for index, contact in enumerate(partner.contacts):
        if contact.email and contact.email in seen:
            problems.append(doc.problem(("contacts", index, "email"), "duplicate-entry",
                                        _("contact email {email} is listed twice").format(email=contact.email),
                                        _("merge it with contact #{number}").format(number=seen[contact.email] + 1),
                                        severity=Severity.WARNING))
        elif contact.email:
            seen[contact.email] = index
    return problems


def check_contract(contract: Contract, doc: Document) -> list[Problem]:
    problems = _order(doc, (("signed",), contract.signed), (("end",), contract.end),
                      N_("a contract ends after it is signed"))
    problems += _order(doc, (("start",), contract.start), (("end",), contract.end),
                       N_("a contract ends after it starts"))
    if contract.notice_days is not None and contract.end is None and not contract.auto_renew:
        problems.append(doc.problem(("notice_days",), "notice-without-end",
                                    _("notice_days is set but the contract has no end date"),
                                    _("add 'end:' or 'auto_renew: true', or remove notice_days"),
                                    key=True, severity=Severity.WARNING))
    problems += _pricing(contract, doc)
    problems += _commitments(contract, doc)
    return problems


def _pricing(contract: Contract, doc: Document) -> list[Problem]:
    """A revenue share or commission is a fraction of attributed revenue, and it must be given."""
    pricing = contract.pricing
    if pricing is None or pricing.model not in ("revenue-share", "commission"):
        return []
    if pricing.rate is None:
        return [doc.problem(("pricing",), "missing-field",
                            _("a {model} contract has no pricing.rate, so its commissions cannot be "
                              "counted").format(model=pricing.model),
                            _("add rate: the share of attributed revenue as a fraction (0.05 = 5%)"), key=True)]
    if 1 < pricing.rate <= 100:
        return [doc.problem(("pricing", "rate"), "percent-for-fraction",
                            _("rate {rate} looks like a percent; a {model} rate is a fraction").format(
                                rate=f"{pricing.rate:g}", model=pricing.model),
                            _("write {fraction} for {rate}%").format(fraction=f"{pricing.rate / 100:g}",
                                                                     rate=f"{pricing.rate:g}"))]
    if pricing.rate > 1:
        return [doc.problem(("pricing", "rate"), "out-of-range",
                            _("rate {rate} is more than all of the revenue").format(rate=f"{pricing.rate:g}"),
                            _("a share of revenue is a fraction between 0 and 1 (0.05 = 5%)"))]
    return []


def _file_indices(doc: Document, items: list[Commitment]) -> list[int]:
    """Where each commitment is in the file: a record checked without its failing entries has fewer."""
    raw = doc.data.get("commitments") if isinstance(doc.data, dict) else None
    if not isinstance(raw, list) or len(raw) == len(items):
        return list(range(len(items)))
    found, position = [], 0
    for item in items:
        while position < len(raw):
            try:
                same = Commitment.model_validate(raw[position]) == item
            except ValidationError:
                same = False
            position += 1
            if same:
                found.append(position - 1)
                break
        else:
            found.append(len(found))  # not found (cannot happen): keep a position
    return found


def _commitments(contract: Contract, doc: Document) -> list[Problem]:
    """Each commitment has exactly one bound, of a size its KPI can take, and a window in order."""
    problems: list[Problem] = []
    seen: dict[tuple[str, str, str, date | None, date | None], int] = {}
    for index, item in zip(_file_indices(doc, contract.commitments), contract.commitments, strict=True):
        loc: Path_ = ("commitments", index)
        if item.min is None and item.max is None:
            problems.append(doc.problem(loc, "missing-field",
                                        _("commitment on {kpi} has neither min nor max").format(kpi=item.kpi),
                                        _("add 'min: ...' (at least) or 'max: ...' (at most) for {kpi}").format(
                                            kpi=item.kpi), key=True))
            continue
        if item.min is not None and item.max is not None:
            problems.append(doc.problem((*loc, "max"), "invalid-value",
                                        _("commitment on {kpi} has both min and max").format(kpi=item.kpi),
                                        _("a commitment is one bound: keep min or max, or write two commitments"),
                                        key=True))
            continue
        bound = "min" if item.min is not None else "max"
        value = item.min if item.min is not None else item.max
        found = bound_problem(item.kpi, float(value))  # type: ignore[arg-type]  # one of them is set (above)
        if found is not None:
            rule, message, hint = found
            problems.append(doc.problem((*loc, bound), rule, message, hint))
        problems += _order(doc, ((*loc, "from"), item.valid_from), ((*loc, "until"), item.until),
                           N_("a commitment applies until a date after it starts"))
        key = (item.kpi, bound, item.period, item.valid_from, item.until)
        if key in seen:
            problems.append(doc.problem(loc, "duplicate-entry",
                                        _("commitment on {kpi} ({bound}, per {period}) is listed twice").format(
                                            kpi=item.kpi, bound=bound, period=item.period),
                                        _("keep one of it and commitment #{number}").format(number=seen[key] + 1),
                                        key=True,
                                        severity=Severity.WARNING))
        else:
            seen[key] = index
    return problems


_FUNNEL = ("sessions", "carts", "checkouts", "orders")


def _funnel(doc: Document, loc: Path_, row: Any) -> list[Problem]:
    problems: list[Problem] = []
    present = [(name, getattr(row, name, None)) for name in _FUNNEL]
    present = [(name, value) for name, value in present if value is not None]
    for (wide, wide_value), (narrow, narrow_value) in itertools.pairwise(present):
        if narrow_value > wide_value:  # type: ignore[operator]  # both are not None (filtered above)
            problems.append(doc.problem(
                (*loc, narrow), "funnel-order",
                _("{field} ({value}) is more than {other} ({other_value})").format(
                    field=narrow, value=narrow_value, other=wide, other_value=wide_value),
                _("each funnel step counts a subset of the one before: {steps}").format(steps=" >= ".join(_FUNNEL))))
    return problems


def check_campaign(campaign: Campaign, doc: Document) -> list[Problem]:
    problems = _order(doc, (("start",), campaign.start), (("end",), campaign.end),
                      N_("a campaign ends after it starts"))
    if campaign.review:
        problems += _order(doc, (("start",), campaign.start), (("review", "date"), campaign.review.date),
                           N_("the post-campaign review comes after the campaign starts"))
    for index, result in enumerate(campaign.results):
        loc: Path_ = ("results", index)
        problems += _funnel(doc, loc, result)
        if result.baseline:
            problems += _funnel(doc, (*loc, "baseline"), result.baseline)
        if result.returns is not None and result.orders is not None and result.returns > result.orders:
            problems.append(doc.problem((*loc, "returns"), "funnel-order",
                                        _("{field} ({value}) is more than {other} ({other_value})").format(
                                            field="returns", value=result.returns, other="orders",
                                            other_value=result.orders),
                                        _("returns count orders sent back: at most the orders")))
        customers = result.customers if result.customers is not None else result.orders
        if result.repeat_customers is not None and customers is not None and result.repeat_customers > customers:
            problems.append(doc.problem((*loc, "repeat_customers"), "inconsistent-counts",
                                        _("{field} ({value}) is more than {other} ({other_value})").format(
                                            field="repeat_customers", value=result.repeat_customers,
                                            other="customers", other_value=customers),
                                        _("repeat customers are a subset of customers")))
        survey = result.survey
        if survey and survey.responses is not None:
            if survey.satisfied is not None and survey.satisfied > survey.responses:
                problems.append(doc.problem((*loc, "survey", "satisfied"), "inconsistent-counts",
                                            _("{field} ({value}) is more than {other} ({other_value})").format(
                                                field="satisfied", value=survey.satisfied, other="responses",
                                                other_value=survey.responses),
                                            _("satisfied respondents are a subset")))
            nps_total = sum(v or 0 for v in (survey.promoters, survey.passives, survey.detractors))
            if nps_total > survey.responses:
                problems.append(doc.problem((*loc, "survey"), "inconsistent-counts",
                                            _("{field} ({value}) is more than {other} ({other_value})").format(
                                                field="promoters + passives + detractors", value=nps_total,
                                                other="responses", other_value=survey.responses),
                                            _("each response is one promoter, passive or detractor")))
        for day_index, day in enumerate(result.daily):
            day_loc: Path_ = (*loc, "daily", day_index)
            problems += _funnel(doc, day_loc, day)
            if not campaign.start <= day.date <= campaign.end:
                problems.append(doc.problem((*day_loc, "date"), "date-order",
                                            _("daily date {date} is outside the campaign ({start} to {end})").format(
                                                date=i18n.day(day.date), start=i18n.day(campaign.start),
                                                end=i18n.day(campaign.end)),
                                            _("daily rows belong to the campaign's own days"),
                                            severity=Severity.WARNING))
    return problems
