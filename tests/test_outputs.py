"""Files a command writes on request (schemas, the calendar, new records) never go through a link,
and wrong paths or option values are the user's to fix (exit 1) or wrong usage (exit 2), never a bug."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import TODAY, copy_base

from generator import cli


def _main(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    try:
        cli.main(argv)
        status = 0
    except SystemExit as stopped:
        status = int(stopped.code or 0)
    captured = capsys.readouterr()
    return status, captured.out + captured.err


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return copy_base(tmp_path / "repo")


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    folder = tmp_path / "victim"
    folder.mkdir()
    (folder / "important.txt").write_text("keep me\n", encoding="utf-8")
    return folder


def _unchanged(victim: Path) -> None:
    assert sorted(p.name for p in victim.iterdir()) == ["important.txt"]
    assert (victim / "important.txt").read_text(encoding="utf-8") == "keep me\n"


def test_schema_does_not_write_through_a_committed_link(repo: Path, victim: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "schemas").mkdir()
    (repo / "schemas" / "partner.schema.json").symlink_to(victim / "important.txt")
    status, out = _main(["schema", "--root", str(repo)], capsys)

    assert status == 1
    assert "symbolic link" in out
    _unchanged(victim)


def test_schema_folder_that_is_a_link_is_refused(repo: Path, victim: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "schemas").symlink_to(victim)
    status, _ = _main(["schema", "--root", str(repo)], capsys)

    assert status == 1
    _unchanged(victim)


def test_calendar_does_not_write_through_a_committed_link(repo: Path, victim: Path,
                                                          capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    (repo / "partnerbook.ics").symlink_to(victim / "important.txt")
    status, out = _main(["calendar", "--today", TODAY], capsys)

    assert status == 1
    assert "partnerbook.ics is a symbolic link" in out
    _unchanged(victim)


@pytest.mark.parametrize(("argv", "link"), [
    (["new", "contract", "evil-2027", "--partner", "kiln-packaging"], "partners/kiln-packaging/contracts"),
    (["new", "partner", "newp"], "partners/newp"),
])
def test_new_does_not_write_into_a_linked_folder(repo: Path, victim: Path, capsys: pytest.CaptureFixture[str],
                                                 argv: list[str], link: str) -> None:
    target = repo / link
    if target.exists():
        for child in target.iterdir():
            child.unlink()
        target.rmdir()
    target.symlink_to(victim)
    status, _ = _main([*argv, "--root", str(repo)], capsys)

    assert status == 1
    _unchanged(victim)


@pytest.mark.parametrize("force", [False, True])
def test_new_does_not_follow_a_dangling_link(repo: Path, victim: Path, capsys: pytest.CaptureFixture[str],
                                             force: bool) -> None:
    (repo / "campaigns" / "spring-2027.yaml").symlink_to(victim / "dangling.yaml")
    status, _ = _main(["new", "campaign", "spring-2027", "--root", str(repo), *(["--force"] if force else [])],
                      capsys)

    assert status == 1
    _unchanged(victim)


def test_new_still_writes_a_plain_record(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _ = _main(["new", "campaign", "summer-2027", "--root", str(repo)], capsys)

    assert status == 0
    assert (repo / "campaigns" / "summer-2027.yaml").is_file()
    status, out = _main(["new", "campaign", "summer-2027", "--root", str(repo)], capsys)
    assert status == 1
    assert "already exists" in out


@pytest.mark.parametrize("argv", [
    ["calendar", "--today", TODAY, "-o", "{file}/x.ics"],
    ["schema", "-o", "{file}/schemas"],
    ["build", "--today", TODAY, "--site-dir", "{file}/site"],
])
def test_a_path_through_a_file_is_the_users_to_fix(repo: Path, capsys: pytest.CaptureFixture[str],
                                                   argv: list[str]) -> None:
    file = repo / "partners" / "kiln-packaging" / "partner.yaml"
    status, out = _main([a.replace("{file}", str(file)) for a in argv] + ["--root", str(repo)], capsys)

    assert status == 1, out
    assert "bug" not in out


@pytest.mark.parametrize("argv", [
    ["validate", "--today", "2026-02-29"],
    ["validate", "--today", ""],
    ["validate", "--today", "1970-01-01"],
    ["validate", "--today", "２０２６-１１-２４"],
    ["serve", "-a", "127.0.0.1:99999"],
    ["serve", "-a", "127.0.0.1"],
])
def test_bad_option_values_are_wrong_usage(repo: Path, capsys: pytest.CaptureFixture[str],
                                           argv: list[str]) -> None:
    status, out = _main([*argv, "--root", str(repo)], capsys)

    assert status == 2, out


def test_source_date_epoch_needs_ascii_digits(repo: Path, capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "٣٠٠٠٠٠٠٠٠")
    status, out = _main(["validate", "--root", str(repo)], capsys)

    assert status == 1
    assert "SOURCE_DATE_EPOCH" in out


def test_a_folder_named_like_the_settings_file_is_refused(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    os.unlink(repo / "partnerbook.yml")
    (repo / "partnerbook.yml").mkdir()
    status, out = _main(["validate", "--root", str(repo), "--today", TODAY], capsys)

    assert status == 1
    assert "partnerbook.yml is a folder" in out
