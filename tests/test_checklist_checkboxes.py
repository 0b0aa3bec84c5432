"""Checklist checkboxes have a name: screen readers (and axe-core) read each one as its item's text.

pymdownx.tasklist turns ``[x]`` into an ``<input>`` whose ``<label>`` holds only the drawn indicator,
so a reader heard "checkbox, checked" 41 times on the example's pages, never which item. The
``tick`` filter writes the same markup with ``aria-label`` (the item's text) and the item puts
``{ .task-list-item }`` on its ``<li>`` (attr_list), so the theme still draws it as a task list.
"""

from __future__ import annotations

import shutil
from html.parser import HTMLParser
from pathlib import Path

import markdown as python_markdown
import pytest
from click.testing import CliRunner
from hostile import MARKER

from generator import i18n
from generator.checks.mkdocs_common import REQUIRED_EXTENSIONS
from generator.cli import cli
from generator.inert import shown
from generator.records.settings import Settings
from generator.rules.checklists import builtin_definitions, definitions
from generator.site.render import _tick

REPO = Path(__file__).resolve().parent.parent
TODAY = "2026-11-25"
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
                  "wbr"})  # no end tag


class _Checkboxes(HTMLParser):
    """Every checkbox of the page's content (the theme's own toggles are not partnerbook's) and the
    classes of the list item around it."""

    def __init__(self, whole: bool = False) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 1 if whole else 0  # inside <article class="md-content__inner">
        self.items: list[str] = []
        self.boxes: list[tuple[dict[str, str | None], str]] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if not self.depth:
            if tag == "article" and "md-content__inner" in (found.get("class") or ""):
                self.depth = 1
            return
        if tag not in VOID:
            self.depth += 1
        self.tags.append(tag)
        if tag == "li":
            self.items.append(found.get("class") or "")
        if tag == "input":
            self.boxes.append((found, self.items[-1] if self.items else ""))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.depth:
            self.depth -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if self.depth:
            self.depth -= 1
            if tag == "li" and self.items:
                self.items.pop()


def _boxes(html: str, whole: bool = False) -> _Checkboxes:
    parser = _Checkboxes(whole)
    parser.feed(html)
    return parser


def _example(root: Path) -> Path:
    for name in ("partners", "campaigns"):
        shutil.copytree(REPO / name, root / name)
    for name in ("partnerbook.yml", "mkdocs.yml", "team.yaml"):
        shutil.copy2(REPO / name, root / name)
    return root


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = _example(tmp_path_factory.mktemp("checkboxes"))
    result = CliRunner(env={i18n.ENV: None}).invoke(
        cli, ["build", "--root", str(root), "--today", TODAY], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return root / "site"


def test_every_checkbox_of_the_built_site_has_an_accessible_name(site: Path) -> None:
    named = 0
    for page in sorted(site.rglob("*.html")):
        for attrs, item_classes in _boxes(page.read_text(encoding="utf-8")).boxes:
            where = page.relative_to(site).as_posix()
            assert attrs.get("type") == "checkbox", where
            assert "disabled" in attrs, where  # the records tick items, never a click
            assert (attrs.get("aria-label") or "").strip(), f"checkbox without a name on {where}"
            assert "task-list-item" in item_classes.split(), f"checkbox outside a task-list item on {where}"
            named += 1
    assert named > 41  # the example's scorecards and campaign reports


def test_a_checkbox_is_named_by_its_item_and_shows_its_state(site: Path) -> None:
    page = (site / "partners/corriere-rapido/index.html").read_text(encoding="utf-8")
    boxes = {attrs["aria-label"]: "checked" in attrs for attrs, _ in _boxes(page).boxes}
    assert boxes["Business model understood"] is True
    assert "Local tax, customs and consumer rules checked per region" in boxes


def test_the_name_is_the_item_text_in_the_team_language(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(i18n.ENV, raising=False)
    with i18n.language("it"):
        evaluation = next(d for d in definitions(Settings()) if d.id == "evaluation")
        assert evaluation.title == "Valutazione"
        assert evaluation.items[0].text == "Business model understood"  # the definition keeps the source text
        assert i18n._(evaluation.items[0].text) == "Modello di business compreso"
        html = _convert(f"- {_tick(True, i18n._(evaluation.items[0].text))} x\n  {{ .task-list-item }}\n")
    [(attrs, classes)] = _boxes(html, whole=True).boxes
    assert attrs["aria-label"] == "Modello di business compreso"
    assert classes == "task-list-item"
    assert builtin_definitions()["evaluation"].title == "Evaluation"  # the built-in data stays English


def _convert(text: str) -> str:
    extensions = list(REQUIRED_EXTENSIONS)
    return python_markdown.markdown(text, extensions=extensions, extension_configs={
        name: options for name, options in REQUIRED_EXTENSIONS.items() if options})


@pytest.mark.parametrize("name", [
    f'"><script>alert("{MARKER}")</script>', f"[x](javascript:alert('{MARKER}'))", "`code` *em* _u_ | pipe",
    '{: onclick="alert(1)" }', "a\u202eb\x1bc", "",
])
def test_the_name_of_a_checkbox_is_inert_text(name: str) -> None:
    html = _convert(f"- {_tick(False, name)} text\n  {{ .task-list-item }}\n")
    parsed = _boxes(html, whole=True)
    [(attrs, classes)] = parsed.boxes
    assert classes == "task-list-item"
    assert set(parsed.tags) <= {"ul", "li", "label", "input", "span"}, parsed.tags
    assert "checked" not in attrs
    assert "onclick" not in attrs
    # the very characters typed, as text; controls (escape codes, bidi overrides) shown, never obeyed
    assert attrs["aria-label"] == " ".join(shown(name).split())
