"""What the mkdocs.yml checks share (generator/checks/mkdocs_yml.py checks the file, mkdocs_theme.py its
theme, extra and CSS): partnerbook's own settings, the refusals and their findings, URLs and plain text, and
reading a repository file without following a link."""

from __future__ import annotations

import errno
import html
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from generator import i18n
from generator.i18n import N_, _
from generator.load.document import Document
from generator.problems import Kind, Problem, Severity

CONFIG_NAME = "mkdocs.yml"
MAX_CONFIG_BYTES = 1_000_000
MAX_ASSET_BYTES = 2_000_000
MAX_TEXT = 1_000

# Markdown extensions the generated pages use, with the options they need.
REQUIRED_EXTENSIONS: dict[str, dict[str, Any]] = {
    "tables": {}, "toc": {"permalink": True}, "attr_list": {}, "md_in_html": {}, "admonition": {},
    "pymdownx.details": {}, "pymdownx.superfences": {}, "pymdownx.tasklist": {"custom_checkbox": True},
}
OWN_CSS = "assets/partnerbook.css"
OWN_JS = "assets/partnerbook.js"
# The titles are catalog messages: the site's navigation reads in the team's language (mkdocs_config).
NAV: list[dict[str, str]] = [
    {N_("Home"): "index.md"}, {N_("Alerts"): "alerts.md"}, {N_("Risk register"): "risk.md"},
    {N_("Partners"): "partners/index.md"}, {N_("Campaigns"): "campaigns/index.md"},
    {N_("Money"): "money.md"}, {N_("Compliance"): "compliance.md"}, {N_("Contracts"): "contracts.md"},
    {N_("Checklists"): "checklists.md"}, {N_("Team"): "team.md"},
    {N_("KPI glossary"): "glossary.md"}, {N_("Validation"): "problems.md"},
]

# Hints name the setting; build lists the refusals with one note on trusted mode below them (TRUSTED_MODE).
# (Catalog messages: translated where they are shown, in the team's language.)
TRUSTED_MODE = N_("trusted mode (site.trust_mkdocs_yml in partnerbook.yml)")
TRUST_HINT = N_("remove it, or turn on {trusted_mode}")
TRUST_TAG_HINT = N_("partnerbook reads mkdocs.yml as plain data and constructs nothing from a tag "
                    "(!!python/name, !ENV, !relative): remove the tag")
UNREADABLE_HINT = N_("make it a regular YAML file in the repository, or delete it")
REFUSED = "mkdocs-refused"
# Findings about mkdocs.yml fail validate; build refuses them itself (generator/site/mkdocs_config.py), with
# its own message, so they must not stop the pipeline earlier as record errors would (kpis, alerts, calendar
# do not read mkdocs.yml).
KIND = Kind.POLICY


# Why a key that names code, or takes the site out of partnerbook's hands, is refused.
REFUSED_WHY = {
    "hooks": N_("hooks are Python files MkDocs runs"),
    "plugins": N_("plugins are Python packages MkDocs runs"),
    "markdown_extensions": N_("Markdown extensions are Python code named by import path, and some read any file "
                              "of the machine (pymdownx.snippets)"),
    "INHERIT": N_("it pulls settings from another file, possibly outside the repository"),
    "extra_javascript": N_("it puts script on every page"),
    "extra_templates": N_("templates run code and can put script on pages"),
    "exclude_docs": N_("it can drop partnerbook's pages (such as Validation) from the site"),
    "not_in_nav": N_("partnerbook sets the navigation"),
    "draft_docs": N_("it can drop partnerbook's pages from the site"),
    "validation": N_("partnerbook decides which problems stop the build"),
    "docs_dir": N_("partnerbook writes the pages into its own folder"),
    "site_dir": N_("partnerbook builds the site into site/ (or --site-dir)"),
    "strict": N_("partnerbook builds in strict mode so a broken page stops the build"),
    "use_directory_urls": N_("partnerbook's pages link to each other with directory URLs"),
    "nav": N_("partnerbook sets the navigation; repository Markdown pages would be untrusted HTML on the site"),
    "dev_addr": N_("use 'partnerbook serve --dev-addr'"),
    "watch": N_("partnerbook serve watches the records itself"),
    "remote_branch": N_("partnerbook does not deploy; publish site/ from CI"),
    "remote_name": N_("partnerbook does not deploy; publish site/ from CI"),
    "edit_uri_template": N_("use edit_uri"),
    "custom_dir": N_("theme templates run code and can put script on every page"),
    "static_templates": N_("theme templates run code and can put script on pages"),
    "name": N_("partnerbook builds with the Material theme"),
    "font": N_("the site is offline: fonts would be fetched from Google Fonts"),
}


def trust_hint() -> str:
    """The hint under a refused setting: remove it, or turn on trusted mode."""
    return _(TRUST_HINT).format(trusted_mode=_(TRUSTED_MODE))

_URL_CHARS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&()*+,;=%]+\Z")
EDIT_URI = re.compile(r"[A-Za-z0-9\-._~/?=&%+]*\Z")


@dataclass
class RepositoryConfig:
    """What partnerbook takes from the repository's mkdocs.yml.

    ``values`` are checked settings to merge over partnerbook's own; ``files`` are repository files
    (logo, favicon, CSS) to put into the docs folder at the same relative path; ``whole`` is the
    complete file in trusted mode.
    """

    values: dict[str, Any] = field(default_factory=dict)
    theme: dict[str, Any] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    whole: dict[str, Any] | None = None


def config_problem(line: int | None, column: int | None, rule: str, message: str, hint: str) -> Problem:
    return Problem(CONFIG_NAME, line, column, rule, Severity.ERROR, message, hint, kind=KIND)


# A sentence about a setting (translated, naming it ``{key}``) and the values of its other fields.
Why = tuple[str, dict[str, Any]] | str


class Refusals:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.problems: list[Problem] = []

    def add(self, loc: tuple[str | int, ...], message: Why, fix: str, *, key: bool = False,
            **fields: Any) -> None:
        """A refused setting: ``message`` is a translated sentence naming the setting ``{key}`` (and the
        values of ``fields``, or of the fields it comes with)."""
        if isinstance(message, tuple):
            message, more = message
            fields = {**more, **fields}
        line, column = self.doc.where(loc, key=key)
        self.problems.append(config_problem(line, column, REFUSED, message.format(key=_dotted(loc), **fields), fix))

    def because(self, loc: tuple[str | int, ...], reason: str, fix: str, *, key: bool = False) -> None:
        """A refused setting and why (``reason``: a sentence of its own, translated)."""
        self.add(loc, _("'{key}': {reason}"), fix, key=key, reason=reason)


def _dotted(loc: tuple[str | int, ...]) -> str:
    out = ""
    for step in loc:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out


def open_in_root(root: Path, rel: PurePosixPath, limit: int) -> bytes:
    """Read ``root/rel`` without following a symbolic link anywhere on the way, at most ``limit`` bytes.

    Raises OSError (ELOOP for a link, EINVAL for a special file, EFBIG when too large).
    """
    flags = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0)
    nofollow = getattr(os, "O_NOFOLLOW", 0)
    folder = os.open(root, flags | getattr(os, "O_DIRECTORY", 0))
    try:
        for part in rel.parts[:-1]:
            try:
                nxt = os.open(part, flags | nofollow | getattr(os, "O_DIRECTORY", 0), dir_fd=folder)
            except OSError as exc:
                if exc.errno == errno.ENOTDIR and stat.S_ISLNK(os.lstat(part, dir_fd=folder).st_mode):
                    raise OSError(errno.ELOOP, "symbolic link") from None
                raise
            os.close(folder)
            folder = nxt
        if stat.S_ISLNK(os.lstat(rel.parts[-1], dir_fd=folder).st_mode):
            raise OSError(errno.ELOOP, "symbolic link")
        fd = os.open(rel.parts[-1], flags | nofollow | getattr(os, "O_NONBLOCK", 0), dir_fd=folder)
    finally:
        os.close(folder)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        chunks: list[bytes] = []
        size = 0
        while chunk := os.read(fd, 65536):
            size += len(chunk)
            if size > limit:
                raise TooLarge(limit)
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


class TooLarge(OSError):
    """A repository file larger than ``limit`` bytes."""

    def __init__(self, limit: int) -> None:
        super().__init__(errno.EFBIG, f"larger than {limit} bytes")
        self.limit = limit


def why_unreadable(exc: OSError, path: str) -> str:
    """Why the repository file shown as ``path`` cannot be used, in a sentence (never where a link points)."""
    if exc.errno == errno.ELOOP:
        text = _("{path} is a symbolic link (partnerbook reads only regular files of the repository)")
    elif exc.errno in (errno.EINVAL, errno.ENOTDIR, errno.EISDIR):
        text = _("{path} is not a regular file")
    elif isinstance(exc, TooLarge):
        return _("{path} is larger than {limit} bytes").format(path=path, limit=i18n.number(exc.limit))
    elif exc.errno == errno.EFBIG:
        text = _("{path} is too large")
    elif exc.errno == errno.ENOENT:
        text = _("{path} does not exist")
    else:
        return _("{path} cannot be read: {reason}").format(path=path, reason=exc.strerror or exc)
    return text.format(path=path)


# --- values the allow-list takes ----------------------------------------------------------------------

def page_text(value: Any) -> str | None:
    """Plain text for a page, HTML-escaped; None when it is not short text."""
    if isinstance(value, str) and len(value) <= MAX_TEXT:
        return html.escape(value, quote=True)
    return None


def url_problem(value: Any, schemes: frozenset[str]) -> Why | None:
    """What is wrong with a URL setting: a translated sentence naming it ``{key}``, or None."""
    if not isinstance(value, str) or not value:
        return _("'{key}' must be a URL")
    if not _URL_CHARS.match(value):
        return _("'{key}' has characters a URL cannot hold (spaces, quotes, '<', '>', '\\' or non-ASCII): "
                 "percent-encode them")
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        return _("'{key}' is not a valid URL")
    if parts.scheme.lower() not in schemes:
        allowed = ", ".join(sorted(schemes))
        if not parts.scheme:
            return _("'{key}' has no scheme (only {allowed} are allowed)"), {"allowed": allowed}
        return (_("'{key}' uses the scheme '{scheme}', which is not allowed (only {allowed})"),
                {"scheme": parts.scheme, "allowed": allowed})
    if parts.scheme.lower() in ("http", "https") and not host:
        return _("'{key}' has no host name")
    if parts.scheme.lower() == "mailto" and "@" not in parts.path:
        return _("'{key}' is not an e-mail address")
    return None


WEB = frozenset({"http", "https"})
LINK = frozenset({"http", "https", "mailto"})
