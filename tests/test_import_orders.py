"""Order exports (shopify-orders, woocommerce-orders): known answers on hand-made files and the samples."""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import duckdb
import pytest
import yaml
from conftest import RunLine
from test_import_ga4 import copy_example

from generator.ingest import orders, shopify_orders, woocommerce_orders
from generator.ingest.model import ImportProblem, Request
from generator.records.imports import ImportSettings
from generator.records.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
RULES = {"partners": {
    "awin": {"discount_codes": ["AWIN*"], "utm_source": ["awin"]},
    "marta": {"discount_codes": ["MARTA*"], "referrers": ["casadimarta.it"]},
    "kiln": {"utm_source": ["qr-card"]},
}}
SHOPIFY_HEADER = ("Name,Email,Financial Status,Paid at,Currency,Shipping,Total,Discount Code,Created at,"
                  "Lineitem quantity,Lineitem name,Cancelled at,Refunded Amount,Referring Site,Landing Site")


def request(rules: dict = RULES, currency: str = "EUR") -> Request:
    settings = ImportSettings.model_validate(rules)
    return Request("easter-2026", date(2026, 3, 20), date(2026, 4, 6), currency, settings,
                   (*rules["partners"], "corriere"))


def shopify_file(tmp_path: Path, body: str, name: str = "orders_export.csv") -> Path:
    path = tmp_path / name
    path.write_text(SHOPIFY_HEADER + "\n" + body, encoding="utf-8")
    return path


# Seven orders: line items, refunds, a voided order, precedence of code > utm_source > referrer.
SHOPIFY_BODY = """\
#1001,anna@example.it,paid,,EUR,0.00,60.00,AWIN10,2026-03-20 10:00:00 +0100,1,Egg cup,,0.00,,/
#1001,anna@example.it,,,,,,,2026-03-20 10:00:00 +0100,2,Plate,,,,
#1001,anna@example.it,,,,,,,2026-03-20 10:00:00 +0100,1,Bowl,,,,
#1002,Marco@Example.it,paid,,EUR,6.90,46.90,,2026-03-21 09:00:00 +0100,1,Egg cup,,0.00,https://www.casadimarta.it/post,/?utm_source=awin
#1003,anna@example.it,refunded,,EUR,0.00,40.00,AWIN10,2026-03-21 11:00:00 +0100,1,Egg cup,,40.00,,
#1004,ANNA@example.it,partially_refunded,,EUR,0.00,80.00,marta10,2026-03-22 09:00:00 +0100,1,S,,15.50,,/?utm_source=awin
#1005,luca@example.it,paid,,EUR,6.90,36.90,,2026-03-22 12:00:00 +0100,1,Bowl,,0.00,https://www.casadimarta.it/,/?utm_source=QR-Card&utm_medium=print
#1006,sara@example.it,paid,,EUR,0.00,50.00,,2026-03-22 13:00:00 +0100,1,Plate,2026-03-22 15:00:00 +0100,0.00,,
#1007,sara@example.it,paid,,EUR,6.90,31.90,SPRING5,2026-03-24 13:00:00 +0100,1,Cup,,0.00,https://www.google.com/,/
#1008,luca@example.it,paid,,EUR,0.00,99.00,AWIN10,2026-04-07 08:00:00 +0200,1,Box,,0.00,,/
#1009,marco@example.it,paid,,EUR,6.90,26.90,,2026-03-19 20:00:00 +0100,1,Cup,,0.00,,/?utm_source=awin
"""


def test_shopify_known_answers(tmp_path: Path) -> None:
    extract = shopify_orders.extract(shopify_file(tmp_path, SHOPIFY_BODY), request())
    assert extract.rows == 11
    # awin: #1001 (code, 60.00). #1002 has utm awin (beats the marta referrer): 46.90. #1003 refunded: out.
    awin = extract.figures["awin"]
    assert awin.counts == {"orders": 2, "revenue": 106.9, "customers": 2, "repeat_customers": 2}
    # marta: #1004 by code (beats its utm awin), 80.00 less 15.50 refunded.
    marta = extract.figures["marta"]
    assert marta.counts == {"orders": 1, "revenue": 64.5, "customers": 1, "repeat_customers": 1}
    # kiln: #1005 by utm_source qr-card (case-insensitive), beating its marta referrer.
    assert extract.figures["kiln"].counts == {"orders": 1, "revenue": 36.9, "customers": 1, "repeat_customers": 1}
    # anna: #1001 and #1004 counted (#1003 refunded does not count); marco: #1002 and #1009 (before the period);
    # luca: #1005 and #1008 (after the period): each has more than one counted order in the export.
    assert set(extract.figures) == {"awin", "marta", "kiln"}
    # #1006 cancelled (Cancelled at) is left out; #1007 SPRING5/google matches nobody.
    assert extract.unmatched_rows == 1
    assert extract.unmatched_examples == ("code SPRING5, referrer www.google.com (1 order)",)
    assert extract.outside_rows == 2  # #1008 and #1009
    # Daily series from the export's first to last date in the period (03-20 .. 03-24), zero days included.
    assert awin.daily == {date(2026, 3, 20): {"orders": 1, "revenue": 60}, date(2026, 3, 21): {"orders": 1,
                          "revenue": 46.9}, date(2026, 3, 22): {"orders": 0, "revenue": 0},
                          date(2026, 3, 23): {"orders": 0, "revenue": 0}, date(2026, 3, 24): {"orders": 0,
                                                                                               "revenue": 0}}
    assert marta.daily[date(2026, 3, 22)] == {"orders": 1, "revenue": 64.5}
    assert any("2 refunded, cancelled" in note for note in extract.notes)


def test_partner_option_gives_every_counted_order_to_that_partner(tmp_path: Path) -> None:
    """--partner kiln: the shop's whole export is one partner's (codes and referrers are not read)."""
    import dataclasses

    extract = shopify_orders.extract(shopify_file(tmp_path, SHOPIFY_BODY),
                                     dataclasses.replace(request(), partner="kiln"))
    assert set(extract.figures) == {"kiln"}
    # counted in the period: #1001 60.00, #1002 46.90, #1004 64.50, #1005 36.90, #1007 31.90
    assert extract.figures["kiln"].counts["orders"] == 5
    assert extract.figures["kiln"].counts["revenue"] == pytest.approx(240.2)
    assert extract.unmatched_rows == 0
    assert extract.outside_rows == 2


WOO_HEADER = ("order_id,order_date,status,order_total,order_subtotal,order_currency,billing_email,coupon_items,"
              "meta:_wc_order_attribution_utm_source,meta:_wc_order_attribution_referrer")
WOO_BODY = """\
501,2026-03-20 10:00:00,wc-completed,58.90,52.00,EUR,anna@example.it,code:awin10|amount:5.20,(direct),
502,2026-03-20 11:00:00,processing,30.00,30.00,EUR,bea@example.it,,awin,https://www.casadimarta.it/
503,2026-03-21 12:00:00,refunded,99.00,99.00,EUR,carlo@example.it,code:marta10|amount:9.90,,
504,2026-03-21 12:30:00,completed,45.50,45.50,EUR,anna@example.it,,,https://casadimarta.it/pasqua
505,2026-03-23 09:00:00,on-hold,12.00,12.00,EUR,dario@example.it,,newsletter,
506,2026-03-23 09:30:00,failed,12.00,12.00,EUR,dario@example.it,,awin,
507,2026-04-10 09:30:00,completed,70.00,70.00,EUR,bea@example.it,code:spring|amount:0;code:MARTA5|amount:3.50,,
"""


def test_woocommerce_known_answers(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(WOO_HEADER + "\n" + WOO_BODY, encoding="utf-8")
    extract = woocommerce_orders.extract(path, request())
    assert extract.rows == 7
    # awin: 501 (coupon awin10) and 502 (utm awin beats the marta referrer); bea has 507 later: repeat.
    assert extract.figures["awin"].counts == {"orders": 2, "revenue": 88.9, "customers": 2, "repeat_customers": 2}
    # marta: 504 by referrer (503 refunded is out; 507 is after the period).
    assert extract.figures["marta"].counts == {"orders": 1, "revenue": 45.5, "customers": 1, "repeat_customers": 1}
    assert extract.unmatched_rows == 1
    assert extract.unmatched_examples == ("utm_source newsletter (1 order)",)
    assert extract.outside_rows == 1
    assert sorted(extract.figures["awin"].daily) == [date(2026, 3, d) for d in (20, 21, 22, 23)]
    assert extract.figures["awin"].daily[date(2026, 3, 20)] == {"orders": 2, "revenue": 88.9}


def test_semicolon_decimal_comma_utf16_reads_the_same(tmp_path: Path) -> None:
    text = SHOPIFY_HEADER + "\n" + SHOPIFY_BODY
    italian = re.sub(r"(\d)\.(\d\d)(?=[,\n])", r"\1,\2", text.replace(",", ";"))
    path = tmp_path / "orders.csv"
    path.write_bytes(italian.encode("utf-16"))
    extract = shopify_orders.extract(path, request())
    assert extract.figures["marta"].counts["revenue"] == 64.5
    assert extract.figures["awin"].counts["orders"] == 2


@pytest.mark.parametrize(("body_change", "row", "column", "message"), [
    (("46.90,,2026-03-21", "46.9O,,2026-03-21"), 5, "Total", "'46.9O' is not an amount"),
    (("2026-03-22 12:00:00 +0100", "22/03/2026 12:00"), 8, "Created at", "'22/03/2026 12:00' is not a date"),
    (("#1005,luca@example.it,paid", "#1005,luca@example.it,shipped"), 8, "Financial Status", "'shipped'"),
    (("paid,,EUR,6.90,36.90", "paid,,USD,6.90,36.90"), 8, "Currency", "the order is in USD, the campaign in EUR"),
    (("#1006,", "#1002,"), 9, "Name", "order '#1002' appears again (first at row 5)"),
])
def test_bad_rows_name_row_and_column(tmp_path: Path, body_change: tuple[str, str], row: int, column: str,
                                      message: str) -> None:
    assert body_change[0] in SHOPIFY_BODY
    path = shopify_file(tmp_path, SHOPIFY_BODY.replace(body_change[0], body_change[1], 1))
    with pytest.raises(ImportProblem) as caught:
        shopify_orders.extract(path, request())
    assert (caught.value.row, caught.value.column) == (row, column)
    assert message in str(caught.value)


def test_woocommerce_duplicated_order_id_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(WOO_HEADER + "\n" + WOO_BODY + WOO_BODY.splitlines()[2] + "\n", encoding="utf-8")
    with pytest.raises(ImportProblem, match=r"order '503' appears again \(first at row 4\)") as caught:
        woocommerce_orders.extract(path, request())
    assert caught.value.row == 9


def test_missing_column_header_only_and_ragged_row(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(SHOPIFY_HEADER.replace("Financial Status", "Status") + "\n" + SHOPIFY_BODY, encoding="utf-8")
    with pytest.raises(ImportProblem, match="missing column 'Financial Status'"):
        shopify_orders.extract(path, request())
    with pytest.raises(ImportProblem, match="header but no orders"):
        shopify_orders.extract(shopify_file(tmp_path, ""), request())
    with pytest.raises(ImportProblem, match="the row has 16 columns, the header 15") as caught:
        shopify_orders.extract(shopify_file(tmp_path, SHOPIFY_BODY.replace("Bowl,,0.00", "Bowl,,0.00,x", 1)),
                               request())
    assert caught.value.row == 8


def test_large_export_streams_through_duckdb(tmp_path: Path) -> None:
    """200,000 line-item rows (100,000 orders): answers from SQL over the file, checked against a count."""
    path = tmp_path / "big.csv"
    con = duckdb.connect()
    con.execute(f"""COPY (SELECT '#' || (i // 2) AS "Name", 'c' || (i // 2 % 5000) || '@x.it' AS "Email",
        CASE WHEN i % 2 = 0 THEN 'paid' END AS "Financial Status", NULL AS "Paid at",
        CASE WHEN i % 2 = 0 THEN 'EUR' END AS "Currency", NULL AS "Subtotal", NULL AS "Shipping", NULL AS "Taxes",
        CASE WHEN i % 2 = 0 THEN '10.50' END AS "Total",
        CASE WHEN i % 2 = 0 AND i // 2 % 4 = 0 THEN 'AWIN10' END AS "Discount Code", NULL AS "Discount Amount",
        strftime(DATE '2026-03-20' + CAST(i // 2 % 18 AS INTEGER), '%Y-%m-%d') || ' 10:00:00 +0100' AS "Created at",
        1 AS "Lineitem quantity", 'Cup' AS "Lineitem name", NULL AS "Cancelled at", NULL AS "Refunded Amount",
        NULL AS "Referring Site", NULL AS "Landing Site" FROM range(200000) t(i)) TO '{path}' (HEADER)""")
    extract = shopify_orders.extract(path, request())
    assert extract.rows == 200_000
    awin = extract.figures["awin"]
    assert awin.counts == {"orders": 25_000, "revenue": 262_500, "customers": 1250, "repeat_customers": 1250}
    assert len(awin.daily) == 18
    assert sum(d["orders"] for d in awin.daily.values()) == 25_000
    assert extract.unmatched_rows == 75_000


def test_duckdb_runs_out_of_core(monkeypatch: pytest.MonkeyPatch) -> None:
    """The aggregation is told its memory limit and a spill folder (not left to DuckDB's 80% of RAM)."""
    seen = {}
    real = duckdb.connect

    def spy(*args: object, **kwargs: object) -> object:
        seen.update(kwargs.get("config") or {})
        return real(*args, **kwargs)

    monkeypatch.setattr(duckdb, "connect", spy)
    path = Path("orders.csv")
    path.write_text(SHOPIFY_HEADER + "\n" + SHOPIFY_BODY, encoding="utf-8")
    shopify_orders.extract(path, request())
    assert seen["memory_limit"] == orders.MEMORY_LIMIT
    assert "temp_directory" in seen
    assert seen["threads"] >= 1


# --------------------------------------------------------------------------------------------- samples

def example_request() -> Request:
    settings = Settings.model_validate(yaml.safe_load((ROOT / "partnerbook.yml").read_text(encoding="utf-8")))
    partners = tuple(sorted(p.name for p in (ROOT / "partners").iterdir() if p.is_dir()))
    return Request("easter-2026", date(2026, 3, 20), date(2026, 4, 6), "EUR", settings.imports, partners)


# The sample's channels as a person reads them (code first, then utm_source, then referrer host).
BY_CODE = {"RETE10": "rete-artigiana-affiliates", "RETE-GIADA": "rete-artigiana-affiliates",
           "MARTA10": "casa-di-marta", "KILN5": "kiln-packaging"}
BY_UTM = {"reteartigiana": "rete-artigiana-affiliates", "instagram-casadimarta": "casa-di-marta",
          "qr-card": "kiln-packaging", "pagamentisicuri": "pagamenti-sicuri"}
BY_HOST = {"casadimarta.it": "casa-di-marta", "www.corriererapido.it": "corriere-rapido",
           "track.corriererapido.it": "corriere-rapido", "www.pagamentisicuri.it": "pagamenti-sicuri"}


def by_hand(rows: list[dict[str, str]]) -> dict[str, dict[str, float]]:
    """The figures worked out row by row, the way the README states the rules."""
    counted = [r for r in rows if r["status"] in ("paid", "partially_paid", "partially_refunded", "authorized",
                                                   "completed", "processing", "on-hold") and not r["cancelled"]]
    times = Counter(r["email"].lower() for r in counted)
    result: dict[str, dict] = defaultdict(lambda: {"orders": 0, "revenue": 0.0, "emails": set()})
    for r in counted:
        if not "2026-03-20" <= r["date"] <= "2026-04-06":
            continue
        utm = re.search(r"utm_source=([^&]*)", r["landing"])
        host = re.sub(r"^https?://([^/]*).*$", r"\1", r["referrer"])
        partner = BY_CODE.get(r["code"].upper()) or BY_UTM.get(utm.group(1) if utm else r["utm"]) or \
            BY_HOST.get(host) or "unmatched"
        result[partner]["orders"] += 1
        result[partner]["revenue"] += float(r["total"]) - float(r["refunded"] or 0)
        result[partner]["emails"].add(r["email"].lower())
    return {p: {"orders": f["orders"], "revenue": round(f["revenue"], 2), "customers": len(f["emails"]),
                "repeat_customers": sum(1 for e in f["emails"] if times[e] > 1)} for p, f in result.items()}


def test_shopify_sample_matches_figures_worked_by_hand() -> None:
    with (SAMPLES / "shopify-orders-easter-2026.csv").open(encoding="utf-8") as handle:
        rows = [{"status": r["Financial Status"], "cancelled": r["Cancelled at"], "email": r["Email"],
                 "date": r["Created at"][:10], "code": r["Discount Code"], "landing": r["Landing Site"], "utm": "",
                 "referrer": r["Referring Site"], "total": r["Total"], "refunded": r["Refunded Amount"]}
                for r in csv.DictReader(handle) if r["Total"]]
    expected = by_hand(rows)
    extract = shopify_orders.extract(SAMPLES / "shopify-orders-easter-2026.csv", example_request())
    got = {p: f.counts for p, f in extract.figures.items()}
    assert got == {p: f for p, f in expected.items() if p != "unmatched"}
    assert extract.unmatched_rows == expected["unmatched"]["orders"]
    # Pinned, so a change of rule shows: five partners, and what the sample gives them.
    assert sorted(got) == ["casa-di-marta", "corriere-rapido", "kiln-packaging", "pagamenti-sicuri",
                           "rete-artigiana-affiliates"]
    assert got["rete-artigiana-affiliates"] == {"orders": 33, "revenue": 4593.1, "customers": 23,
                                                "repeat_customers": 20}
    assert extract.unmatched_rows == 25
    assert extract.outside_rows == 53  # 190 orders: 53 outside 2026-03-20..04-06, 19 left out by status


def test_woocommerce_sample_matches_figures_worked_by_hand() -> None:
    with (SAMPLES / "woocommerce-orders-easter-2026.csv").open(encoding="utf-8") as handle:
        rows = [{"status": r["status"].removeprefix("wc-"), "cancelled": "", "email": r["customer_email"],
                 "date": r["order_date"][:10], "code": re.sub(r"^code:([^|]*).*$", r"\1", r["coupon_items"]),
                 "landing": "", "utm": r["meta:_wc_order_attribution_utm_source"],
                 "referrer": r["meta:_wc_order_attribution_referrer"], "total": r["order_total"], "refunded": ""}
                for r in csv.DictReader(handle)]
    expected = by_hand(rows)
    extract = woocommerce_orders.extract(SAMPLES / "woocommerce-orders-easter-2026.csv", example_request())
    assert {p: f.counts for p, f in extract.figures.items()} == {p: f for p, f in expected.items() if p != "unmatched"}
    assert extract.unmatched_rows == expected["unmatched"]["orders"]


def test_cli_dry_run_then_replace_writes_a_campaign_that_validates(tmp_path: Path, run_line: RunLine) -> None:
    root = copy_example(tmp_path / "example")
    record = root / "campaigns" / "easter-2026.yaml"
    before = record.read_bytes()
    sample = SAMPLES / "shopify-orders-easter-2026.csv"
    # The record holds hand-typed figures: without --replace the import reports the conflict and writes nothing.
    with pytest.raises(ImportProblem, match="affiliates orders: the record has 212, the export gives 33"):
        run_line(f"partnerbook import shopify-orders {sample} --campaign easter-2026 --dry-run --root {root}")
    assert record.read_bytes() == before
    result = run_line(f"partnerbook import shopify-orders {sample} --campaign easter-2026 --replace --root {root}")
    assert result.exit_code == 0, result.output
    assert run_line(f"partnerbook validate --root {root}").exit_code == 0
    written = {entry["partner"]: entry for entry in yaml.safe_load(record.read_text(encoding="utf-8"))["results"]}
    assert written["rete-artigiana-affiliates"]["orders"] == 33
    # The carrier's daily series keeps the analytics' sessions and carts beside the export's orders: what the
    # abandonment-anomaly rule reads (carts against orders per day).
    outage = next(day for day in written["corriere-rapido"]["daily"] if day["date"] == date(2026, 3, 28))
    assert (outage["sessions"], outage["carts"]) == (119, 39)
    expected = shopify_orders.extract(sample, example_request()).figures["corriere-rapido"].daily[date(2026, 3, 28)]
    assert outage["orders"] == expected["orders"]
    alerts = run_line(f"partnerbook alerts --root {root} --today 2026-11-24")
    assert alerts.exit_code in (0, 1), alerts.output
