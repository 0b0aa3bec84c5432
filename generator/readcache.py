"""A cache of per-file read results, so a rebuild re-reads only the records that changed.

Reading a record (YAML parse with positions, secrets scan, typed record) depends
only on the file's bytes, its path, the record kind and partnerbook's own code.
``partnerbook build`` keeps each file's result under ``.partnerbook/cache/`` keyed
by a digest of exactly those; everything that spans files (references, the
compliance policy, KPIs, alerts) is computed afresh on every run. ``validate``
never uses the cache: a CI check always reads every file.

The cache is a pickle written and read only by partnerbook in the project's own
work folder. Any problem reading it (missing, corrupt, another version) just
means a cold read.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
from pathlib import Path
from typing import Any

_PACKAGE = Path(__file__).resolve().parent


def _code_fingerprint() -> str:
    """Digest of partnerbook's own source: a changed loader or model invalidates every entry."""
    digest = hashlib.sha256()
    for source in sorted(_PACKAGE.rglob("*.py")):
        digest.update(source.relative_to(_PACKAGE).as_posix().encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()


class ReadCache:
    """Per-file results by display path, valid while the file's bytes and the code are the same.

    Each result is kept as its own pickled blob, so saving after a small change
    writes the unchanged blobs as they are instead of pickling every record again.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fingerprint = _code_fingerprint()
        self.entries: dict[str, tuple[str, bytes]] = {}
        self.used: dict[str, tuple[str, bytes]] = {}
        self.hits = 0
        try:
            with path.open("rb") as handle:
                stored = pickle.load(handle)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError):
            return
        if isinstance(stored, dict) and stored.get("fingerprint") == self.fingerprint:
            self.entries = stored.get("entries", {})

    @staticmethod
    def key(data: bytes, kind: str, record_id: str) -> str:
        return hashlib.sha256(b"%s\0%s\0" % (kind.encode(), record_id.encode()) + data).hexdigest()

    def get(self, display: str, key: str) -> Any | None:
        entry = self.entries.get(display)
        if entry is None or entry[0] != key:
            return None
        collecting = gc.isenabled()
        gc.disable()  # unpickling many small objects: the collector would rescan them again and again
        try:
            value = pickle.loads(entry[1])
        except (EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError):
            return None
        finally:
            if collecting:
                gc.enable()
        self.hits += 1
        self.used[display] = entry
        return value

    def put(self, display: str, key: str, value: Any) -> None:
        self.used[display] = (key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    @property
    def changed(self) -> bool:
        """Whether this run read a file the cache did not hold, or no longer has a cached file."""
        return self.used.keys() != self.entries.keys() or self.hits != len(self.used)

    def save(self) -> None:
        """Keep the entries of this run only (removed files drop out); written atomically."""
        if not self.changed:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temp = self.path.with_name(self.path.name + ".tmp")
        with temp.open("wb") as handle:
            pickle.dump({"fingerprint": self.fingerprint, "entries": self.used}, handle,
                        protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temp, self.path)
