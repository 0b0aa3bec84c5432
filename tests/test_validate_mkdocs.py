"""``partnerbook validate`` checks the repository's mkdocs.yml as build would, so a pull request sees it first.

A pull request that adds a hook to mkdocs.yml, or turns on trusted mode in partnerbook.yml, is
marked on its line by the CI check, not only when main builds.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TODAY, copy_base

from generator.cli import main

REPO = Path(__file__).resolve().parent.parent
HOOKS = "site_name: x\ncopyright: ours\n\nhooks:\n  - hook.py\n"


def validate(root: Path, capsys: pytest.CaptureFixture[str], *options: str) -> tuple[int, str]:
    """``partnerbook validate`` through the entry point: exit code and standard output."""
    try:
        code = main(["validate", "--root", str(root), "--today", TODAY, *options])
    except SystemExit as exc:
        code = exc.code
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return (code if isinstance(code, int) else 0 if code is None else 1), captured.out


def with_mkdocs_yml(tmp_path: Path, text: str) -> Path:
    root = copy_base(tmp_path / "portfolio")
    (root / "mkdocs.yml").write_text(text, encoding="utf-8")
    return root


def trust(root: Path) -> None:
    settings = root / "partnerbook.yml"
    text = settings.read_text(encoding="utf-8")
    assert text.startswith("site:\n")
    settings.write_text(text.replace("site:\n", "site:\n  trust_mkdocs_yml: true\n", 1), encoding="utf-8")


def test_a_hook_in_mkdocs_yml_fails_validate_at_its_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = with_mkdocs_yml(tmp_path, HOOKS)

    code, out = validate(root, capsys)

    assert code == 1, out
    assert "mkdocs.yml:4:1: error: 'hooks': hooks are Python files MkDocs runs [mkdocs-refused]" in out, out
    assert "trust_mkdocs_yml" in out, "the hint names the setting"
    assert "(below)" not in out


def test_a_hook_in_mkdocs_yml_is_an_annotation_on_its_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = with_mkdocs_yml(tmp_path, HOOKS)

    code, out = validate(root, capsys, "--format", "github")

    assert code == 1, out
    assert "::error file=mkdocs.yml,line=4,col=1,title=partnerbook mkdocs-refused::'hooks'" in out, out

    code, out = validate(root, capsys, "--format", "json")
    assert code == 1
    found = [p for p in json.loads(out) if p["file"] == "mkdocs.yml"]
    assert [(p["line"], p["column"], p["rule"], p["severity"]) for p in found] == [(4, 1, "mkdocs-refused", "error")]


@pytest.mark.parametrize(("yml", "where", "key"), [
    ("theme:\n  name: material\n  custom_dir: overrides\n", "3:3", "theme.custom_dir"),
    ("markdown_extensions:\n  - tables\n  - pymdownx.snippets\n", "1:1", "markdown_extensions"),
    ("plugins: [search, macros]\n", "1:1", "plugins"),
    ("extra:\n  social:\n    - icon: material/no-such-icon-here\n      link: https://x.example/\n", "3:13",
     "extra.social[0].icon"),
    ("repo_url: javascript:alert(1)\n", "1:11", "repo_url"),
])
def test_every_refusal_of_build_fails_validate(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], yml: str, where: str, key: str) -> None:
    root = with_mkdocs_yml(tmp_path, yml)

    code, out = validate(root, capsys)

    assert code == 1, out
    assert f"mkdocs.yml:{where}: error: '{key}'" in out, out
    assert "[mkdocs-refused]" in out


def test_a_yaml_tag_in_mkdocs_yml_fails_validate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = with_mkdocs_yml(tmp_path, "site_name: x\ncopyright: !!python/name:os.system\n")

    code, out = validate(root, capsys)

    assert code == 1, out
    assert "mkdocs.yml:2:12: error: " in out, out
    assert "[yaml-tag]" in out
    assert "remove the tag" in out


def test_the_example_repositorys_own_mkdocs_yml_validates(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "example"
    for folder in ("partners", "campaigns"):
        shutil.copytree(REPO / folder, root / folder)
    for name in ("partnerbook.yml", "mkdocs.yml"):
        shutil.copyfile(REPO / name, root / name)

    code, out = validate(root, capsys, "--format", "json")

    assert code == 0, out
    problems = json.loads(out)
    assert [p for p in problems if p["severity"] == "error"] == []
    assert [p for p in problems if p["file"] == "mkdocs.yml"] == []
    from generator.checks.mkdocs_yml import check_mkdocs_yml

    assert check_mkdocs_yml(root).problems == []


def test_trusted_mode_is_a_warning_on_the_line_that_turns_it_on(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = with_mkdocs_yml(tmp_path, HOOKS)
    trust(root)

    code, out = validate(root, capsys)

    assert code == 0, out
    assert ("partnerbook.yml:2:3: warning: site.trust_mkdocs_yml is on: the repository's mkdocs.yml runs as code "
            "on build and serve (hooks, plugins, Markdown extensions, theme templates) [mkdocs-trusted]") in out, out
    assert "hint: review mkdocs.yml like code; remove the setting to build with the allow-list" in out
    assert "mkdocs-refused" not in out, "trusted: mkdocs.yml keys are not refused, as in build"

    code, out = validate(root, capsys, "--format", "github")
    assert code == 0
    assert "::warning file=partnerbook.yml,line=2,col=3,title=partnerbook mkdocs-trusted::" in out, out

    code, _ = validate(root, capsys, "--strict")
    assert code == 1


def test_trusted_mode_without_mkdocs_yml_still_warns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_base(tmp_path / "portfolio")
    trust(root)

    code, out = validate(root, capsys)

    assert code == 0
    assert "partnerbook.yml:2:3: warning: " in out, out
    assert "[mkdocs-trusted]" in out


def test_trusted_mode_still_refuses_a_yaml_tag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = with_mkdocs_yml(tmp_path, "site_name: x\ncopyright: !!python/name:os.system\n")
    trust(root)

    code, out = validate(root, capsys)

    assert code == 1, out
    assert "mkdocs.yml:2:12: error: " in out, out


def test_a_folder_named_mkdocs_yml_fails_validate_and_build(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_base(tmp_path / "portfolio")
    (root / "mkdocs.yml").mkdir()
    (root / "mkdocs.yml" / "x.yml").write_text("hooks: [x.py]\n", encoding="utf-8")

    code, out = validate(root, capsys)

    assert code == 1, out
    assert "mkdocs.yml: error: mkdocs.yml is not a regular file [unsafe-file]" in out, out
    assert out.count("[unsafe-file]") == 1, out

    try:
        code = main(["build", "--root", str(root), "--today", TODAY])
    except SystemExit as exc:
        code = exc.code
    captured = capsys.readouterr()
    assert code == 1
    assert "mkdocs.yml is" in captured.out + captured.err
    assert "not a regular file" in captured.out + captured.err
    assert not (root / "site").exists()


def test_validate_checks_mkdocs_yml_without_loading_mkdocs(tmp_path: Path) -> None:
    root = with_mkdocs_yml(tmp_path, "theme:\n  icon:\n    logo: material/library\n    repo: material/nope-nope\n")
    code = (f"import sys\nfrom datetime import date\nfrom pathlib import Path\n"
            f"from generator.checks.validate import validate_portfolio\n"
            f"_, result = validate_portfolio(Path({str(root)!r}), date(2026, 11, 24))\n"
            f"print(sorted((p.line, p.rule) for p in result.problems if p.file == 'mkdocs.yml'))\n"
            f"print(','.join(m for m in ('mkdocs', 'material', 'pandas', 'matplotlib', 'click') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    found, loaded = done.stdout.splitlines()
    assert found == "[(4, 'mkdocs-refused')]", done.stdout
    assert loaded == "", f"validate loaded {loaded}"
