"""Ctrl-C during a build: exit 130, no traceback from the parent or any pool worker, the previous site
intact and no temporary site folder left behind.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import TODAY, ctrl_c_reaches_it

GENERATOR = Path(__file__).resolve().parents[1] / "benchmarks" / "generate_portfolio.py"


def _generate(out: Path, partners: int) -> None:
    spec = importlib.util.spec_from_file_location("generate_portfolio", GENERATOR)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    module.generate(out, partners)


def _tree(folder: Path) -> dict[str, str]:
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def _command(root: Path, today: str) -> list[str]:
    return [sys.executable, "-m", "generator", "build", "--root", str(root), "--today", today, "--jobs", "2"]


def test_ctrl_c_in_the_page_pool_exits_130_quietly_and_keeps_the_previous_site(tmp_path: Path) -> None:
    root = tmp_path / "portfolio"
    _generate(root, 60)
    first = subprocess.run(_command(root, TODAY), capture_output=True, text=True, check=False)
    assert first.returncode == 0, first.stderr
    before = _tree(root / "site")

    # Another day and no caches (pages, their Markdown, charts): every page is rendered again, in the pool of
    # two forked workers, so the build is still rendering when Ctrl-C comes.
    shutil.rmtree(root / ".partnerbook" / "cache")
    proc = subprocess.Popen(_command(root, "2026-11-25"), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True, preexec_fn=ctrl_c_reaches_it)
    deadline = time.monotonic() + 300
    rendering = False
    while time.monotonic() < deadline and proc.poll() is None and not rendering:
        building = [p for p in root.iterdir() if p.name.startswith(".site.building-")]
        rendering = any(any(b.rglob("index.html")) for b in building)  # workers are writing pages
        time.sleep(0.05)
    assert rendering, "the build must be interrupted while its workers render pages"
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole process group
    _, err = proc.communicate(timeout=120)

    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert "interrupted" in err
    assert _tree(root / "site") == before
    assert not [p.name for p in root.iterdir() if p.name.startswith(".site.")]
