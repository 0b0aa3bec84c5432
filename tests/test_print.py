"""Paper: ``partnerbook print`` and the site's print style sheet.

The command's usage errors and a missing Chromium need no browser. The rest prints the example
portfolio's biggest scorecard and its one-page summary with Debian's Chromium (skipped without it,
as tests/test_browser.py does, a failure where PARTNERBOOK_REQUIRE_BROWSER=1) and looks at the print
layout in the browser with print media emulated at the width of an A4 page's text: no table is wider
than the page, every column header is shown, the site's chrome is not.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_browser import _chromium, _served

from generator.cli import cli, main
from generator.site.pdf import page_count

REPO = Path(__file__).resolve().parent.parent
TODAY = "2026-12-01"
BIGGEST = "corriere-rapido"  # the example's longest scorecard (most tables, alerts and checklists)
SCORECARD_PAGES = range(2, 10)  # measured: 7 A4 pages (Chromium 156)
A4_TEXT_PX = 711  # 210 mm less the 11 mm margins of partnerbook.css's @page, at 96 px per inch


def run_main(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """The installed entry point with its error handling (exit codes 1 and 2), as the script runs it."""
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    captured = capsys.readouterr()
    return (code if isinstance(code, int) else 0 if code is None else 1), captured.out, captured.err


def _copy_example(root: Path) -> Path:
    for name in ("partners", "campaigns"):
        shutil.copytree(REPO / name, root / name)
    for name in ("partnerbook.yml", "mkdocs.yml", "team.yaml"):
        if (REPO / name).is_file():
            shutil.copy2(REPO / name, root / name)
    return root


# --- without a browser --------------------------------------------------------------------------


def test_an_unknown_partner_is_wrong_usage_naming_the_partners(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    root = _copy_example(tmp_path / "portfolio")
    code, _, err = run_main(["print", "kiln-packagin", "--root", str(root), "--today", TODAY], capsys)
    assert code == 2, err
    assert "no partner 'kiln-packagin'" in err
    assert "kiln-packaging" in err
    assert "corriere-rapido" in err
    assert not (root / "site").exists(), "nothing is built for a wrong command line"


def test_without_chromium_print_says_how_to_install_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    root = _copy_example(tmp_path / "portfolio")
    empty = tmp_path / "no-programs"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.delenv("PARTNERBOOK_CHROMIUM", raising=False)
    code, _, err = run_main(["print", BIGGEST, "--root", str(root), "--today", TODAY], capsys)
    assert code == 1, err
    assert "apt-get install chromium" in err
    assert "PARTNERBOOK_CHROMIUM" in err
    assert "Traceback" not in err
    assert not (root / "site").exists(), "a missing browser is said before anything is built"


def test_a_chromium_setting_that_is_not_a_program_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    root = _copy_example(tmp_path / "portfolio")
    monkeypatch.setenv("PARTNERBOOK_CHROMIUM", str(tmp_path / "nowhere" / "chromium"))
    code, _, err = run_main(["print", BIGGEST, "--summary", "--root", str(root), "--today", TODAY], capsys)
    assert code == 1, err
    assert "PARTNERBOOK_CHROMIUM names" in err
    assert "nowhere" in err


def test_page_count_counts_page_objects_not_the_page_tree() -> None:
    pdf = (b"%PDF-1.4\n1 0 obj << /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >> endobj\n"
           b"2 0 obj << /Type /Page /Parent 1 0 R >> endobj\n3 0 obj << /Type /Page /Parent 1 0 R >> endobj\n")
    assert page_count(pdf) == 2


# --- with Chromium --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium() -> str:
    return _chromium()


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory, chromium: str) -> dict[str, Any]:
    """The example printed: the biggest scorecard and its summary (``partnerbook print``), and the built site."""
    from click.testing import CliRunner

    root = _copy_example(tmp_path_factory.mktemp("portfolio"))
    out = tmp_path_factory.mktemp("pdf")
    runner = CliRunner(env={"PARTNERBOOK_CHROMIUM": chromium})
    results = {}
    for name, extra in (("scorecard", []), ("summary", ["--summary"])):
        pdf = out / f"{name}.pdf"
        result = runner.invoke(cli, ["print", BIGGEST, *extra, "-o", str(pdf), "--root", str(root),
                                     "--today", TODAY], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        results[name] = (pdf, result.output)
    return {"root": root, "site": root / "site", **results}


def test_the_biggest_scorecard_prints_on_a_few_a4_pages(printed: dict[str, Any]) -> None:
    pdf, output = printed["scorecard"]
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    pages = page_count(data)
    assert pages in SCORECARD_PAGES, f"{pages} pages"
    assert f"{pages} pages" in output
    assert b"/MediaBox [0 0 594.9" in data, "A4 paper (595 x 842 points)"
    assert b"file:" not in data, "a link of the paper leads to a file of the machine that printed it"
    assert b"/URI (https://drive.example.it/" in data, "links to the records' evidence stay"


def test_the_summary_prints_on_one_page(printed: dict[str, Any]) -> None:
    pdf, output = printed["summary"]
    assert page_count(pdf.read_bytes()) == 1, output
    assert "1 page" in output


@pytest.fixture(scope="module")
def print_page(printed: dict[str, Any], browser: Any) -> Iterator[tuple[Any, str]]:
    """A page of the built example with print media emulated at the width of an A4 page's text."""
    with _served(printed["site"]) as url:
        context = browser.new_context(viewport={"width": A4_TEXT_PX, "height": 1100}, service_workers="block")
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(url)
                      else route.abort("blockedbyclient"))
        page = context.new_page()
        page.emulate_media(media="print")
        try:
            yield page, url
        finally:
            context.close()


_LAYOUT = """() => {
  const shown = el => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  const tables = [...document.querySelectorAll('article table')].map(t => ({
    headers: [...t.querySelectorAll('thead th')].map(th => [th.textContent.trim(), shown(th),
                                                          th.getBoundingClientRect().right]),
    scroll: t.scrollWidth, client: t.clientWidth, right: t.getBoundingClientRect().right,
    box: (t.closest('.md-typeset__scrollwrap') || t.parentElement).scrollWidth
         - (t.closest('.md-typeset__scrollwrap') || t.parentElement).clientWidth}));
  const chrome = ['.md-header', '.md-tabs', '.md-sidebar--primary', '.md-sidebar--secondary', '.md-footer',
                  '.md-search'].filter(s => document.querySelector(s) && shown(document.querySelector(s)));
  const charts = [...document.querySelectorAll("article img[src*='assets/charts/']")].map(
    img => [img.getBoundingClientRect().width, img.getBoundingClientRect().height, img.naturalWidth]);
  return {tables, chrome, charts, width: document.documentElement.clientWidth,
          page: document.documentElement.scrollWidth - document.documentElement.clientWidth};
}"""


@pytest.mark.parametrize("path", [f"partners/{BIGGEST}/", f"partners/{BIGGEST}/summary/", "campaigns/easter-2026/",
                                  "money/", "team/"],
                         ids=["scorecard", "summary", "campaign", "money", "team"])
def test_print_layout_fits_the_page_and_shows_every_column(print_page: tuple[Any, str], path: str) -> None:
    page, url = print_page
    response = page.goto(url + path, wait_until="networkidle")
    assert response is not None
    assert response.ok
    layout = page.evaluate(_LAYOUT)
    assert layout["chrome"] == [], f"navigation, header or footer printed: {layout['chrome']}"
    assert layout["page"] <= 0, "the page is wider than the paper"
    assert layout["tables"], "no table to check"
    for table in layout["tables"]:
        names = [name for name, _, _ in table["headers"]]
        assert table["scroll"] <= table["client"] + 1, f"table {names} is cut"
        assert table["box"] <= 1, f"table {names} scrolls in its box"
        assert table["right"] <= layout["width"] + 1, f"table {names} runs off the paper"
        hidden = [name for name, shown, right in table["headers"] if not shown or right > layout["width"] + 1]
        assert hidden == [], f"columns lost on paper: {hidden}"
    for width, height, natural in layout["charts"]:
        assert 0 < width <= layout["width"], (width, height, natural)
        assert 50 < height <= 400, (width, height, natural)
