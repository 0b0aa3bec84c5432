"""`--format codequality`: GitLab Code Quality reports from validate and alerts.

The schema below is the report format GitLab documents ("Code Quality report format", CI artifacts
reports:codequality): a JSON array of issues, each with description, check_name, fingerprint,
severity (info, minor, major, critical, blocker) and location.path with location.lines.begin.
"""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
from pathlib import Path

import pytest
from conftest import TODAY, RunLine

STRIPE = "partners/stripe-payments/partner.yaml"
KILN = "partners/kiln-packaging/partner.yaml"
PCI_ENTRY = """  - type: pci-dss-aoc
    status: valid
    issued: 2026-06-01
    expires: 2027-05-31
    evidence: https://example.com/evidence/pci-aoc-2026.pdf
"""

# GitLab's documented fields, with the type each must have; nothing else is required.
ISSUE_SCHEMA: dict[str, object] = {
    "description": str,
    "check_name": str,
    "fingerprint": str,
    "severity": str,
    "location": {"path": str, "lines": {"begin": int}},
}
SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


def check_shape(value: object, schema: object, where: str = "issue") -> None:
    if isinstance(schema, dict):
        assert isinstance(value, dict), f"{where} is {type(value).__name__}, not an object"
        missing = set(schema) - set(value)
        assert not missing, f"{where} lacks {sorted(missing)}"
        for key, inner in schema.items():
            check_shape(value[key], inner, f"{where}.{key}")
    else:
        assert isinstance(value, schema), f"{where}: {value!r} is not {schema}"
        assert not isinstance(value, bool), f"{where}: {value!r} is a boolean"


def report(output: str) -> list[dict]:
    """The report parsed, after checking it against GitLab's documented shape."""
    issues = json.loads(output)
    assert isinstance(issues, list)
    for issue in issues:
        check_shape(issue, ISSUE_SCHEMA)
        assert issue["severity"] in SEVERITIES
        assert re.fullmatch(r"[0-9a-f]{64}", issue["fingerprint"]), "a SHA-256 in hex"
        assert issue["location"]["lines"]["begin"] >= 1
        assert not issue["location"]["path"].startswith("/"), "paths are relative to the repository"
    fingerprints = [issue["fingerprint"] for issue in issues]
    assert len(set(fingerprints)) == len(fingerprints), "GitLab shows only the first issue of a fingerprint"
    return issues


def edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def validate(run_line: RunLine, root: Path, today: str = TODAY) -> tuple[int, list[dict]]:
    result = run_line(f"partnerbook validate --root {root} --today {today} --format codequality")
    return result.exit_code, report(result.output)


def test_a_clean_portfolio_gives_an_empty_report(base_portfolio: Path, run_line: RunLine) -> None:
    result = run_line(f"partnerbook validate --root {base_portfolio} --today {TODAY} --format codequality")

    assert result.exit_code == 0
    assert result.output == "[]\n"


def test_each_finding_is_an_issue_on_its_file_and_line(base_portfolio: Path, run_line: RunLine) -> None:
    edit(base_portfolio, STRIPE, PCI_ENTRY, "")

    code, issues = validate(run_line, base_portfolio)

    assert code == 1
    assert len(issues) == 1
    issue = issues[0]
    assert issue["check_name"] == "compliance-missing"
    assert issue["location"] == {"path": STRIPE, "lines": {"begin": 37}}
    assert issue["description"].startswith(
        "payment partner: PCI DSS attestation of compliance (pci-dss-aoc) is missing. Fix: add it under compliance:")


def test_severities_follow_what_the_finding_means(base_portfolio: Path, run_line: RunLine) -> None:
    edit(base_portfolio, KILN, "category: supplier", "category: suplier")  # the tool cannot read it: critical
    edit(base_portfolio, STRIPE, PCI_ENTRY, "")  # a policy error (the build still runs): major
    edit(base_portfolio, STRIPE, "expires: 2028-01-09", "expires: 2027-01-10")  # expiring soon: a warning, minor

    _, issues = validate(run_line, base_portfolio)

    assert {(i["check_name"], i["severity"]) for i in issues} == {
        ("invalid-value", "critical"), ("compliance-missing", "major"), ("compliance-expiring", "minor")}


def test_a_fingerprint_survives_a_moved_line_and_a_new_day(base_portfolio: Path, run_line: RunLine) -> None:
    edit(base_portfolio, STRIPE, "expires: 2028-01-09", "expires: 2027-01-10")
    _, before = validate(run_line, base_portfolio)
    # Three lines above it and a day later: other line, other "in N days", the same finding.
    edit(base_portfolio, STRIPE, "name: Stripe Payments\n", "# moved\n# down\n# three lines\nname: Stripe Payments\n")
    _, after = validate(run_line, base_portfolio, "2026-11-25")

    assert len(before) == len(after) == 1
    assert after[0]["location"]["lines"]["begin"] == before[0]["location"]["lines"]["begin"] + 3
    assert after[0]["description"] != before[0]["description"]
    assert after[0]["fingerprint"] == before[0]["fingerprint"]


def test_fingerprints_differ_by_rule_file_and_message(base_portfolio: Path, run_line: RunLine) -> None:
    edit(base_portfolio, KILN, "category: supplier", "category: suplier")
    edit(base_portfolio, "partners/zigpoll-surveys/partner.yaml", "category: feedback", "category: suplier")
    _, one_value = validate(run_line, base_portfolio)
    edit(base_portfolio, KILN, "category: suplier", "category: supplyer")
    _, other_value = validate(run_line, base_portfolio)

    assert len(one_value) == 2  # same rule and message, two files: two fingerprints (report() checks)
    by_path = {i["location"]["path"]: i["fingerprint"] for i in other_value}
    assert by_path[KILN] not in {i["fingerprint"] for i in one_value}  # another message
    assert by_path["partners/zigpoll-surveys/partner.yaml"] in {i["fingerprint"] for i in one_value}


def test_identical_findings_in_one_file_keep_distinct_fingerprints(base_portfolio: Path, run_line: RunLine) -> None:
    contacts = "contacts:\n  - name: Support desk\n"
    edit(base_portfolio, STRIPE, contacts, "contacts:\n  - name: Support desk\n    extra_a: 1\n    extra_b: 1\n")
    result = run_line(f"partnerbook validate --root {base_portfolio} --today {TODAY} --format json")
    findings = json.loads(result.output)
    same = [(f["rule"], re.sub(r"[0-9]+", "#", f["message"])) for f in findings]
    if len(set(same)) == len(same):  # make two that differ only in a number
        edit(base_portfolio, STRIPE, "    extra_a: 1\n    extra_b: 1\n", "    extra1: 1\n    extra2: 1\n")
        findings = json.loads(run_line(
            f"partnerbook validate --root {base_portfolio} --today {TODAY} --format json").output)
        same = [(f["rule"], re.sub(r"[0-9]+", "#", f["message"])) for f in findings]

    _, issues = validate(run_line, base_portfolio)

    assert len(same) > len(set(same)), "the case has findings that normalise to the same key"
    assert len(issues) == len(findings)  # and report() checked that the fingerprints are all distinct


def test_record_text_is_escaped_no_raw_control_character(base_portfolio: Path, run_line: RunLine) -> None:
    edit(base_portfolio, KILN, "category: supplier", 'category: "sup\\e[2J\\u202eplier\\x85"')
    folder = base_portfolio / "partners" / "evil\x1b]0;x\x07\u2028name"
    folder.mkdir()
    (folder / "partner.yaml").write_text("name: x\n", encoding="utf-8")

    result = run_line(f"partnerbook validate --root {base_portfolio} --today {TODAY} --format codequality")
    issues = report(result.output)

    raw = [c for c in result.output if c != "\n" and unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp")]
    assert raw == []
    texts = [t for i in issues for t in (i["description"], i["check_name"], i["location"]["path"])]
    assert all(t.isprintable() for t in texts), texts
    assert any("\\x1b" in i["description"] and "\\u202e" in i["description"] for i in issues)
    assert any(i["location"]["path"].startswith("partners/evil\\x1b]0;x\\x07\\u2028name") for i in issues)


def test_alerts_give_a_code_quality_report(base_portfolio: Path, run_line: RunLine) -> None:
    edit(base_portfolio, STRIPE, PCI_ENTRY, "")

    result = run_line(f"partnerbook alerts --root {base_portfolio} --today {TODAY} --format codequality "
                      "--fail-on error")
    issues = report(result.output)

    assert result.exit_code == 1
    assert {i["severity"] for i in issues} == {"major", "minor", "info"}  # error, warning, info alerts
    missing = [i for i in issues if i["check_name"] == "compliance-missing"]
    assert [(i["severity"], i["location"]) for i in missing] == [("major", {"path": STRIPE, "lines": {"begin": 37}})]


@pytest.mark.parametrize("command", ["validate", "alerts"])
def test_the_report_is_the_same_for_the_same_records(base_portfolio: Path, run_line: RunLine, command: str) -> None:
    edit(base_portfolio, STRIPE, PCI_ENTRY, "")
    line = f"partnerbook {command} --root {base_portfolio} --today {TODAY} --format codequality"

    assert run_line(line).output == run_line(line).output


def test_with_new_since_the_report_lists_every_finding_and_only_new_ones_fail(base_portfolio: Path, tmp_path: Path,
                                                                              run_line: RunLine) -> None:
    # GitLab tells new from old by comparing fingerprints with the target branch's report: both list everything.
    edit(base_portfolio, STRIPE, PCI_ENTRY, "")
    base = tmp_path / "base"
    shutil.copytree(base_portfolio, base)
    line = f"partnerbook validate --root {base_portfolio} --today {TODAY} --format codequality --new-since {base}"

    unchanged = run_line(line)
    edit(base_portfolio, KILN, "category: supplier", "category: suplier")
    changed = run_line(line)

    assert unchanged.exit_code == 0
    assert [i["check_name"] for i in report(unchanged.output)] == ["compliance-missing"]
    assert changed.exit_code == 1
    assert sorted(i["check_name"] for i in report(changed.output)) == ["compliance-missing", "invalid-value"]
    assert report(unchanged.output)[0] in report(changed.output)  # the same issue, fingerprint and all
