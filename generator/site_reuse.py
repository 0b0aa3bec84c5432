"""Reuse of the site a build replaces: unchanged files are hard-linked, not written again.

After each build a manifest in the page cache records, for every page file of the new
site, the page key it was built from and the file's size and mtime. The next build
links a page from the previous site when its key is the same (same inputs, so the
same bytes) and the file is untouched since; theme and chart files when they match
their source. Nothing is ever written into a linked file, so a failed build still
leaves the previous site as it was.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

MANIFEST = "site-manifest.json"  # in the page cache: which page key each file of the current site holds


class PreviousSite:
    """The site this build replaces: its files are hard-linked into the new site where provably the same.

    A page is linked when the manifest of the build that wrote the previous site gives it the
    same page key (same inputs, so the same bytes) and the file still has the size and mtime
    recorded then; a static file when it has the size of its source and is not older than it.
    Everything else is written anew. Linking never writes into a previous file, so a failed
    build still leaves the previous site as it was.
    """

    def __init__(self, site: Path | None, cache_dir: Path | None) -> None:
        self.site = site
        self.pages: dict[str, list[Any]] = {}
        self.linked = 0
        if site is None or cache_dir is None or not site.is_dir():
            return
        try:
            loaded = json.loads((cache_dir / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if isinstance(loaded, dict) and loaded.get("site") == str(site):
            self.pages = loaded.get("pages", {})

    def _link(self, rel: str, dest: str) -> bool:
        assert self.site is not None
        try:
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            os.link(self.site / rel, dest)
        except OSError:
            return False
        self.linked += 1
        return True

    def holds(self, rel: str, key: str) -> bool:
        """Whether the previous site's file ``rel`` is the output of ``key``, untouched since."""
        known = self.pages.get(rel)
        if self.site is None or not known or known[0] != key:
            return False
        try:
            stat = os.stat(self.site / rel)
        except OSError:
            return False
        return [stat.st_size, stat.st_mtime_ns] == known[1:]

    def page(self, rel: str, key: str, dest: str) -> bool:
        """Link the previous site's page ``rel`` to ``dest`` if it is this key's output; else False."""
        return self.holds(rel, key) and self._link(rel, dest)

    def static(self, rel: str, source: str | None, dest: str) -> bool:
        """Link the previous site's copy of a static file when it matches its source."""
        if self.site is None or source is None:
            return False
        try:
            old, new = os.stat(self.site / rel), os.stat(source)
        except OSError:
            return False
        return old.st_size == new.st_size and old.st_mtime_ns >= new.st_mtime_ns and self._link(rel, dest)


def write_manifest(cache_dir: Path, site: Path, written: dict[str, str], site_dir: Path) -> None:
    """Record the page key and stat of every page file the new site holds (its path after the swap)."""
    pages = {}
    for rel, key in written.items():
        stat = os.stat(site_dir / rel)
        pages[rel] = [key, stat.st_size, stat.st_mtime_ns]
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = cache_dir / f".{MANIFEST}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps({"site": str(site), "pages": pages}, sort_keys=True), encoding="utf-8")
    os.replace(tmp, cache_dir / MANIFEST)
