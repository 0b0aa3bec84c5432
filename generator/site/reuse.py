"""Reuse of the site a build replaces: unchanged files are hard-linked, not written again.

The previous site is as untrusted as anything else in the repository's folder, so a file of it is
linked into the new site only when it is a regular file reached through real folders of a site
partnerbook built (its marker file, generator/workdir.py), and its content is verified:

* a page when its bytes equal the page's new output (which the build holds anyway);
* a static file (theme asset, chart) when it is the very file of its source (same inode: charts are
  hard links of the chart cache) or holds the same bytes;
* 404.html and the sitemap when the manifest of the build that wrote them names the same key and the
  SHA-256 of the file's bytes. The manifest is sealed with this machine's key, so one shipped in a
  repository never verifies.

Nothing is ever written into a linked file, so a failed build still leaves the previous site as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path
from typing import Any

from generator import cache_key, workdir

MANIFEST = "site-manifest.json"  # in the page cache: key and digest of the templates of the current site
_PURPOSE = b"site-manifest"


class PreviousSite:
    """The site this build replaces: its files are hard-linked into the new site where provably the same."""

    def __init__(self, site: Path | None, cache_dir: Path | None) -> None:
        self.site = site if site is not None and workdir.is_site(site) else None
        self.pages: dict[str, list[Any]] = {}
        self.linked = 0
        self._dirs: dict[str, bool] = {}
        if self.site is None or cache_dir is None:
            return
        body = cache_key.unpack(_PURPOSE, workdir.read_regular(cache_dir / MANIFEST))
        try:
            loaded = json.loads(body) if body is not None else None
        except ValueError:
            return
        if (isinstance(loaded, dict) and loaded.get("site") == str(self.site)
                and isinstance(loaded.get("pages"), dict)):
            self.pages = {rel: known for rel, known in loaded["pages"].items()
                          if isinstance(known, list) and len(known) == 2 and all(type(k) is str for k in known)}

    def _real_dir(self, rel_dir: str) -> bool:
        """Whether every part of ``site/rel_dir`` is a real folder (no symlink)."""
        if rel_dir in ("", "."):
            return True
        known = self._dirs.get(rel_dir)
        if known is None:
            assert self.site is not None
            parent_ok = self._real_dir(os.path.dirname(rel_dir))
            try:
                known = parent_ok and stat.S_ISDIR(os.lstat(self.site / rel_dir).st_mode)
            except OSError:
                known = False
            self._dirs[rel_dir] = known
        return known

    def _file(self, rel: str) -> os.stat_result | None:
        """The stat of the previous site's regular file ``rel``, reached through real folders only."""
        if self.site is None or rel.startswith("/") or ".." in rel.split("/"):
            return None
        if not self._real_dir(os.path.dirname(rel)):
            return None
        try:
            info = os.lstat(self.site / rel)
        except OSError:
            return None
        return info if stat.S_ISREG(info.st_mode) else None

    def _bytes(self, rel: str) -> bytes | None:
        assert self.site is not None
        return workdir.read_regular(self.site / rel)

    def _link(self, rel: str, dest: str) -> bool:
        assert self.site is not None
        try:
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            os.link(self.site / rel, dest, follow_symlinks=False)
        except OSError:
            return False
        self.linked += 1
        return True

    def holds(self, rel: str, key: str) -> bool:
        """Whether the previous site's file ``rel`` is the output of ``key`` (manifest key and content digest)."""
        known = self.pages.get(rel)
        if not known or known[0] != key or self._file(rel) is None:
            return False
        data = self._bytes(rel)
        return data is not None and hashlib.sha256(data).hexdigest() == known[1]

    def template(self, rel: str, key: str, dest: str) -> bool:
        """Link the previous site's ``rel`` to ``dest`` if it is this key's output; else False."""
        return self.holds(rel, key) and self._link(rel, dest)

    def page(self, rel: str, data: bytes, dest: str) -> bool:
        """Link the previous site's page ``rel`` to ``dest`` if it holds exactly ``data``; else False."""
        info = self._file(rel)
        return (info is not None and info.st_size == len(data) and self._bytes(rel) == data
                and self._link(rel, dest))

    def static(self, rel: str, source: str | None, dest: str) -> bool:
        """Link the previous site's copy of a static file when it is its source or holds the same bytes."""
        if source is None:
            return False
        old = self._file(rel)
        try:
            new = os.stat(source)
        except OSError:
            return False
        if old is None or not stat.S_ISREG(new.st_mode) or old.st_size != new.st_size:
            return False
        if (old.st_ino, old.st_dev) != (new.st_ino, new.st_dev):
            with open(source, "rb") as handle:
                if self._bytes(rel) != handle.read():
                    return False
        return self._link(rel, dest)


def write_manifest(cache_dir: Path, site: Path, written: dict[str, str], site_dir: Path) -> None:
    """Record the key and digest of every template file the new site holds (its path after the swap)."""
    pages = {}
    for rel, key in written.items():
        data = workdir.read_regular(site_dir / rel)
        if data is not None:
            pages[rel] = [key, hashlib.sha256(data).hexdigest()]
    body = json.dumps({"site": str(site), "pages": pages}, sort_keys=True).encode("utf-8")
    workdir.write_atomic(cache_dir / MANIFEST, cache_key.pack(_PURPOSE, body))
