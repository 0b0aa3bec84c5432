"""A cache of per-file read results, so a rebuild re-reads only the records that changed.

Reading a record (YAML parse with positions, secrets scan, typed record) depends
only on the file's bytes, its path, the record kind, partnerbook's own code and, for the
words of its findings, the language and its catalog.
``partnerbook build`` keeps each file's result under ``.partnerbook/cache/`` keyed
by a digest of exactly those; everything that spans files (references, the
compliance policy, KPIs, alerts) is computed afresh on every run. ``validate``
never uses the cache: a CI check always reads every file.

The cache is data, never code: JSON lines holding each file's loaded document (values,
positions) and its problems; the typed record is validated again from the document on
every read (pydantic), so nothing but plain data comes from disk. The file is sealed with
this machine's key (generator/cache_key.py): a cache shipped in a repository, edited, cut
short or written by another version does not verify and is ignored (a cold read). Each
entry is also schema-checked when used; one that does not fit is read from its file again.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import json
import os
import shutil
import stat
import tempfile
from pathlib import Path
from typing import Any, BinaryIO

from generator import cache_key, i18n, workdir

_PACKAGE = Path(__file__).resolve().parent.parent  # all of partnerbook's code
FORMAT = "partnerbook-readcache"
VERSION = 5  # 5: a problem keeps its day counts (Problem.relative)
_TYPED = "\x00"  # {"\0": raw}: a plain scalar the loader typed (YAML text never holds NUL)
_PURPOSE = b"readcache"
_KINDS = ("Campaign", "Contract", "Partner", "Settings", "Sla")
MAX_CACHE_BYTES = 2_000_000_000


def _code_fingerprint() -> str:
    """Digest of partnerbook's own source and message catalogs: a changed loader, model or translation
    invalidates every entry (cached findings are written in the team's language)."""
    digest = hashlib.sha256()
    for source in sorted([*_PACKAGE.rglob("*.py"), *(_PACKAGE / "locale").rglob("*.po")]):
        digest.update(source.relative_to(_PACKAGE).as_posix().encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()


class BadEntry(ValueError):
    """A cache entry that does not fit the schema."""


# ---------------------------------------------------------------------------- documents and problems as JSON

def _encode_value(value: Any) -> Any:
    if value is None or type(value) is str or type(value) is bool:
        return value
    if type(value) is dict:
        if _TYPED in value:
            raise TypeError("a key the cache uses as a tag")
        return {key: _encode_value(item) for key, item in value.items()}
    if type(value) is list:
        return [_encode_value(item) for item in value]
    raw = getattr(value, "raw", None)
    if isinstance(raw, str):  # a plain scalar the loader typed (int, float, too large): typed again on read
        return {_TYPED: raw}
    raise TypeError(f"cannot cache a {type(value).__name__}")


def _typed(data: dict[str, Any]) -> Any:
    """``json.loads`` object hook: a tagged plain scalar is resolved again as the loader does."""
    if len(data) == 1 and _TYPED in data:
        from generator.load.scalars import resolve_plain

        raw = data[_TYPED]
        if type(raw) is not str or not raw:
            raise BadEntry("value")
        return resolve_plain(raw)
    return data


def _positions(rows: Any) -> Any:
    """Positions as stored: [[location...], line, column] rows (a damaged row raises)."""
    from generator.load.positions import Positions

    if type(rows) is not list:
        raise BadEntry("positions")
    return Positions({tuple(loc): (line, column) for loc, line, column in rows}.items())


def encode_document(doc: Any) -> dict[str, Any]:
    positions = [[[list(loc), *pos] for loc, pos in doc.values.items()],
                 [[list(loc), *pos] for loc, pos in doc.keys.items()]]
    return {"path": doc.path, "data": _encode_value(doc.data),
            "positions": json.dumps(positions, ensure_ascii=False, separators=(",", ":")),
            "literal": sorted((list(loc) for loc in doc.literal), key=json.dumps)}


@functools.cache
def _document_class() -> type:
    from generator.load.document import Document

    class CachedDocument(Document):
        """A document from the cache: its positions (needed only for findings) are decoded on first use."""

        def __getattr__(self, name: str) -> Any:
            if name not in ("values", "keys") or "_positions_text" not in self.__dict__:
                raise AttributeError(name)
            try:
                values, keys = json.loads(self.__dict__.pop("_positions_text"))
                self.__dict__["values"], self.__dict__["keys"] = _positions(values), _positions(keys)
            except (ValueError, TypeError, BadEntry, OverflowError):  # sealed by this machine: only a bug gets here
                from generator.load.positions import Positions

                self.__dict__["values"], self.__dict__["keys"] = Positions(), Positions()
            return self.__dict__[name]

        def __eq__(self, other: object) -> bool:
            if not isinstance(other, Document):
                return NotImplemented
            fields = ("path", "data", "values", "keys", "literal")
            return all(getattr(self, f) == getattr(other, f) for f in fields)

        __hash__ = None  # type: ignore[assignment]

    return CachedDocument


def decode_document(data: Any) -> Any:
    if type(data) is not dict or set(data) != {"path", "data", "positions", "literal"}:
        raise BadEntry("document")
    if (type(data["path"]) is not str or type(data["data"]) is not dict or type(data["literal"]) is not list
            or type(data["positions"]) is not str):
        raise BadEntry("document")
    doc: Any = object.__new__(_document_class())
    doc.__dict__.update(path=data["path"], data=data["data"], _positions_text=data["positions"],
                        literal=frozenset(tuple(loc) for loc in data["literal"]))
    return doc


def encode_problem(problem: Any) -> list[Any]:
    return [problem.file, problem.line, problem.column, problem.rule, str(problem.severity), problem.message,
            problem.hint, str(problem.kind), list(problem.relative)]


def decode_problem(data: Any) -> Any:
    from generator.problems import Kind, Problem, Severity

    if type(data) is not list or len(data) != 9:
        raise BadEntry("problem")
    file, line, column, rule, severity, message, hint, kind, relative = data
    if not (type(file) is str and type(rule) is str and type(message) is str and type(hint) is str
            and (line is None or type(line) is int) and (column is None or type(column) is int)
            and type(relative) is list and all(type(words) is str for words in relative)):
        raise BadEntry("problem")
    try:
        return Problem(file, line, column, rule, Severity(severity), message, hint, Kind(kind), tuple(relative))
    except ValueError:
        raise BadEntry("problem") from None


def _model(kind: str) -> Any:
    from generator import records as models

    if kind not in _KINDS:
        raise BadEntry("kind")
    return getattr(models, kind)


class ReadCache:
    """Per-file results by display path, valid while the file's bytes and the code are the same.

    Each result is kept as its own JSON line, so saving after a small change writes the
    unchanged lines as they are instead of encoding every record again.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fingerprint = _code_fingerprint()
        self.entries: dict[str, tuple[str, str]] = {}  # display -> (key, payload as JSON text)
        self.used: dict[str, tuple[str, str]] = {}
        self.hits = 0
        self.rejected = 0  # entries dropped by the schema check
        handle = workdir.open_regular(path, MAX_CACHE_BYTES)
        if handle is not None:
            with handle, contextlib.suppress(OSError, UnicodeDecodeError, ValueError):
                self.entries = self._read(handle)

    def _read(self, handle: BinaryIO) -> dict[str, tuple[str, str]]:
        """The entries of a cache file, read a line at a time while its MAC is computed along (at 5,000
        partners the file is some 100 MB: it is never held whole); none unless the MAC is this machine's."""
        head = handle.read(cache_key.BODY)
        if len(head) != cache_key.BODY or head[-1:] != b"\n":
            return {}
        expected = head[:-1].decode("ascii")
        mac = cache_key.mac(_PURPOSE)
        first = handle.readline()
        mac.update(first)
        if json.loads(first) != {"format": FORMAT, "version": VERSION, "fingerprint": self.fingerprint}:
            return {}
        entries: dict[str, tuple[str, str]] = {}
        for raw in handle:  # JSON text never holds a raw tab: display <TAB> key <TAB> payload
            mac.update(raw)
            parts = raw.decode("utf-8").rstrip("\n").split("\t")
            if len(parts) != 3:
                continue
            try:
                display = json.loads(parts[0])
            except ValueError:
                continue
            if type(display) is str:
                entries[display] = (parts[1], parts[2])
        return entries if hmac.compare_digest(mac.hexdigest(), expected) else {}

    @staticmethod
    def key(data: bytes, kind: str, record_id: str) -> str:
        """The file's bytes, what it is read as, and the language its findings are written in."""
        head = b"%s\0%s\0%s\0" % (kind.encode(), record_id.encode(), i18n.current().encode())
        return hashlib.sha256(head + data).hexdigest()

    def get(self, display: str, key: str) -> Any | None:
        """The cached ``(Loaded | None, problems)`` of ``display`` read with ``key``, or None."""
        entry = self.entries.get(display)
        if entry is None or entry[0] != key:
            return None
        try:
            value = self._decode(entry[1])
        except (BadEntry, ValueError, TypeError, KeyError, RecursionError):
            self.rejected += 1
            return None
        self.hits += 1
        self.used[display] = entry
        return value

    @staticmethod
    def _decode(text: str) -> Any:
        from generator.checks.typing import partial_record, to_record
        from generator.records.portfolio import Loaded

        payload = json.loads(text, object_hook=_typed)
        if type(payload) is not dict or set(payload) != {"kind", "id", "doc", "record", "problems"}:
            raise BadEntry("entry")
        if type(payload["record"]) is not bool and payload["record"] != "partial":
            raise BadEntry("entry")
        if type(payload["id"]) is not str or type(payload["problems"]) is not list:
            raise BadEntry("entry")
        problems = [decode_problem(item) for item in payload["problems"]]
        loaded = None
        if payload["doc"] is not None:
            doc = decode_document(payload["doc"])
            if payload["record"] == "partial":  # failed its types: the record without the failing fields
                record = partial_record(doc, _model(payload["kind"]))
                if record is None:
                    raise BadEntry("record")
                loaded = Loaded(payload["id"], record, doc, partial=True)
            elif payload["record"]:
                record, _ = to_record(doc, _model(payload["kind"]))
                if record is None:
                    raise BadEntry("record")
                loaded = Loaded(payload["id"], record, doc)
        return loaded, problems

    def put(self, display: str, key: str, value: Any) -> None:
        """Keep ``(Loaded | None, problems)`` for ``display``; a value that cannot be encoded is not kept."""
        loaded, problems = value
        try:
            if loaded is not None:
                kind = type(loaded.record).__name__
                payload = {"kind": kind, "id": loaded.id, "doc": encode_document(loaded.doc),
                           "record": "partial" if loaded.partial else True,
                           "problems": [encode_problem(p) for p in problems]}
            else:
                payload = {"kind": "", "id": "", "doc": None, "record": False,
                           "problems": [encode_problem(p) for p in problems]}
            text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        except (TypeError, ValueError, RecursionError):
            return
        self.used[display] = (key, text)

    @property
    def changed(self) -> bool:
        """Whether this run read a file the cache did not hold, or no longer has a cached file."""
        return self.used.keys() != self.entries.keys() or self.hits != len(self.used)

    def save(self) -> None:
        """Keep the entries of this run only (removed files drop out); written atomically and sealed.

        The file is what ``cache_key.pack`` makes of the lines joined, but written a line at a time (the MAC,
        computed along, goes into the first line last), so the whole body is never held in memory at once.
        """
        if not self.changed:
            return
        header = json.dumps({"format": FORMAT, "version": VERSION, "fingerprint": self.fingerprint})
        os.makedirs(self.path.parent, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            if stat.S_ISDIR(os.lstat(self.path).st_mode):  # a folder in the way goes first
                shutil.rmtree(self.path)
        handle, temp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name[:60]}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb", buffering=1 << 20) as out:
                mac = cache_key.mac(_PURPOSE)
                out.write(b"0" * 64 + b"\n")
                chunk = header.encode("utf-8")
                for display, (key, text) in self.used.items():
                    mac.update(chunk)
                    out.write(chunk)
                    chunk = f"\n{json.dumps(display, ensure_ascii=False)}\t{key}\t{text}".encode()
                mac.update(chunk)
                out.write(chunk)
                out.flush()
                out.seek(0)
                out.write(mac.hexdigest().encode("ascii"))
            os.chmod(temp, 0o644)
            os.replace(temp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
