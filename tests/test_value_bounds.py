"""Far dates, huge numbers and long digit strings are findings at their line; values at the limits build.

Before the bounds, ``end: 9999-12-31`` passed validate and crashed build and calendar (date overflow),
and an integer of more than 4,300 digits crashed validate (Python's int conversion limit).
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest
from conftest import TODAY, RunLine

from generator.cli import main
from generator.records.common import MAX_COUNT, MAX_DATE, MAX_DAYS, MAX_MONEY, MAX_MONTHS, MIN_DATE

CONTRACT = "partners/kiln-packaging/contracts/supply-2026.yaml"
PROFILE = "partners/kiln-packaging/partner.yaml"
CAMPAIGN = "campaigns/easter-2026.yaml"
SLA = "partners/shopcloud/sla.yaml"


def _set_line(root: Path, relative: str, old_prefix: str, new_line: str) -> int:
    """Replace the line starting with ``old_prefix`` (or append ``new_line``); return its 1-based number."""
    path = root / relative
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        if line.startswith(old_prefix):
            lines[number] = new_line
            break
    else:
        lines.append(new_line)
        number = len(lines) - 1
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return number + 1


def _problems(root: Path, run_line: RunLine) -> tuple[int, list[dict[str, object]]]:
    result = run_line(f"partnerbook validate --root {shlex.quote(str(root))} --today {TODAY} --format json")
    assert "Traceback" not in result.output
    return result.exit_code, json.loads(result.stdout)


def _run_main(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """The installed entry point with its error handling: exit 1 for bad records, 3 only for a bug."""
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    captured = capsys.readouterr()
    return (code if isinstance(code, int) else 0 if code is None else 1), captured.out + captured.err


def _at(problems: list[dict[str, object]], file: str, line: int) -> list[dict[str, object]]:
    return [p for p in problems if p["file"] == file and p["line"] == line]


@pytest.mark.parametrize("end", ["9999-12-31", "2200-01-01", "3000-06-30"])
def test_a_far_contract_end_is_out_of_range_with_the_open_ended_hint(
    end: str, base_portfolio: Path, run_line: RunLine
) -> None:
    line = _set_line(base_portfolio, CONTRACT, "end:", f"end: {end}")

    exit_code, problems = _problems(base_portfolio, run_line)

    assert exit_code == 1
    [found] = _at(problems, CONTRACT, line)
    assert (found["column"], found["rule"], found["severity"]) == (6, "out-of-range", "error")
    assert end in str(found["message"])
    assert str(found["hint"]).startswith("leave 'end' out for an open-ended contract")


@pytest.mark.parametrize("command", ["build", "calendar --output cal.ics", "kpis --format json", "alerts"])
def test_far_end_stops_other_commands_with_exit_1(
    command: str, base_portfolio: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _set_line(base_portfolio, CONTRACT, "end:", "end: 9999-12-31")

    code, output = _run_main([*command.split(), "--root", str(base_portfolio), "--today", TODAY], capsys)

    assert code == 1, output
    assert f"{CONTRACT}:4:6" in output
    assert "This is a bug" not in output


@pytest.mark.parametrize(
    ("relative", "prefix", "line_text"),
    [
        pytest.param(CONTRACT, "signed:", "signed: 0001-01-01", id="contract-signed"),
        pytest.param(CONTRACT, "start:", "start: 1899-12-31", id="contract-start"),
        pytest.param(PROFILE, "review:", "review: {every_days: 30, last: 9999-12-31}", id="partner-review-last"),
        pytest.param(CAMPAIGN, "end:", "end: 9999-12-31", id="campaign-end"),
        pytest.param("partnerbook.yml", "alerts:", "alerts: {silences: [{rule: no-backup, partner: shopcloud, "
                     "reason: r, until: 9999-12-31}]}", id="silence-until"),
    ],
)
def test_far_dates_are_out_of_range_at_their_line(
    relative: str, prefix: str, line_text: str, base_portfolio: Path, run_line: RunLine
) -> None:
    line = _set_line(base_portfolio, relative, prefix, line_text)

    exit_code, problems = _problems(base_portfolio, run_line)

    assert exit_code == 1
    found = [p for p in _at(problems, relative, line) if p["rule"] == "out-of-range"]
    assert found, problems
    assert f"write a date from {MIN_DATE} to {MAX_DATE}" in str(found[0]["hint"])


def test_a_far_sla_month_is_out_of_range(base_portfolio: Path, run_line: RunLine) -> None:
    text = (base_portfolio / SLA).read_text(encoding="utf-8")
    month = text.split("month: ", 1)[1][:7]
    (base_portfolio / SLA).write_text(text.replace(f"month: {month}", "month: 9999-12", 1), encoding="utf-8")

    exit_code, problems = _problems(base_portfolio, run_line)

    assert exit_code == 1
    assert [p["rule"] for p in problems if p["file"] == SLA] == ["out-of-range"]


@pytest.mark.parametrize(
    ("relative", "prefix", "line_text", "limit"),
    [
        pytest.param(CONTRACT, "notice_days:", f"notice_days: {MAX_DAYS + 1}", MAX_DAYS, id="notice-days"),
        pytest.param(CONTRACT, "review:", f"review: {{every_months: {MAX_MONTHS + 1}}}", MAX_MONTHS,
                     id="every-months"),
        pytest.param(PROFILE, "review:", "review: {every_days: 99999999999}", MAX_DAYS, id="every-days"),
        pytest.param(CONTRACT, "value:", f"value: {{amount: {MAX_MONEY * 10}, period: year}}", MAX_MONEY,
                     id="money"),
        pytest.param("partnerbook.yml", "compliance:",
                     "compliance: {expiring_warning_days: 10000000000, validity_days: {dpa: 1}}", MAX_DAYS,
                     id="settings-warning-days"),
        pytest.param("partnerbook.yml", "compliance:", "compliance: {validity_days: {dpa: 1000000000}}", MAX_DAYS,
                     id="settings-validity-days"),
        pytest.param("partnerbook.yml", "alerts:", "alerts: {check_in_stale_days: 123456789012}", MAX_DAYS,
                     id="settings-stale-days"),
    ],
)
def test_huge_numbers_are_out_of_range_at_their_line(
    relative: str, prefix: str, line_text: str, limit: int, base_portfolio: Path, run_line: RunLine
) -> None:
    line = _set_line(base_portfolio, relative, prefix, line_text)

    exit_code, problems = _problems(base_portfolio, run_line)

    assert exit_code == 1
    found = [p for p in _at(problems, relative, line) if p["rule"] == "out-of-range"]
    assert found, problems
    assert f"<= {limit:,}" in str(found[0]["message"])


def test_a_huge_count_in_a_campaign_is_out_of_range(base_portfolio: Path, run_line: RunLine) -> None:
    text = (base_portfolio / CAMPAIGN).read_text(encoding="utf-8")
    first = next(line for line in text.splitlines() if line.strip().startswith("sessions:"))
    (base_portfolio / CAMPAIGN).write_text(text.replace(first, first.split(":")[0] + f": {MAX_COUNT + 1}", 1),
                                           encoding="utf-8")

    exit_code, problems = _problems(base_portfolio, run_line)

    assert exit_code == 1
    assert [p["rule"] for p in problems if p["file"] == CAMPAIGN] == ["out-of-range"]


@pytest.mark.parametrize("digits", [25, 4_301, 100_000])
def test_a_long_digit_string_is_a_finding_not_a_crash(digits: int, base_portfolio: Path, run_line: RunLine) -> None:
    line = _set_line(base_portfolio, CONTRACT, "notice_days:", "notice_days: " + "9" * digits)

    exit_code, problems = _problems(base_portfolio, run_line)

    assert exit_code == 1
    [found] = _at(problems, CONTRACT, line)
    assert (found["column"], found["rule"]) == (14, "out-of-range")
    assert len(str(found["message"])) < 200


def test_a_long_digit_string_in_settings_is_a_finding(base_portfolio: Path, run_line: RunLine) -> None:
    line = _set_line(base_portfolio, "partnerbook.yml", "alerts:",
                     "alerts: {sla: {months: " + "1" * 5000 + "}}")

    exit_code, problems = _problems(base_portfolio, run_line)

    assert exit_code == 1
    assert [p["rule"] for p in _at(problems, "partnerbook.yml", line)] == ["out-of-range"]


def test_a_long_digit_string_where_text_is_expected_stays_text(base_portfolio: Path, run_line: RunLine) -> None:
    phone = "0" + "1" * 5000
    path = base_portfolio / PROFILE
    path.write_text(path.read_text(encoding="utf-8") + f"contacts:\n  - name: Ops desk\n    phone: {phone}\n",
                    encoding="utf-8")

    exit_code, problems = _problems(base_portfolio, run_line)

    assert exit_code == 0, problems


@pytest.mark.parametrize("number", ["1e400", "-1e400", "1" * 400 + ".0"])
def test_an_infinite_float_is_a_finding(number: str, base_portfolio: Path, run_line: RunLine) -> None:
    line = _set_line(base_portfolio, CONTRACT, "value:", f"value: {{amount: {number}, period: year}}")

    exit_code, problems = _problems(base_portfolio, run_line)

    assert exit_code == 1
    [found] = _at(problems, CONTRACT, line)
    assert found["rule"] == "out-of-range"


def _at_the_limits(root: Path) -> None:
    """Every bounded value of a contract, a review and the settings at its edge."""
    contract = root / CONTRACT
    contract.write_text(
        "title: Edge contract\n"
        f"signed: {MIN_DATE}\nstart: {MIN_DATE}\nend: {MAX_DATE}\nauto_renew: true\n"
        f"notice_days: {MAX_DAYS}\n"
        f"review: {{every_months: {MAX_MONTHS}, last: {MAX_DATE}}}\n"
        f"value: {{amount: {MAX_MONEY}, period: month}}\n"
        f"payment_terms: {{net_days: {MAX_DAYS}}}\n"
        "clauses: {termination: t, dispute_resolution: d, breach_consequences: b}\n",
        encoding="utf-8")
    (root / "partners" / "kiln-packaging" / "contracts" / "old.yaml").write_text(
        f"title: Old\nsigned: {MIN_DATE}\nend: {MIN_DATE}\nnotice_days: {MAX_DAYS}\n"
        f"review: {{every_months: {MAX_MONTHS}, last: {MIN_DATE}}}\n"
        "clauses: {termination: t, dispute_resolution: d, breach_consequences: b}\n",
        encoding="utf-8")
    profile = root / PROFILE
    profile.write_text(profile.read_text(encoding="utf-8")
                       + f"review: {{every_days: {MAX_DAYS}, last: {MAX_DATE}}}\n"
                       + f"check_ins: [{{date: {MIN_DATE}, kind: call, summary: first}}]\n",
                       encoding="utf-8")
    (root / "partnerbook.yml").write_text(
        (root / "partnerbook.yml").read_text(encoding="utf-8")
        + f"\nalerts:\n  warning_days: {MAX_DAYS}\n  check_in_stale_days: {MAX_DAYS}\n",
        encoding="utf-8")


@pytest.mark.parametrize(
    "command", ["validate", "calendar --output cal.ics", "kpis --format json", "kpis --format csv", "alerts"]
)
def test_values_at_the_limits_pass_and_every_command_runs(
    command: str, base_portfolio: Path, run_line: RunLine, capsys: pytest.CaptureFixture[str]
) -> None:
    _at_the_limits(base_portfolio)
    exit_code, problems = _problems(base_portfolio, run_line)
    assert exit_code == 0, problems
    capsys.readouterr()

    code, output = _run_main([*command.split(), "--root", str(base_portfolio), "--today", TODAY], capsys)

    assert code == 0, output


def test_values_at_the_limits_build(base_portfolio: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _at_the_limits(base_portfolio)

    code, output = _run_main(["build", "--root", str(base_portfolio), "--today", TODAY], capsys)

    assert code == 0, output
    assert (base_portfolio / "site" / "index.html").is_file()


@pytest.mark.parametrize("today", ["1900-01-01", "1969-12-31", "2106-02-08", "9999-12-31"])
def test_a_today_the_site_cannot_stamp_is_refused(today: str, base_portfolio: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    # gzip headers and the sitemap carry today as a 32-bit Unix time: 1900 crashed the build.
    code, output = _run_main(["build", "--root", str(base_portfolio), "--today", today], capsys)

    assert code == 2, output  # a bad option value is wrong usage
    assert f"'{today}' is not a date from 1970-01-02 to 2105-12-31" in output
