"""The repository's ``mkdocs.yml``, checked as data: what partnerbook may take from it, and why not the rest.

The records repository is untrusted, and so is its ``mkdocs.yml``: MkDocs runs code named there
(hooks, plugins, Markdown extensions, theme templates) and prints several of its values into
every page unescaped. partnerbook therefore owns the configuration and takes from ``mkdocs.yml``
only an allow-list, checked value by value (README, "The mkdocs.yml allow-list"):

* ``site_url``, ``repo_url`` (``http``/``https`` URLs) and ``edit_uri``;
* ``site_author``, ``site_description``, ``copyright``, ``repo_name`` (plain text, HTML-escaped);
* ``theme``: ``features``, ``palette``, ``icon`` (Material icon names), ``logo`` and ``favicon``
  (PNG, JPEG, GIF, WebP or ICO files inside the repository, copied into the site);
* ``extra_css`` (CSS files inside the repository that load nothing from outside the site);
* ``extra.social`` (links with an icon: ``http``, ``https`` or ``mailto``) and ``extra.generator``.

Keys that only repeat what partnerbook sets itself (``docs_dir: .partnerbook/docs``, ``site_dir:
site``, ``strict: true``, ``plugins: [search]``, the navigation, the Markdown extensions its pages
need, its own CSS and script) are accepted; ``site_name`` and ``theme.language`` are accepted and
replaced by ``site.title`` and ``site.language`` of ``partnerbook.yml``. Anything else is a
finding at ``mkdocs.yml:line:column`` (rule ``mkdocs-refused``), unless ``site.trust_mkdocs_yml``
is on: then the whole file is taken as written, and only its YAML must be readable safely.

This module is pure checking: it reads ``mkdocs.yml`` (and the files it names) from the repository
root without following links, and returns findings as :class:`~generator.problems.Problem`. It
imports nothing of MkDocs (Material's icons are looked up on disk), so ``partnerbook validate``
reports the same findings that stop ``build`` (generator/site/mkdocs_config.py) and stays light.
"""

from __future__ import annotations

import errno
import html
import importlib.util
import os
import re
import stat
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import yaml

from generator import i18n
from generator.i18n import N_, _
from generator.load.document import Document
from generator.load.loader import load_bytes
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
_EDIT_URI = re.compile(r"[A-Za-z0-9\-._~/?=&%+]*\Z")
_FEATURE = re.compile(r"[a-z]+(\.[a-z]+)*\Z")
_ICON = re.compile(r"[a-z0-9-]+(/[a-z0-9-]+)+\Z")
_ICON_KEY = re.compile(r"[a-z0-9-]{1,40}\Z")
_MEDIA = re.compile(r"\(prefers-color-scheme(: ?(light|dark))?\)\Z")
_SCHEME = re.compile(r"[a-z][a-z0-9-]{0,39}\Z")
_PATH_PART = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]*\Z")
_PRIMARY = frozenset({
    "red", "pink", "purple", "deep purple", "indigo", "blue", "light blue", "cyan", "teal", "green",
    "light green", "lime", "yellow", "amber", "orange", "deep orange", "brown", "grey", "blue grey", "black",
    "white", "custom",
})
_ACCENT = frozenset({
    "red", "pink", "purple", "deep purple", "indigo", "blue", "light blue", "cyan", "teal", "green",
    "light green", "lime", "yellow", "amber", "orange", "deep orange", "custom",
})
_ICON_KEYS = frozenset({
    "logo", "repo", "edit", "view", "menu", "alternate", "search", "share", "close", "top", "previous", "next",
    "annotation", "admonition", "tag",
})
_IMAGE_MAGIC = {
    ".png": (b"\x89PNG\r\n\x1a\n",), ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"), ".ico": (b"\x00\x00\x01\x00",), ".webp": (b"RIFF",),
}
# After comments and tab/newline characters are removed, CSS that fetches from outside the site
# needs a scheme or '//'; '@import' pulls in more CSS, and backslash escapes could hide either.
_CSS_COMMENT = re.compile(r"/\*.*?(\*/|\Z)", re.S)
_CSS_OUTSIDE = re.compile(r"//|@import|\\|(?<![a-z0-9+.-])(https?|ftps?|wss?|file|javascript):", re.I)


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


@dataclass
class Checked:
    """The checked mkdocs.yml: what partnerbook takes from it, and every finding about it.

    ``unreadable`` is the file itself refused (a folder, a link, too large, unreadable); ``unsafe_yaml``
    holds what keeps its YAML from being read safely (syntax, tags, encoding); ``refused`` holds the
    settings outside the allow-list (rule ``mkdocs-refused``). Only one of the three is ever non-empty.
    """

    config: RepositoryConfig = field(default_factory=RepositoryConfig)
    unreadable: list[Problem] = field(default_factory=list)
    unsafe_yaml: list[Problem] = field(default_factory=list)
    refused: list[Problem] = field(default_factory=list)

    @property
    def problems(self) -> list[Problem]:
        return [*self.unreadable, *self.unsafe_yaml, *self.refused]


def _problem(line: int | None, column: int | None, rule: str, message: str, hint: str) -> Problem:
    return Problem(CONFIG_NAME, line, column, rule, Severity.ERROR, message, hint, kind=KIND)


# A sentence about a setting (translated, naming it ``{key}``) and the values of its other fields.
Why = tuple[str, dict[str, Any]] | str


class _Refusals:
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
        self.problems.append(_problem(line, column, REFUSED, message.format(key=_dotted(loc), **fields), fix))

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



# --- the allow-list ---------------------------------------------------------------------------------

def _text(value: Any) -> str | None:
    """Plain text for a page, HTML-escaped; None when it is not short text."""
    if isinstance(value, str) and len(value) <= MAX_TEXT:
        return html.escape(value, quote=True)
    return None


def _url_problem(value: Any, schemes: frozenset[str]) -> Why | None:
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


_WEB = frozenset({"http", "https"})
_LINK = frozenset({"http", "https", "mailto"})


def _same_extensions(value: Any) -> bool:
    """True when ``markdown_extensions`` lists only partnerbook's own extensions, as it configures them."""
    if not isinstance(value, list):
        return False
    for entry in value:
        if isinstance(entry, str):
            name, options = entry, dict[str, Any]()
        elif isinstance(entry, dict) and len(entry) == 1:
            name, options = next(iter(entry.items()))
            options = options if options is not None else {}
        else:
            return False
        if name not in REQUIRED_EXTENSIONS or options not in ({}, REQUIRED_EXTENSIONS[name]):
            return False
    return True


def _same_plugins(value: Any) -> bool:
    if isinstance(value, dict):
        value = [value]
    return isinstance(value, list) and all(
        entry == "search" or (isinstance(entry, dict) and list(entry) == ["search"] and not entry["search"])
        for entry in value)


def _same_path(value: Any, own: str) -> bool:
    return isinstance(value, str) and bool(value.strip()) and PurePosixPath(value) == PurePosixPath(own)


# Keys accepted when they only repeat partnerbook's own value.
_SAME = {
    "docs_dir": lambda v: _same_path(v, ".partnerbook/docs"),
    "site_dir": lambda v: _same_path(v, "site"),
    "strict": lambda v: v is True,
    "use_directory_urls": lambda v: v is True,
    "plugins": _same_plugins,
    "markdown_extensions": _same_extensions,
    "nav": lambda v: v == NAV,
    "extra_javascript": lambda v: v == [OWN_JS],
}


def _check_top(root: Path, data: dict[str, Any], refusals: _Refusals, config: RepositoryConfig) -> None:
    for key, value in data.items():
        loc = (key,)
        if key == "site_name":
            if not isinstance(value, str):
                refusals.add(loc, _("'{key}' must be text"),
                             _("partnerbook takes the title from site.title in partnerbook.yml"))
        elif key in ("site_url", "repo_url"):
            problem = _url_problem(value, _WEB)
            if problem:
                refusals.add(loc, problem, _("write an https:// URL"))
            else:
                config.values[key] = value
        elif key == "edit_uri":
            if isinstance(value, str) and ((_EDIT_URI.match(value) and not value.startswith("//"))
                                           or not _url_problem(value, _WEB)):
                config.values[key] = value
            else:
                refusals.add(loc, _("'{key}' must be a path such as 'edit/main/' or an https:// URL"),
                             _("write a path or an https:// URL"))
        elif key in ("site_author", "site_description", "copyright", "repo_name"):
            text = _text(value)
            if text is None:
                refusals.add(loc, _too_long(), _("write plain text"))
            else:
                config.values[key] = text
        elif key == "theme":
            _check_theme(root, value, refusals, config)
        elif key == "extra":
            _check_extra(value, refusals, config)
        elif key == "extra_css":
            _check_css(root, value, refusals, config)
        elif key in _SAME:
            if not _SAME[key](value):
                why = _(REFUSED_WHY[key]) if key in REFUSED_WHY else _("partnerbook sets it itself")
                refusals.because(loc, why, _("remove it (partnerbook sets its own value), or turn on "
                                             "{trusted_mode}").format(trusted_mode=_(TRUSTED_MODE)), key=True)
        elif key in REFUSED_WHY:
            refusals.because(loc, _(REFUSED_WHY[key]), trust_hint(), key=True)
        else:
            refusals.add(loc, _("'{key}' is not a setting partnerbook takes from mkdocs.yml"), trust_hint(), key=True)


def _check_theme(root: Path, value: Any, refusals: _Refusals, config: RepositoryConfig) -> None:
    if isinstance(value, str):
        value = {"name": value}
    if not isinstance(value, dict):
        refusals.add(("theme",), _("'{key}' must be a mapping"),
                     _("write 'theme:' with 'name: material' and the keys below it"))
        return
    for key, item in value.items():
        loc = ("theme", key)
        if key == "name":
            if item != "material":
                refusals.because(loc, _(REFUSED_WHY["name"]), _("write 'name: material' or remove it"))
        elif key == "language":
            if not isinstance(item, str):
                refusals.add(loc, _("'{key}' must be a language code"), _("set site.language in partnerbook.yml"))
        elif key == "font":
            if item is not False:
                refusals.because(loc, _(REFUSED_WHY["font"]), _("write 'font: false' or remove it"))
        elif key == "features":
            if not isinstance(item, list):
                refusals.add(loc, _("'{key}' must be a list of feature names"), _("write e.g. '- navigation.top'"))
                continue
            for index, feature in enumerate(item):
                if not isinstance(feature, str) or not _FEATURE.match(feature):
                    refusals.add((*loc, index), _("'{key}' is not a Material feature name"),
                                 _("write e.g. 'navigation.top'"))
            config.theme["features"] = list(item)
        elif key == "palette":
            _check_palette(item, refusals, config)
        elif key == "icon":
            _check_icons(item, refusals, config)
        elif key in ("logo", "favicon"):
            rel = _asset(root, loc, item, tuple(_IMAGE_MAGIC), refusals, config)
            if rel:
                config.theme[key] = rel
        elif key in REFUSED_WHY:
            refusals.because(loc, _(REFUSED_WHY[key]), trust_hint(), key=True)
        else:
            refusals.add(loc, _("'{key}' is not a theme setting partnerbook takes from mkdocs.yml"), trust_hint(),
                         key=True)


def _too_long() -> Why:
    return _("'{key}' must be text of at most {limit} characters"), {"limit": i18n.number(MAX_TEXT)}


def _icon_problem(name: Any) -> Why | None:
    """What is wrong with an icon setting: a translated sentence naming it ``{key}``, or None."""
    if not isinstance(name, str) or not _ICON.match(name):
        return _("'{key}' must be a Material icon name such as 'material/library'")
    icons = _material_icons()
    if icons is None or not (icons / f"{name}.svg").is_file():
        return _("'{key}': the Material theme has no icon named '{name}'"), {"name": name}
    return None


@cache
def _material_icons() -> Path | None:
    """The icon folder of the installed Material theme, found without importing it (nor MkDocs)."""
    spec = importlib.util.find_spec("material")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "templates" / ".icons"


def _palette_value_ok(key: str, item: Any) -> bool:
    if not isinstance(item, str):
        return False
    if key == "media":
        return bool(_MEDIA.match(item))
    if key == "scheme":
        return bool(_SCHEME.match(item))
    if key in ("primary", "accent"):
        return item.replace("-", " ") in (_PRIMARY if key == "primary" else _ACCENT)
    return False


def _check_palette(value: Any, refusals: _Refusals, config: RepositoryConfig) -> None:
    entries = [value] if isinstance(value, dict) else value
    if not isinstance(entries, list) or not entries:
        refusals.add(("theme", "palette"), _("'{key}' must be a mapping or a list of mappings"),
                     _("write 'scheme', 'primary' and 'accent' under it"))
        return
    out = []
    for index, entry in enumerate(entries):
        loc: tuple[str | int, ...] = ("theme", "palette") if isinstance(value, dict) else ("theme", "palette", index)
        if not isinstance(entry, dict):
            refusals.add(loc, _("'{key}' must be a mapping"), _("write 'scheme', 'primary' and 'accent' under it"))
            continue
        clean: dict[str, Any] = {}
        for key, item in entry.items():
            here = (*loc, key)
            if _palette_value_ok(key, item):
                clean[key] = item
            elif key == "toggle" and isinstance(item, dict):
                toggle: dict[str, str] = {}
                for tkey, titem in item.items():
                    if tkey == "icon" and not _icon_problem(titem):
                        toggle[tkey] = titem
                    elif tkey == "name" and _text(titem) is not None:
                        toggle[tkey] = _text(titem) or ""
                    else:
                        why = (_icon_problem(titem) or _("'{key}' is not an icon")) if tkey == "icon" else \
                            _("'{key}' is not a toggle setting (icon, name)")
                        refusals.add((*here, tkey), why, _("see the Material palette docs"))
                clean[key] = toggle
            elif key in ("media", "scheme", "primary", "accent", "toggle"):
                fixes = {"media": N_("write '(prefers-color-scheme: light)' or '(prefers-color-scheme: dark)'"),
                         "scheme": N_("write 'default' or 'slate'"),
                         "toggle": N_("write 'icon:' and 'name:' under it"),
                         "primary": N_("write a Material color name such as 'indigo'")}
                refusals.add(here, _("'{key}' is not a value Material knows"), _(fixes.get(key, fixes["primary"])))
            else:
                refusals.add(here, _("'{key}' is not a palette setting (media, scheme, primary, accent, toggle)"),
                             trust_hint(), key=True)
        out.append(clean)
    config.theme["palette"] = out if isinstance(value, list) else out[0]


def _check_icons(value: Any, refusals: _Refusals, config: RepositoryConfig) -> None:
    if not isinstance(value, dict):
        refusals.add(("theme", "icon"), _("'{key}' must be a mapping of icon names"),
                     _("write e.g. 'logo: material/library'"))
        return
    clean: dict[str, Any] = {}
    for key, item in value.items():
        loc = ("theme", "icon", key)
        if key not in _ICON_KEYS:
            refusals.add(loc, _("'{key}' is not a Material icon setting"), _("see the Material docs for theme.icon"),
                         key=True)
        elif key in ("admonition", "tag"):
            if not isinstance(item, dict):
                refusals.add(loc, _("'{key}' must be a mapping of names to icons"),
                             _("write e.g. 'note: material/pencil'"))
                continue
            for sub, icon in item.items():
                problem = _icon_problem(icon) if _ICON_KEY.match(str(sub)) else \
                    _("'{key}' has a name other than a-z, 0-9, -")
                if problem:
                    refusals.add((*loc, sub), problem, _("use an icon of the Material theme"))
            clean[key] = dict(item)
        else:
            problem = _icon_problem(item)
            if problem:
                refusals.add(loc, problem, _("use an icon of the Material theme"))
            clean[key] = item
    config.theme["icon"] = clean


def _check_extra(value: Any, refusals: _Refusals, config: RepositoryConfig) -> None:
    if not isinstance(value, dict):
        refusals.add(("extra",), _("'{key}' must be a mapping"), _("write 'social:' under it"))
        return
    extra: dict[str, Any] = {}
    for key, item in value.items():
        loc = ("extra", key)
        if key == "generator":
            if isinstance(item, bool):
                extra[key] = item
            else:
                refusals.add(loc, _("'{key}' must be true or false"), _("write 'generator: false'"))
        elif key == "social":
            extra[key] = _check_social(item, refusals)
        else:
            refusals.add(loc, _("'{key}' is not a setting partnerbook takes from mkdocs.yml (only 'social' and "
                                "'generator'; others add scripts, trackers or outside links to pages)"),
                         trust_hint(), key=True)
    config.values["extra"] = extra


def _check_social(value: Any, refusals: _Refusals) -> list[dict[str, str]]:
    if not isinstance(value, list):
        refusals.add(("extra", "social"), _("'{key}' must be a list of links"),
                     _("write '- icon: ...' and 'link: https://...'"))
        return []
    out = []
    for index, entry in enumerate(value):
        loc = ("extra", "social", index)
        if not isinstance(entry, dict):
            refusals.add(loc, _("'{key}' must be a mapping"), _("write 'icon:', 'link:' and 'name:'"))
            continue
        clean: dict[str, str] = {}
        for key, item in entry.items():
            problem: Why | None
            if key == "icon":
                problem = _icon_problem(item)
            elif key == "link":
                problem = _url_problem(item, _LINK)
            elif key == "name":  # Material prints it escaped ('title | e')
                problem = None if _text(item) is not None else _too_long()
            else:
                refusals.add((*loc, key), _("'{key}' is not a social link setting (icon, link, name)"),
                             _("remove it"), key=True)
                continue
            if problem:
                refusals.add((*loc, key), problem, _("write an https:// or mailto: link and a Material icon name"))
            else:
                clean[key] = item
        for needed in ("icon", "link"):
            if needed not in entry:
                refusals.add(loc, _("'{key}' has no '{name}'"), _("write both 'icon:' and 'link:'"), name=needed)
        out.append(clean)
    return out


def _check_css(root: Path, value: Any, refusals: _Refusals, config: RepositoryConfig) -> None:
    if not isinstance(value, list):
        refusals.add(("extra_css",), _("'{key}' must be a list of CSS files"), _("write '- branding/extra.css'"))
        return
    for index, item in enumerate(value):
        if item == OWN_CSS:  # partnerbook's own stylesheet, listed for zensical build
            continue
        rel = _asset(root, ("extra_css", index), item, (".css",), refusals, config)
        if rel:
            config.values.setdefault("extra_css", []).append(rel)


def _asset(root: Path, loc: tuple[str | int, ...], value: Any, suffixes: tuple[str, ...], refusals: _Refusals,
           config: RepositoryConfig) -> str | None:
    """Read a repository file named in mkdocs.yml; its relative path in the site, or None when refused."""
    kinds = ", ".join(s.lstrip(".").upper() for s in suffixes)
    if not isinstance(value, str) or not value:
        refusals.add(loc, _("'{key}' must be the path of a {kinds} file in the repository"),
                     _("write e.g. 'branding/logo.png'"), kinds=kinds)
        return None
    rel = PurePosixPath(value)
    parts = rel.parts
    if (value.startswith("/") or ":" in value or "\\" in value or not parts
            or not all(_PATH_PART.match(p) for p in parts)):
        refusals.add(loc, _("'{key}' must be a relative path inside the repository (letters, digits, '.', '_', '-'; "
                            "no '..', no hidden folders, no URL)"),
                     _("put the file in the repository and name it from the root"))
        return None
    if parts[0] in ("assets", "site"):
        refusals.add(loc, _("'{key}': '{folder}/' is partnerbook's own folder in the site"),
                     _("put the file in another folder"), folder=parts[0])
        return None
    if rel.suffix.lower() not in suffixes:
        refusals.add(loc, _("'{key}' must be a {kinds} file (SVG files can carry script: use PNG, or an icon under "
                            "theme.icon)") if rel.suffix.lower() == ".svg" else _("'{key}' must be a {kinds} file"),
                     _("use a {kinds} file").format(kinds=kinds), kinds=kinds)
        return None
    try:
        data = open_in_root(root, rel, MAX_ASSET_BYTES)
    except OSError as exc:
        refusals.because(loc, why_unreadable(exc, f"'{value}'"), _("name a regular file inside the repository"))
        return None
    if suffixes == (".css",):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            refusals.add(loc, _("'{key}': '{file}' is not UTF-8 text"), _("save the CSS file as UTF-8"), file=value)
            return None
        found = _CSS_OUTSIDE.search(re.sub(r"[\t\n\r\f]", "", _CSS_COMMENT.sub("", text)))
        if found:
            refusals.add(loc, _("'{key}': '{file}' contains '{found}': the site loads nothing from outside itself "
                                "(no URLs with a scheme or '//', no @import, no backslash escapes)"),
                         _("keep fonts and images next to the CSS file and refer to them by relative path"),
                         file=value, found=found.group(0))
            return None
    elif not data.startswith(_IMAGE_MAGIC[rel.suffix.lower()]) or (
            rel.suffix.lower() == ".webp" and data[8:12] != b"WEBP"):
        refusals.add(loc, _("'{key}': '{file}' is not a {kind} image"), _("use a real image file"), file=value,
                     kind=rel.suffix.lstrip(".").upper())
        return None
    config.files[rel.as_posix()] = data
    return rel.as_posix()




# --- reading the file ---------------------------------------------------------------------------------

def check_mkdocs_yml(root: Path, *, trusted: bool = False) -> Checked:
    """Read and check ``root/mkdocs.yml`` (see the module docstring); a missing or empty file is no finding.

    With ``trusted`` the whole file is taken as written (``Checked.config.whole``): only a file that
    cannot be read or YAML that cannot be read safely is a finding.
    """
    try:
        data = open_in_root(root, PurePosixPath(CONFIG_NAME), MAX_CONFIG_BYTES)
    except FileNotFoundError:
        return Checked()
    except OSError as exc:
        rule = ("unsafe-file" if exc.errno in (errno.ELOOP, errno.EINVAL, errno.ENOTDIR, errno.EISDIR)
                else "yaml-too-large" if exc.errno == errno.EFBIG else "file-unreadable")
        return Checked(unreadable=[_problem(None, None, rule, why_unreadable(exc, CONFIG_NAME),
                                            _(UNREADABLE_HINT))])
    if trusted:
        return _check_trusted(data)
    doc, problems = load_bytes(data, CONFIG_NAME, max_bytes=MAX_CONFIG_BYTES)
    if problems:
        if all(p.rule == "yaml-empty" for p in problems):
            return Checked()
        return Checked(unsafe_yaml=[
            Problem(p.file, p.line, p.column, p.rule, p.severity, p.message,
                    _(TRUST_TAG_HINT) if p.rule == "yaml-tag" else p.hint, kind=KIND) for p in problems])
    assert doc is not None
    refusals = _Refusals(doc)
    checked = Checked()
    _check_top(root, doc.data, refusals, checked.config)
    checked.refused = refusals.problems
    return checked


def _check_trusted(data: bytes) -> Checked:
    """Trusted mode: the whole file as written, read with a safe loader (tags are still refused)."""
    try:
        loaded = yaml.safe_load(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return Checked(unsafe_yaml=[_problem(None, None, "yaml-encoding",
                                             _("{file} is not UTF-8 text ({reason})").format(file=CONFIG_NAME,
                                                                                           reason=exc.reason),
                                             _("save it as UTF-8"))])
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = " ".join(str(part) for part in (exc.context, exc.problem) if part)  # the parser's words, in English
        return Checked(unsafe_yaml=[_problem(
            mark.line + 1 if mark else None, mark.column + 1 if mark else None, "yaml-syntax",
            _("YAML syntax error: {problem}").format(problem=what),
            _("partnerbook reads mkdocs.yml with a safe YAML loader, even in trusted mode: write the value without "
              "the tag"))])
    except yaml.YAMLError as exc:
        return Checked(unsafe_yaml=[_problem(None, None, "yaml-syntax",
                                             _("{file} cannot be read: {reason}").format(file=CONFIG_NAME, reason=exc),
                                             "")])
    return Checked(RepositoryConfig(whole=loaded if isinstance(loaded, dict) else {}))


TRUSTED_RULE = "mkdocs-trusted"
TRUSTED_MESSAGE = N_("site.trust_mkdocs_yml is on: the repository's mkdocs.yml runs as code on build and serve "
                      "(hooks, plugins, Markdown extensions, theme templates)")
TRUSTED_HINT = N_("review mkdocs.yml like code; remove the setting to build with the allow-list")


def trusted_warning(settings: Document | None) -> Problem:
    """The warning on the line of partnerbook.yml that turns trusted mode on."""
    line, column = settings.where(("site", "trust_mkdocs_yml"), key=True) if settings is not None else (None, None)
    return Problem(settings.path if settings is not None else "partnerbook.yml", line, column, TRUSTED_RULE,
                   Severity.WARNING, _(TRUSTED_MESSAGE), _(TRUSTED_HINT), kind=KIND)


LANGUAGE_RULE = "no-catalog"


def language_warning(settings: Document | None, language: str) -> list[Problem]:
    """A warning on the ``language:`` line of partnerbook.yml when partnerbook has no catalog for it.

    ``it-CH`` is written with the ``it`` catalog and needs none of its own; a language with no catalog,
    not even for its base language (``fr``), is written in English: the team should know, and how to add one.
    """
    if i18n.resolve(language) != i18n.SOURCE or language.split("-")[0].lower() == i18n.SOURCE:
        return []
    line, column = settings.where(("site", "language")) if settings is not None else (None, None)
    available = ", ".join(f"{code} ({_language_name(code)})" for code in i18n.languages())
    return [Problem(
        settings.path if settings is not None else "partnerbook.yml", line, column, LANGUAGE_RULE, Severity.WARNING,
        _("partnerbook has no {language} catalog: pages and messages are written in English").format(
            language=_language_name(language)),
        _("set site.language to a language partnerbook has ({available}), or add one to partnerbook: a folder "
          "generator/locale/{code}/ of .po catalogs, like generator/locale/it/").format(
            available=available, code=language.split("-")[0].lower()))]


def _language_name(code: str) -> str:
    """The name of language ``code`` in the current language (``French``, ``francese``), else the code."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(code.replace("-", "_")).get_display_name(i18n.locale(i18n.current())) or code
    except (ValueError, UnknownLocaleError):
        return code
