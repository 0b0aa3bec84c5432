"""Reading a record file inside the repository without following links, within the bytes allowed.

Every folder on the way and the file itself are opened relative to the folder above with ``O_NOFOLLOW``;
a link, device, FIFO or socket is refused (``UnsafeFile``) and a file past ``MAX_BYTES`` too (``FileTooLarge``).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from generator import i18n
from generator.i18n import _
from generator.problems import Problem, Severity, printable
from generator.workdir import kind_of

MAX_BYTES = 1_000_000


def _too_large(path: str, size: int, max_bytes: int) -> Problem:
    return Problem(path, 1, 1, "yaml-too-large", Severity.ERROR, _size_message(size, max_bytes),
                   _("split the record or move long texts to linked documents"))


def _size_message(size: int, limit: int) -> str:
    return _("file is {size} bytes, more than the {limit} allowed").format(size=i18n.number(size),
                                                                         limit=i18n.number(limit))


class UnsafeFile(Exception):
    """A path partnerbook refuses to read: a symbolic link, a folder, a device, a FIFO or a socket.

    ``message`` is a translated sentence naming the file as ``{path}`` (and ``fields``): :meth:`text`
    fills them in.
    """

    def __init__(self, message: str, hint: str, path: str = "", **fields: str) -> None:
        self.message = message
        self.hint = hint
        self.fields = fields
        super().__init__(self.text(path or _("the file")))

    def text(self, path: str) -> str:
        """The message about the file shown as ``path``."""
        return self.message.format(path=path, **self.fields)


class FileTooLarge(Exception):
    """The file holds more than the bytes allowed; ``size`` is what ``fstat`` reported (at least the limit + 1)."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(_size_message(size, limit))
        self.size = size
        self.limit = limit


def link_hint() -> str:
    return _("replace the link with the file or folder itself (records are read from the repository only)")


def link_message(path: Path, root: Path) -> str:
    """What to say about a symbolic link (a sentence naming it ``{path}``), never where it points."""
    try:
        target = Path(os.path.realpath(path))
        inside = target.is_relative_to(Path(os.path.realpath(root)))
    except (OSError, ValueError):
        inside = False
    if inside:
        return _("{path} is a symbolic link; partnerbook reads only plain files and folders")
    return _("{path} is a symbolic link to outside the repository")


_OPEN_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
_OPEN_FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0)


def read_in_root(root: Path, file: Path, max_bytes: int = MAX_BYTES) -> bytes:
    """The bytes of ``file``, a regular file under ``root``, reading at most ``max_bytes + 1`` bytes.

    Every folder from ``root`` down and the file itself are opened relative to the one above with
    ``O_NOFOLLOW``, so a symbolic link anywhere on the way (even one swapped in after the folder
    was listed) is refused, never followed. The file is opened non-blocking and checked with
    ``fstat`` once open: a FIFO, device or socket is refused without a read. Raises
    :class:`UnsafeFile` for a refused path, :class:`FileTooLarge` past ``max_bytes`` (counted
    while reading, not taken from ``stat``) and ``OSError`` for an unreadable one.
    """
    rel = file.relative_to(root)
    parts = rel.parts
    shown = printable(rel.as_posix())
    if not parts or any(part in ("", ".", "..") for part in parts):
        raise UnsafeFile(_("{path} is not a file inside the repository"),
                         _("records live under partners/ and campaigns/"), shown)
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    try:
        for depth, part in enumerate(parts):
            last = depth == len(parts) - 1
            try:
                next_fd = os.open(part, _OPEN_FILE if last else _OPEN_DIR, dir_fd=fd)
            except OSError as exc:
                if exc.errno in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
                    where = root.joinpath(*parts[: depth + 1])
                    try:
                        mode = os.lstat(where).st_mode
                    except OSError:
                        raise exc from None
                    if stat.S_ISLNK(mode):
                        raise UnsafeFile(link_message(where, root), link_hint(), shown) from None
                    if not last and not stat.S_ISDIR(mode):
                        raise UnsafeFile(_("'{part}' on the way to {path} is {kind}, not a folder"),
                                         _("records live in plain folders"), shown, part=printable(part),
                                         kind=kind_of(mode)) from None
                raise
            os.close(fd)
            fd = next_fd
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, _("it is a folder, not a file"))
        if not stat.S_ISREG(mode):
            raise UnsafeFile(_("{path} is {kind}, not a regular file"), _("replace it with a plain YAML file"),
                             shown, kind=kind_of(mode))
        chunks: list[bytes] = []
        left = max_bytes + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        if left <= 0:
            raise FileTooLarge(max(os.fstat(fd).st_size, max_bytes + 1), max_bytes)
        return b"".join(chunks)
    finally:
        os.close(fd)


def unsafe_problem(display: str, exc: UnsafeFile) -> Problem:
    return Problem(display, None, None, "unsafe-file", Severity.ERROR, exc.text(display), exc.hint)


def read_record(root: Path, file: Path, display: str) -> tuple[bytes | None, list[Problem]]:
    """The bytes of one record file under ``root``, or None and the problem that says why not."""
    try:
        return read_in_root(root, file), []
    except UnsafeFile as exc:
        return None, [unsafe_problem(display, exc)]
    except FileTooLarge as exc:
        return None, [_too_large(display, exc.size, exc.limit)]
    except OSError as exc:
        return None, [Problem(display, None, None, "file-unreadable", Severity.ERROR,
                              _("cannot read file: {reason}").format(reason=exc.strerror or exc),
                              _("check the file's permissions"))]
