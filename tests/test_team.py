"""The team: owners resolve through team.yaml, misspelt owners are rejected at their line, the Team page."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
import yaml
from conftest import TODAY, RunLine

from generator.alerts.model import Alert
from generator.checks.validate import load_portfolio
from generator.records.team import Team
from generator.rules.people import display, owners_of_partner, people_of_alert, resolve, single_person_skills

TEAM = {
    "roles": {
        "head-of-ecommerce": {"name": "Head of ecommerce"},
        "operations-lead": {"name": "Operations lead"},
        "platform-lead": {"name": "Platform lead"},
        "marketing-lead": {"name": "Marketing lead"},
        "partnership-manager": {"name": "Partnership manager"},
    },
    "people": {
        "giulia-rossi": {"name": "Giulia Rossi", "roles": ["head-of-ecommerce", "platform-lead"],
                         "skills": ["contract-negotiation", "api-integration"], "capacity": 1,
                         "backup": "luca-romano"},
        "luca-romano": {"name": "Luca Romano", "roles": ["operations-lead", "marketing-lead"],
                        "skills": ["contract-negotiation", "logistics"], "capacity": 3, "backup": "giulia-rossi"},
        "marco-bianchi": {"name": "Marco Bianchi", "roles": ["partnership-manager", "operations-lead"],
                          "skills": ["contract-negotiation"], "capacity": 4},
        "roberto-gallo": {"name": "Roberto Gallo", "roles": ["operations-lead"], "skills": ["logistics"],
                          "active": False},
    },
}


def _team(root: Path, team: dict | None = None) -> Path:
    (root / "team.yaml").write_text(yaml.safe_dump(team or TEAM, sort_keys=False), encoding="utf-8")
    return root


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


# --- resolution --------------------------------------------------------------------------------------------------


def test_an_owner_resolves_to_active_people() -> None:
    team = Team.model_validate(TEAM)
    assert resolve("luca-romano", team) == ["luca-romano"]  # a person: itself
    assert resolve("operations-lead", team) == ["luca-romano", "marco-bianchi"]  # a role: active members, sorted
    assert resolve("roberto-gallo", team) == []  # an inactive person: nobody
    assert resolve("operation-lead", team) == []  # unknown
    assert resolve(None, team) == []
    assert resolve("  ", team) == []
    assert resolve("luca-romano", None) == []  # no team file: owners are free text
    assert display("operations-lead", team) == "Operations lead"
    assert display("giulia-rossi", team) == "Giulia Rossi"
    assert display("Someone Else", team) == "Someone Else"
    # logistics: Roberto left, so it rests on Luca; contract-negotiation is shared
    assert single_person_skills(team) == {"api-integration": "giulia-rossi", "logistics": "luca-romano"}


def test_a_partner_and_its_alerts_belong_to_their_owners(base_portfolio: Path, run_line: RunLine) -> None:
    root = _team(base_portfolio)
    kiln = root / "partners/kiln-packaging/partner.yaml"
    kiln.write_text(kiln.read_text(encoding="utf-8") + "actions:\n  - aspect: Send the new box sizes\n"
                    "    responsible: giulia-rossi\n    deadline: 2026-11-01\n", encoding="utf-8")
    portfolio, _problems, _ = load_portfolio(root)
    assert owners_of_partner(portfolio.partners["kiln-packaging"], portfolio.team.record) == \
        ["luca-romano", "marco-bianchi"]
    result = run_line(f"partnerbook alerts --root {root} --today {TODAY} --format json")
    alerts = [Alert(**a) for a in json.loads(result.output)]
    overdue = next(a for a in alerts if a.rule == "action-overdue" and a.partner == "kiln-packaging")
    assert overdue.line == _line_of(kiln, "deadline: 2026-11-01")
    # the action's owner and the partner's owners
    assert people_of_alert(overdue, portfolio) == ["giulia-rossi", "luca-romano", "marco-bianchi"]
    campaign_alert = Alert("x", "warning", None, "easter-2026", "campaigns/easter-2026.yaml", 1, "m")
    assert people_of_alert(campaign_alert, portfolio) == ["luca-romano"]  # marketing-lead
    portfolio.team = None
    assert people_of_alert(overdue, portfolio) == []


# --- validation --------------------------------------------------------------------------------------------------

OWNER_FIELDS = [
    # (file, old text, new text, the line's needle, field name, guess)
    ("partners/kiln-packaging/partner.yaml", "owner: operations-lead", "owner: operation-lead",
     "owner: operation-lead", "owner", "operations-lead"),
    ("partners/stripe-payments/partner.yaml", "evaluator: partnership-manager", "evaluator: partnership-manger",
     "evaluator: partnership-manger", "evaluation.evaluator", "partnership-manager"),
    ("campaigns/easter-2026.yaml", "owner: marketing-lead", "owner: marketing-led",
     "owner: marketing-led", "owner", "marketing-lead"),
    ("partners/shopcloud/partner.yaml", "owner: platform-lead\n",
     "owner: platform-lead\nraci:\n  - task: Updates\n    responsible: giulia-rosi\n    accountable: platform-lead\n",
     "responsible: giulia-rosi", "raci.0.responsible", "giulia-rossi"),
    ("partners/shopcloud/partner.yaml", "owner: platform-lead\n",
     "owner: platform-lead\nraci:\n  - task: Updates\n    responsible: ShopCloud\n    accountable: platform-lead\n"
     "    consulted: [luca-romano, Luca Romanoo]\n",
     "consulted: [luca-romano", "raci.0.consulted.1", "luca-romano"),
    ("partners/shopcloud/partner.yaml", "owner: platform-lead\n",
     "owner: platform-lead\nactions:\n  - aspect: Test the export\n    responsible: platfrom-lead\n"
     "    deadline: 2027-01-10\n", "responsible: platfrom-lead", "actions.0.responsible", "platform-lead"),
    ("partners/shopcloud/partner.yaml", "owner: platform-lead\n",
     "owner: platform-lead\nresponsibilities:\n  - task: Uptime\n    owner: markting-lead\n    frequency: daily\n",
     "owner: markting-lead", "responsibilities.0.owner", "marketing-lead"),
    ("campaigns/easter-2026.yaml", "  learnings: [Start the survey earlier]\n",
     "  learnings:\n    - text: Start the survey earlier\n      owner: luca-romao\n      due: 2027-01-15\n",
     "owner: luca-romao", "review.learnings.0.owner", "luca-romano"),
    ("partners/kiln-packaging/partner.yaml", "owner: operations-lead\n",
     "owner: operations-lead\nchecklist:\n  - item: local-rules\n    done: 2026-10-01\n    by: luca-rmano\n",
     "by: luca-rmano", "checklist.0.by", "luca-romano"),
]


@pytest.mark.parametrize(("file", "old", "new", "needle", "field", "guess"), OWNER_FIELDS,
                         ids=[f"{f[0].split('/')[-1]}:{f[4]}" for f in OWNER_FIELDS])
def test_a_misspelt_owner_is_an_error_at_its_line_with_did_you_mean(
        base_portfolio: Path, run_line: RunLine, file: str, old: str, new: str, needle: str, field: str,
        guess: str) -> None:
    root = _team(base_portfolio)
    assert run_line(f"partnerbook validate --root {root} --today {TODAY}").exit_code == 0
    _edit(root / file, old, new)
    result = run_line(f"partnerbook validate --root {root} --today {TODAY}")
    assert result.exit_code == 1, result.output
    line = _line_of(root / file, needle)
    found = re.search(rf"^{re.escape(file)}:{line}:\d+: error: {re.escape(field)} '[^']+' is not a person or role "
                      rf"of team.yaml \[unknown-owner\]\n    hint: did you mean '{re.escape(guess)}'", result.stdout,
                      re.MULTILINE)
    assert found, result.stdout
    assert result.stdout.count("[unknown-owner]") == 1


def test_the_partner_side_may_hold_raci_entries_but_not_own_the_partner(base_portfolio: Path,
                                                                       run_line: RunLine) -> None:
    root = _team(base_portfolio)
    shop = root / "partners/shopcloud/partner.yaml"
    _edit(shop, "owner: platform-lead\n", "owner: platform-lead\nraci:\n  - task: Updates\n"
          "    responsible: ShopCloud\n    accountable: platform-lead\n    consulted: [ShopCloud account manager]\n"
          "    informed: [Kiln Packaging, shopcloud]\n")
    assert run_line(f"partnerbook validate --root {root} --today {TODAY}").exit_code == 0
    _edit(shop, "owner: platform-lead\n", "owner: ShopCloud\n")
    result = run_line(f"partnerbook validate --root {root} --today {TODAY}")
    assert result.exit_code == 1
    assert f"partners/shopcloud/partner.yaml:{_line_of(shop, 'owner: ShopCloud')}:" in result.stdout
    assert "owner 'ShopCloud' is not a person or role of team.yaml" in result.stdout


def test_without_a_team_file_owners_are_free_text_with_a_note(base_portfolio: Path, run_line: RunLine) -> None:
    _edit(base_portfolio / "partners/kiln-packaging/partner.yaml", "owner: operations-lead", "owner: whoever")
    result = run_line(f"partnerbook validate --root {base_portfolio} --today {TODAY}")
    assert result.exit_code == 0, result.output
    assert "unknown-owner" not in result.stdout
    assert "note: no team.yaml" in result.stderr
    assert "note" not in result.stdout
    json_run = run_line(f"partnerbook validate --root {base_portfolio} --today {TODAY} --format json")
    assert json.loads(json_run.stdout) == []  # the note never enters machine output
    assert "note" not in json_run.stderr
    _team(base_portfolio)
    _edit(base_portfolio / "partners/kiln-packaging/partner.yaml", "owner: whoever", "owner: luca-romano")
    with_team = run_line(f"partnerbook validate --root {base_portfolio} --today {TODAY}")
    assert with_team.exit_code == 0
    assert "note: no team.yaml" not in with_team.stderr


def test_roles_and_backups_of_people_are_checked(base_portfolio: Path, run_line: RunLine) -> None:
    team = json.loads(json.dumps(TEAM))
    team["people"]["luca-romano"]["roles"] = ["operations-lead", "marketing-leed"]
    team["people"]["giulia-rossi"]["backup"] = "giulia-rossi"
    team["people"]["marco-bianchi"]["backup"] = "luca-roman"
    root = _team(base_portfolio, team)
    _edit(root / "partners/kiln-packaging/partner.yaml", "owner: operations-lead", "owner: roberto-gallo")
    result = run_line(f"partnerbook validate --root {root} --today {TODAY}")
    assert result.exit_code == 1
    out, team_file = result.stdout, root / "team.yaml"
    assert f"team.yaml:{_line_of(team_file, '- marketing-leed')}:" in out
    assert "person 'luca-romano' has role 'marketing-leed', which is not under roles: [unknown-role]" in out
    assert "did you mean 'marketing-lead'?" in out
    assert "person 'giulia-rossi' cannot be their own backup [unknown-backup]" in out
    assert f"team.yaml:{_line_of(team_file, 'backup: luca-roman')}:" in out
    assert "did you mean 'luca-romano'?" in out
    assert re.search(r"team.yaml:\d+:\d+: warning: person 'roberto-gallo' is not active but still owns "
                     r"kiln-packaging \[inactive-owner\]", out)


def test_an_id_both_person_and_role_and_a_shared_handle_are_flagged(base_portfolio: Path,
                                                                    run_line: RunLine) -> None:
    team = json.loads(json.dumps(TEAM))
    team["people"]["marketing-lead"] = {"name": "Someone", "handle": "someone"}
    team["people"]["luca-romano"]["handle"] = "@Someone"  # the same handle, written another way
    root = _team(base_portfolio, team)
    result = run_line(f"partnerbook validate --root {root} --today {TODAY}")
    assert result.exit_code == 1
    out, team_file = result.stdout, root / "team.yaml"
    person_line = _line_of(team_file, "name: Someone") - 1  # the person's key, above its first field
    assert f"team.yaml:{person_line}:3: error: 'marketing-lead' is both a person and a role" in out
    assert re.search(r"team.yaml:\d+:\d+: warning: handle 'someone' of 'marketing-lead' is also the handle of "
                     r"'luca-romano' \[duplicate-handle\]", out)


# --- the Team page and the risk register --------------------------------------------------------------------------


def test_the_team_page_shows_workload_single_person_skills_and_escapes_names(base_portfolio: Path,
                                                                               run_line: RunLine) -> None:
    team = json.loads(json.dumps(TEAM))
    team["people"]["giulia-rossi"]["name"] = "Giulia <script>alert(1)</script> Rossi"
    root = _team(base_portfolio, team)
    _edit(root / "partners/shopcloud/partner.yaml", "owner: platform-lead\n", "owner: platform-lead\nactions:\n"
          "  - aspect: Test the full export\n    responsible: giulia-rossi\n    deadline: 2026-11-10\n")
    result = run_line(f"partnerbook build --root {root} --today {TODAY}")
    assert result.exit_code == 0, result.output
    page = (root / "site/team/index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page
    assert "alert(1)" not in page
    text = html.unescape(re.sub(r"<[^>]+>", "", page))  # what the reader sees
    # Giulia owns shopcloud (platform-lead) and stripe-payments (head-of-ecommerce) against a capacity of 1.
    assert re.search(r"Giulia <script>alert\(1\)</script> Rossi\s+Head of ecommerce, Platform lead"
                     r"\s+2\s+1\s+200% over capacity\s+1 \(1 overdue\)", text), text
    # Luca: kiln (operations-lead) and zigpoll (marketing-lead, a prospect still followed): 2 of 3.
    assert re.search(r"Luca Romano\s+Operations lead, Marketing lead\s+2\s+3\s+67%\s", text)
    assert re.search(r"Marco Bianchi\s+Partnership manager, Operations lead\s+1\s+4\s+25%\s", text)
    assert "Roberto Gallo" in text
    assert "Former members" in text
    assert re.search(r"Single-person skills.*api-integration\s+Giulia", text, re.DOTALL)
    assert "Test the full export" in text
    risk_page = (root / "site/risk/index.html").read_text(encoding="utf-8")
    assert "alert(1)" not in risk_page
    risk = html.unescape(re.sub(r"<[^>]+>", "", risk_page))
    assert re.search(r"Single-person skills.*api-integration\s+Giulia <script>alert\(1\)</script> "
                     r"Rossi\s+Luca Romano", risk, re.DOTALL)
    assert "contract-negotiation" not in risk.split("Single-person skills", 1)[1]


def test_without_a_team_file_the_page_says_how_to_add_one(base_portfolio: Path, run_line: RunLine) -> None:
    result = run_line(f"partnerbook build --root {base_portfolio} --today {TODAY}")
    assert result.exit_code == 0, result.output
    page = (base_portfolio / "site/team/index.html").read_text(encoding="utf-8")
    assert "has no <code>team.yaml</code> yet" in page
    assert "Single-person skills" not in (base_portfolio / "site/risk/index.html").read_text(encoding="utf-8")


def test_every_owner_of_the_example_resolves() -> None:
    example = Path(__file__).resolve().parent.parent
    portfolio, problems, _ = load_portfolio(example)
    assert portfolio.team is not None
    assert not [p for p in problems if p.file == "team.yaml"]
    team = portfolio.team.record
    for entry in portfolio.partners.values():
        assert owners_of_partner(entry, team), entry.id
    for campaign in portfolio.campaigns.values():
        assert resolve(campaign.record.owner, team), campaign.id
    assert single_person_skills(team)


def test_an_overdue_learning_reaches_its_owner_and_their_team_page() -> None:
    """The example's Easter learning (owner elena-ricci, due 2026-12-15), five days late."""
    from datetime import date

    from generator.compute.portfolio import compute_portfolio
    from generator.site.team_view import team_page

    root = Path(__file__).resolve().parents[1]
    computed = compute_portfolio(root, date(2026, 12, 20))
    (alert,) = [a for a in computed.alerts if a.rule == "action-overdue" and a.campaign == "easter-2026"]
    assert people_of_alert(alert, computed.portfolio) == ["elena-ricci"]
    page = team_page(computed, [])
    elena = next(p for p in page["people"] if p["id"] == "elena-ricci")
    assert [(a["partner_id"], a["days_left"]) for a in elena["actions"]] == [("easter-2026", -5)]
