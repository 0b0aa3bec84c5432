"""The committed schemas/ (what editors read) match the record types of this version."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.records.schema_export import SCHEMAS, schema_for

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"
STALE = "schemas/{name}.schema.json is out of date with generator/models; run 'partnerbook schema' and commit schemas/"


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_committed_schema_matches_the_models(name: str) -> None:
    path = SCHEMA_DIR / f"{name}.schema.json"
    assert path.is_file(), f"schemas/{name}.schema.json is missing; run 'partnerbook schema' and commit schemas/"

    committed = json.loads(path.read_text(encoding="utf-8"))

    assert committed == schema_for(name), STALE.format(name=name)


def test_no_stray_schema_files() -> None:
    found = sorted(path.name for path in SCHEMA_DIR.glob("*.schema.json"))

    assert found == sorted(f"{name}.schema.json" for name in SCHEMAS)
