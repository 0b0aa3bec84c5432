"""The build's caches are data, not code, and any damage heals: forged, shipped, cut, garbled, swapped or
replaced entries are ignored and rebuilt, and the next site is byte for byte a clean build's.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
from datetime import date
from pathlib import Path

import pytest
from conftest import TODAY, copy_base

from generator import cache_key, workdir
from generator.checks.readcache import ReadCache
from generator.checks.validate import validate_portfolio
from generator.site import build as site
from generator.site import page_cache

DAY = date.fromisoformat(TODAY)


def _tree(folder: Path) -> dict[str, str]:
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def _clean_site(tmp_path: Path) -> dict[str, str]:
    clean = copy_base(tmp_path / "clean")
    site.build_site(clean, DAY)
    return _tree(clean / "site")


class _Payload:
    """Unpickling this runs code: the test fails if partnerbook ever unpickles a cache."""

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (_boom, ("unpickled",))


def _boom(text: str) -> None:
    Path(os.environ["PARTNERBOOK_TEST_MARK"]).write_text(text, encoding="utf-8")


def test_a_shipped_pickle_is_never_loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_base(tmp_path / "portfolio")
    mark = tmp_path / "ran.txt"
    monkeypatch.setenv("PARTNERBOOK_TEST_MARK", str(mark))
    cache = root / ".partnerbook" / "cache"
    cache.mkdir(parents=True)
    blob = pickle.dumps({"fingerprint": "x", "entries": _Payload()})
    for name in ("records.pickle", "records.json"):
        (cache / name).write_bytes(blob)

    site.build_site(root, DAY)

    assert not mark.exists()
    assert not (cache / "records.pickle").exists()
    assert b"pickle" not in (cache / "records.json").read_bytes()[:200]


def _forge(key: bytes, monkeypatch: pytest.MonkeyPatch, make: object) -> bytes:
    """What an attacker with another machine's key (or none) can produce: well-formed, validly sealed."""
    with monkeypatch.context() as patch:
        patch.setattr(cache_key, "machine_key", lambda: key)
        return make()  # type: ignore[operator]


def test_a_forged_page_entry_with_script_never_reaches_the_site(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_base(tmp_path / "portfolio")
    site.build_site(root, DAY)
    cache = root / ".partnerbook" / "cache" / "pages"
    for path in cache.glob("*.json"):
        if path.name == "site-manifest.json":
            continue
        key = path.stem
        output = page_cache.PageOutput.unseal(key, path.read_bytes())
        if output.html is None:
            continue
        evil = page_cache.PageOutput(output.html.replace(b"</body>", b"<script>alert(1)</script></body>"),
                                     output.search, output.title, output.anchors, output.links)
        path.write_bytes(_forge(b"A" * 32, monkeypatch, lambda evil=evil, key=key: evil.seal(key)))
    (root / "site").rename(root / "old-site")  # no previous site to link from: every page comes from somewhere

    report = site.build_site(root, DAY)

    assert report.pages_cached == 0
    assert not [p for p in (root / "site").rglob("*.html") if b"alert(1)" in p.read_bytes()]
    assert _tree(root / "site") == _clean_site(tmp_path)


def test_a_forged_read_cache_cannot_change_what_the_records_say(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_base(tmp_path / "portfolio")
    cache_file = tmp_path / "records.json"

    def forged() -> None:
        cache = ReadCache(cache_file)
        _portfolio, _ = validate_portfolio(root, DAY, cache)
        cache.save()

    _forge(b"B" * 32, monkeypatch, forged)
    text = cache_file.read_text(encoding="utf-8")
    assert "Kiln Packaging" in text
    cache_file.write_text(text.replace("Kiln Packaging", "Evil Corp"), encoding="utf-8")
    _forge(b"B" * 32, monkeypatch, lambda: cache_file.write_bytes(cache_key.pack(
        b"readcache", cache_file.read_bytes().split(b"\n", 1)[1])))  # re-sealed with the forger's key

    cache = ReadCache(cache_file)
    portfolio, _ = validate_portfolio(root, DAY, cache)
    assert cache.hits == 0
    assert portfolio.partners["kiln-packaging"].profile is not None
    assert portfolio.partners["kiln-packaging"].profile.record.name == "Kiln Packaging"


def _entries(folder: Path, pattern: str) -> list[Path]:
    return sorted(p for p in folder.glob(pattern) if p.name not in ("site-manifest.json", "index.json"))


def _damage(path: Path, how: str, other: Path, outside: Path) -> None:
    if how == "swap":
        data = other.read_bytes()
        other.write_bytes(path.read_bytes() if path.is_file() else b"")
        path.write_bytes(data)
        return
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)
    data = other.read_bytes() if other.is_file() else b"{}"
    if how == "truncate":
        path.write_bytes(data[: len(data) // 2])
    elif how == "garbage":
        path.write_bytes(os.urandom(512))
    elif how == "wrong-shape":
        path.write_bytes(data[:65] + b'{"html": 3, "search": "x"}')
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "directory":
        path.mkdir()
        (path / "inside").write_text("x", encoding="utf-8")
    elif how == "symlink":
        path.symlink_to(outside)


HOWS = ["truncate", "garbage", "wrong-shape", "empty", "directory", "symlink", "swap"]


def test_every_kind_of_cache_damage_heals_on_the_next_build(tmp_path: Path) -> None:
    root = copy_base(tmp_path / "portfolio")
    outside = tmp_path / "outside.txt"
    outside.write_text("outside\n", encoding="utf-8")
    site.build_site(root, DAY)
    expected = _clean_site(tmp_path)
    assert _tree(root / "site") == expected
    cache = root / ".partnerbook" / "cache"
    pages = _entries(cache / "pages", "*.json")
    charts = _entries(cache / "charts", "*.svg")
    assert len(pages) > 2 * len(HOWS)
    assert len(charts) >= 3
    singles = [cache / "records.json", cache / "charts" / "index.json", cache / "pages" / "site-manifest.json"]

    for round_number in range(len(HOWS)):
        # Each round damages every page and chart entry kind in every way, and each single file one way.
        for index, how in enumerate(HOWS):
            page = pages[(index + round_number) % len(pages)]
            _damage(page, how, pages[(index + round_number + 1) % len(pages)], outside)
        for index, chart in enumerate(charts[:-1]):  # over the rounds, each chart is damaged every way
            _damage(chart, HOWS[(index + round_number) % len(HOWS)], charts[index + 1], outside)
        for offset, path in enumerate(singles):
            how = HOWS[(round_number + offset) % len(HOWS)]
            _damage(path, how, pages[-1] if how == "swap" else path if path.is_file() else pages[-1], outside)
        docs_page = root / ".partnerbook" / "docs" / "index.md"
        _damage(docs_page, HOWS[round_number], root / ".partnerbook" / "docs" / "partners" / "index.md", outside)
        if round_number % 2:
            shutil.rmtree(root / "site")  # no previous site: every page comes from the caches

        site.build_site(root, DAY)

        assert _tree(root / "site") == expected, f"round {round_number}"
        assert outside.read_text(encoding="utf-8") == "outside\n"
    again = site.build_site(root, DAY)
    assert (again.pages_rendered, again.charts_drawn) == (0, 0), "the healed caches are used again"


def test_a_cache_restored_on_another_runner_verifies_only_with_the_same_ci_secret(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """CI restores .partnerbook/cache on a fresh runner (a new machine key): PARTNERBOOK_CACHE_KEY decides."""
    root = copy_base(tmp_path / "portfolio")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "runner-1"))
    monkeypatch.setenv(cache_key.CACHE_KEY_ENV, "a long random secret of the repository")
    first = site.build_site(root, DAY)
    assert first.pages_rendered > 0

    def next_run(runner: str, secret: str) -> site.BuildReport:
        shutil.rmtree(root / "site")  # a new checkout: only the cache folder is restored
        shutil.rmtree(root / workdir.WORK_DIR / "docs")
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / runner))
        monkeypatch.setenv(cache_key.CACHE_KEY_ENV, secret)
        return site.build_site(root, DAY)

    same = next_run("runner-2", "a long random secret of the repository")
    assert (same.pages_rendered, same.pages_cached) == (0, first.pages_rendered)
    other = next_run("runner-3", "a secret a fork's pull request does not have")
    assert (other.pages_rendered, other.pages_cached) == (first.pages_rendered, 0)
    without = next_run("runner-4", "")  # an empty secret (a fork's run): this runner's own key
    assert (without.pages_rendered, without.pages_cached) == (first.pages_rendered, 0)
