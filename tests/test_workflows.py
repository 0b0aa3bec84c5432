"""The CI side of the pull-request loop: job summaries, the GitHub workflow and the GitLab pipeline."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import TODAY, RunLine

STRIPE = "partners/stripe-payments/partner.yaml"
PCI_ENTRY = """  - type: pci-dss-aoc
    status: valid
    issued: 2026-06-01
    expires: 2027-05-31
    evidence: https://example.com/evidence/pci-aoc-2026.pdf
"""


def edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# ---------------------------------------------------------------------------- alerts job summary


def test_alerts_github_writes_a_table_to_the_job_summary(base_portfolio: Path, run_line: RunLine, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    summary = tmp_path / "step-summary.md"
    summary.write_text("### partnerbook validate\n\nearlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    edit(base_portfolio, STRIPE, PCI_ENTRY, "")

    result = run_line(f"partnerbook alerts --root {base_portfolio} --today {TODAY} --format github")

    assert result.exit_code == 0
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("### partnerbook validate\n\nearlier step\n### partnerbook alerts\n\n"
                           "10 alerts: 1 error, 8 warnings, 1 info\n")  # appended, as validate does
    assert "| file | line | severity | rule | partner | message |" in text
    row = next(line for line in text.splitlines() if "compliance-missing" in line)
    assert row.startswith(f"| `{STRIPE}` | 37 | error | compliance-missing | stripe-payments | payment partner")
    assert len([line for line in text.splitlines() if line.startswith("| `")]) == 10


def test_alerts_summary_only_with_github_format_and_only_inside_actions(base_portfolio: Path, run_line: RunLine,
                                                                        tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    run_line(f"partnerbook alerts --root {base_portfolio} --today {TODAY} --format github")  # no variable: fine
    summary = tmp_path / "step-summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    run_line(f"partnerbook alerts --root {base_portfolio} --today {TODAY} --format text")
    run_line(f"partnerbook alerts --root {base_portfolio} --today {TODAY} --format codequality")

    assert not summary.exists()


def test_alerts_summary_escapes_record_text(base_portfolio: Path, run_line: RunLine, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    summary = tmp_path / "step-summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    hostile = "Stripe | <img src=x onerror=alert(1)> [x](javascript:alert(1))\\u202e"
    edit(base_portfolio, STRIPE, "\ncheck_ins:\n",
         f"\nred_flags:\n  - date: 2026-10-20\n    description: \"{hostile}\"\n    status: open\ncheck_ins:\n")

    run_line(f"partnerbook alerts --root {base_portfolio} --today {TODAY} --format github")

    text = summary.read_text(encoding="utf-8")
    table = [line for line in text.splitlines() if line.startswith("| `")]
    assert any("red-flag-open" in line and "Stripe" in line for line in table)
    assert all(line.count("|") == 7 for line in table), "no cell breaks out of its column"
    assert "<img" not in text
    assert "](javascript" not in text
    assert "\u202e" not in text


def test_alerts_new_since_summary_lists_the_new_alerts(base_portfolio: Path, run_line: RunLine, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    base = tmp_path / "base"
    shutil.copytree(base_portfolio, base)
    edit(base_portfolio, STRIPE, PCI_ENTRY, "")
    summary = tmp_path / "step-summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))

    result = run_line(f"partnerbook alerts --root {base_portfolio} --today {TODAY} --format github "
                      f"--new-since {base} --fail-on error")

    assert result.exit_code == 1
    text = summary.read_text(encoding="utf-8")
    assert text.startswith(f"### partnerbook alerts, new since `{base}`\n\n1 alert: 1 error, 0 warnings, 0 info\n")
    table = [line for line in text.splitlines() if line.startswith("| `")]
    assert len(table) == 1
    assert "| compliance-missing |" in table[0]
    assert f"9 already at `{base}` (not failing)" in text
