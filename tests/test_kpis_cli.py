"""`partnerbook kpis` as tools and people read it: JSON in the spec's shape, safe CSV, text with n/a."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import RunLine
from test_kpis import SEED, campaign, partner

from generator.measure.kpis import CAMPAIGN_KPIS
from generator.measure.tables import _safe_cell

TODAY = "2026-11-25"
EXAMPLE = Path(__file__).resolve().parent / "kpi_cases" / "easter-2026"
PARTNER_KEYS = {"revenue_share", "activation_days", "evaluation_score", "sla_attainment", "sla_metrics",
                "service_credits", "health_score", "grade"}
HEALTH_KEYS = {"health_status", "health_not_rated", "health_reasons"}
CREDIT_KEYS = {"service_credits_owed", "service_credits_claimed", "service_credits_received"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _no_nan(constant: str) -> Any:
    raise AssertionError(f"{constant} is not JSON")


@pytest.fixture
def seed_root(tmp_path: Path) -> Path:
    """The seed example, with a hostile partner name and an SLA for partner-a."""
    root = tmp_path / "seed"
    partner(root, "partner-a", "onboarding: {signed: 2026-01-10, live: 2026-02-20}\n", category="platform")
    (root / "partners/partner-a/partner.yaml").write_text(
        (root / "partners/partner-a/partner.yaml").read_text(encoding="utf-8").replace(
            "name: Partner-A", "name: '=HYPERLINK(\"http://evil.example\",\"x\")'"), encoding="utf-8")
    (root / "partners/partner-a/sla.yaml").write_text(
        "contract: hosting\n"
        "metrics:\n"
        "  - {id: uptime_percent, name: Uptime, target: 99.9, better: higher}\n"
        "service_credit_percent: 10\n"
        "measurements:\n"
        "  - {month: 2026-01, uptime_percent: 99.95}\n"
        "  - {month: 2026-02, uptime_percent: 99.5}\n", encoding="utf-8")
    (root / "partners/partner-a/contracts").mkdir()
    (root / "partners/partner-a/contracts/hosting.yaml").write_text(
        "title: Hosting\nvalue: {amount: 6000, period: year}\n", encoding="utf-8")
    partner(root, "partner-b")
    partner(root, "partner-c")  # no campaign results
    campaign(root, "easter", SEED)
    return root


def kpis_json(run_line: RunLine, root: Path) -> dict[str, Any]:
    result = run_line(f"partnerbook kpis --root {root} --today {TODAY} --format json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output, parse_constant=_no_nan)


def test_json_shape(seed_root: Path, run_line: RunLine) -> None:
    data = kpis_json(run_line, seed_root)

    assert list(data) == ["currency", "campaigns", "partners", "portfolio"]
    assert data["currency"] == "EUR"
    easter = data["campaigns"]["easter"]
    assert list(easter) == ["total", "partners", "counts"]
    assert set(easter["total"]) == {*CAMPAIGN_KPIS, "hhi"}
    assert list(easter["partners"]) == ["partner-a", "partner-b"]
    assert set(easter["partners"]["partner-b"]) == set(CAMPAIGN_KPIS)
    assert sorted(data["partners"]) == ["partner-a", "partner-b", "partner-c"]
    for values in data["partners"].values():
        # The spec's keys, plus this partner's KPIs over all campaigns as campaign_<kpi>.
        assert set(values) >= PARTNER_KEYS
        # ... and the health score's status, why it is not rated and the reasons behind it.
        assert set(values) >= HEALTH_KEYS
        assert set(values["counts"]) == {"sessions", "carts", "checkouts", "orders", "revenue", "cost"}
        assert set(values) >= CREDIT_KEYS  # service credits by state (owed, claimed, received)
        assert values["commitments"] == []  # no contract commits this partner to anything
        extra = set(values) - PARTNER_KEYS - HEALTH_KEYS - CREDIT_KEYS - {"counts", "commitments"}
        assert all(k.startswith("campaign_") and k[9:] in CAMPAIGN_KPIS for k in extra)
    assert list(data["portfolio"]) == ["hhi"]


def test_json_values(seed_root: Path, run_line: RunLine) -> None:
    data = kpis_json(run_line, seed_root)
    total = data["campaigns"]["easter"]["total"]
    b = data["campaigns"]["easter"]["partners"]["partner-b"]
    a = data["partners"]["partner-a"]

    assert total["conversion_rate"] == pytest.approx(0.125)  # 250 / 2000
    assert total["roi"] == pytest.approx(250 / 1800)  # (2050 - 1800) / 1800
    assert total["hhi"] == pytest.approx(2_132_500 / 4_202_500)
    assert b["roi"] == pytest.approx(0.125)
    assert b["conversion_lift"] is None  # n/a is null, not 0
    assert b["nps"] is None
    assert a["revenue_share"] == pytest.approx(1150 / 2050)
    assert a["activation_days"] == 41
    assert a["sla_attainment"] == pytest.approx(0.5)  # Jan met, Feb breached
    assert a["sla_metrics"] == {"uptime_percent": pytest.approx(0.5)}
    assert a["service_credits"] == pytest.approx(50.0)  # 1 breach * 10% * 6000 / 12 / 100
    assert a["campaign_roi"] == pytest.approx(0.15)
    c = data["partners"]["partner-c"]
    assert c["revenue_share"] is None
    assert c["sla_metrics"] == {}
    assert c["service_credits"] is None
    assert data["portfolio"]["hhi"] == pytest.approx(2_132_500 / 4_202_500)


def test_json_campaign_without_results(seed_root: Path, run_line: RunLine) -> None:
    (seed_root / "campaigns/planned.yaml").write_text(
        "name: Planned\nstart: 2026-12-01\nend: 2026-12-24\nowner: marketing\n", encoding="utf-8")
    data = kpis_json(run_line, seed_root)

    counts = dict.fromkeys(["sessions", "carts", "checkouts", "orders", "revenue", "cost"])
    assert data["campaigns"]["planned"] == {"total": dict.fromkeys([*CAMPAIGN_KPIS, "hhi"]), "partners": {},
                                            "counts": {"total": counts, "partners": {}}}


def parse_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("table", ["campaigns", "partners"])
def test_csv_is_parseable_and_safe(seed_root: Path, run_line: RunLine, table: str) -> None:
    result = run_line(f"partnerbook kpis --root {seed_root} --today {TODAY} --format csv --table {table}")
    assert result.exit_code == 0, result.output
    rows = parse_csv(result.output)

    assert rows
    assert "HYPERLINK" not in result.output  # names are not exported, only ids
    for row in rows:
        for cell in row.values():
            if cell[:1] in FORMULA_START:
                float(cell)  # only a number (a negative one) may start with '-'


def test_csv_campaign_rows(seed_root: Path, run_line: RunLine) -> None:
    result = run_line(f"partnerbook kpis --root {seed_root} --today {TODAY} --format csv")
    rows = parse_csv(result.output)

    assert [(r["campaign"], r["partner"]) for r in rows] == [
        ("easter", "partner-a"), ("easter", "partner-b"), ("easter", "(total)")]
    assert list(rows[0]) == ["campaign", "partner", "sessions", "carts", "checkouts", "orders", "revenue", "cost",
                             "currency", *CAMPAIGN_KPIS, "hhi"]
    assert [rows[2][c] for c in ("sessions", "orders", "revenue", "cost")] == ["2000", "250", "2050.0", "1800.0"]
    assert float(rows[2]["conversion_rate"]) == pytest.approx(0.125)
    assert float(rows[0]["abandonment_change"]) == pytest.approx(-1 / 24)
    assert rows[1]["conversion_lift"] == ""  # n/a is an empty cell
    assert float(rows[2]["hhi"]) == pytest.approx(2_132_500 / 4_202_500)


def test_csv_partner_rows(seed_root: Path, run_line: RunLine) -> None:
    result = run_line(f"partnerbook kpis --root {seed_root} --today {TODAY} --format csv --table partners")
    rows = {r["partner"]: r for r in parse_csv(result.output)}

    assert sorted(rows) == ["partner-a", "partner-b", "partner-c"]
    assert float(rows["partner-a"]["service_credits"]) == pytest.approx(50.0)
    assert rows["partner-a"]["activation_days"] == "41"
    assert rows["partner-c"]["revenue_share"] == ""


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "=HYPERLINK(\"x\")"])
def test_safe_cell_defuses_formulas(text: str) -> None:
    cell = _safe_cell(text)

    assert cell == "'" + text
    out = io.StringIO()
    csv.writer(out).writerow([cell])
    assert next(csv.reader(io.StringIO(out.getvalue(), newline=""))) == [cell]


@pytest.mark.parametrize(("text", "shown"), [("\t=1", "\\t=1"), ("\r=1", "\\r=1"), ("a\x1b[2Jb", "a\\x1b[2Jb")])
def test_safe_cell_shows_control_characters(text: str, shown: str) -> None:
    """A tab, carriage return or escape code is written out as text: no formula, nothing for a terminal to obey."""
    cell = _safe_cell(text)

    assert cell == shown
    out = io.StringIO()
    csv.writer(out).writerow([cell])
    assert next(csv.reader(io.StringIO(out.getvalue(), newline=""))) == [cell]


def test_safe_cell_keeps_numbers_and_plain_text() -> None:
    assert _safe_cell(-0.5) == -0.5
    assert _safe_cell(None) == ""
    assert _safe_cell("partner-a") == "partner-a"


def test_text_shows_n_a(seed_root: Path, run_line: RunLine) -> None:
    result = run_line(f"partnerbook kpis --root {seed_root} --today {TODAY}")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    header = next(line for line in lines if line.startswith("Campaign "))  # headers are the KPIs' labels
    b_line = next(line for line in lines if "partner-b" in line)
    total_line = next(line for line in lines if "(total)" in line)

    def cell(line: str, column: str) -> str:
        """Cells are separated by two or more spaces and never contain two spaces."""
        return dict(zip(re.split(r"\s{2,}", header.strip()), re.split(r"\s{2,}", line.strip()), strict=True))[column]

    assert cell(b_line, "Conversion lift") == "n/a"
    assert cell(b_line, "Customer satisfaction") == "n/a"
    assert cell(b_line, "ROI") == "12.5%"
    assert cell(total_line, "Conversion rate") == "12.5%"
    assert cell(total_line, "ROI") == "13.9%"  # 250 / 1800
    assert cell(total_line, "Sessions") == "2,000"
    assert cell(total_line, "Revenue (EUR)") == "2,050.00"
    assert "nan" not in result.output.lower().replace("n/a", "")
    assert "Portfolio revenue concentration (HHI): 0.507" in result.output


def test_text_partner_table(seed_root: Path, run_line: RunLine) -> None:
    result = run_line(f"partnerbook kpis --root {seed_root} --today {TODAY} --table partners")
    c_line = next(line for line in result.output.splitlines() if line.startswith("partner-c"))

    # no campaign counts, revenue share, activation, evaluation, SLA or credits
    assert c_line.split()[1:12] == ["n/a"] * 11


def test_record_error_exits_1_without_output(seed_root: Path) -> None:
    (seed_root / "campaigns/easter.yaml").write_text("name: [unclosed\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "generator", "kpis", "--root", str(seed_root),
                           "--today", TODAY, "--format", "json"], capture_output=True, text=True, check=False)

    assert proc.returncode == 1
    assert proc.stdout == ""
    assert "campaigns/easter.yaml" in proc.stderr


def test_example_easter_by_hand(tmp_path: Path) -> None:
    """The example portfolio's campaigns/easter-2026.yaml, kiln-packaging checked by hand."""
    root = shutil.copytree(EXAMPLE, tmp_path / "example")
    proc = subprocess.run([sys.executable, "-m", "generator", "kpis", "--root", str(root),
                           "--today", TODAY, "--format", "json"], capture_output=True, text=True, check=True)
    easter = json.loads(proc.stdout, parse_constant=_no_nan)["campaigns"]["easter-2026"]
    kiln = easter["partners"]["kiln-packaging"]

    # sessions 1350, carts 480, checkouts 300, orders 214, revenue 17100, cost 2100, gross_margin 0.58
    assert kiln["conversion_rate"] == pytest.approx(214 / 1350)  # 0.1585
    assert kiln["cart_abandonment_rate"] == pytest.approx(266 / 480)  # 1 - 214/480 = 0.5542
    assert kiln["checkout_completion_rate"] == pytest.approx(214 / 300)
    assert kiln["aov"] == pytest.approx(79.906, abs=1e-3)  # 17100 / 214
    assert kiln["revenue_per_session"] == pytest.approx(12.667, abs=1e-3)  # 17100 / 1350
    assert kiln["cpa"] == pytest.approx(9.813, abs=1e-3)  # 2100 / 214
    assert kiln["roi"] == pytest.approx(7818 / 2100)  # (17100 * 0.58 - 2100) / 2100 = 3.7229
    # baseline 150 / 1100 = 0.13636; lift 0.15852 / 0.13636 - 1 = 0.1625
    assert kiln["conversion_lift"] == pytest.approx(0.16247, abs=1e-5)
    # abandonment 0.55417 - baseline (1 - 150/350 = 0.57143) = -0.01726
    assert kiln["abandonment_change"] == pytest.approx(-0.01726, abs=1e-5)
    assert kiln["csat"] == pytest.approx(133 / 150)
    assert kiln["nps"] == pytest.approx(60.0)  # 100 * (102 - 12) / 150
    assert kiln["repeat_purchase_rate"] == pytest.approx(74 / 198)
    # all revenue: 15900 + 8260 + 17100 + 13300 + 16700 = 71260 (the review's "71,260 EUR")
    assert kiln["revenue_share"] == pytest.approx(17100 / 71260)
    shares = [15900, 8260, 17100, 13300, 16700]
    assert easter["total"]["hhi"] == pytest.approx(sum(s * s for s in shares) / 71260**2)
    assert easter["total"]["conversion_rate"] == pytest.approx(910 / 12050)  # orders / sessions, summed
