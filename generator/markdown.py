"""Safe Markdown: text from records is untrusted and must stay inert text on the page.

Escaping only ``<>&`` is not enough in Markdown: ``[x](javascript:...)`` makes a
link, ``{: onclick=...}`` adds attributes through attr_list, ``|`` breaks a
table, ``*`` and ``_`` change emphasis. Every character that Markdown or its
extensions could read as syntax is therefore written as a numeric HTML entity,
which Python-Markdown passes through untouched and the browser shows as the
character itself.
"""

from __future__ import annotations

import functools
import re
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup, escape

_SPECIAL = re.compile(r"[\\`*_{}\[\]()#+\-.!|<>&\"'~=:^$%@]")
_PLAIN = re.compile(r"[A-Za-z0-9]+(-[A-Za-z0-9]+)*")
SAFE_SCHEMES = ("http", "https", "mailto")


def _entity(match: re.Match[str]) -> str:
    return f"&#{ord(match.group())};"


def text(value: Any) -> Markup:
    """Inline text: one line, every Markdown and HTML special character neutralised."""
    if value is None:
        return Markup("")
    return _escaped(value if type(value) is str else str(value))


@functools.lru_cache(maxsize=1 << 16)
def _escaped(value: str) -> Markup:
    # Pages repeat the same short texts (statuses, names, dates) thousands of times.
    flat = " ".join(value.split())
    if _PLAIN.fullmatch(flat):
        # Ids, dates and anchors (letters, digits, inner hyphens) are inert as they are, and
        # must stay literal inside link targets such as '../kiln-packaging/index.md'.
        return Markup(flat)
    return Markup(_SPECIAL.sub(_entity, flat))


def block(value: Any) -> Markup:
    """Multi-line text (notes, summaries): paragraphs kept, each line escaped like ``text``."""
    if value is None:
        return Markup("")
    paragraphs = re.split(r"\n\s*\n", str(value).strip())
    out = []
    for paragraph in paragraphs:
        lines = [text(line) for line in paragraph.splitlines() if line.strip()]
        if lines:
            out.append("<br>\n".join(lines))
    return Markup("\n\n".join(out))


def safe_url(value: Any) -> str | None:
    """The URL if it is http, https or mailto; None for anything else (javascript:, data:, ...)."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    if any(ch in url for ch in "\r\n\t\x00"):
        return None
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in SAFE_SCHEMES else None


def link(url: Any, label: Any = None) -> str:
    """An HTML link for a safe URL; unsafe or relative targets are shown as plain text."""
    target = safe_url(url)
    shown = text(label if label is not None else url)
    if target is None:
        return shown
    return Markup('<a href="{}" rel="noopener noreferrer">{}</a>').format(escape(target), Markup(shown))


def cell(value: Any) -> Markup:
    """A table cell: like ``text``; empty cells show an en dash so tables keep their shape."""
    rendered = text(value)
    return rendered if rendered else Markup("&ndash;")


FILTERS = {"md": text, "md_block": block, "md_link": link, "md_cell": cell}
