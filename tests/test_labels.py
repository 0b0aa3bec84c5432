"""Plain labels: every id the code can show to people has a label and reads in the team's language.

The lists come from the code itself (Literal types, ALERT_RULES, the KPI tables, and a scan of the rule
ids the checks of the records report), so a new rule, KPI, status or document type without a label
fails here.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest

from generator import i18n, labels
from generator.compute.health import COMPONENTS, STATUS_OF_GRADE
from generator.measure.kpis import CAMPAIGN_KPIS, COUNTS
from generator.measure.money import CreditState
from generator.measure.tables import COUNT_COLUMNS, PARTNER_COLUMNS, TEXT_COLUMNS
from generator.records import partner as partner_records
from generator.records.contract import (
    STANDARD_CLAUSES,
    CommitmentKpi,
    CommitmentPeriod,
    Contract,
    Milestone,
    Pricing,
    Value,
)
from generator.records.policy import DEFAULT_REQUIREMENTS
from generator.records.settings import ALERT_RULES, DEFAULT_CRITERIA, AlertLevel
from generator.rules.commitments import STATES as COMMITMENT_STATES
from generator.rules.contracts import ContractState
from generator.rules.documents import DOCUMENT_NAMES, DocumentStateName

GENERATOR = Path(__file__).resolve().parents[1] / "generator"
RULE_ID = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
# Functions that make a finding from a rule id: Problem(...), doc.problem(...), builder.fail(...), _problem(...),
# and secrets' local at(...)
PROBLEM_CALLS = frozenset({"Problem", "problem", "fail", "_problem", "at"})


def _args(literal: Any) -> tuple[str, ...]:
    return tuple(literal.__args__)


def _field(model: Any, name: str) -> tuple[str, ...]:
    return _args(model.model_fields[name].annotation)


def _rule_ids(tree: ast.AST) -> set[str]:
    """Rule ids a module reports: string constants where a rule goes (a problem call's arguments, a
    ``rule``/``*_RULE`` variable, a ``*_RULES`` collection, a returned (rule, message, hint) tuple)."""

    def strings(node: ast.AST | None) -> set[str]:
        if node is None:
            return set()
        return {n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
                and RULE_ID.match(n.value)}

    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name in PROBLEM_CALLS:
                found |= {a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)
                          and RULE_ID.match(a.value)}
                found |= {k.value.value for k in node.keywords if k.arg == "rule"
                          and isinstance(k.value, ast.Constant) and isinstance(k.value.value, str)}
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = {t.id for t in targets if isinstance(t, ast.Name)}
            if any(n == "rule" or n.endswith("RULE") or n == "REFUSED" for n in names):
                found |= strings(node.value)
            elif any(n.endswith("_RULES") for n in names) and node.value is not None:
                value = node.value
                found |= (set().union(*(strings(v) for v in value.values)) if isinstance(value, ast.Dict)
                          else strings(value))
        elif isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple) and len(node.value.elts) == 3:
            first, message = node.value.elts[0], node.value.elts[1]
            if (isinstance(first, ast.Constant) and isinstance(first.value, str) and RULE_ID.match(first.value)
                    and (isinstance(message, ast.JoinedStr | ast.Call)  # f"...", _("...") or _("...").format()
                         or (isinstance(message, ast.Constant) and " " in str(message.value)))):
                found.add(first.value)
    return found


def check_rules() -> set[str]:
    """Every rule id the checks of the records report (generator/load, generator/checks, generator/rules)."""
    found: set[str] = set()
    for folder in ("load", "checks", "rules"):
        for path in sorted((GENERATOR / folder).glob("*.py")):
            found |= _rule_ids(ast.parse(path.read_text(encoding="utf-8")))
    return found


def test_the_scan_finds_the_rules_of_every_kind_of_check() -> None:
    rules = check_rules()
    # a literal argument, a module constant, a conditional variable, a mapping, a returned tuple, a set
    assert {"yaml-syntax", "codeowners-outdated", "file-unreadable", "invalid-email", "yaml-tab",
            "percent-for-fraction", "iban", "card-number", "secret", "mkdocs-refused", "unknown-owner"} <= rules
    assert not rules & {"utf-8", "my-id", "partnerbook-readcache"}


CASES = {
    "rule": sorted(set(ALERT_RULES) | check_rules()),
    "kpi": sorted({*CAMPAIGN_KPIS, *COUNTS, *COUNT_COLUMNS, *PARTNER_COLUMNS, *TEXT_COLUMNS, "hhi",
                   *_args(CommitmentKpi)}),
    "status": sorted(_args(partner_records.Status)),
    "category": sorted(_args(partner_records.Category)),
    "criticality": sorted(_args(partner_records.Criticality)),
    "frequency": sorted(_args(partner_records.Frequency)),
    "severity": ["error", "warning", "info", *_args(AlertLevel)],
    "doc": sorted({*DOCUMENT_NAMES, *(d for r in DEFAULT_REQUIREMENTS for d in r.documents)}),
    "requirement": sorted(r.id for r in DEFAULT_REQUIREMENTS),
    "clause": sorted(STANDARD_CLAUSES),
    "state": sorted({*_args(DocumentStateName), *COMMITMENT_STATES, *_args(CreditState), *_args(ContractState),
                     *STATUS_OF_GRADE.values(), *_field(Milestone, "status"),
                     *_field(partner_records.RoadmapItem, "status"), *_field(partner_records.Action, "status"),
                     *_field(partner_records.RedFlag, "status"), *_field(partner_records.ComplianceDocument, "status"),
                     "present", "unknown", "not required", "error", "warning", "info"}),
    "model": sorted(_field(Pricing, "model")),
    "period": sorted(_field(Value, "period")),
    "commitment-period": sorted(_args(CommitmentPeriod)),
    "kind": sorted(_field(partner_records.CheckIn, "kind")),
    "evaluation": sorted(DEFAULT_CRITERIA),
    "component": sorted(COMPONENTS),
    "deadline": ["auto-renewal", "contract end", "notice deadline"],
    "role": ["accountable", "consulted", "informed", "responsible"],
}


def _optional_args(annotation: Any) -> tuple[str, ...]:
    """The Literal's values of ``Literal[...] | None``."""
    return tuple(value for arg in annotation.__args__ if arg is not type(None) for value in arg.__args__)


CASES["maturity"] = sorted(_optional_args(partner_records.Partner.model_fields["tech_maturity"].annotation))
CASES["financial-health"] = sorted(_optional_args(
    partner_records.DueDiligence.model_fields["financial_health"].annotation))
CASES["exclusivity"] = sorted(_field(Contract, "exclusivity"))


@pytest.mark.parametrize("kind", sorted(CASES))
def test_every_id_shown_to_people_has_a_label(kind: str) -> None:
    ids = CASES[kind]
    assert ids, kind
    unlabelled = [value for value in ids if value not in labels.LABELS.get(kind, {})]
    assert not unlabelled, f"add a label to generator/labels.py LABELS[{kind!r}] for: {unlabelled}"


def test_the_contract_value_periods_and_check_in_kinds_come_from_the_records() -> None:
    assert "one-off" in CASES["period"]
    assert "qbr" in CASES["kind"]
    assert "in progress" in CASES["state"]


def test_an_unknown_id_reads_as_itself() -> None:
    assert labels.label("kpi", "my_own_column") == "my_own_column"
    assert labels.label("no-such-kind", "x-y") == "x-y"
    assert labels.help_text("kpi", "my_own_column") == ""
    assert labels.label("rule", None) == "n/a"


def test_every_label_and_help_is_a_one_line_sentence_of_its_own() -> None:
    for kind, entries in labels.LABELS.items():
        for value, (text, tip) in entries.items():
            assert text, (kind, value)
            assert "\n" not in text, (kind, value)
            assert text == text.strip(), (kind, value)
            assert not i18n.placeholders(text), (kind, value)
            assert not i18n.placeholders(tip), (kind, value)
            assert not tip or tip.endswith((".", "?", "!")), (kind, value, tip)


def test_labels_read_in_the_team_language(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(i18n.ENV, raising=False)
    with i18n.language("en"):
        assert labels.label("kpi", "conversion_rate") == "Conversion rate"
        assert labels.label("status", "active") == "Active"
        assert labels.label("rule", "no-backup") == "No backup partner"
    with i18n.language("it"):
        assert labels.label("kpi", "conversion_rate") == "Tasso di conversione"
        assert labels.label("status", "active") == "Attivo"
        assert labels.label("category", "payment") == "Pagamenti"
        assert labels.label("state", "expiring") == "in scadenza"
        assert labels.label("doc", "dpa") == "Accordo sul trattamento dei dati (DPA)"
        assert labels.help_text("kpi", "cart_abandonment_rate")
        assert labels.label("kpi", "my_own_column") == "my_own_column"


def test_every_label_is_translated_into_every_language() -> None:
    """Labels are catalog messages like any other (the i18n test covers them too; this one names the kind)."""
    for language in i18n.languages():
        if language == i18n.SOURCE:
            continue
        known = i18n.catalog(language)
        gaps = [(kind, value, text) for kind, entries in labels.LABELS.items() for value, pair in entries.items()
                for text in pair if text and not (known.get(text) and known.get(text).string)]
        assert not gaps, f"{language}: {len(gaps)} labels untranslated in generator/locale/{language}/labels.po, " \
                         f"e.g. {gaps[:5]}"
