"""Build stage: write the pages and charts, run MkDocs, and swap the new site in.

The site is built into a temporary folder next to ``site/`` and moved into
place only when the whole build succeeded, so a failed build leaves the
previous site untouched. Every folder and file written, moved or deleted is
checked first (generator/workdir.py): no symlink is followed, the site folder
is replaced only when partnerbook built it, and one build runs at a time.
Markdown files are rewritten only when their content changed, charts come
from a content-addressed cache, and MkDocs renders only the pages whose
Markdown (or anything global to the build) changed: the others come from the
page cache of generator/site/mkdocs_build.py, which also draws the missing charts in
the same process pool. A rebuild gives the same bytes as a full build.
"""

from __future__ import annotations

import logging
import os
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml

from generator import i18n, templates_dir, workdir
from generator.errors import PartnerbookError
from generator.i18n import _
from generator.progress import SILENT, Progress
from generator.site import apart, docs_tree, fingerprint, stamp
from generator.site import mkdocs_build as site_build

# The records, KPIs, templates and MkDocs are imported where a build needs them, so a build with nothing to
# do (generator/site/fingerprint.py) starts in a fraction of a second.

WORK_DIR = workdir.WORK_DIR
PREVIEW = "preview"  # the site `serve` serves, under WORK_DIR
READ_CACHE = "records.json"
ASSETS = templates_dir() / "assets"


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
    linked: int = 0  # files hard-linked from the previous site
    unchanged: bool = False  # nothing changed since the last build: nothing was done
    restamped: bool = False  # only the commit changed: the last site, with the new commit written into its pages
    pages_written: int = 0  # page Markdown rendered from its template (its inputs changed)
    pages_reused: int = 0  # page Markdown taken from docs (generator/site/page_memo.py)


def _commit(root: Path) -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=root, capture_output=True,
                             text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.stdout.strip() if out.returncode == 0 and out.stdout.strip() else "unknown"


def _run_mkdocs(config_data: dict[str, Any], config_path: Path, cache_dir: Path | None,
                prepared: Prepared | None = None, jobs: int | None = None,
                previous_site: Path | None = None, progress: Progress = SILENT) -> site_build.BuildStats:
    """Build with MkDocs (see generator/site/mkdocs_build.py); problems become a PartnerbookError."""
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
                                previous_site=previous_site, progress=progress)
    except (exceptions.MkDocsException, exceptions.Abort, exceptions.ConfigurationError) as exc:
        detail = "\n".join(f"  {m}" for m in messages[:20])
        raise PartnerbookError((_("MkDocs could not build the site: {error}").format(error=exc)
                                + f"\n{detail}").rstrip()) from None
    finally:
        logger.removeHandler(handler)
        logger.propagate = previous


def _swap(new: Path, target: Path) -> None:
    """Move the finished site into place; the old one is removed only after the move."""
    workdir.swap(new, target)


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
    assets: list[str] = field(default_factory=list)  # repository files mkdocs.yml brings in (logo, CSS)
    pages_reused: int = 0  # pages whose inputs had not changed: taken from docs, not rendered

    def place_charts(self) -> None:
        for rel, source in self.chart_files.items():
            docs_tree.link(source, self.docs / rel)


def prepare_docs(root: Path, today: date, jobs: int | None = None,
                 timings: dict[str, float] | None = None, draw: bool = True, progress: Progress = SILENT,
                 commit: str | None = None) -> Prepared:
    """Validate, compute, draw and render every page into ``root/.partnerbook/docs``.

    With ``draw=False`` the charts missing from the cache are left in ``Prepared.pending`` for the
    caller to draw (``build_site`` draws them in the pool that renders the pages).
    """
    from generator.compute.portfolio import compute_portfolio
    from generator.draw import chart_draw
    from generator.site import downloads, page_memo, pages
    from generator.site.mkdocs_config import mkdocs_config, read_repository_config
    from generator.site.repo_links import repo_links

    timings = timings if timings is not None else {}
    progress.stage(_("reading and checking the records"))
    step = time.perf_counter()
    cache_root = workdir.work_dir(root, "cache")
    workdir.remove(cache_root / "records.pickle")  # the old pickled cache: never read again
    computed = compute_portfolio(root, today, cache_root / READ_CACHE, release=True)
    timings["load, validate, compute"] = time.perf_counter() - step

    stamp = {"today": today.isoformat(), "commit": commit if commit is not None else _commit(root)}
    progress.stage(_("writing the pages"))
    step = time.perf_counter()
    settings = computed.portfolio.settings.site
    # The checked mkdocs.yml (generator/site/mkdocs_config.py): its repo_url links the pages to the records;
    # its logo, favicon and CSS go into docs.
    repository = read_repository_config(root, trusted=settings.trust_mkdocs_yml)
    links = repo_links(repository.whole or repository.values, settings.repo_url, settings.repo_branch)
    specs: list[Any] = []  # every chart the pages show, added as their pages are made
    # Only pages whose inputs changed are rendered; the others come from docs (generator/site/page_memo.py).
    # Pages go into docs as they are made; the other files with the charts below (docs_tree.sync_tree).
    docs = workdir.work_dir(root, "docs")
    workdir.clear_links(docs)
    # docs/downloads/*.csv, made before the pages: their tables (pandas) then come and go while the process is
    # at its smallest, rather than on top of what the pages leave behind (the preparing child's peak).
    files = downloads.csv_files(pages.download_tables(computed))
    memo = page_memo.Memo(root, fingerprint.code())
    written = memo.render(pages.each_page(computed, stamp, links, specs))
    for asset in sorted(ASSETS.rglob("*")):
        if asset.is_file():
            files[f"assets/{asset.relative_to(ASSETS).as_posix()}"] = asset.read_bytes()
    timings["render pages"] = time.perf_counter() - step

    step = time.perf_counter()
    cache = workdir.work_dir(root, "cache", "charts")
    paths, missing = chart_draw.plan_charts(specs, cache)
    drawn = 0
    if draw:
        progress.stage(_("drawing the charts"))
        chart_draw.render_charts(specs, cache, jobs)
        drawn, missing = len(missing), []
    chart_files = {f"{pages.CHART_DIR}/{key}.svg": path for key, path in paths.items()}
    timings["charts"] = time.perf_counter() - step

    step = time.perf_counter()
    docs_tree.sync_tree({**repository.files, **files}, docs, chart_files, written)
    memo.save()
    # The theme speaks the language partnerbook's own text is written in, so the page's lang matches it.
    config = mkdocs_config(root, docs.resolve(), root.resolve() / "site", settings.title, i18n.current(),
                           repository=repository)
    timings["write pages"] = time.perf_counter() - step
    return Prepared(computed, docs, config, len(written), len(paths), drawn, chart_files, missing,
                    sorted(repository.files), pages_reused=memo.reused)


def write_config(root: Path, config: dict[str, Any], name: str = "mkdocs.yml") -> Path:
    path = workdir.work_dir(root) / name
    text = yaml.safe_dump(config, sort_keys=True, allow_unicode=True)
    docs_tree.write_if_changed(path, text.encode("utf-8"))
    return path


def build_site(root: Path, today: date, site_dir: Path | None = None, jobs: int | None = None,
               progress: Progress = SILENT) -> BuildReport:
    """Validate, compute, draw, render and build the site into ``site_dir`` (default ``root/site``).

    MkDocs builds into a temporary folder beside the target, which replaces
    the target only when everything succeeded. The target must be missing, empty or a site
    partnerbook built (generator/workdir.py); one build per repository runs at a time.
    """
    target = workdir.site_target(root, site_dir)
    return _build(root, today, target, lambda: workdir.site_target(root, target), jobs, progress)


def build_preview(root: Path, today: date, progress: Progress = SILENT) -> BuildReport:
    """Build the site as ``build_site`` does, into ``.partnerbook/preview``: the folder ``serve`` serves.

    The folder is partnerbook's own: whatever is there and is not a site partnerbook built (a symlink, an older
    preview) is removed, never followed.
    """
    def target() -> Path:
        folder = workdir.work_dir(root) / PREVIEW
        if os.path.lexists(folder) and not (os.path.isdir(folder) and not os.path.islink(folder)
                                            and workdir.is_site(folder)):
            workdir.remove(folder)
        return folder

    return _build(root, today, target(), target, None, progress)


def _build(root: Path, today: date, target: Path, check: Callable[[], Path], jobs: int | None,
           progress: Progress) -> BuildReport:
    try:
        with workdir.build_lock(root):
            return _build_locked(root, today, target, check, jobs, progress)
    finally:
        progress.finish()


def _build_locked(root: Path, today: date, target: Path, check: Callable[[], Path], jobs: int | None,
                  progress: Progress) -> BuildReport:
    timings: dict[str, float] = {}
    workdir.clean_leftovers(target)
    step = time.perf_counter()
    commit = _commit(root)
    last = fingerprint.last(root)
    assets = last.assets if last is not None else []
    before = fingerprint.inputs(root, today, target, assets)  # taken before anything is read
    if last is not None and last.inputs == before and fingerprint.outputs_intact(root, target, last):
        # Nothing but (perhaps) the commit changed since the last build, and its site is as it left it.
        report = BuildReport(target, last.report.pages, last.report.charts, 0, last.report.problems, timings)
        if last.commit == commit:
            report.unchanged = True
            timings["fingerprint"] = time.perf_counter() - step
            return report
        if "unknown" not in (commit, last.commit):  # a new commit: every page shows it, nothing else differs
            words = stamp.commit_words(commit)
            docs_tree.restamp_site(root, target, last.commit_words, words)
            fingerprint.remember(root, before, commit, words, target, assets, last.report)
            report.restamped = True
            timings["new commit written into the pages"] = time.perf_counter() - step
            return report
    fingerprint.forget(root)
    timings["fingerprint"] = time.perf_counter() - step
    if apart.partner_folders(root) >= apart.APART_MIN:
        prepared, problems, trusted = apart.prepare_apart(root, today, jobs, timings, progress, commit)
    else:
        prepared = prepare_docs(root, today, jobs, timings, draw=False, progress=progress, commit=commit)
        problems = len(prepared.computed.result.problems)
        trusted = prepared.computed.portfolio.settings.site.trust_mkdocs_yml
        prepared.computed = None  # what MkDocs and its workers need not carry
    progress.stage(_("building the site with MkDocs"))
    step = time.perf_counter()
    target = check()  # checked again: the build may have waited for the lock
    tmp_site = workdir.new_build_dir(target)
    config = {**prepared.config, "site_dir": str(tmp_site)}
    config_path = write_config(root, config, "mkdocs.build.yml")
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    # Sitemap dates and gzip headers come from SOURCE_DATE_EPOCH: pin them to the build's date.
    os.environ["SOURCE_DATE_EPOCH"] = str(int(datetime.combine(today, datetime.min.time(),
                                                               tzinfo=UTC).timestamp()))
    try:
        # The previous site is linked from only when it is partnerbook's (generator/site/reuse.py).
        stats = _run_mkdocs(config, config_path, workdir.work_dir(root, "cache", "pages"), prepared, jobs, target,
                            progress)
        _swap(tmp_site, target)
        if prepared.pending:
            from generator.draw.chart_draw import record_charts

            record_charts(workdir.work_dir(root, "cache", "charts"),
                          {path.stem: path for path in prepared.chart_files.values()},
                          [path for _spec, path in prepared.pending])
    finally:
        if epoch is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = epoch
        workdir.remove_tree(tmp_site)
        workdir.remove(config_path)
    timings["mkdocs and charts"] = time.perf_counter() - step
    if set(prepared.assets) == set(assets) and not prepared.config.get("hooks") and not trusted:
        # The next build with the same fingerprint has nothing to do (generator/site/fingerprint.py).
        fingerprint.remember(root, before, commit, stamp.commit_words(commit), target, prepared.assets,
                             fingerprint.LastBuild(prepared.pages, prepared.charts, problems))
    return BuildReport(target, prepared.pages, prepared.charts, len(prepared.pending),
                       problems, timings, stats.rendered, stats.cached, linked=stats.linked,
                       pages_written=prepared.pages - prepared.pages_reused, pages_reused=prepared.pages_reused)
