"""Compute stage: every KPI of the spec, with pandas, exactly as defined.

A KPI whose denominator is zero or missing is undefined: ``None`` here,
``null`` in JSON and "n/a" on pages, never 0.

Campaign totals are ratios of sums, not means of ratios. A funnel rate's total
only sums the rows where both its numerator and its denominator are known, so a
partner that did not report checkouts does not distort the checkout
completion rate of the others. Cost KPIs are different: a campaign's CPA and ROI
use every reported cost, revenue and order count of the campaign, so a partner
that costs money but reports no revenue (packaging, a survey tool) still makes
the campaign's ROI lower, never better than what it cost.

Money is converted into the reporting currency (``generator.rules.money``)
when the results frame is built, so every total, share and HHI is in one
currency; the frame keeps each row's original ``currency`` and ``rate``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Any, NamedTuple

import pandas as pd

from generator.measure.money import fee_contract, month_credits, monthly_amount
from generator.records.portfolio import Portfolio
from generator.rules.money import campaign_date, rates_of
from generator.rules.sla import met as sla_met

if TYPE_CHECKING:
    from generator.rules.commitments import Outcome

Kpis = dict[str, float | None]

COUNTS = ("sessions", "carts", "checkouts", "orders", "revenue", "margin_revenue", "cost", "customers",
          "repeat_customers", "returns",
          "base_sessions", "base_carts", "base_orders", "responses", "satisfied", "promoters", "passives",
          "detractors")

# KPI name -> (numerator columns, denominator columns); each column list is summed.
CAMPAIGN_KPIS = (
    "conversion_rate", "cart_abandonment_rate", "checkout_completion_rate", "aov", "revenue_per_session",
    "cpa", "roi", "conversion_lift", "abandonment_change", "csat", "nps", "repeat_purchase_rate",
    "revenue_share", "return_rate",
)


def _none(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) or math.isinf(number) else number


def _div(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """Element-wise division; a zero or missing denominator gives NaN (n/a)."""
    den = denominator.astype("float64")
    return numerator.astype("float64") / den.where(den != 0)


def _rates(df: pd.DataFrame) -> pd.DataFrame:
    """Every per-row KPI of a frame of counts (rows may be partners or totals)."""
    out = pd.DataFrame(index=df.index)
    conversion = _div(df["orders"], df["sessions"])
    abandonment = 1 - _div(df["orders"], df["carts"])
    base_conversion = _div(df["base_orders"], df["base_sessions"])
    base_abandonment = 1 - _div(df["base_orders"], df["base_carts"])
    out["conversion_rate"] = conversion
    out["cart_abandonment_rate"] = abandonment
    out["checkout_completion_rate"] = _div(df["orders"], df["checkouts"])
    out["aov"] = _div(df["revenue"], df["orders"])
    out["revenue_per_session"] = _div(df["revenue"], df["sessions"])
    out["cpa"] = _div(df["cost"], df["orders"])
    out["roi"] = _div(df["margin_revenue"] - df["cost"], df["cost"])
    out["conversion_lift"] = _div(conversion, base_conversion) - 1
    out["abandonment_change"] = abandonment - base_abandonment
    out["csat"] = _div(df["satisfied"], df["responses"])
    nps_total = df[["promoters", "passives", "detractors"]].sum(axis=1, min_count=3)
    out["nps"] = 100 * _div(df["promoters"] - df["detractors"], nps_total)
    out["repeat_purchase_rate"] = _div(df["repeat_customers"], df["customers"])
    out["return_rate"] = _div(df["returns"], df["orders"])
    return out


# For campaign totals: which columns must be known together for a row to count in a KPI.
_TOTAL_INPUTS: dict[str, tuple[str, ...]] = {
    "conversion_rate": ("orders", "sessions"),
    "cart_abandonment_rate": ("orders", "carts"),
    "checkout_completion_rate": ("orders", "checkouts"),
    "aov": ("revenue", "orders"),
    "revenue_per_session": ("revenue", "sessions"),
    "cpa": (),  # every reported cost over every reported order
    "roi": (),  # every reported revenue against every reported cost
    "conversion_lift": ("orders", "sessions", "base_orders", "base_sessions"),
    "abandonment_change": ("orders", "carts", "base_orders", "base_carts"),
    "csat": ("satisfied", "responses"),
    "nps": ("promoters", "passives", "detractors"),
    "repeat_purchase_rate": ("repeat_customers", "customers"),
    "return_rate": ("returns", "orders"),
}


def _totals(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    """Total KPIs of each group of rows (a campaign, or a partner over all campaigns).

    Each KPI is a ratio of sums over the rows that report its inputs. The counts are
    masked per KPI (NaN where a row lacks one of the KPI's inputs) and summed for every
    group and every KPI in one grouped pass.
    """
    keys = pd.Index(frame[by].unique())
    if frame.empty:
        return pd.DataFrame({kpi: pd.Series(dtype="float64") for kpi in _TOTAL_INPUTS}, index=keys)
    counts = frame[list(COUNTS)]
    masked = {kpi: counts.where(frame[list(inputs)].notna().all(axis=1)) if inputs else counts
              for kpi, inputs in _TOTAL_INPUTS.items()}
    wide = pd.concat(masked, axis=1)
    sums = wide.groupby(frame[by].to_numpy(), sort=False).sum(min_count=1).reindex(keys)
    return pd.DataFrame({kpi: _rates(sums[kpi])[kpi] for kpi in _TOTAL_INPUTS}, index=keys)


def figure(frame: pd.DataFrame, kpi: str) -> float | None:
    """One total KPI over all rows of ``frame``, as a campaign total computes it; ``revenue`` and ``orders`` summed.

    The same rule as ``_totals``: a ratio of sums over the rows that report the KPI's inputs
    (every row for CPA and ROI); None when undefined or nothing is reported.
    """
    if kpi in ("revenue", "orders"):
        return _none(frame[kpi].sum(min_count=1)) if not frame.empty else None
    inputs = list(_TOTAL_INPUTS[kpi])
    rows = frame[frame[inputs].notna().all(axis=1)] if inputs else frame
    if rows.empty:
        return None
    sums = rows[list(COUNTS)].sum(min_count=1).to_frame().T
    return _none(_rates(sums)[kpi].iloc[0])


def _total_of(totals: pd.DataFrame, key: str) -> Kpis:
    """One group's totals as a dict; a group with no rows has every KPI n/a."""
    if key not in totals.index:
        return dict.fromkeys(_TOTAL_INPUTS)
    return {kpi: _none(value) for kpi, value in totals.loc[key].items()}


def hhi(shares: pd.Series) -> float | None:
    """Herfindahl-Hirschman index of revenue shares, 0..1 (1 = one partner has it all)."""
    known = shares.dropna()
    return _none((known**2).sum()) if not known.empty else None


def _times(amount: float | None, rate: float | None) -> float | None:
    return None if amount is None or rate is None else amount * rate


def results_frame(portfolio: Portfolio) -> pd.DataFrame:
    """One row per campaign and partner with every count (NaN where not reported)."""
    rows: list[dict[str, Any]] = []
    rates = rates_of(portfolio.settings)
    for campaign_id in sorted(portfolio.campaigns):
        campaign = portfolio.campaigns[campaign_id].record
        margin = campaign.gross_margin if campaign.gross_margin is not None else 1.0
        currency = campaign.currency or portfolio.settings.currency
        rate = rates.rate(currency, campaign_date(campaign))  # None: validation reports the missing rate
        for result in campaign.results:
            base = result.baseline
            survey = result.survey
            rows.append({
                "campaign": campaign_id, "partner": result.partner, "gross_margin": margin,
                "currency": currency, "rate": rate,
                "revenue_original": result.revenue, "cost_original": result.cost,
                "sessions": result.sessions, "carts": result.carts, "checkouts": result.checkouts,
                "orders": result.orders, "revenue": _times(result.revenue, rate), "cost": _times(result.cost, rate),
                "customers": result.customers if result.customers is not None else result.orders,
                "repeat_customers": result.repeat_customers, "returns": result.returns,
                "base_sessions": base.sessions if base else None,
                "base_carts": base.carts if base else None,
                "base_orders": base.orders if base else None,
                "responses": survey.responses if survey else None,
                "satisfied": survey.satisfied if survey else None,
                "promoters": survey.promoters if survey else None,
                "passives": survey.passives if survey else None,
                "detractors": survey.detractors if survey else None,
            })
    columns = ["campaign", "partner", "gross_margin", "currency", "rate", "revenue_original", "cost_original",
               *COUNTS]
    frame = pd.DataFrame(rows, columns=columns)
    for column in ("gross_margin", "rate", "revenue_original", "cost_original", *COUNTS):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    # ROI is on margin when the campaign gives one (gross_margin = 1 otherwise).
    frame["margin_revenue"] = frame["revenue"] * frame["gross_margin"]
    return frame


@dataclass
class CampaignKpis:
    total: Kpis
    partners: dict[str, Kpis]


class SlaMonth(NamedTuple):
    """One measured metric-month of an SLA."""

    month: str
    metric: str
    value: float
    target: float
    met: bool


@dataclass
class SlaKpis:
    attainment: float | None
    metrics: dict[str, float | None]
    monthly: list[SlaMonth]  # every measured metric-month, by metric then month as recorded
    breached_metric_months: int
    service_credits: float | None
    # The credits by state (owed: not claimed; claimed: not received; received), recorded amounts where given.
    credits_by_state: dict[str, float | None] = field(default_factory=dict)


@dataclass
class PartnerKpis:
    revenue_share: float | None = None
    activation_days: int | None = None
    evaluation_score: float | None = None
    sla: SlaKpis | None = None
    campaigns: Kpis = field(default_factory=dict)  # this partner's KPIs over all campaigns

    @property
    def sla_attainment(self) -> float | None:
        return self.sla.attainment if self.sla else None


@dataclass
class KpiReport:
    """Every KPI of a portfolio."""

    campaigns: dict[str, CampaignKpis]
    partners: dict[str, PartnerKpis]
    hhi: float | None
    results: pd.DataFrame
    # Each partner's contract commitments judged period by period (generator.rules.commitments).
    commitments: dict[str, list[Outcome]] = field(default_factory=dict)

    @cached_property
    def rows_by_partner(self) -> dict[str, list[Any]]:
        """Each partner's result rows (named tuples of ``results``), in campaign order; built once."""
        rows: dict[str, list[Any]] = {}
        for row in self.results.itertuples(index=False):
            rows.setdefault(row.partner, []).append(row)
        return rows

    def as_json(self, health: dict[str, Any] | None = None) -> dict[str, Any]:
        """The shape of ``partnerbook kpis --format json`` (spec: machine-readable outputs).

        Each partner also carries its KPIs over all its campaigns as ``campaign_<kpi>``
        (ratios of the summed counts), after the keys the spec lists.
        """
        health = health or {}
        partners: dict[str, Any] = {}
        for partner_id, kpis in self.partners.items():
            scored = health.get(partner_id)
            partners[partner_id] = {
                "revenue_share": kpis.revenue_share,
                "activation_days": kpis.activation_days,
                "evaluation_score": kpis.evaluation_score,
                "sla_attainment": kpis.sla_attainment,
                "sla_metrics": dict(kpis.sla.metrics) if kpis.sla else {},
                "service_credits": kpis.sla.service_credits if kpis.sla else None,
                "service_credits_owed": kpis.sla.credits_by_state.get("owed") if kpis.sla else None,
                "service_credits_claimed": kpis.sla.credits_by_state.get("claimed") if kpis.sla else None,
                "service_credits_received": kpis.sla.credits_by_state.get("received") if kpis.sla else None,
                "health_score": scored.score if scored else None,
                "grade": scored.grade if scored else None,
                "health_status": scored.status if scored else None,
                "health_not_rated": scored.not_rated if scored else None,
                "health_reasons": [r.as_json() for r in scored.reasons] if scored else [],
                **{f"campaign_{k}": v for k, v in kpis.campaigns.items()},
                "commitments": [o.as_json() for o in self.commitments.get(partner_id, [])],
            }
        return {
            "campaigns": {cid: {"total": c.total, "partners": c.partners} for cid, c in self.campaigns.items()},
            "partners": partners,
            "portfolio": {"hhi": self.hhi},
        }




def _campaign_kpis(frame: pd.DataFrame, campaign_ids: list[str]) -> dict[str, CampaignKpis]:
    """Per partner and total KPIs of every campaign; one without results has every total n/a."""
    campaigns: dict[str, CampaignKpis] = {}
    rates = _rates(frame)
    revenue_total = frame.groupby("campaign")["revenue"].transform(lambda s: s.sum(min_count=1))
    rates["revenue_share"] = _div(frame["revenue"], revenue_total)
    row_kpis = {index: {kpi: _none(value) for kpi, value in row.items()}
                for index, row in rates.to_dict("index").items()}
    totals = _totals(frame, "campaign")
    groups = frame.groupby("campaign", sort=False).indices
    for campaign_id in campaign_ids:
        rows = frame.iloc[groups.get(campaign_id, [])]
        partners = {str(frame.at[i, "partner"]): row_kpis[i] for i in rows.index}
        total = _total_of(totals, campaign_id)
        total["revenue_share"] = 1.0 if rows["revenue"].notna().any() and rows["revenue"].sum() > 0 else None
        total["hhi"] = hhi(rates.loc[rows.index, "revenue_share"])
        campaigns[campaign_id] = CampaignKpis(total, partners)
    return campaigns


def monthly_fee(portfolio: Portfolio, partner_id: str) -> float | None:
    """The monthly value of the contract an SLA names (or the partner's only recurring contract).

    ``value.amount`` per month as is, per quarter divided by 3, per year by 12, in the contract's own
    currency (``generator.measure.money.fee_contract`` picks the contract). A one-off value, no value,
    a named contract that does not exist or several recurring contracts with none named give None:
    service credits are then n/a, not 0.
    """
    contract = fee_contract(portfolio, partner_id)
    return monthly_amount(contract.record) if contract is not None else None


def sla_kpis(portfolio: Portfolio, partner_id: str) -> SlaKpis | None:
    """Attainment per metric and per partner, breached metric-months and service credits."""
    entry = portfolio.partners[partner_id]
    if entry.sla is None:
        return None
    sla = entry.sla.record
    monthly: list[SlaMonth] = []
    metrics: dict[str, float | None] = {}
    for metric in sla.metrics:
        outcomes = []
        for measurement in sla.measurements:
            value = (measurement.model_extra or {}).get(metric.id)
            if value is None:
                continue  # not measured is not a breach
            met = sla_met(metric, float(value))
            outcomes.append(met)
            monthly.append(SlaMonth(measurement.month, metric.id, float(value), float(metric.target), met))
        metrics[metric.id] = sum(outcomes) / len(outcomes) if outcomes else None
    met_months = sum(row.met for row in monthly)
    attainment = met_months / len(monthly) if monthly else None
    breached = len(monthly) - met_months
    # Each breached month's credit in the reporting currency, at that month's rate (generator.measure.money).
    month_rows = month_credits(portfolio, partner_id)
    credits = None
    if monthly_fee(portfolio, partner_id) is not None:
        credits = round(sum(c.computed for c in month_rows if c.computed is not None), 2)
    by_state: dict[str, float | None] = {}
    for state in ("owed", "claimed", "received"):
        amounts = [c.amount.value for c in month_rows if c.state == state and c.amount.value is not None]
        by_state[state] = round(sum(amounts), 2) if amounts else (0.0 if credits is not None else None)
    return SlaKpis(attainment, metrics, monthly, breached, credits, by_state)


def evaluation_score(portfolio: Portfolio, partner_id: str) -> float | None:
    """Weighted mean of the evaluation scores (1-5), weights from partnerbook.yml."""
    partner = portfolio.partners[partner_id].partner
    if partner is None or partner.evaluation is None:
        return None
    weights = portfolio.settings.evaluation.criteria
    scored = [(score, weights[c]) for c, score in partner.evaluation.scores.items() if c in weights]
    total_weight = sum(w for _, w in scored)
    return _none(sum(s * w for s, w in scored) / total_weight) if total_weight else None


def compute(portfolio: Portfolio, today: date | None = None) -> KpiReport:
    """Every KPI of the portfolio: campaigns, partners and concentration; with ``today``, commitments too."""
    frame = results_frame(portfolio)
    campaigns = _campaign_kpis(frame, sorted(portfolio.campaigns))
    all_revenue = frame["revenue"].sum(min_count=1) if not frame.empty else float("nan")
    by_partner = frame.groupby("partner")
    partner_revenue = by_partner["revenue"].sum(min_count=1) if not frame.empty else pd.Series(dtype="float64")
    shares = _div(partner_revenue, pd.Series(all_revenue, index=partner_revenue.index))
    per_partner = _totals(frame, "partner")
    partners: dict[str, PartnerKpis] = {}
    for partner_id in sorted(portfolio.partners):
        entry = portfolio.partners[partner_id]
        kpis = PartnerKpis()
        partner = entry.partner
        if partner and partner.onboarding and partner.onboarding.signed and partner.onboarding.live:
            kpis.activation_days = (partner.onboarding.live - partner.onboarding.signed).days
        kpis.evaluation_score = evaluation_score(portfolio, partner_id)
        kpis.sla = sla_kpis(portfolio, partner_id)
        if partner_id in shares.index:
            kpis.revenue_share = _none(shares[partner_id])
            kpis.campaigns = _total_of(per_partner, partner_id)
        partners[partner_id] = kpis
    report = KpiReport(campaigns, partners, hhi(shares) if not shares.empty else None, frame)
    if today is not None:
        from generator.measure.commitments import evaluate

        report.commitments = evaluate(portfolio, frame, today)
    return report
