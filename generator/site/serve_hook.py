"""MkDocs hook used by ``partnerbook serve``: regenerate the pages from the records before each build, and
say what happens: the address once it is served, then a line per rebuild with what changed and how long it
took.

MkDocs watches partners/, campaigns/ and partnerbook.yml (see ``serve_site`` in generator/site/build.py); on
every change it calls ``on_pre_build``, which rewrites the generated Markdown, so the live preview always
shows the current records. What changed is found by comparing the watched files (modification time and
size) with how they were when the pages were last generated.

MkDocs loads this file by its path, as a module of its own; the hooks keep their state in the package module
(``generator.site.serve_hook.STATE``), which ``serve_site`` sets up with ``begin``.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from generator import i18n
from generator.errors import PartnerbookError
from generator.i18n import _, ngettext
from generator.progress import SILENT, Progress

log = logging.getLogger("mkdocs.plugins.partnerbook")

WATCHED = ("partners", "campaigns", "partnerbook.yml")
SHOWN = 3  # changed files named in a rebuild's line (all of them with --verbose)

Files = dict[str, tuple[int, int]]  # path relative to the root (posix) -> (mtime in ns, size)


@dataclass
class State:
    """What the hooks share across builds of one ``serve``."""

    root: Path | None = None
    today: date | None = None
    progress: Progress = SILENT
    files: Files | None = None  # the watched files as the pages were last generated from them
    first: bool = True  # the first build: ``serve_site`` has just generated the pages
    changes: list[tuple[str, str]] = field(default_factory=list)  # (path, "changed" | "added" | "removed")
    failed: bool = False  # the records of the last rebuild could not be read: the pages are the last good ones
    clock: Callable[[], float] = time.perf_counter


STATE = State()


def _state() -> State:
    """The state of the package module (MkDocs loads this file again under another name)."""
    from generator.site import serve_hook

    return serve_hook.STATE


def begin(root: Path, today: date, progress: Progress, files: Files | None) -> None:
    """``serve`` starts: ``files`` are the watched files as they were when the pages were generated."""
    state = _state()
    state.root, state.today, state.progress, state.files = root, today, progress, files
    state.first, state.changes, state.failed = True, [], False


def watched_files(root: Path) -> Files:
    """Every file under partners/, campaigns/ and partnerbook.yml, with its modification time and size."""
    found: Files = {}
    for name in WATCHED:
        top = os.path.join(root, name)
        if os.path.isfile(top):
            status = os.stat(top)
            found[name] = (status.st_mtime_ns, status.st_size)
            continue
        for folder, dirs, names in os.walk(top):  # symlinked folders are not followed
            dirs.sort()
            for entry in names:
                path = os.path.join(folder, entry)
                try:
                    status = os.stat(path)
                except OSError:  # removed meanwhile, or a dangling link
                    continue
                found[Path(os.path.relpath(path, root)).as_posix()] = (status.st_mtime_ns, status.st_size)
    return found


def compare(before: Files, after: Files) -> list[tuple[str, str]]:
    """The files that changed, were added or removed, sorted by path."""
    changes = [(path, "removed") for path in before.keys() - after.keys()]
    changes += [(path, "added") for path in after.keys() - before.keys()]
    changes += [(path, "changed") for path in before.keys() & after.keys() if before[path] != after[path]]
    return sorted(changes)


def describe(changes: list[tuple[str, str]], verbose: bool = False) -> str:
    """``partners/acme/partner.yaml, campaigns/spring.yaml (new) and 3 more files``."""
    marks = {"added": _("(new)"), "removed": _("(deleted)")}
    shown = changes if verbose or len(changes) <= SHOWN + 1 else changes[:SHOWN]
    names = [f"{path} {marks[how]}" if how in marks else path for path, how in shown]
    rest = len(changes) - len(shown)
    if rest:
        return _("{files} and {more}").format(files=", ".join(names), more=ngettext(
            "{n} more file", "{n} more files", rest).format(n=i18n.number(rest)))
    return ", ".join(names)


def rebuilt_line(changes: list[tuple[str, str]], seconds: float, failed: bool, verbose: bool = False,
                 now: datetime | None = None) -> str:
    """The line ``serve`` prints after a rebuild."""
    clock = (now or datetime.now()).strftime("%H:%M:%S")
    if failed:
        return _("{clock}  not updated after changes to {files}: the records have errors (above); the preview "
                 "keeps the last good pages").format(clock=clock, files=describe(changes, verbose) or "-")
    took = i18n.number(seconds, 1)
    if not changes:
        return _("{clock}  rebuilt in {seconds} s; no record changed").format(clock=clock, seconds=took)
    return _("{clock}  rebuilt in {seconds} s after changes to {files}").format(
        clock=clock, seconds=took, files=describe(changes, verbose))


def on_pre_build(config: Any, **kwargs: Any) -> None:
    from generator.site.build import prepare_docs
    from generator.workdir import build_lock

    state = _state()
    root = state.root or Path(os.environ["PARTNERBOOK_ROOT"])
    today = state.today or date.fromisoformat(os.environ["PARTNERBOOK_TODAY"])
    files = watched_files(root)  # before the records are read: a change made meanwhile rebuilds again
    state.changes = compare(state.files, files) if state.files is not None else []
    first, state.first = state.first, False
    if first and state.files is not None and not state.changes:
        # serve_site has just generated the pages from these very files: MkDocs builds them as they are.
        state.progress.stage(_("building the site with MkDocs"))
        return
    state.files, state.failed = files, False
    try:
        with build_lock(root):  # a build of the same repository may be writing .partnerbook meanwhile
            prepare_docs(root, today, progress=state.progress if first else SILENT)
    except PartnerbookError as exc:
        # Keep serving the last good pages; the message says what to fix.
        state.failed = True
        state.progress.finish()
        log.error("partnerbook: %s", exc)
    if first:
        state.progress.stage(_("building the site with MkDocs"))


def on_serve(server: Any, config: Any, builder: Callable[..., Any], **kwargs: Any) -> Any:
    """Once the first build is done: say where the preview is once it is served, time every rebuild, and
    stop watching what partnerbook writes itself (the generated pages and MkDocs' configuration), which
    would trigger a second rebuild after each one."""
    state = _state()
    for path in (config.docs_dir, config.config_file_path):
        if path and os.path.abspath(path) in getattr(server, "_watched_paths", {}):
            server.unwatch(path)

    activate = server.server_activate

    def server_activate() -> None:
        activate()  # the port is taken only now: an address in use fails before anything is said
        state.progress.finish()
        state.progress.note(_("Serving on {url} (Ctrl-C to stop)").format(url=server.url))
        if state.progress.verbose:
            state.progress.note(_("watching {paths} for changes").format(
                paths=", ".join(name + ("/" if name != "partnerbook.yml" else "") for name in WATCHED)))

    rebuild = server.builder

    def timed_builder(*args: Any, **kwargs: Any) -> Any:
        began = state.clock()
        result = rebuild(*args, **kwargs)
        state.progress.note(rebuilt_line(state.changes, state.clock() - began, state.failed,
                                         state.progress.verbose))
        return result

    server.server_activate = server_activate
    server.builder = timed_builder
    return server
