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
The theme, ``extra`` and ``extra_css`` are checked in generator/checks/mkdocs_theme.py; partnerbook's own
settings, the refusals and the reading of repository files are in generator/checks/mkdocs_common.py.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from generator import i18n
from generator.checks.mkdocs_common import (
    CONFIG_NAME,
    EDIT_URI,
    KIND,
    MAX_CONFIG_BYTES,
    NAV,
    OWN_JS,
    REFUSED_WHY,
    REQUIRED_EXTENSIONS,
    TRUST_TAG_HINT,
    TRUSTED_MODE,
    UNREADABLE_HINT,
    WEB,
    Refusals,
    RepositoryConfig,
    config_problem,
    open_in_root,
    page_text,
    trust_hint,
    url_problem,
    why_unreadable,
)
from generator.checks.mkdocs_theme import check_css, check_extra, check_theme, too_long
from generator.i18n import N_, _
from generator.load.document import Document
from generator.load.loader import load_bytes
from generator.problems import Problem, Severity


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


def _check_top(root: Path, data: dict[str, Any], refusals: Refusals, config: RepositoryConfig) -> None:
    for key, value in data.items():
        loc = (key,)
        if key == "site_name":
            if not isinstance(value, str):
                refusals.add(loc, _("'{key}' must be text"),
                             _("partnerbook takes the title from site.title in partnerbook.yml"))
        elif key in ("site_url", "repo_url"):
            problem = url_problem(value, WEB)
            if problem:
                refusals.add(loc, problem, _("write an https:// URL"))
            else:
                config.values[key] = value
        elif key == "edit_uri":
            if isinstance(value, str) and ((EDIT_URI.match(value) and not value.startswith("//"))
                                           or not url_problem(value, WEB)):
                config.values[key] = value
            else:
                refusals.add(loc, _("'{key}' must be a path such as 'edit/main/' or an https:// URL"),
                             _("write a path or an https:// URL"))
        elif key in ("site_author", "site_description", "copyright", "repo_name"):
            text = page_text(value)
            if text is None:
                refusals.add(loc, too_long(), _("write plain text"))
            else:
                config.values[key] = text
        elif key == "theme":
            check_theme(root, value, refusals, config)
        elif key == "extra":
            check_extra(value, refusals, config)
        elif key == "extra_css":
            check_css(root, value, refusals, config)
        elif key in _SAME:
            if not _SAME[key](value):
                why = _(REFUSED_WHY[key]) if key in REFUSED_WHY else _("partnerbook sets it itself")
                refusals.because(loc, why, _("remove it (partnerbook sets its own value), or turn on "
                                             "{trusted_mode}").format(trusted_mode=_(TRUSTED_MODE)), key=True)
        elif key in REFUSED_WHY:
            refusals.because(loc, _(REFUSED_WHY[key]), trust_hint(), key=True)
        else:
            refusals.add(loc, _("'{key}' is not a setting partnerbook takes from mkdocs.yml"), trust_hint(), key=True)


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
        return Checked(unreadable=[config_problem(None, None, rule, why_unreadable(exc, CONFIG_NAME),
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
    refusals = Refusals(doc)
    checked = Checked()
    _check_top(root, doc.data, refusals, checked.config)
    checked.refused = refusals.problems
    return checked


def _check_trusted(data: bytes) -> Checked:
    """Trusted mode: the whole file as written, read with a safe loader (tags are still refused)."""
    try:
        loaded = yaml.safe_load(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return Checked(unsafe_yaml=[config_problem(None, None, "yaml-encoding",
                                             _("{file} is not UTF-8 text ({reason})").format(file=CONFIG_NAME,
                                                                                           reason=exc.reason),
                                             _("save it as UTF-8"))])
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = " ".join(str(part) for part in (exc.context, exc.problem) if part)  # the parser's words, in English
        return Checked(unsafe_yaml=[config_problem(
            mark.line + 1 if mark else None, mark.column + 1 if mark else None, "yaml-syntax",
            _("YAML syntax error: {problem}").format(problem=what),
            _("partnerbook reads mkdocs.yml with a safe YAML loader, even in trusted mode: write the value without "
              "the tag"))])
    except yaml.YAMLError as exc:
        return Checked(unsafe_yaml=[config_problem(None, None, "yaml-syntax",
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
