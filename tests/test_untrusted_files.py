"""Records are read from the repository only: no symlinks, no special files, no silent skips.

Every test builds a real portfolio in tmp_path and plants the hostile entry itself.
"""

from __future__ import annotations

import errno
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TODAY, RunLine

from generator.load import safe_read
from generator.load.discover import discover
from generator.load.safe_read import MAX_BYTES, FileTooLarge, UnsafeFile, read_in_root

SECRET = "TOP-SECRET-CONTENT-42"
PROFILE = "partners/kiln-packaging/partner.yaml"


def _validate(root: Path, run_line: RunLine) -> tuple[int, list[dict[str, object]], str]:
    result = run_line(f"partnerbook validate --root {root} --today {TODAY} --format json")
    assert "Traceback" not in result.output
    return result.exit_code, json.loads(result.stdout), result.output


def _outside(tmp_path: Path) -> Path:
    """A folder next to the repository holding files a link could point at."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "partner.yaml").write_text(f"name: {SECRET}\ncategory: payment\nstatus: active\nowner: x\n",
                                          encoding="utf-8")
    (outside / "secret.txt").write_text(f"{SECRET}\n", encoding="utf-8")
    return outside


def _replace_with_link(path: Path, target: Path | str) -> None:
    if path.is_dir() and not path.is_symlink():
        import shutil
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)


@pytest.mark.parametrize(
    ("relative", "target_name"),
    [
        pytest.param(PROFILE, "partner.yaml", id="partner-profile"),
        pytest.param("partners/kiln-packaging/contracts/supply-2026.yaml", "secret.txt", id="contract"),
        pytest.param("partners/shopcloud/sla.yaml", "secret.txt", id="sla"),
        pytest.param("campaigns/easter-2026.yaml", "secret.txt", id="campaign"),
        pytest.param("partnerbook.yml", "secret.txt", id="settings"),
        pytest.param("mkdocs.yml", "secret.txt", id="mkdocs-config"),
        pytest.param("partners/evil", ".", id="partner-folder"),
        pytest.param("partners/kiln-packaging/contracts", ".", id="contracts-folder"),
        pytest.param("partners", ".", id="partners-folder"),
        pytest.param("campaigns", ".", id="campaigns-folder"),
    ],
)
def test_a_link_to_outside_the_repository_is_refused_unread(
    relative: str, target_name: str, base_portfolio: Path, tmp_path: Path, run_line: RunLine
) -> None:
    outside = _outside(tmp_path)
    _replace_with_link(base_portfolio / relative, outside / target_name)

    exit_code, problems, output = _validate(base_portfolio, run_line)

    assert exit_code == 1
    refused = [p for p in problems if p["rule"] == "unsafe-file"]
    assert [(p["file"], p["severity"]) for p in refused] == [(relative, "error")]
    assert refused[0]["message"] == f"{relative} is a symbolic link to outside the repository"
    assert "replace the link" in str(refused[0]["hint"])
    assert SECRET not in output
    assert str(outside) not in output


@pytest.mark.parametrize(
    ("relative", "target"),
    [
        pytest.param("partners/copy/partner.yaml", "../kiln-packaging/partner.yaml", id="file"),
        pytest.param("partners/copy", "kiln-packaging", id="folder"),
    ],
)
def test_a_link_inside_the_repository_is_refused_too(
    relative: str, target: str, base_portfolio: Path, run_line: RunLine
) -> None:
    _replace_with_link(base_portfolio / relative, target)

    exit_code, problems, _ = _validate(base_portfolio, run_line)

    assert exit_code == 1
    refused = [p for p in problems if p["rule"] == "unsafe-file"]
    assert [p["file"] for p in refused] == [relative]
    assert "is a symbolic link; partnerbook reads only plain files and folders" in str(refused[0]["message"])


def test_a_link_to_dev_zero_is_refused_without_reading(base_portfolio: Path, run_line: RunLine) -> None:
    _replace_with_link(base_portfolio / PROFILE, "/dev/zero")

    exit_code, problems, _ = _validate(base_portfolio, run_line)

    assert exit_code == 1
    assert [(p["file"], p["rule"]) for p in problems if p["rule"] == "unsafe-file"] == [(PROFILE, "unsafe-file")]


def _run_cli(*args: str, timeout: int = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True,
                          timeout=timeout, check=False)


@pytest.mark.parametrize("command", ["validate", "build"])
def test_a_fifo_record_does_not_hang(command: str, base_portfolio: Path) -> None:
    fifo = base_portfolio / "campaigns" / "live.yaml"
    os.mkfifo(fifo)

    child = _run_cli(command, "--root", str(base_portfolio), "--today", TODAY, timeout=120)

    assert child.returncode == 1, child.stdout + child.stderr
    assert "Traceback" not in child.stderr
    assert "campaigns/live.yaml" in child.stdout + child.stderr
    assert "FIFO" in child.stdout + child.stderr


def test_read_in_root_refuses_a_fifo_without_blocking(tmp_path: Path) -> None:
    # Called directly too: a FIFO swapped in after the folder was listed is refused when opened.
    os.mkfifo(tmp_path / "pipe.yaml")

    with pytest.raises(UnsafeFile, match="FIFO"):
        read_in_root(tmp_path, tmp_path / "pipe.yaml")


def test_a_socket_record_is_refused(base_portfolio: Path, run_line: RunLine) -> None:
    path = base_portfolio / "campaigns" / "sock.yaml"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        exit_code, problems, _ = _validate(base_portfolio, run_line)
    finally:
        server.close()

    assert exit_code == 1
    found = [p for p in problems if p["file"] == "campaigns/sock.yaml"]
    assert [(p["rule"], p["message"]) for p in found] == [
        ("unsafe-file", "campaigns/sock.yaml is a socket, not a regular file")]


def test_read_in_root_refuses_a_folder_swapped_for_a_link(tmp_path: Path) -> None:
    # discover() saw a plain folder; by the time the file is opened it is a link. O_NOFOLLOW on
    # every step of the path refuses it instead of reading through the link.
    outside = _outside(tmp_path)
    root = tmp_path / "repo"
    (root / "partners").mkdir(parents=True)
    (root / "partners" / "evil").symlink_to(outside)

    with pytest.raises(UnsafeFile, match="symbolic link to outside"):
        read_in_root(root, root / "partners" / "evil" / "partner.yaml")


def test_the_byte_cap_is_enforced_while_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "big.yaml").write_bytes(b"x" * (5 * MAX_BYTES))
    read_sizes: list[int] = []
    real_read = os.read

    def counting_read(fd: int, size: int) -> bytes:
        chunk = real_read(fd, size)
        read_sizes.append(len(chunk))
        return chunk

    monkeypatch.setattr(safe_read.os, "read", counting_read)
    # stat() lies (a file that grows, a /proc file): the cap must not depend on it.
    monkeypatch.setattr(Path, "stat", lambda *_a, **_k: os.stat_result((0o100644, 0, 0, 1, 0, 0, 1, 0, 0, 0)))

    with pytest.raises(FileTooLarge):
        read_in_root(tmp_path, tmp_path / "big.yaml", max_bytes=1000)

    assert sum(read_sizes) == 1001


def _failing_scandir(monkeypatch: pytest.MonkeyPatch, blocked: Path) -> None:
    real_scandir = os.scandir

    def scandir(path: object = ".") -> object:
        if Path(str(path)) == blocked:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)


@pytest.mark.parametrize(
    "relative", ["partners/kiln-packaging", "partners/kiln-packaging/contracts", "partners", "campaigns"]
)
def test_an_unreadable_folder_is_a_finding(
    relative: str, base_portfolio: Path, run_line: RunLine, monkeypatch: pytest.MonkeyPatch
) -> None:
    _failing_scandir(monkeypatch, base_portfolio / relative)

    exit_code, problems, _ = _validate(base_portfolio, run_line)

    assert exit_code == 1
    found = [p for p in problems if p["rule"] == "folder-unreadable"]
    assert [(p["file"], p["severity"], p["message"]) for p in found] == [
        (relative, "error", f"cannot list {relative}/: Permission denied")]


def test_an_unreadable_record_is_a_finding(
    base_portfolio: Path, run_line: RunLine, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_open = os.open

    def guarded_open(path: object, flags: int, *args: object, **kwargs: object) -> int:
        if path == "partner.yaml":
            raise PermissionError(errno.EACCES, "Permission denied")
        return real_open(path, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(safe_read.os, "open", guarded_open)

    exit_code, problems, _ = _validate(base_portfolio, run_line)

    assert exit_code == 1
    assert {(p["file"], p["rule"]) for p in problems if p["rule"] == "file-unreadable"} >= {
        (PROFILE, "file-unreadable")}


@pytest.mark.parametrize(
    "name",
    ["bad\nname", "x\n::error file=a.yaml::pwned", "esc\x1b[31mred", "bidi\u202eevil", "line\u2028sep"],
)
def test_a_name_with_control_characters_is_reported_escaped(
    name: str, base_portfolio: Path, run_line: RunLine
) -> None:
    folder = base_portfolio / "partners" / name
    folder.mkdir()
    (folder / "partner.yaml").write_text("name: X\n", encoding="utf-8")
    (base_portfolio / "campaigns" / f"{name}.yaml").write_text("name: X\n", encoding="utf-8")

    exit_code, problems, _ = _validate(base_portfolio, run_line)
    text = run_line(f"partnerbook validate --root {base_portfolio} --today {TODAY}").output

    assert exit_code == 1
    invalid = [p for p in problems if p["rule"] == "invalid-id"]
    assert len(invalid) == 2
    for problem in problems:
        for key in ("file", "message", "hint"):
            value = str(problem[key])
            assert value.isprintable(), (key, value)
    assert not any(line.startswith("::error file=a.yaml") for line in text.splitlines())
    assert name not in text


def test_discover_lists_only_plain_entries(base_portfolio: Path, tmp_path: Path) -> None:
    outside = _outside(tmp_path)
    (base_portfolio / "partners" / "linked").symlink_to(outside)
    os.mkfifo(base_portfolio / "partners" / "kiln-packaging" / "contracts" / "pipe.yaml")

    layout = discover(base_portfolio)

    assert "linked" not in layout.partners
    assert "pipe" not in layout.partners["kiln-packaging"].contracts
    assert sorted((p.file, p.rule) for p in layout.problems) == [
        ("partners/kiln-packaging/contracts/pipe.yaml", "unsafe-file"),
        ("partners/linked", "unsafe-file"),
    ]
