"""``--help`` in the team's language: help texts come from the catalog (``generator/locale/*/help.po``).

The language is PARTNERBOOK_LANG, else site.language of the records folder found from the current one.
The examples are command lines and read the same in every language.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from conftest import RunLine

from generator import i18n
from generator.cli import cli

HELP_CATALOG = i18n.LOCALE_DIR / "it" / "help.po"
# Click's framing words are a word each: they are checked on their own lines, not as sentences.
FRAMING = {"Usage:", "Options", "Commands", "Example:", "Examples:"}


def flat(text: str) -> str:
    """Text with its wrapping undone (every space left out): Click rewraps paragraphs to the terminal's width,
    and may break a long word at a hyphen."""
    return "".join(text.split())


def paragraphs(catalog: dict[str, str], english: bool) -> list[str]:
    """Every paragraph of the help catalog's sentences, in English (the msgids) or Italian."""
    return [flat(part) for source, translation in catalog.items() if source not in FRAMING
            for part in (source if english else translation).split("\n\n")]


@pytest.fixture(scope="module")
def catalog() -> dict[str, str]:
    with HELP_CATALOG.open("rb") as handle:
        return {message.id: message.string for message in read_po(handle, locale="it") if message.id}


@pytest.fixture(autouse=True)
def _no_language(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(i18n.ENV, raising=False)


def english_sentences_in(output: str, catalog: dict[str, str]) -> list[str]:
    shown = flat(output)
    return [text for text in paragraphs(catalog, english=True) if text in shown]


def test_main_help_in_italian(run_line: RunLine, catalog: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(i18n.ENV, "it")

    result = run_line("partnerbook --help")

    assert result.exit_code == 0
    assert result.output.startswith("Uso: ")
    assert " [OPTIONS] COMMAND [ARGS]...\n" in result.output.splitlines(keepends=True)[0]
    assert "\nOpzioni:\n" in result.output
    assert "\nComandi:\n" in result.output
    assert "  build       Convalida i record e genera il sito in site/.\n" in result.output
    assert "  validate    Controlla ogni record:" in result.output
    assert "Mostra questo messaggio ed esce." in result.output
    assert "  Esempio:\n    partnerbook validate --format github\n" in result.output
    assert english_sentences_in(result.output, catalog) == []
    assert "Check every record" not in result.output


def test_command_help_in_italian(run_line: RunLine, catalog: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(i18n.ENV, "it")

    result = run_line("partnerbook validate --help")

    assert result.exit_code == 0
    shown = flat(result.output)
    for english in (cli.commands["validate"].help or "", "Warnings fail too (exit 1).",
                    "Date to check against (default: SOURCE_DATE_EPOCH, else the real date)."):
        assert flat(catalog[english]) in shown
        assert flat(english) not in shown
    assert "  Esempio:\n    partnerbook validate --today 2026-11-24 --format json\n" in result.output
    assert english_sentences_in(result.output, catalog) == []


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_help_reads_in_italian_with_the_same_examples(
        command: str, run_line: RunLine, catalog: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    english = run_line(f"partnerbook {command} --help").output
    monkeypatch.setenv(i18n.ENV, "it")

    italian = run_line(f"partnerbook {command} --help").output

    assert english_sentences_in(italian, catalog) == []
    assert flat(catalog[cli.commands[command].help or ""]) in flat(italian)
    examples = [line for line in english.splitlines() if line.startswith("    partnerbook ")]
    assert examples
    assert examples == [line for line in italian.splitlines() if line.startswith("    partnerbook ")]


def test_help_in_the_language_of_the_records_found_from_here(base_portfolio: Path, run_line: RunLine,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    settings = base_portfolio / "partnerbook.yml"
    text = settings.read_text(encoding="utf-8")
    assert "language: en" in text
    settings.write_text(text.replace("language: en", "language: it"), encoding="utf-8")
    monkeypatch.chdir(base_portfolio / "partners")

    result = run_line("partnerbook validate --help")

    assert result.output.startswith("Uso: ")
    assert flat("Anche gli avvertimenti fanno fallire (uscita 1).") in flat(result.output)


def test_english_without_a_language(run_line: RunLine, catalog: dict[str, str]) -> None:
    main_help = run_line("partnerbook --help").output
    validate_help = run_line("partnerbook validate --help").output

    assert main_help.startswith("Usage: ")
    assert "  validate    Check every record: syntax, fields, types, ids, references,...\n" in main_help
    assert "\nOptions:\n" in validate_help
    assert "  Example:\n    partnerbook validate --today 2026-11-24 --format json\n" in validate_help
    english = english_sentences_in(main_help + validate_help, catalog)
    assert flat("Warnings fail too (exit 1).") in english
    assert not any(text in flat(main_help + validate_help) for text in paragraphs(catalog, english=False))
