"""The work folders and the site folder are partnerbook's own: a records repository cannot turn a build
into a delete, move or write outside them (symlinks, files in their place, folders that are not sites),
killed builds leave nothing that piles up, and two builds of one repository never interleave.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from conftest import TODAY, copy_base

from generator import workdir
from generator.site import build as site
from generator.workdir import MARKER, WorkDirError

DAY = date.fromisoformat(TODAY)


def _snapshot(folder: Path) -> dict[str, str]:
    """Every entry under ``folder`` (symlinks as their target text), without following links."""
    found = {}
    for top, dirs, files in os.walk(folder, followlinks=False):
        for name in dirs + files:
            path = Path(top, name)
            rel = path.relative_to(folder).as_posix()
            if path.is_symlink():
                found[rel] = "-> " + os.readlink(path)
            elif path.is_file():
                found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                found[rel] = "dir"
    return found


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder outside the records repository holding a file that must survive every build."""
    folder = tmp_path / "outside"
    (folder / "keep").mkdir(parents=True)
    (folder / "precious.txt").write_text("do not touch\n", encoding="utf-8")
    (folder / "keep" / "index.md").write_text("mine\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize("target", [".", "..", "outside"])
def test_a_symlink_named_site_is_refused_and_nothing_is_deleted(tmp_path: Path, outside: Path, target: str) -> None:
    root = copy_base(tmp_path / "portfolio")
    (root / ".git-like").mkdir()
    (root / ".git-like" / "HEAD").write_text("uncommitted\n", encoding="utf-8")
    (root / "site").symlink_to(outside if target == "outside" else target)
    before_root, before_parent = _snapshot(root), _snapshot(tmp_path)

    with pytest.raises(WorkDirError, match="symbolic link"):
        site.build_site(root, DAY)

    assert _snapshot(tmp_path) == before_parent
    assert _snapshot(root) == before_root


def test_the_command_refuses_a_site_symlink_with_exit_1_and_a_message(tmp_path: Path, outside: Path) -> None:
    root = copy_base(tmp_path / "portfolio")
    (root / "site").symlink_to(".")
    proc = subprocess.run([sys.executable, "-m", "generator", "build", "--root", str(root), "--today", TODAY],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 1, proc.stderr
    assert "symbolic link" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert (root / "partners").is_dir()
    assert (root / "partnerbook.yml").is_file()


@pytest.mark.parametrize("folder", [".partnerbook", ".partnerbook/cache", ".partnerbook/docs",
                                    ".partnerbook/cache/pages", ".partnerbook/cache/charts"])
@pytest.mark.parametrize("kind", ["symlink", "file"])
def test_a_work_folder_that_is_a_symlink_or_a_file_is_refused(tmp_path: Path, outside: Path, folder: str,
                                                              kind: str) -> None:
    root = copy_base(tmp_path / "portfolio")
    path = root / folder
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "symlink":
        path.symlink_to(outside)
    else:
        path.write_text("not a folder\n", encoding="utf-8")
    before = _snapshot(outside)

    with pytest.raises(WorkDirError, match=f"{'symbolic link' if kind == 'symlink' else 'a file'}, not a folder"):
        site.build_site(root, DAY)

    assert _snapshot(outside) == before
    assert not (root / "site").exists()


def test_symlinks_inside_the_work_folders_are_replaced_never_followed(tmp_path: Path, outside: Path) -> None:
    root = copy_base(tmp_path / "portfolio")
    site.build_site(root, DAY)
    work = root / ".partnerbook"
    pages = sorted((work / "cache" / "pages").glob("*.json"))
    charts = sorted((work / "cache" / "charts").glob("*.svg"))
    plants = {
        work / "cache" / "records.json": outside / "precious.txt",
        work / "mkdocs.build.yml": outside / "precious.txt",
        work / "lock": outside / "precious.txt",
        pages[0]: outside / "precious.txt",
        charts[0]: outside / "precious.txt",
        work / "cache" / "charts" / "index.json": outside / "precious.txt",
        work / "cache" / "pages" / "site-manifest.json": outside / "precious.txt",
        work / "docs" / "index.md": outside / "precious.txt",
        work / "docs" / "partners": outside / "keep",  # a symlinked subfolder of docs
        work / "docs" / "stray": outside,  # _sync_tree removes what it did not write: never through a link
    }
    for path, target in plants.items():
        if path.is_dir() and not path.is_symlink():
            import shutil

            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
        path.symlink_to(target)
    before = _snapshot(outside)

    site.build_site(root, DAY)

    assert _snapshot(outside) == before
    assert not any(path.is_symlink() for path in plants if path.name not in ("mkdocs.build.yml", "stray"))
    assert (root / "site" / "index.html").is_file()
    assert "mine" not in (root / "site" / "partners" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("planted", ["symlink", "folder"])
def test_the_preview_folder_is_partnerbooks_own_and_never_followed(tmp_path: Path, outside: Path,
                                                                   planted: str) -> None:
    """serve's site (.partnerbook/preview) may be shipped in the records repository: replaced, never followed."""
    root = copy_base(tmp_path / "portfolio")
    preview = root / ".partnerbook" / "preview"
    preview.parent.mkdir()
    if planted == "symlink":
        preview.symlink_to(outside, target_is_directory=True)
    else:
        preview.mkdir()
        (preview / "index.html").write_text("<script>planted()</script>", encoding="utf-8")
    before = _snapshot(outside)

    site.build_preview(root, DAY)

    assert _snapshot(outside) == before
    assert not preview.is_symlink()
    assert "planted()" not in (preview / "index.html").read_text(encoding="utf-8")
    assert (preview / MARKER).is_file()
    assert not (root / "site").exists()


def test_site_dir_that_is_not_a_partnerbook_site_is_not_replaced(tmp_path: Path) -> None:
    root = copy_base(tmp_path / "portfolio")
    mine = tmp_path / "documents"
    mine.mkdir()
    (mine / "thesis.txt").write_text("years of work\n", encoding="utf-8")

    with pytest.raises(WorkDirError, match=r"not a site partnerbook built.*empty it or remove it"):
        site.build_site(root, DAY, site_dir=mine)
    assert _snapshot(mine) == {"thesis.txt": hashlib.sha256(b"years of work\n").hexdigest()}

    with pytest.raises(WorkDirError, match="would hold the records"):
        site.build_site(root, DAY, site_dir=tmp_path)  # the folder holding the repository
    assert (root / "partners").is_dir()

    empty = tmp_path / "empty"
    empty.mkdir()
    report = site.build_site(root, DAY, site_dir=empty)
    assert report.site_dir == empty
    assert (empty / MARKER).is_file()
    assert (empty / "index.html").is_file()
    site.build_site(root, DAY, site_dir=empty)  # a site partnerbook built is replaced again
    assert (empty / "index.html").is_file()


def test_leftovers_of_killed_builds_are_removed_only_when_partnerbook_made_them(tmp_path: Path,
                                                                              outside: Path) -> None:
    root = copy_base(tmp_path / "portfolio")
    site.build_site(root, DAY)
    ours = [root / ".site.building-k1ll3d", root / ".site.old"]
    for folder in ours:
        (folder / "partners").mkdir(parents=True)
        (folder / MARKER).write_bytes(workdir.MARKER_TEXT)
        (folder / "partners" / "index.html").write_text("old\n", encoding="utf-8")
    foreign = root / ".site.building-notours"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine\n", encoding="utf-8")
    linked = root / ".site.building-link"
    (outside / MARKER).write_bytes(workdir.MARKER_TEXT)
    linked.symlink_to(outside)
    before = _snapshot(outside)

    site.build_site(root, DAY)

    assert not any(folder.exists() for folder in ours)
    assert (foreign / "notes.txt").read_text(encoding="utf-8") == "mine\n"
    assert linked.is_symlink()
    assert _snapshot(outside) == before
    left = sorted(p.name for p in root.iterdir() if p.name.startswith(".site."))
    assert left == [".site.building-link", ".site.building-notours"]


def test_a_site_old_in_the_way_that_is_not_ours_stops_the_build_before_anything_moves(tmp_path: Path,
                                                                                    outside: Path) -> None:
    root = copy_base(tmp_path / "portfolio")
    site.build_site(root, DAY)
    before = _snapshot(root / "site")
    (root / ".site.old").symlink_to(outside)
    with (root / "partners" / "kiln-packaging" / "partner.yaml").open("a", encoding="utf-8") as handle:
        handle.write("# a change, so the build has a site to move\n")
    with pytest.raises(WorkDirError, match=r"\.site\.old"):
        site.build_site(root, DAY)
    assert _snapshot(root / "site") == before
    assert (outside / "precious.txt").is_file()
    assert not [p for p in root.iterdir() if p.name.startswith(".site.building-")]


def _build(root: Path, today: str = TODAY) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "generator", "build", "--root", str(root), "--today", today],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_build_waits_for_the_build_holding_the_lock(tmp_path: Path) -> None:
    root = copy_base(tmp_path / "portfolio")
    with workdir.build_lock(root):
        proc = _build(root)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None and not (root / ".partnerbook" / "docs").exists():
            time.sleep(0.2)
        time.sleep(3)
        assert proc.poll() is None, "the second build must wait while the lock is held"
        assert not (root / "site").exists()
    _out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert "waiting" in err
    assert (root / "site" / "index.html").is_file()


def test_two_builds_at_once_both_succeed(tmp_path: Path) -> None:
    root = copy_base(tmp_path / "portfolio")
    first, second = _build(root), _build(root, "2026-11-25")
    results = [proc.communicate(timeout=300) for proc in (first, second)]
    assert first.returncode == 0, results[0][1]
    assert second.returncode == 0, results[1][1]
    assert (root / "site" / MARKER).is_file()
    assert not [p for p in root.iterdir() if p.name.startswith(".site.")]


def test_temporary_files_are_created_exclusively(tmp_path: Path, outside: Path) -> None:
    folder = tmp_path / "work"
    folder.mkdir()
    target = folder / "entry.json"
    # Every name a predictable scheme could use is taken by a link to the outside file.
    for name in ("entry.json.tmp", ".entry.json.tmp", f".entry.json.{os.getpid()}.tmp"):
        (folder / name).symlink_to(outside / "precious.txt")
    target.symlink_to(outside / "precious.txt")

    workdir.write_atomic(target, b"new\n")

    assert target.read_bytes() == b"new\n"
    assert not target.is_symlink()
    assert (outside / "precious.txt").read_text(encoding="utf-8") == "do not touch\n"
