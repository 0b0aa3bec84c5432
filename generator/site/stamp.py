"""What varies per build but not per page (the build's day and commit), put into each page at write time.

Pages say when and from which commit they were built, and several say "as of <day>". Written into the
Markdown as they are, those words would make every page new after every commit and every day, and MkDocs
would render the whole site again for a change nobody made. So they are written as marked spans::

    <span class="pb-stamp-day">Dec 1&#44; 2026</span>   <span class="pb-stamp-commit">1a2b3c4d5e6f</span>

The same holds for words that count days from the build's day ("in 12 days", "3 days ago", the days left
to a deadline): each day they change on every page with a deadline or a dated alert, although nothing
else on the page did. They are written as ``<span class="pb-stamp-rel">in 12 days</span>`` (``relative``,
``relative_phrases``), and their words go back in the same way. Unlike the day and the commit, the words
of two such spans on a page differ, so each gets a token of its own, numbered in page order.

The Markdown in ``.partnerbook/docs`` holds the real words, so ``mkdocs build`` or ``zensical build`` of
it shows them. partnerbook's own build (generator/site/mkdocs_build.py) replaces each span's content by a
fixed token before it hashes and renders the page (``neutral``), and puts the words back into the
rendered HTML and the page's search entries when it writes them (``apply_html``, ``apply_search``). The
result is byte-identical to rendering the Markdown as it is: the words are plain text (letters, digits,
spaces and entities), which Markdown and the search plugin pass through unchanged.

Record text cannot forge a span: every ASCII punctuation character of a record is written as an entity
(generator/markdown.py), so ``<span class="pb-stamp-`` only ever comes from partnerbook's templates. Nor can
it forge a token, in any form a page holds it (the body, a title in the front matter, the search index's
decoded text): a token holds the C1 control U+0091, which record text is always shown as an escape
(``\\x91``), never as the character itself.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Any

from markupsafe import Markup

from generator import markdown
from generator.i18n import _

KINDS = ("day", "commit")
RELATIVE = "rel"  # words counting days from the build's day; one token per span, numbered in page order
_SPAN = re.compile(r'<span class="pb-stamp-(day|commit|rel)">([^<>]*)</span>')
# ⦃␑pb-day⦄, ⦃␑pb-rel-3⦄ (␑ standing for U+0091): no Markdown or HTML reads it, no record text writes it.
_TOKEN = re.compile("\u2983\x91pb-(day|commit|rel-[0-9]+)\u2984")
_TOKEN_BYTES = re.compile(_TOKEN.pattern.encode("utf-8"))


def _token(name: str) -> str:
    return f"\u2983\x91pb-{name}\u2984"


def shown(text: str) -> str:
    """``text`` as a span holds it, in the Markdown and in the HTML alike: escaped as record text is."""
    return str(markdown.text(text))


def commit_words(commit: str) -> str:
    """How pages show the commit they were built from (``unknown`` outside a git checkout, translated)."""
    return shown(commit if commit != "unknown" else _("unknown"))


def markup(kind: str, words: str) -> Markup:
    """The span a template writes for ``kind`` ("day", "commit" or "rel") holding ``words`` (from ``shown``)."""
    if kind not in (*KINDS, RELATIVE):
        raise ValueError(f"unknown stamp kind {kind!r}")
    return Markup('<span class="pb-stamp-{}">{}</span>').format(kind, Markup(words))


def relative(words: str) -> Markup:
    """Plain words that count days from the build's day (a number of days left, "in 3 days"), as a span."""
    return markup(RELATIVE, shown(words))


def relative_phrases(text: str, phrases: Iterable[str]) -> Markup:
    """``text`` escaped as record text is, with every whole occurrence of each of ``phrases`` (words that count
    days from the build's day, such as an alert's "in 12 days") in a ``rel`` span.

    The phrases are found in the escaped text, so a span never cuts an entity; which occurrence is wrapped
    does not matter for the result, only for how much of the page stays the same from one day to the next.
    """
    escaped = shown(text)
    found = sorted({shown(p) for p in phrases if p.strip()}, key=lambda p: (-len(p), p))
    if not found:
        return Markup(escaped)
    # Whole words only: not the "in 3 days" inside "within 3 days", nor a number inside an entity (&#51;).
    pattern = re.compile(r"(?<![A-Za-z0-9&#])(?:{})(?![A-Za-z0-9;])".format("|".join(map(re.escape, found))))
    return Markup(pattern.sub(lambda m: str(markup(RELATIVE, m.group())), escaped))


def restamp(data: bytes, kind: str, old: str, new: str) -> bytes:
    """A written page (Markdown or HTML) with the words of its ``kind`` span changed from ``old`` to ``new``."""
    span = '<span class="pb-stamp-{}">{}</span>'
    return data.replace(span.format(kind, old).encode("utf-8"), span.format(kind, new).encode("utf-8"))


def neutral(source: str) -> tuple[str, dict[str, str]]:
    """``source`` with every stamp span's words replaced by its token, and the words by token name (the
    kind for the day and the commit, ``rel-1``, ``rel-2`` ... for the relative spans in page order).

    A page whose day (or commit) spans hold different words is returned as it is (and no words): it is then
    rendered, cached and written exactly as written, which is always right, only not shared across builds.
    """
    found: dict[str, str] = {}
    mixed = False
    relatives = 0

    def swap(match: re.Match[str]) -> str:
        nonlocal mixed, relatives
        kind, words = match.group(1), match.group(2)
        name = kind
        if kind == RELATIVE:
            relatives += 1
            name = f"{RELATIVE}-{relatives}"
            found[name] = words
        elif found.setdefault(kind, words) != words:
            mixed = True
        return f'<span class="pb-stamp-{kind}">{_token(name)}</span>'

    text = _SPAN.sub(swap, source)
    if mixed or not found:
        return source, {}
    return text, found


def apply_html(data: bytes, words: dict[str, str]) -> bytes:
    """The rendered page ``data`` with the build's words back in place of the tokens (in one pass: a long page
    holds thousands of relative spans)."""
    if not words:
        return data
    encoded = {name.encode("utf-8"): value.encode("utf-8") for name, value in words.items()}
    return _TOKEN_BYTES.sub(lambda m: encoded.get(m.group(1), m.group()), data)


def apply_search(entries: list[dict[str, Any]], words: dict[str, str]) -> list[dict[str, Any]]:
    """The page's search entries with the words in place of the tokens, as the search plugin writes text."""
    if not words:
        return entries
    texts = {name: html.escape(html.unescape(value), quote=False) for name, value in words.items()}

    def fill(value: Any) -> Any:
        if isinstance(value, str) and "\x91" in value:
            value = _TOKEN.sub(lambda m: texts.get(m.group(1), m.group()), value)
        return value

    return [{key: fill(value) for key, value in entry.items()} for entry in entries]
