"""Commitments in contracts, worked by hand: periods, figures, states, the alert, JSON, validation, the scorecard.

Each test writes a small portfolio into tmp_path and runs the real pipeline. Every expected
figure is computed in the comments from the records, never by calling the engine.
"""

from __future__ import annotations

import html
import json
import re
import textwrap
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import RunLine

from generator.compute.portfolio import Computed, compute_portfolio

TODAY = date(2026, 11, 25)
REPO = Path(__file__).resolve().parents[1]
EVALUATION = "evaluation: {date: 2026-01-05, evaluator: team, scores: {product_alignment: 4, compliance: 4}}\n"
PROFILE = "name: {name}\ncategory: marketing\nstatus: active\nowner: partnerships\n"


def write(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


def contract(root: Path, commitments: str, head: str = "start: 2026-01-01\nend: 2027-12-31\n",
             partner: str = "net", profile: str = "") -> None:
    write(root, f"partners/{partner}/partner.yaml", PROFILE.format(name=partner.title()) + profile)
    write(root, f"partners/{partner}/contracts/deal.yaml",
          "title: Affiliate deal\n" + head + "commitments:\n"
          + textwrap.indent(textwrap.dedent(commitments).lstrip("\n"), "  "))


def campaign(root: Path, campaign_id: str, start: str, end: str, results: str, extra: str = "") -> None:
    body = textwrap.indent(textwrap.dedent(results).lstrip(), "  ")
    write(root, f"campaigns/{campaign_id}.yaml",
          f"name: {campaign_id.title()}\nstart: {start}\nend: {end}\nowner: marketing\n{extra}results:\n{body}")


def rows(computed: Computed, kpi: str, partner: str = "net") -> list[tuple[str | None, float | None, str]]:
    return [(o.period.label if o.period else None, o.actual, o.state)
            for o in computed.kpis.commitments.get(partner, []) if o.kpi == kpi]


def seasons(root: Path) -> None:
    """Four campaigns of one partner over 2026 (today 2026-11-25)."""
    campaign(root, "winter", "2026-01-15", "2026-01-31", "- {partner: net, orders: 30}\n")  # no sessions
    campaign(root, "march", "2026-02-10", "2026-02-28", "- {partner: net, sessions: 1000, orders: 200}\n")
    campaign(root, "spring", "2026-03-20", "2026-04-06",  # ends in Q2, starts in Q1: counts for Q1
             "- {partner: net, sessions: 2000, orders: 120, returns: 6}\n")
    campaign(root, "summer", "2026-07-05", "2026-07-31",
             "- {partner: net, sessions: 4000, orders: 150, returns: 9}\n")
    campaign(root, "autumn", "2026-10-10", "2026-12-15",
             "- {partner: net, sessions: 500, orders: 100, returns: 50}\n")


def test_quarters_met_missed_no_data_and_in_progress(tmp_path: Path) -> None:
    contract(tmp_path, """
        - {kpi: orders, min: 300, period: quarter}
        - {kpi: conversion_rate, min: 0.05, period: quarter}
        """, profile=EVALUATION)
    seasons(tmp_path)
    computed = compute_portfolio(tmp_path, TODAY)

    # Q1: winter 30 + march 200 + spring 120 = 350 orders >= 300; Q2 nothing starts; Q3 summer 150 < 300;
    # Q4 autumn is still in its quarter on 2026-11-25
    assert rows(computed, "orders") == [("2026-Q1", 350, "met"), ("2026-Q2", None, "no data"),
                                        ("2026-Q3", 150, "missed"), ("2026-Q4", 100, "in progress")]
    # conversion is pairwise like a campaign total: winter has no sessions, so Q1 is (200 + 120) / (1000 + 2000)
    conversion = rows(computed, "conversion_rate")
    assert conversion[0][0] == "2026-Q1"
    assert conversion[0][1] == pytest.approx(320 / 3000)
    assert conversion[0][2] == "met"
    assert conversion[2][1] == pytest.approx(150 / 4000)
    assert conversion[2][2] == "missed"

    # one alert per commitment, for its latest closed period with data (Q3), on the commitment's line
    alerts = [a for a in computed.alerts if a.rule == "commitment-missed"]
    assert [(a.line, a.severity, a.partner) for a in alerts] == [(5, "warning", "net"), (6, "warning", "net")]
    assert "2026-Q3" in alerts[0].message
    assert "was 150" in alerts[0].message
    assert "orders at least 300 per quarter" in alerts[0].message
    assert "3.8%" in alerts[1].message
    assert "at least 5%" in alerts[1].message
    # the alert costs health points and says so
    reasons = [(r.points, r.line) for r in computed.health["net"].reasons if "[commitment-missed]" in r.text]
    assert reasons == [(8, 5), (8, 6)]  # alert_points.warning each


def test_max_bound_per_campaign_on_return_rate(tmp_path: Path) -> None:
    contract(tmp_path, "- {kpi: return_rate, max: 0.05, period: campaign, note: broken parcels}\n")
    seasons(tmp_path)
    computed = compute_portfolio(tmp_path, TODAY)

    # winter and march report no returns: no data; spring 6 / 120 = 5% is at most 5%: met;
    # summer 9 / 150 = 6%: missed; autumn runs until 2026-12-15: in progress at 50%
    assert rows(computed, "return_rate") == [("winter", None, "no data"), ("march", None, "no data"),
                                             ("spring", pytest.approx(0.05), "met"),
                                             ("summer", pytest.approx(0.06), "missed"),
                                             ("autumn", pytest.approx(0.5), "in progress")]
    alerts = [a for a in computed.alerts if a.rule == "commitment-missed"]
    assert len(alerts) == 1
    assert alerts[0].campaign == "summer"
    assert "6%" in alerts[0].message
    # the campaign KPI itself: returns / orders, n/a without returns
    assert computed.kpis.campaigns["summer"].partners["net"]["return_rate"] == pytest.approx(0.06)
    assert computed.kpis.campaigns["march"].partners["net"]["return_rate"] is None


def test_revenue_commitment_in_another_currency_is_converted(tmp_path: Path, run_line: RunLine) -> None:
    write(tmp_path, "partnerbook.yml", """
        currency: EUR
        rates:
          USD:
            - {from: 2026-01-01, rate: 0.5}
            - {from: 2026-07-01, rate: 0.8}
        """)
    contract(tmp_path, "- {kpi: revenue, min: 20000, period: quarter}\n",
             head="start: 2026-01-01\nvalue: {amount: 1000, period: month, currency: USD}\n")
    campaign(tmp_path, "spring", "2026-02-01", "2026-02-20", "- {partner: net, orders: 90, revenue: 9000}\n")
    campaign(tmp_path, "summer-eu", "2026-07-10", "2026-07-20", "- {partner: net, orders: 90, revenue: 9000}\n")
    campaign(tmp_path, "summer-us", "2026-08-10", "2026-08-20", "- {partner: net, orders: 50, revenue: 10000}\n",
             extra="currency: USD\n")
    computed = compute_portfolio(tmp_path, TODAY)

    found = [o for o in computed.kpis.commitments["net"] if o.period and o.period.label in ("2026-Q1", "2026-Q3")]
    # Q1: 20,000 USD at 0.5 = 10,000 EUR against 9,000 EUR: missed
    # Q3: 20,000 USD at 0.8 = 16,000 EUR against 9,000 EUR + 10,000 USD at 0.8 = 17,000 EUR: met
    assert [(o.target, o.actual, o.state) for o in found] == [(10000, 9000, "missed"), (16000, 17000, "met")]
    assert found[0].commitment_text() == "revenue at least 10,000.00 EUR (20,000.00 USD) per quarter"
    # the latest closed period with data was met: no alert for the older miss
    assert not [a for a in computed.alerts if a.rule == "commitment-missed"]

    done = run_line(f"partnerbook kpis --root {tmp_path} --today {TODAY} --format json")
    assert done.exit_code == 0, done.output
    net = json.loads(done.output)["partners"]["net"]
    assert "revenue_share" in net
    assert "health_score" in net
    q1 = net["commitments"][0]
    assert q1 == {"contract": "deal", "kpi": "revenue", "bound": "min", "target": 10000.0, "period": "2026-Q1",
                  "from": "2026-01-01", "until": "2026-03-31", "actual": 9000.0, "state": "missed"}
    assert [c["state"] for c in net["commitments"]] == ["missed", "no data", "met", "in progress"]


def test_a_money_commitment_from_a_date_without_a_rate_is_an_error(tmp_path: Path, run_line: RunLine) -> None:
    write(tmp_path, "partnerbook.yml", "rates:\n  USD:\n    - {from: 2026-01-01, rate: 0.5}\n")
    contract(tmp_path, "- {kpi: revenue, min: 100, period: year, from: 2025-06-01}\n",
             head="start: 2026-01-01\nvalue: {amount: 1, period: month, currency: USD}\n")
    done = run_line(f"partnerbook validate --root {tmp_path} --today {TODAY} --format json")
    found = [(f["file"], f["line"]) for f in json.loads(done.output) if f["rule"] == "no-rate"]
    assert found == [("partners/net/contracts/deal.yaml", 5)]  # the commitment's line: from 2025-06-01


def test_old_misses_stay_on_the_scorecard_and_raise_no_alert(tmp_path: Path) -> None:
    contract(tmp_path, "- {kpi: orders, min: 300, period: year}\n", head="start: 2024-01-01\nend: 2025-06-30\n")
    campaign(tmp_path, "old", "2024-05-01", "2024-05-10", "- {partner: net, orders: 100}\n")
    campaign(tmp_path, "older", "2025-03-01", "2025-03-10", "- {partner: net, orders: 100}\n")
    computed = compute_portfolio(tmp_path, TODAY)

    # 2024: 100 < 300 missed; 2025 (cut to the contract, ends 2025-06-30): 100 missed, ended 513 days
    # before today (more than 365): shown, not alerted
    assert rows(computed, "orders") == [("2024", 100, "missed"), ("2025", 100, "missed")]
    assert computed.kpis.commitments["net"][1].period.end == date(2025, 6, 30)  # type: ignore[union-attr]
    assert not [a for a in computed.alerts if a.rule == "commitment-missed"]


def test_a_commitment_before_its_first_period_is_no_data(tmp_path: Path) -> None:
    contract(tmp_path, "- {kpi: aov, min: 50, period: month}\n", head="start: 2027-01-01\n")
    computed = compute_portfolio(tmp_path, TODAY)
    assert rows(computed, "aov") == [(None, None, "no data")]


COMMITMENT_ERRORS = """\
title: Affiliate deal
start: 2026-01-01
commitments:
  - {kpi: conversion_rate, min: 0.03, max: 0.1, period: quarter}
  - {kpi: orders, period: month}
  - {kpi: return_rate, max: 5, period: campaign}
  - {kpi: revenue, min: 100, period: week}
  - {kpi: churn_rate, min: 0.1, period: year}
  - {kpi: orders, min: 10.5, period: year}
  - kpi: orders
    min: 10
    period: year
    from: 2026-06-01
    until: 2026-01-01
  - {kpi: roi, min: -2, period: year}
"""


def test_invalid_commitments_are_errors_at_their_lines(tmp_path: Path, run_line: RunLine) -> None:
    write(tmp_path, "partners/net/partner.yaml", PROFILE.format(name="Net"))
    write(tmp_path, "partners/net/contracts/deal.yaml", COMMITMENT_ERRORS)
    campaign(tmp_path, "spring", "2026-03-01", "2026-03-10", "- partner: net\n  orders: 10\n  returns: 11\n")
    done = run_line(f"partnerbook validate --root {tmp_path} --today {TODAY} --format json")
    assert done.exit_code == 1
    findings = json.loads(done.output)
    found = {(f["file"].split("/")[-1], f["line"], f["rule"]): f for f in findings}
    assert set(found) == {
        ("deal.yaml", 4, "invalid-value"),  # both min and max
        ("deal.yaml", 5, "missing-field"),  # neither
        ("deal.yaml", 6, "percent-for-fraction"),  # 5 for 5%
        ("deal.yaml", 7, "invalid-value"),  # period: week
        ("deal.yaml", 8, "invalid-value"),  # kpi: churn_rate
        ("deal.yaml", 9, "out-of-range"),  # half an order
        ("deal.yaml", 14, "date-order"),  # until before from
        ("deal.yaml", 15, "out-of-range"),  # roi below -1
        ("spring.yaml", 8, "funnel-order"),  # 11 returns of 10 orders
    }, findings
    assert "0.05" in found[("deal.yaml", 6, "percent-for-fraction")]["hint"]
    assert "min" in found[("deal.yaml", 5, "missing-field")]["hint"]
    assert "return_rate" in found[("deal.yaml", 8, "invalid-value")]["hint"]  # the allowed values are listed


def test_scorecard_shows_commitments_and_keeps_a_hostile_note_as_text(tmp_path: Path, run_line: RunLine) -> None:
    contract(tmp_path, """
        - {kpi: orders, min: 300, period: quarter, note: "<script>alert(1)</script> **bold** [x](javascript:y)"}
        """)
    seasons(tmp_path)
    done = run_line(f"partnerbook build --root {tmp_path} --today {TODAY}")
    assert done.exit_code == 0, done.output
    page = (tmp_path / "site" / "partners" / "net" / "index.html").read_text(encoding="utf-8")
    section = page[page.index('id="commitments"'):page.index('id="sla"')]
    assert "<script>alert" not in page
    assert "<strong>bold" not in section
    assert 'href="javascript' not in section
    text = html.unescape(re.sub(r"<[^>]+>", " ", section))  # what a reader sees
    assert "<script>alert(1)</script> **bold** [x](javascript:y)" in text
    for shown in ("Affiliate deal", "Orders at least 300 per quarter", "Q1 2026", "350", "Q2 2026", "no data",
                 "Q3 2026", "missed", "Q4 2026", "in progress", "partners/net/contracts/deal.yaml:5"):
        assert shown in text, shown


def test_the_example_shows_met_and_missed_commitments() -> None:
    computed = compute_portfolio(REPO, date(2026, 11, 24))
    states: dict[str, set[str]] = {}
    for partner, outcomes in computed.kpis.commitments.items():
        for outcome in outcomes:
            states.setdefault(partner, set()).add(outcome.state)
    assert {"met", "missed"} <= states["rete-artigiana-affiliates"]
    assert {"met", "missed", "in progress"} <= states["corriere-rapido"]
    missed: list[Any] = [a for a in computed.alerts if a.rule == "commitment-missed"]
    assert {a.partner for a in missed} == {"rete-artigiana-affiliates", "corriere-rapido"}


@pytest.mark.parametrize("kpi", ["conversion_rate", "return_rate", "aov", "cpa", "roi", "cart_abandonment_rate",
                                 "checkout_completion_rate"])
def test_a_period_holding_every_campaign_gives_the_partners_campaign_total(tmp_path: Path, kpi: str) -> None:
    """One answer: a year's figure over all of a partner's campaigns is its KPI over all campaigns."""
    contract(tmp_path, f"- {{kpi: {kpi}, min: 0, period: year}}\n")
    campaign(tmp_path, "a", "2026-02-01", "2026-02-10",
             "- {partner: net, sessions: 900, carts: 300, checkouts: 150, orders: 90, returns: 9, "
             "revenue: 5400, cost: 700}\n")
    campaign(tmp_path, "b", "2026-05-01", "2026-05-10",  # cost without revenue; orders without sessions
             "- {partner: net, carts: 100, orders: 40, cost: 300}\n")
    computed = compute_portfolio(tmp_path, TODAY)
    [outcome] = computed.kpis.commitments["net"]
    assert outcome.actual == pytest.approx(computed.kpis.partners["net"].campaigns[kpi])
    assert outcome.actual is not None
