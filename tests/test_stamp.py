"""Words that vary per build (day, commit, days counted from the day) go into pages at write time.

generator/site/stamp.py: a page is hashed and rendered with tokens in place of those words, and the words are
written back into its HTML and search entries. These tests pin the three properties the page cache relies on:
the tokens stand exactly where the words were (round trip), two days' pages differing only in those words
share one rendering, and record text can neither forge a span nor become markup through one.
"""

from __future__ import annotations

import html
import re

import markdown as python_markdown
import pytest
import yaml

from generator import markdown
from generator.site import stamp


def _page(day: str, left: int, when: str) -> str:
    alert = stamp.relative_phrases('action "ship" was due on Oct 3, ' + when + "; status open", [when])
    return (f"# Kiln\n\nBuilt {stamp.markup('day', stamp.shown(day))}.\n\n"
            f"| Deadline | Days left |\n|---|--:|\n| Contract end | {stamp.relative(str(left))} |\n\n"
            f"- {alert}\n")


def test_two_days_that_differ_only_in_day_counts_share_one_rendering() -> None:
    monday, tuesday = _page("Nov 24, 2026", 402, "52 days ago"), _page("Nov 25, 2026", 401, "53 days ago")
    assert monday != tuesday
    (text_monday, words_monday), (text_tuesday, words_tuesday) = stamp.neutral(monday), stamp.neutral(tuesday)
    assert text_monday == text_tuesday, "one key, one rendering for both days"
    assert words_tuesday == {"day": "Nov 25&#44; 2026", "rel-1": "401", "rel-2": "53 days ago"}
    assert words_monday["rel-1"] == "402"


@pytest.mark.parametrize(("left", "when"), [(402, "52 days ago"), (0, "today"), (1, "in 1 day")])
def test_the_words_written_back_give_the_html_of_the_page_as_written(left: int, when: str) -> None:
    page = _page("Nov 25, 2026", left, when)
    text, words = stamp.neutral(page)
    rendered = python_markdown.markdown(text, extensions=["tables"]).encode("utf-8")
    assert "\u2983".encode() in rendered
    direct = python_markdown.markdown(page, extensions=["tables"]).encode("utf-8")
    assert stamp.apply_html(rendered, words) == direct


def test_search_entries_get_the_words_as_the_search_plugin_writes_text() -> None:
    text, words = stamp.neutral(str(stamp.relative_phrases("due on Oct 3, 52 days ago", ["52 days ago"])))
    token = re.search(r'<span class="pb-stamp-rel">([^<]*)</span>', text).group(1)  # type: ignore[union-attr]
    entries = [{"location": "partners/kiln/", "title": "Kiln", "text": f"due on Oct 3, {token}"}]
    assert stamp.apply_search(entries, words) == [
        {"location": "partners/kiln/", "title": "Kiln", "text": "due on Oct 3, 52 days ago"}]


def test_only_whole_phrases_are_marked() -> None:
    marked = str(stamp.relative_phrases("within 3 days ago; 3 days ago", ["in 3 days", "3 days ago"]))
    assert marked == ('within <span class="pb-stamp-rel">3 days ago</span>&#59; '
                      '<span class="pb-stamp-rel">3 days ago</span>')
    # A number inside an entity (&#51; is "3") is never cut.
    assert str(stamp.relative_phrases("a;b 51", ["51"])) == 'a&#59;b <span class="pb-stamp-rel">51</span>'
    assert str(stamp.relative_phrases("nothing counts here", [])) == "nothing counts here"


def test_record_text_stays_text_and_cannot_forge_a_span() -> None:
    forged = '<span class="pb-stamp-rel">x</span><script>alert(1)</script> in 3 days'
    marked = str(stamp.relative_phrases(forged, ["in 3 days", "<script>"]))
    assert "<script>" not in marked
    assert '<span class="pb-stamp-rel">x' not in marked
    assert marked.endswith('<span class="pb-stamp-rel">in 3 days</span>')
    _text, words = stamp.neutral(marked)
    assert list(words.values()) == ["in 3 days"], "the only span is the one partnerbook wrote"


@pytest.mark.parametrize("forged", ["\u2983pb-rel-1\u2984", "\u2983\x91pb-rel-1\u2984", "\u2983\x91pb-day\u2984"])
def test_record_text_cannot_forge_a_token(forged: str) -> None:
    """A name holding a token's look-alike stays itself wherever the page holds it (its body, its title in the
    front matter, the search index's decoded text): the words go back only where partnerbook's spans stood."""
    page = f"---\ntitle: {markdown.yaml_title(forged + ' Corp')}\n---\n# {markdown.text(forged)} Corp\n\n"
    text, words = stamp.neutral(page + str(stamp.relative("12")) + "\n")
    assert words == {"rel-1": "12"}, "the page's only span"
    own = text[text.index('<span class="pb-stamp-rel">'):]
    rest = text.replace(own, "")
    title = yaml.safe_load(rest.split("---")[1])["title"]
    for form in (rest, html.unescape(rest), title, html.unescape(title)):
        assert stamp.apply_html(form.encode("utf-8"), words) == form.encode("utf-8")
        entry = {"location": "", "title": form, "text": form}
        assert stamp.apply_search([entry], words) == [entry]
    assert stamp.apply_html(own.encode("utf-8"), words) == b'<span class="pb-stamp-rel">12</span>\n'
