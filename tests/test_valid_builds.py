"""Any portfolio that validates also computes, renders, exports and builds without an exception.

Portfolios are generated from the record types with values at the edges the models allow: dates at
MIN_DATE and MAX_DATE, day counts and amounts at their bounds, zero, and any Unicode text.
"""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from generator.checks.validate import validate_portfolio
from generator.cli import main
from generator.records.common import MAX_COUNT, MAX_DATE, MAX_DAYS, MAX_MONEY, MAX_MONTHS, MAX_NUMBER, MIN_DATE
from generator.records.partner import CATEGORIES, STATUSES
from generator.today import FIRST_TODAY, LAST_TODAY

TODAYS = st.sampled_from([date(2026, 11, 24), FIRST_TODAY, LAST_TODAY])
DATES = st.one_of(
    st.sampled_from([MIN_DATE, MAX_DATE, date(2026, 11, 24), date(2026, 11, 25), date(2024, 2, 29)]),
    st.dates(MIN_DATE, MAX_DATE),
)
DAYS = st.one_of(st.sampled_from([0, 1, MAX_DAYS]), st.integers(0, MAX_DAYS))
POSITIVE_DAYS = st.one_of(st.sampled_from([1, MAX_DAYS]), st.integers(1, MAX_DAYS))
MONTHS = st.one_of(st.sampled_from([1, MAX_MONTHS]), st.integers(1, MAX_MONTHS))
COUNTS = st.one_of(st.sampled_from([0, 1, MAX_COUNT]), st.integers(0, MAX_COUNT))
MONEY = st.one_of(st.sampled_from([0, 0.01, MAX_MONEY]), st.floats(0, MAX_MONEY))
FRACTIONS = st.one_of(st.sampled_from([0.0, 1.0]), st.floats(0, 1))
NUMBERS = st.one_of(st.sampled_from([0, -MAX_NUMBER, MAX_NUMBER, 1e-300]), st.floats(-MAX_NUMBER, MAX_NUMBER))
TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=24).filter(
    lambda s: s.strip() != "")
LONG_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r\x85\u2028\u2029"),
                    max_size=60)
IDS = st.sampled_from(["a", "kiln", "x-1", "a" * 64, "0"])
EMAILS = st.sampled_from(["ann@example.com", "o'brien@example.ie", "ann@bücher.example.org"])
LINKS = st.sampled_from(["https://example.com/a_(b)?c=d#e", "mailto:ann@example.com", "docs/AOC 2026.pdf",
                         "https://[2001:db8::1]/x"])


def _ordered(draw: st.DrawFn) -> tuple[date, date]:
    first, second = draw(DATES), draw(DATES)
    return min(first, second), max(first, second)


def _funnel(draw: st.DrawFn) -> dict[str, int]:
    counts = sorted((draw(COUNTS) for _ in range(4)), reverse=True)
    return dict(zip(("sessions", "carts", "checkouts", "orders"), counts, strict=True))


@st.composite
def partners(draw: st.DrawFn, partner_id: str, others: list[str]) -> dict[str, Any]:
    signed, live = _ordered(draw)
    issued, expires = _ordered(draw)
    record: dict[str, Any] = {
        "name": draw(TEXT), "category": draw(st.sampled_from(CATEGORIES)), "status": draw(st.sampled_from(STATUSES)),
        "owner": draw(TEXT), "criticality": draw(st.sampled_from(["critical", "high", "medium", "low"])),
        "description": draw(LONG_TEXT), "regions": draw(st.lists(TEXT, max_size=2)),
        "capabilities": draw(st.lists(IDS, max_size=2, unique=True)),
        "backup_partners": draw(st.lists(st.sampled_from(others), max_size=1)) if others else [],
        "contacts": [{"name": draw(TEXT), "email": draw(EMAILS), "phone": draw(TEXT)}],
        "data_access": {"personal_data": draw(st.booleans()), "card_data": draw(st.booleans())},
        "onboarding": {"signed": signed, "live": live},
        "review": {"every_days": draw(POSITIVE_DAYS), "last": draw(DATES)},
        "compliance": [{"type": draw(st.sampled_from(["pci-dss-aoc", "dpa", "iso27001"])),
                        "status": draw(st.sampled_from(["valid", "pending", "missing", "expired"])),
                        "issued": issued, "expires": expires, "evidence": draw(LINKS), "notes": draw(LONG_TEXT)}],
        "evaluation": {"date": draw(DATES), "evaluator": draw(TEXT),
                       "scores": {"compliance": draw(st.integers(1, 5)), "integration": draw(st.integers(1, 5))}},
        "check_ins": [{"date": draw(DATES), "kind": "call", "summary": draw(LONG_TEXT)}],
        "actions": [{"aspect": draw(TEXT), "responsible": draw(TEXT), "deadline": draw(DATES)}],
        "red_flags": [{"date": draw(DATES), "description": draw(TEXT)}],
        "roadmap": [{"milestone": draw(TEXT), "due": draw(DATES)}],
    }
    return record


@st.composite
def contracts(draw: st.DrawFn) -> dict[str, Any]:
    signed, end = _ordered(draw)
    record: dict[str, Any] = {
        "title": draw(TEXT), "signed": signed, "start": signed, "auto_renew": draw(st.booleans()),
        "notice_days": draw(DAYS), "review": {"every_months": draw(MONTHS), "last": draw(DATES)},
        "value": {"amount": draw(MONEY), "period": draw(st.sampled_from(["one-off", "month", "quarter", "year"]))},
        "payment_terms": {"net_days": draw(DAYS)},
        "clauses": {"termination": draw(LONG_TEXT), "dispute_resolution": "x", "breach_consequences": "y",
                    "data_protection": "z", "pci_responsibility": "p", "sla": "s"},
        "milestones": [{"name": draw(TEXT), "due": draw(DATES)}],
    }
    if draw(st.booleans()):
        record["end"] = end
    return record


@st.composite
def campaigns(draw: st.DrawFn, partner_ids: list[str]) -> dict[str, Any]:
    start, end = _ordered(draw)
    results = []
    for partner_id in partner_ids:
        funnel = _funnel(draw)
        customers = funnel["orders"]
        day = start + timedelta(days=draw(st.integers(0, (end - start).days)))
        results.append({
            "partner": partner_id, **funnel, "revenue": draw(MONEY), "cost": draw(MONEY),
            "customers": customers, "repeat_customers": draw(st.integers(0, customers)),
            "baseline": _funnel(draw),
            "daily": [{"date": day, **_funnel(draw), "revenue": draw(MONEY)}],
        })
    return {
        "name": draw(TEXT), "start": start, "end": end, "owner": draw(TEXT), "gross_margin": draw(FRACTIONS),
        "targets": {"conversion_lift": draw(st.floats(-1, MAX_NUMBER)), "csat": draw(FRACTIONS),
                    "roi": draw(st.floats(-1, MAX_NUMBER)), "revenue": draw(MONEY)},
        "results": results,
        "review": {"date": end, "integration_smoothness": draw(st.integers(1, 5))},
    }


@st.composite
def slas(draw: st.DrawFn) -> dict[str, Any]:
    months = draw(st.lists(DATES, min_size=1, max_size=3))
    return {
        "metrics": [{"id": "uptime", "name": draw(TEXT), "target": draw(NUMBERS),
                     "better": draw(st.sampled_from(["higher", "lower"]))}],
        "service_credit_percent": draw(st.floats(0, 100)),
        "measurements": [{"month": f"{day:%Y-%m}", "uptime": draw(NUMBERS)} for day in sorted(set(months))],
    }


@st.composite
def portfolios(draw: st.DrawFn) -> dict[str, Any]:
    ids = draw(st.lists(st.sampled_from(["kiln", "stripe", "a" * 64]), min_size=1, max_size=2, unique=True))
    files: dict[str, Any] = {
        "partnerbook.yml": {
            "compliance": {"expiring_warning_days": draw(DAYS), "validity_days": {"pci-dss-aoc": draw(POSITIVE_DAYS)}},
            "alerts": {"warning_days": draw(DAYS), "check_in_stale_days": draw(POSITIVE_DAYS),
                       "sla": {"months": draw(MONTHS)}},
        },
    }
    for partner_id in ids:
        others = [other for other in ids if other != partner_id]
        files[f"partners/{partner_id}/partner.yaml"] = draw(partners(partner_id, others))
        files[f"partners/{partner_id}/contracts/main.yaml"] = draw(contracts())
        if draw(st.booleans()):
            files[f"partners/{partner_id}/sla.yaml"] = draw(slas())
    files["campaigns/edge.yaml"] = draw(campaigns(ids))
    return files


class _NoAliases(yaml.SafeDumper):
    """Write repeated values out in full: records refuse anchors and aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _write(root: Path, files: dict[str, Any]) -> None:
    for relative, record in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.dump(record, Dumper=_NoAliases, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    captured = capsys.readouterr()
    return (code if isinstance(code, int) else 0 if code is None else 1), captured.out + captured.err


def _valid_root(folder: str, files: dict[str, Any], today: date, *, in_test: bool = True) -> Path | None:
    root = Path(folder) / "portfolio"
    _write(root, files)
    _, result = validate_portfolio(root, today)
    blocking = result.blocking
    if in_test:
        note(f"blocking: {[(p.location(), p.rule, p.message) for p in blocking]}")
    else:
        print([(p.location(), p.rule, p.message) for p in blocking])
    return None if blocking else root


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                                 HealthCheck.function_scoped_fixture])
@given(files=portfolios(), today=TODAYS)
def test_a_portfolio_that_validates_computes_renders_and_exports(
    files: dict[str, Any], today: date, capsys: pytest.CaptureFixture[str]
) -> None:
    from generator.site.build import prepare_docs

    with tempfile.TemporaryDirectory(dir=".") as folder:
        root = _valid_root(folder, files, today)
        if root is None:
            return
        prepare_docs(root, today)
        day = today.isoformat()
        for argv in (["calendar", "--output", str(Path(folder) / "cal.ics")], ["kpis", "--format", "json"],
                     ["kpis", "--format", "csv"], ["alerts"], ["alerts", "--format", "github"]):
            code, output = _run([*argv, "--root", str(root), "--today", day], capsys)
            assert code == 0, (argv, output)


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                                HealthCheck.function_scoped_fixture])
@given(files=portfolios(), today=TODAYS)
def test_a_portfolio_that_validates_builds(files: dict[str, Any], today: date,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    with tempfile.TemporaryDirectory(dir=".") as folder:
        root = _valid_root(folder, files, today)
        if root is None:
            return
        code, output = _run(["build", "--root", str(root), "--today", today.isoformat()], capsys)
        assert code == 0, output
        assert (root / "site" / "index.html").is_file()


def test_the_generated_portfolios_mostly_validate(tmp_path: Path) -> None:
    """The property above is only as strong as the share of generated portfolios that pass validate."""
    valid = 0
    examples: list[dict[str, Any]] = []

    @settings(max_examples=20, deadline=None, database=None)
    @given(files=portfolios())
    def collect(files: dict[str, Any]) -> None:
        examples.append(files)

    collect()
    for index, files in enumerate(examples):
        if _valid_root(str(tmp_path / str(index)), files, date(2026, 11, 24), in_test=False) is not None:
            valid += 1
    assert valid >= len(examples) // 2, f"only {valid} of {len(examples)} generated portfolios validate"
