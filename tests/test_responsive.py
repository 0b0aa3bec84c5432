"""Every screen: the example site at 1,400 px and on a 390 px phone, in the light and the dark scheme.

* 1,400 px: no table is wider than its box (nothing hidden behind a scroll bar).
* 390 px: the page never scrolls sideways; a wide table scrolls inside its own box, its first column
  kept in view; no word, id or date breaks inside itself; chart text is at least 9 px high.
* Dark scheme: the palette has a toggle; charts have no white box and draw their ink light.
* Charts in the team's language: words and numbers of an Italian chart are Italian, and its file is
  not the English one's (the words are part of the key).

The chart checks without a browser run everywhere; the others use Debian's Chromium through Playwright,
skipped without it as tests/test_browser.py does (a failure where PARTNERBOOK_REQUIRE_BROWSER=1).
"""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from test_browser import _served

from generator import i18n
from generator.cli import cli

REPO = Path(__file__).resolve().parent.parent
TODAY = "2026-12-01"
WIDE, PHONE = 1400, 390
MIN_TEXT_PX = 9.0


def _copy_example(root: Path, language: str | None = None) -> Path:
    for name in ("partners", "campaigns"):
        shutil.copytree(REPO / name, root / name)
    for name in ("partnerbook.yml", "mkdocs.yml", "team.yaml"):
        if (REPO / name).is_file():
            shutil.copy2(REPO / name, root / name)
    if language:
        settings = root / "partnerbook.yml"
        text = settings.read_text(encoding="utf-8")
        settings.write_text(re.sub(r"(?m)^  language: \w+", f"  language: {language}", text), encoding="utf-8")
    return root


# --- charts, without a browser --------------------------------------------------------------------


@pytest.fixture(scope="module")
def computed(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from generator.compute.portfolio import compute_portfolio

    return compute_portfolio(_copy_example(tmp_path_factory.mktemp("charts")), date.fromisoformat(TODAY))


def _specs(computed: Any, language: str) -> list[Any]:
    from generator.draw import charts

    with i18n.language(language):
        return [*charts.partner_charts("corriere-rapido", computed.portfolio, computed.kpis),
                *charts.portfolio_charts(computed.portfolio, computed.kpis)]


def test_charts_speak_the_team_language_and_never_share_a_file(computed: Any,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.draw.chart_draw import draw

    monkeypatch.delenv(i18n.ENV, raising=False)
    english, italian = _specs(computed, "en"), _specs(computed, "it")
    assert [s.kind for s in english] == [s.kind for s in italian] == ["partner-funnel", "sla-monthly",
                                                                       "revenue-share"]
    assert not {s.key() for s in english} & {s.key() for s in italian}, "an Italian chart reused an English file"
    funnel_en, sla_en, share_en = (draw(spec).decode("utf-8") for spec in english)
    funnel_it, sla_it, share_it = (draw(spec).decode("utf-8") for spec in italian)
    assert "Partner-driven" in funnel_en
    assert "10.7%" in funnel_en
    assert "Tramite partner" in funnel_it
    assert "Riferimento" in funnel_it
    assert "10,7%" in funnel_it
    assert "Partner-driven" not in funnel_it
    assert "10.7%" not in funnel_it
    assert "funnel delle campagne rispetto al riferimento" in italian[0].title
    assert "contro un riferimento di" in italian[0].alt
    assert "against" not in italian[0].alt
    assert "Misurato" in sla_it
    assert "Violato" in sla_it
    assert ">gen 26<" in sla_it, "months in Italian"
    assert "Measured" in sla_en
    assert ">Jan 26<" in sla_en
    assert re.search(r"\d+\.\d{3},\d\d EUR", share_it), "amounts written 38.500,00 EUR"
    assert re.search(r"\d+,\d{3}\.\d\d EUR", share_en)


def test_charts_are_transparent_and_follow_the_dark_scheme(computed: Any) -> None:
    from generator.draw.chart_draw import draw

    for spec in _specs(computed, "en"):
        svg = draw(spec).decode("utf-8")
        assert "fill: #ffffff" not in svg, f"{spec.kind}: a white background would glare in the dark scheme"
        assert "@media (prefers-color-scheme: dark)" in svg
        assert "text{fill:#E6E8EC}" in svg, "text turns light on a dark page"
        sizes = [float(size) for size in re.findall(r"font-size: ([\d.]+)px", svg)]
        assert min(sizes) >= 9.0, f"{spec.kind}: text of {min(sizes)} points"
        assert 'width="432pt"' in svg, "6 inches wide: the size partnerbook.css's narrowest width is made for"


# --- the site in a browser ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = _copy_example(tmp_path_factory.mktemp("site"))
    result = CliRunner().invoke(cli, ["build", "--root", str(root), "--today", TODAY], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return root / "site"


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[str]:
    with _served(site) as url:
        yield url


def _page(browser: Any, served: str, width: int, scheme: str = "light") -> tuple[Any, list[str]]:
    """A fresh page ``width`` px wide in the ``scheme`` the system prefers, and the script errors it meets."""
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme,
                                  service_workers="block")
    context.set_default_timeout(15_000)
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(served)
                  else route.abort("blockedbyclient"))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return page, errors


def _paths(site: Path) -> list[str]:
    return sorted(p.parent.relative_to(site).as_posix().removeprefix(".") + "/"
                  for p in site.rglob("index.html") if p.parent.name not in ("search", "assets"))


# Every table of the article: its size against its box, whether the box scrolls, its first cell sticky.
_TABLES = """() => [...document.querySelectorAll('article table')].map(t => {
  const box = t.closest('.md-typeset__scrollwrap') || t.parentElement;
  const scrolls = el => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  const first = t.querySelector('tbody tr > :first-child');
  return {head: [...t.querySelectorAll('th')].map(th => th.textContent.trim()).join('|').slice(0, 60),
          table: [t.scrollWidth, t.clientWidth], box: [box.scrollWidth, box.clientWidth],
          scrolls: scrolls(t) || scrolls(box), sticky: first ? getComputedStyle(first).position : null};
})"""

# Each wide table scrolled to its end: does its first column stay at the left edge of the box, in view?
_STUCK = """() => [...document.querySelectorAll('article table')].flatMap(t => {
  const box = t.closest('.md-typeset__scrollwrap') || t.parentElement;
  const scroller = box.scrollWidth > box.clientWidth + 1 ? box : t.scrollWidth > t.clientWidth + 1 ? t : null;
  const first = t.querySelector('tbody tr > :first-child');
  if (!scroller || !first) return [];
  scroller.scrollLeft = scroller.scrollWidth;
  const left = first.getBoundingClientRect().left, edge = scroller.getBoundingClientRect().left;
  scroller.scrollLeft = 0;
  return left < edge - 2 ? [first.textContent.trim().slice(0, 40)] : [];
})"""

# Line breaks inside a word (between two letters or digits of one text) in cells, headers and code, and inside
# dates.
_BREAKS = """(datePattern) => {
  const word = /[\\p{L}\\p{N}]/u, bad = [];
  const elements = document.querySelectorAll('article td, article th, article code');
  const tops = (node) => {
    const range = document.createRange(), out = [];
    for (let i = 0; i < node.length; i++) {
      range.setStart(node, i); range.setEnd(node, i + 1);
      const rects = range.getClientRects();
      out.push(rects.length ? rects[0].top : null);
    }
    return out;
  };
  for (const el of elements) {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      // Within one text node: between two nodes there may be a <br> or another element.
      const node = walker.currentNode, top = tops(node);
      let prevChar = null, prevTop = null;
      for (let i = 0; i < node.length; i++) {
        if (top[i] === null) continue;
        const ch = node.data[i];
        if (prevTop !== null && top[i] > prevTop + 3 && word.test(ch) && word.test(prevChar)) {
          bad.push('word: ' + el.textContent.trim().slice(0, 60));
        }
        prevChar = ch; prevTop = top[i];
      }
      const dates = new RegExp(datePattern, 'g');
      let m;
      while ((m = dates.exec(node.data)) !== null) {
        const seen = top.slice(m.index, m.index + m[0].length).filter(t => t !== null);
        if (seen.length && Math.max(...seen) - Math.min(...seen) > 3) bad.push('date: ' + m[0]);
      }
    }
  }
  return [...new Set(bad)];
}"""
_DATE = r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}, \d{4}"

# Every chart's smallest text as drawn on screen: its smallest font size in SVG units times the scale.
_CHART_TEXT = """async () => {
  const out = [];
  for (const img of document.querySelectorAll("article img[src*='assets/charts/']")) {
    const svg = await (await fetch(img.src)).text();
    const sizes = [...svg.matchAll(/font-size: ([\\d.]+)px/g)].map(m => parseFloat(m[1]));
    const viewBox = /viewBox="0 0 ([\\d.]+) /.exec(svg);
    const box = img.closest('p') || img.parentElement;
    out.push({src: img.getAttribute('src'), smallest: Math.min(...sizes) * img.clientWidth / parseFloat(viewBox[1]),
              width: img.clientWidth, box: [box.scrollWidth, box.clientWidth],
              scrolls: ['auto', 'scroll'].includes(getComputedStyle(box).overflowX)});
  }
  return out;
}"""


def test_no_table_is_cut_in_a_1400_px_window(browser: Any, served: str, site: Path) -> None:
    page, errors = _page(browser, served, WIDE)
    cut: dict[str, list[str]] = {}
    tables = 0
    for path in _paths(site):
        page.goto(served + path.lstrip("/"), wait_until="load")
        for table in page.evaluate(_TABLES):
            tables += 1
            (scroll, client), (box_scroll, box_client) = table["table"], table["box"]
            if scroll > client + 1 or box_scroll > box_client + 1:
                cut.setdefault(path, []).append(f"{table['head']} ({scroll} > {client})")
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"), path
    assert tables > 150, f"only {tables} tables on the site"
    assert cut == {}, f"tables wider than the content column at {WIDE} px: {cut}"
    assert errors == []
    page.context.close()


def test_a_phone_reaches_every_column_without_the_page_scrolling_sideways(browser: Any, served: str,
                                                                           site: Path) -> None:
    page, errors = _page(browser, served, PHONE)
    problems: dict[str, list[str]] = {}
    wide = 0
    for path in _paths(site):
        page.goto(served + path.lstrip("/"), wait_until="load")
        found = problems.setdefault(path, [])
        if not page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"):
            found.append("the page scrolls sideways")
        for table in page.evaluate(_TABLES):
            (scroll, client), (box_scroll, box_client) = table["table"], table["box"]
            if scroll > client + 1 or box_scroll > box_client + 1:
                wide += 1
                if not table["scrolls"]:
                    found.append(f"{table['head']}: columns past the edge cannot be reached")
                if table["sticky"] != "sticky":
                    found.append(f"{table['head']}: the first column is not sticky")
        found += [f"the first column ({cell}) scrolls out of view" for cell in page.evaluate(_STUCK)]
        found += page.evaluate(_BREAKS, _DATE)
        for chart in page.evaluate(_CHART_TEXT):
            if chart["smallest"] < MIN_TEXT_PX:
                found.append(f"chart {chart['src']}: text {chart['smallest']:.1f} px high")
            if chart["box"][0] > chart["box"][1] + 1 and not chart["scrolls"]:
                found.append(f"chart {chart['src']} is cut")
        if not found:
            del problems[path]
    assert wide > 20, "the phone test saw too few wide tables to mean anything"
    assert problems == {}, problems
    assert errors == []
    page.context.close()


def test_long_ids_break_at_hyphens_and_slashes_not_inside_words(browser: Any, served: str) -> None:
    page, _errors = _page(browser, served, PHONE)
    page.goto(served + "partners/corriere-rapido/", wait_until="load")
    style = page.evaluate("""() => { const c = document.querySelector('article td code');
        const s = getComputedStyle(c); return [s.wordBreak, s.overflowWrap, c.querySelectorAll('wbr').length]; }""")
    assert style[:2] == ["normal", "break-word"], style
    assert page.evaluate("document.querySelectorAll('article code wbr').length") > 10, "paths break after a /"
    assert page.evaluate(_BREAKS, _DATE) == []
    page.context.close()


def _chart_pixels(page: Any) -> tuple[float, float]:
    """The share of white and of light (text) pixels in the first chart as shown."""
    from PIL import Image

    chart = page.locator("article img[src*='assets/charts/']").first
    chart.scroll_into_view_if_needed()
    image = Image.open(io.BytesIO(chart.screenshot())).convert("RGB")
    pixels = [image.getpixel((x, y)) for y in range(image.height) for x in range(image.width)]
    white = sum(1 for p in pixels if min(p) > 245) / len(pixels)
    light = sum(1 for p in pixels if 190 < min(p) <= 245) / len(pixels)
    return white, light


@pytest.mark.parametrize("width", [WIDE, PHONE])
def test_the_dark_scheme_has_a_toggle_and_readable_charts(browser: Any, served: str, width: int) -> None:
    page, errors = _page(browser, served, width)
    page.goto(served + "partners/corriere-rapido/", wait_until="networkidle")
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "default"
    white, _ = _chart_pixels(page)
    assert white > 0.5, "in the light scheme the chart sits on the white page"
    page.locator("form[data-md-component='palette'] label:visible").first.click()
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    page.wait_for_timeout(300)
    white, light = _chart_pixels(page)
    assert white < 0.01, f"a white box around the chart in the dark scheme ({white:.1%} white)"
    assert light > 0.002, "no light text drawn in the dark scheme"
    assert errors == []
    page.context.close()


def test_the_dark_scheme_follows_the_system_setting(browser: Any, served: str) -> None:
    page, _errors = _page(browser, served, WIDE, scheme="dark")
    page.goto(served, wait_until="networkidle")
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
    page.context.close()


@pytest.fixture(scope="module")
def italian_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = _copy_example(tmp_path_factory.mktemp("sito"), language="it")
    result = CliRunner().invoke(cli, ["build", "--root", str(root), "--today", TODAY], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return root / "site"


@pytest.mark.parametrize("width", [WIDE, PHONE])
def test_italian_pages_fit_as_well(browser: Any, italian_site: Path, width: int) -> None:
    """Italian words are longer: the widest pages still fit at 1,400 px and read on a phone."""
    with _served(italian_site) as served:
        page, errors = _page(browser, served, width)
        problems: dict[str, list[str]] = {}
        for path in ["campaigns/easter-2026/", "partners/corriere-rapido/", "partners/corriere-rapido/summary/",
                     "money/", "team/", "contracts/"]:
            page.goto(served + path, wait_until="load")
            found = problems.setdefault(path, [])
            if not page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"):
                found.append("the page scrolls sideways")
            for table in page.evaluate(_TABLES):
                (scroll, client), (box_scroll, box_client) = table["table"], table["box"]
                if (scroll > client + 1 or box_scroll > box_client + 1) and (width == WIDE or not table["scrolls"]):
                    found.append(f"{table['head']} is cut")
            found += [b for b in page.evaluate(_BREAKS, "(?!)") if b.startswith("word")]
            if not found:
                del problems[path]
        assert problems == {}, problems
        assert errors == []
        page.context.close()


# --- the palette: a light/dark toggle unless mkdocs.yml has its own -------------------------------


@pytest.mark.parametrize(("palette", "expected"), [
    ("", [("default", "indigo"), ("slate", "indigo")]),
    ("  palette:\n    scheme: default\n    primary: teal\n", [("default", "teal"), ("slate", "teal")]),
    ("  palette:\n    - scheme: slate\n      primary: red\n", [("slate", "red"), ("default", "red")]),
], ids=["none", "one-light", "one-dark"])
def test_a_palette_of_one_scheme_gets_its_dark_or_light_twin(tmp_path: Path, palette: str,
                                                             expected: list[tuple[str, str]]) -> None:
    from generator.site.mkdocs_config import mkdocs_config

    (tmp_path / "mkdocs.yml").write_text("theme:\n  name: material\n  features:\n    - navigation.top\n" + palette,
                                         encoding="utf-8")
    theme = mkdocs_config(tmp_path, tmp_path / "docs", tmp_path / "site", "T", "en")["theme"]
    assert [(entry["scheme"], entry["primary"]) for entry in theme["palette"]] == expected
    assert all(entry["toggle"]["icon"].startswith("material/") and entry["toggle"]["name"]
               for entry in theme["palette"])
    assert [entry["media"] for entry in theme["palette"]] == [
        f"(prefers-color-scheme: {'light' if scheme == 'default' else 'dark'})" for scheme, _ in expected]
    assert theme["features"] == ["navigation.top", "navigation.tabs"], "mkdocs.yml's features, then partnerbook's"


def test_a_palette_with_toggles_of_its_own_is_kept_as_written(tmp_path: Path) -> None:
    from generator.site.mkdocs_config import mkdocs_config

    (tmp_path / "mkdocs.yml").write_text(
        "theme:\n  name: material\n  palette:\n"
        "    - scheme: default\n      primary: teal\n      toggle:\n        icon: material/weather-night\n"
        "        name: Dark\n"
        "    - scheme: slate\n      primary: teal\n      toggle:\n        icon: material/weather-sunny\n"
        "        name: Light\n", encoding="utf-8")
    theme = mkdocs_config(tmp_path, tmp_path / "docs", tmp_path / "site", "T", "en")["theme"]
    assert [entry["toggle"]["name"] for entry in theme["palette"]] == ["Dark", "Light"]
    assert "media" not in theme["palette"][0]
