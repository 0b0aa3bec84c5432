"""What varies per build but not per page (the build's day and commit), put into each page at write time.

Pages say when and from which commit they were built, and several say "as of <day>". Written into the
Markdown as they are, those words would make every page new after every commit and every day, and MkDocs
would render the whole site again for a change nobody made. So they are written as marked spans::

    <span class="pb-stamp-day">Dec 1&#44; 2026</span>   <span class="pb-stamp-commit">1a2b3c4d5e6f</span>

The Markdown in ``.partnerbook/docs`` holds the real words, so ``mkdocs build`` or ``zensical build`` of
it shows them. partnerbook's own build (generator/site/mkdocs_build.py) replaces each span's content by a
fixed token before it hashes and renders the page (``neutral``), and puts the words back into the
rendered HTML and the page's search entries when it writes them (``apply_html``, ``apply_search``). The
result is byte-identical to rendering the Markdown as it is: the words are plain text (letters, digits,
spaces and entities), which Markdown and the search plugin pass through unchanged.

Record text cannot forge a span: every ASCII punctuation character of a record is written as an entity
(generator/markdown.py), so ``<span class="pb-stamp-`` only ever comes from partnerbook's templates.
"""

from __future__ import annotations

import html
import re
from typing import Any

from markupsafe import Markup

from generator import markdown
from generator.i18n import _

KINDS = ("day", "commit")
_SPAN = re.compile(r'<span class="pb-stamp-(day|commit)">([^<>]*)</span>')
_TOKENS = {kind: f"\u2983pb-{kind}\u2984" for kind in KINDS}  # ⦃pb-day⦄: no Markdown or HTML reads it


def shown(text: str) -> str:
    """``text`` as a span holds it, in the Markdown and in the HTML alike: escaped as record text is."""
    return str(markdown.text(text))


def commit_words(commit: str) -> str:
    """How pages show the commit they were built from (``unknown`` outside a git checkout, translated)."""
    return shown(commit if commit != "unknown" else _("unknown"))


def markup(kind: str, words: str) -> Markup:
    """The span a template writes for ``kind`` ("day" or "commit") holding ``words`` (from ``shown``)."""
    if kind not in KINDS:
        raise ValueError(f"unknown stamp kind {kind!r}")
    return Markup('<span class="pb-stamp-{}">{}</span>').format(kind, Markup(words))


def restamp(data: bytes, kind: str, old: str, new: str) -> bytes:
    """A written page (Markdown or HTML) with the words of its ``kind`` span changed from ``old`` to ``new``."""
    span = '<span class="pb-stamp-{}">{}</span>'
    return data.replace(span.format(kind, old).encode("utf-8"), span.format(kind, new).encode("utf-8"))


def neutral(source: str) -> tuple[str, dict[str, str]]:
    """``source`` with every stamp span's words replaced by its token, and the words by kind.

    A page whose spans of one kind hold different words is returned as it is (and no words): it is then
    rendered, cached and written exactly as written, which is always right, only not shared across builds.
    """
    found: dict[str, str] = {}
    mixed = False

    def swap(match: re.Match[str]) -> str:
        nonlocal mixed
        kind, words = match.group(1), match.group(2)
        if found.setdefault(kind, words) != words:
            mixed = True
        return f'<span class="pb-stamp-{kind}">{_TOKENS[kind]}</span>'

    text = _SPAN.sub(swap, source)
    if mixed or not found:
        return source, {}
    return text, found


def apply_html(data: bytes, words: dict[str, str]) -> bytes:
    """The rendered page ``data`` with the build's words back in place of the tokens."""
    for kind, value in words.items():
        data = data.replace(_TOKENS[kind].encode("utf-8"), value.encode("utf-8"))
    return data


def apply_search(entries: list[dict[str, Any]], words: dict[str, str]) -> list[dict[str, Any]]:
    """The page's search entries with the words in place of the tokens, as the search plugin writes text."""
    if not words:
        return entries
    shown = {_TOKENS[kind]: html.escape(html.unescape(value), quote=False) for kind, value in words.items()}

    def fill(value: Any) -> Any:
        if isinstance(value, str):
            for token, text in shown.items():
                value = value.replace(token, text)
        return value

    return [{key: fill(value) for key, value in entry.items()} for entry in entries]
