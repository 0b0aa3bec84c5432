"""partnerbook diff: what a pull request does, on real git repositories built here."""

from __future__ import annotations

import io
import json
import os
import shutil
import tarfile
from pathlib import Path

import pytest
from conftest import RunLine
from gitrepo import commit_all, example_repo, git, pull_request_branch, replace

from generator.cli import main

TODAY = "2026-11-24"


def run_main(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """The command as the console script runs it: errors become exit codes and messages."""
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    out, err = capsys.readouterr()
    return int(exit_info.value.code or 0), out, err


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = example_repo(tmp_path / "records")
    pull_request_branch(repo)
    return repo


def test_json_reports_exactly_the_changes_and_their_consequences(repo: Path, run_line: RunLine) -> None:
    result = run_line(f"partnerbook diff main --root {repo} --today {TODAY} --format json")
    assert result.exit_code == 0, result.output
    diff = json.loads(result.output)
    assert diff["base"] == {"ref": "main", "commit": git(repo, "rev-parse", "main").strip(), "folder": None}
    assert diff["today"] == TODAY
    records = diff["records"]
    assert records["added"] == [{"kind": "campaign", "id": "spring-2027", "partner": None,
                                 "file": "campaigns/spring-2027.yaml"}]
    assert records["removed"] == []
    assert records["changed"] == [
        {"kind": "contract", "id": "kiln-packaging/supply-2026", "partner": "kiln-packaging",
         "file": "partners/kiln-packaging/contracts/supply-2026.yaml",
         "changes": [{"field": "end", "before": "2027-12-31", "after": "2028-06-30"}],
         "clauses": {"added": [], "removed": [], "changed": []}},
        {"kind": "partner", "id": "pagamenti-sicuri", "partner": "pagamenti-sicuri",
         "file": "partners/pagamenti-sicuri/partner.yaml", "changes": [],
         "documents": {"added": [], "removed": ["pci-dss-aoc"], "changed": []}},
    ]
    new = diff["findings"]["new"]
    assert [(p["file"], p["rule"], p["severity"]) for p in new] == [
        ("partners/pagamenti-sicuri/partner.yaml", "compliance-missing", "error")]
    assert "pci-dss-aoc" in new[0]["message"]
    assert diff["findings"]["resolved"] == []
    # The findings the branch did not cause are unchanged, not new.
    assert {p["file"] for p in diff["findings"]["unchanged"]} == {
        "partners/fjord-parcel/partner.yaml", "partners/zigpoll/partner.yaml"}
    assert [(a["rule"], a["partner"], a["severity"]) for a in diff["alerts"]["new"]] == [
        ("compliance-missing", "pagamenti-sicuri", "error")]
    assert diff["alerts"]["resolved"] == []
    assert diff["health"] == [{"partner": "pagamenti-sicuri",
                               "before": {"score": 95, "grade": "A", "status": "green", "not_rated": None},
                               "after": {"score": 52, "grade": "D", "status": "red", "not_rated": None}}]
    assert diff["compliance"] == [{"partner": "pagamenti-sicuri", "kind": "document", "subject": "pci-dss-aoc",
                                   "contract": None, "before": "valid", "after": "missing"}]
    # The new campaign's results move kiln-packaging's KPIs over all campaigns and everyone's revenue share.
    kiln = {row["kpi"]: row for row in diff["kpis"]["partners"] if row["partner"] == "kiln-packaging"}
    assert kiln["campaign_conversion_rate"]["after"] == pytest.approx(0.1506172839506173)
    assert {row["kpi"] for row in diff["kpis"]["partners"] if row["partner"] != "kiln-packaging"} == {"revenue_share"}
    assert diff["kpis"]["campaigns"] == []
    assert diff["summary"] == {"records_added": 1, "records_removed": 0, "records_changed": 2, "new_errors": 1,
                               "new_warnings": 0, "resolved_findings": 0, "unchanged_findings": 2, "new_alerts": 1,
                               "resolved_alerts": 0, "health_changed": 1, "kpi_changes": 12,
                               "compliance_changes": 1}
    assert diff["computed"] == {"base": True, "head": True}


def test_markdown_headline_and_sections(repo: Path, run_line: RunLine) -> None:
    result = run_line(f"partnerbook diff main --root {repo} --today {TODAY} --format markdown")
    assert result.exit_code == 0, result.output
    lines = result.output.split("\n")
    assert lines[0] == "### partnerbook diff"
    assert lines[2] == ("**1 record added · 2 records changed · 1 new error · 1 new alert · 1 health change · "
                        "1 compliance change · 12 KPI changes**")
    summaries = [line for line in lines if line.startswith("<details")]
    assert summaries == ["<details open><summary>Records (3)</summary>",
                         "<details open><summary>New findings (1)</summary>",
                         "<details open><summary>New alerts (1)</summary>",
                         "<details><summary>Health (1)</summary>",
                         "<details><summary>Compliance (1)</summary>",
                         "<details><summary>KPIs (12)</summary>",
                         "<details><summary>Unchanged findings (2)</summary>"]
    assert "| `partners/pagamenti-sicuri/partner.yaml:75:1` | Error | compliance-missing |" in result.output
    assert "| pagamenti-sicuri | 95 A green | 52 D red |" in result.output


def test_text_names_the_changes(repo: Path, run_line: RunLine) -> None:
    result = run_line(f"partnerbook diff main --root {repo} --today {TODAY}")
    assert result.exit_code == 0, result.output
    assert "  changed  contract kiln-packaging/supply-2026 (partners/kiln-packaging/contracts/supply-2026.yaml)\n" \
           "      end: 2027-12-31 -> 2028-06-30\n" in result.output
    assert "      document removed: pci-dss-aoc\n" in result.output
    assert "  pagamenti-sicuri: 95 A green -> 52 D red\n" in result.output


def test_the_working_tree_and_the_repository_are_untouched(repo: Path, run_line: RunLine) -> None:
    (repo / "partners/zigpoll/partner.yaml").write_text(
        (repo / "partners/zigpoll/partner.yaml").read_text(encoding="utf-8").replace("name: Zigpoll\n",
                                                                                     "name: Zigpoll Ltd\n"),
        encoding="utf-8")
    status, head = git(repo, "status", "--porcelain"), git(repo, "rev-parse", "HEAD")
    result = run_line(f"partnerbook diff main --root {repo} --today {TODAY} --format json")
    assert result.exit_code == 0, result.output
    # The uncommitted edit is part of the comparison: the working tree, not HEAD, is compared.
    changed = {row["id"]: row["changes"] for row in json.loads(result.output)["records"]["changed"]}
    assert changed["zigpoll"] == [{"field": "name", "before": "Zigpoll", "after": "Zigpoll Ltd"}]
    assert git(repo, "status", "--porcelain") == status
    assert git(repo, "rev-parse", "HEAD") == head


def test_a_hostile_partner_name_is_escaped_in_markdown(repo: Path, run_line: RunLine) -> None:
    hostile = '<img src=x onerror=alert(1)> [click](javascript:alert(2)) | `code` **bold**'
    replace(repo / "partners/zigpoll/partner.yaml", "name: Zigpoll\n", f"name: '{hostile}'\n")
    commit_all(repo, "hostile name")
    result = run_line(f"partnerbook diff main --root {repo} --today {TODAY} --format markdown")
    assert result.exit_code == 0, result.output
    row = next(line for line in result.output.split("\n") if "partners/zigpoll/partner.yaml" in line
               and "name" in line)
    assert "<img" not in row
    assert "](javascript" not in row
    assert "`code`" not in row
    assert "**bold**" not in row
    assert "&#60;img src&#61;x onerror&#61;alert&#40;1&#41;&#62;" in row
    assert row.count("|") == 4  # the name's "|" does not add a column: 3 cells
    text = run_line(f"partnerbook diff main --root {repo} --today {TODAY}").output
    assert f"name: Zigpoll -> {hostile}" in text


def test_base_can_be_a_folder_and_the_root_need_not_be_a_repository(tmp_path: Path, run_line: RunLine) -> None:
    before = example_repo(tmp_path / "before")
    after = example_repo(tmp_path / "after")
    replace(next((after / "partners/zigpoll/contracts").glob("*.yaml")),
            "title: Zigpoll annual subscription", "title: Zigpoll subscription")
    shutil.rmtree(after / ".git")
    result = run_line(f"partnerbook diff {before} --root {after} --today {TODAY} --format json")
    assert result.exit_code == 0, result.output
    diff = json.loads(result.output)
    assert diff["base"] == {"ref": str(before), "commit": None, "folder": str(before)}
    assert [(r["kind"], r["changes"]) for r in diff["records"]["changed"]] == [
        ("contract", [{"field": "title", "before": "Zigpoll annual subscription", "after": "Zigpoll subscription"}])]
    assert diff["headline"] == "1 record changed"


def test_outside_git_without_a_base_folder_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = example_repo(tmp_path / "records")
    shutil.rmtree(root / ".git")
    code, _, err = run_main(["diff", "--root", str(root), "--today", TODAY], capsys)
    assert code == 1
    assert "not in a git repository" in err
    assert "pass BASE as a folder" in err
    code, _, err = run_main(["validate", "--new-since", "main", "--root", str(root), "--today", TODAY], capsys)
    assert code == 1
    assert "not in a git repository" in err


def test_an_unknown_revision_exits_1(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for base in ("no-such-branch", "--help-me"):
        code, _, err = run_main(["diff", "--root", str(repo), "--today", TODAY, "--", base], capsys)
        assert code == 1, err
        assert "is neither a folder nor a git revision" in err
        assert "Traceback" not in err


def test_default_base_is_the_merge_base_with_main(repo: Path, run_line: RunLine) -> None:
    result = run_line(f"partnerbook diff --root {repo} --today {TODAY} --format json")
    assert result.exit_code == 0, result.output
    diff = json.loads(result.output)
    assert diff["base"]["commit"] == git(repo, "rev-parse", "main").strip()
    assert diff["summary"]["new_errors"] == 1


def test_records_in_a_subfolder_of_the_repository(tmp_path: Path, run_line: RunLine) -> None:
    repo = example_repo(tmp_path / "mono")
    sub = repo / "records"
    sub.mkdir()
    for name in ("partners", "campaigns", "partnerbook.yml", "mkdocs.yml"):
        git(repo, "mv", name, f"records/{name}")
    git(repo, "commit", "-q", "-m", "move the records into a subfolder")
    git(repo, "checkout", "-q", "-b", "change")
    replace(sub / "partners/kiln-packaging/contracts/supply-2026.yaml", "end: 2027-12-31", "end: 2028-06-30")
    result = run_line(f"partnerbook diff main --root {sub} --today {TODAY} --format json")
    assert result.exit_code == 0, result.output
    diff = json.loads(result.output)
    assert diff["headline"] == "1 record changed"


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="symbolic links are needed")
def test_a_committed_link_at_base_is_refused_the_same_on_both_sides(repo: Path, run_line: RunLine) -> None:
    git(repo, "checkout", "-q", "main")
    os.symlink("/etc/passwd", repo / "campaigns/passwords.yaml")
    os.symlink("../partners/zigpoll/partner.yaml", repo / "campaigns/inside.yaml")
    git(repo, "add", "campaigns/passwords.yaml", "campaigns/inside.yaml")
    git(repo, "commit", "-q", "-m", "links")
    git(repo, "checkout", "-q", "-b", "unrelated")
    replace(repo / "partners/kiln-packaging/contracts/supply-2026.yaml", "end: 2027-12-31", "end: 2028-06-30")
    result = run_line(f"partnerbook diff HEAD --root {repo} --today {TODAY} --format json")
    assert result.exit_code == 0, result.output
    diff = json.loads(result.output)
    assert diff["findings"]["new"] == []
    unsafe = sorted(p["message"] for p in diff["findings"]["unchanged"] if p["rule"] == "unsafe-file")
    assert unsafe == ["campaigns/inside.yaml is a symbolic link; partnerbook reads only plain files and folders",
                      "campaigns/passwords.yaml is a symbolic link to outside the repository"]


@pytest.mark.parametrize(("name", "kind", "link"), [
    ("../escape.yaml", tarfile.REGTYPE, ""),
    ("/etc/escape.yaml", tarfile.REGTYPE, ""),
    ("partners/a/./b.yaml", tarfile.REGTYPE, ""),
    ("partners/hard.yaml", tarfile.LNKTYPE, "partnerbook.yml"),
    ("partners/link/partner.yaml", tarfile.REGTYPE, ""),  # below the link 'partners/link' added first
])
def test_an_unsafe_archive_is_refused(tmp_path: Path, name: str, kind: bytes, link: str) -> None:
    from generator.compute.base import _unpack
    from generator.errors import PartnerbookError

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        sym = tarfile.TarInfo("partners/link")
        sym.type, sym.linkname = tarfile.SYMTYPE, "/tmp"
        archive.addfile(sym)
        member = tarfile.TarInfo(name)
        member.type, member.linkname = kind, link
        data = b"name: x\n" if kind == tarfile.REGTYPE else b""
        member.size = len(data)
        archive.addfile(member, io.BytesIO(data))
    buffer.seek(0)
    target = tmp_path / "base"
    target.mkdir()
    with tarfile.open(fileobj=buffer, mode="r|") as archive, pytest.raises(PartnerbookError, match="refused"):
        _unpack(archive, "", target)
    assert not (tmp_path / "escape.yaml").exists()
    assert os.readlink(target / "partners/link") == "/dev/null/partnerbook-link-outside-the-repository"
