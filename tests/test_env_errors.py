"""Errors of the machine are the user's to fix (exit 1), Ctrl-C is 130, and only real bugs are 3."""

from __future__ import annotations

import errno
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import TODAY, copy_base, ctrl_c_reaches_it

from generator import cli


def _main(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as stopped:
        cli.main(argv)
    return int(stopped.value.code or 0), capsys.readouterr().err


@pytest.mark.parametrize(("code", "words"), [
    (errno.ENOSPC, "the disk is full"),
    (errno.EROFS, "read-only"),
    (errno.EACCES, "permission denied"),
    (errno.EDQUOT, "quota"),
])
def test_environment_errors_exit_1_with_the_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str], code: int, words: str) -> None:
    root = copy_base(tmp_path / "portfolio")
    from generator.site import build as site

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(code, os.strerror(code), str(root / "site" / "index.html"))

    monkeypatch.setattr(site, "build_site", fail)
    status, err = _main(["build", "--root", str(root), "--today", TODAY], capsys)
    assert status == 1
    assert words in err
    assert "site/index.html" in err
    assert "bug" not in err
    assert "Traceback" not in err


def test_unknown_os_error_is_a_bug(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_base(tmp_path / "portfolio")
    from generator.site import build as site

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EBADF, "Bad file descriptor")

    monkeypatch.setattr(site, "build_site", fail)
    status, err = _main(["build", "--root", str(root), "--today", TODAY], capsys)
    assert status == 3
    assert "bug in partnerbook" in err


def test_keyboard_interrupt_exits_130(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_base(tmp_path / "portfolio")
    from generator.checks import validate

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(validate, "validate_portfolio", interrupted)
    status, err = _main(["validate", "--root", str(root), "--today", TODAY], capsys)
    assert status == 130
    assert "interrupted" in err
    assert "Traceback" not in err


def test_serve_on_a_port_in_use_exits_1(tmp_path: Path) -> None:
    root = copy_base(tmp_path / "portfolio")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "generator", "serve", "--root", str(root), "--today", TODAY,
                               "-a", f"127.0.0.1:{port}"], capture_output=True, text=True, timeout=300,
                              check=False)
    assert done.returncode == 1, done.stderr
    assert "already in use" in done.stderr
    assert "Traceback" not in done.stderr
    assert "bug" not in done.stderr


def test_ctrl_c_during_validate_exits_130_without_traceback(tmp_path: Path) -> None:
    """A real SIGINT to the process, as a terminal sends on Ctrl-C."""
    root = copy_base(tmp_path / "portfolio")
    script = ("import time, generator.checks.validate as v\n"
              "def slow(*a, **k):\n    print('ready', flush=True); time.sleep(60)\n"
              "v.validate_portfolio = slow\n"
              "from generator.cli import run\nrun()\n")
    proc = subprocess.Popen([sys.executable, "-c", script, "validate", "--root", str(root)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=Path(__file__).resolve().parent.parent, preexec_fn=ctrl_c_reaches_it)
    assert proc.stdout is not None
    deadline = time.monotonic() + 60
    while proc.stdout.readline().strip() != "ready":
        assert time.monotonic() < deadline
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
