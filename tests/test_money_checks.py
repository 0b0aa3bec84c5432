"""Money input that a finance reader would catch: rates as percents, duplicate or pointless rates,
credits claimed in the future or earned outside the contract, and alerts that say which credits are
still owed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from test_money_ledger import contract, write

from generator.checks.validate import validate_portfolio
from generator.compute.portfolio import compute_portfolio
from generator.measure.money import ledger

TODAY = date(2026, 12, 1)
SLA = """\
contract: c
metrics:
  - {id: uptime, name: Uptime, unit: "%", target: 99, better: higher}
service_credit_percent: 10
measurements:
  - {month: 2025-12, uptime: 90}
  - {month: 2026-06, uptime: 98}
  - {month: 2026-07, uptime: 98}
credits:
  - {month: 2026-06, claimed: 2026-07-10, received: 2026-08-01}
"""
FEE = "start: 2026-05-01\nvalue: {amount: 1000, period: month, currency: GBP}\n"
RATES = "currency: EUR\nrates:\n  GBP:\n    - {from: 2026-01-01, rate: 1.2}\n"


def _problems(root: Path) -> list[tuple[str, int, str, str]]:
    _, result = validate_portfolio(root, TODAY)
    return sorted((p.file, p.line, p.rule, p.severity.value) for p in result.problems)


def test_a_commission_rate_written_as_a_percent_is_an_error(tmp_path: Path) -> None:
    contract(tmp_path, "aff", "start: 2026-01-01\npricing: {model: commission, rate: 15}\n")
    contract(tmp_path, "shop", "start: 2026-01-01\npricing: {model: revenue-share}\n")
    found = _problems(tmp_path)
    assert ("partners/aff/contracts/c.yaml", 3, "percent-for-fraction", "error") in found
    assert ("partners/shop/contracts/c.yaml", 3, "missing-field", "error") in found


def test_rate_tables_reject_two_rates_of_one_date_and_warn_on_the_reporting_currency(tmp_path: Path) -> None:
    write(tmp_path, "partnerbook.yml", """
        currency: EUR
        rates:
          EUR: 1.1
          GBP:
            - {from: 2026-01-01, rate: 1.17}
            - {from: 2026-01-01, rate: 1.5}
        """)
    found = [(line, rule, severity) for file, line, rule, severity in _problems(tmp_path)]
    assert (3, "rate-for-reporting-currency", "warning") in found
    assert (6, "duplicate-entry", "error") in found


def test_a_broken_partnerbook_yml_gives_no_false_missing_rate_findings(tmp_path: Path) -> None:
    write(tmp_path, "partnerbook.yml", "currency: EUR\nrates: {USD: 0.9}\nalerts: {credit_claim_days: -1}\n")
    contract(tmp_path, "p", "start: 2026-01-01\nvalue: {amount: 10, period: month, currency: USD}\n")
    found = _problems(tmp_path)
    assert "no-rate" not in {rule for _, _, rule, _ in found}
    assert any(file == "partnerbook.yml" and severity == "error" for file, _, _, severity in found)


def test_did_you_mean_never_suggests_the_typo_itself(tmp_path: Path) -> None:
    write(tmp_path, "partnerbook.yml", "currency: EUX\n")
    _, result = validate_portfolio(tmp_path, TODAY)
    problem = next(p for p in result.problems if p.rule == "unknown-currency")
    assert "did you mean 'EUR'" in problem.hint


def test_lowercase_currency_says_how_to_write_it(tmp_path: Path) -> None:
    write(tmp_path, "partnerbook.yml", "currency: eur\n")
    _, result = validate_portfolio(tmp_path, TODAY)
    assert any("write 'EUR'" in p.message for p in result.problems)


def test_credits_claimed_in_the_future_and_breaches_outside_the_contract(tmp_path: Path) -> None:
    write(tmp_path, "partnerbook.yml", RATES)
    contract(tmp_path, "carrier", FEE)
    write(tmp_path, "partners/carrier/sla.yaml", SLA.replace("claimed: 2026-07-10, received: 2026-08-01",
                                                              "claimed: 2027-01-10"))
    found = _problems(tmp_path)
    assert ("partners/carrier/sla.yaml", 10, "future-date", "error") in found
    # 2025-12 is before the contract's start (2026-05-01): a warning, and no credit
    assert ("partners/carrier/sla.yaml", 6, "outside-contract", "warning") in found


def test_a_month_outside_the_contract_earns_no_credit(tmp_path: Path) -> None:
    write(tmp_path, "partnerbook.yml", RATES)
    contract(tmp_path, "carrier", FEE)
    write(tmp_path, "partners/carrier/sla.yaml", SLA)
    computed = compute_portfolio(tmp_path, TODAY)
    credits = ledger(computed.portfolio, computed.kpis, TODAY).partners["carrier"].credits
    # 10% of 1,000 GBP at 1.2: 120 EUR for each of 2026-06 and 2026-07; nothing for 2025-12
    assert [(c.month, c.state, round(c.amount.value or 0, 2)) for c in credits] == [
        ("2026-06", "received", 120.0), ("2026-07", "owed", 120.0)]
    assert computed.kpis.partners["carrier"].sla is not None
    assert computed.kpis.partners["carrier"].sla.service_credits == 240.0


def test_a_credit_month_before_the_first_rate_is_an_error_at_its_measurement(tmp_path: Path) -> None:
    write(tmp_path, "partnerbook.yml", "currency: EUR\nrates:\n  GBP:\n    - {from: 2026-07-01, rate: 1.2}\n")
    contract(tmp_path, "carrier", FEE)  # starts 2026-05-01, in GBP
    write(tmp_path, "partners/carrier/sla.yaml", SLA)
    found = [(file, line, rule) for file, line, rule, _ in _problems(tmp_path)]
    assert ("partners/carrier/contracts/c.yaml", 3, "no-rate") in found  # the contract's own start
    assert ("partners/carrier/sla.yaml", 7, "no-rate") in found  # 2026-06's credit: no GBP rate yet
    assert ("partners/carrier/sla.yaml", 8, "no-rate") not in found  # 2026-07 converts at 1.2


def test_sla_alerts_say_which_credits_are_still_owed(tmp_path: Path) -> None:
    write(tmp_path, "partnerbook.yml", RATES)
    contract(tmp_path, "carrier", FEE)
    write(tmp_path, "partners/carrier/sla.yaml", SLA)
    computed = compute_portfolio(tmp_path, TODAY)
    breach = next(a for a in computed.alerts if a.rule == "sla-breach")
    assert "the service credit of Jul 2026: 120.00 EUR owed" in breach.message
    attainment = next(a for a in computed.alerts if a.rule == "sla-attainment")
    assert "120.00 EUR owed, 120.00 EUR received" in attainment.message


def test_partner_roi_leaves_out_fees_still_to_come(tmp_path: Path) -> None:
    contract(tmp_path, "aff", "start: 2026-01-01\nend: 2027-12-31\nvalue: {amount: 100, period: month}\n")
    write(tmp_path, "campaigns/spring.yaml", """
        name: Spring
        start: 2026-03-01
        end: 2026-03-31
        owner: marketing
        results:
          - {partner: aff, orders: 10, revenue: 2400, cost: 0}
        """)
    computed = compute_portfolio(tmp_path, TODAY)
    money = ledger(computed.portfolio, computed.kpis, TODAY).partners["aff"]
    assert money.total.spend == 2400.0  # 24 months of 100, the committed fees of 2027 included
    assert money.spend_to_date == 1200.0  # January to December 2026 (today is 2026-12-01)
    assert money.roi == 1.0  # (2400 - 1200) / 1200
