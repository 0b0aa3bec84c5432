"""Nothing changed, nothing done: a build whose inputs and outputs are as the last build left them stops early.

generator/site/fingerprint.py hashes everything a build reads (records, settings, mkdocs.yml and what it
brings in, CODEOWNERS, the commit, the day, the language, partnerbook's code) and records the state of the
site and docs it wrote. These tests pin both halves: a build with nothing changed writes nothing, and any
change of an input or of the outputs runs the whole build, whose site is the one a clean build makes.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml
from conftest import TODAY, RunLine, copy_base

from generator.site import build as site
from generator.site import fingerprint
from generator.workdir import MARKER, WORK_DIR

DAY = date.fromisoformat(TODAY)


def _state(folder: Path) -> dict[str, tuple[int, int, str]]:
    """Every file's inode, modification time and digest: a file written again shows here."""
    return {path.relative_to(folder).as_posix(): (path.stat().st_ino, path.stat().st_mtime_ns,
                                                  hashlib.sha256(path.read_bytes()).hexdigest())
            for path in sorted(folder.rglob("*")) if path.is_file()}


def _tree(folder: Path) -> dict[str, str]:
    return {rel: digest for rel, (_ino, _mtime, digest) in _state(folder).items() if rel != MARKER}


def _clean(root: Path, copy: Path, day: date = DAY) -> dict[str, str]:
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns(WORK_DIR, "site"))
    site.build_site(copy, day)
    return _tree(copy / "site")


@pytest.fixture
def built(tmp_path: Path) -> Path:
    root = copy_base(tmp_path / "portfolio")
    first = site.build_site(root, DAY)
    assert not first.unchanged
    (root / WORK_DIR / "first-report.txt").write_text(f"{first.pages} {first.charts} {first.problems}")
    return root


def test_a_build_with_nothing_changed_writes_nothing(built: Path) -> None:
    before_site, before_docs = _state(built / "site"), _state(built / WORK_DIR / "docs")
    again = site.build_site(built, DAY)
    assert again.unchanged
    # Reported as the last build reported it.
    assert f"{again.pages} {again.charts} {again.problems}" == (built / WORK_DIR / "first-report.txt").read_text()
    assert again.pages > 10
    assert again.charts > 5
    assert (again.pages_rendered, again.charts_drawn) == (0, 0)
    assert _state(built / "site") == before_site, "no file of the site was written again"
    assert _state(built / WORK_DIR / "docs") == before_docs


def test_touching_a_record_without_changing_it_is_no_change(built: Path) -> None:
    record = built / "partners" / "kiln-packaging" / "partner.yaml"
    os.utime(record, ns=(1, 1))  # the bytes decide, not the modification time
    assert site.build_site(built, DAY).unchanged


@pytest.mark.parametrize("change", ["a record", "a new file under partners", "partnerbook.yml", "mkdocs.yml",
                                    "CODEOWNERS", "the day", "the language"])
def test_any_changed_input_builds_the_site_a_clean_build_makes(built: Path, tmp_path: Path, change: str,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    day = DAY
    if change == "a record":
        path = built / "partners" / "kiln-packaging" / "partner.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["description"] = "Eco packaging, now with recycled paper."
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    elif change == "a new file under partners":
        (built / "partners" / "kiln-packaging" / "notes.txt").write_text("call them\n", encoding="utf-8")
    elif change == "partnerbook.yml":
        path = built / "partnerbook.yml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data.setdefault("site", {})["title"] = "Partnerships of the fingerprint test"
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    elif change == "mkdocs.yml":
        with (built / "mkdocs.yml").open("a", encoding="utf-8") as handle:
            handle.write("copyright: Fingerprint test\n")
    elif change == "CODEOWNERS":
        (built / "CODEOWNERS").write_text("/partners/ @partnerships\n", encoding="utf-8")
    elif change == "the day":
        day = date(2026, 11, 25)
    else:
        monkeypatch.setenv("PARTNERBOOK_LANG", "it")

    again = site.build_site(built, day)
    assert not again.unchanged, f"{change} changed: the site must be built"
    assert _tree(built / "site") == _clean(built, tmp_path / "clean", day)
    assert site.build_site(built, day).unchanged, "and once built, nothing is left to do"


@pytest.mark.parametrize("damage", ["a page deleted", "a page edited", "docs edited", "a page added",
                                    "a link to a folder added"])
def test_a_site_or_docs_not_as_the_last_build_left_them_is_built_again(built: Path, tmp_path: Path,
                                                                       damage: str) -> None:
    page = built / "site" / "partners" / "kiln-packaging" / "index.html"
    if damage == "a page deleted":
        page.unlink()
    elif damage == "a page edited":
        page.write_bytes(page.read_bytes().replace(b"Kiln", b"Kilm"))
    elif damage == "docs edited":
        doc = built / WORK_DIR / "docs" / "partners" / "kiln-packaging" / "index.md"
        doc.write_text(doc.read_text(encoding="utf-8") + "\nedited\n", encoding="utf-8")
    elif damage == "a page added":
        (built / "site" / "extra.html").write_text("<p>not ours</p>", encoding="utf-8")
    else:
        (built / "site" / "elsewhere").symlink_to(tmp_path)
    again = site.build_site(built, DAY)
    assert not again.unchanged
    assert _tree(built / "site") == _clean(built, tmp_path / "clean")


def test_a_record_of_the_last_build_from_another_machine_is_not_trusted(built: Path, tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    record = built / WORK_DIR / "cache" / fingerprint.RECORD
    assert record.is_file()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another-machine"))  # another key
    assert not site.build_site(built, DAY).unchanged
    record.write_bytes(b"0" * 64 + b"\n" + b'{"format": 1}')  # forged
    assert not site.build_site(built, DAY).unchanged


def test_the_command_line_reports_the_same_site_when_nothing_changed(built: Path, run_line: RunLine) -> None:
    first = run_line(f"partnerbook build --root {built} --today {TODAY}")
    again = run_line(f"partnerbook build --root {built} --today {TODAY}")
    assert first.exit_code == again.exit_code == 0
    assert first.output.splitlines()[-1].split(":", 1)[1] == again.output.splitlines()[-1].split(":", 1)[1]
