"""Every folder under tests/cases/{invalid,valid} is a user's portfolio run through `partnerbook validate`.

Adding a case is dropping in a folder: see tests/cases/README.md for the format.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import CASES, TODAY, RunLine, apply_overlay, copy_base

from generator.checks.validate import load_portfolio

INVALID = sorted(p for p in (CASES / "invalid").iterdir() if p.is_dir())
VALID = sorted(p for p in (CASES / "valid").iterdir() if p.is_dir())
_LOCATION = re.compile(r"(?P<file>.+):(?P<line>\d+):(?P<column>\d+)\Z")


@dataclass(frozen=True)
class Expected:
    """One line of expected.txt: a problem that must be among the reported ones."""

    file: str
    line: int | None
    column: int | None
    rule: str
    text: str
    source: str

    def matches(self, problem: dict[str, object]) -> bool:
        return (
            (problem["file"], problem["line"], problem["column"], problem["rule"])
            == (self.file, self.line, self.column, self.rule)
            and self.text in f"{problem['message']} {problem['hint']}"
        )


def read_expected(case: Path) -> list[Expected]:
    path = case / "expected.txt"
    if not path.is_file():
        return []
    expected = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        head, _, text = raw.partition(" -- ")
        location, rule = head.rsplit(" ", 1)
        match = _LOCATION.match(location)
        if match:
            expected.append(Expected(match["file"], int(match["line"]), int(match["column"]), rule, text, raw))
        else:
            expected.append(Expected(location, None, None, rule, text, raw))
    return expected


def validate_case(case: Path, tmp_path: Path, run_line: RunLine) -> tuple[int, list[dict[str, object]], str]:
    root = copy_base(tmp_path / "portfolio")
    apply_overlay(root, case)
    result = run_line(f"partnerbook validate --root {shlex.quote(str(root))} --today {TODAY} --format json")
    assert "Traceback" not in result.output
    return result.exit_code, json.loads(result.stdout), result.output


def _listing(problems: list[dict[str, object]]) -> str:
    return "\n".join(
        f"  {p['file']}:{p['line']}:{p['column']} {p['rule']} ({p['severity']}): {p['message']} | {p['hint']}"
        for p in problems
    )


def assert_reported(expected: list[Expected], problems: list[dict[str, object]]) -> None:
    """Every expected line matches its own reported problem (a subset match)."""
    unmatched = list(problems)
    for item in expected:
        found = next((p for p in unmatched if item.matches(p)), None)
        assert found is not None, f"not reported: {item.source}\nreported:\n{_listing(problems)}"
        unmatched.remove(found)


def assert_well_formed(problems: list[dict[str, object]]) -> None:
    """What a user reads: a file, a rule, a severity, a message and a hint, and a 1-based position."""
    for problem in problems:
        assert list(problem) == ["file", "line", "column", "rule", "severity", "message", "hint"]
        for key in ("file", "rule", "severity", "message", "hint"):
            assert isinstance(problem[key], str), problem
            assert problem[key].strip(), f"empty {key}: {problem}"
        assert problem["severity"] in ("error", "warning")
        if problem["line"] is not None:
            assert isinstance(problem["line"], int), problem
            assert isinstance(problem["column"], int), problem
            assert problem["line"] >= 1, problem
            assert problem["column"] >= 1, problem


@pytest.mark.parametrize("case", INVALID, ids=[p.name for p in INVALID])
def test_invalid_case_is_reported(case: Path, tmp_path: Path, run_line: RunLine) -> None:
    expected = read_expected(case)
    assert expected, f"{case.name}/expected.txt names no problem"

    exit_code, problems, _ = validate_case(case, tmp_path, run_line)

    assert exit_code == 1
    assert_well_formed(problems)
    assert_reported(expected, problems)
    # The python-tag case asks os.system to create this file in the working directory (tmp_path).
    assert not (tmp_path / "partnerbook-pwned").exists()
    assert not (tmp_path / "portfolio" / "partnerbook-pwned").exists()


@pytest.mark.parametrize("case", VALID, ids=[p.name for p in VALID])
def test_valid_case_passes(case: Path, tmp_path: Path, run_line: RunLine) -> None:
    exit_code, problems, output = validate_case(case, tmp_path, run_line)

    assert exit_code == 0, output
    assert_well_formed(problems)
    assert [p for p in problems if p["severity"] == "error"] == []
    assert_reported(read_expected(case), problems)


def test_base_portfolio_is_clean(base_portfolio: Path, run_line: RunLine) -> None:
    result = run_line(f"partnerbook validate --root {shlex.quote(str(base_portfolio))} --today {TODAY}")

    assert result.exit_code == 0
    assert result.stdout == "10 files checked: no problems\n"


def test_yaml_1_1_surprises_stay_text(tmp_path: Path) -> None:
    root = copy_base(tmp_path / "portfolio")
    apply_overlay(root, CASES / "valid" / "yaml-1-1-surprises")

    portfolio, problems, _ = load_portfolio(root)

    assert problems == []
    entry = portfolio.partners["nordic-post"]
    assert entry.partner is not None
    partner = entry.partner
    assert partner.regions == ["NO", "SE", "DK", "ON", "Y", "yes"]
    assert partner.owner == "off"
    assert partner.description == "12:30"
    assert [(c.role, c.phone) for c in partner.contacts] == [("010", "010 1234"), (None, "0150")]
    assert partner.compliance[0].notes == "1e3"


def test_every_case_changes_something() -> None:
    for case in [*INVALID, *VALID]:
        files = [p for p in case.rglob("*") if p.is_file() and p.name not in ("expected.txt",)]
        assert files, f"{case} is empty: add the files that differ from tests/cases/base"
