"""Money in KPIs, worked by hand: cost-only partners count in a campaign's cost, currencies are converted."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_kpis import TODAY, campaign, compute, partner, write

from generator.checks.validate import validate_portfolio

EASTER = """
    - partner: shop-ads        # 2,000 sessions, 100 orders, 5,000 revenue, 1,000 cost
      sessions: 2000
      orders: 100
      revenue: 5000
      cost: 1000
    - partner: affiliate       # 1,000 sessions, 50 orders, 3,000 revenue, 500 cost
      sessions: 1000
      orders: 50
      revenue: 3000
      cost: 500
    - partner: packaging       # costs 1,500, reports no revenue or orders
      cost: 1500
    - partner: survey-tool     # costs 300, reports responses only
      cost: 300
      survey: {responses: 100, satisfied: 80}
"""


def test_campaign_cost_includes_partners_without_revenue(tmp_path: Path) -> None:
    for pid in ("shop-ads", "affiliate", "packaging", "survey-tool"):
        partner(tmp_path, pid)
    campaign(tmp_path, "easter", EASTER)
    kpis = compute(tmp_path).kpis.campaigns["easter"]

    # cost 1000 + 500 + 1500 + 300 = 3300; revenue 5000 + 3000 = 8000; orders 150
    assert kpis.total["roi"] == pytest.approx((8000 - 3300) / 3300)
    assert kpis.total["cpa"] == pytest.approx(3300 / 150)
    # the funnel rates keep the pairwise rule: conversion only over rows with both sessions and orders
    assert kpis.total["conversion_rate"] == pytest.approx(150 / 3000)
    assert kpis.total["aov"] == pytest.approx(8000 / 150)
    # a partner with cost and no attributed revenue has no ROI of its own
    assert kpis.partners["packaging"]["roi"] is None
    assert kpis.partners["packaging"]["cpa"] is None
    assert kpis.partners["shop-ads"]["roi"] == pytest.approx(4.0)


TWO_CURRENCIES = """
currency: EUR
rates:
  USD: 0.5            # 1 USD = 0.50 EUR (a round rate keeps the hand computation exact)
  GBP:
    - {from: 2025-01-01, rate: 1.0}
    - {from: 2026-01-01, rate: 1.25}
"""


def _two_currency_portfolio(root: Path) -> None:
    write(root, "partnerbook.yml", TWO_CURRENCIES + "alerts: {revenue_concentration: 0.99}\n")
    for pid in ("eu-shop", "us-market", "uk-market"):
        partner(root, pid)
    campaign(root, "spring", """
        - partner: eu-shop
          sessions: 1000
          orders: 100
          revenue: 6000
          cost: 1000
        """)
    campaign(root, "us-launch", """
        - partner: us-market
          sessions: 1000
          orders: 100
          revenue: 8000     # 4,000 EUR
          cost: 2000        # 1,000 EUR
        """, "currency: USD\n")
    campaign(root, "uk-launch", """
        - partner: uk-market
          sessions: 500
          orders: 40
          revenue: 1600     # campaign starts 2026-03-20: GBP at 1.25, so 2,000 EUR
          cost: 400         # 500 EUR
        """, "currency: GBP\n")


def test_revenue_shares_and_hhi_are_computed_after_conversion(tmp_path: Path) -> None:
    _two_currency_portfolio(tmp_path)
    report = compute(tmp_path).kpis

    # EUR revenue: 6000 + 4000 + 2000 = 12000
    assert report.partners["eu-shop"].revenue_share == pytest.approx(0.5)
    assert report.partners["us-market"].revenue_share == pytest.approx(4000 / 12000)
    assert report.partners["uk-market"].revenue_share == pytest.approx(2000 / 12000)
    assert report.hhi == pytest.approx(0.5**2 + (1 / 3) ** 2 + (1 / 6) ** 2)
    # A campaign's money KPIs are in the reporting currency; its ratios do not change
    us = report.campaigns["us-launch"].total
    assert us["aov"] == pytest.approx(40.0)  # 4000 EUR / 100 orders
    assert us["roi"] == pytest.approx(3.0)  # the same in any currency
    rows = report.results.set_index("campaign")
    assert rows.loc["us-launch", "revenue"] == pytest.approx(4000)
    assert rows.loc["us-launch", "revenue_original"] == pytest.approx(8000)
    assert rows.loc["us-launch", "currency"] == "USD"
    assert rows.loc["uk-launch", "rate"] == pytest.approx(1.25)


def test_currency_without_a_rate_is_an_error_at_its_line(tmp_path: Path) -> None:
    _two_currency_portfolio(tmp_path)
    write(tmp_path, "campaigns/ch-launch.yaml", """
        name: Swiss launch
        start: 2026-03-20
        end: 2026-04-06
        owner: marketing
        currency: CHF
        results: []
        """)
    _, result = validate_portfolio(tmp_path, TODAY)
    found = [p for p in result.problems if p.rule == "no-rate"]
    assert [(p.file, p.line) for p in found] == [("campaigns/ch-launch.yaml", 5)]
    assert "CHF" in found[0].message
    assert "rates:" in found[0].hint


def test_rate_table_starting_after_the_record_is_an_error(tmp_path: Path) -> None:
    _two_currency_portfolio(tmp_path)
    write(tmp_path, "campaigns/old-uk.yaml", """
        name: Old UK push
        start: 2024-06-01
        end: 2024-06-30
        owner: marketing
        currency: GBP
        results: []
        """)
    _, result = validate_portfolio(tmp_path, TODAY)
    found = [p for p in result.problems if p.rule == "no-rate"]
    assert [(p.file, p.line) for p in found] == [("campaigns/old-uk.yaml", 5)]
    assert "Jan 1, 2025" in found[0].message


@pytest.mark.parametrize(("code", "guess"), [("EUO", "EUR"), ("USX", "USD"), ("GPB", "GBP")])
def test_unknown_currency_code_gets_did_you_mean(tmp_path: Path, code: str, guess: str) -> None:
    partner(tmp_path, "p")
    write(tmp_path, "partners/p/contracts/deal.yaml", f"""
        title: Deal
        start: 2026-01-01
        value: {{amount: 100, period: month, currency: {code}}}
        """)
    _, result = validate_portfolio(tmp_path, TODAY)
    found = [p for p in result.problems if p.rule == "unknown-currency"]
    assert [(p.file, p.line) for p in found] == [("partners/p/contracts/deal.yaml", 3)]
    assert f"did you mean '{guess}'" in found[0].hint


def test_unknown_codes_in_partnerbook_yml_are_reported(tmp_path: Path) -> None:
    write(tmp_path, "partnerbook.yml", "currency: EUX\nrates: {USD: 0.9, ABC: 2}\n")
    _, result = validate_portfolio(tmp_path, TODAY)
    found = sorted((p.line, p.message) for p in result.problems if p.rule == "unknown-currency")
    assert [line for line, _ in found] == [1, 2]



def _page_text(path: Path) -> str:
    import html
    import re

    return html.unescape(re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")))


def test_campaign_page_shows_converted_money_with_the_recorded_amount(tmp_path: Path, run_line) -> None:  # type: ignore[no-untyped-def]
    _two_currency_portfolio(tmp_path)
    campaign(tmp_path, "us-launch", """
        - partner: us-market
          sessions: 1000
          orders: 100
          revenue: 8000
          cost: 2000
        - partner: eu-shop     # a cost-only row: photos for the launch
          cost: 600
        """, "currency: USD\n")
    write(tmp_path, "partners/us-market/contracts/listing.yaml", """
        title: Marketplace listing
        start: 2026-02-01
        value: {amount: 1200, period: year, currency: GBP}
        """)
    result = run_line(f"partnerbook build --root {tmp_path} --today {TODAY}")
    assert result.exit_code == 0, result.output
    text = " ".join(_page_text(tmp_path / "site/campaigns/us-launch/index.html").split())

    assert "Converted from USD" in text
    assert "0.5 EUR per USD" in text
    assert "4,000.00 EUR (8,000.00 USD)" in text  # revenue
    assert "1,000.00 EUR (2,000.00 USD)" in text  # cost
    assert "Cost without attributed revenue: Eu-Shop (300.00 EUR)" in text
    assert "Cost 1,300.00 EUR" in text  # the campaign's cost counts the cost-only row
    # A contract value converts at the rate valid on the contract's start (GBP 1.25 from 2026-01-01)
    contracts = " ".join(_page_text(tmp_path / "site/contracts/index.html").split())
    assert "1,500.00 EUR (1,200.00 GBP) / year" in contracts
    # A campaign in the reporting currency shows no conversion
    spring = " ".join(_page_text(tmp_path / "site/campaigns/spring/index.html").split())
    assert "Converted from" not in spring
    assert "6,000.00 EUR (" not in spring
