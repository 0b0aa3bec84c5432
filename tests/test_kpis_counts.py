"""`partnerbook kpis` prints the counts behind the ratios in every format, money in the reporting currency.

Worked by hand: campaign "spring" (EUR) has partner-a (full funnel), partner-b (no carts, no checkouts)
and partner-c, which costs 300 and reports nothing else; campaign "summer" is recorded in USD at
0.92 EUR per USD.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import RunLine
from test_kpis import campaign, partner, write

from generator.measure.kpis import CAMPAIGN_KPIS
from generator.measure.tables import PARTNER_COLUMNS

TODAY = "2026-11-25"
COUNTS = ["sessions", "carts", "checkouts", "orders", "revenue", "cost"]
SPRING = """
    - {partner: partner-a, sessions: 1200, carts: 400, checkouts: 220, orders: 150, revenue: 1150, cost: 1000}
    - {partner: partner-b, sessions: 800, orders: 100, revenue: 900, cost: 800}
    - {partner: partner-c, cost: 300}
    """
SUMMER = """
    - {partner: partner-a, sessions: 500, carts: 100, checkouts: 60, orders: 50, revenue: 1000, cost: 500}
    """
# spring total: sessions 1200 + 800, carts 400 (only a), checkouts 220, orders 150 + 100,
# revenue 1150 + 900, cost 1000 + 800 + 300 (every reported cost, partner-c's included)
SPRING_TOTAL = {"sessions": 2000, "carts": 400, "checkouts": 220, "orders": 250, "revenue": 2050.0, "cost": 2100.0}
# summer in EUR: revenue 1000 * 0.92 = 920, cost 500 * 0.92 = 460
SUMMER_TOTAL = {"sessions": 500, "carts": 100, "checkouts": 60, "orders": 50, "revenue": 920.0, "cost": 460.0}
# partner-a over both campaigns
A_TOTAL = {"sessions": 1700, "carts": 500, "checkouts": 280, "orders": 200, "revenue": 2070.0, "cost": 1460.0}
NONE = dict.fromkeys(COUNTS)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "money"
    write(root, "partnerbook.yml", "currency: EUR\nrates: {USD: 0.92}\n")
    for pid in ("partner-a", "partner-b", "partner-c", "partner-d"):  # partner-d: no campaign results
        partner(root, pid)
    campaign(root, "spring", SPRING)
    campaign(root, "summer", SUMMER, "currency: USD\n")
    return root


def _run(run_line: RunLine, root: Path, args: str) -> str:
    result = run_line(f"partnerbook kpis --root {root} --today {TODAY} {args}")
    assert result.exit_code == 0, result.output
    return result.output


def _json(run_line: RunLine, root: Path, args: str = "") -> dict[str, Any]:
    return json.loads(_run(run_line, root, f"--format json {args}"))


def _csv(run_line: RunLine, root: Path, args: str = "") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(_run(run_line, root, f"--format csv {args}"), newline="")))


def _number(cell: str) -> float | None:
    return None if cell == "" else float(cell)


def test_json_counts_by_hand(root: Path, run_line: RunLine) -> None:
    data = _json(run_line, root)

    assert data["currency"] == "EUR"
    spring, summer = data["campaigns"]["spring"], data["campaigns"]["summer"]
    assert spring["counts"]["total"] == SPRING_TOTAL
    assert spring["counts"]["partners"] == {
        "partner-a": {"sessions": 1200, "carts": 400, "checkouts": 220, "orders": 150, "revenue": 1150.0,
                      "cost": 1000.0},
        "partner-b": {"sessions": 800, "carts": None, "checkouts": None, "orders": 100, "revenue": 900.0,
                      "cost": 800.0},
        "partner-c": {**NONE, "cost": 300.0},
    }
    assert summer["counts"]["total"] == SUMMER_TOTAL
    # the counts agree with the ratios beside them: ROI (2050 - 2100) / 2100, CPA 2100 / 250
    assert spring["total"]["roi"] == pytest.approx((2050 - 2100) / 2100)
    assert spring["total"]["cpa"] == pytest.approx(2100 / 250)
    assert summer["total"]["aov"] == pytest.approx(920 / 50)
    # partners over all their campaigns; one without results has null counts
    assert data["partners"]["partner-a"]["counts"] == A_TOTAL
    assert data["partners"]["partner-c"]["counts"] == {**NONE, "cost": 300.0}
    assert data["partners"]["partner-d"]["counts"] == NONE


def test_json_keeps_every_existing_key(root: Path, run_line: RunLine) -> None:
    data = _json(run_line, root)

    assert list(data) == ["currency", "campaigns", "partners", "portfolio"]
    assert list(data["campaigns"]["spring"]) == ["total", "partners", "counts"]
    assert set(data["campaigns"]["spring"]["total"]) == {*CAMPAIGN_KPIS, "hhi"}  # no count mixed into the KPIs
    assert set(data["campaigns"]["spring"]["partners"]["partner-a"]) == set(CAMPAIGN_KPIS)
    assert set(data["partners"]["partner-a"]) >= {*PARTNER_COLUMNS, "counts", "campaign_roi"}


def test_json_reporting_currency_is_the_settings(root: Path, run_line: RunLine) -> None:
    write(root, "partnerbook.yml", "currency: USD\nrates: {EUR: 1.25}\n")
    (root / "campaigns/summer.yaml").write_text(
        (root / "campaigns/summer.yaml").read_text(encoding="utf-8").replace("currency: USD", "currency: EUR"),
        encoding="utf-8")
    data = _json(run_line, root)

    assert data["currency"] == "USD"
    assert data["campaigns"]["summer"]["counts"]["total"]["revenue"] == pytest.approx(1250.0)  # 1000 EUR * 1.25
    assert data["campaigns"]["spring"]["counts"]["total"]["cost"] == 2100.0  # no currency: the reporting one


def test_csv_counts_by_hand(root: Path, run_line: RunLine) -> None:
    rows = _csv(run_line, root)

    assert list(rows[0]) == ["campaign", "partner", *COUNTS, "currency", *CAMPAIGN_KPIS, "hhi"]
    by_key = {(r["campaign"], r["partner"]): r for r in rows}
    assert [(r["campaign"], r["partner"]) for r in rows] == [
        ("spring", "partner-a"), ("spring", "partner-b"), ("spring", "partner-c"), ("spring", "(total)"),
        ("summer", "partner-a"), ("summer", "(total)")]
    for key, expected in ((("spring", "(total)"), SPRING_TOTAL), (("summer", "(total)"), SUMMER_TOTAL),
                          (("spring", "partner-c"), {**NONE, "cost": 300.0})):
        assert {c: _number(by_key[key][c]) for c in COUNTS} == expected, key
    assert by_key[("spring", "partner-a")]["sessions"] == "1200"  # a count is a whole number
    assert by_key[("summer", "(total)")]["revenue"] == "920.0"  # a plain number, in the reporting currency
    assert {r["currency"] for r in rows} == {"EUR"}


def test_csv_partner_counts(root: Path, run_line: RunLine) -> None:
    rows = {r["partner"]: r for r in _csv(run_line, root, "--table partners")}

    assert list(next(iter(rows.values()))) == ["partner", *COUNTS, "currency", *PARTNER_COLUMNS]
    assert {c: _number(rows["partner-a"][c]) for c in COUNTS} == A_TOTAL
    assert {c: _number(rows["partner-d"][c]) for c in COUNTS} == NONE


def test_csv_one_campaign(root: Path, run_line: RunLine) -> None:
    rows = _csv(run_line, root, "--campaign summer")

    assert [(r["campaign"], r["partner"]) for r in rows] == [("summer", "partner-a"), ("summer", "(total)")]
    full = _run(run_line, root, "--format csv")
    assert _run(run_line, root, "--format csv --campaign summer") == "".join(
        line for i, line in enumerate(full.splitlines(keepends=True)) if i == 0 or line.startswith("summer,"))


def _cells(output: str) -> tuple[list[str], dict[tuple[str, str], dict[str, str]]]:
    """The text table: headers (which may hold one space, as in 'revenue (EUR)') and rows by (first, second)."""
    lines = output.splitlines()
    header_at = next(i for i, line in enumerate(lines) if line.startswith(("Campaign ", "Partner ")))
    headers = re.split(r"\s{2,}", lines[header_at].strip())
    rows = {}
    for line in lines[header_at + 2:]:
        if not line.strip():
            break
        cells = re.split(r"\s{2,}", line.strip())
        rows[(cells[0], cells[1])] = dict(zip(headers, cells, strict=True))
    return headers, rows


def test_text_counts_and_currency_labels(root: Path, run_line: RunLine) -> None:
    headers, rows = _cells(_run(run_line, root, ""))

    assert headers[:8] == ["Campaign", "Partner", "Sessions", "Carts", "Checkouts", "Orders", "Revenue (EUR)",
                           "Cost (EUR)"]
    assert "Currency" not in headers  # the money headers name it
    total = rows[("spring", "(total)")]
    assert [total[h] for h in headers[2:8]] == ["2,000", "400", "220", "250", "2,050.00", "2,100.00"]
    assert [rows[("spring", "partner-c")][h] for h in headers[2:8]] == ["n/a"] * 5 + ["300.00"]
    assert rows[("summer", "(total)")]["Revenue (EUR)"] == "920.00"
    assert total["ROI"] == "-2.4%"  # (2050 - 2100) / 2100


def test_text_partner_counts(root: Path, run_line: RunLine) -> None:
    output = _run(run_line, root, "--table partners")
    lines = output.splitlines()
    header = re.split(r"\s{2,}", next(line for line in lines if line.startswith("Partner ")).strip())
    a_line = re.split(r"\s{2,}", next(line for line in lines if line.startswith("partner-a")).strip())
    a = dict(zip(header, a_line, strict=True))

    assert [a[h] for h in ("Sessions", "Orders", "Revenue (EUR)", "Cost (EUR)")] == \
        ["1,700", "200", "2,070.00", "1,460.00"]
    assert "Service credits (EUR)" in header


def test_campaign_option_errors(root: Path, run_line: RunLine) -> None:
    unknown = run_line(f"partnerbook kpis --root {root} --today {TODAY} --campaign sprng")
    assert unknown.exit_code == 2
    assert "did you mean spring" in unknown.output
    partners = run_line(f"partnerbook kpis --root {root} --today {TODAY} --campaign spring --table partners")
    assert partners.exit_code == 2
