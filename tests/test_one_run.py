"""Every problem in one run: a type error in one field does not hide the findings of the others."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import TODAY, RunLine

from generator.errors import PartnerbookError

CONTRACT = "partners/kiln-packaging/contracts/supply-2026.yaml"
CAMPAIGN = "campaigns/easter-2026.yaml"
STRIPE = "partners/stripe-payments/partner.yaml"


def _edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _findings(run_line: RunLine, root: Path) -> list[tuple[str, int, str]]:
    result = run_line(f"partnerbook validate --root {root} --today {TODAY} --format json")
    assert result.exit_code == 1, result.output
    return [(p["file"], p["line"], p["rule"]) for p in json.loads(result.output)]


def test_contract_type_errors_do_not_hide_its_date_order(base_portfolio: Path, run_line: RunLine) -> None:
    _edit(base_portfolio, CONTRACT, "start: 2026-01-05", "start: 2028-01-05\nexclusivity: total\nnotice_days: lots")
    found = _findings(run_line, base_portfolio)

    assert (CONTRACT, 4, "invalid-value") in found
    assert (CONTRACT, 5, "wrong-type") in found
    assert (CONTRACT, 6, "date-order") in found  # end before start, found in the same run
    # a contract that failed its types is not judged by the policy: no false "clause missing"
    assert not [f for f in found if f[2] == "clause-missing"]


def test_campaign_type_error_in_one_row_does_not_hide_other_rows(base_portfolio: Path, run_line: RunLine) -> None:
    _edit(base_portfolio, CAMPAIGN, "    sessions: 1200\n", "    sessions: many\n")
    _edit(base_portfolio, CAMPAIGN, "  - partner: stripe-payments\n    sessions: 900\n",
          "  - partner: stripe-paymnets\n    sessions: 90\n")
    found = _findings(run_line, base_portfolio)
    rules = {rule for _, _, rule in found}

    assert "wrong-type" in rules
    assert "unknown-reference" in rules  # the misspelt partner of the other row
    assert "funnel-order" in rules  # 120 orders from 90 sessions in the other row


def test_partner_type_error_does_not_hide_references(base_portfolio: Path, run_line: RunLine) -> None:
    _edit(base_portfolio, STRIPE, "backup_partners: [kiln-packaging]", "backup_partners: [kiln-packagin]")
    _edit(base_portfolio, STRIPE, "tech_maturity: advanced", "tech_maturity: cutting-edge")
    found = _findings(run_line, base_portfolio)

    assert any(rule == "invalid-value" for f, _, rule in found if f == STRIPE)
    assert any(rule == "unknown-reference" for f, _, rule in found if f == STRIPE)
    # the profile failed its types: no policy findings from a half-read profile
    assert not any(rule.startswith("compliance") for f, _, rule in found if f == STRIPE)


def test_a_partial_record_never_reaches_the_build(base_portfolio: Path, run_line: RunLine) -> None:
    _edit(base_portfolio, CONTRACT, "start: 2026-01-05", "start: 2026-01-05\nexclusivity: total")
    with pytest.raises(PartnerbookError, match="exclusivity"):
        run_line(f"partnerbook build --root {base_portfolio} --today {TODAY}")
    assert not (base_portfolio / "site").exists()
