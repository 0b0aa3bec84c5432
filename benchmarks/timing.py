"""Shared by the benchmark scripts: run a command under GNU time and read its figures.

``measure`` reads wall clock, CPU (user and system) and the maximum resident set size from
``/usr/bin/time -v``. GNU time's CPU counts the command and every descendant it waited for, so a
build's pool workers are in it; its maximum RSS is the largest single process, not the sum. With
``tree=True`` a sampler also polls ``/proc`` every ``interval`` seconds for every process of the
command's process group (the command runs in a session of its own) and keeps the peak of their summed
RSS (``VmRSS``: pages shared copy-on-write between a parent and its forked workers count once per
process, so this overstates) and of their summed PSS (``smaps_rollup``: each shared page split between
the processes that map it, so the sum is the memory the tree really holds). The sampler can miss a
peak shorter than its interval.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

TIME = Path("/usr/bin/time")


@dataclass
class Sample:
    wall: float
    rss_mb: float
    exit: int
    user: float = 0.0  # CPU seconds in user mode, waited-for children included
    sys: float = 0.0  # CPU seconds in the kernel, waited-for children included
    tree_rss_mb: float | None = None  # peak of the process group's summed VmRSS (tree=True)
    tree_pss_mb: float | None = None  # peak of the process group's summed PSS (tree=True)
    main_rss_mb: float | None = None  # peak VmRSS of the command's own process (tree=True)
    processes: int | None = None  # most processes seen at once in the group (tree=True)

    @property
    def cpu(self) -> float:
        return self.user + self.sys


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


def _kb(path: str, field: str) -> int | None:
    """A ``Field:   123 kB`` line of a /proc file, in kB; None when the process is gone."""
    try:
        with open(path, "rb") as handle:
            text = handle.read()
    except OSError:
        return None
    match = re.search(rb"^" + field.encode() + rb":\s+(\d+) kB", text, re.MULTILINE)
    return int(match.group(1)) if match else None


class TreeSampler(threading.Thread):
    """Polls the memory of every process in the process group ``pgid`` until ``stop()``."""

    def __init__(self, pgid: int, interval: float, skip: int | None = None) -> None:
        super().__init__(daemon=True)
        self.pgid, self.interval, self.skip = pgid, interval, skip
        self.peak_rss = self.peak_pss = self.peak_main = 0
        self.most = 0
        self.main: int | None = None
        self._groups: dict[int, int | None] = {}
        self._done = threading.Event()

    def _group(self, pid: int) -> int | None:
        if pid not in self._groups:
            try:
                with open(f"/proc/{pid}/stat", "rb") as handle:
                    fields = handle.read().rsplit(b")", 1)[1].split()
                self._groups[pid] = int(fields[2])  # pgrp; fields[1] is the parent's pid
                if self.main is None and int(fields[1]) == self.skip:
                    self.main = pid  # the command itself: GNU time's child
            except (OSError, IndexError, ValueError):
                return None
        return self._groups[pid]

    def poll(self) -> None:
        rss = pss = count = 0
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            pid = int(name)
            if pid == self.skip or self._group(pid) != self.pgid:
                continue
            resident = _kb(f"/proc/{pid}/status", "VmRSS")
            if resident is None:
                continue
            count += 1
            rss += resident
            pss += _kb(f"/proc/{pid}/smaps_rollup", "Pss") or 0
            if pid == self.main:
                self.peak_main = max(self.peak_main, resident)
        self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)
        self.most = max(self.most, count)

    def run(self) -> None:
        while not self._done.is_set():
            self.poll()
            self._done.wait(self.interval)

    def stop(self) -> None:
        self._done.set()
        self.join()


def measure(cmd: list[str], log: Path, *, cwd: Path | None = None, env: dict[str, str] | None = None,
            tree: bool = False, interval: float = 0.05) -> Sample:
    """Run ``cmd`` under ``/usr/bin/time -v``; the command's own output goes to ``log``.

    ``tree``: also sample the peak memory of the whole process tree (see the module's docstring).
    """
    with tempfile.NamedTemporaryFile("r", suffix=".time", encoding="utf-8") as report, \
            log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen([str(TIME), "-v", "-o", report.name, *cmd], cwd=cwd, stdout=out,
                                stderr=subprocess.STDOUT, env=env, start_new_session=tree)
        sampler = TreeSampler(proc.pid, interval, skip=proc.pid) if tree else None
        if sampler is not None:
            sampler.start()
        try:
            returncode = proc.wait()
        finally:
            if proc.poll() is None and tree:  # interrupted: end the group this call started
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait()
            if sampler is not None:
                sampler.stop()
        text = report.read()
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    user = re.search(r"User time \(seconds\): ([\d.]+)", text)
    system = re.search(r"System time \(seconds\): ([\d.]+)", text)
    if not wall or not rss or not user or not system:
        if returncode != 0:  # GNU time itself was killed (no report): a failed sample, not the end of a long run
            return Sample(math.nan, math.nan, returncode or -1, math.nan, math.nan)
        raise SystemExit(f"could not read /usr/bin/time output for {cmd[0]}:\n{text}")
    sample = Sample(_seconds(wall.group(1)), int(rss.group(1)) / 1024, returncode,
                    float(user.group(1)), float(system.group(1)))
    if sampler is not None:
        sample.tree_rss_mb, sample.tree_pss_mb = sampler.peak_rss / 1024, sampler.peak_pss / 1024
        sample.main_rss_mb, sample.processes = sampler.peak_main / 1024, sampler.most
    return sample


def _median_of(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def median(samples: list[Sample]) -> Sample:
    """Median wall time, CPU and memory of repeated runs; the worst exit code."""
    return Sample(statistics.median(s.wall for s in samples), statistics.median(s.rss_mb for s in samples),
                  max(s.exit for s in samples), statistics.median(s.user for s in samples),
                  statistics.median(s.sys for s in samples),
                  _median_of([s.tree_rss_mb for s in samples]), _median_of([s.tree_pss_mb for s in samples]),
                  _median_of([s.main_rss_mb for s in samples]),
                  max((s.processes or 0 for s in samples), default=0) or None)


def export(ref: str, out: Path, repo: Path) -> tuple[Path, str]:
    """The sources committed at ``ref`` in ``repo``, exported once under ``out/src-<commit>``; and their label."""
    commit = subprocess.run(["git", "rev-parse", "--short=12", f"{ref}^{{commit}}"], cwd=repo, capture_output=True,
                            text=True, check=True).stdout.strip()
    target = out / f"src-{commit}"
    if not (target / "generator").is_dir():
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        archive = subprocess.run(["git", "archive", "--format=tar", commit, "generator", "site_templates"], cwd=repo,
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target, f"commit {commit}"
