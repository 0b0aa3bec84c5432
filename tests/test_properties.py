"""Whatever bytes a record holds, loading and validating end in problems, never in an exception."""

from __future__ import annotations

import shutil
import tempfile
from datetime import date
from pathlib import Path

import yaml
from conftest import BASE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.checks.validate import validate_portfolio
from generator.load.document import Document
from generator.load.loader import load_bytes

TODAY = date(2026, 11, 24)
YAMLISH = st.text(alphabet=":-[]{}#&*!|>'\"\n \t,?%@`.~=<abcNOyes0123456789\\\ufeff\u00e9", max_size=200)
FIELDS = st.sampled_from([
    "name", "category", "status", "owner", "regions", "compliance", "contacts", "evaluation", "scores",
    "onboarding", "signed", "live", "type", "expires", "notes", "backup_partners", "data_access",
])
SCALARS = st.one_of(
    st.sampled_from(["payment", "active", "NO", "2026-02-30", "2026-13", "-1", "6", "60", "~", "[", "*a", "&a x",
                     "!!python/object:os.system", "'", "\"x\\ny\"", "4111 1111 1111 1111", "javascript:x", "|",
                     "9" * 5000, "-" + "1" * 30, "1e400", "-.inf", ".nan", "9999-12-31", "0001-01-01",
                     "https://x.com/\"onmouseover=\"alert(1)", "a@b.co](javascript:alert(1))"]),
    st.text(alphabet="abc-_:01 ", max_size=12),
)


@st.composite
def yaml_documents(draw: st.DrawFn) -> str:
    """Plausible records: known field names at random depths with odd values."""
    lines = []
    for _ in range(draw(st.integers(1, 12))):
        indent = "  " * draw(st.integers(0, 3))
        dash = draw(st.sampled_from(["", "- "]))
        lines.append(f"{indent}{dash}{draw(FIELDS)}: {draw(SCALARS)}")
    return "\n".join(lines) + "\n"


def _check_load(data: bytes) -> None:
    doc, problems = load_bytes(data, "partners/x/partner.yaml")
    if doc is None:
        assert problems, "a refused file must say why"
    else:
        assert isinstance(doc, Document)
        assert isinstance(doc.data, dict)
    for problem in problems:
        assert problem.line is not None
        assert problem.column is not None
        assert problem.line >= 1
        assert problem.column >= 1
        assert problem.message
        assert problem.hint
        assert problem.rule


@given(st.binary(max_size=300))
def test_load_bytes_never_raises_on_any_bytes(data: bytes) -> None:
    _check_load(data)


@given(YAMLISH)
def test_load_bytes_never_raises_on_yamlish_text(text: str) -> None:
    _check_load(text.encode("utf-8"))


@given(yaml_documents())
def test_load_bytes_never_raises_on_plausible_records(text: str) -> None:
    _check_load(text.encode("utf-8"))


def _validate_profile(data: bytes) -> None:
    # A fresh folder per example: hypothesis runs many examples inside one test call.
    with tempfile.TemporaryDirectory(dir=".") as folder:
        root = Path(folder) / "portfolio"
        shutil.copytree(BASE, root)
        profile = root / "partners" / "x" / "partner.yaml"
        profile.parent.mkdir()
        profile.write_bytes(data)

        _, result = validate_portfolio(root, TODAY)

        for problem in result.problems:
            assert problem.file
            assert problem.rule
            assert problem.message
            assert problem.hint
        if result.failed():
            assert any(p.file == "partners/x/partner.yaml" for p in result.problems)


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=300), YAMLISH.map(str.encode)))
def test_validate_never_raises_on_a_broken_profile(data: bytes) -> None:
    _validate_profile(data)


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(yaml_documents())
def test_validate_never_raises_on_a_plausible_profile(text: str) -> None:
    _validate_profile(text.encode("utf-8"))


ODD_VALUES = st.sampled_from([
    None, -1, 0, "", [], {}, "2026-02-30", "2026-13", 10**30, 10**4000, 1e308, True, "x\ny", "NO", 6, 60, 0.5,
    "9999-12-31", "0001-01-01",
    [None], [{}], {"a": 1}, "a" * 70, "2020-01-01", "payment", "platform", "active", ["payment"],
    {"personal_data": True, "card_data": True}, [{"type": "pci-dss-aoc", "status": "valid"}],
    [{"month": "2026-01", "unknown": 1}],
])


def _paths(node: object, path: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    found = [path]
    if isinstance(node, dict):
        for key, child in node.items():
            found += _paths(child, (*path, key))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            found += _paths(child, (*path, index))
    return found


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_validate_never_raises_on_a_mutated_base_record(data: st.DataObject) -> None:
    """Replace one value anywhere in one valid record with an odd one: problems, never an exception."""
    files = sorted(path.relative_to(BASE).as_posix() for path in BASE.rglob("*.y*ml"))
    relative = data.draw(st.sampled_from(files))
    record = yaml.safe_load((BASE / relative).read_text(encoding="utf-8"))
    path = data.draw(st.sampled_from(_paths(record)[1:]))
    node = record
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = data.draw(ODD_VALUES)

    with tempfile.TemporaryDirectory(dir=".") as folder:
        root = Path(folder) / "portfolio"
        shutil.copytree(BASE, root)
        (root / relative).write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")

        _, result = validate_portfolio(root, TODAY)

    for problem in result.problems:
        assert problem.message
        assert problem.hint
