"""Shared by the benchmark scripts: run a command under GNU time and read its figures."""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

TIME = Path("/usr/bin/time")


@dataclass
class Sample:
    wall: float
    rss_mb: float
    exit: int


def tool(name: str) -> str | None:
    """The tool next to this Python first (the venv), then on PATH."""
    local = Path(sys.executable).parent / name
    return str(local) if local.exists() else shutil.which(name)


def _seconds(text: str) -> float:
    """GNU time's elapsed format: ``m:ss.ss`` or ``h:mm:ss``."""
    total = 0.0
    for part in text.strip().split(":"):
        total = total * 60 + float(part)
    return total


def measure(cmd: list[str], log: Path, *, cwd: Path | None = None, env: dict[str, str] | None = None) -> Sample:
    """Run ``cmd`` under ``/usr/bin/time -v``; the command's own output goes to ``log``."""
    with tempfile.NamedTemporaryFile("r", suffix=".time", encoding="utf-8") as report, \
            log.open("w", encoding="utf-8") as out:
        proc = subprocess.run([str(TIME), "-v", "-o", report.name, *cmd], cwd=cwd, stdout=out,
                              stderr=subprocess.STDOUT, env=env, check=False)
        text = report.read()
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    if not wall or not rss:
        raise SystemExit(f"could not read /usr/bin/time output for {cmd[0]}:\n{text}")
    return Sample(_seconds(wall.group(1)), int(rss.group(1)) / 1024, proc.returncode)


def median(samples: list[Sample]) -> Sample:
    """Median wall time and memory of repeated runs; the worst exit code."""
    return Sample(statistics.median(s.wall for s in samples), statistics.median(s.rss_mb for s in samples),
                  max(s.exit for s in samples))
