"""The command line as a user meets it: exit codes, output formats, help, scaffolding and schemas."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import TODAY, RunLine

from generator.checks.validate import validate_portfolio
from generator.cli import cli, main

KEYS = ["file", "line", "column", "rule", "severity", "message", "hint"]
STRIPE = "partners/stripe-payments/partner.yaml"


def run_main(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run the installed entry point (with its error handling), like the `partnerbook` script."""
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    captured = capsys.readouterr()
    return (code if isinstance(code, int) else 0 if code is None else 1), captured.out, captured.err


def break_kiln(root: Path) -> None:
    """One misspelt category: an error at partners/kiln-packaging/partner.yaml:3:11."""
    profile = root / "partners" / "kiln-packaging" / "partner.yaml"
    profile.write_text(profile.read_text(encoding="utf-8").replace("category: supplier", "category: suplier"),
                       encoding="utf-8")


def expire_soon(root: Path) -> None:
    """The PCI DSS attestation expires within the 60-day warning window of --today."""
    profile = root / STRIPE
    profile.write_text(profile.read_text(encoding="utf-8").replace("expires: 2027-05-31", "expires: 2027-01-10"),
                       encoding="utf-8")


# Exit codes


def test_clean_portfolio_exits_0(base_portfolio: Path, run_line: RunLine) -> None:
    result = run_line(f"partnerbook validate --root {base_portfolio} --today {TODAY}")

    assert result.exit_code == 0
    assert result.stdout == "10 files checked: no problems\n"


def test_problems_exit_1_with_path_line_column_and_hint(base_portfolio: Path, run_line: RunLine) -> None:
    break_kiln(base_portfolio)

    result = run_line(f"partnerbook validate --root {base_portfolio} --today {TODAY}")

    assert result.exit_code == 1
    assert result.stdout == (
        "partners/kiln-packaging/partner.yaml:3:11: error: the text 'suplier' is not a valid category "
        "[invalid-value]\n"
        "    hint: did you mean 'supplier'? allowed values: payment, logistics, marketing, feedback, platform, "
        "supplier, customer-service, other\n"
        "10 files checked: 1 error, 0 warnings in 1 file\n"
    )


def test_root_is_the_working_directory_by_default(base_portfolio: Path, run_line: RunLine,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(base_portfolio)

    assert run_line(f"partnerbook validate --today {TODAY}").exit_code == 0


@pytest.mark.parametrize(
    "line",
    [
        "partnerbook validate --format nope",
        "partnerbook validate --no-such-option",
        "partnerbook validate --root does-not-exist",
        "partnerbook frobnicate",
        "partnerbook new supplier kiln-packaging",
    ],
)
def test_wrong_usage_exits_2(line: str, run_line: RunLine) -> None:
    result = run_line(line)

    assert result.exit_code == 2
    assert "Error:" in result.output
    assert "Traceback" not in result.output


def test_a_folder_without_records_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_main(["validate", "--root", str(tmp_path)], capsys)

    assert code == 1
    assert out == ""
    assert err.startswith(f"partnerbook: {tmp_path.resolve()} has no partners/ or campaigns/ folder")


def test_a_bad_today_is_a_clear_error(base_portfolio: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_main(["validate", "--root", str(base_portfolio), "--today", "2026-13-01"], capsys)

    assert code == 2  # wrong usage, like any bad option value
    assert err.endswith("Error: Invalid value for '--today': '2026-13-01' is not a date from 1970-01-02 to "
                        "2105-12-31 written as YYYY-MM-DD\n")


def test_source_date_epoch_fixes_today(base_portfolio: Path, run_line: RunLine,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    # 2028-06-01: the DPAs of the base portfolio have expired by then.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(datetime(2028, 6, 1, tzinfo=UTC).timestamp())))

    result = run_line(f"partnerbook validate --root {base_portfolio} --format json")

    assert result.exit_code == 1
    assert "compliance-expired" in {p["rule"] for p in json.loads(result.stdout)}


def test_strict_turns_warnings_into_failure(base_portfolio: Path, run_line: RunLine) -> None:
    expire_soon(base_portfolio)

    relaxed = run_line(f"partnerbook validate --root {base_portfolio} --today {TODAY}")
    strict = run_line(f"partnerbook validate --root {base_portfolio} --today {TODAY} --strict")

    assert relaxed.exit_code == 0
    assert strict.exit_code == 1
    assert relaxed.stdout == strict.stdout == (
        f"{STRIPE}:41:14: warning: PCI DSS attestation of compliance (pci-dss-aoc) expires on Jan 10, 2027, "
        "in 47 days [compliance-expiring]\n"
        "    hint: ask the partner for the renewed document now\n"
        "10 files checked: 0 errors, 1 warning in 1 file\n"
    )


# Output formats


def test_json_is_a_list_of_problems_with_fixed_keys(base_portfolio: Path, run_line: RunLine) -> None:
    break_kiln(base_portfolio)
    expire_soon(base_portfolio)

    result = run_line(f"partnerbook validate --root {base_portfolio} --today {TODAY} --format json")

    problems = json.loads(result.stdout)
    assert result.exit_code == 1
    assert [list(p) for p in problems] == [KEYS, KEYS]
    assert [(p["file"], p["line"], p["column"], p["rule"], p["severity"]) for p in problems] == [
        ("partners/kiln-packaging/partner.yaml", 3, 11, "invalid-value", "error"),
        (STRIPE, 41, 14, "compliance-expiring", "warning"),
    ]


def test_json_of_a_clean_portfolio_is_an_empty_list(base_portfolio: Path, run_line: RunLine) -> None:
    result = run_line(f"partnerbook validate --root {base_portfolio} --today {TODAY} --format json")

    assert json.loads(result.stdout) == []


def test_github_format_annotates_the_line_then_summarises(base_portfolio: Path, run_line: RunLine) -> None:
    break_kiln(base_portfolio)
    (base_portfolio / "campaigns" / "Spring.yaml").write_text("name: Spring\n", encoding="utf-8")

    result = run_line(f"partnerbook validate --root {base_portfolio} --today {TODAY} --format github")

    lines = result.output.splitlines()
    assert result.exit_code == 1
    assert lines[0] == (
        "::error file=campaigns/Spring.yaml,title=partnerbook invalid-id::'Spring' is not a valid campaign id "
        "(ids are file and folder names). Fix: rename it to 'spring': 1-64 lowercase letters, digits and "
        "single hyphens"
    )
    assert lines[1] == (
        "::error file=partners/kiln-packaging/partner.yaml,line=3,col=11,title=partnerbook invalid-value::"
        "the text 'suplier' is not a valid category. Fix: did you mean 'supplier'? allowed values: payment, "
        "logistics, marketing, feedback, platform, supplier, customer-service, other"
    )
    assert lines[2:4] == ["", "partnerbook validate found:"]
    assert "by rule: invalid-id 1, invalid-value 1" in lines
    assert lines[-1] == "10 files checked: 2 errors, 0 warnings in 2 files"


def test_github_format_writes_the_step_summary(base_portfolio: Path, run_line: RunLine, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    summary = tmp_path / "step-summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    break_kiln(base_portfolio)

    run_line(f"partnerbook validate --root {base_portfolio} --today {TODAY} --format github")

    text = summary.read_text(encoding="utf-8")
    assert text.startswith("### partnerbook validate\n\n10 files checked: 1 error, 0 warnings in 1 file\n")
    assert "| `partners/kiln-packaging/partner.yaml` | 3 | Error | invalid-value |" in text


def test_github_annotations_escape_newlines_and_commas(base_portfolio: Path, run_line: RunLine) -> None:
    folder = base_portfolio / "partners" / "a,b"
    folder.mkdir()
    (folder / "partner.yaml").write_text("name: x\n", encoding="utf-8")

    result = run_line(f"partnerbook validate --root {base_portfolio} --today {TODAY} --format github")

    assert result.output.splitlines()[0].startswith("::error file=partners/a%2Cb,title=partnerbook invalid-id::")


# Help


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_has_help_with_an_example(command: str, run_line: RunLine) -> None:
    result = run_line(f"partnerbook {command} --help")

    assert result.exit_code == 0
    assert re.search(r"^  Examples?:\n    partnerbook " + command, result.output, re.MULTILINE), result.output


def test_the_main_help_lists_the_commands(run_line: RunLine) -> None:
    result = run_line("partnerbook --help")

    assert result.exit_code == 0
    assert "Example:\n    partnerbook validate" in result.output
    for command in ("validate", "build", "schema", "new"):
        assert re.search(rf"^  {command} ", result.output, re.MULTILINE)


# Scaffolding


@pytest.fixture
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """`partnerbook new` dates its skeleton from the clock; pin it to the tests' today."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(datetime(2026, 11, 24, tzinfo=UTC).timestamp())))


@pytest.mark.usefixtures("fixed_clock")
@pytest.mark.parametrize(
    ("line", "written"),
    [
        ("partnerbook new partner clay-boxes", "partners/clay-boxes/partner.yaml"),
        ("partnerbook new contract supply-2027 --partner kiln-packaging",
         "partners/kiln-packaging/contracts/supply-2027.yaml"),
        ("partnerbook new campaign easter-2027", "campaigns/easter-2027.yaml"),
    ],
)
def test_new_writes_a_record_that_validates_clean(line: str, written: str, base_portfolio: Path,
                                                   run_line: RunLine) -> None:
    result = run_line(f"{line} --root {base_portfolio}")

    assert result.exit_code == 0
    assert result.output.splitlines()[0] == (f"wrote {base_portfolio / written}; fill in the fields and run "
                                             "'partnerbook validate'")
    check = run_line(f"partnerbook validate --root {base_portfolio} --today {TODAY} --format json")
    assert json.loads(check.stdout) == []
    assert check.exit_code == 0


def test_new_contract_needs_a_partner(base_portfolio: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_main(["new", "contract", "supply-2027", "--root", str(base_portfolio)], capsys)

    assert code == 1
    assert err == "partnerbook: a contract belongs to a partner: pass --partner PARTNER-ID\n"
    assert not list(base_portfolio.glob("partners/*/contracts/supply-2027.yaml"))


def test_new_refuses_an_invalid_id(base_portfolio: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_main(["new", "partner", "Clay_Boxes", "--root", str(base_portfolio)], capsys)

    assert code == 1
    assert err == ("partnerbook: 'Clay_Boxes' is not a valid partner id; try 'clay-boxes' "
                   "(1-64 lowercase letters, digits and single hyphens)\n")
    assert not (base_portfolio / "partners" / "Clay_Boxes").exists()


@pytest.mark.usefixtures("fixed_clock")
def test_new_does_not_overwrite_without_force(base_portfolio: Path, capsys: pytest.CaptureFixture[str]) -> None:
    profile = base_portfolio / "partners" / "kiln-packaging" / "partner.yaml"
    before = profile.read_text(encoding="utf-8")

    code, _, err = run_main(["new", "partner", "kiln-packaging", "--root", str(base_portfolio)], capsys)

    assert code == 1
    assert err == f"partnerbook: {profile} already exists; pass --force to overwrite it\n"
    assert profile.read_text(encoding="utf-8") == before
    code, _, _ = run_main(["new", "partner", "kiln-packaging", "--force", "--root", str(base_portfolio)], capsys)
    assert code == 0
    assert profile.read_text(encoding="utf-8") != before


# Schemas


def test_schema_writes_a_json_schema_of_each_record(tmp_path: Path, run_line: RunLine) -> None:
    out = tmp_path / "out"

    result = run_line(f"partnerbook schema -o {out}")

    names = ["campaign", "contract", "partner", "settings", "sla", "team"]
    assert result.exit_code == 0
    assert sorted(result.output.splitlines()) == [f"wrote {out / name}.schema.json" for name in names]
    assert sorted(p.name for p in out.iterdir()) == [f"{name}.schema.json" for name in names]
    for name in names:
        schema = json.loads((out / f"{name}.schema.json").read_text(encoding="utf-8"))
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["$id"].endswith(f"/{name}.schema.json")
        assert schema["type"] == "object"
        assert schema["additionalProperties"] is False
        assert set(schema.get("required", [])) <= set(schema["properties"])
        refs = re.findall(r'"\$ref": "#/\$defs/([^"]+)"', json.dumps(schema))
        assert set(refs) <= set(schema.get("$defs", {})), f"{name}: dangling $ref"


def test_schema_requires_the_fields_the_spec_requires(tmp_path: Path, run_line: RunLine) -> None:
    run_line(f"partnerbook schema -o {tmp_path}")

    def required(name: str) -> list[str]:
        return json.loads((tmp_path / f"{name}.schema.json").read_text(encoding="utf-8")).get("required", [])

    assert sorted(required("partner")) == ["category", "name", "owner", "status"]
    assert required("contract") == ["title"]
    assert sorted(required("campaign")) == ["end", "name", "owner", "start"]
    assert required("settings") == []


# Start-up cost


def test_validate_does_not_import_heavy_libraries(base_portfolio: Path) -> None:
    script = (
        "import sys\n"
        "from generator.cli import main\n"
        f"sys.argv = ['partnerbook', 'validate', '--root', {str(base_portfolio)!r}, '--today', {TODAY!r}]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exc:\n"
        "    code = exc.code\n"
        "heavy = sorted(m for m in ('pandas', 'matplotlib', 'mkdocs', 'numpy') if m in sys.modules)\n"
        "print('exit', code, 'heavy', heavy)\n"
    )

    child = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False)

    assert child.stdout.splitlines()[-1] == "exit 0 heavy []", child.stderr


def test_validate_portfolio_is_usable_as_a_library(base_portfolio: Path) -> None:
    portfolio, result = validate_portfolio(base_portfolio, datetime(2026, 11, 24).date())

    assert result.problems == []
    assert result.files_checked == 10
    assert sorted(portfolio.partners) == ["kiln-packaging", "shopcloud", "stripe-payments", "zigpoll-surveys"]
    assert sorted(portfolio.campaigns) == ["easter-2026"]


def test_batch_commands_leave_the_garbage_collector_as_they_found_it(base_portfolio: Path, run_line: RunLine) -> None:
    import gc

    assert gc.isenabled()
    result = run_line(f"partnerbook validate --root {base_portfolio} --today {TODAY}")

    assert result.exit_code == 0, result.output
    assert gc.isenabled()
