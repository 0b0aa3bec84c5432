"""The command line in the team's language: text output from the catalogs, machine output the same in every language.

The language is ``site.language`` of partnerbook.yml, or ``PARTNERBOOK_LANG`` (which wins). Text, Markdown,
digests and GitHub annotations are for people and read in that language, with its number formats; JSON,
CSV and GitLab Code Quality reports are for tools and read the same, byte for byte, in every language.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import TODAY

from generator import i18n
from generator.cli import main

TEAM = """\
roles:
  head-of-ecommerce: {name: Head of e-commerce}
  marketing-lead: {name: Marketing lead}
  operations-lead: {name: Operations lead}
  platform-lead: {name: Platform lead}
  partnership-manager: {name: Partnership manager}
people:
  giulia: {name: Giulia Rossi, email: giulia@shop.example,
           roles: [head-of-ecommerce, marketing-lead, operations-lead, platform-lead, partnership-manager]}
"""


def run(line: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """``partnerbook ...`` through the entry point (its error handling included)."""
    try:
        code = main(line.split()[1:])
    except SystemExit as exc:
        code = exc.code
    captured = capsys.readouterr()
    return (code if isinstance(code, int) else 0 if code is None else 1), captured.out, captured.err


def site_language(root: Path, language: str) -> None:
    settings = root / "partnerbook.yml"
    text = settings.read_text(encoding="utf-8")
    assert "language: en" in text
    settings.write_text(text.replace("language: en", f"language: {language}"), encoding="utf-8")


def late_action(root: Path) -> None:
    """An overdue action of kiln-packaging, owned by giulia of team.yaml: one alert and one digest item."""
    (root / "team.yaml").write_text(TEAM, encoding="utf-8")
    profile = root / "partners" / "kiln-packaging" / "partner.yaml"
    profile.write_text(profile.read_text(encoding="utf-8") + """\
actions:
  - aspect: Send the autumn forecast
    responsible: giulia
    deadline: 2026-10-01
""", encoding="utf-8")


@pytest.fixture(autouse=True)
def _no_language(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(i18n.ENV, raising=False)


@pytest.fixture(params=["environment", "partnerbook.yml"])
def italian(request: pytest.FixtureRequest, base_portfolio: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The base portfolio read in Italian: by PARTNERBOOK_LANG, or by site.language."""
    late_action(base_portfolio)
    if request.param == "environment":
        monkeypatch.setenv(i18n.ENV, "it")
    else:
        site_language(base_portfolio, "it")
    return base_portfolio


def test_validate_text_in_italian(italian: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(f"partnerbook validate -C {italian} --today {TODAY}", capsys)
    assert code == 0
    assert out.endswith("file controllati: nessun problema\n")
    assert "files checked" not in out


def test_kpis_text_in_italian_with_italian_numbers(italian: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(f"partnerbook kpis -C {italian} --today {TODAY}", capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Campagne"
    header = lines[2]
    for label in ("Campagna", "Partner", "Sessioni", "Ricavi (EUR)", "Tasso di conversione"):
        assert label in header
    assert "conversion_rate" not in header
    total = next(line for line in lines if "(totale)" in line)
    assert total.split()[2:4] == ["2.100", "700"]  # sessions and carts, with the Italian thousands separator
    assert "16.000,00" in total.split()  # revenue, with a decimal comma
    assert "12,9%" in total.split()  # the conversion rate
    assert out.endswith("Concentrazione dei ricavi del portafoglio (HHI): 0,508\n")


def test_alerts_and_digest_text_in_italian(italian: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(f"partnerbook alerts -C {italian} --today {TODAY}", capsys)
    assert code == 0
    assert " avvisi: " in out.splitlines()[-1] or " avviso: " in out.splitlines()[-1]

    code, out, _ = run(f"partnerbook digest -C {italian} --today {TODAY}", capsys)
    assert code == 0
    assert out.startswith("Riepilogo partnership per Giulia Rossi, 24 nov 2026: ")
    assert "Azioni in ritardo (1)" in out
    assert "NUOVO [" in out

    code, out, _ = run(f"partnerbook digest -C {italian} --today {TODAY} --format email", capsys)
    assert code == 0
    assert "Subject: Partnership: cosa richiede la tua attenzione: " in out


def test_calendar_and_usage_errors_in_italian(italian: Path, capsys: pytest.CaptureFixture[str],
                                              tmp_path: Path) -> None:
    code, out, _ = run(f"partnerbook calendar -C {italian} --today {TODAY} -o {tmp_path / 'team.ics'}", capsys)
    assert code == 0
    assert out.startswith(f"scritto {tmp_path / 'team.ics'}: ")
    assert out.rstrip().endswith(" eventi")

    code, _, err = run(f"partnerbook kpis -C {italian} --today {TODAY} --campaign no-such", capsys)
    assert code == 2
    assert "nessuna campagna 'no-such'" in err


def test_messages_before_the_records_follow_the_environment(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(i18n.ENV, "it")
    code, _, err = run("partnerbook validate --today 2026-13-01", capsys)
    assert code == 2
    assert "non è una data dal 1970-01-02 al 2105-12-31" in err

    code, _, err = run("partnerbook validate", capsys)  # no records here or above
    assert code == 1
    assert err.startswith("partnerbook: nessun partnerbook.yml, partners/ o campaigns/ in ")

    code, out, _ = run(f"partnerbook init {tmp_path / 'records'} --ci none", capsys)
    assert code == 0
    assert out.startswith("scritto ")
    assert "Prossimi passi:" in out


def test_english_without_a_language(base_portfolio: Path, capsys: pytest.CaptureFixture[str],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """An Italian run before does not leave the next one in Italian (the language is chosen per run)."""
    monkeypatch.setenv(i18n.ENV, "it")
    assert run(f"partnerbook validate -C {base_portfolio} --today {TODAY}", capsys)[1].endswith("nessun problema\n")
    monkeypatch.delenv(i18n.ENV)
    code, out, _ = run(f"partnerbook validate -C {base_portfolio} --today {TODAY}", capsys)
    assert (code, out) == (0, "10 files checked: no problems\n")


@pytest.mark.parametrize("command", [
    "validate --format json", "validate --format codequality", "kpis --format json", "kpis --format csv",
    "kpis --format csv --table partners", "alerts --format json", "alerts --format codequality",
])
def test_machine_output_is_the_same_in_every_language(command: str, base_portfolio: Path,
                                                      capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    late_action(base_portfolio)
    if command.startswith("validate"):  # a finding with a hint (it stops computing KPIs and alerts)
        profile = base_portfolio / "partners" / "kiln-packaging" / "partner.yaml"
        profile.write_text(profile.read_text(encoding="utf-8").replace("category: supplier", "category: suplier"),
                           encoding="utf-8")
    line = f"partnerbook {command} -C {base_portfolio} --today {TODAY}"
    english = run(line, capsys)
    assert english[1]

    monkeypatch.setenv(i18n.ENV, "it")
    assert run(line, capsys) == english

    monkeypatch.delenv(i18n.ENV)
    site_language(base_portfolio, "it")
    assert run(line, capsys) == english
    # ...while the same records' text output is Italian
    assert "controllat" in run(f"partnerbook validate -C {base_portfolio} --today {TODAY}", capsys)[1]
