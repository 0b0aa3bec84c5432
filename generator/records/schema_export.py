"""JSON Schema export of the typed records, for editors (completion, checks while typing)."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from generator.records import Campaign, Contract, Partner, Settings, Sla, Team
from generator.workdir import read_regular, write_output

SCHEMAS: dict[str, type[BaseModel]] = {
    "partner": Partner,
    "contract": Contract,
    "sla": Sla,
    "campaign": Campaign,
    "settings": Settings,
    "team": Team,
}


def schema_for(name: str) -> dict[str, object]:
    """The JSON Schema of one record type, as editors read it (YAML input, dates as strings)."""
    model = SCHEMAS[name]
    schema = model.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://partnerbook.invalid/schemas/{name}.schema.json"
    return schema


def write_schemas(folder: Path, root: Path | None = None) -> list[Path]:
    """Write ``<name>.schema.json`` for every record type; returns the paths written.

    Inside the records repository ``root`` no symbolic link on the way is followed.
    """
    written = []
    for name in SCHEMAS:
        path = folder / f"{name}.schema.json"
        data = (json.dumps(schema_for(name), indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
        if read_regular(path) != data:
            write_output(root if root is not None else folder, path, data)
        written.append(path)
    return written
