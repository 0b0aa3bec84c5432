"""The site as its readers meet it: accessible (axe-core in Chromium) and wholly in the team's language.

The example portfolio is built in English and in Italian (``site: {language: it}``). In Chromium,
axe-core (bundled by axe-playwright-python) checks the home page, a scorecard, a campaign report,
the alerts and the checklists: no violation may come from partnerbook's own content (the article).
Findings about the theme's own chrome (header, navigation, search, footer) are listed, not failed:
partnerbook does not write that markup. Without Chromium these skip like tests/test_browser.py.

The Italian site is checked against the catalogs, without a browser: no English sentence of a
message that the Italian catalog translates may appear in an Italian page's content.
"""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from test_browser import TIMEOUT_MS, _served

from generator import i18n
from generator.cli import cli

REPO = Path(__file__).resolve().parent.parent
TODAY = "2026-11-25"
PAGES = ["", "partners/pagamenti-sicuri/", "partners/corriere-rapido/", "campaigns/easter-2026/", "alerts/",
         "checklists/"]


def _build(root: Path, language: str) -> Path:
    for name in ("partners", "campaigns"):
        shutil.copytree(REPO / name, root / name)
    for name in ("mkdocs.yml", "team.yaml"):
        if (REPO / name).is_file():
            shutil.copy2(REPO / name, root / name)
    settings = yaml.safe_load((REPO / "partnerbook.yml").read_text(encoding="utf-8"))
    settings.setdefault("site", {})["language"] = language
    (root / "partnerbook.yml").write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    result = CliRunner(env={i18n.ENV: None}).invoke(
        cli, ["build", "--root", str(root), "--today", TODAY], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return root / "site"


@pytest.fixture(scope="module", params=["en", "it"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    return request.param, _build(tmp_path_factory.mktemp(f"site-{request.param}"), request.param)


@pytest.fixture(scope="module")
def italian(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory.mktemp("site-it-text"), "it")


# --- axe-core -------------------------------------------------------------------------------------


def _ours(violation: dict[str, Any]) -> list[str]:
    """The targets of ``violation`` inside partnerbook's content (the article), as CSS selectors."""
    found = []
    for node in violation["nodes"]:
        target = " ".join(str(part) for part in node["target"])
        if node.get("inArticle"):
            found.append(target)
    return found


_MARK_ARTICLE = """
(results) => {
  for (const v of results.violations) {
    for (const n of v.nodes) {
      const sel = n.target[n.target.length - 1];
      let el = null;
      try { el = document.querySelector(sel); } catch (e) { el = null; }
      n.inArticle = !!(el && el.closest('article.md-content__inner'));
    }
  }
  return results;
}
"""


def test_axe_finds_nothing_in_partnerbooks_own_content(browser: Any, built: tuple[str, Path], tmp_path: Path) -> None:
    from axe_playwright_python.sync_playwright import Axe

    language, site = built
    axe = Axe()
    ours: dict[str, list[str]] = {}
    theme: dict[str, set[str]] = {}
    with _served(site) as base:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        try:
            for path in PAGES:
                response = page.goto(base + path, wait_until="networkidle")
                assert response is not None
                assert response.ok, path
                assert page.evaluate("document.documentElement.lang") == language
                page.evaluate(axe.axe_script)
                results = page.evaluate(
                    "async () => { const r = await axe.run(document, {resultTypes: ['violations']});"
                    f" return ({_MARK_ARTICLE})(r); }}")
                for violation in results["violations"]:
                    targets = _ours(violation)
                    if targets:
                        ours.setdefault(path or "/", []).append(
                            f"{violation['id']} ({violation['impact']}): {targets[:3]}")
                    if len(targets) < len(violation["nodes"]):
                        theme.setdefault(violation["id"], set()).add(path or "/")
        finally:
            context.close()
    (tmp_path / "theme-findings.txt").write_text(
        "\n".join(f"{rule}: {sorted(pages)}" for rule, pages in sorted(theme.items())), encoding="utf-8")
    assert ours == {}, f"axe violations in partnerbook's content ({language}): {ours}"


# --- the Italian site speaks Italian -------------------------------------------------------------


class _ArticleText(HTMLParser):
    """The text of the page's article (MkDocs Material's content), without code and scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.skip = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = dict(attrs).get("class") or ""
        if tag == "article" and "md-content__inner" in classes:
            self.depth = 1
        elif self.depth:
            self.depth += 1
            if tag in ("code", "script", "style", "pre"):
                self.skip += 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1
            if tag in ("code", "script", "style", "pre") and self.skip:
                self.skip -= 1

    def handle_data(self, data: str) -> None:
        if self.depth and not self.skip:
            self.parts.append(data)


def _page_text(path: Path) -> str:
    parser = _ArticleText()
    parser.feed(path.read_text(encoding="utf-8"))
    return re.sub(r"\s+", " ", " ".join(parser.parts))


_FIELD = re.compile(r"\{[a-z_]+\}|%\([a-z_]+\)[sd]|\[|\]\([^)]*\)|\*\*|`")


def _english_fragments() -> list[str]:
    """Runs of at least three English words of every message the Italian catalog translates differently."""
    fragments = set()
    for message in i18n.catalog("it"):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for english in ids:
            if english in strings:
                continue
            for piece in _FIELD.split(english):
                piece = piece.strip(" .,:;()")
                if len(piece.split()) >= 3:
                    fragments.add(piece)
    return sorted(fragments)


def _record_text() -> str:
    """Everything the example's records say: their text stays as written, in whatever language."""
    files = [*sorted((REPO / "partners").rglob("*.yaml")), *sorted((REPO / "campaigns").rglob("*.yaml")),
             REPO / "partnerbook.yml", REPO / "team.yaml"]
    return re.sub(r"\s+", " ", " ".join(path.read_text(encoding="utf-8") for path in files if path.is_file()))


def test_the_italian_site_shows_no_english_partnerbook_text(italian: Path) -> None:
    records = _record_text()
    fragments = [fragment for fragment in _english_fragments() if fragment not in records]
    assert len(fragments) > 100, "the Italian catalog translates too little to judge"
    found: dict[str, list[str]] = {}
    pages = sorted(italian.rglob("index.html"))
    assert len(pages) > 20
    for page in pages:
        text = _page_text(page)
        hits = [fragment for fragment in fragments if fragment in text]
        if hits:
            found[page.relative_to(italian).as_posix()] = hits[:5]
    assert found == {}, f"English partnerbook text on Italian pages: {found}"
