"""``partnerbook init``: start a records repository; and the records root found from any folder inside one."""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

import generator
from generator import templates_dir
from generator.errors import PartnerbookError
from generator.i18n import _
from generator.workdir import ensure_dir, write_output

# Where partnerbook is published: the pre-commit hook of a new repository points here
# (pyproject.toml's [project.urls] Source says the same; tests/test_init.py checks it).
PROJECT_URL = "https://github.com/partnerbook/partnerbook"

# What marks a records root, in the order they are named in messages.
ROOT_MARKERS = ("partnerbook.yml", "partners", "campaigns")
RECORD_FOLDERS = ("partners", "campaigns")
PARTNER_FILE = "partner.yaml"

# --ci: the template under site_templates/ci/ and where the repository gets it.
CI_FILES = {
    "github": ("github.yml", ".github/workflows/partnerbook.yml"),
    "gitlab": ("gitlab-ci.yml", ".gitlab-ci.yml"),
}
INSTALL_HERE = "pip install -e ."
CI_NOTES = {
    "github": "On pull requests `.github/workflows/partnerbook.yml` checks the records and marks each problem "
              "on its line;\non `main` it builds the site and publishes it (see the comments in that file).",
    "gitlab": "On merge requests `.gitlab-ci.yml` checks the records and reports each problem in the merge "
              "request;\non the default branch it builds the site (see the comments in that file).",
    "none": "",
}


# ---------------------------------------------------------------------------- finding the root

def _exists(path: Path) -> bool:
    return os.path.lexists(path)


def _real_dir(path: Path) -> bool:
    return stat.S_ISDIR(os.lstat(path).st_mode)


def _marks_root(folder: Path) -> bool:
    """``folder`` holds partnerbook.yml, or a partners/ or campaigns/ folder that is not itself a partner's folder.

    A partner may be called ``campaigns``: then ``partners/campaigns/partner.yaml`` exists and
    ``partners/`` is not a root for holding it.
    """
    if _exists(folder / "partnerbook.yml"):
        return True
    return any(os.path.isdir(folder / name) and not _exists(folder / name / PARTNER_FILE) for name in RECORD_FOLDERS)


def find_root(start: Path) -> Path | None:
    """The nearest folder from ``start`` upward that is a records root (as git finds ``.git``), else None.

    A partner's own folder (it holds partner.yaml) is never the root, even when it happens to hold
    a folder named campaigns/: the search goes on to the repository above it.
    """
    here = Path(os.path.abspath(start))
    for folder in (here, *here.parents):
        if _exists(folder / PARTNER_FILE):
            continue
        if _marks_root(folder):
            return folder
    return None


def no_root_message(start: Path) -> str:
    here = Path(os.path.abspath(start))
    return _("no partnerbook.yml, partners/ or campaigns/ in {path} or any folder above it; run `partnerbook "
             "init` to start a records repository, or pass --root").format(path=here)


# ---------------------------------------------------------------------------- init

@dataclass(frozen=True)
class Options:
    title: str = "Partnerships"
    currency: str = "EUR"
    ci: str = "github"


def check_title(value: str) -> str:
    """A site title as partnerbook.yml accepts it: one printable line. Raises ValueError."""
    from pydantic import ValidationError

    from generator.records.settings import SiteSettings

    if not value.strip() or not value.isprintable():
        raise ValueError(_("a title is one line of printable text"))
    try:
        SiteSettings(title=value)
    except ValidationError as exc:
        raise ValueError(exc.errors()[0]["msg"]) from None
    return value.strip()


def check_currency(value: str) -> str:
    """An ISO 4217 code such as EUR (case-insensitive). Raises ValueError."""
    code = value.strip().upper()
    if len(code) != 3 or not code.isascii() or not code.isalpha():
        raise ValueError(_("{value} is not a currency code: write three letters such as EUR, USD or GBP").format(
            value=repr(value)))
    return code


def _render(name: str, **values: str) -> bytes:
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(templates_dir() / "init"), autoescape=False,
                             keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    return env.get_template(name).render(**values).encode("utf-8")


def _ci_template(ci: str) -> Path:
    source = templates_dir() / "ci" / CI_FILES[ci][0]
    if not source.is_file():
        raise PartnerbookError(_("this partnerbook has no {ci} workflow template ({source}); use --ci github or "
                                 "--ci none").format(ci=ci, source=source))
    return source


def ci_workflow(ci: str) -> bytes:
    """The CI template for a records repository of its own: partnerbook is installed as the pinned release
    (the checkout of partnerbook installs itself with ``pip install -e .``), and pip's cache follows the pin."""
    text = _ci_template(ci).read_text(encoding="utf-8")
    for here, there in ((INSTALL_HERE, f'pip install "partnerbook @ git+{PROJECT_URL}@v{generator.__version__}"'),
                        ("cache-dependency-path: pyproject.toml", "cache-dependency-path: .pre-commit-config.yaml")):
        text = text.replace(here, there)
    return text.encode("utf-8")


def schema_file(name: str) -> bytes:
    """``schemas/<name>.schema.json`` as ``partnerbook schema`` writes it."""
    from generator.records.schema_export import schema_for

    return (json.dumps(schema_for(name), indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def plan(options: Options) -> dict[str, bytes]:
    """Every file ``init`` writes, relative to the new repository, with its bytes (deterministic)."""
    from generator.records.schema_export import SCHEMAS

    values = {"title": options.title, "version": generator.__version__, "project_url": PROJECT_URL}
    files: dict[str, bytes] = {
        "partnerbook.yml": _render("partnerbook.yml.j2", title=json.dumps(options.title, ensure_ascii=False),
                                   currency=options.currency),
        "partners/.gitkeep": b"",
        "campaigns/.gitkeep": b"",
        ".gitignore": _render("gitignore.j2"),
        ".pre-commit-config.yaml": _render("pre-commit-config.yaml.j2", **values),
        "README.md": _render("README.md.j2", ci_note=CI_NOTES[options.ci], **values),
    }
    for name in SCHEMAS:
        files[f"schemas/{name}.schema.json"] = schema_file(name)
    if options.ci != "none":
        files[CI_FILES[options.ci][1]] = ci_workflow(options.ci)
    return files


def init_repository(target: Path, options: Options) -> list[str]:
    """Create the records repository at ``target``; returns the files written (relative, in order).

    Nothing is overwritten: when any of the files exists (in whatever kind: file, folder, link),
    nothing is written and the error lists them. Folders inside ``target`` are created as real
    folders and files are created exclusively, so no link in ``target`` can send a file elsewhere.
    """
    files = plan(options)
    if _exists(target) and not os.path.isdir(target):
        raise PartnerbookError(_("{path} exists and is not a folder; choose another folder for the "
                                 "repository").format(path=target))
    taken = [name for name in files if _exists(target / name)]
    for name in files:  # a folder on the way must be a real folder (never a link or a file)
        for folder in list(Path(name).parents)[-2::-1]:
            if _exists(target / folder) and not _real_dir(target / folder):
                taken.append(_("{path} (not a folder: a link or a file)").format(path=folder.as_posix()))
    if taken:
        shown = "\n  ".join(sorted(set(taken)))
        raise PartnerbookError(_("{path} already holds files `partnerbook init` would write; nothing was "
                                 "written. Move or remove them, or run init in an empty folder:").format(path=target)
                               + f"\n  {shown}")
    target.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        parent = Path(name).parent.parts
        ensure_dir(target, *parent)
        write_output(target, target / name, data, new=True)
    return list(files)
