"""The import core: reading exports, partner rules, and safe updates of a campaign record."""

from __future__ import annotations

import errno
import os
from datetime import date
from pathlib import Path

import pytest
from conftest import TODAY, copy_base

from generator.cli import main
from generator.ingest import presets
from generator.ingest.cells import parse_day, parse_number
from generator.ingest.match import Matcher, Unmatched, referrer_host, utm_source
from generator.ingest.model import ImportProblem
from generator.ingest.read import open_table, utf8_copy
from generator.records.imports import ImportSettings

SETTINGS = """
imports:
  partners:
    shopcloud:
      utm_source: [shopcloud-*]
  mappings:
    daily:
      partner: Partner
      date: Date
      columns: {sessions: Sessions, orders: Orders, revenue: Revenue}
"""
# kiln-packaging's days add up to the totals its record holds (1200 sessions, 150 orders, 9000 revenue)
EXPORT = ("Partner,Date,Sessions,Orders,Revenue\nkiln-packaging,2026-03-20,80,9,500\n"
          "kiln-packaging,2026-03-21,1120,141,8500.00\nshopcloud,2026-03-22,50,2,99.90\n")


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    capsys.readouterr()
    try:
        main([*args])
        code = 0
    except SystemExit as exited:
        code = int(exited.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = copy_base(tmp_path / "portfolio")
    with open(folder / "partnerbook.yml", "a", encoding="utf-8") as handle:
        handle.write(SETTINGS)
    record = folder / "campaigns" / "easter-2026.yaml"
    text = record.read_text(encoding="utf-8")
    text = "# Easter: figures checked by the marketing lead\n" + text.replace(
        "  - partner: kiln-packaging\n", "  - partner: kiln-packaging  # packaging inserts\n    # from GA4\n")
    record.write_text(text, encoding="utf-8")
    return folder


def export(tmp_path: Path, text: str = EXPORT) -> Path:
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    return path


def imp(root: Path, path: Path, *extra: str) -> list[str]:
    return ["import", "csv", str(path), "--campaign", "easter-2026", "--mapping", "daily", "--root", str(root),
            "--today", TODAY, *extra]


RECORD = Path("campaigns") / "easter-2026.yaml"


# ------------------------------------------------------------------------------ safe writes

def test_an_update_keeps_comments_key_order_and_flow_style(root: Path, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    before = (root / RECORD).read_text(encoding="utf-8")
    code, out, err = run(imp(root, export(tmp_path)), capsys)
    assert code == 0, out + err
    after = (root / RECORD).read_text(encoding="utf-8")
    assert after.startswith("# Easter: figures checked by the marketing lead\n")
    assert "  - partner: kiln-packaging  # packaging inserts\n    # from GA4\n    sessions: 1200\n" in after
    assert ("    survey: {tool: zigpoll, responses: 230, satisfied: 190, promoters: 120, passives: 70, "
            "detractors: 40}\n") in after
    assert ("      - {date: 2026-03-20, sessions: 80, carts: 30, orders: 9, revenue: 500}\n"
            "      - {date: 2026-03-21, sessions: 1120, orders: 141, revenue: 8500}\n") in after
    assert "  - partner: shopcloud\n    sessions: 50\n    orders: 2\n    revenue: 99.9\n" in after
    # only added lines: nothing else of the record moved
    removed = set(before.splitlines()) - set(after.splitlines())
    assert removed == {"      - {date: 2026-03-20, sessions: 80, carts: 30, orders: 9}"}
    assert "wrote campaigns/easter-2026.yaml" in out
    assert "kiln-packaging: 2 daily figures" in out
    assert "shopcloud (new result entry): sessions - -> 50, orders - -> 2, revenue - -> 99.9, 1 daily figure" in out


def test_a_rerun_with_the_same_export_changes_nothing(root: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    path = export(tmp_path)
    assert run(imp(root, path), capsys)[0] == 0
    first = (root / RECORD).read_bytes()
    stamp = os.stat(root / RECORD).st_mtime_ns
    code, out, _ = run(imp(root, path), capsys)
    assert code == 0
    assert "nothing to change" in out
    assert (root / RECORD).read_bytes() == first
    assert os.stat(root / RECORD).st_mtime_ns == stamp  # not even rewritten


def test_a_different_figure_is_a_conflict_unless_replace(root: Path, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    path = export(tmp_path, "Partner,Date,Sessions,Orders,Revenue\nkiln-packaging,2026-03-20,81,9,500\n"
                            "kiln-packaging,2026-03-21,1119,141,8500\n")
    before = (root / RECORD).read_bytes()
    code, out, err = run(imp(root, path), capsys)
    assert code == 1
    assert "1 figure in the record differs from the export" in err
    assert "kiln-packaging daily 2026-03-20 sessions: the record has 80, the export gives 81" in err
    assert "--replace" in err
    assert (root / RECORD).read_bytes() == before
    code, out, err = run(imp(root, path, "--replace"), capsys)
    assert code == 0, out + err
    assert "      - {date: 2026-03-20, sessions: 81, carts: 30, orders: 9, revenue: 500}\n" in \
        (root / RECORD).read_text(encoding="utf-8")


def test_dry_run_prints_a_diff_and_writes_nothing(root: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    before = (root / RECORD).read_bytes()
    code, out, err = run(imp(root, export(tmp_path), "--dry-run"), capsys)
    assert code == 0, out + err
    assert "--- a/campaigns/easter-2026.yaml" in out
    assert "+++ b/campaigns/easter-2026.yaml" in out
    assert "+  - partner: shopcloud" in out
    assert "+      - {date: 2026-03-21, sessions: 1120, orders: 141, revenue: 8500}" in out
    assert "dry run: nothing written" in out
    assert (root / RECORD).read_bytes() == before


def test_a_record_that_would_not_validate_is_not_written(root: Path, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    # stripe-payments records 300 carts and 200 checkouts: 500 orders from the export break the funnel
    path = export(tmp_path, "Partner,Date,Sessions,Orders,Revenue\nstripe-payments,2026-03-21,900,500,7000\n")
    record = root / RECORD
    text = record.read_text(encoding="utf-8").replace("    orders: 120\n    revenue: 7000\n", "    revenue: 7000\n")
    record.write_text(text, encoding="utf-8")
    code, out, _ = run(["validate", "--root", str(root), "--today", TODAY], capsys)
    assert code == 0, out
    code, out, err = run(imp(root, path), capsys)
    assert code == 1, out + err
    assert "would not validate" in err
    assert "campaigns/easter-2026.yaml:" in err  # the problems with file:line
    assert record.read_text(encoding="utf-8") == text


def test_a_record_with_a_yaml_tag_is_never_parsed_by_the_round_trip_writer(root: Path, tmp_path: Path,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    path = export(tmp_path)
    record = root / RECORD
    text = record.read_text(encoding="utf-8") + "extra: !!python/object/apply:os.system ['touch pwned']\n"
    record.write_text(text, encoding="utf-8")
    code, out, err = run(imp(root, path), capsys)
    assert code == 1, out + err
    assert "is not allowed" in err
    assert record.read_text(encoding="utf-8") == text
    assert not (root / "pwned").exists()
    # and the writer itself refuses such text, whoever calls it
    from generator.ingest.model import Extract, ImportProblem
    from generator.ingest.write import apply

    with pytest.raises(ImportProblem, match="cannot be read safely"):
        apply(text, Extract("csv", path, 0, {}), display=RECORD)


def test_a_symlinked_campaign_record_is_refused(root: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_bytes((root / RECORD).read_bytes())
    (root / RECORD).unlink()
    (root / RECORD).symlink_to(outside)
    before = outside.read_bytes()
    code, _, err = run(imp(root, export(tmp_path)), capsys)
    assert code == 1
    assert "campaigns/easter-2026.yaml" in err
    assert "link" in err
    assert outside.read_bytes() == before
    assert (root / RECORD).is_symlink()


def test_a_missing_campaign_says_how_to_create_it(root: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    args = imp(root, export(tmp_path))
    args[args.index("easter-2026")] = "summer-2026"
    code, _, err = run(args, capsys)
    assert code == 1
    assert "there is no campaign 'summer-2026'" in err
    assert "partnerbook new campaign summer-2026" in err
    assert not (root / "campaigns" / "summer-2026.yaml").exists()


def test_a_full_disk_leaves_the_record_as_it_was(root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import workdir

    def full(path: Path, data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(workdir, "write_atomic", full)
    before = (root / RECORD).read_bytes()
    code, _, err = run(imp(root, export(tmp_path)), capsys)
    assert code == 1
    assert "the disk is full" in err
    assert (root / RECORD).read_bytes() == before


def test_a_source_whose_module_is_missing_is_a_usage_error(root: Path, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(presets.PRESETS, "ga4", "generator.ingest.no_such_preset")
    code, _, err = run(["import", "ga4", str(export(tmp_path)), "--campaign", "easter-2026", "--root", str(root)],
                       capsys)
    assert code == 2
    assert "'ga4' source is not available" in err


def test_usage_errors_exit_2(root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(export(tmp_path))
    assert run(["import", "nosuch", path, "--campaign", "easter-2026", "--root", str(root)], capsys)[0] == 2
    assert run(["import", "csv", path, "--root", str(root)], capsys)[0] == 2  # no --campaign
    code, _, err = run(["import", "ga4", path, "--campaign", "easter-2026", "--mapping", "daily", "--root",
                        str(root)], capsys)
    assert code == 2
    assert "--mapping is for the csv source only" in err
    (root / "x.yaml").write_text("name: outside\n", encoding="utf-8")
    code, _, err = run(["import", "csv", path, "--campaign", "../x", "--root", str(root)], capsys)
    assert code == 2
    assert "is not a campaign id" in err
    assert (root / "x.yaml").read_text(encoding="utf-8") == "name: outside\n"


def test_an_unknown_mapping_lists_the_declared_ones(root: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    args = imp(root, export(tmp_path))
    args[args.index("daily")] = "weekly"
    code, _, err = run(args, capsys)
    assert code == 1
    assert "no mapping 'weekly'" in err
    assert "declared: daily" in err


def test_a_file_over_the_size_cap_is_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "orders.csv"
    with open(big, "wb") as handle:  # a sparse 1 GB file: no disk used, refused from its size alone
        handle.truncate(1 << 30)
    with pytest.raises(ImportProblem) as caught:
        open_table(big)
    assert "the file is 1.0 GB, more than the 256.0 MB this source reads" in str(caught.value)
    assert "shopify-orders or woocommerce-orders" in str(caught.value)


# ------------------------------------------------------------------------------ reading

def test_reading_skips_a_preamble_and_counts_its_lines(tmp_path: Path) -> None:
    path = export(tmp_path, "# GA4\n# Start date: 20260320\n\nSource,Sessions\nawin,1.234\n\n# total\nblog,5\n")
    table = open_table(path, required=("source", "SESSIONS"))
    assert table.header_row == 4
    assert table.comments == ("GA4", "Start date: 20260320")
    rows = list(table.rows())
    assert [row for row, _ in rows] == [5, 8]
    assert rows[0][1]["SESSIONS"] == "1.234"
    assert table.count(rows[0][1]["Sessions"], 5, "Sessions") == 1234  # a count: 1.234 is a thousand
    assert table.number(rows[0][1]["Sessions"], 5, "Sessions") == 1.234  # a '.' file's decimal point


def test_a_duplicated_unique_value_names_both_rows(tmp_path: Path) -> None:
    path = export(tmp_path, "id,total\n7,1\n8,2\n7,3\n")
    with pytest.raises(ImportProblem) as caught:
        list(open_table(path, unique=("ID",)).rows())
    assert caught.value.row == 4
    assert caught.value.column == "id"
    assert "first at row 2" in str(caught.value)


def test_utf8_copy_is_plain_utf8_with_numbers_and_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "it.csv"
    path.write_bytes("\ufeffOrdine;Totale\n# nota\n1;1.234,56\n2;7\n".encode("utf-16"))
    copy = utf8_copy(open_table(path), numbers=("Totale",))
    try:
        assert copy.read_text(encoding="utf-8") == "Ordine,Totale,_row\n1,1234.56,3\n2,7.0,4\n"
    finally:
        copy.unlink()


@pytest.mark.parametrize(("text", "decimal", "value"), [
    ("1.234,56", ",", 1234.56), ("1.234,56", ".", 1234.56), ("1,234.56", ".", 1234.56), ("12,5", ".", 12.5),
    ("1,234", ".", 1234), ("1,234", ",", 1.234), ("1.234", ",", 1234), ("0,123", ".", 0.123),
    ("€ 1.234,56", ",", 1234.56), ("$1,234.56", ".", 1234.56), ("1 234,5", ",", 1234.5), ("(12.00)", ".", -12),
    ("\u22123", ".", -3), ("EUR 10", ".", 10), ("", ".", None), ("1.234.567", ".", 1234567),
])
def test_numbers_as_spreadsheets_write_them(text: str, decimal: str, value: float | None) -> None:
    assert parse_number(text, decimal) == value


@pytest.mark.parametrize("text", ["twelve", "12a", "1,23,4", "N/A", "--1", "€", "1.2.3,4,5", "nan", "inf"])
def test_text_is_not_a_number(text: str) -> None:
    with pytest.raises(ValueError, match=r"."):
        parse_number(text)


def test_dates_iso_compact_and_with_a_format() -> None:
    assert parse_day("2026-03-21") == date(2026, 3, 21)
    assert parse_day("20260321") == date(2026, 3, 21)
    assert parse_day("2026-03-21 23:59:00 +0100") == date(2026, 3, 21)
    assert parse_day("2026-03-21T23:10:00.000Z") == date(2026, 3, 21)
    assert parse_day("21/03/2026", "%d/%m/%Y") == date(2026, 3, 21)
    assert parse_day("21/03/2026 10:00", "%d/%m/%Y") == date(2026, 3, 21)
    for bad in ("21/03/2026", "2026-13-01", "March 21"):
        with pytest.raises(ValueError, match=r"."):
            parse_day(bad)


# ------------------------------------------------------------------------------ partner rules

def _matcher() -> Matcher:
    settings = ImportSettings.model_validate({"partners": {
        "casa-di-marta": {"source_medium": ["Instagram/Influencer"], "campaign": ["casadimarta-*"],
                          "discount_codes": ["MARTA*"]},
        "corriere-rapido": {"referrers": ["*corriererapido.it"], "utm_source": ["corriere"]},
        "kiln-packaging": {"discount_codes": ["*10"]},
        "gone": {"utm_source": ["gone"]},
    }})
    return Matcher(settings, ["casa-di-marta", "corriere-rapido", "kiln-packaging", "pagamenti-sicuri"])


def test_rules_match_case_insensitively_with_wildcards() -> None:
    matcher = _matcher()
    assert matcher.partner("source_medium", "instagram / influencer") == "casa-di-marta"
    assert matcher.partner("campaign", "CasaDiMarta-Easter") == "casa-di-marta"
    assert matcher.partner("referrers", "https://www.track.corriererapido.it/p/1") == "corriere-rapido"
    assert matcher.partner("utm_source", "/products/x?utm_medium=banner&utm_source=Corriere") == "corriere-rapido"
    assert matcher.partner("utm_source", "pagamenti-sicuri") == "pagamenti-sicuri"  # an id used directly
    assert matcher.partner("source_medium", "google / organic") is None
    assert matcher.partner("utm_source", "gone") is None  # rules of an id the portfolio lacks
    assert matcher.unknown == ("gone",)
    assert matcher.any_kind("CORRIERE-RAPIDO") == "corriere-rapido"


def test_two_partners_claiming_a_value_is_a_problem_naming_both() -> None:
    with pytest.raises(ImportProblem) as caught:
        _matcher().partner("discount_codes", "marta10", file="orders.csv", row=5, column="Discount Code")
    message = str(caught.value)
    assert message.startswith("orders.csv:5 (column 'Discount Code')")
    assert "casa-di-marta" in message
    assert "kiln-packaging" in message


def test_a_row_pointing_to_two_partners_is_a_problem() -> None:
    with pytest.raises(ImportProblem, match="belongs to 2 partners"):
        _matcher().first([("discount_codes", "MARTA5"), ("referrers", "corriererapido.it")])
    assert _matcher().first([("discount_codes", ""), ("referrers", "corriererapido.it")]) == "corriere-rapido"


def test_unmatched_values_are_counted_with_the_most_frequent_first() -> None:
    unmatched = Unmatched("source_medium")
    for value in ["google / organic", "(direct) / (none)", "google / organic", ""]:
        unmatched.add(value)
    assert unmatched.rows == 4
    assert unmatched.examples() == ("google / organic", "(direct) / (none)", "(empty)")
    assert "source_medium: ['google / organic']" in unmatched.rule_hint()


def test_helpers_for_urls() -> None:
    assert referrer_host("https://WWW.Blog.it/post?x=1") == "blog.it"
    assert referrer_host("l.instagram.com") == "l.instagram.com"
    assert utm_source("https://shop.it/?utm_source=qr-card#top") == "qr-card"
    assert utm_source("https://shop.it/?utm_medium=x") == ""
