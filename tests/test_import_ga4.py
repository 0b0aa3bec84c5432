"""GA4 preset: known answers on hand-made exports and on samples/ga4-easter-2026.csv."""

from __future__ import annotations

import dataclasses
import json
import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml
from conftest import RunLine

from generator.ingest import ga4
from generator.ingest.model import ImportProblem, Request
from generator.records.imports import ImportSettings
from generator.records.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "ga4-easter-2026.csv"

RULES = ImportSettings.model_validate({"partners": {
    "affiliates": {"source_medium": ["awin / affiliate"], "campaign": ["spring-*"]},
    "carrier": {"source_medium": ["*carrier.example / referral"]},
}})


def request(settings: ImportSettings = RULES, start: date = date(2026, 3, 20),
            end: date = date(2026, 3, 22)) -> Request:
    return Request("spring", start, end, "EUR", settings, ("affiliates", "carrier"))


def write(tmp_path: Path, text: str, name: str = "export.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


PREAMBLE = """# ----------------------------------------
# Explore: partners
# Property: shop - GA4
# ----------------------------------------
#
# Start date: 20260319
# End date: 20260323
"""

DAILY = PREAMBLE + """Session source / medium,Date,Sessions,Add to carts,Checkouts,Ecommerce purchases,Purchase revenue
Grand total,,999,999,999,999,99999
awin / affiliate,20260320,100,20,10,5,250.50
AWIN / Affiliate,20260320,50,5,3,2,100
awin / affiliate,20260321,80,16,8,4,199.25
www.carrier.example / referral,20260322,40,10,6,3,150
google / organic,20260321,300,30,15,9,450
(direct) / (none),20260321,200,20,10,6,300
awin / affiliate,20260319,70,7,4,2,90
awin / affiliate,20260323,60,6,3,1,40
"""


def test_totals_and_daily_series_from_a_daily_export(tmp_path: Path) -> None:
    result = ga4.extract(write(tmp_path, DAILY), request())
    assert sorted(result.figures) == ["affiliates", "carrier"]
    affiliates = result.figures["affiliates"]
    # 100+50+80, 20+5+16, 10+3+8, 5+2+4, 250.50+100+199.25: the Grand total row and both outside days left out
    assert affiliates.counts == {"sessions": 230, "carts": 41, "checkouts": 21, "orders": 11, "revenue": 549.75}
    assert affiliates.daily == {
        date(2026, 3, 20): {"sessions": 150, "carts": 25, "orders": 7, "revenue": 350.5},
        date(2026, 3, 21): {"sessions": 80, "carts": 16, "orders": 4, "revenue": 199.25},
    }
    assert result.figures["carrier"].counts == {"sessions": 40, "carts": 10, "checkouts": 6, "orders": 3,
                                                "revenue": 150}
    assert result.unmatched_rows == 2
    assert result.unmatched_examples == ("google / organic", "(direct) / (none)")
    assert result.outside_rows == 2
    assert result.rows == 8  # data rows, the Grand total row not among them


def test_period_export_without_date_and_with_api_names_and_campaign_key(tmp_path: Path) -> None:
    text = """sessionCampaignName,sessions,addToCarts,checkouts,transactions,totalRevenue
spring-newsletter,10,2,1,1,"1,234.50"
Spring-Banner,5,1,1,0,0
winter-sale,7,1,0,0,0
"""
    result = ga4.extract(write(tmp_path, text), request())
    assert result.figures["affiliates"].counts == {"sessions": 15, "carts": 3, "checkouts": 2, "orders": 1,
                                                   "revenue": 1234.5}
    assert result.figures["affiliates"].daily == {}
    assert result.unmatched_examples == ("winter-sale",)
    assert any("no Date column" in note for note in result.notes)


def test_source_medium_wins_over_campaign_and_transactions_over_purchases(tmp_path: Path) -> None:
    text = """Session source / medium,Session campaign,Sessions,Ecommerce purchases,Transactions
www.carrier.example / referral,spring-banner,10,9,4
newsletter / email,spring-banner,6,9,2
"""
    result = ga4.extract(write(tmp_path, text), request())
    assert result.figures["carrier"].counts == {"sessions": 10, "orders": 4}
    assert result.figures["affiliates"].counts == {"sessions": 6, "orders": 2}


def test_semicolon_decimal_comma_utf16_export(tmp_path: Path) -> None:
    text = (PREAMBLE + "Session source / medium;Date;Sessions;Purchase revenue\r\n"
            "awin / affiliate;20260320;12;1.234,56\r\n")
    result = ga4.extract(write(tmp_path, "\ufeff" + text, encoding="utf-16-le"), request())
    assert result.figures["affiliates"].counts == {"sessions": 12, "revenue": 1234.56}
    assert result.figures["affiliates"].daily == {date(2026, 3, 20): {"sessions": 12, "revenue": 1234.56}}


def test_missing_key_column_names_the_columns_found(tmp_path: Path) -> None:
    text = PREAMBLE + "Page path,Date,Sessions\n/home,20260320,5\n"
    with pytest.raises(ImportProblem) as caught:
        ga4.extract(write(tmp_path, text), request())
    message = str(caught.value)
    assert "source / medium" in message
    assert "'Page path', 'Date', 'Sessions'" in message
    assert caught.value.row == 8  # the header, below seven comment lines


def test_missing_metric_column_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ImportProblem, match="no metric column"):
        ga4.extract(write(tmp_path, "Session source / medium,Users\nawin / affiliate,3\n"), request())


@pytest.mark.parametrize(("cell", "column", "what"), [
    ("12x", "Sessions", "not a number"),
    ("2.5", "Sessions", "not a count"),
    ("-3", "Purchase revenue", "negative"),
])
def test_bad_metric_cell_names_row_and_column(tmp_path: Path, cell: str, column: str, what: str) -> None:
    sessions, revenue = (cell, "10") if column == "Sessions" else ("4", cell)
    text = f"Session source / medium,Date,Sessions,Purchase revenue\nawin / affiliate,20260320,{sessions},{revenue}\n"
    with pytest.raises(ImportProblem, match=what) as caught:
        ga4.extract(write(tmp_path, text), request())
    assert (caught.value.row, caught.value.column) == (2, column)


def test_bad_date_names_row_and_column(tmp_path: Path) -> None:
    text = "Session source / medium,Date,Sessions\nawin / affiliate,20260320,1\nawin / affiliate,20/03/2026,1\n"
    with pytest.raises(ImportProblem, match="not a date") as caught:
        ga4.extract(write(tmp_path, text), request())
    assert (caught.value.row, caught.value.column) == (3, "Date")


def test_currency_column_must_be_the_campaigns(tmp_path: Path) -> None:
    text = "Session source / medium,Currency,Purchase revenue\nawin / affiliate,EUR,10\nawin / affiliate,USD,5\n"
    with pytest.raises(ImportProblem, match="USD") as caught:
        ga4.extract(write(tmp_path, text), request())
    assert (caught.value.row, caught.value.column) == (3, "Currency")


def test_second_table_of_a_download_is_not_read(tmp_path: Path) -> None:
    text = PREAMBLE + """Session source / medium,Sessions
awin / affiliate,10
#
Session source / medium,Sessions
awin / affiliate,999
"""
    result = ga4.extract(write(tmp_path, text), request())
    assert result.figures["affiliates"].counts == {"sessions": 10}


def test_preamble_range_other_than_the_campaign_is_noted(tmp_path: Path) -> None:
    text = PREAMBLE + "Session source / medium,Sessions\nawin / affiliate,10\n"
    notes = ga4.extract(write(tmp_path, text), request()).notes
    assert any("Mar 19, 2026 to Mar 23, 2026" in note for note in notes)


def test_sample_reproduces_the_example_easter_figures() -> None:
    """samples/ga4-easter-2026.csv against the figures typed in campaigns/easter-2026.yaml."""
    settings = Settings.model_validate(yaml.safe_load((ROOT / "partnerbook.yml").read_text(encoding="utf-8")))
    example = dataclasses.replace(request(settings.imports, date(2026, 3, 20), date(2026, 4, 6)),
                                  partners=tuple(sorted(p.name for p in (ROOT / "partners").iterdir())))
    result = ga4.extract(SAMPLE, example)
    counts = {partner: figures.counts for partner, figures in result.figures.items()}
    assert counts == {
        "casa-di-marta": {"sessions": 4200, "carts": 610, "checkouts": 240, "orders": 118, "revenue": 8260},
        "corriere-rapido": {"sessions": 1800, "carts": 540, "checkouts": 310, "orders": 190, "revenue": 13300},
        "kiln-packaging": {"sessions": 1350, "carts": 480, "checkouts": 300, "orders": 214, "revenue": 17100},
        "pagamenti-sicuri": {"sessions": 1600, "carts": 390, "checkouts": 260, "orders": 176, "revenue": 16700},
        "rete-artigiana-affiliates": {"sessions": 3100, "carts": 620, "checkouts": 330, "orders": 212,
                                      "revenue": 15900},
    }
    for figures in result.figures.values():
        assert sorted(figures.daily) == [date(2026, 3, 20 + d) if d < 12 else date(2026, 4, d - 11)
                                         for d in range(18)]
    # the carrier's rate-lookup outage: 119 sessions, 39 carts, 2 orders (as in the example's daily series)
    outage = result.figures["corriere-rapido"].daily[date(2026, 3, 28)]
    assert (outage["sessions"], outage["carts"], outage["orders"]) == (119, 39, 2)
    # casa-di-marta comes from two sources (instagram and youtube): one daily entry per day, summed
    assert sum(day["sessions"] for day in result.figures["casa-di-marta"].daily.values()) == 4200
    # 18 days of google / organic and (direct) / (none), 3 newsletter days; 2 days either side of the campaign
    assert (result.unmatched_rows, result.outside_rows) == (39, 4)
    assert set(result.unmatched_examples) == {"google / organic", "(direct) / (none)", "newsletter / email"}


def test_partner_option_takes_every_row(tmp_path: Path) -> None:
    text = "Session source / medium,Sessions\ngoogle / organic,7\nawin / affiliate,3\n"
    result = ga4.extract(write(tmp_path, text), dataclasses.replace(request(), partner="carrier"))
    assert result.figures["carrier"].counts == {"sessions": 10}
    assert result.unmatched_rows == 0


def copy_example(target: Path) -> Path:
    """The example portfolio (the repository's own records) copied to ``target``."""
    target.mkdir()
    for name in ("partners", "campaigns"):
        shutil.copytree(ROOT / name, target / name)
    for name in ("partnerbook.yml", "mkdocs.yml"):
        shutil.copyfile(ROOT / name, target / name)
    return target


def test_cli_dry_run_prints_the_daily_series_and_writes_nothing(tmp_path: Path, run_line: RunLine) -> None:
    root = copy_example(tmp_path / "example")
    record = root / "campaigns" / "easter-2026.yaml"
    before = record.read_bytes()
    result = run_line(f"partnerbook import ga4 {SAMPLE} --campaign easter-2026 --dry-run --root {root}")
    assert result.exit_code == 0, result.output
    assert record.read_bytes() == before
    assert "39 rows matched no partner" in result.output
    # the hint names a GA4 rule with one of the values that matched nothing
    assert "(source_medium, campaign), e.g. source_medium: ['" in " ".join(result.output.split())
    assert "4 rows dated outside" in result.output
    # the affiliates' first day: 115 sessions, 23 carts, 8 orders, 600 EUR (the sample's first rete row)
    assert "+      - {date: 2026-03-20, sessions: 115, carts: 23, orders: 8, revenue: 600}" in result.output


def test_cli_import_keeps_comments_validates_and_a_rerun_changes_nothing(tmp_path: Path, run_line: RunLine) -> None:
    root = copy_example(tmp_path / "example")
    record = root / "campaigns" / "easter-2026.yaml"
    comments = [line for line in record.read_text(encoding="utf-8").splitlines() if line.lstrip().startswith("#")]
    result = run_line(f"partnerbook import ga4 {SAMPLE} --campaign easter-2026 --root {root}")
    assert result.exit_code == 0, result.output
    written = yaml.safe_load(record.read_text(encoding="utf-8"))
    results = {entry["partner"]: entry for entry in written["results"]}
    assert len(results["casa-di-marta"]["daily"]) == 18
    assert sum(day["sessions"] for day in results["casa-di-marta"]["daily"]) == 4200
    outage = next(day for day in results["corriere-rapido"]["daily"] if day["date"] == date(2026, 3, 28))
    assert outage == {"date": date(2026, 3, 28), "sessions": 119, "carts": 39, "orders": 2, "revenue": 140}
    text = record.read_text(encoding="utf-8")
    assert all(line in text for line in comments)
    assert run_line(f"partnerbook validate --root {root}").exit_code == 0
    after = record.read_bytes()
    again = run_line(f"partnerbook import ga4 {SAMPLE} --campaign easter-2026 --root {root}")
    assert again.exit_code == 0, again.output
    assert record.read_bytes() == after


def test_an_imported_daily_series_feeds_the_abandonment_alert(tmp_path: Path, run_line) -> None:  # type: ignore[no-untyped-def]
    """The carrier's outage day comes back from the GA4 export alone: 39 carts, 2 orders on 2026-03-28."""
    import re

    root = copy_example(tmp_path / "example")
    record = root / "campaigns" / "easter-2026.yaml"
    text = record.read_text(encoding="utf-8")
    # drop every typed daily series: the alert has nothing to read
    stripped = re.sub(r"\n    daily:\n(?:      - \{[^\n]*\}\n)+", "\n", text)
    assert "daily:" not in stripped
    record.write_text(stripped, encoding="utf-8")

    def anomalies() -> list[dict[str, object]]:
        result = run_line(f"partnerbook alerts --root {root} --today 2026-11-25 --format json "
                          "--rule abandonment-anomaly")
        assert result.exit_code in (0, 1), result.output
        return json.loads(result.stdout)

    assert anomalies() == []
    result = run_line(f"partnerbook import ga4 {SAMPLE} --campaign easter-2026 --root {root}")
    assert result.exit_code == 0, result.output
    found = anomalies()
    assert [(a["partner"], a["campaign"]) for a in found] == [("corriere-rapido", "easter-2026")]
    assert "Mar 28, 2026" in str(found[0]["message"])
