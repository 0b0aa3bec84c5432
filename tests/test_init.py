"""`partnerbook init`, the records root found from any folder, and `new` writing the schemas its modeline names."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml
from conftest import TODAY

from generator import __version__, templates_dir
from generator.checks.people import NOTE
from generator.cli import main
from generator.records.init import PROJECT_URL, find_root

REPO = Path(__file__).resolve().parents[1]
GITLAB_TEMPLATE = templates_dir() / "ci" / "gitlab-ci.yml"
NO_TEAM = NOTE + "\n"  # a new repository has no team.yaml yet: validate suggests one on stderr

INIT_FILES = [
    "partnerbook.yml", "partners/.gitkeep", "campaigns/.gitkeep", ".gitignore", ".pre-commit-config.yaml",
    "README.md", "schemas/partner.schema.json", "schemas/contract.schema.json", "schemas/sla.schema.json",
    "schemas/campaign.schema.json", "schemas/settings.schema.json", "schemas/team.schema.json",
]


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """The entry point with its error handling, like the `partnerbook` script."""
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    captured = capsys.readouterr()
    return (code if isinstance(code, int) else 0 if code is None else 1), captured.out, captured.err


def files_under(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if not p.is_dir())


@pytest.fixture
def repo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    code, _, err = run(["init", str(tmp_path / "records")], capsys)
    assert code == 0, err
    return tmp_path / "records"


# ---------------------------------------------------------------------------- init


def test_init_writes_a_repository_whose_first_validate_and_build_pass(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str],
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "new" / "records"  # created, parents too

    code, out, _ = run(["init", str(target), "--title", "Acme partnerships"], capsys)

    assert code == 0
    assert files_under(target) == sorted([*INIT_FILES, ".github/workflows/partnerbook.yml"])
    assert f"wrote {target / 'partnerbook.yml'}\n" in out
    assert "Next steps:" in out
    assert f"cd {target}" in out
    assert "partnerbook new partner" in out
    monkeypatch.chdir(target)
    assert run(["validate", "--today", TODAY], capsys) == (0, "1 file checked: no problems\n", NO_TEAM)
    code, out, err = run(["build", "--today", TODAY], capsys)
    assert code == 0, err
    index = (target / "site" / "index.html").read_text(encoding="utf-8")
    assert "Acme partnerships" in index
    assert (target / "site" / "partners" / "index.html").is_file()


def test_init_files_pin_this_version_and_point_at_the_schemas(repo: Path) -> None:
    hooks = yaml.safe_load((repo / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert hooks == {"repos": [{"repo": PROJECT_URL, "rev": f"v{__version__}",
                                "hooks": [{"id": "partnerbook-validate"}]}]}
    settings = (repo / "partnerbook.yml").read_text(encoding="utf-8")
    assert settings.startswith("# yaml-language-server: $schema=schemas/settings.schema.json\n")
    assert yaml.safe_load(settings) == {"site": {"title": "Partnerships", "language": "en"}, "currency": "EUR"}
    assert (repo / "schemas/partner.schema.json").read_bytes() == (REPO / "schemas/partner.schema.json").read_bytes()
    workflow = (repo / ".github/workflows/partnerbook.yml").read_text(encoding="utf-8")
    assert "pip install -e ." not in workflow  # a records repository has no pyproject.toml
    assert "pyproject.toml" not in workflow
    assert workflow.count(f'pip install "partnerbook @ git+{PROJECT_URL}@v{__version__}"') == (
        templates_dir() / "ci" / "github.yml").read_text(encoding="utf-8").count("pip install -e .") > 0
    assert yaml.safe_load(workflow)["jobs"].keys() == yaml.safe_load(
        (templates_dir() / "ci" / "github.yml").read_text(encoding="utf-8"))["jobs"].keys()
    readme = (repo / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# Partnerships\n")
    assert f"pip install 'partnerbook=={__version__}'" in readme
    assert "partnerbook new partner" in readme
    assert "partnerbook validate" in readme
    assert "`site/`" in readme
    assert ".github/workflows/partnerbook.yml" in readme


def test_init_is_deterministic(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("a", "b"):
        assert run(["init", str(tmp_path / name), "--title", "Same"], capsys)[0] == 0

    for name in files_under(tmp_path / "a"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_init_with_no_ci_writes_no_workflow(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run(["init", str(tmp_path / "r"), "--ci", "none"], capsys)

    assert code == 0
    assert files_under(tmp_path / "r") == sorted(INIT_FILES)


def test_init_for_gitlab_writes_the_gitlab_pipeline(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["init", str(tmp_path / "r"), "--ci", "gitlab"], capsys)

    if not GITLAB_TEMPLATE.is_file():  # the template ships with the GitLab support; until then a clear error
        assert code == 1
        assert "no gitlab workflow template" in err
        assert not (tmp_path / "r").exists() or files_under(tmp_path / "r") == []
        return
    assert code == 0, err
    assert files_under(tmp_path / "r") == sorted([*INIT_FILES, ".gitlab-ci.yml"])
    pipeline = (tmp_path / "r" / ".gitlab-ci.yml").read_text(encoding="utf-8")
    assert "pip install -e ." not in pipeline
    assert yaml.safe_load(pipeline).keys() == yaml.safe_load(GITLAB_TEMPLATE.read_text(encoding="utf-8")).keys()
    assert ".gitlab-ci.yml" in (tmp_path / "r" / "README.md").read_text(encoding="utf-8")


def test_init_in_the_current_empty_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "here").mkdir()
    (tmp_path / "here" / ".git").mkdir()  # an existing (empty) git repository is fine
    monkeypatch.chdir(tmp_path / "here")

    code, out, _ = run(["init"], capsys)

    assert code == 0
    assert "wrote partnerbook.yml\n" in out
    assert "  cd " not in out
    assert (tmp_path / "here" / "partners" / ".gitkeep").is_file()
    assert run(["validate", "--today", TODAY], capsys)[0] == 0


@pytest.mark.parametrize("existing", ["partnerbook.yml", "README.md", "schemas/partner.schema.json",
                                      ".github/workflows/partnerbook.yml"])
def test_init_overwrites_nothing(existing: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "r"
    (target / existing).parent.mkdir(parents=True)
    (target / existing).write_text("mine\n", encoding="utf-8")

    code, _, err = run(["init", str(target)], capsys)

    assert code == 1
    assert "nothing was written" in err
    assert f"\n  {existing}" in err
    assert (target / existing).read_text(encoding="utf-8") == "mine\n"
    assert files_under(target) == [existing]


def test_init_in_the_example_repository_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(REPO / "tests" / "cases" / "base", tmp_path / "r")
    before = files_under(tmp_path / "r")

    code, _, err = run(["init", str(tmp_path / "r")], capsys)

    assert code == 1
    assert "\n  partnerbook.yml" in err
    assert files_under(tmp_path / "r") == before


@pytest.mark.parametrize("link", [".gitignore", "schemas", ".github", "partners"])
def test_init_never_writes_through_a_link(link: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "keep.txt").write_text("keep\n", encoding="utf-8")
    target = tmp_path / "r"
    target.mkdir()
    (target / link).symlink_to(victim if link != ".gitignore" else victim / "keep.txt")

    code, _, err = run(["init", str(target)], capsys)

    assert code == 1
    assert link in err
    assert "Traceback" not in err
    assert files_under(victim) == ["keep.txt"]
    assert (victim / "keep.txt").read_text(encoding="utf-8") == "keep\n"
    assert sorted(os.listdir(target)) == [link]  # nothing written beside it either


@pytest.mark.parametrize(("argv", "option"), [
    (["--title", ""], "--title"),
    (["--title", "two\nlines"], "--title"),
    (["--currency", "EURO"], "--currency"),
    (["--currency", "€"], "--currency"),
    (["--ci", "jenkins"], "--ci"),
])
def test_bad_init_options_are_wrong_usage(argv: list[str], option: str, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["init", str(tmp_path / "r"), *argv], capsys)

    assert code == 2
    assert option in err
    assert not (tmp_path / "r").exists()


def test_title_and_currency_reach_the_settings_as_given(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    title = 'Acme "partners": #1 — Caffè & <b>Co</b> {{ x }} \\ ok'

    code, _, _ = run(["init", str(tmp_path / "r"), "--title", title, "--currency", "usd"], capsys)

    assert code == 0
    settings = yaml.safe_load((tmp_path / "r" / "partnerbook.yml").read_text(encoding="utf-8"))
    assert settings["site"]["title"] == title
    assert settings["currency"] == "USD"
    monkeypatch.chdir(tmp_path / "r")
    assert run(["validate", "--today", TODAY], capsys)[0] == 0
    assert run(["build", "--today", TODAY], capsys)[0] == 0
    index = (tmp_path / "r" / "site" / "index.html").read_text(encoding="utf-8")
    assert "<b>Co</b>" not in index  # shown as text, never as markup
    assert "&lt;b&gt;Co&lt;/b&gt;" in index


def test_the_gitignore_ignores_the_outputs_whatever_their_kind(repo: Path) -> None:
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "site").symlink_to("elsewhere")  # a link named site is ignored too (build refuses it anyway)
    (repo / ".partnerbook").mkdir()
    (repo / ".partnerbook" / "cache").write_text("x", encoding="utf-8")
    (repo / ".site.building-1").mkdir()
    (repo / ".site.building-1" / "index.html").write_text("x", encoding="utf-8")
    (repo / ".site.old").write_text("x", encoding="utf-8")
    (repo / "partnerbook.ics").write_text("x", encoding="utf-8")
    (repo / "partners" / "acme").mkdir()
    (repo / "partners" / "acme" / "partner.yaml").write_text("x", encoding="utf-8")

    status = subprocess.run(["git", "-C", str(repo), "status", "--porcelain", "--untracked-files=all"],
                            check=True, capture_output=True, text=True).stdout

    shown = sorted(line[3:] for line in status.splitlines())
    assert shown == sorted([*INIT_FILES, ".github/workflows/partnerbook.yml", "partners/acme/partner.yaml"])


# ---------------------------------------------------------------------------- the root, from any folder


def test_every_command_finds_the_root_from_a_subfolder(repo: Path, capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795478400")  # 2026-11-24, so `new` dates its skeleton
    monkeypatch.chdir(repo / "campaigns")
    assert run(["new", "partner", "acme"], capsys)[0] == 0
    assert (repo / "partners" / "acme" / "partner.yaml").is_file()
    monkeypatch.chdir(repo / "partners" / "acme")
    assert run(["new", "contract", "msa-2027", "--partner", "acme"], capsys)[0] == 0
    monkeypatch.chdir(repo / "partners" / "acme" / "contracts")

    assert run(["validate", "--today", TODAY], capsys) == (0, "3 files checked: no problems\n", NO_TEAM)
    code, out, _ = run(["kpis", "--today", TODAY, "--format", "json"], capsys)
    assert code == 0
    code, out, _ = run(["calendar", "--today", TODAY], capsys)
    assert code == 0
    assert out == f"wrote {repo / 'partnerbook.ics'}: 3 events\n"  # in the root, not in contracts/
    assert files_under(repo / "partners" / "acme" / "contracts") == ["msa-2027.yaml"]
    assert run(["build", "--today", TODAY], capsys)[0] == 0
    assert (repo / "site" / "partners" / "acme" / "index.html").is_file()
    assert not (repo / "partners" / "acme" / "contracts" / "site").exists()


def test_without_a_root_the_error_says_where_it_looked(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    deep = tmp_path / "a" / "b" / "c"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)

    for argv in (["validate"], ["build"], ["alerts"], ["kpis"], ["calendar"], ["schema"], ["new", "partner", "x"]):
        code, out, err = run(argv, capsys)
        assert code == 1, argv
        assert out == ""
        assert err == (f"partnerbook: no partnerbook.yml, partners/ or campaigns/ in {deep} or any folder above "
                       "it; run `partnerbook init` to start a records repository, or pass --root\n")
    assert files_under(tmp_path / "a") == []


def test_the_nearest_root_wins_and_a_partner_folder_is_never_one(tmp_path: Path) -> None:
    outer, inner = tmp_path / "outer", tmp_path / "outer" / "team" / "records"
    (outer / "campaigns").mkdir(parents=True)
    (inner / "partners" / "campaigns" / "contracts").mkdir(parents=True)  # a partner whose id is "campaigns"
    (inner / "partners" / "campaigns" / "partner.yaml").write_text("name: C\n", encoding="utf-8")
    (inner / "partners" / "acme" / "campaigns").mkdir(parents=True)  # a partner's own folder named campaigns
    (inner / "partners" / "acme" / "partner.yaml").write_text("name: A\n", encoding="utf-8")
    (inner / "partnerbook.yml").write_text("currency: EUR\n", encoding="utf-8")

    assert find_root(inner / "partners") == inner
    assert find_root(inner / "partners" / "campaigns" / "contracts") == inner
    assert find_root(inner / "partners" / "acme" / "campaigns") == inner
    assert find_root(inner) == inner
    assert find_root(outer / "team") == outer
    assert find_root(outer / "campaigns") == outer
    (inner / "partnerbook.yml").unlink()
    assert find_root(inner / "partners") == inner  # partners/ marks it without partnerbook.yml
    assert find_root(tmp_path) is None


def test_a_root_given_with_root_is_used_as_it_is(repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)

    code, out, _ = run(["calendar", "--root", str(repo), "--today", TODAY], capsys)

    assert code == 0
    assert out == "wrote partnerbook.ics: 0 events\n"
    assert (tmp_path / "partnerbook.ics").is_file()  # beside the user, as before
    code, _, err = run(["validate", "--root", str(repo / "partners")], capsys)
    assert code == 1
    assert "has no partners/ or campaigns/ folder" in err


# ---------------------------------------------------------------------------- new: the schemas its modeline names


@pytest.mark.parametrize(("argv", "written"), [
    (["new", "partner", "acme"], "partners/acme/partner.yaml"),
    (["new", "campaign", "easter-2027"], "campaigns/easter-2027.yaml"),
])
def test_new_writes_the_schemas_its_modeline_points_to(argv: list[str], written: str, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "r" / "partners").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "r")

    code, out, _ = run(argv, capsys)

    assert code == 0
    path = tmp_path / "r" / written
    modeline = path.read_text(encoding="utf-8").splitlines()[0]
    target = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", modeline)
    assert target is not None
    schema = (path.parent / target.group(1)).resolve()
    assert schema.is_file()
    assert schema.read_bytes() == (REPO / "schemas" / schema.name).read_bytes()
    assert "wrote schemas/partner.schema.json\n" in out


def test_new_leaves_existing_schemas_alone(repo: Path, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    (repo / "schemas" / "partner.schema.json").write_text("{}\n", encoding="utf-8")
    (repo / "schemas" / "sla.schema.json").unlink()
    monkeypatch.chdir(repo)

    code, out, _ = run(["new", "partner", "acme"], capsys)

    assert code == 0
    assert (repo / "schemas" / "partner.schema.json").read_text(encoding="utf-8") == "{}\n"
    assert out.splitlines()[1:] == ["wrote schemas/sla.schema.json"]


def test_the_contract_modeline_resolves_in_a_new_repository(repo: Path, capsys: pytest.CaptureFixture[str],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    run(["new", "partner", "acme"], capsys)
    run(["new", "contract", "msa", "--partner", "acme"], capsys)

    for path in [repo / "partners/acme/partner.yaml", repo / "partners/acme/contracts/msa.yaml"]:
        target = path.read_text(encoding="utf-8").splitlines()[0].split("$schema=")[1]
        assert (path.parent / target).resolve().is_file(), path


# ---------------------------------------------------------------------------- one version, one project address


def test_the_metadata_the_hook_and_init_agree_on_version_and_address() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["version"] == __version__
    assert project["urls"]["Source"] == PROJECT_URL
    for key in ("description", "readme", "license", "authors", "classifiers", "requires-python"):
        assert project.get(key), key
    sample = (REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    assert f"#     - repo: {PROJECT_URL}\n#       rev: v{__version__}\n" in sample
    hooks = yaml.safe_load(sample)
    assert [hook["id"] for hook in hooks] == ["partnerbook-validate"]
    assert hooks[0]["entry"] == "partnerbook validate"
