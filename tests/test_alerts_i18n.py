"""Alerts, health reasons and the pull-request report in the team's language, with its number formats."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import TODAY, RunLine
from gitrepo import commit_all, example_repo, pull_request_branch, replace

from generator import i18n
from generator.alerts import Alert, compute_alerts
from generator.compute.base import open_base
from generator.compute.diff import diff_portfolios
from generator.compute.diff_report import render_markdown, render_text
from generator.compute.portfolio import compute_portfolio

DAY = date.fromisoformat(TODAY)


@pytest.fixture(autouse=True)
def _no_language_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(i18n.ENV, raising=False)


def _concentration(alerts: list[Alert]) -> str:
    [alert] = [a for a in alerts if a.rule == "revenue-concentration"]
    return alert.message


def test_an_alert_message_is_written_in_the_current_language(base_portfolio: Path) -> None:
    computed = compute_portfolio(base_portfolio, DAY)
    assert _concentration(computed.alerts) == (
        "56.2% of partner revenue over all campaigns (9,000.00 EUR of 16,000.00 EUR), above the 50% threshold; "
        "portfolio HHI 0.51")
    with i18n.language("it"):
        italian = compute_alerts(computed)
    assert _concentration(italian) == (
        "56,2% dei ricavi dei partner su tutte le campagne (9.000,00 EUR su 16.000,00 EUR), sopra la soglia del "
        "50%; HHI del portafoglio 0,51")
    # the rule, file and line are the same whatever the language: only the words change
    assert [(a.rule, a.file, a.line) for a in italian] == [(a.rule, a.file, a.line) for a in computed.alerts]


def test_the_team_language_writes_alerts_dates_and_health_reasons(base_portfolio: Path, run_line: RunLine) -> None:
    replace(base_portfolio / "partnerbook.yml", "  language: en", "  language: it")
    (base_portfolio / "partners/stripe-payments/partner.yaml").write_text(
        (base_portfolio / "partners/stripe-payments/partner.yaml").read_text(encoding="utf-8")
        + "red_flags:\n  - date: 2026-11-01\n    description: Chargebacks doubled\n", encoding="utf-8")

    result = run_line(f"partnerbook alerts --root {base_portfolio} --today {TODAY}")

    lines = result.output.split("\n")
    assert ("partners/stripe-payments/partner.yaml:57: avvertimento: segnale d'allarme aperto dal 1 nov 2026 "
            "(23 giorni): Chargebacks doubled [red-flag-open]") in lines
    assert any(line.startswith("partners/kiln-packaging/partner.yaml:1: avvertimento: 56,2% dei ricavi dei partner")
               for line in lines)
    computed = compute_portfolio(base_portfolio, DAY)
    reasons = [r.text for h in computed.health.values() for r in h.reasons]
    assert any(text.startswith("punteggio di valutazione ") and text.endswith(" su 5") for text in reasons)


def test_the_pull_request_report_in_italian(tmp_path: Path) -> None:
    repo = example_repo(tmp_path / "records")
    pull_request_branch(repo)
    with open_base(repo, "main") as base:
        diff = diff_portfolios(repo, base, DAY)

    with i18n.language("it"):
        markdown = render_markdown(diff)
        text = render_text(diff)

    lines = markdown.split("\n")
    assert lines[2] == ("**1 record aggiunto · 2 record modificati · 1 nuovo errore · 1 nuovo avviso · "
                        "1 variazione di salute · 1 variazione di conformità · 12 variazioni di KPI**")
    assert lines[4].startswith("Confronto con main `")
    assert " al 24 nov 2026; " in lines[4]
    assert "<details open><summary>Nuove segnalazioni (1)</summary>" in lines
    assert "| dove | gravità | regola | messaggio |" in lines
    assert "| pagamenti-sicuri | 95 A verde | 52 D rosso |" in lines
    assert "  pagamenti-sicuri: documento attestato di conformità PCI DSS (pci-dss-aoc): valido -> mancante" \
        in text.split("\n")
    # Italian decimals in the KPI table: a comma, and the thousands with a dot
    assert "| kiln-packaging | Quota di ricavi | 29&#44;6&#37; | 34&#44;2&#37; |" in lines
    assert "  kiln-packaging, Quota di ricavi: 29,6% -> 34,2%" in text.split("\n")
    assert "      documento rimosso: pci-dss-aoc" in text.split("\n")


def test_the_pull_request_report_of_an_italian_team(tmp_path: Path, run_line: RunLine) -> None:
    repo = example_repo(tmp_path / "records")
    replace(repo / "partnerbook.yml", "  language: en", "  language: it")
    commit_all(repo, "in Italian")
    pull_request_branch(repo)

    result = run_line(f"partnerbook diff main --root {repo} --today {TODAY} --format markdown")

    assert result.exit_code == 0, result.output
    assert "**1 record aggiunto · 2 record modificati" in result.output
    row = next(line for line in result.output.split("\n") if line.startswith("| `partners/pagamenti-sicuri"))
    assert "| Errore | compliance-missing |" in row
    assert "payment partner" not in row  # the finding itself is in Italian too
