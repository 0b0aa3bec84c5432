"""Alert rules: for each rule a record that triggers it and one that does not, at the edge of each window.

Every test starts from the valid base portfolio (tests/cases/base) and edits one record, then
computes the alerts as of TODAY (2026-11-24) unless it says otherwise.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import TODAY, RunLine

from generator.alerts import ALERT_RULES, Alert, compute_alerts, fails, select
from generator.compute.portfolio import compute_portfolio

DAY = date.fromisoformat(TODAY)
KILN = "partners/kiln-packaging/partner.yaml"
KILN_CONTRACT = "partners/kiln-packaging/contracts/supply-2026.yaml"
STRIPE = "partners/stripe-payments/partner.yaml"
STRIPE_CONTRACT = "partners/stripe-payments/contracts/payments-2026.yaml"
SHOPCLOUD_CONTRACT = "partners/shopcloud/contracts/platform-2026.yaml"
SHOPCLOUD_SLA = "partners/shopcloud/sla.yaml"
EASTER = "campaigns/easter-2026.yaml"


def edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def append(root: Path, name: str, text: str) -> None:
    path = root / name
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def ahead(days: int) -> str:
    return (DAY + timedelta(days=days)).isoformat()


def said(days: int) -> str:
    """The date ``days`` from TODAY as an English message writes it: ``Nov 23, 2026``."""
    return f"{DAY + timedelta(days=days):%b %-d, %Y}"


def alerts(root: Path, today: date = DAY) -> list[Alert]:
    return compute_alerts(compute_portfolio(root, today))


def of(root: Path, rule: str, partner: str | None = None, today: date = DAY) -> list[Alert]:
    return [a for a in alerts(root, today) if a.rule == rule and (partner is None or a.partner == partner)]


# The base portfolio: what fires before any edit.


def test_the_base_portfolio_alerts_in_order(base_portfolio: Path) -> None:
    found = alerts(base_portfolio)

    assert [(a.severity, a.file, a.line, a.rule) for a in found] == [
        ("warning", KILN, 1, "revenue-concentration"),
        ("warning", KILN, 4, "check-in-stale"),
        ("warning", KILN, 4, "due-diligence-missing"),
        ("warning", KILN, 4, "due-diligence-missing"),
        ("warning", "partners/shopcloud/partner.yaml", 4, "check-in-stale"),
        ("warning", "partners/shopcloud/partner.yaml", 4, "due-diligence-missing"),
        ("warning", "partners/shopcloud/partner.yaml", 4, "due-diligence-missing"),
        ("warning", STRIPE, 16, "single-source-capability"),
        ("info", "partners/shopcloud/partner.yaml", 8, "single-source-capability"),
    ]
    assert found == sorted(found, key=lambda a: ({"error": 0, "warning": 1, "info": 2}[a.severity], a.file,
                                                 a.line or 0, a.rule, a.message))


def test_every_rule_id_is_the_specs_plus_documented_extras() -> None:
    spec = {"contract-notice", "contract-ended", "compliance-missing", "compliance-expired", "compliance-expiring",
            "sla-breach", "sla-attainment", "review-overdue", "check-in-stale", "red-flag-open",
            "due-diligence-missing", "no-backup", "single-source-capability", "revenue-concentration",
            "abandonment-anomaly", "low-conversion", "action-overdue"}

    assert set(ALERT_RULES) == spec | {"contract-renewed", "silence-expired", "credit-unclaimed", "commitment-missed"}


# contract-notice


@pytest.mark.parametrize(("days", "fires"), [(61, False), (60, True), (1, True), (0, True)])
def test_contract_notice_window_edge(base_portfolio: Path, days: int, fires: bool) -> None:
    # notice_days 60: the deadline is `days` ahead when the contract ends 60 days after it.
    edit(base_portfolio, SHOPCLOUD_CONTRACT, "end: 2028-01-31", f"end: {ahead(days + 60)}")

    found = of(base_portfolio, "contract-notice")

    assert bool(found) is fires
    if fires:
        assert found[0].severity == "warning"
        assert (found[0].file, found[0].line, found[0].partner) == (SHOPCLOUD_CONTRACT, 5, "shopcloud")
        when = "today" if days == 0 else f"in {days} day{'s' * (days != 1)}"
        assert found[0].message == (f"notice deadline {said(days)} is {when} (60 days before the end); "
                                    f"contract ends on {said(days + 60)}")


def test_contract_notice_passed_on_auto_renewal_is_the_issues_example(base_portfolio: Path) -> None:
    edit(base_portfolio, STRIPE_CONTRACT, "end: 2028-01-14", "end: 2026-12-31")
    edit(base_portfolio, STRIPE_CONTRACT, "notice_days: 90", "notice_days: 60")

    [alert] = of(base_portfolio, "contract-notice", today=date(2026, 11, 22))

    assert alert.severity == "warning"
    assert alert.message == "notice deadline Nov 1, 2026 passed 21 days ago; contract auto-renews on Dec 31, 2026"


def test_contract_notice_passed_without_renewal_is_an_error(base_portfolio: Path) -> None:
    edit(base_portfolio, SHOPCLOUD_CONTRACT, "end: 2028-01-31", f"end: {ahead(30)}")

    [alert] = of(base_portfolio, "contract-notice")

    assert alert.severity == "error"
    assert alert.message == f"notice deadline {said(-30)} passed 30 days ago; contract ends on {said(30)}, in 30 days"


@pytest.mark.parametrize(("days", "fires"), [(61, False), (60, True)])
def test_contract_end_without_notice_period_warns_in_the_window(base_portfolio: Path, days: int,
                                                                fires: bool) -> None:
    edit(base_portfolio, KILN_CONTRACT, "end: 2027-12-31", f"end: {ahead(days)}")

    found = of(base_portfolio, "contract-notice")

    assert [a.message for a in found] == (
        [f"contract 'Packaging supply agreement' ends on {said(days)}, in {days} days (no notice period recorded)"]
        if fires else [])


# contract-ended and contract-renewed


def test_contract_ended_while_the_partner_is_active(base_portfolio: Path) -> None:
    edit(base_portfolio, KILN_CONTRACT, "end: 2027-12-31", f"end: {ahead(-1)}")

    [alert] = of(base_portfolio, "contract-ended")

    assert (alert.severity, alert.file, alert.line, alert.partner) == ("error", KILN_CONTRACT, 4, "kiln-packaging")
    assert alert.message.startswith(f"contract 'Packaging supply agreement' ended on {said(-1)} (1 day ago) but "
                                    "the partner is still active")


def test_contract_ending_today_has_not_ended(base_portfolio: Path) -> None:
    edit(base_portfolio, KILN_CONTRACT, "end: 2027-12-31", f"end: {TODAY}")

    assert of(base_portfolio, "contract-ended") == []


def test_contract_ended_with_a_current_successor_or_a_paused_partner_is_fine(base_portfolio: Path) -> None:
    edit(base_portfolio, KILN_CONTRACT, "end: 2027-12-31", f"end: {ahead(-10)}")
    (base_portfolio / "partners/kiln-packaging/contracts/supply-2027.yaml").write_text(
        (base_portfolio / KILN_CONTRACT).read_text(encoding="utf-8").replace(f"end: {ahead(-10)}", "end: 2028-12-31"),
        encoding="utf-8")

    assert of(base_portfolio, "contract-ended") == []


def test_auto_renewed_contract_asks_for_the_new_term(base_portfolio: Path) -> None:
    edit(base_portfolio, STRIPE_CONTRACT, "end: 2028-01-14", f"end: {ahead(-3)}")

    assert of(base_portfolio, "contract-ended") == []
    [alert] = of(base_portfolio, "contract-renewed")
    assert alert.severity == "info"
    assert alert.message == (f"contract 'Payment processing agreement' auto-renewed on {said(-3)} (3 days ago); "
                             "record the new term's end date")


# compliance-missing, compliance-expired, compliance-expiring (from the compliance policy)


def test_compliance_missing_required_document(base_portfolio: Path) -> None:
    edit(base_portfolio, STRIPE, "type: pci-dss-aoc", "type: soc2-type2")

    found = of(base_portfolio, "compliance-missing", "stripe-payments")

    assert [(a.severity, a.message) for a in found] == [
        ("error", "payment partner: PCI DSS attestation of compliance (pci-dss-aoc) is missing")]


def test_compliance_missing_for_a_prospect_is_a_warning_and_nothing_when_on_file(base_portfolio: Path) -> None:
    assert of(base_portfolio, "compliance-missing") == []

    edit(base_portfolio, "partners/zigpoll-surveys/partner.yaml", "type: dpa", "type: iso27001")

    assert [a.severity for a in of(base_portfolio, "compliance-missing", "zigpoll-surveys")] == ["warning"]


def test_a_missing_required_clause_is_missing_compliance(base_portfolio: Path) -> None:
    edit(base_portfolio, STRIPE_CONTRACT, "  pci_responsibility:", "  liability_cap:")

    [alert] = of(base_portfolio, "compliance-missing", "stripe-payments")

    assert (alert.file, alert.message) == (STRIPE_CONTRACT, "no contract in force of 'stripe-payments' has a "
                                                            "'pci_responsibility' clause")


@pytest.mark.parametrize(("expires", "rule"), [(ahead(-1), "compliance-expired"), (TODAY, "compliance-expiring")])
def test_compliance_expired_edge(base_portfolio: Path, expires: str, rule: str) -> None:
    edit(base_portfolio, STRIPE, "expires: 2027-05-31", f"expires: {expires}")

    found = [a for a in alerts(base_portfolio) if a.rule.startswith("compliance-")]

    assert [(a.rule, a.line) for a in found] == [(rule, 41)]


def test_compliance_expired_by_validity_period(base_portfolio: Path) -> None:
    # A PCI DSS attestation counts for 365 days from issue, whatever its expires date says.
    edit(base_portfolio, STRIPE, "issued: 2026-06-01", "issued: 2025-11-23")

    [alert] = of(base_portfolio, "compliance-expired")

    assert alert.message == "PCI DSS attestation of compliance (pci-dss-aoc) expired on Nov 23, 2026"


@pytest.mark.parametrize(("days", "fires"), [(61, False), (60, True)])
def test_compliance_expiring_window_edge(base_portfolio: Path, days: int, fires: bool) -> None:
    edit(base_portfolio, STRIPE, "expires: 2027-05-31", f"expires: {ahead(days)}")

    found = of(base_portfolio, "compliance-expiring")

    assert [(a.severity, a.message) for a in found] == (
        [("warning", "PCI DSS attestation of compliance (pci-dss-aoc) expires on "
                     f"{date.fromisoformat(ahead(days)):%b %-d, %Y}, in {days} days")]
        if fires else [])


def test_warning_days_setting_moves_the_window(base_portfolio: Path) -> None:
    edit(base_portfolio, STRIPE, "expires: 2027-05-31", f"expires: {ahead(31)}")
    append(base_portfolio, "partnerbook.yml", "alerts:\n  warning_days: 30\n")

    assert of(base_portfolio, "compliance-expiring") == []


def test_documents_no_requirement_asks_for_expire_as_info(base_portfolio: Path) -> None:
    append(base_portfolio, KILN, f"compliance:\n  - type: insurance\n    status: valid\n    expires: {ahead(20)}\n")

    [alert] = of(base_portfolio, "compliance-expiring", "kiln-packaging")

    assert (alert.severity, alert.line) == ("info", 11)
    assert alert.message == (f"Insurance certificate (insurance) expires on {said(20)}, in 20 days; "
                             "ask the partner for the renewed document")


# sla-breach and sla-attainment


def test_sla_breach_in_the_latest_month_with_the_service_credit(base_portfolio: Path) -> None:
    edit(base_portfolio, SHOPCLOUD_SLA, "first_response_hours: 2\n", "first_response_hours: 5.5\n")

    [alert] = of(base_portfolio, "sla-breach")

    assert (alert.file, alert.line, alert.partner) == (SHOPCLOUD_SLA, 20, "shopcloud")
    # 5% of the 900 EUR monthly fee.
    assert alert.message == ("Support first response: 5.5 h in Oct 2026, target at most 4 h; "
                             "the service credit of Oct 2026: 45.00 EUR owed")


@pytest.mark.parametrize("value", ["4", "null"])
def test_sla_target_met_exactly_or_not_measured_is_no_breach(base_portfolio: Path, value: str) -> None:
    edit(base_portfolio, SHOPCLOUD_SLA, "first_response_hours: 2\n", f"first_response_hours: {value}\n")

    assert of(base_portfolio, "sla-breach") == []


def test_sla_breach_only_in_an_earlier_month_is_not_latest(base_portfolio: Path) -> None:
    edit(base_portfolio, SHOPCLOUD_SLA, "first_response_hours: 3.5", "first_response_hours: 9")

    assert of(base_portfolio, "sla-breach") == []


def _sla_months(root: Path, months: list[tuple[str, float, float]]) -> None:
    path = root / SHOPCLOUD_SLA
    head = path.read_text(encoding="utf-8").split("measurements:")[0]
    rows = "".join(f"  - month: {m}\n    uptime_percent: {u}\n    first_response_hours: {f}\n" for m, u, f in months)
    path.write_text(head + "measurements:\n" + rows, encoding="utf-8")


def test_sla_attainment_at_the_threshold_does_not_fire_and_below_does(base_portfolio: Path) -> None:
    good, bad = (99.95, 2.0), (99.5, 2.0)
    months = [f"2026-{m:02d}" for m in range(5, 10)]
    _sla_months(base_portfolio, [(m, *(bad if m == "2026-05" else good)) for m in months])  # 9 of 10 met

    assert of(base_portfolio, "sla-attainment") == []

    _sla_months(base_portfolio, [(m, *(bad if m in ("2026-05", "2026-06") else good)) for m in months])

    [alert] = of(base_portfolio, "sla-attainment")
    assert (alert.line, alert.severity) == (15, "warning")
    assert alert.message == ("SLA attainment 80% over the last 5 measured months (May 2026 to Sep 2026): 8 of 10 "
                             "metric-months met, under the 90% threshold; 2 breaches; service credits of these months: "
                             "90.00 EUR owed")


def test_sla_attainment_looks_at_the_last_six_measured_months_only(base_portfolio: Path) -> None:
    months = [(f"2026-{m:02d}", 99.5 if m == 1 else 99.95, 9.0 if m == 1 else 2.0) for m in range(1, 8)]
    _sla_months(base_portfolio, months)

    assert of(base_portfolio, "sla-attainment") == []

    append(base_portfolio, "partnerbook.yml", "alerts:\n  sla:\n    months: 7\n")

    assert len(of(base_portfolio, "sla-attainment")) == 1


# review-overdue


@pytest.mark.parametrize(("last_days_ago", "fires"), [(90, False), (91, True)])
def test_partnership_review_overdue_edge(base_portfolio: Path, last_days_ago: int, fires: bool) -> None:
    edit(base_portfolio, STRIPE, "last: 2026-10-15", f"last: {ahead(-last_days_ago)}")

    found = of(base_portfolio, "review-overdue")

    assert [(a.line, a.message) for a in found] == (
        [(54, f"partnership review overdue: last on {said(-91)}, due every 90 days, so on {said(-1)} "
              "(1 day ago)")] if fires else [])


@pytest.mark.parametrize(("last", "fires"), [("2026-05-24", False), ("2026-05-23", True)])
def test_contract_review_overdue_edge(base_portfolio: Path, last: str, fires: bool) -> None:
    append(base_portfolio, KILN_CONTRACT, f"review:\n  every_months: 6\n  last: {last}\n")

    found = of(base_portfolio, "review-overdue")

    assert [a.message for a in found] == (
        ["contract review overdue: last reviewed on May 23, 2026, due every 6 months, so on Nov 23, 2026 (1 day ago)"]
        if fires else [])


# check-in-stale


@pytest.mark.parametrize(("days_ago", "fires"), [(90, False), (91, True)])
def test_check_in_stale_edge(base_portfolio: Path, days_ago: int, fires: bool) -> None:
    edit(base_portfolio, STRIPE, "date: 2026-11-02", f"date: {ahead(-days_ago)}")

    found = of(base_portfolio, "check-in-stale", "stripe-payments")

    assert [(a.line, a.message) for a in found] == (
        [(49, f"no check-in for 91 days (last: Quarterly business review on {said(-91)}), more than 90 days")]
        if fires else [])


def test_check_in_stale_setting_and_only_active_partners(base_portfolio: Path) -> None:
    append(base_portfolio, "partnerbook.yml", "alerts:\n  check_in_stale_days: 10\n")
    edit(base_portfolio, KILN, "status: active", "status: paused")

    assert [a.partner for a in of(base_portfolio, "check-in-stale")] == ["shopcloud", "stripe-payments"]


# red-flag-open


@pytest.mark.parametrize(("status", "fires"), [("open", True), ("resolved", False)])
def test_red_flag_open(base_portfolio: Path, status: str, fires: bool) -> None:
    append(base_portfolio, STRIPE, f"red_flags:\n  - date: 2026-11-01\n    description: Chargebacks doubled\n"
                                   f"    status: {status}\n")

    found = of(base_portfolio, "red-flag-open")

    assert [(a.severity, a.message) for a in found] == (
        [("warning", "open red flag since Nov 1, 2026 (23 days): Chargebacks doubled")] if fires else [])


# due-diligence-missing


def test_due_diligence_missing_for_active_partners_only(base_portfolio: Path) -> None:
    assert {a.partner for a in of(base_portfolio, "due-diligence-missing")} == {"kiln-packaging", "shopcloud"}

    edit(base_portfolio, KILN, "status: active", "status: onboarding")
    append(base_portfolio, "partners/shopcloud/partner.yaml",
           "due_diligence:\n  completed: 2025-12-01\nevaluation:\n  date: 2025-12-02\n  evaluator: platform-lead\n"
           "  scores: {integration: 4}\n")

    assert of(base_portfolio, "due-diligence-missing") == []


def test_due_diligence_started_but_not_completed(base_portfolio: Path) -> None:
    append(base_portfolio, KILN, "due_diligence:\n  business_model: Family workshop\n")

    found = of(base_portfolio, "due-diligence-missing", "kiln-packaging")

    assert [(a.line, a.message.split(";")[0]) for a in found] == [
        (4, "active partner without an evaluation"), (8, "active partner without completed due diligence")]


# no-backup


def test_no_backup_when_the_critical_partner_lists_none(base_portfolio: Path) -> None:
    assert of(base_portfolio, "no-backup") == []  # kiln-packaging is an active backup

    edit(base_portfolio, STRIPE, "backup_partners: [kiln-packaging]\n", "")

    [alert] = of(base_portfolio, "no-backup")
    assert (alert.line, alert.message) == (5, "critical partner without a vetted backup: backup_partners is empty; "
                                              "vet a fallback partner and list it")


def test_no_backup_when_the_listed_backup_is_offboarded(base_portfolio: Path) -> None:
    edit(base_portfolio, KILN, "status: active", "status: offboarded")

    [alert] = of(base_portfolio, "no-backup")

    assert "backup_partners lists kiln-packaging, none of them onboarding, active or paused" in alert.message


def test_no_backup_criticality_setting(base_portfolio: Path) -> None:
    append(base_portfolio, "partnerbook.yml", "alerts:\n  no_backup_criticality: [critical, high]\n")

    assert [a.partner for a in of(base_portfolio, "no-backup")] == ["shopcloud"]


# single-source-capability


def test_single_source_capability(base_portfolio: Path) -> None:
    found = of(base_portfolio, "single-source-capability")

    assert [(a.partner, a.severity, a.message) for a in found] == [
        ("stripe-payments", "warning", "critical partner is the only active provider of payments-eu"),
        ("shopcloud", "info", "high-criticality partner is the only active provider of storefront-hosting"),
    ]

    edit(base_portfolio, KILN, "capabilities: [eco-packaging]", "capabilities: [eco-packaging, payments-eu]")

    assert [a.partner for a in of(base_portfolio, "single-source-capability")] == ["shopcloud"]


# revenue-concentration


def test_revenue_concentration_above_the_share(base_portfolio: Path) -> None:
    [alert] = of(base_portfolio, "revenue-concentration")

    assert (alert.partner, alert.file, alert.line) == ("kiln-packaging", KILN, 1)
    assert alert.message == ("56.2% of partner revenue over all campaigns (9,000.00 EUR of 16,000.00 EUR), above "
                             "the 50% threshold; portfolio HHI 0.51")


def test_revenue_concentration_at_exactly_the_share_does_not_fire(base_portfolio: Path) -> None:
    edit(base_portfolio, EASTER, "revenue: 7000", "revenue: 9000")

    assert of(base_portfolio, "revenue-concentration") == []


def test_revenue_concentration_threshold_setting(base_portfolio: Path) -> None:
    append(base_portfolio, "partnerbook.yml", "alerts:\n  revenue_concentration: 0.6\n")

    assert of(base_portfolio, "revenue-concentration") == []


# abandonment-anomaly


def _daily(root: Path, days: list[tuple[int, int]], reviewed: bool = True) -> None:
    rows = "".join(f"      - {{date: 2026-03-{20 + i:02d}, sessions: 100, carts: {c}, orders: {o}}}\n"
                   for i, (c, o) in enumerate(days))
    edit(root, EASTER, "      - {date: 2026-03-20, sessions: 80, carts: 30, orders: 9}\n", rows)
    if not reviewed:
        path = root / EASTER
        path.write_text(path.read_text(encoding="utf-8").split("review:")[0], encoding="utf-8")


def test_abandonment_spike_fires(base_portfolio: Path) -> None:
    _daily(base_portfolio, [(30, 10)] * 10 + [(30, 1)])

    [alert] = of(base_portfolio, "abandonment-anomaly")

    assert (alert.severity, alert.partner, alert.campaign, alert.file, alert.line) == (
        "info", "kiln-packaging", "easter-2026", EASTER, 34)
    assert alert.message == ("cart abandonment 96.7% on Mar 30, 2026 (29 of 30 carts without an order) vs 66.7% "
                             "on the campaign's other days (z = 3.5)")


def test_abandonment_spike_is_a_warning_until_the_campaign_is_reviewed(base_portfolio: Path) -> None:
    _daily(base_portfolio, [(30, 10)] * 10 + [(30, 1)], reviewed=False)

    assert [a.severity for a in of(base_portfolio, "abandonment-anomaly")] == ["warning"]


@pytest.mark.parametrize(("carts", "fires"), [(19, False), (20, True)])
def test_abandonment_needs_a_minimum_of_carts(base_portfolio: Path, carts: int, fires: bool) -> None:
    # Every cart of the day abandoned: only a day with enough carts can tell.
    _daily(base_portfolio, [(30, 10)] * 10 + [(carts, 0)])

    assert bool(of(base_portfolio, "abandonment-anomaly")) is fires


def test_abandonment_within_normal_variation_does_not_fire(base_portfolio: Path) -> None:
    _daily(base_portfolio, [(30, 10), (30, 12), (30, 8), (30, 11), (30, 9), (30, 10), (30, 7)])

    assert of(base_portfolio, "abandonment-anomaly") == []


def test_abandonment_needs_enough_other_days(base_portfolio: Path) -> None:
    _daily(base_portfolio, [(30, 10)] * 4 + [(30, 0)])

    assert of(base_portfolio, "abandonment-anomaly") == []


# low-conversion


def _third_result(root: Path, sessions: int, orders: int) -> None:
    edit(root, EASTER, "review:", f"  - partner: shopcloud\n    sessions: {sessions}\n    carts: 300\n"
                                  f"    orders: {orders}\n    revenue: 100\nreview:")


def test_low_conversion_with_high_traffic(base_portfolio: Path) -> None:
    _third_result(base_portfolio, 3000, 60)

    [alert] = of(base_portfolio, "low-conversion")

    assert (alert.partner, alert.campaign, alert.line, alert.severity) == ("shopcloud", "easter-2026", 33, "info")
    assert alert.message == ("conversion 2% (60 orders from 3,000 sessions, above the campaign's median of 1,200) "
                             "vs 12.9% for the other partners pooled: under 50% of it")


@pytest.mark.parametrize(("sessions", "orders"), [(3000, 200), (600, 5)])
def test_low_conversion_needs_both_high_traffic_and_low_conversion(base_portfolio: Path, sessions: int,
                                                                   orders: int) -> None:
    _third_result(base_portfolio, sessions, orders)

    assert of(base_portfolio, "low-conversion") == []


def test_low_conversion_needs_enough_partners_to_compare(base_portfolio: Path) -> None:
    edit(base_portfolio, EASTER, "orders: 120", "orders: 10")

    assert of(base_portfolio, "low-conversion") == []


# action-overdue


@pytest.mark.parametrize(("deadline", "status", "expected"), [
    (ahead(-1), "pending", "warning"),
    (ahead(-1), "blocked", "error"),
    (ahead(-1), "done", None),
    (TODAY, "pending", None),
])
def test_action_overdue(base_portfolio: Path, deadline: str, status: str, expected: str | None) -> None:
    append(base_portfolio, STRIPE, f"actions:\n  - aspect: Tune fraud rules\n    responsible: finance-lead\n"
                                   f"    deadline: {deadline}\n    status: {status}\n")

    found = of(base_portfolio, "action-overdue")

    assert [a.severity for a in found] == ([expected] if expected else [])
    if expected:
        assert found[0].message == (f"action 'Tune fraud rules' (finance-lead) was due on {said(-1)}, 1 day ago; "
                                    f"status {status}")


def test_overdue_contract_and_roadmap_milestones(base_portfolio: Path) -> None:
    append(base_portfolio, KILN_CONTRACT, "milestones:\n  - name: Order portal live\n    due: 2026-11-01\n"
                                          "    status: in-progress\n")
    append(base_portfolio, KILN, "roadmap:\n  - milestone: Compostable tape\n    due: 2026-10-01\n")

    found = of(base_portfolio, "action-overdue")

    assert [(a.severity, a.file) for a in found] == [("warning", KILN_CONTRACT), ("info", KILN)]


# Settings: severity overrides and silences


def test_severity_override_and_off(base_portfolio: Path) -> None:
    append(base_portfolio, "partnerbook.yml",
           "alerts:\n  severity:\n    revenue-concentration: error\n    check-in-stale: off\n")

    found = alerts(base_portfolio)

    assert found[0].rule == "revenue-concentration"
    assert found[0].severity == "error"
    assert not [a for a in found if a.rule == "check-in-stale"]


@pytest.mark.parametrize(("until", "silenced"), [(TODAY, True), (ahead(-1), False)])
def test_silence_until_a_date(base_portfolio: Path, until: str, silenced: bool) -> None:
    append(base_portfolio, "partnerbook.yml",
           "alerts:\n  silences:\n    - rule: revenue-concentration\n      partner: kiln-packaging\n"
           f"      reason: Easter gift boxes are a one-off\n      until: {until}\n")

    found = alerts(base_portfolio)
    [concentration] = [a for a in found if a.rule == "revenue-concentration"]
    expired = [a for a in found if a.rule == "silence-expired"]

    assert concentration.silenced is silenced
    if silenced:
        assert concentration.silence is not None
        assert concentration.silence.reason == "Easter gift boxes are a one-off"
        assert expired == []
    else:
        assert [(a.severity, a.file, a.line, a.message) for a in expired] == [
            ("info", "partnerbook.yml", 10,
             f"silence of revenue-concentration for kiln-packaging expired on {said(-1)} (reason: Easter gift boxes "
             "are a one-off); the alert shows again: fix it, or extend until:")]


def test_a_silence_is_for_one_partner_and_one_rule(base_portfolio: Path) -> None:
    append(base_portfolio, "partnerbook.yml",
           "alerts:\n  silences:\n    - rule: check-in-stale\n      partner: shopcloud\n"
           f"      reason: Weekly calls not logged yet\n      until: {ahead(30)}\n")

    found = alerts(base_portfolio)

    assert {(a.rule, a.partner) for a in found if a.silenced} == {("check-in-stale", "shopcloud")}


def test_select_and_fails(base_portfolio: Path) -> None:
    append(base_portfolio, "partnerbook.yml",
           "alerts:\n  silences:\n    - rule: revenue-concentration\n      partner: kiln-packaging\n"
           f"      reason: one-off\n      until: {ahead(30)}\n  severity:\n    check-in-stale: error\n")
    found = alerts(base_portfolio)

    assert {a.severity for a in select(found, min_severity="error")} == {"error"}
    assert len(select(found, min_severity="warning")) == len(found) - 2  # one info, one silenced
    assert {a.rule for a in select(found, rules=["no-backup", "check-in-stale"])} == {"check-in-stale"}
    assert {a.partner for a in select(found, partners=["kiln-packaging"], include_silenced=True)} == {
        "kiln-packaging"}
    assert any(a.silenced for a in select(found, include_silenced=True))
    assert fails(found, "error")
    assert fails(found, "warning")
    assert not fails(found, "never")
    assert not fails(select(found, rules=["revenue-concentration"], include_silenced=True), "warning")


def test_json_shape_is_the_specs() -> None:
    alert = Alert("sla-breach", "warning", "shopcloud", None, SHOPCLOUD_SLA, 20, "x")

    assert alert.as_json() == {"rule": "sla-breach", "severity": "warning", "partner": "shopcloud",
                               "campaign": None, "file": SHOPCLOUD_SLA, "line": 20, "message": "x"}


# The command line


def _silence_concentration(root: Path) -> None:
    append(root, "partnerbook.yml",
           "alerts:\n  silences:\n    - rule: revenue-concentration\n      partner: kiln-packaging\n"
           f"      reason: Easter, one-off\n      until: {ahead(30)}\n")


def test_cli_text(base_portfolio: Path, run_line: RunLine) -> None:
    _silence_concentration(base_portfolio)

    result = run_line(f"partnerbook alerts --root {base_portfolio} --today {TODAY} --partner stripe-payments")

    assert result.exit_code == 0
    assert result.output == (
        f"{STRIPE}:16: warning: critical partner is the only active provider of payments-eu "
        "[single-source-capability]\n"
        "1 alert: 0 errors, 1 warning, 0 info\n")


def test_cli_text_tells_about_silenced_alerts(base_portfolio: Path, run_line: RunLine) -> None:
    _silence_concentration(base_portfolio)
    line = f"partnerbook alerts --root {base_portfolio} --today {TODAY} --rule revenue-concentration"

    hidden = run_line(line)
    shown = run_line(line + " --include-silenced")

    assert hidden.output == "no alerts; 1 silenced not shown (--include-silenced shows them)\n"
    assert shown.output == (
        f"{KILN}:1: warning: 56.2% of partner revenue over all campaigns (9,000.00 EUR of 16,000.00 EUR), above "
        f"the 50% threshold; portfolio HHI 0.51 (silenced until {said(30)}: Easter, one-off) "
        "[revenue-concentration]\n"
        "1 alert: 0 errors, 1 warning, 0 info\n")


def test_cli_json_is_the_specs_list(base_portfolio: Path, run_line: RunLine) -> None:
    _daily(base_portfolio, [(30, 10)] * 10 + [(30, 1)])

    result = run_line(f"partnerbook alerts --root {base_portfolio} --today {TODAY} --format json")

    rows = json.loads(result.stdout)
    assert result.exit_code == 0
    assert all(list(row) == ["rule", "severity", "partner", "campaign", "file", "line", "message"] for row in rows)
    assert [r["rule"] for r in rows] == [a.rule for a in alerts(base_portfolio)]
    assert {"rule": "abandonment-anomaly", "severity": "info", "partner": "kiln-packaging",
            "campaign": "easter-2026", "file": EASTER, "line": 34,
            "message": "cart abandonment 96.7% on Mar 30, 2026 (29 of 30 carts without an order) vs 66.7% on the "
                       "campaign's other days (z = 3.5)"} in rows


def test_cli_filters(base_portfolio: Path, run_line: RunLine) -> None:
    base = f"partnerbook alerts --root {base_portfolio} --today {TODAY} --format json"

    def rules(options: str) -> list[tuple[str, str | None]]:
        return [(r["rule"], r["partner"]) for r in json.loads(run_line(f"{base} {options}").stdout)]

    assert rules("--severity info") == rules("")
    assert ("single-source-capability", "shopcloud") not in rules("--severity warning")
    assert rules("--severity error") == []
    assert rules("--rule revenue-concentration --rule no-backup") == [("revenue-concentration", "kiln-packaging")]
    assert set(rules("--partner shopcloud")) == {("check-in-stale", "shopcloud"),
                                                 ("due-diligence-missing", "shopcloud"),
                                                 ("single-source-capability", "shopcloud")}


@pytest.mark.parametrize(("fail_on", "code"), [("never", 0), ("error", 0), ("warning", 1)])
def test_cli_fail_on_without_errors(base_portfolio: Path, run_line: RunLine, fail_on: str, code: int) -> None:
    result = run_line(f"partnerbook alerts --root {base_portfolio} --today {TODAY} --fail-on {fail_on}")

    assert result.exit_code == code


def test_cli_fail_on_error_and_filters(base_portfolio: Path, run_line: RunLine) -> None:
    edit(base_portfolio, STRIPE, "type: pci-dss-aoc", "type: soc2-type2")
    line = f"partnerbook alerts --root {base_portfolio} --today {TODAY} --fail-on error"

    assert run_line(line).exit_code == 1
    assert run_line(line + " --partner kiln-packaging").exit_code == 0
    assert run_line(f"partnerbook alerts --root {base_portfolio} --today {TODAY}").exit_code == 0


def test_cli_silenced_alerts_do_not_fail(base_portfolio: Path, run_line: RunLine) -> None:
    _silence_concentration(base_portfolio)

    result = run_line(f"partnerbook alerts --root {base_portfolio} --today {TODAY} --rule revenue-concentration "
                      "--include-silenced --fail-on warning")

    assert result.exit_code == 0


def test_cli_github_annotations(base_portfolio: Path, run_line: RunLine) -> None:
    result = run_line(f"partnerbook alerts --root {base_portfolio} --today {TODAY} --format github "
                      "--rule revenue-concentration --rule single-source-capability")

    lines = result.output.splitlines()
    assert lines[:3] == [
        f"::warning file={KILN},line=1,title=partnerbook revenue-concentration::56.2%25 of partner revenue over all "
        "campaigns (9,000.00 EUR of 16,000.00 EUR), above the 50%25 threshold; portfolio HHI 0.51",
        f"::warning file={STRIPE},line=16,title=partnerbook single-source-capability::critical partner is the only "
        "active provider of payments-eu",
        "::notice file=partners/shopcloud/partner.yaml,line=8,title=partnerbook single-source-capability::"
        "high-criticality partner is the only active provider of storefront-hosting",
    ]
    assert lines[-2:] == ["by rule: revenue-concentration 1, single-source-capability 2",
                          "3 alerts: 0 errors, 2 warnings, 1 info"]


def test_cli_github_escapes_line_breaks(base_portfolio: Path, run_line: RunLine) -> None:
    append(base_portfolio, STRIPE, "red_flags:\n  - date: 2026-11-01\n    description: \"50% more chargebacks\"\n")

    result = run_line(f"partnerbook alerts --root {base_portfolio} --today {TODAY} --format github "
                      "--rule red-flag-open")

    assert result.output.splitlines()[0].endswith("::open red flag since Nov 1, 2026 (23 days): 50%25 more chargebacks")


def test_cli_unknown_rule_is_wrong_usage(base_portfolio: Path, run_line: RunLine) -> None:
    result = run_line(f"partnerbook alerts --root {base_portfolio} --today {TODAY} --rule no-bakup")

    assert result.exit_code == 2
    assert "unknown rule no-bakup" in result.output


def test_cli_help_has_an_example(run_line: RunLine) -> None:
    result = run_line("partnerbook alerts --help")

    assert result.exit_code == 0
    assert "partnerbook alerts --format github --fail-on error" in result.output


# Day counts in messages: the site writes them into a page at write time (generator/site/stamp.py).

RULES_WITH_DAY_COUNTS = {"action-overdue", "check-in-stale", "compliance-expiring", "contract-ended",
                         "contract-notice", "contract-renewed", "credit-unclaimed", "red-flag-open", "review-overdue"}


def _example(target: Path) -> Path:
    """A copy of the repository's example portfolio."""
    repo = Path(__file__).resolve().parents[1]
    for name in ("partners", "campaigns"):
        shutil.copytree(repo / name, target / name)
    for name in ("partnerbook.yml", "team.yaml"):
        shutil.copyfile(repo / name, target / name)
    return target


def _masked(alert: Alert) -> str:
    """The message with its day counts masked, whole words only (as the site marks them)."""
    message = alert.message
    for words in sorted(alert.relative, key=len, reverse=True):
        message = re.sub(rf"(?<![A-Za-z0-9]){re.escape(words)}(?![A-Za-z0-9])", "#", message)
    return message


def test_day_counts_are_the_only_words_of_a_message_that_change_from_one_day_to_the_next(
        base_portfolio: Path, tmp_path: Path) -> None:
    """An alert names the words of its message that count days from today (``Alert.relative``); with those
    masked, an alert that fires on two days running says the same thing on both, for every rule."""
    seen: set[str] = set()
    # The example's records hold dates up to TODAY, so it is not read as of an earlier day.
    for root, start in ((base_portfolio, -420), (_example(tmp_path / "example"), 0)):
        for offset in range(start, 900, 60):
            day = DAY + timedelta(days=offset)
            today, tomorrow = alerts(root, day), alerts(root, day + timedelta(days=1))
            for alert in today + tomorrow:
                assert all(words and words in alert.message for words in alert.relative), alert
                assert set(alert.as_json()) == {"rule", "severity", "partner", "campaign", "file", "line", "message"}
            def place(a: Alert) -> tuple[object, ...]:
                return (a.rule, a.file, a.line, a.partner, a.campaign)
            first = {place(a): a for a in today}
            for alert in tomorrow:
                before = first.get(place(alert))
                if before is not None and before.relative:
                    seen.add(alert.rule)
                if before is not None and sum(place(a) == place(alert) for a in today) == 1:
                    assert _masked(before) == _masked(alert), (before.message, alert.message)
    assert seen >= RULES_WITH_DAY_COUNTS - {"contract-ended"}, seen
