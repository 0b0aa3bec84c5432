"""What a build reports while it runs: its stages and how many pages and charts are done.

The build calls a ``Progress`` at fixed points (generator/site/build.py and generator/site/mkdocs_build.py);
the command line picks how it is shown (``display``). The base class shows nothing, so library callers and
tests pass nothing.

* ``TerminalProgress`` (stderr is a terminal): one line redrawn in place, the stage and, while pages and
  charts are made, a bar with their counts::

      building the site with MkDocs  [#########...............]  612/1,050 pages · 120/547 charts

  The line is cleared at the end, so only the command's summary stays; with ``--verbose`` every stage
  ends as a line of its own with its time and counts.
* ``PlainProgress`` (a pipe, a file, CI, ``TERM=dumb``): a few lines, never redrawn: one when a stage
  begins, one with the number of pages and charts to make; ``--verbose`` adds each stage's time.

Both write to stderr, so stdout holds only the command's summary; ``--quiet`` shows nothing (``SILENT``).
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Callable, Mapping
from typing import TextIO

from generator import i18n
from generator.i18n import _, ngettext


class Progress:
    """The build's reports; this base class ignores them all."""

    verbose = False  # whether the user asked for details (stage times, every file changed)

    def stage(self, name: str) -> None:
        """A stage begins (``name`` is already in the user's language)."""

    def start(self, kind: str, total: int) -> None:
        """``total`` items of ``kind`` ("pages" or "charts") are about to be made."""

    def advance(self, kind: str, n: int = 1) -> None:
        """``n`` more items of ``kind`` are done."""

    def note(self, text: str) -> None:
        """A line for the user between the reports (``serve``'s address and rebuilds); shown unless quiet."""

    def finish(self) -> None:
        """The build ended (well or not): close anything left open on the terminal."""


SILENT = Progress()


def _counted(kind: str, done: int, total: int) -> str:
    """``612/1,050 pages``."""
    done_text, total_text = i18n.number(done), i18n.number(total)
    if kind == "pages":
        return ngettext("{done}/{total} page", "{done}/{total} pages", total).format(done=done_text, total=total_text)
    if kind == "charts":
        return ngettext("{done}/{total} chart", "{done}/{total} charts", total).format(done=done_text,
                                                                                      total=total_text)
    return f"{done_text}/{total_text} {kind}"


def _made(kind: str, n: int) -> str:
    """``612 pages``."""
    if kind == "pages":
        return ngettext("{n} page", "{n} pages", n).format(n=i18n.number(n))
    if kind == "charts":
        return ngettext("{n} chart", "{n} charts", n).format(n=i18n.number(n))
    return f"{i18n.number(n)} {kind}"


def _seconds(seconds: float) -> str:
    return _("{seconds} s").format(seconds=i18n.number(seconds, 2 if seconds < 10 else 1))


class _Display(Progress):
    """What both displays keep: the current stage, when it began, and its counts."""

    def __init__(self, stream: TextIO, verbose: bool = False,
                 clock: Callable[[], float] = time.perf_counter) -> None:
        self.stream = stream
        self.verbose = verbose
        self.clock = clock
        self.name: str | None = None
        self.began = 0.0
        self.totals: dict[str, int] = {}
        self.done: dict[str, int] = {}

    def stage(self, name: str) -> None:
        self._close()
        self.name, self.began = name, self.clock()
        self.totals, self.done = {}, {}
        self._opened()

    def start(self, kind: str, total: int) -> None:
        self.totals[kind] = max(0, total)  # shown from the first item done: every kind is started by then
        self.done.setdefault(kind, 0)

    def advance(self, kind: str, n: int = 1) -> None:
        self.done[kind] = self.done.get(kind, 0) + n
        self._changed(kind)

    def finish(self) -> None:
        self._close()
        self.name = None

    def _close(self) -> None:
        if self.name is not None:
            self._closed(self.clock() - self.began)

    def _counts(self) -> str:
        """``612/1,050 pages · 120/547 charts``: the kinds that have something to make."""
        return " · ".join(_counted(kind, min(self.done.get(kind, 0), total), total)
                          for kind, total in self.totals.items() if total > 0)

    def _made_text(self) -> str:
        """``612 pages, 120 charts``: what this stage made."""
        return ", ".join(_made(kind, self.done.get(kind, 0)) for kind, total in self.totals.items() if total > 0)

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # a closed or broken stderr: the build goes on without its display
            pass

    # What each display does at these points.
    def _opened(self) -> None: ...

    def _changed(self, kind: str) -> None: ...

    def _closed(self, seconds: float) -> None: ...


class PlainProgress(_Display):
    """For logs (CI, a pipe, a file, ``TERM=dumb``): a few lines, none redrawn.

    A line when a stage begins; one with how many pages and charts the stage makes, when it starts making
    them; with ``verbose``, one with the stage's time when it ends.
    """

    def __init__(self, stream: TextIO, verbose: bool = False,
                 clock: Callable[[], float] = time.perf_counter) -> None:
        super().__init__(stream, verbose, clock)
        self.announced = False

    def _opened(self) -> None:
        assert self.name is not None
        self.announced = False
        self._write(self.name + "\n")

    def _announce(self) -> None:
        if not self.announced and (made := ", ".join(
                _made(kind, total) for kind, total in self.totals.items() if total > 0)):
            self._write("  " + _("to make: {counts}").format(counts=made) + "\n")
        self.announced = True

    def _changed(self, kind: str) -> None:
        if self.done.get(kind, 0) > 0:  # every kind has been started before the first is advanced
            self._announce()

    def _closed(self, seconds: float) -> None:
        self._announce()
        if self.verbose:
            self._write("  " + _("took {seconds}").format(seconds=_seconds(seconds)) + "\n")

    def note(self, text: str) -> None:
        self._write(text + "\n")


class TerminalProgress(_Display):
    """For a terminal: one line, redrawn in place (at most every ``interval`` seconds), cleared at the end.

    The line holds the stage and, while pages and charts are made, a bar and their counts; with ``verbose``
    every stage stays as a line with its time and counts.
    """

    BAR = 24

    def __init__(self, stream: TextIO, verbose: bool = False,
                 clock: Callable[[], float] = time.perf_counter, interval: float = 0.1,
                 width: Callable[[], int] | None = None) -> None:
        super().__init__(stream, verbose, clock)
        self.interval = interval
        self.width = width or self._terminal_width
        self.drawn = ""  # what the line shows now
        self.last = float("-inf")  # when it was drawn

    def _terminal_width(self) -> int:
        try:
            columns = os.get_terminal_size(self.stream.fileno()).columns
        except (OSError, ValueError, AttributeError):
            columns = 0
        return columns if columns > 0 else shutil.get_terminal_size().columns  # COLUMNS, else 80

    def _line(self) -> str:
        assert self.name is not None
        counts = self._counts()
        if not counts:
            return self.name + "…"
        total = sum(self.totals.values())
        done = sum(min(self.done.get(kind, 0), n) for kind, n in self.totals.items())
        filled = self.BAR * done // total
        return f"{self.name}  [{'#' * filled}{'.' * (self.BAR - filled)}]  {counts}"

    def _draw(self, text: str) -> None:
        text = text[:max(10, self.width() - 1)]  # a line that wrapped could not be redrawn in place
        self._write("\r" + text + "\x1b[K")
        self.drawn, self.last = text, self.clock()

    def _clear(self) -> None:
        if self.drawn:
            self._write("\r\x1b[K")
            self.drawn = ""

    def _opened(self) -> None:
        self._draw(self._line())

    def _changed(self, kind: str) -> None:
        if self.name is None:
            return
        total = self.totals.get(kind, 0)
        complete = total > 0 and self.done.get(kind, 0) >= total
        if complete or self.clock() - self.last >= self.interval:
            self._draw(self._line())

    def _closed(self, seconds: float) -> None:
        if not self.verbose:
            self._clear()
            return
        assert self.name is not None
        made = self._made_text()
        self._draw(f"{self.name}  {_seconds(seconds)}" + ("  (" + _("made: {counts}").format(counts=made) + ")"
                                                          if made else ""))
        self._write("\n")
        self.drawn = ""

    def note(self, text: str) -> None:
        self._clear()
        self._write(text + "\n")
        if self.name is not None:
            self._draw(self._line())


def _is_terminal(stream: TextIO, environ: Mapping[str, str]) -> bool:
    """A terminal that redraws a line: not CI's log (CI set), not ``TERM=dumb``."""
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        return False
    ci = environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
    return tty and not ci and environ.get("TERM", "") != "dumb"


def display(quiet: bool = False, verbose: bool = False, stream: TextIO | None = None,
            environ: Mapping[str, str] | None = None) -> Progress:
    """The display for the command line: nothing when quiet, a live line on a terminal, else plain lines."""
    if quiet:
        return SILENT
    stream = stream if stream is not None else sys.stderr
    if _is_terminal(stream, os.environ if environ is None else environ):
        return TerminalProgress(stream, verbose)
    return PlainProgress(stream, verbose)
