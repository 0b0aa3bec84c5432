"""A big portfolio's pages prepared in a forked child process that exits before MkDocs starts.

Reading the records, computing and rendering the pages hold most of a big build's memory, and a process keeps
much of what it freed; MkDocs and its forked workers would carry it all. So from ``APART_MIN`` partner
folders on, ``prepare_docs`` (generator/site/build.py) runs in a child, which sends back what the rest of
the build reads, and its progress, through a pipe from the child it forked (never from a file).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import traceback
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator import i18n
from generator.errors import PartnerbookError
from generator.i18n import _
from generator.progress import Progress

if TYPE_CHECKING:
    from generator.site.build import Prepared


APART_MIN = 500  # partner folders from which the pages are prepared in a child process (_prepare_apart)


class _Relay(Progress):
    """The progress of a child process, sent to its parent, which shows it."""

    def __init__(self, out: Any, verbose: bool) -> None:
        self.out = out
        self.verbose = verbose

    def _send(self, *call: Any) -> None:
        pickle.dump(("progress", call), self.out)
        self.out.flush()

    def stage(self, name: str) -> None:
        self._send("stage", name)

    def start(self, kind: str, total: int) -> None:
        self._send("start", kind, total)

    def advance(self, kind: str, n: int = 1) -> None:
        self._send("advance", kind, n)

    def note(self, text: str) -> None:
        self._send("note", text)


def partner_folders(root: Path) -> int:
    try:
        with os.scandir(root / "partners") as entries:
            return sum(1 for entry in entries if entry.is_dir(follow_symlinks=False))
    except OSError:
        return 0


def prepare_apart(root: Path, today: date, jobs: int | None, timings: dict[str, float], progress: Progress,
                   commit: str) -> tuple[Prepared, int, bool]:
    """``prepare_docs`` in a forked child that exits before MkDocs starts: (prepared, problems, trusted).

    Reading the records, computing and rendering the pages hold most of a big build's memory, and a process
    keeps much of what it freed; MkDocs and its forked workers would carry it all. The child sends back
    what the rest of the build reads (``Prepared`` without the computed portfolio, the number of problems,
    whether mkdocs.yml is trusted, its timings, the language the records chose) and its progress, which
    this process shows; an error raised in the child is raised here.
    """
    from generator.site.build import prepare_docs

    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        status = 1
        try:
            os.close(read_end)
            with os.fdopen(write_end, "wb") as out:
                try:
                    child_timings: dict[str, float] = {}
                    prepared = prepare_docs(root, today, jobs, child_timings, draw=False,
                                            progress=_Relay(out, progress.verbose), commit=commit)
                    computed, prepared.computed = prepared.computed, None
                    answer: tuple[str, Any] = ("done", (prepared, len(computed.result.problems),
                                                        computed.portfolio.settings.site.trust_mkdocs_yml,
                                                        child_timings, i18n.current()))
                except BaseException as exc:  # noqa: BLE001 - raised again in the parent
                    answer = ("error", exc)
                try:
                    data = pickle.dumps(answer)
                except Exception:  # noqa: BLE001 - an error that cannot be sent: its traceback can
                    data = pickle.dumps(("error", RuntimeError("".join(traceback.format_exception(answer[1])))))
                out.write(data)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    reply: tuple[str, Any] | None = None
    try:
        with os.fdopen(read_end, "rb") as reader:
            while True:
                try:
                    kind, payload = pickle.load(reader)
                except EOFError:
                    break
                if kind == "progress":
                    getattr(progress, payload[0])(*payload[1:])
                else:
                    reply = (kind, payload)
    except BaseException:  # Ctrl-C, a broken display: the child stops too
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGTERM)
        raise
    finally:
        _pid, wait_status = os.waitpid(pid, 0)
    if reply is None:
        raise PartnerbookError(_("preparing the pages stopped unexpectedly (exit status {status})").format(
            status=os.waitstatus_to_exitcode(wait_status)))
    if reply[0] == "error":
        raise reply[1]
    prepared, problems, trusted, child_timings, language = reply[1]
    timings.update(child_timings)
    i18n.use(language)  # the team's language, as reading the records chose it
    return prepared, problems, trusted
