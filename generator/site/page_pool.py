"""The pages and charts a build still has to make, made in a pool of forked workers.

The parent (generator/site/mkdocs_build.py) has loaded MkDocs' configuration, files and navigation and put
them in ``STATE``; the workers it forks inherit them, so a page is populated and built exactly as ``mkdocs
build`` would build it, and only its output (``PageOutput``: HTML, search entries, title, anchors, links) and
the warnings it logged travel back. A few very long pages are rendered by the parent after the pool is gone,
and a build of few tasks makes them all in the parent.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator.site import stamp
from generator.site.page_cache import PageOutput

PARALLEL_MIN = 24  # fewer tasks than this: a pool costs more than it saves
# A page this long (Markdown bytes: the alerts page from some 1,000 partners on, the money, contracts and
# validation pages from a few thousand) is rendered by the parent once the pool is gone: its rendering holds
# tens of times its size, which on top of two workers would set the build's peak memory.
LATE_MIN = 1_000_000
# A page this long rendered by the parent is followed by a collection of cyclic garbage: MkDocs makes a Markdown
# converter per page, whose parts refer to each other, and the converter keeps the page's whole element tree and
# raw-HTML stash. Only a full collection frees them, and the collector's full passes are rare in a process holding
# a site's objects: unfreed, the alerts, money and contracts pages of 5,000 partners would stack some 300 MB.
COLLECT_MIN = 100_000

Task = tuple[str, Any]  # ("page", src_uri) or ("chart", (spec, path))

STATE: dict[str, Any] = {}  # set in the parent before forking; workers inherit it
SOURCES: dict[str, str] = {}  # src_uri -> the page's file in docs, for a file whose content was set


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))


def _render_page(src_uri: str) -> PageOutput:
    """Populate and build one page exactly as ``mkdocs build`` does; return its output instead of keeping it."""
    from mkdocs.commands.build import _build_page, _populate_page

    config, files, nav, env, doc_files, search = (STATE[k] for k in ("config", "files", "nav", "env",
                                                                       "doc_files", "search"))
    file = files.get_file_from_path(src_uri)
    page = file.page
    if src_uri in STATE["stamped"]:  # rendered with the tokens, as its key was taken (mkdocs_build.py)
        file.content_string = stamp.neutral(file.content_string)[0]
    _populate_page(page, config, files)
    before = len(search.entries) if search is not None else 0
    _build_page(page, config, doc_files, nav, env)
    entries = search.entries[before:] if search is not None else []
    try:
        html = Path(file.abs_dest_path).read_bytes()
    except FileNotFoundError:  # MkDocs skips a page whose output is empty
        html = None
    links = None
    if page.links_to_anchors is not None:
        links = {target.src_uri: dict(anchors) for target, anchors in page.links_to_anchors.items()}
    anchors = sorted(page.present_anchor_ids) if page.present_anchor_ids is not None else None
    output = PageOutput(html, entries, page._title_from_render, anchors, links)
    if search is not None:  # what was sent back is not kept: a worker's memory stays flat
        del search.entries[before:]
    page.content = page.markdown = page.toc = None  # type: ignore[assignment]
    forget_source(file, src_uri)
    return output


def _render_here(src_uri: str, size: int) -> PageOutput:
    """``_render_page`` in this process, with the garbage of a long page's rendering freed at once."""
    output = _render_page(src_uri)
    if size >= COLLECT_MIN:
        gc.collect()
    return output


def forget_source(file: Any, src_uri: str) -> None:
    """Let a page's Markdown go: the file reads it from docs again when it is needed."""
    source = SOURCES.get(src_uri)
    if source is not None:
        file._content, file.abs_src_path = None, source


def _run_task(task: Task) -> tuple[str, Any, Any]:
    """A pool task: draw a chart or render a page; warnings are sent back to the parent."""
    kind, arg = task
    if kind == "chart":
        from generator.draw.chart_draw import draw_to

        draw_to(arg)
        return kind, arg[1].stem, None
    logger = logging.getLogger("mkdocs")
    capture = _Capture()
    logger.addHandler(capture)
    try:
        output = _render_page(arg)
    finally:
        logger.removeHandler(capture)
    output.warnings = capture.records
    return kind, arg, output


def _cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _worker_init() -> None:
    """A pool worker leaves Ctrl-C to the parent (which stops the pool): no traceback from workers."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.enable()


def _order(tasks: list[Task], sizes: dict[str, int]) -> list[Task]:
    """Longest first, so no worker is left with a big page at the end."""
    def cost(task: Task) -> int:
        return sizes.get(task[1], 0) if task[0] == "page" else 6_000  # a chart costs about a 6 kB page
    return sorted(tasks, key=cost, reverse=True)


def run(tasks: list[Task], sizes: dict[str, int], jobs: int | None,
        take: Callable[[str, PageOutput], None], drawn: Callable[[], None]) -> list[tuple[str, int, str]]:
    """Make every task: ``take`` gets each page's output as it comes, ``drawn`` is called per chart.

    ``STATE`` must be set. Returns the warnings the workers logged, for the parent to log again (strict mode
    counts them like its own).
    """
    warnings: list[tuple[str, int, str]] = []
    workers = min(jobs or _cpus(), len(tasks))
    try:
        if len(tasks) >= PARALLEL_MIN and workers > 1:
            pooled: list[Task] = []
            late: list[str] = []
            for task in tasks:
                if task[0] == "page" and sizes.get(task[1], 0) >= LATE_MIN:
                    late.append(task[1])
                else:
                    pooled.append(task)
            if any(kind == "chart" for kind, _arg in tasks):
                from generator.draw.chart_draw import warm_up

                warm_up()  # import matplotlib once, before forking
            context = multiprocessing.get_context("fork")
            # The parent's objects (records, configuration, navigation) move to the permanent generation:
            # a forked worker's collector then never scans (and so never copies) those pages of memory.
            gc.collect()
            gc.freeze()
            with context.Pool(workers, initializer=_worker_init) as pool:
                for kind, arg, output in pool.imap_unordered(_run_task, _order(pooled, sizes)):
                    if kind == "page":
                        take(arg, output)
                        warnings += output.warnings
                    else:
                        drawn()
            for uri in late:
                take(uri, _render_here(uri, sizes[uri]))
        else:
            for kind, arg in tasks:
                if kind == "chart":
                    _run_task((kind, arg))
                    drawn()
                else:
                    take(arg, _render_here(arg, sizes[arg]))
    finally:
        gc.unfreeze()
        STATE.clear()
    return warnings
