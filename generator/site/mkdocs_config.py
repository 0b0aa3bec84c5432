"""The MkDocs configuration partnerbook builds with, and what it takes from the repository's ``mkdocs.yml``.

The records repository is untrusted, and so is its ``mkdocs.yml``: MkDocs runs code named there
(hooks, plugins, Markdown extensions, theme templates) and prints several of its values into
every page unescaped. partnerbook therefore owns the configuration and takes from ``mkdocs.yml``
only the documented allow-list below, checked value by value (the checking itself is
generator/checks/mkdocs_yml.py, which ``partnerbook validate`` runs too):

* ``site_url``, ``repo_url`` (``http``/``https`` URLs) and ``edit_uri``;
* ``site_author``, ``site_description``, ``copyright``, ``repo_name`` (plain text, HTML-escaped);
* ``theme``: ``features``, ``palette``, ``icon`` (Material icon names), ``logo`` and ``favicon``
  (PNG, JPEG, GIF, WebP or ICO files inside the repository, copied into the site);
* ``extra_css`` (CSS files inside the repository that load nothing from outside the site);
* ``extra.social`` (links with an icon: ``http``, ``https`` or ``mailto``) and ``extra.generator``.

Keys that only repeat what partnerbook sets itself (``docs_dir: .partnerbook/docs``, ``site_dir:
site``, ``strict: true``, ``plugins: [search]``, the navigation, the Markdown extensions its pages
need, its own CSS and script) are accepted, so ``zensical build`` or ``mkdocs build`` can read the same
file; ``site_name`` and ``theme.language`` are accepted and replaced by ``site.title`` and
``site.language`` of ``partnerbook.yml``. Anything else stops the build with a message naming
``mkdocs.yml:line:column``, unless ``partnerbook.yml`` sets ``site.trust_mkdocs_yml: true``: then the
whole file is merged as written (hooks, plugins and extensions run) and the build says so.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import click

from generator.checks.mkdocs_common import (
    CONFIG_NAME,
    NAV,
    OWN_CSS,
    OWN_JS,
    REQUIRED_EXTENSIONS,
    TRUSTED_MODE,
    RepositoryConfig,
)
from generator.checks.mkdocs_yml import check_mkdocs_yml
from generator.errors import PartnerbookError
from generator.i18n import N_, _
from generator.problems import Problem

__all__ = ["CONFIG_NAME", "NAV", "OWN_CSS", "OWN_JS", "REQUIRED_EXTENSIONS", "RepositoryConfig", "mkdocs_config",
           "read_repository_config"]

TRUST_ONLY = N_("set 'site: {trust_mkdocs_yml: true}' in partnerbook.yml if your team reviews mkdocs.yml like "
                "code (see 'Security model' in the README)")
TRUSTED_NOTICE = N_("partnerbook: notice: site.trust_mkdocs_yml is on: the repository's mkdocs.yml runs as code "
                    "(hooks, plugins, Markdown extensions, theme templates)")


def _positioned(problem: Problem) -> str:
    """One refused setting, as build lists it (the note on trusted mode follows the list)."""
    hint = problem.hint.replace(_(TRUSTED_MODE), _("trusted mode (below)"))
    return f"{problem.location()}: {problem.message}; {hint}"


def read_repository_config(root: Path, *, trusted: bool = False) -> RepositoryConfig:
    """Read and check the repository's mkdocs.yml (generator/checks/mkdocs_yml.py); PartnerbookError if refused.

    Every refused setting is listed with ``mkdocs.yml:line:column``; nothing is built.
    """
    checked = check_mkdocs_yml(root, trusted=trusted)
    for problem in checked.unreadable:
        raise PartnerbookError(f"{problem.message}; {problem.hint}")
    if trusted and (checked.config.whole is not None or checked.unsafe_yaml):
        click.echo(_(TRUSTED_NOTICE), err=True)
    if trusted and checked.unsafe_yaml:
        problem = checked.unsafe_yaml[0]
        text = problem.message if problem.message.startswith(f"{CONFIG_NAME} ") else \
            f"{problem.location()}: {problem.message}"
        raise PartnerbookError(text + (f"; {problem.hint}" if problem.hint else ""))
    if checked.unsafe_yaml:
        raise PartnerbookError(_("{file} cannot be used:").format(file=CONFIG_NAME) + "\n  "
                               + "\n  ".join(_positioned(p) for p in checked.unsafe_yaml))
    if checked.refused:
        raise PartnerbookError(
            _("{file} has settings partnerbook does not take from the repository (nothing was built):").format(
                file=CONFIG_NAME) + "\n  "
            + "\n  ".join(_positioned(p) for p in checked.refused) + "\n"
            + _("partnerbook takes only an allow-list from mkdocs.yml (README, 'Your mkdocs.yml'); trusted mode: "
                "{how}").format(how=_(TRUST_ONLY)))
    return checked.config


# --- the configuration partnerbook builds with ------------------------------------------------------

def _with_required_extensions(configured: Any) -> list[Any]:
    """The configured ``markdown_extensions`` (trusted mode) plus any required one they lack."""
    entries = list(configured) if isinstance(configured, list) else []
    names = {next(iter(e)) if isinstance(e, dict) and e else e for e in entries}
    for name, options in REQUIRED_EXTENSIONS.items():
        if name not in names:
            entries.append({name: options} if options else name)
    return entries


def _absolute(root: Path, value: Any) -> Any:
    """A repository-relative path of trusted mode made absolute (MkDocs reads it beside the written config)."""
    return str((root / value).resolve()) if isinstance(value, str) and value else value


# Material features partnerbook always turns on, beside mkdocs.yml's: the site's pages as tabs under the
# header on wide screens (partnerbook.css then gives the left column to the content, which the widest tables
# need; the page's table of contents stays on the right) and a back-to-top button.
FEATURES = ("navigation.tabs", "navigation.top")
# The light and dark schemes of Material, each following the reader's system setting until they pick one.
LIGHT, DARK = "default", "slate"
_SCHEME_MEDIA = {LIGHT: "(prefers-color-scheme: light)", DARK: "(prefers-color-scheme: dark)"}
_TOGGLE_ICON = {LIGHT: "material/brightness-7", DARK: "material/brightness-4"}


def _palette(configured: Any) -> Any:
    """Material's palette with a light/dark toggle: mkdocs.yml's palette as written if it has toggles of its
    own (or a scheme of its own), else its colours (``primary``, ``accent``; indigo by default) in both the
    light (``default``) and the dark (``slate``) scheme, the system's setting choosing the first one shown."""
    entries = configured if isinstance(configured, list) else [configured] if isinstance(configured, dict) else []
    entries = [entry for entry in entries if isinstance(entry, dict)]
    if any("toggle" in entry for entry in entries) or any(e.get("scheme", LIGHT) not in (LIGHT, DARK)
                                                          for e in entries):
        return configured
    colours = {"primary": "indigo", "accent": "indigo",
               **{key: entries[0][key] for key in ("primary", "accent") if entries and key in entries[0]}}
    first = entries[0].get("scheme", LIGHT) if entries else LIGHT
    names = {LIGHT: _("Switch to dark mode"), DARK: _("Switch to light mode")}
    order = (LIGHT, DARK) if first == LIGHT else (DARK, LIGHT)
    return [{"media": _SCHEME_MEDIA[scheme], "scheme": scheme, **colours,
             "toggle": {"icon": _TOGGLE_ICON[scheme], "name": names[scheme]}} for scheme in order]


def mkdocs_config(root: Path, docs: Path, site: Path, title: str, language: str, *, trusted: bool = False,
                  repository: RepositoryConfig | None = None) -> dict[str, Any]:
    """The MkDocs configuration partnerbook builds with: its own, plus what mkdocs.yml may set.

    ``repository`` is the checked mkdocs.yml (``read_repository_config``); it is read here when not given.
    """
    if repository is None:
        repository = read_repository_config(root, trusted=trusted)
    if repository.whole is not None:  # trusted mode: the whole file, as written
        config = dict(repository.whole)
        theme = config.get("theme") or {"name": "material"}
        theme = {"name": theme} if isinstance(theme, str) else dict(theme)
        if "custom_dir" in theme:
            theme["custom_dir"] = _absolute(root, theme["custom_dir"])
        hooks = config.get("hooks")
        if isinstance(hooks, list):
            config["hooks"] = [_absolute(root, hook) for hook in hooks]
        if "INHERIT" in config:
            config["INHERIT"] = _absolute(root, config["INHERIT"])
        config.setdefault("plugins", ["search"])
        config["markdown_extensions"] = _with_required_extensions(config.get("markdown_extensions"))
    else:
        config = {**repository.values, "plugins": ["search"],
                  "markdown_extensions": _with_required_extensions(None)}
        theme = {"name": "material", **repository.theme}
        config["extra_css"] = [OWN_CSS, *repository.values.get("extra_css", [])]
    features = [f for f in theme.get("features") or [] if isinstance(f, str)]
    config["theme"] = {**theme, "language": language, "font": False, "palette": _palette(theme.get("palette")),
                       "features": [*features, *(f for f in FEATURES if f not in features)]}
    # MkDocs themes print site_name into HTML unescaped; the title comes from partnerbook.yml.
    config.update({"site_name": html.escape(title, quote=True), "docs_dir": str(docs), "site_dir": str(site),
                   "strict": True, "use_directory_urls": True})
    # The pages are generated, not files of the repository: MkDocs' "edit this page" would open a file that
    # does not exist. Record pages link to their record instead (generator/site/repo_links.py).
    config["edit_uri"] = ""
    # repo_url links alerts, findings and record pages to the records (generator/site/repo_links.py); given
    # to the theme it would also draw a repository button that asks GitHub's API for star counts, and the
    # site fetches nothing from the internet.
    config.pop("repo_url", None)
    config.pop("repo_name", None)
    config["markdown_extensions"] = [
        {"toc": {**entry["toc"], "permalink_title": _("Permanent link")}}
        if isinstance(entry, dict) and isinstance(entry.get("toc"), dict) and "permalink_title" not in entry["toc"]
        else {"toc": {"permalink": True, "permalink_title": _("Permanent link")}} if entry == "toc" else entry
        for entry in config["markdown_extensions"]]
    if repository.whole is not None:
        config["extra_css"] = [OWN_CSS]
    config["extra_javascript"] = [OWN_JS]
    config["nav"] = [{_(title): page for title, page in item.items()} for item in NAV]
    return config
