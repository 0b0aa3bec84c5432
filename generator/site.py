"""Build stage: write the pages and charts, run MkDocs, and swap the new site in.

The site is built into a temporary folder next to ``site/`` and moved into
place only when the whole build succeeded, so a failed build leaves the
previous site untouched. Markdown files are rewritten only when their content
changed, charts come from a content-addressed cache, and MkDocs renders only the
pages whose Markdown (or anything global to the build) changed: the others come
from the page cache of generator/site_build.py, which also draws the missing
charts in the same process pool. A rebuild gives the same bytes as a full build.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml

from generator import site_build
from generator.errors import PartnerbookError
from generator.mkdocs_config import mkdocs_config
from generator.render import TEMPLATES

WORK_DIR = ".partnerbook"
ASSETS = TEMPLATES / "assets"


@dataclass
class BuildReport:
    site_dir: Path
    pages: int
    charts: int
    charts_drawn: int
    problems: int
    seconds: dict[str, float]
    pages_rendered: int = 0  # by MkDocs in this build
    pages_cached: int = 0  # taken from the page cache


def _commit(root: Path) -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=root, capture_output=True,
                             text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.stdout.strip() if out.returncode == 0 and out.stdout.strip() else "unknown"


def _write_if_changed(path: Path, data: bytes) -> bool:
    """Write only when the bytes differ, so unchanged files keep their mtime."""
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return True


def _sync_tree(files: dict[str, bytes], folder: Path, links: dict[str, Path] | None = None) -> None:
    """Make ``folder`` hold exactly ``files`` (relative posix path -> bytes) and ``links``.

    ``links`` maps relative paths to content-addressed files (charts): they are hard-linked (or
    copied) when missing, and kept when present; one not drawn yet is kept out of the way for now.
    """
    links = links or {}
    for rel, data in files.items():
        _write_if_changed(folder / rel, data)
    for rel, source in links.items():
        _link(source, folder / rel)
    wanted = {folder / rel for rel in files} | {folder / rel for rel in links}
    for path in sorted(folder.rglob("*"), reverse=True):
        if path.is_file() and path not in wanted:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()


def _link(source: Path, target: Path) -> None:
    """Put a content-addressed file at ``target``: same name, same bytes, so an existing one is kept."""
    if target.is_file() or not source.is_file():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        os.link(source, tmp)
    except OSError:
        shutil.copyfile(source, tmp)
    os.replace(tmp, target)


def _run_mkdocs(config_data: dict[str, Any], config_path: Path, cache_dir: Path | None,
                prepared: Prepared | None = None, jobs: int | None = None,
                previous_site: Path | None = None) -> site_build.BuildStats:
    """Build with MkDocs (see generator/site_build.py); problems become a PartnerbookError."""
    from mkdocs import exceptions

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    logger = logging.getLogger("mkdocs")
    messages: list[str] = []

    class _Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno >= logging.WARNING:
                messages.append(record.getMessage())

    handler = _Collect()
    logger.addHandler(handler)
    previous, logger.propagate = logger.propagate, False
    try:
        return site_build.build(config_data, config_path, cache_dir,
                                charts=prepared.pending if prepared else (),
                                chart_docs=prepared.place_charts if prepared else None, jobs=jobs,
                                previous_site=previous_site)
    except (exceptions.MkDocsException, exceptions.Abort, exceptions.ConfigurationError) as exc:
        detail = "\n".join(f"  {m}" for m in messages[:20])
        raise PartnerbookError(f"MkDocs could not build the site: {exc}\n{detail}".rstrip()) from None
    finally:
        logger.removeHandler(handler)
        logger.propagate = previous


def _swap(new: Path, target: Path) -> None:
    """Move the finished site into place; the old one is removed only after the move."""
    old = target.with_name(f".{target.name}.old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        os.replace(target, old)
    os.replace(new, target)
    if old.exists():
        shutil.rmtree(old)


@dataclass
class Prepared:
    """Pages and charts written to ``docs``, and the MkDocs configuration that builds them.

    ``pending`` holds the (spec, cache path) jobs of charts not drawn yet (``prepare_docs(draw=False)``);
    once they are drawn, ``place_charts`` puts them into ``docs``.
    """

    computed: Any
    docs: Path
    config: dict[str, Any]
    pages: int
    charts: int
    charts_drawn: int
    chart_files: dict[str, Path] = field(default_factory=dict)
    pending: list[tuple[Any, Path]] = field(default_factory=list)

    def place_charts(self) -> None:
        for rel, source in self.chart_files.items():
            _link(source, self.docs / rel)


def prepare_docs(root: Path, today: date, jobs: int | None = None,
                 timings: dict[str, float] | None = None, draw: bool = True) -> Prepared:
    """Validate, compute, draw and render every page into ``root/.partnerbook/docs``.

    With ``draw=False`` the charts missing from the cache are left in ``Prepared.pending`` for the
    caller to draw (``build_site`` draws them in the pool that renders the pages).
    """
    from generator import chart_draw, pages, render
    from generator.compute import compute_portfolio

    timings = timings if timings is not None else {}
    step = time.perf_counter()
    computed = compute_portfolio(root, today, root / WORK_DIR / "cache" / "records.pickle")
    timings["load, validate, compute"] = time.perf_counter() - step

    work = root / WORK_DIR
    stamp = {"today": today.isoformat(), "commit": _commit(root)}
    step = time.perf_counter()
    plan, specs = pages.plan(computed, stamp)
    files = render.render_all(plan)
    for asset in sorted(ASSETS.rglob("*")):
        if asset.is_file():
            files[f"assets/{asset.relative_to(ASSETS).as_posix()}"] = asset.read_bytes()
    timings["render pages"] = time.perf_counter() - step

    step = time.perf_counter()
    cache = work / "cache" / "charts"
    paths, missing = chart_draw.plan_charts(specs, cache)
    drawn = 0
    if draw:
        chart_draw.render_charts(specs, cache, jobs)
        drawn, missing = len(missing), []
    chart_files = {f"{pages.CHART_DIR}/{key}.svg": path for key, path in paths.items()}
    timings["charts"] = time.perf_counter() - step

    step = time.perf_counter()
    docs = work / "docs"
    _sync_tree(files, docs, chart_files)
    settings = computed.portfolio.settings.site
    config = mkdocs_config(root, docs.resolve(), (root / "site").resolve(), settings.title, settings.language)
    timings["write pages"] = time.perf_counter() - step
    return Prepared(computed, docs, config, len(plan), len(paths), drawn, chart_files, missing)


def write_config(root: Path, config: dict[str, Any], name: str = "mkdocs.yml") -> Path:
    path = root / WORK_DIR / name
    text = yaml.safe_dump(config, sort_keys=True, allow_unicode=True)
    _write_if_changed(path, text.encode("utf-8"))
    return path


def build_site(root: Path, today: date, site_dir: Path | None = None, jobs: int | None = None) -> BuildReport:
    """Validate, compute, draw, render and build the site into ``site_dir`` (default ``root/site``).

    MkDocs builds into a temporary folder beside the target, which replaces
    the target only when everything succeeded.
    """
    timings: dict[str, float] = {}
    prepared = prepare_docs(root, today, jobs, timings, draw=False)
    step = time.perf_counter()
    target = (site_dir or root / "site").resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp_site = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
    config = {**prepared.config, "site_dir": str(tmp_site)}
    config_path = write_config(root, config, "mkdocs.build.yml")
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    # Sitemap dates and gzip headers come from SOURCE_DATE_EPOCH: pin them to the build's date.
    os.environ["SOURCE_DATE_EPOCH"] = str(int(datetime.combine(today, datetime.min.time(),
                                                               tzinfo=UTC).timestamp()))
    try:
        stats = _run_mkdocs(config, config_path, root / WORK_DIR / "cache" / "pages", prepared, jobs, target)
        _swap(tmp_site, target)
    finally:
        if epoch is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = epoch
        if tmp_site.exists():
            shutil.rmtree(tmp_site, ignore_errors=True)
        config_path.unlink(missing_ok=True)
    timings["mkdocs and charts"] = time.perf_counter() - step
    return BuildReport(target, prepared.pages, prepared.charts, len(prepared.pending),
                       len(prepared.computed.result.problems), timings, stats.rendered, stats.cached)


def serve_site(root: Path, today: date, dev_addr: str) -> None:
    """Live preview: MkDocs serve with a hook that regenerates pages from the records on every change."""
    from mkdocs.commands.serve import serve

    prepared = prepare_docs(root, today)
    watched = [str(root / name) for name in ("partners", "campaigns", "partnerbook.yml") if (root / name).exists()]
    hook = Path(__file__).with_name("serve_hook.py")
    preview = root / WORK_DIR / "preview"
    config = {**prepared.config, "site_dir": str(preview.resolve()), "hooks": [str(hook)], "watch": watched,
              "dev_addr": dev_addr, "strict": False}
    config_path = write_config(root, config, "mkdocs.serve.yml")
    os.environ["PARTNERBOOK_ROOT"] = str(root)
    os.environ["PARTNERBOOK_TODAY"] = today.isoformat()
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    serve(config_file=str(config_path), livereload=True)
