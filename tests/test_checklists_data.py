"""Checklists as data (site_templates/checklists.yaml + partnerbook.yml), ticks in the records, learnings as actions."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import checklists_legacy as legacy
import pytest

from generator.alerts.engine import compute_alerts
from generator.checks.validate import validate_portfolio
from generator.compute.portfolio import compute_portfolio
from generator.rules.checklists import partner_checklists
from generator.site import pages
from generator.site.render import render_all

EXAMPLE = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 24)


def _example(tmp_path: Path) -> Path:
    root = tmp_path / "portfolio"
    root.mkdir()
    for name in ("partners", "campaigns"):
        shutil.copytree(EXAMPLE / name, root / name)
    for name in ("partnerbook.yml", "mkdocs.yml", "team.yaml"):
        shutil.copyfile(EXAMPLE / name, root / name)
    return root


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n" + text, encoding="utf-8")


def _pages(root: Path, today: date = TODAY) -> dict[str, str]:
    computed = compute_portfolio(root, today)
    plan, _ = pages.plan(computed, {"commit": "test", "today": today.isoformat()})
    return {path: data.decode("utf-8") for path, data in render_all(plan).items()}


def _problems(root: Path, today: date = TODAY) -> list:
    _, result = validate_portfolio(root, today)
    return [p for p in result.problems if p.severity.name == "ERROR"]


CUSTOM = """
checklists:
  onboarding:
    items:
      - {id: shop-test-order, text: Test order placed through the partner, manual: true}
  continuity:
    title: Business continuity
    applies_to: [{category: [logistics]}]
    items:
      - {id: export-test, text: Yearly export test passed, manual: true, valid_days: 365}
      - {id: backup-named, text: Backup named, rule: backup-partner}
"""


def test_custom_item_and_checklist_from_settings_show_on_the_site(tmp_path: Path) -> None:
    root = _example(tmp_path)
    _append(root / "partnerbook.yml", CUSTOM)
    assert _problems(root) == []
    site = _pages(root)
    carrier = site["partners/corriere-rapido/index.md"]
    assert "### Business continuity (0 of 2)" in carrier  # no backup partner; export test open
    assert "Yearly export test passed *(tick by hand: <code>export-test</code>)*" in carrier
    assert "Test order placed through the partner *(tick by hand: <code>shop-test-order</code>)*" in carrier
    # applies_to: a payment partner has no continuity checklist, but the onboarding item
    gateway = site["partners/pagamenti-sicuri/index.md"]
    assert "Business continuity" not in gateway
    assert "shop&#45;test&#45;order" in gateway or "shop-test-order" in gateway
    assert "| Business continuity |" in site["checklists.md"]
    # The checklists page counts each checklist's items done, as the partner's page does
    row = next(line for line in site["checklists.md"].splitlines() if "(partners/corriere-rapido/" in line)
    assert row.endswith(" | 0 of 2 |")


def test_manual_tick_and_validity_boundary(tmp_path: Path) -> None:
    root = _example(tmp_path)
    _append(root / "partnerbook.yml", CUSTOM)
    text = (root / "partners/corriere-rapido/partner.yaml").read_text(encoding="utf-8")
    text = text.replace("checklist:\n", "checklist:\n  - {item: export-test, done: 2025-11-24, by: luca-romano, "
                        "evidence: 'https://example.com/export-2025.pdf'}\n")
    (root / "partners/corriere-rapido/partner.yaml").write_text(text, encoding="utf-8")
    assert _problems(root) == []
    last_day_site = _pages(root, date(2026, 11, 24))  # done + 365 == today
    on_last_day = last_day_site["partners/corriere-rapido/index.md"]
    ticked = (" checked aria-label=\"Yearly&#32;export&#32;test&#32;passed\"><span class=\"task-list-indicator\">"
              "</span></label> Yearly export test passed *(ticked on Nov 24&#44; 2025 by luca-romano, counts until "
              "Nov 24&#44; 2026")
    assert ticked in on_last_day
    assert "### Business continuity (1 of 2)" in on_last_day
    row = next(line for line in last_day_site["checklists.md"].splitlines() if "(partners/corriere-rapido/" in line)
    assert row.endswith(" | 1 of 2 |")
    day_after = _pages(root, date(2026, 11, 25))["partners/corriere-rapido/index.md"]
    assert ("<input type=\"checkbox\" disabled aria-label=\"Yearly&#32;export&#32;test&#32;passed\">"
            "<span class=\"task-list-indicator\"></span></label> Yearly export test passed *(tick by hand: last done "
            "on Nov 24&#44; 2025 by luca-romano (expired Nov 24&#44; 2026)") in day_after
    assert "### Business continuity (0 of 2)" in day_after


def test_unknown_item_id_is_an_error_at_its_line_with_did_you_mean(tmp_path: Path) -> None:
    root = _example(tmp_path)
    path = root / "partners/kiln-packaging/partner.yaml"
    text = path.read_text(encoding="utf-8").replace("item: local-rules", "item: local-rule")
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index("  - item: local-rule") + 1
    problems = _problems(root)
    assert [(p.file, p.line, p.rule) for p in problems] == [
        ("partners/kiln-packaging/partner.yaml", line, "unknown-checklist-item")]
    assert "did you mean 'local-rules'?" in problems[0].hint


def test_future_tick_is_an_error_and_never_counts(tmp_path: Path) -> None:
    root = _example(tmp_path)
    path = root / "partners/kiln-packaging/partner.yaml"
    text = path.read_text(encoding="utf-8").replace("done: 2026-04-14", "done: 2026-11-25")
    path.write_text(text, encoding="utf-8")
    problems = _problems(root)
    assert [p.rule for p in problems] == ["tick-in-future"]
    assert problems[0].line == text.splitlines().index("    done: 2026-11-25") + 1


def test_tick_by_someone_not_in_the_team_is_an_error(tmp_path: Path) -> None:
    root = _example(tmp_path)
    path = root / "partners/kiln-packaging/partner.yaml"
    head, tail = path.read_text(encoding="utf-8").rsplit("checklist:\n", 1)
    path.write_text(head + "checklist:\n" + tail.replace("by: luca-romano", "by: luca-roman"), encoding="utf-8")
    problems = _problems(root)
    assert [p.rule for p in problems] == ["unknown-owner"]
    assert "luca-romano" in problems[0].hint


def test_manual_and_rule_together_is_a_settings_error(tmp_path: Path) -> None:
    root = _example(tmp_path)
    _append(root / "partnerbook.yml", "checklists:\n  onboarding:\n    items:\n"
            "      - {id: both, text: Both, rule: live, manual: true}\n"
            "      - {id: neither, text: Neither}\n")
    assert sorted(p.rule for p in _problems(root)) == ["checklist-definition", "checklist-definition"]


@pytest.mark.parametrize(("owner", "fires"), [(True, True), (False, False)])
def test_learning_with_owner_and_due_past_due_raises_action_overdue(tmp_path: Path, owner: bool, fires: bool) -> None:
    root = _example(tmp_path)
    path = root / "campaigns/easter-2026.yaml"
    text = path.read_text(encoding="utf-8")
    old = "      owner: elena-ricci\n      due: 2026-12-15\n"
    assert old in text
    new = "      owner: elena-ricci\n      due: 2026-10-15\n" if owner else "      due: 2026-10-15\n"
    text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    alerts = [a for a in compute_alerts(compute_portfolio(root, TODAY))
              if a.rule == "action-overdue" and a.campaign == "easter-2026"]
    if fires:
        assert len(alerts) == 1
        assert alerts[0].line == text.splitlines().index("      due: 2026-10-15") + 1
        assert "Staff customer service for weekends" in alerts[0].message
        assert "(elena-ricci) was due on Oct 15, 2026" in alerts[0].message
        page = _pages(root)["campaigns/easter-2026/index.md"]
        learning = next(line for line in page.splitlines()
                        if line.startswith("- ") and "Staff customer service for weekends" in line)
        assert "due Oct 15&#44; 2026" in learning
        assert 'pb-bad">overdue</span>' in learning
        assert "in progress" in learning
        assert "owner " in learning
    else:
        assert alerts == []


def test_example_checklists_match_the_python_definitions_they_replaced(tmp_path: Path) -> None:
    """Every item the records decide has the state the Python checklists gave; only manual items changed."""
    root = _example(tmp_path)
    computed = compute_portfolio(root, TODAY)
    portfolio = computed.portfolio
    manual_ticked = 0
    for pid, entry in sorted(portfolio.partners.items()):
        new = partner_checklists(entry, portfolio, TODAY)
        old = legacy.partner_checklists(entry, portfolio, TODAY)
        assert [c.id for c in new] == [c.id for c in old], pid
        for n, o in zip(new, old, strict=True):
            assert (n.title, len(n.items)) == (o.title, len(o.items)), (pid, n.id)
            for ni, oi in zip(n.items, o.items, strict=True):
                assert ni.text == oi.text
                if oi.done is None:
                    assert ni.tickable
                    manual_ticked += bool(ni.done)
                else:
                    assert (ni.done, ni.evidence) == (oi.done, oi.evidence), (pid, ni.text)
    assert manual_ticked == 7  # the yearly local-rules checks; verde-imballaggi's has lapsed
    for cid, campaign in sorted(portfolio.campaigns.items()):
        new_lists = pages.views.campaign_checklist_views(computed, cid)
        old_list = legacy.campaign_checklist(cid, campaign.record, computed.kpis, TODAY)
        assert [(i.text, i.done, i.evidence) for i in new_lists[0].items] == [
            (i.text, i.done, i.evidence) for i in old_list.items]
    page = _pages(root)["partners/verde-imballaggi/index.md"]
    assert "last done on Sep 15&#44; 2025 by luca-romano (expired Sep 15&#44; 2026)" in page
