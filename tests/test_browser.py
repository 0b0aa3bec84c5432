"""The built site in a real headless Chromium: pages load cleanly, charts show, search works, nothing leaves localhost.

The example portfolio (the repository's own partners/ and campaigns/) is copied to a
temporary folder and built there with ``partnerbook build``; the site is served by
``http.server`` on a free localhost port and opened in Debian's Chromium, driven by
Playwright (never ``playwright install``: the browser is the system one). On a machine
without Chromium the tests skip and say why; with PARTNERBOOK_REQUIRE_BROWSER=1, which
.ci/run sets after installing Chromium, a missing browser is a failure, so CI never skips.
Set PARTNERBOOK_CHROMIUM to use another Chromium binary. Screenshots go to tmp_path only.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urljoin, urlsplit

import pytest
from click.testing import CliRunner

from generator.cli import cli

REPO = Path(__file__).resolve().parent.parent
TODAY = "2026-11-25"
TIMEOUT_MS = 15_000
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
# Flags for a sandboxed machine with no internet: no background requests to Google's hosts.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
# (path, the page's h1) of the pages checked one by one.
PAGES = [
    ("", None),
    ("partners/pagamenti-sicuri/", "Pagamenti Sicuri"),
    ("campaigns/easter-2026/", "Easter 2026"),
]


def _chromium() -> str:
    candidates = [os.environ.get("PARTNERBOOK_CHROMIUM"), shutil.which("chromium"),
                  shutil.which("chromium-browser"), "/usr/bin/chromium"]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    _missing("Chromium not found: install Debian's `chromium` (.ci/run does) or set PARTNERBOOK_CHROMIUM")


def _missing(reason: str) -> NoReturn:
    """Skip with the reason on a machine without the browser; fail where CI requires it."""
    if os.environ.get("PARTNERBOOK_REQUIRE_BROWSER") == "1":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


# --- the site, built once and served on localhost ----------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("portfolio")
    for name in ("partners", "campaigns"):
        shutil.copytree(REPO / name, root / name)
    for name in ("partnerbook.yml", "mkdocs.yml"):
        if (REPO / name).is_file():
            shutil.copy2(REPO / name, root / name)
    result = CliRunner().invoke(cli, ["build", "--root", str(root), "--today", TODAY], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    site_dir = root / "site"
    assert (site_dir / "index.html").is_file(), result.output
    return site_dir


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def _served(folder: Path) -> Iterator[str]:
    """``folder`` on a free localhost port, for as long as the block runs."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    with _served(site) as url:
        yield url


# --- the browser --------------------------------------------------------------------------------


@dataclass
class Session:
    """A fresh browser context and page, with everything that went wrong on the way recorded."""

    page: Any
    console_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert self.external == [], f"requests to hosts other than localhost: {self.external}"
        assert self.console_errors == [], f"console errors: {self.console_errors}"
        assert self.failed == [], f"failed requests: {self.failed}"


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in {"data", "blob", "about"}:
        return True
    return parts.scheme in {"http", "https"} and parts.hostname in LOCAL_HOSTS


@pytest.fixture
def session(browser: Any, tmp_path: Path) -> Iterator[Session]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    rec = Session(page)

    def route(route: Any) -> None:
        # Every request, the search worker's included, passes here; off-site ones never leave.
        if _is_local(route.request.url):
            route.continue_()
        else:
            rec.external.append(route.request.url)
            route.abort("blockedbyclient")

    context.route("**/*", route)
    page.on("console", lambda msg: msg.type == "error" and rec.console_errors.append(
        f"{msg.text} ({msg.location.get('url', '')})"))
    page.on("pageerror", lambda exc: rec.console_errors.append(f"uncaught: {exc}"))
    context.on("requestfailed", lambda req: _is_local(req.url) and rec.failed.append(
        f"{req.url}: {req.failure}"))
    context.on("response", lambda resp: resp.status >= 400 and rec.failed.append(f"{resp.url}: HTTP {resp.status}"))
    try:
        yield rec
    finally:
        # Where the page ended up, for a failed run (tmp_path, never the repository).
        with contextlib.suppress(Exception):
            page.screenshot(path=str(tmp_path / "last-page.png"))
        context.close()


def _heading(page: Any) -> str:
    """The page's h1 without the permalink anchor that toc's permalink option appends."""
    return page.locator("article h1").first.inner_text().strip().removesuffix("¶").strip()


# --- the tests ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "heading"), PAGES, ids=["home", "scorecard", "campaign"])
def test_page_loads_cleanly_with_visible_charts(session: Session, base_url: str, path: str,
                                                heading: str | None) -> None:
    page = session.page
    response = page.goto(base_url + path, wait_until="networkidle")
    assert response is not None
    assert response.ok, f"{path or '/'}: HTTP {response.status}"
    if heading is not None:
        assert _heading(page) == heading
    assert "Built Nov 25, 2026" in page.locator("article").inner_text(), "the page does not say when it was built"

    charts = page.locator("article img[src*='assets/charts/']")
    assert charts.count() > 0, f"{path or '/'} shows no chart"
    for index in range(charts.count()):
        chart = charts.nth(index)
        chart.scroll_into_view_if_needed()
        src = chart.get_attribute("src") or ""
        assert src.endswith(".svg"), src
        assert (chart.get_attribute("alt") or "").strip(), f"chart {src} has no alt text"
        loaded = chart.evaluate("img => img.complete && img.naturalWidth > 0 && img.naturalHeight > 0")
        assert loaded, f"chart {src} did not load (naturalWidth 0)"
        box = chart.bounding_box()
        assert chart.is_visible()
        assert box is not None
        assert box["width"] > 50
        assert box["height"] > 50, f"chart {src} is too small to read: {box}"
    session.assert_clean()


def test_search_finds_a_partner_by_name(session: Session, base_url: str) -> None:
    page = session.page
    page.goto(base_url, wait_until="networkidle")
    page.locator("label.md-search__icon, .md-search__input").first.click()
    search = page.locator("input.md-search__input")
    search.wait_for(state="visible")
    # The worker reports "Initializing search" until search_index.json is loaded and indexed.
    page.wait_for_function(
        "() => { const m = document.querySelector('.md-search-result__meta');"
        " return m && m.textContent.trim() !== '' && !/initializ/i.test(m.textContent); }")
    search.press_sequentially("Pagamenti", delay=20)
    result = page.locator(".md-search-result__list a.md-search-result__link[href*='partners/pagamenti-sicuri/']")
    result.first.wait_for(state="visible")
    assert "Pagamenti Sicuri" in result.first.inner_text()
    result.first.click()
    page.wait_for_url("**/partners/pagamenti-sicuri/**")
    page.wait_for_load_state("networkidle")
    assert _heading(page) == "Pagamenti Sicuri"
    session.assert_clean()


def test_links_between_pages_resolve(session: Session, base_url: str) -> None:
    """Every same-site link on the index pages, the scorecard and the campaign report leads to a page."""
    page = session.page
    broken: dict[str, list[str]] = {}
    for path in ["", "partners/", "campaigns/", *(p for p, _ in PAGES[1:])]:
        page.goto(base_url + path, wait_until="domcontentloaded")
        hrefs = page.eval_on_selector_all("article a[href]", "links => links.map(a => a.href)")
        for href in sorted(set(hrefs)):
            target = href.split("#", 1)[0]
            if not target.startswith(base_url):
                continue
            if page.request.get(target).status != 200 or target.endswith(".md"):
                broken.setdefault(path or "/", []).append(target.removeprefix(base_url))
    assert broken == {}, f"links that lead nowhere: {broken}"


class _Resources(HTMLParser):
    """What a page loads by itself: scripts, stylesheets, icons, images, frames, media."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in {"script", "img", "iframe", "source", "audio", "video", "embed"} and values.get("src"):
            self.urls.append(values["src"] or "")
        elif tag == "link" and values.get("href") and (values.get("rel") or "") not in {"canonical", "alternate"}:
            self.urls.append(values["href"] or "")
        elif tag == "object" and values.get("data"):
            self.urls.append(values["data"] or "")


def test_no_page_loads_anything_from_the_internet(site: Path) -> None:
    """Beyond the three pages opened in the browser: no page of the site names an off-site resource."""
    offsite: dict[str, list[str]] = {}
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 10
    for html in pages:
        parser = _Resources()
        parser.feed(html.read_text(encoding="utf-8"))
        rel = html.relative_to(site).as_posix()
        for url in parser.urls:
            if urlsplit(urljoin("http://127.0.0.1/" + rel, url)).hostname not in LOCAL_HOSTS:
                offsite.setdefault(rel, []).append(url)
    for css in sorted(site.rglob("*.css")):
        text = "".join(css.read_text(encoding="utf-8").split()).lower()
        for marker in ("url(http", "url('http", 'url("http', "url(//", '@import"', "@import'"):
            assert marker not in text, f"{css.relative_to(site)} loads an off-site resource ({marker}...)"
    assert offsite == {}, f"pages that load off-site resources: {offsite}"


# --- hostile record text: nothing runs, whatever the reader does ---------------------------------


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The site of tests/hostile.py's portfolio (hostile text in every string field), served on localhost."""
    from hostile import write_portfolio

    root = tmp_path_factory.mktemp("hostile")
    write_portfolio(root, hostile=True)
    result = CliRunner().invoke(cli, ["build", "--root", str(root), "--today", TODAY], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    with _served(root / "site") as url:
        yield url


# Every element record text can reach: the article, and the header that shows the page title.
_TAGS = ("a", "button", "input", "summary", "details", "label", "td", "th", "span", "img", "svg", "code", "li",
         "p", "div", "small", "h1", "h2", "h3")
INTERACTIVE = ", ".join([*(f"article {tag}" for tag in _TAGS), ".md-header__topic", ".md-header__topic *"])
MAX_ELEMENTS = 600  # per page
# Links to other pages do not navigate (so one page load covers every element); a javascript: link
# is left alone and would run, which is what the test watches for.
_STAY = """() => document.addEventListener('click', e => {
  const a = e.target.closest && e.target.closest('a[href]');
  if (a && /^(https?|mailto|file):/i.test(a.href)) e.preventDefault();
}, true)"""
# Every event a handler could hang on, dispatched on every element the selector finds.
_EVENTS = """(selector) => {
  const kinds = ['mouseover', 'mouseenter', 'mousemove', 'mousedown', 'mouseup', 'pointerover', 'pointerenter',
                 'focus', 'focusin', 'blur', 'dblclick', 'contextmenu', 'animationstart', 'transitionend', 'toggle'];
  let n = 0;
  for (const el of document.querySelectorAll(selector)) {
    for (const kind of kinds) el.dispatchEvent(new Event(kind, {bubbles: true}));
    if (el.focus) el.focus();
    if (el.click) el.click();
    n += 1;
  }
  return n;
}"""


@pytest.mark.parametrize("path", ["partners/hostile-partner/", "campaigns/hostile-campaign/"],
                         ids=["scorecard", "campaign"])
def test_hostile_pages_run_nothing_when_hovered_focused_and_clicked(browser: Any, hostile_url: str,
                                                                    path: str) -> None:
    from hostile import MARKER, SCRIPT

    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    context.set_default_timeout(TIMEOUT_MS)
    context.route("**/*", lambda route: route.continue_() if _is_local(route.request.url)
                  else route.abort("blockedbyclient"))
    page = context.new_page()
    ran: list[str] = []

    def dialog(d: Any) -> None:
        ran.append(f"dialog {d.type}: {d.message}")
        d.dismiss()

    page.on("dialog", dialog)
    page.on("console", lambda msg: MARKER in msg.text and ran.append(f"console: {msg.text}"))
    page.on("pageerror", lambda exc: ran.append(f"error: {exc}"))
    url = hostile_url + path
    try:
        page.goto(url, wait_until="networkidle")
        article = page.locator("article").inner_text()
        assert SCRIPT in article, "the hostile text is not shown as text"
        assert "\\x1b[31mred" in article, "escape codes are not shown as escapes"
        page.evaluate(_STAY)
        # One tall viewport holds the whole page: every element can be reached without scrolling.
        height = min(page.evaluate("document.documentElement.scrollHeight"), 30_000)
        page.set_viewport_size({"width": 1280, "height": height})
        boxes = page.evaluate("""([selector, max]) => [...document.querySelectorAll(selector)].slice(0, max)
            .map(el => el.getBoundingClientRect())
            .map(r => [r.x + r.width / 2, r.y + r.height / 2, r.width > 0 && r.height > 0])""",
                              [INTERACTIVE, MAX_ELEMENTS])
        count = len(boxes)
        assert count > 50, f"only {count} elements on {path}"
        # A real mouse over and a real click on every element that is shown.
        hovered = 0
        for x, y, shown in boxes:
            if not shown or y >= height:
                continue
            page.mouse.move(x, y)
            page.mouse.click(x, y)
            hovered += 1
        assert page.url.split("#")[0] == url, f"a click left the page: {page.url}"
        assert hovered > 30, f"only {hovered} elements could be hovered on {path}"
        for _ in range(min(count, 300)):  # keyboard focus through the focusable elements
            page.keyboard.press("Tab")
        assert page.evaluate(_EVENTS, INTERACTIVE) >= count
        page.wait_for_timeout(300)
        assert ran == [], f"record text ran as script on {path}: {ran}"
    finally:
        context.close()
