"""The folders and files partnerbook writes: its own, checked before every write, move and delete.

Everything in a records repository is untrusted, including ``site/`` and ``.partnerbook/``: a branch
can commit a symlink or a file under those names. So:

* the work folders (``.partnerbook/`` and its ``cache``, ``cache/pages``, ``cache/charts``, ``docs``)
  must be real folders: a symlink or a file in their place is refused with a message, never followed;
* files inside them are read with ``O_NOFOLLOW`` (a symlink or a special file there is a missing entry)
  and written through an exclusively created temporary file renamed into place, which replaces a symlink
  itself, never what it points to;
* the site folder is replaced only when it is empty or holds the marker file partnerbook writes into
  every site it builds (``.partnerbook-site``), and it is never a symlink;
* what a killed build left beside the site (``.site.building-*``, ``.site.old``) is removed at the next
  build when it is a real folder holding the marker, and left alone otherwise;
* one build at a time per repository: ``.partnerbook/lock``, held with ``flock``.

What partnerbook reads back from its cache is sealed with this machine's key (generator/cache_key.py).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from generator.errors import PartnerbookError
from generator.i18n import _

WORK_DIR = ".partnerbook"
MARKER = ".partnerbook-site"
MARKER_TEXT = b"A site built by partnerbook: the next 'partnerbook build' replaces this folder.\n"
LOCK = "lock"


class WorkDirError(PartnerbookError):
    """A work folder, the site folder or a file partnerbook writes is not what partnerbook can safely use."""


def kind_of(mode: int) -> str:
    """A file type in words (in the current language), for messages."""
    if stat.S_ISLNK(mode):
        return _("a symbolic link")
    if stat.S_ISREG(mode):
        return _("a file")
    if stat.S_ISDIR(mode):
        return _("a folder")
    if stat.S_ISFIFO(mode):
        return _("a FIFO (named pipe)")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return _("a device")
    if stat.S_ISSOCK(mode):
        return _("a socket")
    return _("a special file")


def ensure_dir(base: Path, *parts: str) -> Path:
    """``base/parts...``, each part a real folder (created when missing); a symlink or a file is refused.

    ``base`` itself is the user's choice (the records root) and is taken as it is.
    """
    path = base
    for part in parts:
        path = path / part
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            with contextlib.suppress(FileExistsError):
                os.mkdir(path)
            mode = os.lstat(path).st_mode
        if not stat.S_ISDIR(mode):
            raise WorkDirError(
                _("{path} is {kind}, not a folder. partnerbook keeps its work files there and never follows or "
                  "replaces it: remove it (rm '{path}') and run again, partnerbook recreates it.").format(
                    path=path, kind=kind_of(mode)))
    return path


def work_dir(root: Path, *parts: str) -> Path:
    """A folder under ``root/.partnerbook``, checked (and created) part by part."""
    return ensure_dir(root, WORK_DIR, *parts)


def read_regular(path: Path, limit: int | None = None) -> bytes | None:
    """The bytes of ``path`` if it is a regular file (no symlink followed, no FIFO opened), else None."""
    handle = open_regular(path, limit)
    if handle is None:
        return None
    try:
        with handle:
            data = handle.read() if limit is None else handle.read(limit + 1)
        return None if limit is not None and len(data) > limit else data
    except OSError:
        return None


def open_regular(path: Path, limit: int | None = None) -> BinaryIO | None:
    """``path`` open for reading if it is a regular file of at most ``limit`` bytes (no symlink followed, no
    FIFO opened), else None."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or (limit is not None and info.st_size > limit):
            os.close(fd)
            return None
        return os.fdopen(fd, "rb")
    except OSError:
        os.close(fd)
        return None


def remove(path: Path) -> None:
    """Remove whatever is at ``path`` (inside partnerbook's own folders): a symlink is removed, not followed."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISDIR(mode):
        shutil.rmtree(path)
    else:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)


def remove_tree(path: Path) -> None:
    """Remove the real folder at ``path`` if there is one (a symlink is never followed)."""
    try:
        if stat.S_ISDIR(os.lstat(path).st_mode):
            shutil.rmtree(path, ignore_errors=True)
    except FileNotFoundError:
        pass


def _real_dir(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def make_dirs(folder: Path) -> None:
    """Create ``folder`` and its missing parents inside a folder partnerbook checked.

    A file or symlink in the way (inside partnerbook's own folder) is removed, never followed.
    """
    if _real_dir(folder):
        return
    missing = []
    path = folder
    while not _real_dir(path):
        missing.append(path)
        if path.parent == path:
            break
        path = path.parent
    for path in reversed(missing):
        if os.path.lexists(path):
            remove(path)
        os.mkdir(path)


def write_atomic(path: Path, data: bytes) -> None:
    """Put ``data`` at ``path`` through an exclusively created temporary file in the same folder.

    The rename replaces a symlink or special file at ``path`` itself (never what it points to); a folder
    in the way is removed first. ``path.parent`` must be a folder partnerbook checked.
    """
    try:
        if stat.S_ISDIR(os.lstat(path).st_mode):
            shutil.rmtree(path)
    except FileNotFoundError:
        pass
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:60]}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def clear_links(folder: Path) -> None:
    """Remove every symlink and special file under ``folder`` (a real folder partnerbook owns).

    Afterwards nothing written below ``folder`` can be redirected out of it.
    """
    for top, dirs, files in os.walk(folder, followlinks=False):
        for name in [*dirs, *files]:
            path = os.path.join(top, name)
            try:
                mode = os.lstat(path).st_mode
            except FileNotFoundError:
                continue
            if not (stat.S_ISDIR(mode) or stat.S_ISREG(mode)):
                os.unlink(path)
        dirs[:] = [name for name in dirs if not os.path.islink(os.path.join(top, name))]


def write_output(root: Path, path: Path, data: bytes, *, new: bool = False) -> None:
    """Write a file a command was asked for (schemas, the calendar, a new record), never through a link.

    Folders on the way that lie inside the records repository ``root`` must be real folders (created
    when missing): a symlink there is refused, so a committed link cannot send the file elsewhere. The
    file itself must not be a symlink, a folder or a special file. With ``new`` the file must not exist
    (exclusive creation); otherwise it is replaced through a temporary file in the same folder.
    """
    target = Path(os.path.abspath(path))
    base = Path(os.path.abspath(root))
    parent = target.parent
    if parent.is_relative_to(base):
        ensure_dir(base, *parent.relative_to(base).parts)
    else:
        parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = os.lstat(target).st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        raise WorkDirError(_("{path} is {kind}; partnerbook writes only plain files and never follows a link: "
                             "remove it (rm '{path}') or choose another path").format(path=path, kind=kind_of(mode)))
    if new:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        return
    write_atomic(target, data)


# ---------------------------------------------------------------------------- the site folder

def is_site(path: Path) -> bool:
    """Whether ``path`` is a real folder holding partnerbook's marker file (a regular file)."""
    try:
        if not stat.S_ISDIR(os.lstat(path).st_mode):
            return False
        return stat.S_ISREG(os.lstat(path / MARKER).st_mode)
    except OSError:
        return False


def site_target(root: Path, site_dir: Path | None) -> Path:
    """The absolute site folder, checked: the build may replace it.

    The last part is never resolved (a symlink named ``site`` is refused, not followed). The folder must
    be missing, empty, or a site partnerbook built (its marker file), and must not hold the records.
    """
    root = root.resolve()
    if site_dir is None:
        target = root / "site"
    else:
        absolute = Path(os.path.abspath(site_dir))
        if not absolute.name:
            raise WorkDirError(_("--site-dir {path} is the root of the file system: pick a folder of its "
                                 "own").format(path=site_dir))
        absolute.parent.mkdir(parents=True, exist_ok=True)
        target = absolute.parent.resolve() / absolute.name
    if target == root or target in root.parents or target.is_relative_to(root / WORK_DIR):
        raise WorkDirError(_("the site folder {path} would hold the records or partnerbook's work folder: "
                             "pick a folder of its own, e.g. --site-dir site").format(path=target))
    try:
        mode = os.lstat(target).st_mode
    except FileNotFoundError:
        return target
    if not stat.S_ISDIR(mode):
        raise WorkDirError(
            _("{path} is {kind}, not a folder: partnerbook writes the site there and never follows or replaces a "
              "symlink or a file. Remove it (rm '{path}'; a committed one: git rm '{name}') and run again.").format(
                path=target, kind=kind_of(mode), name=target.name))
    if is_site(target) or not any(os.scandir(target)):
        return target
    raise WorkDirError(
        _("{path} is not a site partnerbook built (it has no {marker} file) and is not empty, so partnerbook will "
          "not replace it: empty it or remove it and run again, or pass another --site-dir.").format(
            path=target, marker=MARKER))


def new_build_dir(target: Path) -> Path:
    """A fresh, exclusively created folder beside ``target`` for the new site, marked as partnerbook's."""
    folder = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
    os.chmod(folder, 0o755)
    (folder / MARKER).write_bytes(MARKER_TEXT)  # fresh folder: nothing can be in the way
    return folder


def clean_leftovers(target: Path) -> list[Path]:
    """Remove ``.site.building-*`` and ``.site.old`` folders a killed build left beside ``target``.

    Only real folders holding the marker are removed; anything else with such a name is left alone.
    """
    removed: list[Path] = []
    prefix, old = f".{target.name}.building-", f".{target.name}.old"
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return removed
    for entry in entries:
        if (entry.name.startswith(prefix) or entry.name == old) and is_site(Path(entry.path)):
            shutil.rmtree(entry.path, ignore_errors=True)
            removed.append(Path(entry.path))
    return removed


def swap(new: Path, target: Path) -> None:
    """Move the finished site ``new`` into place; the previous one is removed only after the move."""
    old = target.with_name(f".{target.name}.old")
    if os.path.lexists(old):
        if not is_site(old):
            raise WorkDirError(_("{path} is in the way and is not a folder partnerbook made: remove it and run "
                                 "again").format(path=old))
        shutil.rmtree(old)
    moved = False
    if os.path.lexists(target):
        if not (is_site(target) or (os.path.isdir(target) and not os.path.islink(target)
                                    and not any(os.scandir(target)))):
            raise WorkDirError(_("{path} changed during the build and is no longer a site partnerbook "
                                 "built").format(path=target))
        os.replace(target, old)
        moved = True
    os.replace(new, target)
    if moved:
        shutil.rmtree(old, ignore_errors=True)


# ---------------------------------------------------------------------------- one build at a time

@contextlib.contextmanager
def build_lock(root: Path) -> Iterator[None]:
    """Hold ``.partnerbook/lock`` (flock) for the duration: a second build waits for the first."""
    path = work_dir(root) / LOCK
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK
    for _attempt in range(2):
        try:
            fd = os.open(path, flags, 0o644)
        except OSError as exc:
            if exc.errno not in (errno.ELOOP, errno.EISDIR, errno.ENXIO):
                raise
            remove(path)  # a symlink, folder or FIFO in the lock's place: ours to replace
            continue
        if stat.S_ISREG(os.fstat(fd).st_mode):
            break
        os.close(fd)
        remove(path)
    else:
        raise WorkDirError(_("{path} cannot be used as the build lock: remove it and run again").format(path=path))
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(_("partnerbook: another build of this repository is running; waiting for it to finish"),
                  file=sys.stderr, flush=True)
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock
