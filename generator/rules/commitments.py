"""Commitments in contracts: which periods a commitment covers, and whether each was met.

A contract's ``commitments`` say what the partner's campaign results must reach, for example
``{kpi: orders, min: 500, period: quarter}``. The answers, asked by the KPI tables, the alerts,
the health score (through the alert) and the scorecard alike:

* **Window.** A commitment applies from its ``from`` (else the contract's ``start``, else its
  ``signed``; with none of them, from the partner's first campaign) until its ``until`` (else the
  contract's ``end``; an auto-renewing contract has no end).
* **Periods.** ``month``, ``quarter`` and ``year`` are calendar periods, the first and last cut
  to the window; only periods that have begun by today are listed. ``campaign`` makes each of
  the partner's campaigns that starts in the window a period of its own.
* **Figure.** A campaign belongs to the period its ``start`` falls in. A period's figure is a
  ratio of sums over the partner's results in those campaigns, like a campaign total
  (``generator.measure.kpis``): revenue and orders are sums, the rates pairwise sums.
* **Money.** Results are in the reporting currency; a revenue, AOV or CPA bound is in the
  contract's currency (``value.currency``, else the reporting one) and is converted at the rate
  valid on the period's first day (``generator.rules.money``).
* **State.** A period still running on today (its last day on or after today) is ``in progress``;
  a closed period without the figure is ``no data`` (neither met nor missed); otherwise ``met``
  (``min``: figure >= bound; ``max``: figure <= bound) or ``missed``.
* **Alert.** Per commitment only the latest closed period with data can raise
  ``commitment-missed``, and only while it ended at most ``ALERT_DAYS`` days ago: older misses
  stay on the scorecard without flooding the alerts.

No pandas here: the figures are computed in ``generator.measure.commitments``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from generator import i18n, labels
from generator.i18n import _
from generator.rules.contracts import term
from generator.rules.formats import money, percent, unknown

if TYPE_CHECKING:
    from generator.records.contract import Commitment, Contract

# What kind of number each KPI is: rates are fractions 0-1, money is an amount, roi may be negative.
RATE_KPIS = ("conversion_rate", "return_rate", "cart_abandonment_rate", "checkout_completion_rate")
MONEY_KPIS = ("revenue", "aov", "cpa")
COUNT_KPIS = ("orders",)
COMMITMENT_KPIS = (*RATE_KPIS, "revenue", "orders", "aov", "cpa", "roi")
STATES = ("met", "missed", "no data", "in progress")
ALERT_DAYS = 365  # a missed period older than this no longer raises an alert


def bound_problem(kpi: str, value: float) -> tuple[str, str, str] | None:
    """(rule, message, hint) when ``value`` cannot be a bound of ``kpi``; None when it can."""
    # The values are written as in the record (YAML numbers, a '.' for decimals): they are what to type.
    if kpi in RATE_KPIS:
        if 1 < value <= 100:
            return ("percent-for-fraction",
                    _("{value} looks like a percent; {kpi} is a fraction here").format(value=f"{value:g}", kpi=kpi),
                    _("write {fraction} for {value}%").format(fraction=f"{value / 100:g}", value=f"{value:g}"))
        if not 0 <= value <= 1:
            return ("out-of-range",
                    _("{kpi} bound {value} is not a fraction between 0 and 1").format(kpi=kpi, value=f"{value:g}"),
                    _("rates are fractions: 0.05 = 5%"))
    elif kpi in COUNT_KPIS:
        if value < 0 or value != int(value):
            return ("out-of-range",
                    _("{kpi} bound {value} is not a whole number of orders").format(kpi=kpi, value=f"{value:g}"),
                    _("write a count such as 500"))
    elif kpi in MONEY_KPIS:
        if value < 0:
            return ("out-of-range", _("{kpi} bound {value} is negative").format(kpi=kpi, value=f"{value:g}"),
                    _("write an amount in the contract's currency (value.currency, else the reporting one)"))
    elif kpi == "roi" and value < -1:
        return ("out-of-range",
                _("roi bound {value} is below -1 (losing more than everything spent)").format(value=f"{value:g}"),
                _("ROI is a fraction: 0.5 = 50% return on cost, -1 = all of it lost"))
    return None


def bound_of(commitment: Commitment) -> tuple[str, float] | None:
    """("min" | "max", value); None when the commitment does not have exactly one bound."""
    if (commitment.min is None) == (commitment.max is None):
        return None
    if commitment.min is not None:
        return "min", float(commitment.min)
    return "max", float(commitment.max)  # type: ignore[arg-type]  # set: exactly one bound (checked above)


def figure_text(kpi: str, value: float | None, currency: str) -> str:
    """A figure as people read it: rates in percent, money with its currency, counts as counts."""
    if value is None:
        return unknown()
    if kpi in RATE_KPIS:
        return percent(value)
    if kpi in MONEY_KPIS:
        return money(value, currency)
    if kpi in COUNT_KPIS:
        return i18n.number(value)
    return percent(value)  # roi


def kpi_name(kpi: str) -> str:
    """A KPI's label as it reads inside a sentence: ``conversion rate``, ``ROI`` (an acronym keeps its capitals)."""
    text = labels.label("kpi", kpi)
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def describe(kpi: str, bound: str, target: float | None, currency: str) -> str:
    """``orders at least 500``, ``return rate at most 5%``: the KPI's label, in the current language."""
    text = _("{kpi} at least {value}") if bound == "min" else _("{kpi} at most {value}")
    return text.format(kpi=kpi_name(kpi), value=figure_text(kpi, target, currency))


def state_text(value: str) -> str:
    """A period's state (``met``, ``missed``, ``no data``, ``in progress``) as people read it."""
    return labels.label("state", value)


@dataclass(frozen=True)
class Period:
    """One period a commitment is judged over: a calendar month, quarter or year (cut to the window), or a campaign."""

    label: str  # 2026-03, 2026-Q1, 2026, or the campaign's id
    start: date
    end: date
    campaign: str | None = None

    def holds(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class CampaignSpan:
    """A campaign the partner has results in."""

    id: str
    start: date
    end: date


def window(commitment: Commitment, contract: Contract, first_campaign: date | None,
           today: date) -> tuple[date | None, date | None]:
    """(first day, last day) the commitment applies: ``from``/``until``, else the contract's term
    (``generator.rules.contracts.term``), else from the partner's first campaign; None: no start / no end."""
    span = term(contract, today)
    start = commitment.valid_from or (span[0] if span else first_campaign)
    end = commitment.until or (span[1] if span else contract.end)
    return start, end


def _calendar(kind: str, day: date) -> tuple[str, date, date]:
    if kind == "month":
        last = (date(day.year + (day.month == 12), day.month % 12 + 1, 1)) - timedelta(days=1)
        return f"{day.year}-{day.month:02d}", date(day.year, day.month, 1), last
    if kind == "quarter":
        quarter = (day.month - 1) // 3
        first = date(day.year, 3 * quarter + 1, 1)
        last = (date(day.year + (quarter == 3), (3 * quarter + 3) % 12 + 1, 1)) - timedelta(days=1)
        return f"{day.year}-Q{quarter + 1}", first, last
    return f"{day.year}", date(day.year, 1, 1), date(day.year, 12, 31)


def periods(commitment: Commitment, contract: Contract, campaigns: Sequence[CampaignSpan],
            today: date) -> list[Period]:
    """Every period of the commitment that has begun by ``today``, oldest first."""
    first_campaign = min((c.start for c in campaigns), default=None)
    start, end = window(commitment, contract, first_campaign, today)
    if start is None:
        return []
    if commitment.period == "campaign":
        return [Period(c.id, c.start, c.end, c.id)
                for c in sorted(campaigns, key=lambda c: (c.start, c.id))
                if start <= c.start <= today and (end is None or c.start <= end)]
    found: list[Period] = []
    limit = today if end is None else min(today, end)
    day = start
    while day <= limit:
        label, first, last = _calendar(commitment.period, day)
        found.append(Period(label, max(first, start), last if end is None else min(last, end)))
        if last >= date.max - timedelta(days=1):
            break
        day = last + timedelta(days=1)
    return found


def state(bound: str, target: float | None, actual: float | None, period: Period, today: date) -> str:
    """met, missed, no data (a closed period without the figure) or in progress (still running on today)."""
    if period.end >= today:
        return "in progress"
    if actual is None or target is None:
        return "no data"
    tolerance = 1e-9 * max(1.0, abs(target))  # 15 / 500 is 0.03, whatever the float rounding
    if bound == "min":
        return "met" if actual >= target - tolerance else "missed"
    return "met" if actual <= target + tolerance else "missed"


def campaigns_in(period: Period, campaigns: Iterable[CampaignSpan]) -> list[str]:
    """The campaigns that count for ``period``: the one itself, or those starting in it."""
    if period.campaign is not None:
        return [period.campaign]
    return [c.id for c in campaigns if period.holds(c.start)]


@dataclass(frozen=True)
class Outcome:
    """One commitment over one period: the figure and the judgement."""

    partner: str
    contract: str
    index: int  # position in the contract's commitments list
    kpi: str
    bound: str  # min or max
    target: float | None  # in the reporting currency for money KPIs (None: no rate on the period's start)
    original: tuple[float, str] | None  # the bound as written, when in another currency than the reporting one
    period: Period | None  # None: no period has begun yet
    actual: float | None
    state: str
    note: str | None
    currency: str  # the reporting currency
    period_kind: str  # campaign, month, quarter or year

    def commitment_text(self) -> str:
        """``orders at least 500 per quarter``; a bound in another currency shows it as written too."""
        text = describe(self.kpi, self.bound, self.target, self.currency)
        if self.original is not None:
            text += f" ({money(*self.original)})"
        return _("{commitment} {period}").format(commitment=text, period=labels.label("commitment-period",
                                                                                       self.period_kind))

    def actual_text(self) -> str:
        return figure_text(self.kpi, self.actual, self.currency)

    def as_json(self) -> dict[str, object]:
        # a money bound converted from another currency is rounded to the cent, like every amount shown
        target = round(self.target, 2) if self.target is not None and self.original is not None else self.target
        return {"contract": self.contract, "kpi": self.kpi, "bound": self.bound, "target": target,
                "period": self.period.label if self.period else None,
                "from": self.period.start.isoformat() if self.period else None,
                "until": self.period.end.isoformat() if self.period else None,
                "actual": self.actual, "state": self.state}


def to_alert(outcomes: Sequence[Outcome], today: date) -> Iterator[Outcome]:
    """Per commitment, its latest closed period with data, when missed and ended at most ALERT_DAYS ago."""
    latest: dict[tuple[str, str, int], Outcome] = {}
    for outcome in outcomes:
        if outcome.period is None or outcome.state not in ("met", "missed"):
            continue
        key = (outcome.partner, outcome.contract, outcome.index)
        if key not in latest or outcome.period.end > latest[key].period.end:  # type: ignore[union-attr]
            latest[key] = outcome
    for key in sorted(latest):
        outcome = latest[key]
        if outcome.state == "missed" and (today - outcome.period.end).days <= ALERT_DAYS:  # type: ignore[union-attr]
            yield outcome

