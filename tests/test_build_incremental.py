"""Incremental builds: a rebuild from the page and chart caches is the very site a clean full build makes.

``partnerbook build`` keeps every page's HTML and search entries in .partnerbook/cache/pages, keyed by
a hash of the page's Markdown and everything global to the build, and renders only pages whose key is
new (generator/site/mkdocs_build.py). These tests pin that this never changes the result: byte for byte, a
rebuild after a record changed equals a clean build of the same records, and both equal a plain
``mkdocs build`` of the same generated pages. The process pool is forced on (``page_pool.PARALLEL_MIN``) so the
forked workers are tested too, not only the in-process path small portfolios take.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import pickle
import re
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import TODAY, copy_base

from generator.draw.charts import ChartSpec
from generator.errors import PartnerbookError
from generator.site import build as site
from generator.site import docs_tree, fingerprint, page_pool
from generator.workdir import MARKER

DAY = date.fromisoformat(TODAY)


@pytest.fixture(autouse=True, params=["serial", "pool"])
def mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test runs twice: pages rendered in this process, and in a pool of two forked workers (the three
    longest pages rendered by the parent once the pool is gone, as the longest pages of a large portfolio are)."""
    if request.param == "pool":
        monkeypatch.setattr(page_pool, "PARALLEL_MIN", 1)
        monkeypatch.setattr(page_pool, "LATE_MIN", 15_000)
    return request.param


def _jobs(mode: str) -> int:
    return 2 if mode == "pool" else 1


def _tree(folder: Path) -> dict[str, str]:
    """Every file's digest; partnerbook's marker file (not part of what MkDocs builds) is left out."""
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file() and path.name != MARKER}


def _diff(a: dict[str, str], b: dict[str, str]) -> list[str]:
    return sorted(name for name in a.keys() | b.keys() if a.get(name) != b.get(name))


def _edit_partner(root: Path, partner: str, **change: object) -> None:
    path = root / "partners" / partner / "partner.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update(change)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _search_locations(site_dir: Path) -> set[str]:
    index = json.loads((site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))
    return {doc["location"].split("#")[0] for doc in index["docs"]}


def test_rebuild_after_one_partner_changed_equals_a_clean_full_build(tmp_path: Path, mode: str) -> None:
    root = copy_base(tmp_path / "portfolio")
    first = site.build_site(root, DAY, jobs=_jobs(mode))
    assert first.pages_cached == 0  # a cold build renders everything

    _edit_partner(root, "kiln-packaging", description="Eco packaging, now with recycled paper.",
                  status="paused")
    rebuilt = site.build_site(root, DAY, jobs=_jobs(mode))
    assert rebuilt.pages_rendered > 0, "pages whose Markdown changed are rendered"
    assert rebuilt.pages_cached > rebuilt.pages_rendered, "the others come from the cache"

    clean = tmp_path / "clean"
    shutil.copytree(root, clean, ignore=shutil.ignore_patterns(".partnerbook", "site"))
    full = site.build_site(clean, DAY, jobs=_jobs(mode))
    assert full.pages_cached == 0

    assert _diff(_tree(root / "site"), _tree(clean / "site")) == []
    text = (root / "site" / "partners" / "kiln-packaging" / "index.html").read_text(encoding="utf-8")
    assert "recycled paper" in text
    # The search index holds every page, not only the re-rendered ones (what --dirty would leave).
    html_pages = {p.relative_to(root / "site").parent.as_posix() + "/" for p in (root / "site").rglob("index.html")}
    html_pages = {"" if p == "./" else p for p in html_pages}
    assert html_pages <= _search_locations(root / "site")
    index = json.loads((root / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert any("recycled paper" in doc["text"] for doc in index["docs"])


def test_unchanged_records_render_and_draw_nothing(tmp_path: Path, mode: str) -> None:
    root = copy_base(tmp_path / "portfolio")
    site.build_site(root, DAY, jobs=_jobs(mode))
    before = _tree(root / "site")
    fingerprint.forget(root)  # past the no-change shortcut (tests/test_build_fingerprint.py): the caches answer
    again = site.build_site(root, DAY, jobs=_jobs(mode))
    assert not again.unchanged
    assert (again.pages_rendered, again.charts_drawn) == (0, 0)
    assert again.pages_cached > 0
    assert _diff(before, _tree(root / "site")) == []



def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=pb@example.com", "-c", "user.name=pb", *args], cwd=root,
                   check=True, capture_output=True)


def _clean_build(root: Path, copy: Path, day: date, mode: str) -> dict[str, str]:
    """The site a build of a fresh copy of ``root`` (same records, same commit, no caches, no site) makes."""
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".partnerbook", "site"))
    report = site.build_site(copy, day, jobs=_jobs(mode))
    assert report.pages_cached == 0
    assert not report.unchanged
    return _tree(copy / "site")


def test_a_new_commit_renders_nothing_again_and_stamps_every_page(tmp_path: Path, mode: str) -> None:
    root = copy_base(tmp_path / "portfolio")
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "records")
    site.build_site(root, DAY, jobs=_jobs(mode))
    _git(root, "commit", "-q", "--allow-empty", "-m", "nothing in the records changed")
    commit = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=root, capture_output=True, text=True,
                            check=True).stdout.strip()

    again = site.build_site(root, DAY, jobs=_jobs(mode))
    assert not again.unchanged
    assert again.restamped, "the last site, with the new commit written in"
    assert (again.pages_rendered, again.charts_drawn) == (0, 0), "the stamp is put in at write time"
    assert _diff(_tree(root / "site"), _clean_build(root, tmp_path / "clean-restamped", DAY, mode)) == []

    _git(root, "commit", "-q", "--allow-empty", "-m", "and again, past the shortcut: the caches answer")
    commit = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=root, capture_output=True, text=True,
                            check=True).stdout.strip()
    fingerprint.forget(root)
    again = site.build_site(root, DAY, jobs=_jobs(mode))
    assert not again.unchanged
    assert not again.restamped
    assert (again.pages_rendered, again.charts_drawn) == (0, 0), "the stamp is put in at write time"
    html = (root / "site" / "partners" / "kiln-packaging" / "index.html").read_text(encoding="utf-8")
    assert f'<span class="pb-stamp-commit">{commit}</span>' in html
    assert "\u2983" not in html
    assert _diff(_tree(root / "site"), _clean_build(root, tmp_path / "clean", DAY, mode)) == []


def _relative_words(site_dir: Path) -> dict[str, list[str]]:
    """The words of every ``rel`` span (days counted from the build's day) of every page, by page."""
    found = {path.relative_to(site_dir).as_posix(): re.findall(r'<span class="pb-stamp-rel">([^<]*)</span>',
                                                               path.read_text(encoding="utf-8"))
             for path in sorted(site_dir.rglob("index.html"))}
    return {page: words for page, words in found.items() if words}


def test_the_next_day_renders_nothing_again_for_day_counts_alone(tmp_path: Path, mode: str) -> None:
    """Days left to a deadline and the days of a dated alert ("due on ..., 3 days ago") change every day on
    most partner pages; they go into the page at write time, so a day that changes nothing else renders no
    page again, and the site is still the one a clean build of that day makes."""
    root = copy_base(tmp_path / "portfolio")
    site.build_site(root, DAY, jobs=_jobs(mode))
    before = _relative_words(root / "site")
    assert any(page.startswith("partners/") for page in before), "the example partners show day counts"
    next_day = DAY + timedelta(days=1)
    later = site.build_site(root, next_day, jobs=_jobs(mode))
    assert later.pages_written > 0, "the Markdown of the pages with day counts changed"
    assert later.pages_rendered == 0, "their words go in at write time"
    after = _relative_words(root / "site")
    assert after.keys() == before.keys()
    assert after != before
    days_left = [(int(old), int(new)) for page in before for old, new in zip(before[page], after[page], strict=True)
                 if old.isdigit() and new.isdigit()]
    assert days_left
    assert all(new == old - 1 for old, new in days_left), "a day less to every deadline"
    html = (root / "site" / "glossary" / "index.html").read_text(encoding="utf-8")
    assert '<span class="pb-stamp-day">Nov 25&#44; 2026</span>' in html  # the build date, written in
    assert _diff(_tree(root / "site"), _clean_build(root, tmp_path / "clean", next_day, mode)) == []


def test_another_day_renders_only_the_pages_whose_content_depends_on_the_date(tmp_path: Path, mode: str) -> None:
    root = copy_base(tmp_path / "portfolio")
    site.build_site(root, DAY, jobs=_jobs(mode))
    later_day = DAY + timedelta(days=200)  # contracts end, documents expire, new alerts
    later = site.build_site(root, later_day, jobs=_jobs(mode))
    assert later.pages_rendered > 0, "statuses and alerts changed"
    assert later.pages_cached > 0, "pages that do not depend on the date (the glossary, campaigns) are not rendered"
    assert _diff(_tree(root / "site"), _clean_build(root, tmp_path / "clean", later_day, mode)) == []


def test_the_site_equals_a_plain_mkdocs_build_of_the_same_pages(tmp_path: Path, mode: str) -> None:
    root = copy_base(tmp_path / "portfolio")
    # A name that looks like the tokens pages are rendered with stays itself (generator/site/stamp.py).
    _edit_partner(root, "kiln-packaging", name="Kiln \u2983pb-rel-1\u2984 \u2983pb-day\u2984")
    site.build_site(root, DAY, jobs=_jobs(mode))
    prepared = site.prepare_docs(root, DAY)  # the same pages again: nothing changes in docs
    plain = tmp_path / "plain"
    config = site.write_config(root, {**prepared.config, "site_dir": str(plain)}, "mkdocs.plain.yml")
    epoch = str(int(datetime.combine(DAY, datetime.min.time(), tzinfo=UTC).timestamp()))
    code = ("import sys; from mkdocs.commands.build import build; from mkdocs.config import load_config; "
            "build(load_config(config_file=sys.argv[1]))")
    env = {**os.environ, "SOURCE_DATE_EPOCH": epoch, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run([sys.executable, "-c", code, str(config)], env=env, capture_output=True, text=True,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    assert _diff(_tree(plain), _tree(root / "site")) == []
    assert (root / "site" / MARKER).is_file(), "partnerbook marks the sites it builds"


def test_pages_rendered_by_this_process_leave_no_markdown_converter_behind(tmp_path: Path, mode: str,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """MkDocs' Markdown converter of a page is cyclic garbage holding the page's element tree: a long page this
    process renders is collected at once, not left to the collector's rare full passes (at 5,000 partners the
    alerts, money and contracts pages stacked some 300 MB)."""
    import markdown

    monkeypatch.setattr(page_pool, "COLLECT_MIN", 0)  # every page counts as long here
    root = copy_base(tmp_path / "portfolio")
    gc.collect()
    gc.disable()  # no automatic pass: only the build's own collection can free them
    try:
        site.build_site(root, DAY, jobs=_jobs(mode))
        left = sum(1 for obj in gc.get_objects() if isinstance(obj, markdown.Markdown))
    finally:
        gc.enable()
    assert left == 0


@pytest.mark.parametrize("failure", ["broken link in a page", "nav entry without a page"])
def test_a_failed_build_keeps_the_previous_site_and_caches_nothing_of_it(
        tmp_path: Path, mode: str, failure: str, monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_base(tmp_path / "portfolio")
    site.build_site(root, DAY, jobs=_jobs(mode))
    before = _tree(root / "site")
    cache = root / site.WORK_DIR / "cache" / "pages"
    entries = sorted(p.name for p in cache.iterdir())

    if failure == "broken link in a page":  # the warning comes from the page's renderer (a worker in the pool)
        real_sync = docs_tree.sync_tree

        def sync(files: dict[str, bytes], folder: Path, *rest: Any) -> None:
            real_sync({**files, "broken.md": b"# Broken\n\n[nowhere](nowhere.md)\n"}, folder, *rest)

        monkeypatch.setattr(docs_tree, "sync_tree", sync)
    else:  # the warning comes from MkDocs' navigation, before any page is rendered
        from generator.site import mkdocs_config as configuration

        real_config = configuration.mkdocs_config

        def config(*args: Any, **kwargs: Any) -> dict[str, Any]:
            data = real_config(*args, **kwargs)
            return {**data, "nav": [*data["nav"], {"Missing": "missing-page.md"}]}

        monkeypatch.setattr(configuration, "mkdocs_config", config)
    _edit_partner(root, "kiln-packaging", description="A change that must not be published.")
    with pytest.raises(PartnerbookError, match="strict mode"):
        site.build_site(root, DAY, jobs=_jobs(mode))

    assert _diff(before, _tree(root / "site")) == []
    assert sorted(p.name for p in cache.iterdir()) == entries
    assert not [p for p in root.iterdir() if p.name.startswith(".site.")], "no temporary site is left"


def test_charts_are_byte_identical_in_another_process(tmp_path: Path) -> None:
    from generator.draw.chart_draw import draw

    spec = ChartSpec("revenue-share", "Share of partner revenue", "alt",
                     (("currency", "EUR"), ("rows", (("Kiln <Packaging>", 0.6, 1200.0), ("Shop & Co", 0.4, 800.0)))))
    here = draw(spec)
    code = ("import sys, pickle; from generator.draw.chart_draw import draw; "
            "sys.stdout.buffer.write(draw(pickle.loads(sys.stdin.buffer.read())))")
    proc = subprocess.run([sys.executable, "-c", code], input=pickle.dumps(spec), capture_output=True, check=True)
    assert proc.stdout == here
    assert b"<dc:date" not in here
    assert b"Kiln &lt;Packaging&gt;" in here
