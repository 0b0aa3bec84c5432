"""Records that are too big or too deep are refused with a message, never by a crash."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TODAY, RunLine

from generator.load.loader import MAX_DEPTH, load_bytes, load_file
from generator.load.safe_read import MAX_BYTES

PARTNER = "partners/kiln-packaging/partner.yaml"


def test_oversized_file_is_refused_before_it_is_read(base_portfolio: Path, run_line: RunLine) -> None:
    profile = base_portfolio / PARTNER
    padding = "x" * (MAX_BYTES + 1)
    profile.write_text(f"name: Kiln Packaging\nnotes: {padding}\n", encoding="utf-8")

    result = run_line(f"partnerbook validate --root {base_portfolio} --today {TODAY} --format json")

    assert result.exit_code == 1
    assert json.loads(result.stdout) == [{
        "file": PARTNER,
        "line": 1,
        "column": 1,
        "rule": "yaml-too-large",
        "severity": "error",
        "message": "file is 1,000,030 bytes, more than the 1,000,000 allowed",
        "hint": "split the record or move long texts to linked documents",
    }]


def test_load_bytes_and_load_file_share_the_size_limit(tmp_path: Path) -> None:
    data = b"notes: " + b"x" * MAX_BYTES
    (tmp_path / "big.yaml").write_bytes(data)

    from_bytes = load_bytes(data, "big.yaml")
    from_file = load_file(tmp_path / "big.yaml", "big.yaml")

    assert from_bytes == from_file
    assert [(p.line, p.rule) for p in from_bytes[1]] == [(1, "yaml-too-large")]


def test_a_file_of_exactly_the_limit_is_read() -> None:
    data = b"notes: " + b"x" * (MAX_BYTES - len("notes: \n")) + b"\n"
    assert len(data) == MAX_BYTES

    doc, problems = load_bytes(data, "big.yaml")

    assert problems == []
    assert doc is not None
    assert len(doc.data["notes"]) == MAX_BYTES - 8


@pytest.mark.parametrize(
    ("data", "line", "column"),
    [
        pytest.param(b"[" * 200_000, 1, MAX_DEPTH + 1, id="flow-brackets"),
        pytest.param(b"name: x\nnotes: " + b"[" * 200_000, 2, MAX_DEPTH + 7, id="flow-under-a-key"),
        pytest.param(b"- " * 50_000, 1, 2 * MAX_DEPTH + 1, id="block-dashes"),
        pytest.param(b"".join(b" " * i + b"k:\n" for i in range(1_000)), MAX_DEPTH + 1, MAX_DEPTH + 1,
                     id="block-mappings"),
    ],
)
def test_deep_nesting_stops_at_the_depth_limit(data: bytes, line: int, column: int) -> None:
    doc, problems = load_bytes(data, "deep.yaml")

    assert doc is None
    assert [(p.line, p.column, p.rule, p.message) for p in problems] == [
        (line, column, "yaml-too-deep", f"nesting deeper than {MAX_DEPTH} levels"),
    ]


@pytest.mark.parametrize(
    "payload",
    [pytest.param("[" * 200_000, id="flow-brackets"), pytest.param("- " * 50_000, id="block-dashes")],
)
def test_deep_nesting_does_not_crash_the_process(payload: str, base_portfolio: Path) -> None:
    # A recursive parser would overflow the C stack and kill the process, so run it in a child.
    (base_portfolio / PARTNER).write_text(payload, encoding="utf-8")

    child = subprocess.run(
        [sys.executable, "-m", "generator", "validate", "--root", str(base_portfolio), "--today", TODAY],
        capture_output=True, text=True, timeout=60, check=False,
    )

    assert child.returncode == 1, child.stderr
    assert "Traceback" not in child.stderr
    assert all(line.startswith("note: ") for line in child.stderr.splitlines())  # at most the team.yaml note
    assert f"{PARTNER}:1:" in child.stdout
    assert f"error: nesting deeper than {MAX_DEPTH} levels [yaml-too-deep]" in child.stdout
