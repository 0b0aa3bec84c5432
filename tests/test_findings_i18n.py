"""Findings in the team's language: messages and hints translated, locations, rule ids and JSON fields unchanged."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import TODAY, RunLine

from generator import i18n

KILN = "partners/kiln-packaging/partner.yaml"
STRIPE = "partners/stripe-payments/partner.yaml"


@pytest.fixture(autouse=True)
def _english_afterwards(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A run sets the language of the process: later tests start in English again."""
    monkeypatch.delenv(i18n.ENV, raising=False)
    yield
    monkeypatch.delenv(i18n.ENV, raising=False)
    i18n.use(None)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _break(root: Path) -> None:
    """A misspelt category (3:11), a count written as text, a PCI attestation expiring within the window."""
    _edit(root / KILN, "category: supplier", "category: suplier")
    _edit(root / STRIPE, "expires: 2027-05-31", "expires: 2027-01-10")


def test_partnerbook_lang_it_translates_message_and_hint_but_not_location_or_rule(
        base_portfolio: Path, run_line: RunLine, monkeypatch: pytest.MonkeyPatch) -> None:
    _break(base_portfolio)
    english = run_line(f"partnerbook validate --root {base_portfolio} --today {TODAY}")
    monkeypatch.setenv(i18n.ENV, "it")

    result = run_line(f"partnerbook validate --root {base_portfolio} --today {TODAY}")

    assert result.exit_code == english.exit_code == 1
    lines = result.stdout.splitlines()
    first = next(line for line in lines if line.startswith(f"{KILN}:3:11: "))
    assert first.endswith(" il testo 'suplier' non è un valore valido per category [invalid-value]")
    assert any("forse intendevi 'supplier'? valori ammessi: payment, logistics" in line for line in lines)
    expiring = next(line for line in lines if line.startswith(f"{STRIPE}:41:14: "))
    # a date people read is written the Italian way, the day count in Italian words
    assert expiring.endswith("(pci-dss-aoc) scade il 10 gen 2027, tra 47 giorni [compliance-expiring]")
    assert "the text" not in result.stdout
    assert "did you mean" not in result.stdout
    # the same findings at the same places: only the words differ
    located = [line.split(": ", 1)[0] for line in lines if line.startswith("partners/")]
    assert located == [line.split(": ", 1)[0] for line in english.stdout.splitlines() if line.startswith("partners/")]


def _finding(stdout: str, location: str) -> tuple[str, str]:
    """(the finding's line, its hint line) for the finding at ``location`` in validate's text output."""
    lines = stdout.splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith(f"{location}: "))
    hint = lines[index + 1] if index + 1 < len(lines) and lines[index + 1].startswith("    ") else ""
    return lines[index], hint.strip()


def test_site_language_it_translates_findings_of_the_records_and_of_partnerbook_yml(
        base_portfolio: Path, run_line: RunLine) -> None:
    _break(base_portfolio)
    _edit(base_portfolio / "partnerbook.yml", "language: en", "language: it")
    _edit(base_portfolio / "partnerbook.yml", "currency: EUR", "currency: EUR\nunknown_setting: 1")

    result = run_line(f"partnerbook validate --root {base_portfolio} --today {TODAY}")

    assert result.exit_code == 1
    line, hint = _finding(result.stdout, f"{KILN}:3:11")
    assert line.endswith(": il testo 'suplier' non è un valore valido per category [invalid-value]")
    assert "forse intendevi 'supplier'? valori ammessi: payment, " in hint
    line, hint = _finding(result.stdout, f"{STRIPE}:41:14")
    assert line.endswith("[compliance-expiring]")
    assert hint.endswith("chiedi subito al partner il documento rinnovato")
    # partnerbook.yml's own findings are written in the language it names too
    line, hint = _finding(result.stdout, "partnerbook.yml:5:1")
    assert line.endswith(": campo sconosciuto: 'unknown_setting' [unknown-field]")
    assert "campi ammessi qui: " in hint


def test_a_validator_message_of_the_records_is_translated(base_portfolio: Path, run_line: RunLine,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Messages the record types raise (here a currency code's) pass through the catalog as well."""
    _edit(base_portfolio / "partnerbook.yml", "currency: EUR", "currency: eur")
    monkeypatch.setenv(i18n.ENV, "it")

    result = run_line(f"partnerbook validate --root {base_portfolio} --today {TODAY}")

    line, hint = _finding(result.stdout, "partnerbook.yml:4:11")
    assert line.endswith(": currency: 'eur' non è un codice valuta: scrivi 'EUR' [invalid-currency]")
    assert hint.endswith("i codici valuta sono ISO 4217: tre lettere maiuscole, come EUR, USD, GBP")
