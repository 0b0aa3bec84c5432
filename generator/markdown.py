"""Safe Markdown: text from records is untrusted and must stay inert text on the page.

This module is the one escaping path from record text to the site. Escaping only ``<>&`` is not
enough in Markdown: ``[x](javascript:...)`` makes a link, ``{: onclick=...}`` adds attributes
through attr_list, ``|`` breaks a table, ``???`` opens a details block, ``*`` and ``_`` change
emphasis. So:

- **element text** (``text``, ``block``, ``cell``): every ASCII punctuation character becomes a
  numeric HTML entity (not a hand-picked list, so no block or inline syntax of Markdown or of an
  extension can start), whitespace runs collapse to one space (no indented code, no line-start
  syntax), and control, format and line-separator characters (escape codes, bidi overrides) are
  shown as escapes such as ``\\x1b`` and ``\\u202e``. Python-Markdown passes entities through
  untouched and the browser shows the characters themselves.
- **attribute values and URLs** (``attribute``, ``link``): every character but ASCII letters and
  digits becomes a numeric entity, so Markdown's inline patterns (which run before its raw-HTML
  pattern) find no ``[``, ``(``, ``"`` or ``|`` to act on, and the value cannot leave the quotes.
  A URL becomes a link only when it parses as ``http``, ``https`` or ``mailto`` with no control or
  whitespace character anywhere; anything else is shown as text.
- **page titles** (``yaml_title``): HTML-escaped, controls shown, written as a YAML double-quoted
  scalar of printable ASCII.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup

from generator.inert import shown

# Shown as escapes on the page: C0 and C1 controls (escape codes, Markdown's own STX/ETX markers)
# and the bidi embeddings, overrides and isolates that would reorder the text around them.
# Zero-width characters and the bidi marks (LRM, RLM, ALM) stay: names in some scripts need them.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# Every ASCII punctuation character: !"#$%&'()*+,-./ :;<=>?@ [\]^_` {|}~
_PUNCTUATION = re.compile(r"[!-/:-@\[-`{-~]")
_PLAIN = re.compile(r"[A-Za-z0-9]+(-[A-Za-z0-9]+)*")
_NOT_ALNUM = re.compile(r"[^A-Za-z0-9]")
SAFE_SCHEMES = ("http", "https", "mailto")
_URL_START = re.compile(r"(?:https?|mailto):", re.IGNORECASE)


def _entity(match: re.Match[str]) -> str:
    return f"&#{ord(match.group())};"


def text(value: Any) -> Markup:
    """Inline text: one line, every Markdown and HTML special character neutralised."""
    if value is None:
        return Markup("")
    value = value if type(value) is str else str(value)
    return _escaped_short(value) if len(value) <= _SHORT else _escaped(value)


def _escaped(value: str) -> Markup:
    flat = " ".join(value.split())
    if _CONTROLS.search(flat):
        flat = _CONTROLS.sub(lambda m: shown(m.group()), flat)
    if _PLAIN.fullmatch(flat):
        # Ids, dates and anchors (letters, digits, inner hyphens) are inert as they are, and
        # must stay literal inside link targets such as '../kiln-packaging/index.md'.
        return Markup(flat)
    return Markup(_PUNCTUATION.sub(_entity, flat))


# Pages repeat the same short texts (statuses, names, dates, amounts) thousands of times: those are cached.
# A longer text (a description, a note) is seldom repeated, and caching it only held memory.
_SHORT = 80
_escaped_short = functools.lru_cache(maxsize=1 << 16)(_escaped)


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


def attribute(value: Any) -> Markup:
    """An HTML attribute value (to go between double quotes): all but ASCII letters and digits as entities."""
    return Markup(_NOT_ALNUM.sub(_entity, "" if value is None else str(value)))


def _unsafe_char(char: str) -> bool:
    return char.isspace() or unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn")


def safe_url(value: Any) -> str | None:
    """The URL if it parses as http, https or mailto; None for anything else (javascript:, data:, paths)."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    # Browsers drop tabs and newlines inside a URL and trim controls around it: a URL with any of
    # them, or any other invisible character, is not linked at all.
    if not url or any(_unsafe_char(ch) for ch in url) or not _URL_START.match(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in SAFE_SCHEMES:
        return None
    if parts.scheme.lower() != "mailto" and not parts.netloc:
        return None
    return url


def link(url: Any, label: Any = None) -> Markup:
    """An HTML link for a safe URL; unsafe or relative targets are shown as plain text."""
    target = safe_url(url)
    label_text = text(label if label is not None else url)
    if target is None:
        return label_text
    return Markup('<a href="{}" rel="noopener noreferrer">{}</a>').format(attribute(target), label_text)


def cell(value: Any) -> Markup:
    """A table cell: like ``text``; empty cells show an en dash so tables keep their shape."""
    rendered = text(value)
    return rendered if rendered else Markup("&ndash;")


def yaml_title(value: Any) -> Markup:
    """A page title for YAML front matter: HTML-escaped text as a double-quoted YAML scalar.

    Material prints ``page.meta.title`` into ``<title>``, the header and the navigation as it is,
    so the title is HTML-escaped here, once. Everything but printable ASCII is written as a YAML
    escape (``\\u00e8``), so no character can end the scalar or trip the YAML reader.
    """
    flat = " ".join(str(value).split())
    flat = html.escape(_CONTROLS.sub(lambda m: shown(m.group()), flat), quote=True)
    out = []
    for char in flat:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif 0x20 <= code < 0x7F:
            out.append(char)
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return Markup('"' + "".join(out) + '"')


FILTERS = {"md": text, "md_block": block, "md_link": link, "md_cell": cell, "md_attr": attribute}
