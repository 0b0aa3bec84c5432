"""The repository's mkdocs.yml is configuration, not code: only an allow-list reaches MkDocs.

Every test builds a real copy of the base portfolio with a real mkdocs.yml and looks at what a
reader's browser gets (or at the files a hostile configuration would have touched).
"""

from __future__ import annotations

import base64
import os
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import TODAY, copy_base

from generator.cli import main

REPO = Path(__file__).resolve().parent.parent
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5E"
                       "rkJggg==")
HOSTILE_TEXT = '"><script>alert("pb-mk")</script><img src=x onerror=alert(2)>'


def build(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """``partnerbook build`` through the entry point: exit code and everything printed."""
    try:
        code = main(["build", "--root", str(root), "--today", TODAY])
    except SystemExit as exc:
        code = exc.code
    captured = capsys.readouterr()
    return (code if isinstance(code, int) else 0 if code is None else 1), captured.out + captured.err


def portfolio(tmp_path: Path, mkdocs_yml: str) -> Path:
    root = copy_base(tmp_path / "portfolio")
    (root / "mkdocs.yml").write_text(mkdocs_yml, encoding="utf-8")
    return root


class _Active(HTMLParser):
    """Scripts and event-handler attributes of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.handlers: list[str] = []
        self.links: list[str] = []
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_script = tag == "script"
        if tag == "script":
            self.scripts.append(dict(attrs).get("src") or "")
        self.handlers += [f"{name}={value}" for name, value in attrs if name.startswith("on")]
        self.links += [value or "" for name, value in attrs if name in ("href", "src")]

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)
        else:
            self.text.append(data)


def active(page: Path) -> _Active:
    parser = _Active()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def assert_refused(code: int, output: str, where: str, key: str) -> None:
    assert code == 1, output
    assert f"mkdocs.yml:{where}: '{key}'" in output, output
    assert "Traceback" not in output
    assert "internal error" not in output


def test_the_projects_own_mkdocs_yml_builds_and_its_copyright_is_text(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    own = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    root = portfolio(tmp_path, own + f"copyright: '{HOSTILE_TEXT}'\nsite_description: '{HOSTILE_TEXT}'\n")

    code, output = build(root, capsys)

    assert code == 0, output
    home = active(root / "site" / "index.html")
    assert not [s for s in home.scripts if "pb-mk" in s or "alert" in s]
    assert home.handlers == []
    assert HOSTILE_TEXT in "".join(home.text), "the copyright is shown as the very text written"
    assert '"navigation.sections"' in (root / "site" / "index.html").read_text(encoding="utf-8")


def test_a_hook_is_not_run_and_stops_the_build(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_base(tmp_path / "portfolio")
    assert build(root, capsys)[0] == 0
    before = (root / "site" / "index.html").read_bytes()
    marker = tmp_path / "hook-ran"
    (root / "hook.py").write_text(f"from pathlib import Path\nPath({str(marker)!r}).write_text('x')\n",
                                  encoding="utf-8")
    (root / "mkdocs.yml").write_text("site_name: Partnerships\n\nhooks:\n  - hook.py\n", encoding="utf-8")

    code, output = build(root, capsys)

    assert_refused(code, output, "3:1", "hooks")
    assert "trust_mkdocs_yml" in output
    assert not marker.exists()
    assert (root / "site" / "index.html").read_bytes() == before, "the previous site is left as it was"


@pytest.mark.parametrize("extension", [
    "  - os:system\n",
    "  - pymdownx.snippets:\n      base_path: [/]\n      check_paths: false\n      auto_append: [{secret}]\n",
    "  - toc:\n      permalink: '<script>alert(1)</script>'\n",
])
def test_markdown_extensions_beyond_partnerbooks_own_are_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], extension: str) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("pb-secret-outside-the-repository\n", encoding="utf-8")
    root = portfolio(tmp_path, "site_name: x\nmarkdown_extensions:\n  - tables\n"
                     + extension.replace("{secret}", str(secret)))

    code, output = build(root, capsys)

    assert_refused(code, output, "2:1", "markdown_extensions")
    assert not (root / "site").exists()


def test_partnerbooks_own_extensions_are_accepted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = portfolio(tmp_path, "site_name: x\nmarkdown_extensions:\n  - tables\n  - toc:\n      permalink: true\n"
                     "  - pymdownx.tasklist:\n      custom_checkbox: true\nstrict: true\ndocs_dir: .partnerbook/docs\n"
                     "site_dir: site/\nplugins: [search]\nextra_javascript: [assets/partnerbook.js]\n"
                     "hooks: [h.py]\n")

    code, output = build(root, capsys)

    # Only the hook is refused: the other keys repeat partnerbook's own settings.
    assert code == 1
    refused = [line for line in output.splitlines() if line.startswith("  mkdocs.yml:")]
    assert len(refused) == 1, output
    assert "mkdocs.yml:13:1: 'hooks'" in refused[0]


def test_a_custom_theme_folder_is_refused_and_its_script_never_reaches_the_site(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = portfolio(tmp_path, "site_name: x\ntheme:\n  name: material\n  custom_dir: overrides\n")
    (root / "overrides").mkdir()
    (root / "overrides" / "main.html").write_text(
        '{% extends "base.html" %}{% block scripts %}<script>alert("pb-custom")</script>{% endblock %}',
        encoding="utf-8")

    code, output = build(root, capsys)

    assert_refused(code, output, "4:3", "theme.custom_dir")
    assert not any("pb-custom" in p.read_text(encoding="utf-8") for p in root.rglob("*.html")
                   if "overrides" not in p.parts)


@pytest.mark.parametrize(("yml", "where", "key"), [
    ("extra:\n  social:\n    - icon: material/web\n      link: javascript:alert(1)\n", "4:13", "extra.social[0].link"),
    ("extra:\n  social:\n    - icon: material/web\n      link: 'https://x.example/\"onmouseover=\"alert(1)'\n",
     "4:13", "extra.social[0].link"),
    ("extra:\n  social:\n    - icon: ../../../../etc/passwd\n      link: https://x.example/\n", "3:13",
     "extra.social[0].icon"),
    ("extra:\n  analytics:\n    provider: google\n    property: G-X\n", "2:3", "extra.analytics"),
    ("repo_url: javascript:alert(1)\n", "1:11", "repo_url"),
    ("site_url: 'https://x.example/\"><script>alert(1)</script>'\n", "1:11", "site_url"),
    ("theme:\n  palette:\n    media: '\"><script>alert(1)</script>'\n", "3:12", "theme.palette.media"),
    ("theme:\n  features:\n    - '</script><script>alert(1)//'\n", "3:7", "theme.features[0]"),
    ("theme:\n  font:\n    text: Roboto\n", "3:5", "theme.font"),
    ("theme: mkdocs\n", "1:8", "theme.name"),
    ("exclude_docs: problems.md\n", "1:1", "exclude_docs"),
    ("not_in_nav: problems.md\n", "1:1", "not_in_nav"),
    ("extra_javascript: [evil.js]\n", "1:1", "extra_javascript"),
    ("extra_templates: [evil.html]\n", "1:1", "extra_templates"),
    ("plugins: [search, macros]\n", "1:1", "plugins"),
    ("nav:\n  - Home: index.md\n", "1:1", "nav"),
    ("use_directory_urls: false\n", "1:1", "use_directory_urls"),
    ("strict: false\n", "1:1", "strict"),
    ("docs_dir: /etc\n", "1:1", "docs_dir"),
    ("site_dir: ..\n", "1:1", "site_dir"),
    ("dev_addr: 0.0.0.0:80\n", "1:1", "dev_addr"),
    ("watch: [/]\n", "1:1", "watch"),
    ("remote_branch: main\n", "1:1", "remote_branch"),
    ("validation:\n  links:\n    not_found: ignore\n", "1:1", "validation"),
    ("something_new: 1\n", "1:1", "something_new"),
])
def test_settings_outside_the_allow_list_are_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], yml: str, where: str, key: str) -> None:
    root = copy_base(tmp_path / "portfolio")
    assert build(root, capsys)[0] == 0
    (root / "mkdocs.yml").write_text(yml, encoding="utf-8")

    code, output = build(root, capsys)

    assert_refused(code, output, where, key)
    assert (root / "site" / "problems" / "index.html").is_file(), "the previous site, Validation page included"
    assert not [s for p in (root / "site").rglob("*.html") for s in active(p).scripts if "alert" in s]


def test_inherit_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outside = tmp_path / "x.yml"
    outside.write_text("copyright: pb-inherited\n", encoding="utf-8")
    root = portfolio(tmp_path, f"site_name: x\nINHERIT: {outside}\n")

    code, output = build(root, capsys)

    assert_refused(code, output, "2:1", "INHERIT")
    assert not (root / "site").exists()


@pytest.mark.parametrize("tag", ["!!python/name:os.system", "!!python/object/apply:os.system ['true']",
                                 "!ENV HOME", "!relative $config_dir"])
def test_a_yaml_tag_is_a_clear_message(tmp_path: Path, capsys: pytest.CaptureFixture[str], tag: str) -> None:
    root = portfolio(tmp_path, f"site_name: x\ncopyright: {tag}\n")

    code, output = build(root, capsys)

    assert code == 1, output
    assert "mkdocs.yml:2:12: tag" in output, output
    assert "remove the tag" in output
    assert "Traceback" not in output


def test_extra_css_inside_the_repository_is_copied_and_linked(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    css = "/* brand */\n.md-header { background: #123456; }\n.logo { background: url(../branding/logo.png); }\n"
    root = portfolio(tmp_path, "site_name: x\nextra_css:\n  - assets/partnerbook.css\n  - branding/extra.css\n"
                     "theme:\n  logo: branding/logo.png\n  favicon: branding/logo.png\n"
                     "extra:\n  social:\n    - icon: material/web\n      link: https://example.com/a?b=1&c=2\n"
                     "      name: Our <b>site</b>\n")
    (root / "branding").mkdir()
    (root / "branding" / "extra.css").write_text(css, encoding="utf-8")
    (root / "branding" / "logo.png").write_bytes(PNG)

    code, output = build(root, capsys)

    assert code == 0, output
    assert (root / "site" / "branding" / "extra.css").read_text(encoding="utf-8") == css
    assert (root / "site" / "branding" / "logo.png").read_bytes() == PNG
    home = active(root / "site" / "index.html")
    assert "branding/extra.css" in home.links
    assert "assets/partnerbook.css" in home.links
    assert "branding/logo.png" in home.links
    assert "https://example.com/a?b=1&c=2" in home.links
    assert 'title="Our &lt;b&gt;site&lt;/b&gt;"' in (root / "site" / "index.html").read_text(encoding="utf-8")
    assert home.handlers == []


@pytest.mark.parametrize(("entry", "why"), [
    ("../../etc/passwd", "relative path inside the repository"),
    ("/etc/passwd", "relative path inside the repository"),
    ("https://evil.example/x.css", "relative path inside the repository"),
    (".partnerbook/x.css", "relative path inside the repository"),
    ("assets/partnerbook.js", "partnerbook's own folder"),
    ("branding/out.css", "symbolic link"),
    ("linked/x.css", "symbolic link"),
    ("branding/fifo.css", "not a regular file"),
    ("branding/remote.css", "'@import'"),
    ("branding/font.css", "'//'"),
    ("branding/scheme.css", "'HTTPS:'"),
    ("branding/escaped.css", "'\\'"),
    ("branding/missing.css", "does not exist"),
    ("branding/x.js", "must be a CSS file"),
])
def test_extra_css_outside_the_repository_or_loading_from_outside_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], entry: str, why: str) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.css").write_text("body { color: red; }\n", encoding="utf-8")
    root = portfolio(tmp_path, f"site_name: x\nextra_css:\n  - {entry}\n")
    branding = root / "branding"
    branding.mkdir()
    (branding / "out.css").symlink_to(outside / "x.css")
    (root / "linked").symlink_to(outside)
    os.mkfifo(branding / "fifo.css")
    (branding / "remote.css").write_text('@import "theme.css";\n', encoding="utf-8")
    (branding / "font.css").write_text("@font-face { src: url(//fonts.example/x.woff2); }\n", encoding="utf-8")
    (branding / "scheme.css").write_text("a { background: url(HTTPS:evil.example/t.png); }\n", encoding="utf-8")
    (branding / "escaped.css").write_text("a { background: u\\72l(x.png); }\n", encoding="utf-8")
    (branding / "x.js").write_text("alert(1)\n", encoding="utf-8")

    code, output = build(root, capsys)

    assert_refused(code, output, "3:5", "extra_css[0]")
    assert why in output, output
    assert not (root / "site").exists()


@pytest.mark.parametrize(("name", "data", "why"), [
    ("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "SVG files can carry"),
    ("logo.png", b"<html><script>alert(1)</script></html>", "is not a PNG image"),
])
def test_a_logo_that_is_not_an_image_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, data: bytes, why: str) -> None:
    root = portfolio(tmp_path, f"site_name: x\ntheme:\n  name: material\n  logo: {name}\n")
    (root / name).write_bytes(data)

    code, output = build(root, capsys)

    assert_refused(code, output, "4:9", "theme.logo")
    assert why in output


def test_a_symlinked_or_special_mkdocs_yml_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outside = tmp_path / "outside.yml"
    outside.write_text("hooks: [x.py]\n", encoding="utf-8")
    root = copy_base(tmp_path / "portfolio")
    (root / "mkdocs.yml").symlink_to(outside)

    code, output = build(root, capsys)

    assert code == 1
    assert "mkdocs.yml is a symbolic link" in output, output
    (root / "mkdocs.yml").unlink()
    os.mkfifo(root / "mkdocs.yml")
    code, output = build(root, capsys)
    assert code == 1
    assert "mkdocs.yml" in output
    assert "not a regular file" in output, output


def test_trusted_mode_runs_the_repositorys_hook_and_says_so(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    marker = tmp_path / "hook-ran"
    root = portfolio(tmp_path, "site_name: x\nhooks:\n  - hooks/mark.py\ncopyright: <b>ours</b>\n")
    (root / "hooks").mkdir()
    (root / "hooks" / "mark.py").write_text(
        f"from pathlib import Path\n\n\ndef on_post_build(config, **kwargs):\n    Path({str(marker)!r}).write_text("
        "config['site_name'])\n", encoding="utf-8")
    settings = root / "partnerbook.yml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        "site:\n", "site:\n  trust_mkdocs_yml: true\n"), encoding="utf-8")

    code, output = build(root, capsys)

    assert code == 0, output
    assert marker.read_text(encoding="utf-8") == "Bottega partnerships"
    assert "runs as code" in output
    assert (root / "site" / "problems" / "index.html").is_file()
    assert "<b>ours</b>" in (root / "site" / "index.html").read_text(encoding="utf-8"), "trusted: as written"


def test_serve_uses_the_same_checks_as_build(tmp_path: Path) -> None:
    from datetime import date

    from generator.errors import PartnerbookError
    from generator.site.build import build_preview

    root = portfolio(tmp_path, "site_name: x\ntheme:\n  custom_dir: overrides\n")
    with pytest.raises(PartnerbookError, match=r"mkdocs.yml:3:3: 'theme.custom_dir'"):
        build_preview(root, date.fromisoformat(TODAY))
    assert not (root / ".partnerbook" / "preview").exists()

    (root / "mkdocs.yml").write_text("site_name: x\ncopyright: Ours, checked\n", encoding="utf-8")
    build_preview(root, date.fromisoformat(TODAY))
    home = (root / ".partnerbook" / "preview" / "index.html").read_text(encoding="utf-8")
    assert "Ours, checked" in home
    assert not (root / "site").exists()
