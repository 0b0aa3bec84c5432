"""What a build reports while it runs: its stages and how many pages and charts are done.

The build calls a ``Progress`` at fixed points (generator/site/build.py and generator/site/mkdocs_build.py);
the command line picks how it is shown. The base class shows nothing, so library callers and tests pass
nothing.
"""

from __future__ import annotations


class Progress:
    """The build's reports; this base class ignores them all."""

    def stage(self, name: str) -> None:
        """A stage begins (``name`` is already in the user's language)."""

    def start(self, kind: str, total: int) -> None:
        """``total`` items of ``kind`` ("pages" or "charts") are about to be made."""

    def advance(self, kind: str, n: int = 1) -> None:
        """``n`` more items of ``kind`` are done."""

    def finish(self) -> None:
        """The build ended (well or not): close anything left open on the terminal."""


SILENT = Progress()
