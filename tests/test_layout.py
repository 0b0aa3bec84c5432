"""The package is the pipeline: one subpackage per stage, and imports only ever point to earlier stages."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "generator"
STAGES = ["load", "records", "rules", "checks", "ingest", "measure", "alerts", "compute", "draw", "site"]
# The shared core: findings, errors, the date, the tool's own folders and the seal on its caches, the one escaping
# path for text, progress.
SHARED = {"generator", "generator.templates_dir", "generator.problems", "generator.errors", "generator.today",
          "generator.workdir", "generator.cache_key", "generator.markdown", "generator.inert", "generator.i18n",
          "generator.labels", "generator.progress"}
HEAVY = ("pandas", "matplotlib", "mkdocs", "numpy", "click")


def _runtime_imports(path: Path) -> list[tuple[int, str]]:
    """Every ``generator`` module imported by ``path`` outside ``if TYPE_CHECKING:`` (lazy imports too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(child) for body in node.body for child in ast.walk(body))
    found = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "generator":
            if node.module == "generator":
                found += [(node.lineno, f"generator.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] == "generator"]
    return found


def _stage(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in STAGES else None


def test_every_module_belongs_to_a_stage_or_the_shared_core() -> None:
    top = sorted(p.stem for p in PACKAGE.glob("*.py"))
    # The command line (cli.py, and its commands by kind in cli_*.py) calls the stages; no stage imports it.
    assert top == ["__init__", "__main__", "cache_key", "cli", "cli_base", "cli_checks", "cli_records", "cli_site",
                   "errors", "i18n", "inert", "labels", "markdown", "problems", "progress", "today", "workdir"]
    # locale/ holds the message catalogs (data, no code): one folder per language.
    folders = sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__")
    assert folders == sorted([*STAGES, "locale"])
    assert not list((PACKAGE / "locale").rglob("*.py"))


@pytest.mark.parametrize("stage", STAGES)
def test_a_stage_imports_only_earlier_stages(stage: str) -> None:
    rank = STAGES.index(stage)
    wrong = []
    for path in sorted((PACKAGE / stage).rglob("*.py")):
        for line, module in _runtime_imports(path):
            target = _stage(module)
            if module in SHARED or (target is not None and STAGES.index(target) <= rank):
                continue
            wrong.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {module}")
    assert not wrong, "imports against the pipeline's direction:\n" + "\n".join(wrong)


def test_shared_core_imports_no_stage() -> None:
    for name in ("problems", "errors", "today", "workdir", "cache_key", "markdown", "inert"):
        assert all(module in SHARED for _, module in _runtime_imports(PACKAGE / f"{name}.py")), name


def test_validate_and_the_rules_core_stay_light() -> None:
    """validate needs no pandas, matplotlib or mkdocs; the rules core not even click."""
    code = ("import sys, generator.checks.validate, generator.rules.obligations, generator.rules.contracts\n"
            f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


def test_the_wheel_carries_every_stage_and_the_templates() -> None:
    """pyproject lists the packages explicitly (the templates are mapped in): none may be forgotten.

    Each folder of data (a language's catalogs, a template folder) is listed as well: setuptools ships a folder it
    can import but was not told about only with a warning that it will stop doing so.
    """
    import tomllib

    setuptools = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    templates = PACKAGE.parent / "site_templates"
    data = [f"generator.locale.{p.name}" for p in (PACKAGE / "locale").iterdir() if p.is_dir()]
    data += [".".join(["generator.site_templates", *p.relative_to(templates).parts])
             for p in templates.rglob("*") if p.is_dir() and p.name != "__pycache__"]
    assert "generator.locale.it" in data
    assert "generator.site_templates.pages" in data
    assert sorted(setuptools["packages"]) == sorted(["generator", *(f"generator.{s}" for s in STAGES),
                                                     "generator.locale", "generator.site_templates", *data])
    assert setuptools["package-dir"] == {"generator.site_templates": "site_templates"}
    assert setuptools["package-data"] == {"generator.site_templates": ["**/*"],
                                          "generator": ["locale/*/*.po", "locale/*/*.mo"]}
