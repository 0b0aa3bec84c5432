"""The build's per-file read cache: unchanged files are not read again, changed ones always are."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from conftest import TODAY

from generator.checks.readcache import ReadCache
from generator.checks.validate import validate_portfolio
from generator.compute.portfolio import compute_portfolio

DAY = date.fromisoformat(TODAY)


def test_second_run_reads_nothing_again_and_gives_the_same_result(base_portfolio: Path, tmp_path: Path) -> None:
    cache_file = tmp_path / "records.pickle"
    first = compute_portfolio(base_portfolio, DAY, cache_file)
    cache = ReadCache(cache_file)

    portfolio, result = validate_portfolio(base_portfolio, DAY, cache)

    assert cache.hits == result.files_checked
    assert not cache.changed
    assert sorted(result.problems) == sorted(first.result.problems)
    assert portfolio.partners["kiln-packaging"].partner == first.portfolio.partners["kiln-packaging"].partner


def test_a_changed_file_is_read_again(base_portfolio: Path, tmp_path: Path) -> None:
    cache_file = tmp_path / "records.pickle"
    compute_portfolio(base_portfolio, DAY, cache_file)
    partner = base_portfolio / "partners/kiln-packaging/partner.yaml"
    partner.write_text(partner.read_text(encoding="utf-8").replace("name: Kiln Packaging", "name: Kiln Boxes"),
                       encoding="utf-8")
    cache = ReadCache(cache_file)

    portfolio, result = validate_portfolio(base_portfolio, DAY, cache)

    assert cache.hits == result.files_checked - 1
    assert cache.changed
    assert portfolio.partners["kiln-packaging"].partner.name == "Kiln Boxes"


def test_record_errors_are_reported_from_the_cache_too(base_portfolio: Path, tmp_path: Path) -> None:
    partner = base_portfolio / "partners/kiln-packaging/partner.yaml"
    partner.write_text(partner.read_text(encoding="utf-8") + "nmae: typo\n", encoding="utf-8")
    cache = ReadCache(tmp_path / "records.pickle")
    _, cold = validate_portfolio(base_portfolio, DAY, cache)
    cache.save()

    warm_cache = ReadCache(tmp_path / "records.pickle")
    _, warm = validate_portfolio(base_portfolio, DAY, warm_cache)

    assert warm_cache.hits == warm.files_checked
    assert [p.rule for p in warm.problems] == [p.rule for p in cold.problems]
    assert "unknown-field" in [p.rule for p in warm.problems]


def test_a_corrupt_or_foreign_cache_is_ignored(base_portfolio: Path, tmp_path: Path) -> None:
    cache_file = tmp_path / "records.pickle"
    cache_file.write_bytes(b"not a pickle")
    cache = ReadCache(cache_file)
    _, result = validate_portfolio(base_portfolio, DAY, cache)

    assert cache.hits == 0
    assert result.files_checked > 0


def test_the_cache_is_sealed_json_and_an_entry_that_fails_the_schema_is_read_again(
        base_portfolio: Path, tmp_path: Path) -> None:
    import dataclasses
    import json

    from generator import cache_key
    from generator.load.document import Document
    from generator.problems import Problem

    cache_file = tmp_path / "records.json"
    compute_portfolio(base_portfolio, DAY, cache_file)
    body = cache_key.unpack(b"readcache", cache_file.read_bytes())
    assert body is not None, "sealed with this machine's key"
    header, *lines = body.decode("utf-8").split("\n")
    assert json.loads(header)["format"] == "partnerbook-readcache"
    # Every field of a document and a problem is stored (a new field must be added to the cache too).
    assert [f.name for f in dataclasses.fields(Document)] == ["path", "data", "values", "keys", "literal"]
    assert [f.name for f in dataclasses.fields(Problem)] == ["file", "line", "column", "rule", "severity",
                                                             "message", "hint", "kind", "relative"]
    # A validly sealed entry of the wrong shape (as a bug or another version could write) is not used.
    display, key, payload = lines[0].split("\t")
    bad = json.loads(payload)
    bad["doc"]["data"] = ["l", "not a list"]
    lines[0] = "\t".join([display, key, json.dumps(bad)])
    cache_file.write_bytes(cache_key.pack(b"readcache", "\n".join([header, *lines]).encode("utf-8")))

    cache = ReadCache(cache_file)
    portfolio, result = validate_portfolio(base_portfolio, DAY, cache)

    assert cache.rejected == 1
    assert cache.hits == result.files_checked - 1
    assert cache.changed, "the entry read again is saved anew"
    fresh, fresh_result = validate_portfolio(base_portfolio, DAY)
    assert sorted(result.problems) == sorted(fresh_result.problems)
    assert portfolio.partners.keys() == fresh.partners.keys()


def test_a_cache_read_a_line_at_a_time_is_used_only_when_its_whole_body_verifies(
        base_portfolio: Path, tmp_path: Path) -> None:
    from generator import cache_key

    cache_file = tmp_path / "records.json"
    compute_portfolio(base_portfolio, DAY, cache_file)
    intact = cache_file.read_bytes()
    assert len(ReadCache(cache_file).entries) >= 10

    last = intact.rstrip(b"\n").rsplit(b"\n", 1)
    cache_file.write_bytes(last[0] + b"\n" + last[1].replace(b'"', b"'", 1))  # the last line only, MAC kept
    assert ReadCache(cache_file).entries == {}, "the MAC covers every line, checked after the last"

    cache_file.write_bytes(intact[: len(intact) // 2])  # cut short
    assert ReadCache(cache_file).entries == {}

    body = cache_key.unpack(b"readcache", intact)
    assert body is not None
    cache_file.write_bytes(cache_key.pack(b"readcache", body))  # the same body sealed again: the same file
    assert cache_file.read_bytes() == intact
    assert len(ReadCache(cache_file).entries) >= 10
