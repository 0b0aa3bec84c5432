"""The theme, ``extra`` and ``extra_css`` settings of the repository's mkdocs.yml, checked value by value
(the allow-list of generator/checks/mkdocs_yml.py): features, palette, icons, logo and favicon files, social
links and stylesheets that load nothing from outside the site."""

from __future__ import annotations

import importlib.util
import re
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any

from generator import i18n
from generator.checks.mkdocs_common import (
    LINK,
    MAX_ASSET_BYTES,
    MAX_TEXT,
    OWN_CSS,
    REFUSED_WHY,
    Refusals,
    RepositoryConfig,
    Why,
    open_in_root,
    page_text,
    trust_hint,
    url_problem,
    why_unreadable,
)
from generator.i18n import N_, _

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


def check_theme(root: Path, value: Any, refusals: Refusals, config: RepositoryConfig) -> None:
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


def too_long() -> Why:
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


def _check_palette(value: Any, refusals: Refusals, config: RepositoryConfig) -> None:
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
                    elif tkey == "name" and page_text(titem) is not None:
                        toggle[tkey] = page_text(titem) or ""
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


def _check_icons(value: Any, refusals: Refusals, config: RepositoryConfig) -> None:
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


def check_extra(value: Any, refusals: Refusals, config: RepositoryConfig) -> None:
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


def _check_social(value: Any, refusals: Refusals) -> list[dict[str, str]]:
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
                problem = url_problem(item, LINK)
            elif key == "name":  # Material prints it escaped ('title | e')
                problem = None if page_text(item) is not None else too_long()
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


def check_css(root: Path, value: Any, refusals: Refusals, config: RepositoryConfig) -> None:
    if not isinstance(value, list):
        refusals.add(("extra_css",), _("'{key}' must be a list of CSS files"), _("write '- branding/extra.css'"))
        return
    for index, item in enumerate(value):
        if item == OWN_CSS:  # partnerbook's own stylesheet, listed for zensical build
            continue
        rel = _asset(root, ("extra_css", index), item, (".css",), refusals, config)
        if rel:
            config.values.setdefault("extra_css", []).append(rel)


def _asset(root: Path, loc: tuple[str | int, ...], value: Any, suffixes: tuple[str, ...], refusals: Refusals,
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
