"""``partnerbook new``: write a valid skeleton record with comments on each field."""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

import jinja2

from generator import templates_dir
from generator.errors import PartnerbookError
from generator.i18n import N_, _
from generator.load.discover import is_id, suggest_id
from generator.today import resolve_today
from generator.workdir import write_output

TEMPLATES = templates_dir() / "records"


def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=False,
                              keep_trailing_newline=True, undefined=jinja2.StrictUndefined)


_NOT_AN_ID = {
    "partner": N_("'{value}' is not a valid partner id; try '{suggestion}' (1-64 lowercase letters, digits and "
                  "single hyphens)"),
    "contract": N_("'{value}' is not a valid contract id; try '{suggestion}' (1-64 lowercase letters, digits and "
                   "single hyphens)"),
    "campaign": N_("'{value}' is not a valid campaign id; try '{suggestion}' (1-64 lowercase letters, digits and "
                   "single hyphens)"),
}


def _check_id(value: str, what: str) -> None:
    if not is_id(value):
        raise PartnerbookError(_(_NOT_AN_ID[what]).format(value=value, suggestion=suggest_id(value)))


def _title(record_id: str) -> str:
    return " ".join(word.capitalize() for word in record_id.split("-"))


def target_path(root: Path, kind: str, record_id: str, partner_id: str | None) -> Path:
    if kind == "partner":
        return root / "partners" / record_id / "partner.yaml"
    if kind == "contract":
        if not partner_id:
            raise PartnerbookError(_("a contract belongs to a partner: pass --partner PARTNER-ID"))
        _check_id(partner_id, "partner")
        if not (root / "partners" / partner_id / "partner.yaml").is_file():
            raise PartnerbookError(_("partner '{partner}' does not exist; create it first with 'partnerbook new "
                                     "partner {partner}'").format(partner=partner_id))
        return root / "partners" / partner_id / "contracts" / f"{record_id}.yaml"
    return root / "campaigns" / f"{record_id}.yaml"


def create(root: Path, kind: str, record_id: str, *, partner_id: str | None = None,
           force: bool = False, today: date | None = None) -> Path:
    """Write the skeleton of ``kind`` named ``record_id``; refuses to overwrite unless ``force``."""
    _check_id(record_id, kind)
    path = target_path(root, kind, record_id, partner_id)
    if os.path.lexists(path) and not force:
        raise PartnerbookError(_("{path} already exists; pass --force to overwrite it").format(path=path))
    day = today or resolve_today(None)
    text = _environment().get_template(f"{kind}.yaml.j2").render(
        id=record_id, partner=partner_id, name=_title(record_id), title=_title(record_id),
        today=day.isoformat(), end=(day + timedelta(days=365 if kind == "contract" else 14)).isoformat(),
    )
    if force and os.path.lexists(path) and not path.is_symlink():
        write_output(root, path, text.encode("utf-8"))
    else:
        try:
            write_output(root, path, text.encode("utf-8"), new=True)
        except FileExistsError:
            raise PartnerbookError(_("{path} already exists; pass --force to overwrite it").format(path=path)) from None
    return path


def missing_schemas(root: Path) -> list[Path]:
    """Write the schema files the modelines of new records point to (``schemas/`` under ``root``) that do
    not exist yet; returns them. Existing ones are left as they are (``partnerbook schema`` rewrites them)."""
    from generator.records.init import schema_file
    from generator.records.schema_export import SCHEMAS

    written = []
    for name in SCHEMAS:
        path = root / "schemas" / f"{name}.schema.json"
        if os.path.lexists(path):
            continue
        write_output(root, path, schema_file(name), new=True)
        written.append(path)
    return written
