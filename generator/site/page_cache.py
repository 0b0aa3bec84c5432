"""The page cache of generator/site/mkdocs_build.py: what a rendered page contributes, sealed on disk, and its key.

A page's HTML and search entries depend only on its Markdown and on what is global to the build; both are
hashed into the page's key (``global_key``, ``page_key``; ``template_key`` for 404.html and the sitemap).
An entry (``PageOutput``) is sealed with this machine's key over its key and content and schema-checked
when read; a new entry waits under a pending name until the build succeeded (``store``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator import cache_key, workdir
from generator.site.fingerprint import library_versions

if TYPE_CHECKING:
    from mkdocs.structure.files import Files

CACHE_VERSION = "2"
_PURPOSE = b"page"
CHART_REF = re.compile(r"assets/charts/([0-9a-f]{16})\.svg")
PENDING = ".pending-"  # a new page cache entry, waiting for the build to succeed
_PACKAGES = ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "jinja2", "pygments", "babel")


@dataclass
class PageOutput:
    """What a rendered page contributes to the site: its HTML, search entries and anchor data."""

    html: bytes | None
    search: list[dict[str, Any]]
    title: str | None
    anchors: list[str] | None
    links: dict[str, dict[str, str]] | None
    warnings: list[tuple[str, int, str]] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps({"version": CACHE_VERSION,
                           "html": None if self.html is None else self.html.decode("utf-8"),
                           "search": self.search, "title": self.title, "anchors": self.anchors,
                           "links": self.links}, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> PageOutput:
        """The output stored by ``to_json``; ValueError when the data does not fit the schema."""
        data = json.loads(text)
        if type(data) is not dict or set(data) != {"version", "html", "search", "title", "anchors", "links"}:
            raise ValueError("not a page cache entry")
        html, search, title, anchors, links = (data[k] for k in ("html", "search", "title", "anchors", "links"))
        if (data["version"] != CACHE_VERSION or not _optional(html, str) or not _optional(title, str)
                or type(search) is not list or not all(_search_entry(entry) for entry in search)
                or not (anchors is None or (type(anchors) is list and all(type(a) is str for a in anchors)))
                or not (links is None or (type(links) is dict and all(
                    type(v) is dict and all(type(a) is str and type(b) is str for a, b in v.items())
                    for v in links.values())))):
            raise ValueError("not a page cache entry")
        return cls(None if html is None else html.encode("utf-8"), search, title, anchors, links)

    def seal(self, key: str) -> bytes:
        """The cache file of this output under ``key``: sealed with this machine's key."""
        return cache_key.pack(_PURPOSE + key.encode(), self.to_json().encode("utf-8"))

    @classmethod
    def unseal(cls, key: str, data: bytes | None) -> PageOutput:
        """The output in a cache file written by ``seal`` for ``key`` on this machine; else ValueError."""
        body = cache_key.unpack(_PURPOSE + key.encode(), data)
        if body is None:
            raise ValueError("not sealed by this machine for this key")
        return cls.from_json(body.decode("utf-8"))


def _optional(value: Any, kind: type) -> bool:
    return value is None or type(value) is kind


def _search_entry(entry: Any) -> bool:
    return type(entry) is dict and all(type(k) is str and type(v) in (str, int, float, bool, list, type(None))
                                        for k, v in entry.items())


def _tree_digest(folder: str | None) -> str:
    """Digest of every file under a theme ``custom_dir`` (names and bytes)."""
    if not folder or not os.path.isdir(folder):
        return ""
    digest = hashlib.sha256()
    for path in sorted(Path(folder).rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def global_key(config_data: dict[str, Any], files: Files) -> str:
    """What every page's output depends on besides its own Markdown (the build date is not: only the sitemap
    shows it, see ``template_key``)."""
    settings = {k: v for k, v in config_data.items() if k != "site_dir"}
    theme: dict[str, Any] = settings["theme"] if isinstance(settings.get("theme"), dict) else {}
    names = sorted(f.src_uri for f in files if not CHART_REF.fullmatch(f.src_uri))
    parts = [CACHE_VERSION, library_versions(_PACKAGES), settings, _tree_digest(theme.get("custom_dir")), names]
    payload = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def template_key(base: str) -> str:
    """The key of 404.html and the sitemap: the global key and the build date the sitemap shows."""
    return hashlib.sha256(f"{base}\0{os.environ.get('SOURCE_DATE_EPOCH', '')}".encode()).hexdigest()


def page_key(base: str, src_uri: str, source: bytes, known: set[str]) -> str:
    """A page's cache key: the global key, its path, its bytes and whether each chart it shows exists."""
    digest = hashlib.sha256(base.encode() + b"\0" + src_uri.encode("utf-8") + b"\0" + source)
    refs = sorted(set(CHART_REF.findall(source.decode("utf-8", errors="replace"))))
    digest.update(json.dumps([[ref, f"assets/charts/{ref}.svg" in known] for ref in refs]).encode())
    return digest.hexdigest()[:32]


def store(cache_dir: Path, keys: dict[str, str], fresh: set[str]) -> None:
    """Put the pending entries of newly rendered pages in place and drop the ones this build did not use."""
    wanted = {f"{key}.json" for key in keys.values()}
    for src_uri, key in keys.items():
        if src_uri in fresh:  # rendered in this build: its entry was missing or did not verify
            pending = cache_dir / f"{PENDING}{key}"
            if os.path.lexists(pending):  # none for a page MkDocs left out (empty)
                final = cache_dir / f"{key}.json"
                if os.path.isdir(final) and not os.path.islink(final):  # a folder in the way goes first
                    workdir.remove(final)
                os.replace(pending, final)
    for entry in os.scandir(cache_dir):
        if entry.name not in wanted:
            workdir.remove(Path(entry.path))
