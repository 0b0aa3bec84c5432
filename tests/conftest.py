"""Shared fixtures: a sandbox for every test, the command line as a shell line, the base portfolio."""

from __future__ import annotations

import shlex
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir

from generator import i18n
from generator.cli import cli

CASES = Path(__file__).resolve().parent / "cases"
BASE = CASES / "base"
TODAY = "2026-11-24"

# Hypothesis would otherwise write .hypothesis/ (examples, caches) into the working tree. Its
# storage is set here, at import, because it scans the test modules while they are collected.
_HYPOTHESIS_HOME = Path(tempfile.mkdtemp(prefix="partnerbook-hypothesis-"))
set_hypothesis_home_dir(_HYPOTHESIS_HOME)
settings.register_profile("partnerbook", max_examples=200, deadline=None, database=None)
settings.load_profile("partnerbook")


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_HYPOTHESIS_HOME, ignore_errors=True)


@pytest.fixture(autouse=True)
def _sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep every test inside tmp_path: working directory, HOME, no inherited dates, CI files or language.

    The language partnerbook writes in is process state (set when records load): each test starts in
    English, whatever the test before it read, and without the machine's PARTNERBOOK_LANG.
    """
    monkeypatch.delenv(i18n.ENV, raising=False)
    i18n.machine_output(False)
    i18n.use(None)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


RunLine = Callable[[str], Result]


@pytest.fixture
def run_line() -> RunLine:
    """Run ``partnerbook ...`` as a user types it in a shell; exceptions are not swallowed."""

    def run(line: str) -> Result:
        argv = shlex.split(line)
        assert argv[0] == "partnerbook", f"a command line starts with 'partnerbook', not {argv[0]!r}"
        return CliRunner().invoke(cli, argv[1:], catch_exceptions=False)

    return run


def ctrl_c_reaches_it() -> None:
    """``preexec_fn`` of a child the test interrupts: SIGINT as a terminal delivers it, even when the tests
    themselves run with SIGINT ignored (started in the background, which ignores it for every child)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def copy_base(target: Path) -> Path:
    """A fresh copy of the valid base portfolio at ``target``."""
    shutil.copytree(BASE, target)
    return target


def apply_overlay(root: Path, case: Path) -> None:
    """Delete the files named in remove.txt, then copy the case's files over the portfolio."""
    remove = case / "remove.txt"
    if remove.is_file():
        for name in remove.read_text(encoding="utf-8").split("\n"):
            if name.strip():
                (root / name.strip()).unlink()
    for source in sorted(case.rglob("*")):
        relative = source.relative_to(case)
        if source.is_dir() or relative.as_posix() in ("expected.txt", "remove.txt"):
            continue
        destination = root / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, destination)


@pytest.fixture
def base_portfolio(tmp_path: Path) -> Path:
    """A valid portfolio (tests/cases/base) copied into tmp_path."""
    return copy_base(tmp_path / "portfolio")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Debian Chromium for every browser test (Playwright drives it; never `playwright install`).

    Skips with the reason where Chromium or Playwright is missing; fails instead where
    PARTNERBOOK_REQUIRE_BROWSER=1 (.ci/run), so CI never skips.
    """
    from test_browser import CHROMIUM_ARGS, _chromium, _missing

    executable = _chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the browser tests need Playwright: pip install -e '.[test]'")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
