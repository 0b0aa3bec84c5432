"""Find the record files of a portfolio and check the ids their names give.

The records repository is untrusted: every entry is looked at with ``lstat`` and never
followed. A symbolic link anywhere in the records tree (``partners/``, ``campaigns/``, a
partner folder, ``contracts/``, ``partnerbook.yml``, ``mkdocs.yml``) is refused with an
``unsafe-file`` error naming the path, whether it points inside the repository or out of it;
so are FIFOs, devices and sockets. Nothing they point to is opened or echoed. A folder that
cannot be listed is a ``folder-unreadable`` error, never skipped silently.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from generator.i18n import N_, _
from generator.load.loader import load_bytes
from generator.load.safe_read import link_hint, link_message, read_record
from generator.problems import Problem, Severity, printable
from generator.workdir import kind_of

ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
SETTINGS_FILE = "partnerbook.yml"
TEAM_FILE = "team.yaml"
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
    team: Path | None = None
    partners: dict[str, PartnerFolder] = field(default_factory=dict)
    campaigns: dict[str, Path] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def display(self, path: Path) -> str:
        """The path as findings name it: relative to the root, control characters escaped."""
        return printable(path.relative_to(self.root).as_posix())

    def file_count(self) -> int:
        count = (self.settings is not None) + (self.team is not None) + len(self.campaigns)
        for folder in self.partners.values():
            count += (folder.profile is not None) + (folder.sla is not None) + len(folder.contracts)
        return count


def suggest_id(name: str) -> str:
    """A valid id close to ``name`` (for hints)."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug[:64].strip("-") or "my-id"


def is_id(name: str) -> bool:
    return len(name) <= 64 and bool(ID_RE.fullmatch(name))


def _problem(display: str, rule: str, message: str, hint: str,
             severity: Severity = Severity.ERROR) -> Problem:
    return Problem(display, None, None, rule, severity, message, hint)


# Root files whose kind is checked: each must be a regular file when present.
ROOT_FILES = (SETTINGS_FILE, TEAM_FILE, "mkdocs.yml")
# Where GitHub and GitLab look for a CODEOWNERS file (generator/checks/codeowners.py reads them).
CODEOWNERS_PATHS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS")


def _kind(path: Path, layout: Layout) -> str | None:
    """'dir', 'file' or None (missing, or refused with a finding): what ``path`` is, links not followed."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        layout.problems.append(_problem(layout.display(path), "file-unreadable",
                                        _("cannot look at {path}: {reason}").format(
                                            path=layout.display(path), reason=exc.strerror or exc),
                                        _("check the permissions of the path and the folders above it")))
        return None
    if stat.S_ISDIR(mode):
        return "dir"
    if stat.S_ISREG(mode):
        return "file"
    display = layout.display(path)
    if stat.S_ISLNK(mode):
        layout.problems.append(_problem(display, "unsafe-file", link_message(path, layout.root).format(path=display),
                                        link_hint()))
    else:
        layout.problems.append(_problem(display, "unsafe-file",
                                        _("{path} is {kind}, not a regular file").format(path=display,
                                                                                         kind=kind_of(mode)),
                                        _("remove it: records are plain YAML files")))
    return None


def _entries(folder: Path, layout: Layout) -> list[tuple[Path, str]]:
    """The plain files and folders in ``folder`` with their kind; links and special files become findings."""
    try:
        names = sorted(entry.name for entry in os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError as exc:
        display = layout.display(folder)
        layout.problems.append(_problem(display, "folder-unreadable",
                                        _("cannot list {path}/: {reason}").format(path=display,
                                                                                  reason=exc.strerror or exc),
                                        _("check the folder's permissions (partnerbook must be able to read it)")))
        return []
    found = []
    for name in names:
        if name.startswith("."):
            continue
        path = folder / name
        kind = _kind(path, layout)
        if kind is not None:
            found.append((path, kind))
    return found


# Sentences about a record of each kind ("partner", "contract", "campaign"): whole sentences per kind.
_NOT_AN_ID = {
    "partner": N_("'{name}' is not a valid partner id (ids are file and folder names)"),
    "contract": N_("'{name}' is not a valid contract id (ids are file and folder names)"),
    "campaign": N_("'{name}' is not a valid campaign id (ids are file and folder names)"),
}
_SINGLE_FILES = {
    "contract": N_("contract records are single .yaml files"),
    "campaign": N_("campaign records are single .yaml files"),
}
_NOT_A_RECORD = {
    "contract": N_("not a contract record (.yaml)"),
    "campaign": N_("not a campaign record (.yaml)"),
}


def _id_from(path: Path, is_dir: bool, layout: Layout, what: str) -> str | None:
    """The id a file or folder name gives, or None after recording why it is not one."""
    name = path.name if is_dir else path.name.rsplit(".", 1)[0]
    if is_id(name):
        return name
    layout.problems.append(_problem(
        layout.display(path), "invalid-id",
        _(_NOT_AN_ID[what]).format(name=printable(name, 80)),
        _("rename it to '{id}': 1-64 lowercase letters, digits and single hyphens").format(id=suggest_id(name)),
    ))
    return None


def _yaml_files(folder: Path, layout: Layout, what: str) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path, kind in _entries(folder, layout):
        display = layout.display(path)
        if kind == "dir":
            layout.problems.append(_problem(display, "unexpected-file",
                                            _("unexpected folder in {folder}/").format(folder=layout.display(folder)),
                                            _(_SINGLE_FILES[what]), Severity.WARNING))
            continue
        if path.suffix == ".yml":
            layout.problems.append(_problem(display, "file-extension", _("record files end in .yaml, not .yml"),
                                            _("rename it to {name}").format(name=f"{printable(path.stem)}.yaml")))
            continue
        if path.suffix != ".yaml":
            if path.suffix.lower() not in _IGNORED_SUFFIXES:
                layout.problems.append(_problem(display, "unexpected-file", _(_NOT_A_RECORD[what]),
                                                _("move it out of the records folder"), Severity.WARNING))
            continue
        record_id = _id_from(path, False, layout, what)
        if record_id is not None:
            found[record_id] = path
    return found


def _partner_folder(folder: Path, partner_id: str, layout: Layout) -> PartnerFolder:
    result = PartnerFolder(partner_id, None, None)
    for path, kind in _entries(folder, layout):
        if path.name == "partner.yaml" and kind == "file":
            result.profile = path
            continue
        if path.name == "sla.yaml" and kind == "file":
            result.sla = path
            continue
        if kind == "file" and path.suffix.lower() in _IGNORED_SUFFIXES:
            continue
        if path.name == "contracts" and kind == "dir":
            result.contracts = _yaml_files(path, layout, "contract")
            continue
        guess = {"partner.yml": "partner.yaml", "sla.yml": "sla.yaml", "contract": "contracts"}.get(path.name)
        layout.problems.append(_problem(
            layout.display(path), "unexpected-file",
            _("unexpected '{name}' in a partner folder").format(name=printable(path.name, 80)),
            _("did you mean '{name}'?").format(name=guess) if guess else
            _("a partner folder holds partner.yaml, sla.yaml and contracts/<id>.yaml"),
            Severity.ERROR if guess else Severity.WARNING,
        ))
    if result.profile is None and not any(p.file == layout.display(folder / "partner.yaml") for p in layout.problems):
        layout.problems.append(_problem(
            layout.display(folder), "missing-file",
            _("partner folder '{id}' has no partner.yaml").format(id=partner_id),
            _("add partner.yaml (partnerbook new partner ID writes one) or remove the folder"),
        ))
    return result


def discover(root: Path) -> Layout:
    """Walk the fixed layout under ``root``; problems are collected, never raised."""
    layout = Layout(root, None)
    for name in ROOT_FILES:
        kind = _kind(root / name, layout)
        if kind == "file" and name == SETTINGS_FILE:
            layout.settings = root / name
        elif kind == "file" and name == TEAM_FILE:
            layout.team = root / name
        elif kind == "dir" and name in (SETTINGS_FILE, TEAM_FILE):  # a folder must not silently mean "none"
            layout.problems.append(_problem(name, "unsafe-file", _("{name} is a folder, not a file").format(name=name),
                                            _("replace it with the {name} file (or remove it)").format(name=name)))
    if (root / "partnerbook.yaml").is_file():
        layout.problems.append(_problem("partnerbook.yaml", "file-extension",
                                        _("the settings file is called partnerbook.yml"),
                                        _("rename partnerbook.yaml to partnerbook.yml")))
    if _kind(root / "partners", layout) == "dir":
        for folder, kind in _entries(root / "partners", layout):
            if kind != "dir":
                if folder.suffix.lower() not in _IGNORED_SUFFIXES:
                    layout.problems.append(_problem(layout.display(folder), "unexpected-file",
                                                    _("partners/ holds one folder per partner"),
                                                    _("move the file into partners/<partner-id>/"), Severity.WARNING))
                continue
            partner_id = _id_from(folder, True, layout, "partner")
            if partner_id is not None:
                layout.partners[partner_id] = _partner_folder(folder, partner_id, layout)
    if _kind(root / "campaigns", layout) == "dir":
        layout.campaigns = _yaml_files(root / "campaigns", layout, "campaign")
    return layout


_LANGUAGE = re.compile(r"^[a-z]{2}(-[A-Za-z]{2,4})?$")  # as generator/records/settings.py checks site.language


def settings_language(root: Path) -> str | None:
    """``site.language`` as partnerbook.yml writes it, read before anything else so every finding (those
    about the layout and partnerbook.yml itself included) is written in the team's language; None when the
    file is missing, unreadable or says nothing usable (its findings come when it is read for real)."""
    data, _problems = read_record(root, root / SETTINGS_FILE, SETTINGS_FILE)
    if data is None:
        return None
    doc, _problems = load_bytes(data, SETTINGS_FILE)
    site = doc.data.get("site") if doc is not None else None
    language = site.get("language") if isinstance(site, dict) else None
    return language if isinstance(language, str) and _LANGUAGE.match(language) else None
