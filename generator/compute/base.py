"""The portfolio at BASE: a git revision read from git objects, or a second folder.

``partnerbook diff`` and ``--new-since`` compare the working tree with BASE. A revision is
exported with ``git archive`` (only ``partners/``, ``campaigns/``, ``partnerbook.yml`` and
``mkdocs.yml``) and unpacked into a temporary folder outside the repository, so the working
tree, the index and HEAD are never touched. The archive is as untrusted as the records: it is
unpacked by partnerbook itself into a fresh private folder: no absolute path, no ``..``, nothing
below a link, files created new without following links, no device files and no permission bits
(tarfile's generic extraction, data filter included, took longer than validating). Hard links are
refused, and a symbolic link is unpacked as a link the loader refuses exactly as it refuses the
committed one (``unsafe-file``, "outside" when its target leaves the repository), its target
never followed and never outside the folder unless it points nowhere.
"""

from __future__ import annotations

import contextlib
import os
import posixpath
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from generator.errors import PartnerbookError
from generator.i18n import _

RECORD_PATHS = ("partners", "campaigns", "partnerbook.yml", "mkdocs.yml")
# Where a committed link that points outside the archive is sent: it cannot exist (/dev/null is no folder).
_NOWHERE = "/dev/null/partnerbook-link-outside-the-repository"
_DEFAULT_BRANCHES = ("origin/HEAD", "origin/main", "origin/master", "main", "master")


@dataclass(frozen=True)
class Base:
    """What the working tree is compared with: ``label`` as given, ``commit`` for a revision."""

    label: str
    root: Path
    commit: str | None = None

    def as_json(self) -> dict[str, object]:
        return {"ref": self.label, "commit": self.commit, "folder": None if self.commit else str(self.root)}


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False,
                              env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"})
    except FileNotFoundError:
        raise PartnerbookError(_("git is not installed: install git, or pass BASE as a folder")) from None


def _not_in_git(root: Path) -> str:
    return _("{folder} is not in a git repository: pass BASE as a folder to compare with").format(
        folder=root.resolve())


def _toplevel(root: Path) -> tuple[Path, str] | None:
    """The git work tree holding ``root`` and ``root``'s path inside it ('' or 'records/'), or None."""
    proc = _git(["rev-parse", "--show-toplevel", "--show-prefix"], root)
    if proc.returncode != 0:
        return None
    lines = proc.stdout.decode("utf-8", "surrogateescape").split("\n")
    return Path(lines[0]), lines[1] if len(lines) > 1 else ""


def _commit(revision: str, root: Path) -> str | None:
    if not revision or revision.startswith("-"):
        return None
    proc = _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"], root)
    return proc.stdout.decode().strip() if proc.returncode == 0 else None


def default_base(root: Path) -> str:
    """The merge base of HEAD with the default branch (origin/HEAD, else main or master)."""
    if _toplevel(root) is None:
        raise PartnerbookError(_not_in_git(root))
    for ref in _DEFAULT_BRANCHES:
        if _commit(ref, root) is None:
            continue
        proc = _git(["merge-base", "HEAD", ref], root)
        if proc.returncode == 0:
            return proc.stdout.decode().strip()
    raise PartnerbookError(_("no default branch to compare with (looked for origin/HEAD, main and master): pass BASE, "
                             "e.g. 'partnerbook diff origin/main' (a shallow clone needs fetch-depth: 0)"))


def _link_target(name: str, linkname: str) -> str:
    """A committed link's target when it stays inside the archive, else one that points nowhere outside."""
    if not linkname or linkname.startswith("/"):
        return _NOWHERE
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(name), linkname))
    return linkname if joined != ".." and not joined.startswith("../") else _NOWHERE


def _unpack(archive: tarfile.TarFile, prefix: str, target: Path) -> None:
    """Write the archive's folders, files and links under ``target`` (a fresh folder only this process uses).

    Each name is checked (relative, no '.', '..' or empty part, nothing below a link), files are created
    new with O_EXCL and O_NOFOLLOW, hard links and anything else a tar can hold are refused or skipped.
    """
    links: set[str] = set()
    for member in archive:
        name = member.name
        if prefix:
            if not name.startswith(prefix):
                continue
            name = name[len(prefix):]
        name = name.rstrip("/")
        if not name:
            continue
        parts = name.split("/")
        if name.startswith("/") or any(part in ("", ".", "..") for part in parts) or any(
                "/".join(parts[:i]) in links for i in range(1, len(parts))):
            raise PartnerbookError(_("the archive of BASE holds an unsafe path {path}; refused").format(
                path=repr(name)))
        path = target.joinpath(*parts)
        if member.isdir():
            path.mkdir(parents=True, exist_ok=True)
        elif member.isfile():
            path.parent.mkdir(parents=True, exist_ok=True)
            source = archive.extractfile(member)
            assert source is not None
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0),
                         0o600)
            with os.fdopen(fd, "wb") as handle:
                shutil.copyfileobj(source, handle)
        elif member.issym():
            path.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(_link_target(name, member.linkname), path)
            links.add(name)
        elif member.islnk():
            raise PartnerbookError(_("the archive of BASE holds a hard link ({path}); refused").format(path=repr(name)))
        # git archives hold nothing else (no devices, FIFOs); anything else is skipped


def _export(root: Path, commit: str, target: Path) -> None:
    """Unpack the record paths of ``commit`` (those under ``root``'s place in the repository) into ``target``."""
    place = _toplevel(root)
    assert place is not None
    prefix = place[1]
    listing = _git(["ls-tree", "--name-only", "-z", commit, "--", *(prefix + p for p in RECORD_PATHS)], place[0])
    if listing.returncode != 0:
        raise PartnerbookError(_("git ls-tree failed: {error}").format(
            error=listing.stderr.decode("utf-8", "replace").strip()))
    names = [n for n in listing.stdout.decode("utf-8", "surrogateescape").split("\0") if n]
    if not names:
        return  # nothing of the portfolio at BASE: an empty portfolio
    # Paths are given relative to the top level (git archive reads pathspecs from the top).
    proc = subprocess.Popen(["git", "archive", "--format=tar", commit, "--", *(":(top,literal)" + n for n in names)],
                            cwd=place[0], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "LC_ALL": "C"})
    assert proc.stdout is not None
    assert proc.stderr is not None
    try:
        with tarfile.open(fileobj=proc.stdout, mode="r|") as archive:
            _unpack(archive, prefix, target)
    except tarfile.TarError as exc:
        raise PartnerbookError(_("could not unpack BASE {commit}: {error}").format(commit=commit[:12], error=exc)) \
            from None
    finally:
        proc.stdout.close()
        error = proc.stderr.read()
        proc.stderr.close()
        code = proc.wait()
    if code != 0:
        raise PartnerbookError(_("git archive failed: {error}").format(error=error.decode("utf-8", "replace").strip()))


def _scratch() -> str | None:
    """Where BASE is unpacked: $TMPDIR when set, else memory (/dev/shm) where there is one, else the default.

    Thousands of small files are created and removed per run; on a disk or overlay file system
    that alone took longer than validating them.
    """
    if os.environ.get("TMPDIR"):
        return None
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK | os.X_OK) else None


@contextlib.contextmanager
def open_base(root: Path, base: str | None) -> Iterator[Base]:
    """The portfolio at ``base`` (a folder, a git revision, or None for the default) as a readable folder."""
    if base is not None and base and Path(base).is_dir():
        yield Base(base, Path(base))
        return
    if _toplevel(root) is None:
        raise PartnerbookError(_not_in_git(root))
    revision = base if base else default_base(root)
    commit = _commit(revision, root)
    if commit is None:
        raise PartnerbookError(_("{revision} is neither a folder nor a git revision of this repository (try a branch, "
                                 "tag or commit, e.g. main or origin/main)").format(revision=repr(revision)))
    folder = Path(tempfile.mkdtemp(prefix="partnerbook-base-", dir=_scratch()))
    try:
        _export(root, commit, folder)
        yield Base(revision if base else f"merge base {commit[:12]}", folder, commit)  # a ref in the JSON: English
    finally:
        shutil.rmtree(folder, ignore_errors=True)
