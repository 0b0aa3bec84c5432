"""The site's search entries, held on disk while the pages are built, and the search index written from them.

Material's search plugin keeps every page's entries as dicts and writes ``search/search_index.json`` with one
``json.dumps`` at the end: at 5,000 partners that is some 55 MB of JSON, several times that as dicts, all held
by the parent process while the workers still render. Here each page's entries are written, as the very
JSON text the plugin would write for them, to an unnamed temporary file in partnerbook's work folder as soon
as the page is done; the index is then written in the site's page order, one page's text at a time. The
bytes equal the plugin's own (``tests/test_build_incremental.py`` compares the site with a plain ``mkdocs
build``).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any, BinaryIO

from generator import workdir

_EMPTY_END = b',"docs":[]}'  # how the plugin's index of no entries ends: the entries go in before "]}"


def entries_text(entries: list[dict[str, Any]]) -> bytes:
    """The entries as they appear inside the index's ``docs`` array (the plugin's ``json.dumps`` settings)."""
    return json.dumps(entries, separators=(",", ":"), default=str)[1:-1].encode("ascii")


class SearchSpool:
    """Every page's search entries, on disk, by page."""

    def __init__(self, folder: Path) -> None:
        self._file: BinaryIO = tempfile.TemporaryFile(dir=folder)  # noqa: SIM115 (closed by close(); unnamed: gone when closed)
        self._spans: dict[str, tuple[int, int]] = {}
        self._end = 0

    def add(self, src_uri: str, entries: list[dict[str, Any]]) -> None:
        text = entries_text(entries)
        self._file.seek(self._end)
        self._file.write(text)
        self._spans[src_uri] = (self._end, len(text))
        self._end += len(text)

    def text(self, src_uri: str) -> bytes:
        start, size = self._spans[src_uri]
        self._file.seek(start)
        return self._file.read(size)

    def entries(self, src_uri: str) -> list[dict[str, Any]]:
        entries: list[dict[str, Any]] = json.loads(b"[" + self.text(src_uri) + b"]")
        return entries

    def write_index(self, index: Path, order: list[str]) -> bool:
        """Put every page's entries, in ``order``, into the index the plugin wrote with none.

        False (nothing written) when ``index`` is not such an index: the caller lets the plugin write them.
        """
        head = workdir.read_regular(index, limit=1 << 20)
        if head is None or not head.endswith(_EMPTY_END):
            return False
        temp = index.with_name(f".{index.name}.partnerbook")
        with open(temp, "wb") as out:
            out.write(head[:-2])
            first = True
            for src_uri in order:
                text = self.text(src_uri)
                if text:
                    out.write(text if first else b"," + text)
                    first = False
            out.write(b"]}")
        os.replace(temp, index)
        return True

    def close(self) -> None:
        self._file.close()
