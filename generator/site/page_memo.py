"""Pages rendered again only when what they show changed: the map from records to pages, read off the pages.

Every page is a template and a context (generator/site/pages.py). What a page shows is a function of the
context values its templates read (the names Jinja finds in the page's template and in the templates it
includes) and of partnerbook itself (code, templates, catalogs, the language). So a page's *inputs key* is
a digest of exactly those values: records, KPIs, alerts, settings, whatever reached the page, pickled
whole (every type, field and number; pickle is only written here, never read). A changed partner file
changes the values of the pages that show something of it (its own pages, the lists, the portfolio's
totals, another partner's page only when a value on it moved), and only those pages are rendered again.
No list of "which record feeds which page" is kept by hand, so none can be out of date: the dependency is
read off the values, after the records were read and the KPIs computed.

The last build's keys are kept in ``.partnerbook/cache/pages.json`` (sealed with this machine's key, like
every cache: one shipped in a repository or restored from elsewhere never verifies), each with the SHA-256
of the Markdown it wrote into ``.partnerbook/docs``. A page is taken from docs only when its key is the
recorded one and the file there still holds those very bytes; anything else is rendered.

The build's day and commit (generator/site/stamp.py) are not part of a key: pages hold them as marked spans,
and a page taken from docs gets the new words written into its spans, as rendering it would have.

A value pickle cannot write (a function made at run time, a value that contains itself) makes its page
rendered every time: a page is never taken from docs on a guess.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import pickle
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta
from markupsafe import Markup
from pydantic import BaseModel

from generator import cache_key, i18n, workdir
from generator.site import docs_tree, render, stamp

INDEX = "pages.json"
_YOUNG_SWEEPS = 8  # sweeps a digested value must outlive to count as shared (see Digester.sweep)
_PURPOSE = b"page-memo"
_FORMAT = 1
# Read through the Jinja context by ``source`` and ``edit_link`` (generator/site/render.py), not by name.
_ALWAYS = frozenset({"repo"})
_SPAN = '<span class="pb-stamp-'


class Unknown(Exception):
    """A value that cannot be digested: its page is rendered every time."""


def _feed_names(env: jinja2.Environment, name: str, seen: set[str], names: set[str]) -> bool:
    if name in seen:
        return True
    seen.add(name)
    assert env.loader is not None
    source, _file, _uptodate = env.loader.get_source(env, name)
    tree = env.parse(source)
    names |= jinja2.meta.find_undeclared_variables(tree)
    for other in jinja2.meta.find_referenced_templates(tree):
        if other is None or not _feed_names(env, other, seen, names):
            return False  # a template named at render time: every name may be read
    return True


def template_names(env: jinja2.Environment, template: str, known: dict[str, frozenset[str] | None]
                   ) -> frozenset[str] | None:
    """The context names ``template`` and the templates it includes read, or None when that cannot be known."""
    if template not in known:
        names: set[str] = set(_ALWAYS)
        known[template] = frozenset(names) if _feed_names(env, template, set(), names) else None
    return known[template]


def _model(*state: Any) -> None:
    """Stands for a pydantic model in a digest (never called: digests are never unpickled)."""


class _Pickler(pickle.Pickler):
    """Pickles a value for its digest: pydantic models by class and fields in order (not by their set of
    set fields, whose order changes from run to run), stamp spans by their kind (their words apart), no memo
    (equal values give equal bytes however their parts are shared)."""

    def __init__(self, file: io.BytesIO, words: dict[str, str]) -> None:
        super().__init__(file, protocol=5)
        self.fast = True  # no memo: a value that contains itself raises RecursionError (Unknown)
        self.words = words

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, BaseModel):
            return _model, (type(obj), tuple(obj.__dict__.items()), obj.__pydantic_extra__, obj.__pydantic_private__)
        if type(obj) is Markup and _SPAN in obj:
            text, found = stamp.neutral(str(obj))
            if all(kind in stamp.KINDS for kind in found):  # relative words are the value itself: kept
                _merge(self.words, found)
                return Markup, (text,)
        if isinstance(obj, set | frozenset):  # a set of a subclass: in a fixed order
            return type(obj), (sorted(obj, key=repr),)
        return NotImplemented


class Digester:
    """Digests of the context values pages read; a value shared by several pages is digested once.

    A value is pickled (``_Pickler``): pickle writes every part of it (types, field values in order, numbers
    exactly), and what it cannot write (a function made at run time, an open file) raises, which makes
    the page Unknown. Pickle is only written here, never read.
    """

    def __init__(self) -> None:
        self._memo: dict[int, tuple[str, dict[str, str]]] = {}
        self._keep: dict[int, Any] = {}  # the values digested, alive while their id is a key of _memo
        self._young: dict[int, int] = {}  # id -> sweeps survived, for values not known to be shared yet
        self._buffer = io.BytesIO()

    def sweep(self) -> None:
        """Let go of the values no page holds any more (called between pages).

        A value only this digester holds (its pages are written and their contexts gone) is forgotten, so
        its memory is freed and its id can never be mistaken for a new value's. One still held elsewhere
        after ``_YOUNG_SWEEPS`` sweeps is shared (the names of every partner, the settings) and stays.
        Which values are forgotten changes only what is digested again, never a key.
        """
        for ident, age in list(self._young.items()):
            if sys.getrefcount(self._keep[ident]) <= 2:  # _keep's reference and getrefcount's argument
                del self._keep[ident], self._memo[ident], self._young[ident]
            elif age + 1 >= _YOUNG_SWEEPS:
                del self._young[ident]
            else:
                self._young[ident] = age + 1

    def page(self, template: str, names: frozenset[str] | None, context: dict[str, Any]
             ) -> tuple[str, dict[str, str]]:
        """The page's inputs key and the stamp words it holds (kind -> words); Unknown if it has none."""
        words: dict[str, str] = {}
        parts = [repr(template)]
        for name in sorted(context if names is None else names & context.keys()):
            parts.append(repr(name))
            parts.append(self._value(context[name], words))
        missing = sorted(names - context.keys()) if names is not None else []
        parts.append(repr(missing))
        return hashlib.blake2b("\0".join(parts).encode("utf-8", "surrogatepass"), digest_size=20).hexdigest(), words

    def _value(self, value: Any, words: dict[str, str]) -> str:
        known = self._memo.get(id(value))
        if known is None:
            own: dict[str, str] = {}
            buffer = self._buffer
            buffer.seek(0)
            buffer.truncate()
            if isinstance(value, set | frozenset):
                value = sorted(value, key=repr)  # in a fixed order
            try:
                _Pickler(buffer, own).dump(value)
            except Unknown:
                raise
            except Exception as exc:  # noqa: BLE001 - whatever pickle cannot write: the page is rendered
                raise Unknown(f"{type(exc).__name__}: {exc}") from None
            known = (hashlib.blake2b(buffer.getbuffer(), digest_size=20).hexdigest(), own)
            self._memo[id(value)] = known
            self._keep[id(value)] = value
            self._young[id(value)] = 0
        _merge(words, known[1])
        return known[0]


def _merge(words: dict[str, str], found: dict[str, str]) -> None:
    for kind, text in found.items():
        if words.setdefault(kind, text) != text:
            raise Unknown("two different stamps of one kind")


@dataclasses.dataclass
class Entry:
    key: str
    sha256: str
    words: dict[str, str]


class Memo:
    """The last build's page keys (``.partnerbook/cache/pages.json``) and the docs they were written to."""

    def __init__(self, root: Path, code: str) -> None:
        self.root = root
        self.docs = workdir.work_dir(root, "docs")
        self.scope = [_FORMAT, code, i18n.current()]  # what every page depends on besides its context
        self.entries = self._load()
        self.fresh: dict[str, Entry] = {}
        self.reused = 0

    def _path(self) -> Path:
        return workdir.work_dir(self.root, "cache") / INDEX

    def _load(self) -> dict[str, Entry]:
        body = cache_key.unpack(_PURPOSE, workdir.read_regular(self._path()))
        try:
            data = json.loads(body) if body is not None else None
        except ValueError:
            return {}
        if not isinstance(data, dict) or data.get("scope") != self.scope or not isinstance(data.get("pages"), dict):
            return {}
        entries = {}
        for path, item in data["pages"].items():
            if isinstance(item, list) and len(item) == 3 and all(type(v) is str for v in item[:2]) \
                    and isinstance(item[2], dict) and all(type(v) is str for v in item[2].values()):
                entries[path] = Entry(item[0], item[1], item[2])
        return entries

    def render(self, plan: Iterable[tuple[str, tuple[str, dict[str, Any]]]]) -> list[str]:
        """Put every page of ``plan`` ((path, (template, context)) pairs) into docs as UTF-8 Markdown, in plan
        order, and return their paths: a page whose inputs are the recorded ones is kept (its stamps brought up
        to date), the others are rendered (generator/site/render.py).

        Each page is written as soon as it is made, and its context is let go (``plan`` may make them one at a
        time: generator/site/pages.py), so no more than one page's Markdown is held at a time.
        ``docs`` must hold no symlink (``workdir.clear_links``): a page is never written through one.
        Rendering stays in one process: measured on 1,000 partners, forking workers cost more (each compiles
        the templates and starts with a cold escape cache) than the second core saved.
        """
        env = render.environment()
        known: dict[str, frozenset[str] | None] = {}
        digester = Digester()
        paths: list[str] = []
        for path, (template, context) in plan:
            paths.append(path)
            digester.sweep()
            try:
                key, words = digester.page(template, template_names(env, template, known), context)
            except Unknown:
                docs_tree.write_if_changed(self.docs / path, render.render_page(env, template, context).encode("utf-8"))
                continue
            data, same = self._reuse(path, key, words)
            if data is None:
                data = render.render_page(env, template, context).encode("utf-8")
            else:
                self.reused += 1
            if not same:
                docs_tree.write_if_changed(self.docs / path, data)
            self.fresh[path] = Entry(key, hashlib.sha256(data).hexdigest(), words)
        return paths

    def _reuse(self, path: str, key: str, words: dict[str, str]) -> tuple[bytes | None, bool]:
        """The page in docs when its inputs are the recorded ones, with today's stamps, and whether those bytes
        are already in docs."""
        entry = self.entries.get(path)
        if entry is None or entry.key != key or entry.words.keys() != words.keys():
            return None, False
        data = workdir.read_regular(self.docs / path)
        if data is None or hashlib.sha256(data).hexdigest() != entry.sha256:
            return None, False
        same = True
        for kind, new in words.items():
            if entry.words[kind] != new:
                data = stamp.restamp(data, kind, entry.words[kind], new)
                same = False
        return data, same

    def save(self) -> None:
        """Record this build's keys, once its pages are in docs."""
        data = {"scope": self.scope,
                "pages": {path: [e.key, e.sha256, e.words] for path, e in sorted(self.fresh.items())}}
        workdir.write_atomic(self._path(), cache_key.pack(_PURPOSE, json.dumps(data, sort_keys=True).encode("utf-8")))

    @staticmethod
    def forget(root: Path) -> None:
        workdir.remove(workdir.work_dir(root, "cache") / INDEX)
