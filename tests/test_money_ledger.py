"""The money ledger worked by hand: fees prorated by months in force, commissions, campaign costs,
service credits owed / claimed / received in two currencies, the credit-unclaimed alert and the
validation of ``credits:``; and the Money page of the example site."""

from __future__ import annotations

import html
import json
import shutil
import textwrap
from datetime import date
from pathlib import Path

import pytest
from conftest import RunLine

from generator.checks.validate import validate_portfolio
from generator.compute.portfolio import Computed, compute_portfolio
from generator.measure.money import ledger
from generator.site.render import environment

TODAY = date(2026, 11, 25)
REPO = Path(__file__).resolve().parent.parent

SETTINGS = """\
currency: EUR
rates:
  USD:
    - {from: 2026-01-01, rate: 0.9}
    - {from: 2026-07-01, rate: 0.8}
"""


def write(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


def partner(root: Path, pid: str) -> None:
    write(root, f"partners/{pid}/partner.yaml",
          f"name: {pid.title()}\ncategory: supplier\nstatus: active\nowner: partnerships\n")


def contract(root: Path, pid: str, body: str) -> None:
    partner(root, pid)
    write(root, f"partners/{pid}/contracts/c.yaml", "title: Agreement\n" + textwrap.dedent(body).lstrip())


SLA_USD = """\
contract: c
metrics:
  - {id: uptime, name: Uptime, unit: "%", target: 99, better: higher}
service_credit_percent: 10
measurements:
  - {month: 2026-06, uptime: 98}
  - {month: 2026-07, uptime: 98}
  - {month: 2026-08, uptime: 98}
  - {month: 2026-09, uptime: 99.5}
credits:
  - {month: 2026-06, claimed: 2026-07-10, received: 2026-08-01}
  - {month: 2026-08, claimed: 2026-09-05}
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "records"
    write(root, "partnerbook.yml", SETTINGS)
    # 1,000 EUR a month from April 2026 to March 2027: 9 months in 2026, 3 in 2027.
    contract(root, "monthly", "start: 2026-04-01\nend: 2027-03-31\nvalue: {amount: 1000, period: month}\n"
                              "pricing: {model: fixed}\npayment_terms: {method: Bank transfer, net_days: 45}\n")
    # 12,000 EUR a year from July 2025 to June 2026: 6,000 in each year.
    contract(root, "yearly", "start: 2025-07-01\nend: 2026-06-30\nvalue: {amount: 12000, period: year}\n")
    # 10% of attributed revenue: 10% x 5,000 = 500 in 2026; no fee.
    contract(root, "share", "start: 2026-01-01\npricing: {model: revenue-share, rate: 0.1}\n")
    # 2,500 EUR once, in the year it starts.
    contract(root, "oneoff", "start: 2026-05-10\nend: 2026-12-31\nvalue: {amount: 2500, period: one-off}\n")
    # 100 USD a month, June to August 2026: June at 0.9 (90), July and August at 0.8 (80 + 80) = 250 EUR.
    contract(root, "usd", "start: 2026-06-01\nend: 2026-08-31\nvalue: {amount: 100, period: month, currency: USD}\n")
    write(root, "partners/usd/sla.yaml", SLA_USD)
    write(root, "campaigns/spring.yaml", """\
        name: Spring
        start: 2026-03-20
        end: 2026-04-06
        owner: marketing
        results:
          - {partner: share, sessions: 1000, orders: 50, revenue: 5000, cost: 300}
          - {partner: oneoff, sessions: 10, cost: 200}
        """)
    return root


def computed_at(root: Path, today: date = TODAY) -> Computed:
    return compute_portfolio(root, today)


def test_fees_commissions_costs_and_roi_by_hand(root: Path) -> None:
    computed = computed_at(root)
    book = ledger(computed.portfolio, computed.kpis, computed.today)
    monthly = book.partners["monthly"]
    assert {y: r.fees.value for y, r in monthly.years.items()} == {2026: pytest.approx(9000), 2027: pytest.approx(3000)}
    assert monthly.roi is None  # spend but no attributed revenue: n/a
    assert [(t.method, t.net_days) for t in monthly.terms] == [("Bank transfer", 45)]
    yearly = book.partners["yearly"]
    assert {y: r.fees.value for y, r in yearly.years.items()} == {2025: pytest.approx(6000), 2026: pytest.approx(6000)}
    share = book.partners["share"].years[2026]
    assert share.fees.value is None
    assert share.commissions.value == pytest.approx(500)  # 10% x 5,000
    assert share.campaign_costs.value == pytest.approx(300)
    assert share.revenue.value == pytest.approx(5000)
    assert share.spend == pytest.approx(800)
    assert book.partners["share"].roi == pytest.approx((5000 - 800) / 800)  # 5.25
    oneoff = book.partners["oneoff"]
    assert list(oneoff.years) == [2026]
    assert oneoff.years[2026].fees.value == pytest.approx(2500)
    assert oneoff.years[2026].campaign_costs.value == pytest.approx(200)
    assert oneoff.roi is None  # cost without attributed revenue
    # The portfolio's 2026: fees 9,000 + 6,000 + 2,500 + 250; commissions 500; costs 500; credits 25.
    year = book.by_year[2026]
    assert year.fees.value == pytest.approx(17750)
    assert year.spend == pytest.approx(17750 + 500 + 500 - 25)


def test_two_currencies_and_credit_states_by_hand(root: Path) -> None:
    computed = computed_at(root)
    usd = ledger(computed.portfolio, computed.kpis, computed.today).partners["usd"]
    row = usd.years[2026]
    assert row.fees.value == pytest.approx(250)
    assert row.fees.original == (pytest.approx(300), "USD")
    # Credits: 10% of 100 USD per breached month, at that month's rate: June 9, July 8, August 8 EUR.
    assert [(c.month, c.state, c.amount.value) for c in usd.credits] == [
        ("2026-06", "received", pytest.approx(9)), ("2026-07", "owed", pytest.approx(8)),
        ("2026-08", "claimed", pytest.approx(8))]
    assert (row.credits_owed.value, row.credits_claimed.value, row.credits_received.value) == (
        pytest.approx(8), pytest.approx(8), pytest.approx(9))
    assert row.spend == pytest.approx(250 - 25)
    sla = computed.kpis.partners["usd"].sla
    assert sla is not None
    assert sla.service_credits == pytest.approx(25)
    shown = computed.kpis.as_json()["partners"]["usd"]
    assert (shown["service_credits"], shown["service_credits_owed"], shown["service_credits_claimed"],
            shown["service_credits_received"]) == (pytest.approx(25), pytest.approx(8), pytest.approx(8),
                                                   pytest.approx(9))
    page = environment().from_string("{{ a | money('EUR') }}").render(a=row.fees)
    assert page == "250&#46;00 EUR &#40;300&#46;00 USD&#41;"  # the converted amount, the recorded one beside


def test_a_recorded_amount_replaces_the_computed_credit(root: Path) -> None:
    sla = root / "partners/usd/sla.yaml"
    sla.write_text(SLA_USD.replace("received: 2026-08-01}", "received: 2026-08-01, amount: 20, currency: EUR}"),
                   encoding="utf-8")
    computed = computed_at(root)
    usd = ledger(computed.portfolio, computed.kpis, computed.today).partners["usd"]
    assert usd.credits[0].amount.value == pytest.approx(20)
    assert computed.kpis.partners["usd"].sla.service_credits == pytest.approx(25)  # type: ignore[union-attr]


@pytest.mark.parametrize(("today", "fires"), [(date(2026, 8, 30), False), (date(2026, 8, 31), True)])
def test_credit_unclaimed_after_30_days(root: Path, today: date, fires: bool) -> None:
    # July's credit is owed; July ends on 2026-07-31: 2026-08-30 is day 30, 2026-08-31 day 31.
    # (August's credit, claimed on 2026-09-05, is not recorded yet on these days.)
    sla = root / "partners/usd/sla.yaml"
    sla.write_text(sla.read_text(encoding="utf-8").replace("  - {month: 2026-08, claimed: 2026-09-05}\n", ""),
                   encoding="utf-8")
    alerts = [a for a in computed_at(root, today).alerts if a.rule == "credit-unclaimed"]
    assert bool(alerts) is fires
    if fires:
        (alert,) = alerts
        assert (alert.severity, alert.partner, alert.file, alert.line) == (
            "warning", "usd", "partners/usd/sla.yaml", 7)  # July's measurement
        assert "Jul 2026" in alert.message
        assert "31 days" in alert.message
        assert "8.00 EUR" in alert.message


def test_credit_claim_days_is_configurable(root: Path) -> None:
    write(root, "partnerbook.yml", SETTINGS + "alerts: {credit_claim_days: 60}\n")
    assert not [a for a in computed_at(root, date(2026, 9, 29)).alerts if a.rule == "credit-unclaimed"]
    assert [a for a in computed_at(root, date(2026, 9, 30)).alerts if a.rule == "credit-unclaimed"]


def test_credit_validation_errors_at_their_lines(root: Path) -> None:
    write(root, "partners/usd/sla.yaml", SLA_USD + """\
          - {month: 2026-09, claimed: 2026-10-01}
          - {month: 2026-07, claimed: 2026-08-10, received: 2026-08-01}
          - {month: 2026-12}
        """.replace("          ", "  "))
    _, result = validate_portfolio(root, TODAY)
    found = sorted((p.rule, p.line) for p in result.problems if p.file == "partners/usd/sla.yaml")
    assert found == [("credit-not-breached", 13), ("credit-not-breached", 15), ("date-order", 14)]
    messages = {p.line: (p.message, p.hint) for p in result.problems if p.file == "partners/usd/sla.yaml"}
    assert "no metric missed its target" in messages[13][0]
    assert "2026-06, 2026-07, 2026-08" in messages[13][1]
    assert "has no measurements" in messages[15][0]
    assert messages[14][0] == "received (Aug 1, 2026) is before claimed (Aug 10, 2026)"


def test_money_page_on_the_example_site(tmp_path: Path, run_line: RunLine) -> None:
    root = tmp_path / "example"
    for name in ("partners", "campaigns"):
        shutil.copytree(REPO / name, root / name)
    (root / "partnerbook.yml").write_bytes((REPO / "partnerbook.yml").read_bytes())
    result = run_line(f"partnerbook build --root {root} --today 2026-11-25")
    assert result.exit_code == 0, result.output
    page = html.unescape((root / "site/money/index.html").read_text(encoding="utf-8"))
    assert "Spend by partner" in page
    assert "Service credits outstanding" in page
    # Zigpoll: 1,188 USD a year from July 2026, six months at 0.88 = 522.72 EUR, shown beside 594.00 USD.
    assert "522.72 EUR (594.00 USD)" in page
    assert "claimed" in page
    assert "owed" in page
    assert "Fees deducted from daily settlements" in page
    assert 'src="../assets/charts/' in page
    assert ".svg" in page
    home = (root / "site/index.html").read_text(encoding="utf-8")
    assert 'href="money/"' in home  # in the navigation
    scorecard = html.unescape((root / "site/partners/corriere-rapido/index.html").read_text(encoding="utf-8"))
    assert "received" in scorecard
    assert "May 31, 2026" in scorecard
    data = json.loads(run_line(f"partnerbook kpis --root {root} --today 2026-11-25 --format json").output)
    assert data["partners"]["corriere-rapido"]["service_credits_owed"] == pytest.approx(156)
