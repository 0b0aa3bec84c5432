"""This machine's cache key, and the seal on every file partnerbook reads back from its cache.

Cache integrity uses a secret key of this machine (``machine_key``), kept outside any repository, so an
entry shipped in a repository never verifies (see generator/checks/readcache.py, generator/site/page_cache.py).
A file partnerbook writes for its cache carries its MAC on a first line (``pack``); a file whose MAC does not
verify under this machine's key is a missing entry (``unpack``).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import os
import secrets
import tempfile
from pathlib import Path

from generator.workdir import read_regular


def _key_file() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "partnerbook" / "key"


@functools.cache
def _machine_key(path: Path) -> bytes:
    key = read_regular(path, 64)
    if key is not None and len(key) == 32:
        return key
    fresh = secrets.token_bytes(32)
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".key.", suffix=".tmp")  # mode 0600
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(fresh)
            if key is not None or os.path.lexists(path):
                os.replace(temp, path)  # a damaged key: a new one (old cache entries no longer verify)
            else:
                os.link(temp, path)  # fails if another build created the key meanwhile
        finally:
            with contextlib.suppress(OSError):
                os.unlink(temp)
    except OSError:
        pass
    stored = read_regular(path, 64)
    return stored if stored is not None and len(stored) == 32 else fresh


CACHE_KEY_ENV = "PARTNERBOOK_CACHE_KEY"


def machine_key() -> bytes:
    """This machine's secret for cache integrity: ``$XDG_CACHE_HOME/partnerbook/key`` (mode 0600).

    Created on first use. Without a writable cache home a key for this process only is used (caches then
    never verify across runs, which costs time, not correctness). ``PARTNERBOOK_CACHE_KEY`` (a CI secret)
    replaces it, so caches restored on another runner verify when, and only when, they were written by a
    build that knew the same secret.
    """
    shared = os.environ.get(CACHE_KEY_ENV, "")
    if shared:
        return hashlib.sha256(b"partnerbook cache key\0" + shared.encode("utf-8", "surrogateescape")).digest()
    return _machine_key(_key_file())


def mac(purpose: bytes) -> hmac.HMAC:
    """A MAC for one use (``purpose``) under this machine's key, to feed a file's body to piece by piece."""
    return hmac.new(machine_key(), purpose + b"\0", hashlib.sha256)


def seal(purpose: bytes, data: bytes | memoryview) -> str:
    """The MAC of ``data`` for one use (``purpose``) under this machine's key, as hex."""
    digest = mac(purpose)
    digest.update(data)  # not joined to the purpose first: a large cache file is never copied for its MAC
    return digest.hexdigest()


def sealed(purpose: bytes, data: bytes | memoryview, mac: str) -> bool:
    return hmac.compare_digest(seal(purpose, data), mac)


def pack(purpose: bytes, body: bytes) -> bytes:
    """``body`` with its MAC on a first line: what partnerbook writes for a cache file."""
    return seal(purpose, body).encode() + b"\n" + body


BODY = 65  # where the body of a packed file starts: after the MAC's 64 hex digits and a newline


def verified(purpose: bytes, data: bytes | None) -> bool:
    """Whether ``data`` is a file written by ``pack`` on this machine (its body is ``data[BODY:]``)."""
    if data is None or len(data) < BODY or data[BODY - 1:BODY] != b"\n":
        return False
    try:
        mac = data[:BODY - 1].decode("ascii")
    except UnicodeDecodeError:
        return False
    return sealed(purpose, memoryview(data)[BODY:], mac)


def unpack(purpose: bytes, data: bytes | None) -> bytes | None:
    """The body of a file written by ``pack`` on this machine, or None (forged, corrupt, foreign)."""
    return data[BODY:] if data is not None and verified(purpose, data) else None
