"""Nothing changed, nothing done: the fingerprint of everything a build reads, and of what it wrote.

A build reads the records (everything under ``partners/`` and ``campaigns/``), the files at the top of the
repository that partnerbook reads (``partnerbook.yml``, ``team.yaml``, ``mkdocs.yml``, the CODEOWNERS files
the people check reads), the files ``mkdocs.yml`` brings into the site (logo, favicon, CSS), the commit it
stamps, the day it is built for, the language, and partnerbook's own code, templates and catalogs with the
versions of the libraries that write the site. The fingerprint is a SHA-256 over all of it (names and
bytes, read afresh: no modification time is trusted).

After a build succeeded, its fingerprint is stored with the size, modification time and inode of every file
it left in the site and in ``.partnerbook/docs`` (``.partnerbook/cache/last-build.json``, sealed with this
machine's key like every cache entry, so a record shipped in a repository or restored from another machine
never verifies). The next build with the same fingerprint, whose site and docs are still exactly those
files, has nothing to do and stops there; any difference, or any doubt, runs the whole build, which itself
redoes only what changed. A repository whose ``mkdocs.yml`` is trusted (hooks and plugins run as code)
never takes this shortcut: partnerbook cannot know what such code reads.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import generator
from generator import cache_key, i18n, templates_dir, workdir
from generator.load.discover import CODEOWNERS_PATHS, ROOT_FILES

RECORD = "last-build.json"
_PURPOSE = b"last-build"
_FORMAT = 2
RECORD_FOLDERS = ("partners", "campaigns")
TOP_FILES = (*ROOT_FILES, "partnerbook.yaml", *CODEOWNERS_PATHS)
LIBRARIES = ("partnerbook", "mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "jinja2", "pygments",
             "babel", "matplotlib", "pandas", "numpy", "pydantic", "pyyaml", "ruamel.yaml", "markupsafe",
             "email-validator")


@dataclass
class LastBuild:
    """What the last successful build reported, to report it again when nothing changed."""

    pages: int
    charts: int
    problems: int


def _feed_file(digest: Any, root: Path, rel: str) -> None:
    """Add one path's kind and bytes (a link's target text: links are never followed) to ``digest``."""
    path = root / rel
    try:
        info = os.lstat(path)
    except OSError:
        digest.update(f"missing\0{rel}\0".encode())
        return
    if stat.S_ISREG(info.st_mode):
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError:
            data = b"\0unreadable"
        digest.update(f"file\0{rel}\0{len(data)}\0".encode())
        digest.update(data)
    elif stat.S_ISLNK(info.st_mode):
        digest.update(f"link\0{rel}\0{os.readlink(path)}\0".encode())
    else:
        digest.update(f"other\0{rel}\0{stat.S_IFMT(info.st_mode)}\0".encode())


def _walk(root: Path, folder: str) -> list[str]:
    """Every path under ``root/folder`` (files, links, folders), relative to ``root``, in a fixed order."""
    found: list[str] = []
    for top, dirs, names in os.walk(root / folder, followlinks=False):
        dirs.sort()
        rel_top = os.path.relpath(top, root)
        found.append(rel_top + "/")
        found += [os.path.join(rel_top, name) for name in sorted(names)]
        found += [os.path.join(rel_top, name) for name in dirs if os.path.islink(os.path.join(top, name))]
    return found


def library_versions(names: Iterable[str]) -> dict[str, str]:
    """The installed version of each library ("" when it is not installed)."""
    found = {}
    for name in names:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = ""
    return found


@cache
def code() -> str:
    """partnerbook's code, templates and catalogs, and the versions of the libraries that write the site."""
    digest = hashlib.sha256()
    for base in (Path(generator.__file__).resolve().parent, templates_dir()):
        for top, dirs, names in os.walk(base):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(names):
                if not name.endswith((".pyc", ".pyo")):
                    _feed_file(digest, base, os.path.relpath(os.path.join(top, name), base))
    digest.update(json.dumps(library_versions(LIBRARIES), sort_keys=True).encode())
    return digest.hexdigest()


def inputs(root: Path, today: date, site: Path, assets: Iterable[str]) -> str:
    """The fingerprint of everything a build of ``root`` for ``today`` into ``site`` reads, but the commit."""
    digest = hashlib.sha256()
    digest.update(json.dumps([_FORMAT, code(), today.isoformat(), str(site), os.environ.get(i18n.ENV, "")]).encode())
    for rel in TOP_FILES:
        _feed_file(digest, root, rel)
    for folder in RECORD_FOLDERS:
        for rel in _walk(root, folder) if os.path.isdir(root / folder) and not os.path.islink(root / folder) \
                else [folder]:
            if rel.endswith("/"):
                digest.update(f"dir\0{rel}\0".encode())
            else:
                _feed_file(digest, root, rel)
    for rel in sorted(set(assets)):
        _feed_file(digest, root, rel)
    return digest.hexdigest()


def _state(folder: Path) -> list[list[Any]]:
    """Name, size, modification time and inode of every file under ``folder`` (links never followed)."""
    entries: list[list[Any]] = []
    for top, dirs, names in os.walk(folder, followlinks=False):
        dirs.sort()
        # os.walk lists a link to a folder among the folders and does not enter it: it is an entry too.
        for name in sorted(names) + [d for d in dirs if os.path.islink(os.path.join(top, d))]:
            path = os.path.join(top, name)
            info = os.lstat(path)
            entries.append([os.path.relpath(path, folder), stat.S_IFMT(info.st_mode), info.st_size,
                            info.st_mtime_ns, info.st_ino])
    return entries


def _outputs(site: Path, docs: Path) -> str:
    digest = hashlib.sha256()
    for folder in (site, docs):
        if not workdir.is_site(folder) and folder == site:
            return ""
        digest.update(json.dumps([str(folder), _state(folder)]).encode())
    return digest.hexdigest()


@dataclass
class Record:
    """The last successful build: what it read (``inputs`` and ``commit``), what it wrote, what it reported."""

    inputs: str
    commit: str
    commit_words: str  # the commit as its pages show it (generator/site/stamp.py)
    assets: list[str]
    outputs: str
    report: LastBuild


def last(root: Path) -> Record | None:
    """The record of the last successful build, if this machine (or the CI secret) sealed it and it is whole."""
    body = cache_key.unpack(_PURPOSE, workdir.read_regular(workdir.work_dir(root, "cache") / RECORD))
    try:
        data = json.loads(body) if body is not None else None
    except ValueError:
        return None
    if not (isinstance(data, dict) and data.get("format") == _FORMAT
            and all(type(data.get(k)) is str for k in ("inputs", "commit", "commit_words", "outputs"))
            and isinstance(data.get("assets"), list) and all(type(a) is str for a in data["assets"])
            and isinstance(data.get("report"), list) and len(data["report"]) == 3
            and all(type(n) is int for n in data["report"])):
        return None
    return Record(data["inputs"], data["commit"], data["commit_words"], data["assets"], data["outputs"],
                  LastBuild(*data["report"]))


def outputs_intact(root: Path, site: Path, record: Record) -> bool:
    """Whether the site and docs hold exactly the files the recorded build left (name, size, time, inode)."""
    return record.outputs == _outputs(site, workdir.work_dir(root, "docs"))


def remember(root: Path, fingerprint: str, commit: str, commit_words: str, site: Path, assets: Iterable[str],
             report: LastBuild) -> None:
    """Store ``fingerprint`` (taken before the build read anything) and the state of the site and docs the
    build left (after the site is in place)."""
    outputs = _outputs(site, workdir.work_dir(root, "docs"))
    if not outputs:
        return
    data = {"format": _FORMAT, "inputs": fingerprint, "commit": commit, "commit_words": commit_words,
            "assets": sorted(set(assets)), "outputs": outputs,
            "report": [report.pages, report.charts, report.problems]}
    workdir.write_atomic(workdir.work_dir(root, "cache") / RECORD,
                         cache_key.pack(_PURPOSE, json.dumps(data, sort_keys=True).encode("utf-8")))


def forget(root: Path) -> None:
    """Drop the record: the next build runs whole (a build started, so the site may change)."""
    workdir.remove(workdir.work_dir(root, "cache") / RECORD)
