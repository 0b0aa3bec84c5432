"""Pages rendered again only when their inputs changed (generator/site/page_memo.py).

A rebuild takes a page's Markdown from .partnerbook/docs when the digest of the context values its templates
read is the one recorded for the bytes there; every other page is rendered. These tests pin that the pages a
change touches are rendered, the others are not, and that the result is always the docs and site a clean
build of the same inputs makes.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import TODAY, copy_base

from generator import cache_key, i18n, workdir
from generator.site import build as site
from generator.site import fingerprint, page_memo, render
from generator.workdir import MARKER

DAY = date.fromisoformat(TODAY)


def _tree(folder: Path) -> dict[str, str]:
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file() and path.name != MARKER}


def _diff(a: dict[str, str], b: dict[str, str]) -> list[str]:
    return sorted(name for name in a.keys() | b.keys() if a.get(name) != b.get(name))


def _clean(root: Path, copy: Path, day: date = DAY) -> Path:
    """A build of a fresh copy of ``root``: same records, no caches, no docs, no site."""
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".partnerbook", "site"))
    report = site.build_site(copy, day)
    assert report.pages_reused == 0
    assert report.pages_written == report.pages
    return copy


def _same_as_clean(root: Path, copy: Path, day: date = DAY) -> None:
    clean = _clean(root, copy, day)
    assert _diff(_tree(root / ".partnerbook" / "docs"), _tree(clean / ".partnerbook" / "docs")) == []
    assert _diff(_tree(root / "site"), _tree(clean / "site")) == []


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, Any]]:
    """(template, the page's id) of every page rendered from its template."""
    seen: list[tuple[str, Any]] = []
    original = render.render_page

    def spy(env: Any, template: str, context: dict[str, Any]) -> str:
        seen.append((template, context.get("id")))
        return original(env, template, context)

    monkeypatch.setattr(render, "render_page", spy)
    return seen


def _edit(path: Path, **change: object) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update(change)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def test_one_partner_changed_renders_its_pages_and_leaves_the_others(tmp_path: Path,
                                                                     rendered: list[tuple[str, Any]]) -> None:
    root = copy_base(tmp_path / "portfolio")
    first = site.build_site(root, DAY)
    assert first.pages_written == first.pages
    assert first.pages_reused == 0
    rendered.clear()

    _edit(root / "partners" / "kiln-packaging" / "partner.yaml", description="Now with recycled paper.")
    again = site.build_site(root, DAY)
    assert ("partner.md.j2", "kiln-packaging") in rendered
    assert ("partner_summary.md.j2", "kiln-packaging") in rendered
    assert not [page for page in rendered if page[1] == "stripe-payments"], "a partner page showing nothing changed"
    assert again.pages_written == len(rendered) < again.pages // 2
    assert again.pages_reused == again.pages - again.pages_written
    assert "recycled paper" in (root / "site" / "partners" / "kiln-packaging" / "index.html").read_text("utf-8")
    _same_as_clean(root, tmp_path / "clean")


@pytest.mark.parametrize("change", ["campaign", "settings", "contract", "next day", "language"])
def test_every_kind_of_change_gives_the_docs_and_site_of_a_clean_build(
        tmp_path: Path, change: str, monkeypatch: pytest.MonkeyPatch, rendered: list[tuple[str, Any]]) -> None:
    root = copy_base(tmp_path / "portfolio")
    site.build_site(root, DAY)
    rendered.clear()
    day = DAY
    if change == "campaign":
        path = root / "campaigns" / "easter-2026.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("revenue: ", "revenue: 1", 1), encoding="utf-8")
    elif change == "settings":
        path = root / "partnerbook.yml"
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        data.setdefault("alerts", {})["revenue_concentration"] = 0.05  # more partners over the threshold
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    elif change == "contract":
        contract = sorted((root / "partners" / "stripe-payments" / "contracts").glob("*.yaml"))[0]
        _edit(contract, title="Platform, renewed")
    elif change == "next day":
        day = DAY + timedelta(days=1)
    else:
        monkeypatch.setenv(i18n.ENV, "it")
    again = site.build_site(root, day)
    assert rendered, "what changed is rendered"
    if change == "language":
        assert again.pages_reused == 0, "every page is in the other language"
    _same_as_clean(root, tmp_path / "clean", day)


def test_a_new_commit_with_a_changed_record_writes_the_commit_into_the_pages_it_takes(tmp_path: Path) -> None:
    root = copy_base(tmp_path / "portfolio")

    def git(*args: str) -> None:
        subprocess.run(["git", "-c", "user.email=pb@example.com", "-c", "user.name=pb", *args], cwd=root,
                       check=True, capture_output=True)

    git("init", "-q")
    git("add", "-A")
    git("commit", "-qm", "records")
    site.build_site(root, DAY)
    _edit(root / "partners" / "kiln-packaging" / "partner.yaml", description="Now with recycled paper.")
    git("commit", "-qam", "a new description")
    again = site.build_site(root, DAY)
    assert again.pages_reused > again.pages // 2
    commit = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=root, capture_output=True, text=True,
                            check=True).stdout.strip()
    page = (root / ".partnerbook" / "docs" / "partners" / "stripe-payments" / "index.md").read_text("utf-8")
    assert f'<span class="pb-stamp-commit">{commit}</span>' in page
    _same_as_clean(root, tmp_path / "clean")


def test_a_page_edited_in_docs_is_rendered_again(tmp_path: Path, rendered: list[tuple[str, Any]]) -> None:
    root = copy_base(tmp_path / "portfolio")
    site.build_site(root, DAY)
    page = root / ".partnerbook" / "docs" / "partners" / "stripe-payments" / "index.md"
    page.write_text(page.read_text("utf-8") + "\n<script>alert(1)</script>\n", encoding="utf-8")
    fingerprint.forget(root)  # past the no-change shortcut
    rendered.clear()
    site.build_site(root, DAY)
    assert rendered == [("partner.md.j2", "stripe-payments")]
    assert "<script>" not in page.read_text("utf-8")
    _same_as_clean(root, tmp_path / "clean")


@pytest.mark.parametrize("forgery", ["edited", "unsealed", "other machine"])
def test_an_index_not_sealed_here_is_ignored(tmp_path: Path, forgery: str, monkeypatch: pytest.MonkeyPatch,
                                             rendered: list[tuple[str, Any]]) -> None:
    root = copy_base(tmp_path / "portfolio")
    site.build_site(root, DAY)
    index = workdir.work_dir(root, "cache") / page_memo.INDEX
    body = cache_key.unpack(page_memo._PURPOSE, index.read_bytes())
    assert body is not None
    data = json.loads(body)
    data["pages"] = {path: [entry[0], "0" * 64, entry[2]] for path, entry in data["pages"].items()}
    if forgery == "edited":  # the recorded bytes changed under an old seal
        index.write_bytes(index.read_bytes()[:65] + json.dumps(data).encode())
    elif forgery == "unsealed":
        index.write_bytes(json.dumps(data).encode())
    else:
        monkeypatch.setenv(cache_key.CACHE_KEY_ENV, "another machine's key " * 4)
    fingerprint.forget(root)
    rendered.clear()
    again = site.build_site(root, DAY)
    assert again.pages_reused == 0
    assert len(rendered) == again.pages
    _same_as_clean(root, tmp_path / "clean")


def test_a_value_pickle_cannot_write_makes_its_page_rendered_every_time(tmp_path: Path) -> None:
    digester = page_memo.Digester()
    with pytest.raises(page_memo.Unknown):
        digester.page("glossary.md.j2", None, {"format": lambda value: value})
    key, words = digester.page("glossary.md.j2", frozenset({"a", "b", "missing"}), {"a": 1, "b": {"x"}, "c": 2})
    assert words == {}
    assert key != digester.page("glossary.md.j2", frozenset({"a", "b"}), {"a": 1, "b": {"x"}})[0]
    assert key == page_memo.Digester().page("glossary.md.j2", frozenset({"a", "b", "missing"}),
                                            {"a": 1, "b": {"x"}, "c": 3})[0], "a name the page does not read"
    assert key != page_memo.Digester().page("glossary.md.j2", frozenset({"a", "b", "missing"}),
                                            {"a": 1.0, "b": {"x"}})[0], "1 and 1.0 are shown differently"


def test_the_digester_lets_go_of_the_values_only_its_pages_held() -> None:
    """Memory: a page's own values are freed once it is written; values every page shows stay digested once."""
    names = frozenset({"shared", "own"})
    shared = {"partners": [f"p{i}" for i in range(100)]}
    digester = page_memo.Digester()
    keys = []
    for i in range(50):
        context = {"shared": shared, "own": [i, "x"]}
        keys.append(digester.page("glossary.md.j2", names, context)[0])
        del context
        digester.sweep()
    assert len(set(keys)) == 50
    assert len(digester._keep) <= 3, "the pages' own lists are not kept"
    assert id(shared) in digester._keep, "the shared value is digested once"

    fresh = page_memo.Digester()
    for i in range(50):  # a new value may take a freed one's id: its digest is its own
        assert fresh.page("glossary.md.j2", names, {"shared": shared, "own": [i, "x"]})[0] == keys[i]
        fresh.sweep()


_KEYS = """
import json, sys
from datetime import date
from pathlib import Path
from generator import workdir
from generator.compute.portfolio import compute_portfolio
from generator.site import page_memo, pages, render
root = Path(sys.argv[1])
computed = compute_portfolio(root, date.fromisoformat(sys.argv[2]), None)
plan, _specs = pages.plan(computed, {"today": sys.argv[2], "commit": "abc"}, None)
env, known, digester = render.environment(), {}, page_memo.Digester()
print(json.dumps({path: digester.page(template, page_memo.template_names(env, template, known), context)
                  for path, (template, context) in plan.items()}))
"""


def test_page_keys_are_the_same_in_every_process(tmp_path: Path) -> None:
    """Keys must not depend on string hashing (set order) or on how a run shares equal objects."""
    root = copy_base(tmp_path / "portfolio")
    keys = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", _KEYS, str(root), TODAY], capture_output=True, text=True,
                             env=env, check=True)
        keys.append(json.loads(out.stdout))
    assert keys[0] == keys[1]
    assert len({key for key, _words in keys[0].values()}) == len(keys[0]), "no two pages share a key"
