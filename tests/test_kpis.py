"""Known-answer tests of the KPI engine: small portfolios whose every number is worked out by hand.

Each test writes its records into tmp_path in the spec's layout and runs the real pipeline
(load, validate, compute). The expected values are computed in the comments, from the
spec's formulas, never by calling the engine.
"""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

import pytest

from generator.compute.portfolio import Computed, compute_portfolio
from generator.measure.kpis import CAMPAIGN_KPIS, hhi, monthly_fee
from generator.measure.tables import format_kpi

TODAY = date(2026, 11, 25)


def write(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


def partner(root: Path, partner_id: str, extra: str = "", *, category: str = "supplier",
            status: str = "active") -> None:
    head = f"name: {partner_id.title()}\ncategory: {category}\nstatus: {status}\nowner: partnerships\n"
    write(root, f"partners/{partner_id}/partner.yaml", head + textwrap.dedent(extra).lstrip())


def campaign(root: Path, campaign_id: str, results: str, extra: str = "") -> None:
    head = "name: Test campaign\nstart: 2026-03-20\nend: 2026-04-06\nowner: marketing\n"
    body = textwrap.indent(textwrap.dedent(results).lstrip(), "  ")
    write(root, f"campaigns/{campaign_id}.yaml", head + textwrap.dedent(extra).lstrip() + "results:\n" + body)


def compute(root: Path) -> Computed:
    return compute_portfolio(root, TODAY)


# The seed example: Partner A 1,200 sessions, 150 orders, 15% ROI; Partner B 800, 100, 12.5% ROI.

SEED = """
    - partner: partner-a
      sessions: 1200
      carts: 400
      checkouts: 220
      orders: 150
      revenue: 1150          # ROI (1150 - 1000) / 1000 = 0.15
      cost: 1000
      customers: 140
      repeat_customers: 21
      baseline: {sessions: 1000, carts: 300, orders: 100}
      survey: {tool: zigpoll, responses: 200, satisfied: 170, promoters: 100, passives: 60, detractors: 40}
    - partner: partner-b
      sessions: 800
      carts: 250
      checkouts: 125
      orders: 100
      revenue: 900           # ROI (900 - 800) / 800 = 0.125
      cost: 800
      repeat_customers: 30   # customers not given: defaults to orders (100)
      survey: {responses: 0, satisfied: 0, promoters: 0, passives: 0, detractors: 0}
    """


@pytest.fixture
def seed(tmp_path: Path) -> Computed:
    root = tmp_path / "seed"
    partner(root, "partner-a")
    partner(root, "partner-b")
    campaign(root, "easter", SEED)
    return compute(root)


def test_seed_partner_a(seed: Computed) -> None:
    a = seed.kpis.campaigns["easter"].partners["partner-a"]

    assert a["conversion_rate"] == pytest.approx(0.125)  # 150 / 1200
    assert a["roi"] == pytest.approx(0.15)  # (1150 - 1000) / 1000
    assert a["cart_abandonment_rate"] == pytest.approx(0.625)  # 1 - 150 / 400
    assert a["checkout_completion_rate"] == pytest.approx(150 / 220)  # 0.6818...
    assert a["aov"] == pytest.approx(1150 / 150)  # 7.666...
    assert a["revenue_per_session"] == pytest.approx(1150 / 1200)  # 0.958...
    assert a["cpa"] == pytest.approx(1000 / 150)  # 6.666...
    # baseline conversion 100 / 1000 = 0.1; lift 0.125 / 0.1 - 1 = 0.25
    assert a["conversion_lift"] == pytest.approx(0.25)
    # baseline abandonment 1 - 100 / 300 = 2/3; change 0.625 - 2/3 = -0.041666... (-4.2 pp)
    assert a["abandonment_change"] == pytest.approx(-1 / 24)
    assert a["csat"] == pytest.approx(0.85)  # 170 / 200
    assert a["nps"] == pytest.approx(30.0)  # 100 * (100 - 40) / (100 + 60 + 40)
    assert a["repeat_purchase_rate"] == pytest.approx(0.15)  # 21 / 140
    assert a["revenue_share"] == pytest.approx(1150 / 2050)  # 0.5609...


def test_seed_partner_b(seed: Computed) -> None:
    b = seed.kpis.campaigns["easter"].partners["partner-b"]

    assert b["conversion_rate"] == pytest.approx(0.125)  # 100 / 800
    assert b["roi"] == pytest.approx(0.125)  # (900 - 800) / 800
    assert b["cart_abandonment_rate"] == pytest.approx(0.6)  # 1 - 100 / 250
    assert b["checkout_completion_rate"] == pytest.approx(0.8)  # 100 / 125
    assert b["aov"] == pytest.approx(9.0)  # 900 / 100
    assert b["cpa"] == pytest.approx(8.0)  # 800 / 100
    assert b["repeat_purchase_rate"] == pytest.approx(0.3)  # 30 / customers = orders = 100
    assert b["revenue_share"] == pytest.approx(900 / 2050)  # 0.4390...
    # No baseline: lift and abandonment change are undefined, not 0.
    assert b["conversion_lift"] is None
    assert b["abandonment_change"] is None
    # A survey with zero responses: csat and nps undefined.
    assert b["csat"] is None
    assert b["nps"] is None


def test_seed_campaign_total_is_ratio_of_sums(seed: Computed) -> None:
    total = seed.kpis.campaigns["easter"].total

    assert total["conversion_rate"] == pytest.approx(250 / 2000)  # (150 + 100) / (1200 + 800) = 0.125
    # ROI from summed revenue and cost: (2050 - 1800) / 1800 = 0.13888..., not the mean 0.1375 of the rates.
    assert total["roi"] == pytest.approx(250 / 1800)
    assert total["roi"] != pytest.approx((0.15 + 0.125) / 2)
    assert total["cart_abandonment_rate"] == pytest.approx(1 - 250 / 650)  # carts 400 + 250
    assert total["checkout_completion_rate"] == pytest.approx(250 / 345)  # checkouts 220 + 125
    assert total["aov"] == pytest.approx(8.2)  # 2050 / 250
    assert total["revenue_per_session"] == pytest.approx(1.025)  # 2050 / 2000
    assert total["cpa"] == pytest.approx(7.2)  # 1800 / 250
    assert total["repeat_purchase_rate"] == pytest.approx(51 / 240)  # (21 + 30) / (140 + 100)
    # Only A reported a baseline, so lift and change come from A's counts alone.
    assert total["conversion_lift"] == pytest.approx(0.25)
    assert total["abandonment_change"] == pytest.approx(-1 / 24)
    # B's empty survey adds nothing: 170 / 200 and 100 * 60 / 200.
    assert total["csat"] == pytest.approx(0.85)
    assert total["nps"] == pytest.approx(30.0)
    assert total["revenue_share"] == 1.0
    # hhi = (1150/2050)^2 + (900/2050)^2 = (1,322,500 + 810,000) / 4,202,500 = 0.50743...
    assert total["hhi"] == pytest.approx(2_132_500 / 4_202_500)
    assert set(total) == {*CAMPAIGN_KPIS, "hhi"}


def test_seed_partner_and_portfolio_level(seed: Computed) -> None:
    partners = seed.kpis.partners

    assert partners["partner-a"].revenue_share == pytest.approx(1150 / 2050)
    assert partners["partner-b"].revenue_share == pytest.approx(900 / 2050)
    assert seed.kpis.hhi == pytest.approx(2_132_500 / 4_202_500)
    assert partners["partner-a"].campaigns["roi"] == pytest.approx(0.15)
    assert partners["partner-b"].campaigns["conversion_rate"] == pytest.approx(0.125)


# Undefined KPIs: zero or missing denominators are None, never 0, never a crash.


def test_zero_denominators_are_none(tmp_path: Path) -> None:
    partner(tmp_path, "quiet")
    campaign(tmp_path, "dead", """
        - partner: quiet
          sessions: 0
          carts: 0
          checkouts: 0
          orders: 0
          revenue: 0
          cost: 0
          repeat_customers: 0
          baseline: {sessions: 0, carts: 0, orders: 0}
          survey: {responses: 0, satisfied: 0, promoters: 0, passives: 0, detractors: 0}
        """)
    kpis = compute(tmp_path).kpis
    row = kpis.campaigns["dead"].partners["quiet"]
    total = kpis.campaigns["dead"].total

    assert row == dict.fromkeys(CAMPAIGN_KPIS)
    assert total == dict.fromkeys([*CAMPAIGN_KPIS, "hhi"])
    assert kpis.partners["quiet"].revenue_share is None
    assert kpis.hhi is None


def test_zero_cost_roi_and_zero_baseline_lift_are_none(tmp_path: Path) -> None:
    partner(tmp_path, "free")
    campaign(tmp_path, "c", """
        - partner: free
          sessions: 100
          carts: 20
          orders: 10
          revenue: 500
          cost: 0                 # free partnership: ROI undefined
          baseline: {sessions: 100, carts: 20, orders: 0}   # baseline conversion 0: lift undefined
        """)
    row = compute(tmp_path).kpis.campaigns["c"].partners["free"]

    assert row["roi"] is None
    assert row["cpa"] == pytest.approx(0.0)  # 0 / 10 is a real zero
    assert row["conversion_lift"] is None
    assert row["abandonment_change"] == pytest.approx(-0.5)  # (1 - 10/20) - (1 - 0/20)
    assert row["checkout_completion_rate"] is None  # checkouts not reported
    assert row["csat"] is None  # no survey
    assert row["nps"] is None


def test_missing_counts_are_left_out_of_totals(tmp_path: Path) -> None:
    partner(tmp_path, "full")
    partner(tmp_path, "partial")
    campaign(tmp_path, "c", """
        - partner: full
          sessions: 1000
          checkouts: 50
          orders: 40
          revenue: 4000
          cost: 1000
        - partner: partial     # reported orders and revenue only
          orders: 60
          revenue: 6000
        """)
    kpis = compute(tmp_path).kpis
    total = kpis.campaigns["c"].total

    assert total["conversion_rate"] == pytest.approx(0.04)  # only 'full' has sessions: 40 / 1000
    assert total["checkout_completion_rate"] == pytest.approx(0.8)  # 40 / 50
    # cost KPIs use every reported amount: (4000 + 6000 - 1000) / 1000; 'partial' reports no cost
    assert total["roi"] == pytest.approx(9.0)
    assert total["cpa"] == pytest.approx(10.0)  # 1000 / (40 + 60)
    assert total["aov"] == pytest.approx(100.0)  # (4000 + 6000) / (40 + 60)
    assert total["cart_abandonment_rate"] is None
    assert kpis.campaigns["c"].partners["partial"]["conversion_rate"] is None
    # share 0.4 and 0.6: hhi 0.16 + 0.36
    assert total["hhi"] == pytest.approx(0.52)


def test_campaign_without_results_is_listed_with_undefined_totals(tmp_path: Path) -> None:
    partner(tmp_path, "a")
    campaign(tmp_path, "with-results", "- {partner: a, sessions: 10, orders: 1, revenue: 5}\n")
    write(tmp_path, "campaigns/planned.yaml", """
        name: Planned campaign
        start: 2026-12-01
        end: 2026-12-24
        owner: marketing
        """)
    kpis = compute(tmp_path).kpis

    assert sorted(kpis.campaigns) == ["planned", "with-results"]
    assert kpis.campaigns["planned"].partners == {}
    assert kpis.campaigns["planned"].total == dict.fromkeys([*CAMPAIGN_KPIS, "hhi"])
    assert kpis.campaigns["with-results"].total["hhi"] == pytest.approx(1.0)  # one partner has it all


def test_empty_portfolio(tmp_path: Path) -> None:
    partner(tmp_path, "lonely")
    kpis = compute(tmp_path).kpis

    assert kpis.campaigns == {}
    assert kpis.hhi is None
    assert kpis.partners["lonely"].revenue_share is None
    assert kpis.partners["lonely"].campaigns == {}


def test_hhi_function() -> None:
    import pandas as pd

    assert hhi(pd.Series([0.5, 0.5])) == pytest.approx(0.5)
    assert hhi(pd.Series([1.0])) == pytest.approx(1.0)
    assert hhi(pd.Series([0.25] * 4)) == pytest.approx(0.25)
    assert hhi(pd.Series([float("nan")])) is None
    assert hhi(pd.Series([], dtype="float64")) is None


# Gross margin, and KPIs over several campaigns.


def test_gross_margin_roi_and_partner_totals_across_campaigns(tmp_path: Path) -> None:
    partner(tmp_path, "kiln")
    partner(tmp_path, "stripe")
    campaign(tmp_path, "easter", """
        - {partner: kiln, sessions: 1200, orders: 150, revenue: 9000, cost: 1000}
        - {partner: stripe, sessions: 900, orders: 120, revenue: 7000, cost: 800}
        """, extra="gross_margin: 0.6\n")
    campaign(tmp_path, "summer", """
        - {partner: kiln, sessions: 800, orders: 50, revenue: 1150, cost: 1000}
        """)
    kpis = compute(tmp_path).kpis
    easter = kpis.campaigns["easter"]

    assert easter.partners["kiln"]["roi"] == pytest.approx(4.4)  # (9000 * 0.6 - 1000) / 1000
    assert easter.partners["stripe"]["roi"] == pytest.approx(4.25)  # (7000 * 0.6 - 800) / 800
    assert easter.total["roi"] == pytest.approx(7800 / 1800)  # (16000 * 0.6 - 1800) / 1800
    assert easter.partners["kiln"]["aov"] == pytest.approx(60.0)  # revenue, not margin: 9000 / 150
    # No gross_margin in summer: ROI on revenue.
    assert kpis.campaigns["summer"].partners["kiln"]["roi"] == pytest.approx(0.15)
    # kiln over both campaigns, each on its own margin: (9000 * 0.6 + 1150 - 2000) / 2000
    assert kpis.partners["kiln"].campaigns["roi"] == pytest.approx(4550 / 2000)
    assert kpis.partners["kiln"].campaigns["conversion_rate"] == pytest.approx(200 / 2000)
    # Revenue share over all campaigns: kiln 10150, stripe 7000 of 17150.
    assert kpis.partners["kiln"].revenue_share == pytest.approx(10150 / 17150)
    assert kpis.partners["stripe"].revenue_share == pytest.approx(7000 / 17150)
    assert kpis.hhi == pytest.approx((10150**2 + 7000**2) / 17150**2)
    # Per campaign shares: easter 9000 / 16000 and 7000 / 16000.
    assert easter.partners["kiln"]["revenue_share"] == pytest.approx(0.5625)
    assert easter.total["hhi"] == pytest.approx(0.5625**2 + 0.4375**2)
    assert kpis.campaigns["summer"].partners["kiln"]["revenue_share"] == pytest.approx(1.0)


# SLA attainment and service credits.

SLA = """
    metrics:
      - {id: uptime_percent, name: Uptime, unit: "%", target: 99.9, better: higher}
      - {id: first_response_hours, name: First response, unit: h, target: 4, better: lower}
    service_credit_percent: 5
    measurements:
      - {month: 2026-01, uptime_percent: 99.95, first_response_hours: 3.5}  # met, met
      - {month: 2026-02, uptime_percent: 99.8, first_response_hours: 4}     # breach, met (at target)
      - {month: 2026-03, uptime_percent: 99.9}                              # met (at target), not measured
      - {month: 2026-04, uptime_percent: null, first_response_hours: 5}     # not measured, breach
      - {month: 2026-05, first_response_hours: 6}                           # not measured, breach
    """


def platform(root: Path, contracts: dict[str, str], sla_contract: str | None = "platform") -> None:
    partner(root, "cloud", category="platform")
    line = f"contract: {sla_contract}\n" if sla_contract else ""
    write(root, "partners/cloud/sla.yaml", line + textwrap.dedent(SLA).lstrip())
    for contract_id, value in contracts.items():
        write(root, f"partners/cloud/contracts/{contract_id}.yaml", f"""
            title: Platform subscription
            start: 2026-01-01
            {value}
            clauses: {{sla: Schedule B}}
            """)


@pytest.mark.parametrize("value", [
    "value: {amount: 12000, period: year}",      # 12000 / 12 = 1000 a month
    "value: {amount: 3000, period: quarter}",    # 3000 / 3 = 1000 a month
    "value: {amount: 1000, period: month}",
])
def test_sla_attainment_and_service_credits(tmp_path: Path, value: str) -> None:
    platform(tmp_path, {"platform": value})
    computed = compute(tmp_path)
    sla = computed.kpis.partners["cloud"].sla
    assert sla is not None

    # uptime (higher is better): Jan met, Feb breach, Mar met at target; Apr, May not measured -> 2/3
    assert sla.metrics["uptime_percent"] == pytest.approx(2 / 3)
    # first response (lower is better): Jan met, Feb met at target, Apr and May breach; Mar not measured -> 2/4
    assert sla.metrics["first_response_hours"] == pytest.approx(0.5)
    # partner: met metric-months 2 + 2 over measured 3 + 4
    assert sla.attainment == pytest.approx(4 / 7)
    assert computed.kpis.partners["cloud"].sla_attainment == pytest.approx(4 / 7)
    assert sla.breached_metric_months == 3
    assert len(sla.monthly) == 7  # missing values are not rows, so never breaches
    # 3 breached metric-months * 5% * 1000 a month / 100
    assert monthly_fee(computed.portfolio, "cloud") == pytest.approx(1000.0)
    assert sla.service_credits == pytest.approx(150.0)


def test_service_credits_unknown_without_a_recurring_fee(tmp_path: Path) -> None:
    platform(tmp_path, {"platform": "value: {amount: 50000, period: one-off}"})
    sla = compute(tmp_path).kpis.partners["cloud"].sla
    assert sla is not None

    assert sla.breached_metric_months == 3
    assert sla.service_credits is None  # a one-off fee has no monthly value: n/a, not 0


def test_service_credits_use_the_contract_the_sla_names(tmp_path: Path) -> None:
    platform(tmp_path, {"platform": "value: {amount: 2400, period: year}",
                        "extras": "value: {amount: 500, period: month}"})
    kpis = compute(tmp_path).kpis

    # 2400 / 12 = 200 a month; 3 * 5 * 200 / 100
    assert kpis.partners["cloud"].sla.service_credits == pytest.approx(30.0)  # type: ignore[union-attr]


def test_service_credits_ambiguous_without_a_named_contract(tmp_path: Path) -> None:
    platform(tmp_path, {"platform": "value: {amount: 2400, period: year}",
                        "extras": "value: {amount: 500, period: month}"}, sla_contract=None)
    computed = compute(tmp_path)

    assert monthly_fee(computed.portfolio, "cloud") is None  # two recurring contracts: which one?
    assert computed.kpis.partners["cloud"].sla.service_credits is None  # type: ignore[union-attr]


def test_service_credits_single_recurring_contract_without_a_name(tmp_path: Path) -> None:
    platform(tmp_path, {"platform": "value: {amount: 600, period: quarter}",
                        "setup": "value: {amount: 9000, period: one-off}"}, sla_contract=None)
    computed = compute(tmp_path)

    assert monthly_fee(computed.portfolio, "cloud") == pytest.approx(200.0)  # 600 / 3
    assert computed.kpis.partners["cloud"].sla.service_credits == pytest.approx(30.0)  # type: ignore[union-attr]


def test_sla_without_measurements(tmp_path: Path) -> None:
    partner(tmp_path, "cloud", category="platform")
    write(tmp_path, "partners/cloud/sla.yaml", """
        metrics:
          - {id: uptime_percent, name: Uptime, target: 99.9, better: higher}
        service_credit_percent: 5
        """)
    kpis = compute(tmp_path).kpis
    sla = kpis.partners["cloud"].sla
    assert sla is not None

    assert sla.attainment is None
    assert sla.metrics == {"uptime_percent": None}
    assert sla.breached_metric_months == 0
    assert sla.service_credits is None  # no contract value known
    assert kpis.partners["cloud"].sla_attainment is None


# Activation days and evaluation score.


def test_activation_days(tmp_path: Path) -> None:
    partner(tmp_path, "quick", "onboarding: {signed: 2026-01-10, live: 2026-02-20}\n")
    partner(tmp_path, "pending", "onboarding: {signed: 2026-01-10}\n")
    partner(tmp_path, "leap", "onboarding: {signed: 2024-02-28, live: 2024-03-01}\n")
    kpis = compute(tmp_path).kpis

    assert kpis.partners["quick"].activation_days == 41  # 21 days left in January + 20 in February
    assert kpis.partners["pending"].activation_days is None  # not live yet
    assert kpis.partners["leap"].activation_days == 2  # 2024 is a leap year: Feb 29 counts


EVALUATION = """
    evaluation:
      date: 2026-01-05
      evaluator: partnerships
      scores: {product_alignment: 5, compliance: 4, integration: 2}
    """


def test_evaluation_score_default_weights(tmp_path: Path) -> None:
    partner(tmp_path, "scored", EVALUATION)
    partner(tmp_path, "unscored")
    kpis = compute(tmp_path).kpis

    assert kpis.partners["scored"].evaluation_score == pytest.approx(11 / 3)  # (5 + 4 + 2) / 3
    assert kpis.partners["unscored"].evaluation_score is None


def test_evaluation_score_custom_weights(tmp_path: Path) -> None:
    write(tmp_path, "partnerbook.yml", """
        evaluation:
          criteria: {product_alignment: 3, compliance: 2, integration: 1, reputation: 4}
        """)
    partner(tmp_path, "scored", EVALUATION)
    kpis = compute(tmp_path).kpis

    # (5 * 3 + 4 * 2 + 2 * 1) / (3 + 2 + 1) = 25 / 6; unscored 'reputation' is not counted
    assert kpis.partners["scored"].evaluation_score == pytest.approx(25 / 6)


# How KPIs read on a page or in a terminal.


@pytest.mark.parametrize(("name", "value", "text"), [
    ("conversion_rate", None, "n/a"),
    ("conversion_rate", 0.125, "12.5%"),
    ("roi", 0.0, "0.0%"),
    ("abandonment_change", -1 / 24, "-4.2 pp"),
    ("nps", 30.0, "30"),
    ("hhi", 2_132_500 / 4_202_500, "0.507"),
    ("aov", 1234.5, "1,234.50"),
    ("service_credits", 150.0, "150.00"),
    ("evaluation_score", 25 / 6, "4.17"),
    ("activation_days", 41, "41"),
])
def test_format_kpi(name: str, value: float | None, text: str) -> None:
    assert format_kpi(name, value) == text
