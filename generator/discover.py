"""Find the record files of a portfolio and check the ids their names give."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from generator.problems import Problem, Severity

ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
SETTINGS_FILE = "partnerbook.yml"
_IGNORED_SUFFIXES = (".md", ".txt", ".pdf")


@dataclass
class PartnerFolder:
    id: str
    profile: Path | None
    sla: Path | None
    contracts: dict[str, Path] = field(default_factory=dict)


@dataclass
class Layout:
    """Where every record file of a portfolio is, keyed by id."""

    root: Path
    settings: Path | None
    partners: dict[str, PartnerFolder] = field(default_factory=dict)
    campaigns: dict[str, Path] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def display(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def file_count(self) -> int:
        count = (self.settings is not None) + len(self.campaigns)
        for folder in self.partners.values():
            count += (folder.profile is not None) + (folder.sla is not None) + len(folder.contracts)
        return count


def suggest_id(name: str) -> str:
    """A valid id close to ``name`` (for hints)."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug[:64].strip("-") or "my-id"


def is_id(name: str) -> bool:
    return len(name) <= 64 and bool(ID_RE.match(name))


def _problem(display: str, rule: str, message: str, hint: str,
             severity: Severity = Severity.ERROR) -> Problem:
    return Problem(display, None, None, rule, severity, message, hint)


def _entries(folder: Path) -> list[Path]:
    try:
        return sorted(p for p in folder.iterdir() if not p.name.startswith("."))
    except OSError:
        return []


def _id_from(path: Path, layout: Layout, what: str) -> str | None:
    """The id a file or folder name gives, or None after recording why it is not one."""
    name = path.name if path.is_dir() else path.name.rsplit(".", 1)[0]
    if is_id(name):
        return name
    layout.problems.append(_problem(
        layout.display(path), "invalid-id",
        f"'{name}' is not a valid {what} id (ids are file and folder names)",
        f"rename it to '{suggest_id(name)}': 1-64 lowercase letters, digits and single hyphens",
    ))
    return None


def _yaml_files(folder: Path, layout: Layout, what: str) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in _entries(folder):
        display = layout.display(path)
        if path.is_dir():
            layout.problems.append(_problem(display, "unexpected-file",
                                            f"unexpected folder in {layout.display(folder)}/",
                                            f"{what} records are single .yaml files", Severity.WARNING))
            continue
        if path.suffix == ".yml":
            layout.problems.append(_problem(display, "file-extension", "record files end in .yaml, not .yml",
                                            f"rename it to {path.stem}.yaml"))
            continue
        if path.suffix != ".yaml":
            if path.suffix.lower() not in _IGNORED_SUFFIXES:
                layout.problems.append(_problem(display, "unexpected-file", f"not a {what} record (.yaml)",
                                                "move it out of the records folder", Severity.WARNING))
            continue
        record_id = _id_from(path, layout, what)
        if record_id is not None:
            found[record_id] = path
    return found


def _partner_folder(folder: Path, partner_id: str, layout: Layout) -> PartnerFolder:
    profile = folder / "partner.yaml"
    sla = folder / "sla.yaml"
    result = PartnerFolder(partner_id, profile if profile.is_file() else None, sla if sla.is_file() else None)
    for path in _entries(folder):
        if path.name in ("partner.yaml", "sla.yaml") or path.suffix.lower() in _IGNORED_SUFFIXES:
            continue
        if path.name == "contracts" and path.is_dir():
            result.contracts = _yaml_files(path, layout, "contract")
            continue
        guess = {"partner.yml": "partner.yaml", "sla.yml": "sla.yaml", "contract": "contracts"}.get(path.name)
        layout.problems.append(_problem(
            layout.display(path), "unexpected-file", f"unexpected '{path.name}' in a partner folder",
            f"did you mean '{guess}'?" if guess else
            "a partner folder holds partner.yaml, sla.yaml and contracts/<id>.yaml",
            Severity.ERROR if guess else Severity.WARNING,
        ))
    if result.profile is None:
        layout.problems.append(_problem(
            layout.display(folder), "missing-file", f"partner folder '{partner_id}' has no partner.yaml",
            "add partner.yaml (partnerbook new partner ID writes one) or remove the folder",
        ))
    return result


def discover(root: Path) -> Layout:
    """Walk the fixed layout under ``root``; problems are collected, never raised."""
    settings = root / SETTINGS_FILE
    layout = Layout(root, settings if settings.is_file() else None)
    if (root / "partnerbook.yaml").is_file():
        layout.problems.append(_problem("partnerbook.yaml", "file-extension",
                                        "the settings file is called partnerbook.yml",
                                        "rename partnerbook.yaml to partnerbook.yml"))
    for folder in _entries(root / "partners"):
        if not folder.is_dir():
            if folder.suffix.lower() not in _IGNORED_SUFFIXES:
                layout.problems.append(_problem(layout.display(folder), "unexpected-file",
                                                "partners/ holds one folder per partner",
                                                "move the file into partners/<partner-id>/", Severity.WARNING))
            continue
        partner_id = _id_from(folder, layout, "partner")
        if partner_id is not None:
            layout.partners[partner_id] = _partner_folder(folder, partner_id, layout)
    layout.campaigns = _yaml_files(root / "campaigns", layout, "campaign")
    return layout
