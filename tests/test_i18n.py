"""Message catalogs: every message of the source is in every language's catalog, placeholders intact."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import i18n
from generator.rules import formats

LANGUAGES = i18n.languages()


def test_english_and_italian_catalogs_ship() -> None:
    assert {"en", "it"} <= set(LANGUAGES)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_of_the_source_is_translated(language: str) -> None:
    """Adding a ``_("...")`` to the code or a template without adding it to each catalog fails here.

    ``python -m generator.i18n update`` adds the new messages to every catalog (English filled in).
    """
    gaps = i18n.missing(language)
    assert not gaps, f"{len(gaps)} messages missing from the {language} catalog, e.g.\n" + "\n".join(gaps[:20])


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalog_is_the_po_files(language: str) -> None:
    """What partnerbook loads (``partnerbook.mo``) is exactly its .po files: ``python -m generator.i18n update``."""
    path = i18n.LOCALE_DIR / language / i18n.COMPILED
    assert path.is_file(), f"run python -m generator.i18n update to compile {path}"
    assert path.read_bytes() == i18n.compiled(language), f"{path} is older than its .po files: run update"


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != i18n.SOURCE])
def test_translations_keep_every_placeholder(language: str) -> None:
    wrong = []
    for message in i18n.catalog(language):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = i18n.placeholders(ids[-1]) | i18n.placeholders(ids[0])
        for string in strings:
            if string and i18n.placeholders(string) - expected:
                wrong.append((message.id, string))
            if string and len(ids) == 1 and i18n.placeholders(string) != i18n.placeholders(ids[0]):
                wrong.append((message.id, string))
    assert not wrong, wrong[:10]


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_message_is_translated_twice_differently(language: str) -> None:
    seen: dict[object, tuple[str, object]] = {}
    clashes = []
    from babel.messages.pofile import read_po

    for path in sorted((i18n.LOCALE_DIR / language).glob("*.po")):
        with path.open("rb") as handle:
            for message in read_po(handle, locale=language):
                if not message.id:
                    continue
                if message.id in seen and seen[message.id][1] != message.string:
                    clashes.append((message.id, seen[message.id][0], path.name))
                seen[message.id] = (path.name, message.string)
    assert not clashes, clashes[:10]


def test_a_language_without_a_catalog_falls_back_to_its_base_then_english() -> None:
    assert i18n.resolve("it-CH") == "it"
    assert i18n.resolve("it_IT.UTF-8") == "it"
    assert i18n.resolve("xx") == "en"
    assert i18n.resolve(None) == "en"


def test_numbers_money_and_dates_follow_the_language(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(i18n.ENV, raising=False)
    with i18n.language("en"):
        assert formats.money(9000, "EUR") == "9,000.00 EUR"
        assert formats.percent(0.125) == "12.5%"
        assert i18n.day(date(2026, 12, 1)) == "Dec 1, 2026"
        assert formats.days_phrase(1) == "in 1 day"
        assert formats.days_phrase(-3) == "3 days ago"
    with i18n.language("it"):
        assert formats.money(9000, "EUR") == "9.000,00 EUR"
        assert formats.percent(0.125) == "12,5%"
        assert i18n.day(date(2026, 12, 1)) == "1 dic 2026"
        assert formats.days_phrase(1) == "tra 1 giorno"
        assert formats.days_phrase(-3) == "3 giorni fa"
        assert formats.money(None, "EUR") == "n/d"


def test_partnerbook_lang_wins_over_the_team_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(i18n.ENV, "it")
    with i18n.language("en") as chosen:
        assert chosen == "it"
        assert formats.days_phrase(0) == "oggi"


def test_the_largest_numbers_still_format(monkeypatch: pytest.MonkeyPatch) -> None:
    """Babel rounds in the decimal context: 28 digits by default, too few for a 1e30 revenue to two decimals."""
    monkeypatch.delenv(i18n.ENV, raising=False)
    with i18n.language("en"):
        assert i18n.number(1e30, 2) == "1,000,000,000,000,000,000,000,000,000,000.00"
        assert formats.money(1e30, "EUR").endswith(".00 EUR")
        assert i18n.percent(1e26).endswith("%")


@settings(max_examples=400, deadline=None)
@given(value=st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**20, 10**20),
                       st.sampled_from([0.005, 2.675, -0.0, 0.125, 2.5, -2.5, 99.995, 1e15 + 0.5])),
       digits=st.integers(0, 3), language=st.sampled_from(["en", "it"]))
def test_numbers_and_percentages_read_exactly_as_babel_writes_them(value: float, digits: int, language: str) -> None:
    """number() and percent() write figures without Babel's slow pattern engine: the text must not change."""
    from decimal import localcontext

    from babel.numbers import format_decimal, format_percent

    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    with i18n.language(language):
        with localcontext(prec=400):
            expected = format_decimal(value, format=pattern, locale=i18n.locale(language))
            expected_percent = format_percent(value, format=pattern + "%", locale=i18n.locale(language))
        assert i18n.number(value, digits) == expected
        assert i18n.percent(value, digits) == expected_percent
