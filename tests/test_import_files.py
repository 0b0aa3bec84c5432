"""Exports on disk, discovered: every bad file is refused with its message and nothing is written; every
good file (UTF-8 with or without BOM, UTF-16 LE/BE, ; and decimal commas, tab, pipe, a preamble) imports
the same figures.

``tests/cases/imports/bad/<name>.csv`` with ``<name>.expect``: optional ``source: NAME`` (default the
csv source with the test's mapping) then lines that must all appear in the message.
``tests/cases/imports/good/<name>.csv`` with ``<name>.expect``: lines the record must hold afterwards.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CASES, TODAY, copy_base

from generator.cli import main

IMPORTS = CASES / "imports"
BAD = sorted(IMPORTS.glob("bad/*.csv"))
GOOD = sorted(IMPORTS.glob("good/*.csv"))

SETTINGS = """
imports:
  partners:
    shopcloud:
      utm_source: [shopcloud-*]
  mappings:
    daily:
      partner: Partner
      date: Date
      columns: {sessions: Sessions, orders: Orders, revenue: Revenue}
"""


def portfolio(tmp_path: Path) -> Path:
    root = copy_base(tmp_path / "portfolio")
    with open(root / "partnerbook.yml", "a", encoding="utf-8") as handle:
        handle.write(SETTINGS)
    return root


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """The command as the console script runs it: exit code, stdout, stderr."""
    capsys.readouterr()
    try:
        main([*args])
        code = 0
    except SystemExit as exited:
        code = int(exited.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def _expect(path: Path) -> tuple[str, list[str]]:
    source, lines = "csv", []
    for line in path.with_suffix(".expect").read_text(encoding="utf-8").splitlines():
        if line.startswith("source: "):
            source = line.removeprefix("source: ").strip()
        elif line.strip():
            lines.append(line)
    return source, lines


def test_the_folders_hold_the_families_the_issue_names() -> None:
    names = {p.stem for p in BAD}
    assert {"missing-column", "text-in-number", "bad-date", "empty", "header-only", "duplicated-order-id",
            "binary", "windows-1252", "utf16le-text-in-number", "utf16be-bad-date"} <= names
    assert {"utf8-bom", "utf16le-tab", "utf16be-semicolon", "semicolon-decimal-comma"} <= {p.stem for p in GOOD}
    assert all(p.with_suffix(".expect").is_file() for p in [*BAD, *GOOD])


@pytest.mark.parametrize("export", BAD, ids=[p.stem for p in BAD])
def test_a_bad_export_is_refused_with_a_clear_message_and_nothing_written(tmp_path: Path, export: Path,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    root = portfolio(tmp_path)
    record = root / "campaigns" / "easter-2026.yaml"
    before = record.read_bytes()
    source, expected = _expect(export)
    args = ["import", source, str(export), "--campaign", "easter-2026", "--root", str(root), "--today", TODAY]
    if source == "csv":
        args += ["--mapping", "daily"]
    code, out, message = run(args, capsys)
    assert code == 1, out + message
    assert message.startswith("partnerbook: ")
    assert export.name in message
    for line in expected:
        assert line in message, f"{line!r} not in {message!r}"
    assert "Traceback" not in message
    assert record.read_bytes() == before
    assert sorted(p.name for p in (root / "campaigns").iterdir()) == ["easter-2026.yaml"]


@pytest.mark.parametrize("export", GOOD, ids=[p.stem for p in GOOD])
def test_a_good_export_imports_the_same_figures_whatever_its_encoding(tmp_path: Path, export: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    root = portfolio(tmp_path)
    args = ["import", "csv", str(export), "--campaign", "easter-2026", "--mapping", "daily", "--root", str(root),
            "--today", TODAY]
    code, out, err = run(args, capsys)
    assert code == 0, out + err
    text = (root / "campaigns" / "easter-2026.yaml").read_text(encoding="utf-8")
    _, expected = _expect(export)
    shopcloud = text[text.index("- partner: shopcloud"):text.index("review:")]
    for line in expected:
        assert line in shopcloud, f"{line!r} not in {shopcloud!r}"
    assert "1 row matched no partner, e.g. 'unknown-blog'" in out
    assert "1 row dated outside the campaign's period" in out
    code, out, err = run(["validate", "--root", str(root), "--today", TODAY], capsys)
    assert code == 0, out + err
    code, out, err = run(args, capsys)
    assert code == 0, out + err
    assert "nothing to change" in out
    assert (root / "campaigns" / "easter-2026.yaml").read_text(encoding="utf-8") == text
