"""JSON Schema export of the typed records, for editors (completion, checks while typing)."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from generator.records import Campaign, Contract, Partner, Settings, Sla

SCHEMAS: dict[str, type[BaseModel]] = {
    "partner": Partner,
    "contract": Contract,
    "sla": Sla,
    "campaign": Campaign,
    "settings": Settings,
}


def schema_for(name: str) -> dict[str, object]:
    """The JSON Schema of one record type, as editors read it (YAML input, dates as strings)."""
    model = SCHEMAS[name]
    schema = model.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://partnerbook.invalid/schemas/{name}.schema.json"
    return schema


def write_schemas(folder: Path) -> list[Path]:
    """Write ``<name>.schema.json`` for every record type; returns the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in SCHEMAS:
        path = folder / f"{name}.schema.json"
        text = json.dumps(schema_for(name), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
