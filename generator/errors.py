"""One exception base for fatal conditions the user can fix (exit 1), and the words for what the machine (a full
disk, a port in use) tells the user."""

from __future__ import annotations

import errno

from generator.i18n import N_, _


class PartnerbookError(Exception):
    """A fatal condition with a message meant for the user."""


# What the machine (not partnerbook, not the records) is telling the user, and what to do about it.
_ENVIRONMENT = {
    errno.ENOSPC: N_("the disk is full"),
    errno.EDQUOT: N_("the disk quota is exhausted"),
    errno.EROFS: N_("the file system is read-only"),
    errno.EACCES: N_("permission denied"),
    errno.EPERM: N_("operation not permitted"),
    errno.EADDRINUSE: N_("the address is already in use (another server runs on that port)"),
    errno.EADDRNOTAVAIL: N_("the address is not available on this machine"),
    errno.EMFILE: N_("too many open files"),
    errno.ENFILE: N_("too many open files in the system"),
    errno.EIO: N_("input/output error from the disk"),
    errno.ENAMETOOLONG: N_("a file name is too long"),
    errno.ENOMEM: N_("out of memory"),
    errno.EFBIG: N_("a file is too large for this file system or limit"),
    errno.ENOENT: N_("no such file or folder"),
    errno.ENOTDIR: N_("a part of the path is a file, not a folder"),
    errno.EISDIR: N_("the path is a folder, not a file"),
    errno.EEXIST: N_("the path already exists as something else"),
    errno.ELOOP: N_("too many symbolic links on the path"),
    errno.ENXIO: N_("no such device"),
}
_FIXES = {
    errno.ENOSPC: N_("free some space and run again; the previous site is unchanged"),
    errno.EDQUOT: N_("free some space and run again; the previous site is unchanged"),
    errno.EROFS: N_("run from a writable folder, or pass --site-dir to a writable place"),
    errno.EACCES: N_("check the permissions of the file or folder named"),
    errno.EPERM: N_("check the permissions of the file or folder named"),
    errno.EADDRINUSE: N_("stop the other server or pick another port with -a 127.0.0.1:8001"),
    errno.EADDRNOTAVAIL: N_("use an address of this machine, e.g. -a 127.0.0.1:8000"),
    errno.ENOENT: N_("check the path given (and that its folders exist)"),
    errno.ENOTDIR: N_("check the path given: one of its folders is a file"),
}


def environment_problem(exc: OSError) -> str | None:
    """A message for an error of the machine (full disk, read-only, permissions, port in use), else None."""
    if exc.errno is None or exc.errno not in _ENVIRONMENT:
        return None
    import click  # only to show a file name the way click does; kept out of the light import path

    text = _(_ENVIRONMENT[exc.errno])
    if exc.filename is not None:
        text += f": {click.format_filename(exc.filename)}"
    fix = _FIXES.get(exc.errno)
    return text + (f" ({_(fix)})" if fix else "")
