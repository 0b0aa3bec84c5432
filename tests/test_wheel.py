"""The package as a built wheel, not the checkout: templates and defaults ship inside it.

The wheel is built from a copy of what the package is made of (no network: no build isolation,
no index), installed into a folder of its own and run from a folder outside the checkout, so
neither the checkout's generator/ nor its site_templates/ can be used by accident. The
dependencies (pandas, MkDocs, ...) come from the running environment.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from generator import __version__

REPO = Path(__file__).resolve().parents[1]
TODAY = "2026-11-24"


def _sh(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, f"{argv} exited {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from the sources and installed (without dependencies) into its own folder."""
    top = tmp_path_factory.mktemp("wheel")
    source = top / "source"
    source.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    for name in ("generator", "site_templates"):
        shutil.copytree(REPO / name, source / name, ignore=ignore)
    _sh([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--no-index",
         "-w", str(top / "dist"), str(source)], cwd=top)
    wheels = list((top / "dist").glob("partnerbook-*.whl"))
    assert [w.name for w in wheels] == [f"partnerbook-{__version__}-py3-none-any.whl"]
    _sh([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", "--target",
         str(top / "site"), str(wheels[0])], cwd=top)
    return top


def _env(installed: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SOURCE_DATE_EPOCH", "GITHUB_STEP_SUMMARY")}
    env["PYTHONPATH"] = str(installed / "site")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def test_the_wheel_carries_the_templates(installed: Path) -> None:
    (wheel,) = (installed / "dist").glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())

    for template in ("records/partner.yaml.j2", "pages/home.md.j2", "assets/partnerbook.css", "ci/github.yml",
                     "init/partnerbook.yml.j2", "init/gitignore.j2", "init/pre-commit-config.yaml.j2",
                     "init/README.md.j2"):
        assert f"generator/site_templates/{template}" in names, template
    # Every message catalog, so an installed partnerbook writes in the team's language too.
    catalogs = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "generator" / "locale").rglob("*.[pm]o"))
    assert catalogs
    assert set(catalogs) <= names
    assert not any(name.startswith(("tests/", "partners/", "campaigns/")) for name in names)


def test_init_new_validate_and_build_from_the_installed_wheel(installed: Path, tmp_path: Path) -> None:
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = _env(installed)
    script = installed / "site" / "bin" / "partnerbook"
    assert script.is_file()

    where = _sh([sys.executable, "-c", "import generator; print(generator.__file__); print(generator.templates_dir())"],
                cwd=work, env=env).stdout.splitlines()
    assert Path(where[0]).is_relative_to(installed / "site"), where
    assert Path(where[1]) == installed / "site" / "generator" / "site_templates"

    assert _sh([str(script), "--version"], cwd=work, env=env).stdout == f"partnerbook, version {__version__}\n"
    _sh([str(script), "init", "records", "--title", "Wheel partnerships"], cwd=work, env=env)
    repo = work / "records"
    assert f"rev: v{__version__}" in (repo / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    assert (repo / ".github" / "workflows" / "partnerbook.yml").is_file()

    _sh([str(script), "new", "partner", "acme-payments"], cwd=repo / "partners", env=env)
    _sh([str(script), "new", "contract", "msa-2027", "--partner", "acme-payments"], cwd=repo, env=env)
    _sh([sys.executable, "-m", "generator", "new", "campaign", "easter-2027"], cwd=repo / "campaigns", env=env)
    checked = _sh([str(script), "validate", "--today", TODAY], cwd=repo / "partners" / "acme-payments", env=env)
    assert checked.stdout == "4 files checked: no problems\n"
    built = _sh([str(script), "build", "--today", TODAY], cwd=repo, env=env)

    assert built.stdout.startswith(f"built {repo / 'site'}: ")
    assert "Wheel partnerships" in (repo / "site" / "index.html").read_text(encoding="utf-8")
    assert (repo / "site" / "partners" / "acme-payments" / "index.html").is_file()
    assert (repo / "site" / "campaigns" / "easter-2027" / "index.html").is_file()
    assert (repo / "site" / "assets" / "partnerbook.css").is_file()
