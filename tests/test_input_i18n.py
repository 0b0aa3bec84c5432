"""What partnerbook says while it reads records, mkdocs.yml and exports, in the team's language.

YAML errors, secrets, refused mkdocs.yml settings and import problems are catalog messages: in Italian
the words change, ``path:line:column``, rule ids and the values quoted from the files do not. A
``site.language`` partnerbook has no catalog for is a warning on its line (rule ``no-catalog``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import TODAY, RunLine

from generator import i18n
from generator.cli import main

KILN = "partners/kiln-packaging/partner.yaml"


@pytest.fixture(autouse=True)
def _english_afterwards(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A run sets the language of the process: later tests start in English again."""
    monkeypatch.delenv(i18n.ENV, raising=False)
    yield
    monkeypatch.delenv(i18n.ENV, raising=False)
    i18n.use(None)


def _language(root: Path, code: str) -> None:
    settings = root / "partnerbook.yml"
    text = settings.read_text(encoding="utf-8")
    assert "  language: en\n" in text
    settings.write_text(text.replace("  language: en\n", f"  language: {code}\n", 1), encoding="utf-8")


def _append(path: Path, text: str) -> None:
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(text)


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """The command as the console script runs it (errors handled as for users): exit code, all output."""
    capsys.readouterr()
    try:
        main(args)
        code = 0
    except SystemExit as exited:
        code = int(exited.code or 0)
    out, err = capsys.readouterr()
    return code, out + err


def _lines(result: object, location: str) -> tuple[str, str]:
    """(the finding at ``location``, its hint) in validate's text output."""
    lines = result.stdout.splitlines()  # type: ignore[attr-defined]
    index = next(i for i, line in enumerate(lines) if line.startswith(f"{location}: "))
    hint = lines[index + 1].strip() if index + 1 < len(lines) and lines[index + 1].startswith("    ") else ""
    return lines[index], hint


# ------------------------------------------------------------------------------------- no-catalog

def test_a_language_without_a_catalog_is_a_warning_on_its_line(base_portfolio: Path, run_line: RunLine) -> None:
    _language(base_portfolio, "fr")

    result = run_line(f"partnerbook validate --root {base_portfolio} --today {TODAY}")

    assert result.exit_code == 0, result.stdout
    line, hint = _lines(result, "partnerbook.yml:3:13")
    assert line == ("partnerbook.yml:3:13: warning: partnerbook has no French catalog: pages and messages are "
                    "written in English [no-catalog]")
    assert "it (Italian)" in hint, "the hint names the languages partnerbook has"
    assert "generator/locale/fr/" in hint, "and says how to add one"
    strict = run_line(f"partnerbook validate --root {base_portfolio} --today {TODAY} --strict")
    assert strict.exit_code == 1


@pytest.mark.parametrize("code", ["it", "it-CH", "en", "en-GB"])
def test_a_language_with_a_catalog_gives_no_finding(base_portfolio: Path, run_line: RunLine, code: str) -> None:
    _language(base_portfolio, code)

    result = run_line(f"partnerbook validate --root {base_portfolio} --today {TODAY} --format json")

    assert result.exit_code == 0, result.stdout
    assert "no-catalog" not in result.stdout


def test_the_warning_is_written_in_the_language_of_the_terminal(base_portfolio: Path, run_line: RunLine,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    _language(base_portfolio, "fr")
    monkeypatch.setenv(i18n.ENV, "it")

    result = run_line(f"partnerbook validate --root {base_portfolio} --today {TODAY}")

    line, hint = _lines(result, "partnerbook.yml:3:13")
    assert line.endswith(": partnerbook non ha un catalogo in francese: pagine e messaggi sono scritti in inglese "
                         "[no-catalog]")
    assert "it (italiano)" in hint


# ------------------------------------------------------------------------------------- records

def test_yaml_errors_in_italian_keep_their_place(base_portfolio: Path, run_line: RunLine) -> None:
    _language(base_portfolio, "it")  # site.language applies to the first findings already
    _append(base_portfolio / KILN, "category: logistics\n")
    (base_portfolio / "campaigns" / "broken.yaml").write_text("name: Broken\nstart: [2026-01-01\n",
                                                              encoding="utf-8")
    (base_portfolio / "campaigns" / "spring.yml").write_text("name: Spring\n", encoding="utf-8")

    result = run_line(f"partnerbook validate --root {base_portfolio} --today {TODAY}")

    assert result.exit_code == 1
    line = next(line for line in result.stdout.splitlines() if line.startswith(f"{KILN}:"))
    assert "chiave 'category' duplicata (già definita alla riga 3) [yaml-duplicate-key]" in line
    assert line.split(": ")[0].count(":") == 2, "path:line:column"
    line, hint = _lines(result, "campaigns/broken.yaml:3:1")
    assert ": errore di sintassi YAML: " in line
    assert line.endswith("[yaml-syntax]")
    assert hint.startswith("suggerimento: controlla l'indentazione")
    line, hint = _lines(result, "campaigns/spring.yml")
    assert line.endswith(": i file dei record terminano in .yaml, non in .yml [file-extension]")
    assert hint == "suggerimento: rinominalo in spring.yaml"


def test_a_secret_in_a_note_in_italian(base_portfolio: Path, run_line: RunLine,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    _append(base_portfolio / KILN, "notes: the portal password is Kiln2026!secure\n")
    monkeypatch.setenv(i18n.ENV, "it")

    result = run_line(f"partnerbook validate --root {base_portfolio} --today {TODAY}")

    assert result.exit_code == 1
    line = next(line for line in result.stdout.splitlines() if "[secret]" in line)
    assert line.startswith(f"{KILN}:")
    assert line.endswith(": questo testo sembra contenere un segreto (una password) [secret]")
    assert "Kiln2026" not in result.stdout


def test_a_refused_mkdocs_setting_in_italian(base_portfolio: Path, run_line: RunLine) -> None:
    _language(base_portfolio, "it")
    (base_portfolio / "mkdocs.yml").write_text("site_name: x\nhooks:\n  - hook.py\nrepo_url: ftp://x.example/\n",
                                               encoding="utf-8")

    result = run_line(f"partnerbook validate --root {base_portfolio} --today {TODAY}")

    line, hint = _lines(result, "mkdocs.yml:2:1")
    assert line.endswith(": 'hooks': gli hook sono file Python che MkDocs esegue [mkdocs-refused]")
    assert hint == ("suggerimento: rimuovilo, oppure attiva la modalità fidata (site.trust_mkdocs_yml in "
                    "partnerbook.yml)")
    line, _hint = _lines(result, "mkdocs.yml:4:11")
    assert line.endswith(": 'repo_url' usa lo schema 'ftp', che non è ammesso (solo http, https) [mkdocs-refused]")


# ------------------------------------------------------------------------------------- partnerbook import

def test_an_import_of_a_malformed_csv_in_italian(base_portfolio: Path, capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    _append(base_portfolio / "partnerbook.yml", "imports:\n  mappings:\n    daily:\n      partner: Partner\n"
                                                "      columns: {orders: Orders}\n")
    export = base_portfolio.parent / "report.csv"
    export.write_text("Partner,Orders\nshopcloud,12\nshopcloud,dodici\n", encoding="utf-8")
    monkeypatch.setenv(i18n.ENV, "it")

    code, output = _run(["import", "csv", str(export), "--root", str(base_portfolio), "--campaign", "easter-2026",
                         "--today", TODAY], capsys)

    assert code == 1
    assert f"{export}:3 (colonna 'Orders'): 'dodici' non è un numero" in output
    assert "suggerimento: la colonna contiene numeri (separatore decimale '.')" in output


def test_an_import_into_a_missing_campaign_in_the_team_language(base_portfolio: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """Messages before the records load follow site.language too."""
    _language(base_portfolio, "it")
    export = base_portfolio.parent / "report.csv"
    export.write_text("Partner,Orders\nshopcloud,12\n", encoding="utf-8")

    code, output = _run(["import", "csv", str(export), "--root", str(base_portfolio), "--campaign", "summer-2026",
                         "--today", TODAY], capsys)

    assert code == 1
    assert "campaigns/summer-2026.yaml: non esiste la campagna 'summer-2026'" in output
    assert "`partnerbook new campaign summer-2026`" in output, "what the user types stays as it is"
