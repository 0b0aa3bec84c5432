"""The generated pages and the site as files: written only when their bytes change, links never followed.

``sync_tree`` makes ``.partnerbook/docs`` hold exactly the pages of a build, ``link`` puts a
content-addressed file (a chart) in place as a hard link, and ``restamp_site`` writes a new commit into the
last site's pages (generator/site/stamp.py). Every folder written into lies inside partnerbook's own work
folders or the site (generator/workdir.py): a symlink found there is replaced, never followed, and nothing
outside is deleted.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from generator import workdir
from generator.site import stamp


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write only when the bytes differ, so unchanged files keep their mtime.

    ``path`` lies in a folder partnerbook checked: a symlink there is replaced, never followed.
    """
    if workdir.read_regular(path) == data:
        return False
    workdir.make_dirs(path.parent)
    workdir.write_atomic(path, data)
    return True


def sync_tree(files: dict[str, bytes], folder: Path, links: dict[str, Path] | None = None,
              written: list[str] | None = None) -> None:
    """Make ``folder`` hold exactly ``files`` (relative posix path -> bytes), ``links`` and ``written``.

    ``links`` maps relative paths to content-addressed files (charts): they are hard-linked (or
    copied) when missing, and kept when present; one not drawn yet is kept out of the way for now.
    ``written`` names files put there already in this build (pages, generator/site/page_memo.py).
    Symlinks and special files in ``folder`` are removed first (never followed), so nothing written
    below it can land outside, and nothing outside is ever deleted.
    """
    links = links or {}
    workdir.clear_links(folder)
    for rel, data in files.items():
        write_if_changed(folder / rel, data)
    for rel, source in links.items():
        link(source, folder / rel)
    wanted = {os.path.join(folder, rel) for rel in (*files, *links, *(written or ()))}
    for top, dirs, names in os.walk(folder, topdown=False, followlinks=False):
        for name in names:
            path = os.path.join(top, name)
            if path not in wanted:
                os.unlink(path)
        for name in dirs:
            path = os.path.join(top, name)
            if not os.path.islink(path) and not os.listdir(path):
                os.rmdir(path)


def _same_file(a: os.stat_result, b: os.stat_result) -> bool:
    return (a.st_ino, a.st_dev) == (b.st_ino, b.st_dev)


def link(source: Path, target: Path) -> None:
    """Put a content-addressed file at ``target``: a hard link to (or a copy of) ``source``.

    A file already at ``target`` is kept only when it is ``source`` itself or holds its very bytes: a
    file shipped in the work folder under a chart's name never reaches the site.
    """
    try:
        source_stat = os.stat(source)
    except OSError:
        return
    if not stat.S_ISREG(source_stat.st_mode):
        return
    try:
        target_stat = os.lstat(target)
    except FileNotFoundError:
        target_stat = None
    if target_stat is not None and stat.S_ISREG(target_stat.st_mode):
        if _same_file(source_stat, target_stat):
            return
        if target_stat.st_size == source_stat.st_size and workdir.read_regular(target) == source.read_bytes():
            return
    workdir.make_dirs(target.parent)
    if target_stat is not None and stat.S_ISDIR(target_stat.st_mode):
        workdir.remove(target)
    temp = target.with_name(f".{target.name}.{os.urandom(8).hex()}.tmp")
    try:
        os.link(source, temp)
    except OSError:
        workdir.write_atomic(target, source.read_bytes())
        return
    try:
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def restamp_site(root: Path, target: Path, old: str, new: str) -> None:
    """The last build's site and docs with a new commit in their pages (generator/site/stamp.py).

    Called only when the fingerprint shows that nothing but the commit changed and the site and docs are
    exactly the files the last build wrote. The new site is made beside the old one (pages written anew,
    every other file hard-linked) and swapped in, as a build does; the docs are rewritten in place.
    """
    docs = workdir.work_dir(root, "docs")
    for top, _dirs, names in os.walk(docs, followlinks=False):
        for name in names:
            path = Path(top) / name
            data = workdir.read_regular(path) if name.endswith(".md") else None
            if data is not None:
                write_if_changed(path, stamp.restamp(data, "commit", old, new))
    tmp_site = workdir.new_build_dir(target)
    try:
        for top, dirs, names in os.walk(target, followlinks=False):
            rel_top = Path(top).relative_to(target)
            for name in dirs:
                (tmp_site / rel_top / name).mkdir()
            for name in names:
                source, dest = Path(top) / name, tmp_site / rel_top / name
                data = workdir.read_regular(source) if name.endswith(".html") else None
                if data is not None:
                    dest.write_bytes(stamp.restamp(data, "commit", old, new))
                else:
                    link(source, dest)
        workdir.swap(tmp_site, target)
    finally:
        workdir.remove_tree(tmp_site)
