"""Search entries held on disk and streamed into the index (generator/site/search_spool.py)."""

from __future__ import annotations

import json
from pathlib import Path

from generator.site.search_spool import SearchSpool

_CONFIG = {"lang": ["en", "it"], "separator": "[\\s\\-]+", "pipeline": ["stemmer"], "fields": {"title": {"boost": 1}}}


def _plugin_index(entries: list[dict[str, str]]) -> bytes:
    """What Material's search plugin writes (its generate_search_index)."""
    return json.dumps({"config": _CONFIG, "docs": entries}, separators=(",", ":"), default=str).encode("utf-8")


def test_the_streamed_index_equals_the_plugins(tmp_path: Path) -> None:
    pages = {
        "index.md": [{"location": "", "title": "Home", "text": "Città, 50 € & <b>bold</b>"}],
        "empty.md": [],
        "partners/a.md": [{"location": "partners/a/", "title": "A", "text": "\"quoted\" \u2028 line"},
                          {"location": "partners/a/#x", "title": "X", "text": "emoji \U0001F600"}],
    }
    site = tmp_path / "search"
    site.mkdir()
    spool = SearchSpool(tmp_path)
    for uri in ["partners/a.md", "empty.md", "index.md"]:  # pages finish in any order
        spool.add(uri, pages[uri])
    index = site / "search_index.json"
    index.write_bytes(_plugin_index([]))
    order = ["index.md", "empty.md", "partners/a.md"]

    assert spool.write_index(index, order)
    assert index.read_bytes() == _plugin_index([e for uri in order for e in pages[uri]])
    assert spool.entries("partners/a.md") == pages["partners/a.md"]
    assert [p.name for p in site.iterdir()] == ["search_index.json"], "no temporary file is left"
    spool.close()


def test_an_index_of_another_shape_is_left_to_the_plugin(tmp_path: Path) -> None:
    spool = SearchSpool(tmp_path)
    spool.add("index.md", [{"location": "", "title": "Home", "text": "x"}])
    index = tmp_path / "search_index.json"
    index.write_text('{"docs":[],"config":{}}', encoding="utf-8")
    assert not spool.write_index(index, ["index.md"])
    assert index.read_text(encoding="utf-8") == '{"docs":[],"config":{}}'
    assert not spool.write_index(tmp_path / "missing.json", ["index.md"])
    spool.close()
