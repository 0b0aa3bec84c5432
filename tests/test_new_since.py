"""validate --new-since and alerts --new-since: fail on what a change breaks, not on what time did."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import RunLine
from gitrepo import commit_all, example_repo, git, pull_request_branch, replace

TODAY = "2026-11-24"
# The example's zigpoll DPA expires on 2027-01-14: from then on every branch has an expired document.
LATER = "2027-01-20"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return example_repo(tmp_path / "records")


def unrelated_branch(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "unrelated")
    replace(repo / "partners/kiln-packaging/contracts/supply-2026.yaml", "end: 2027-12-31", "end: 2028-06-30")
    commit_all(repo, "an unrelated change")


def test_validate_fails_on_the_removed_attestation(repo: Path, run_line: RunLine) -> None:
    pull_request_branch(repo)
    result = run_line(f"partnerbook validate --new-since main --root {repo} --today {TODAY}")
    assert result.exit_code == 1, result.output
    first = result.output.split("\n")[0]
    assert first.startswith("partners/pagamenti-sicuri/partner.yaml:75:1: error: payment partner: PCI DSS")
    assert "already at main (notices, not failing):" in result.output
    assert "  notice: partners/zigpoll/partner.yaml:52:14: warning:" in result.output
    assert "since main: 1 new error, 0 new warnings; 2 findings already at main (reported, not failing)" \
        in result.output


def test_github_annotations_mark_only_new_findings(repo: Path, run_line: RunLine, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    pull_request_branch(repo)
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = run_line(f"partnerbook validate --new-since main --root {repo} --today {TODAY} --format github")
    assert result.exit_code == 1, result.output
    commands = [line for line in result.output.split("\n") if line.startswith("::")]
    assert len(commands) == 1
    assert commands[0].startswith("::error file=partners/pagamenti-sicuri/partner.yaml,line=75,col=1,")
    assert "zigpoll" in result.output  # still listed, as text
    written = summary.read_text(encoding="utf-8")
    assert "pagamenti-sicuri" in written
    assert "zigpoll" not in written.split("since main")[0]  # the table holds new findings only


def test_json_marks_new_findings(repo: Path, run_line: RunLine) -> None:
    pull_request_branch(repo)
    result = run_line(f"partnerbook validate --new-since main --root {repo} --today {TODAY} --format json")
    assert result.exit_code == 1
    rows = json.loads(result.output)
    assert [(r["file"], r["new"]) for r in rows] == [("partners/fjord-parcel/partner.yaml", False),
                                                     ("partners/pagamenti-sicuri/partner.yaml", True),
                                                     ("partners/zigpoll/partner.yaml", False)]


def test_a_document_that_expired_on_its_own_does_not_fail_an_unrelated_change(repo: Path, run_line: RunLine) -> None:
    unrelated_branch(repo)
    plain = run_line(f"partnerbook validate --root {repo} --today {LATER}")
    assert plain.exit_code == 1  # the calendar-dependent failure the option exists for
    assert "compliance-expired" in plain.output
    result = run_line(f"partnerbook validate --new-since main --root {repo} --today {LATER} --format github")
    assert result.exit_code == 0, result.output
    assert not [line for line in result.output.split("\n") if line.startswith(("::error", "::warning"))]
    assert "notice: partners/zigpoll/partner.yaml" in result.output
    assert "compliance-expired" in result.output
    # --strict fails on new warnings only: there are none.
    assert run_line(f"partnerbook validate --new-since main --strict --root {repo} --today {LATER}").exit_code == 0


def test_strict_fails_on_a_new_warning(repo: Path, run_line: RunLine) -> None:
    git(repo, "checkout", "-q", "-b", "prospect")
    # A prospect's policy findings are warnings: make a payment partner a prospect without its attestation.
    (repo / "partners/pagamenti-sicuri/partner.yaml").write_text(
        (repo / "partners/pagamenti-sicuri/partner.yaml").read_text(encoding="utf-8")
        .replace("status: active\n", "status: prospect\n"), encoding="utf-8")
    commit_all(repo, "prospect")
    git(repo, "checkout", "-q", "-b", "no-attestation")
    from gitrepo import remove_attestation

    remove_attestation(repo)
    commit_all(repo, "remove the attestation")
    assert run_line(f"partnerbook validate --new-since prospect --root {repo} --today {TODAY}").exit_code == 0
    strict = run_line(f"partnerbook validate --new-since prospect --strict --root {repo} --today {TODAY}")
    assert strict.exit_code == 1
    assert "1 new warning" in strict.output


def test_alerts_fail_on_only_new_alerts(repo: Path, run_line: RunLine) -> None:
    unrelated_branch(repo)
    plain = run_line(f"partnerbook alerts --fail-on error --root {repo} --today {LATER}")
    assert plain.exit_code == 1
    result = run_line(f"partnerbook alerts --new-since main --fail-on error --root {repo} --today {LATER} "
                      "--format github")
    assert result.exit_code == 0, result.output
    assert not [line for line in result.output.split("\n") if line.startswith("::")]
    assert "already at main (not failing):" in result.output


def test_alerts_fail_on_the_removed_attestation(repo: Path, run_line: RunLine) -> None:
    pull_request_branch(repo)
    result = run_line(f"partnerbook alerts --new-since main --fail-on error --root {repo} --today {TODAY} "
                      "--format github")
    assert result.exit_code == 1, result.output
    commands = [line for line in result.output.split("\n") if line.startswith("::")]
    assert len(commands) == 1
    assert commands[0].startswith("::error file=partners/pagamenti-sicuri/partner.yaml,line=75,")
    rows = json.loads(run_line(f"partnerbook alerts --new-since main --root {repo} --today {TODAY} "
                               "--format json").output)
    assert [(r["rule"], r["partner"]) for r in rows if r["new"]] == [("compliance-missing", "pagamenti-sicuri")]
    assert len([r for r in rows if not r["new"]]) == 24
