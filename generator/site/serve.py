"""``partnerbook serve``: build the site into ``.partnerbook/preview`` as ``build`` does, serve it with live reload,
and build it again when a record changes; say what happens: the address once it is served, then a line per
rebuild with what changed and how long it took.

A rebuild is partnerbook's own incremental build (``build_preview`` in generator/site/build.py): only the
pages a change reaches are rendered again, and the preview holds what ``build`` would publish. A change that
``build`` would refuse (a record error, a broken link) leaves the preview as it was, and the message says what
to fix. MkDocs' ``LiveReloadServer`` serves the folder, watches partners/, campaigns/ and partnerbook.yml, and
reloads the browser after each rebuild. What changed is found by comparing the watched files (modification
time and size) with how they were when the preview was last built.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from generator import i18n, workdir
from generator.errors import PartnerbookError, environment_problem
from generator.i18n import _, ngettext
from generator.progress import Progress

WATCHED = ("partners", "campaigns", "partnerbook.yml", "mkdocs.yml")
SHOWN = 3  # changed files named in a rebuild's line (all of them with --verbose)

Files = dict[str, tuple[int, int]]  # path relative to the root (posix) -> (mtime in ns, size)


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


class Preview:
    """The preview's builds: the first one, then one per change, each timed and described in a line."""

    def __init__(self, root: Path, today: date, progress: Progress,
                 build: Callable[..., Any] | None = None, clock: Callable[[], float] = time.perf_counter) -> None:
        from generator.site.build import build_preview

        self.root, self.today, self.progress, self.clock = root, today, progress, clock
        self.build = build or build_preview
        self.files: Files = {}

    def first(self) -> None:
        """The first build, with the stages shown; its errors end ``serve`` (exit 1), as ``build``'s do."""
        self.files = watched_files(self.root)  # before the records are read: a change made meanwhile rebuilds
        self.build(self.root, self.today, progress=self.progress)

    def rebuild(self) -> None:
        """A watched file changed: build again; an error keeps the last good preview and says why."""
        began = self.clock()
        files = watched_files(self.root)
        changes, self.files = compare(self.files, files), files
        failed = False
        try:
            self.build(self.root, self.today)
        except PartnerbookError as exc:
            failed = True
            self.progress.note(f"partnerbook: {exc}")
        except OSError as exc:  # a full disk, a folder made read-only meanwhile: said, then the next change tries again
            message = environment_problem(exc)
            if message is None:
                raise
            failed = True
            self.progress.note(f"partnerbook: {message}")
        self.progress.note(rebuilt_line(changes, self.clock() - began, failed, self.progress.verbose))


def serve_site(root: Path, today: date, dev_addr: str, progress: Progress) -> None:
    """Build the preview, serve it on ``dev_addr`` (IP:PORT) with live reload, rebuild it on every change."""
    from mkdocs.livereload import LiveReloadServer

    from generator.site.build import PREVIEW
    from generator.workdir import WORK_DIR

    preview = Preview(root, today, progress)
    try:
        preview.first()
    finally:
        progress.finish()
    host, _sep, port = dev_addr.rpartition(":")
    server = LiveReloadServer(builder=preview.rebuild, host=host.strip("[]"), port=int(port),
                              root=str(root / WORK_DIR / PREVIEW))

    def error_page(code: int) -> bytes | None:  # the site's own 404 page, as MkDocs serves it
        return workdir.read_regular(root / WORK_DIR / PREVIEW / "404.html") if code == 404 else None

    server.error_handler = error_page
    for name in WATCHED:
        if (root / name).exists():
            server.watch(str(root / name))
    activate = server.server_activate

    def server_activate() -> None:
        activate()  # the port is taken only now: an address in use fails before anything is said
        progress.note(_("Serving on {url} (Ctrl-C to stop)").format(url=server.url))
        if progress.verbose:
            progress.note(_("watching {paths} for changes").format(
                paths=", ".join(name if name.endswith(".yml") else name + "/" for name in WATCHED)))

    server.server_activate = server_activate  # type: ignore[method-assign]
    try:
        server.serve()
    except KeyboardInterrupt:  # Ctrl-C is how the preview stops: exit 0 (during the first build it is 130)
        pass
    finally:
        server.shutdown()
        progress.finish()
