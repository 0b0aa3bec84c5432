"""Benchmark: import of a Shopify order export (shopify-orders preset, DuckDB) beside pandas read_csv + groupby.

    python benchmarks/bench_import.py                 # 1 million and 10 million rows
    python benchmarks/bench_import.py --rows 20000    # a tiny size, for CI

The export is written by DuckDB itself (realistic Shopify columns, two line items per order on
average, order fields on the first row only). Each measurement runs in a child process so its
peak memory (ru_maxrss) is its own.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HEADER = ("Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Accepts Marketing,Currency,Subtotal,"
          "Shipping,Taxes,Total,Discount Code,Discount Amount,Shipping Method,Created at,Lineitem quantity,"
          "Lineitem name,Lineitem price,Lineitem sku,Billing Name,Billing City,Billing Country,Cancelled at,"
          "Payment Method,Refunded Amount,Vendor,Id,Tags,Source,Referring Site,Landing Site")


def write_export(path: Path, rows: int) -> None:
    """``rows`` line-item rows of a Shopify order export, written with DuckDB's COPY."""
    import duckdb

    con = duckdb.connect()
    con.execute(f"""COPY (
      WITH r AS (SELECT i, i // 2 + (i % 7 = 0)::INT * 0 AS o, i % 2 = 0 AS first FROM range({rows}) t(i))
      SELECT '#' || (100000 + o) AS "Name",
        'customer' || (hash(o) % {max(rows // 6, 1)}) || '@example.com' AS "Email",
        CASE WHEN first THEN (['paid','paid','paid','paid','refunded','partially_refunded'])[1 + o % 6] END
          AS "Financial Status",
        CASE WHEN first THEN '2026-03-20 10:00:00 +0100' END AS "Paid at",
        CASE WHEN first THEN 'fulfilled' END AS "Fulfillment Status", NULL AS "Fulfilled at",
        CASE WHEN first THEN 'no' END AS "Accepts Marketing",
        CASE WHEN first THEN 'EUR' END AS "Currency",
        CASE WHEN first THEN printf('%.2f', 20.0 + (o % 130)) END AS "Subtotal",
        CASE WHEN first THEN '5.90' END AS "Shipping",
        CASE WHEN first THEN printf('%.2f', (20.0 + (o % 130)) * 0.22) END AS "Taxes",
        CASE WHEN first THEN printf('%.2f', (20.0 + (o % 130)) * 1.22 + 5.9) END AS "Total",
        CASE WHEN first AND o % 5 = 0 THEN (['AWIN10','MARTA15','KILN5','SPRING'])[1 + o % 4] END
          AS "Discount Code",
        CASE WHEN first AND o % 5 = 0 THEN '5.00' END AS "Discount Amount",
        CASE WHEN first THEN 'Express' END AS "Shipping Method",
        strftime(DATE '2026-03-01' + CAST(o % 60 AS INTEGER), '%Y-%m-%d') || ' 10:15:00 +0100' AS "Created at",
        1 + i % 3 AS "Lineitem quantity", 'Egg cup ' || (i % 40) AS "Lineitem name",
        printf('%.2f', 10.0 + i % 50) AS "Lineitem price", 'SKU-' || (i % 400) AS "Lineitem sku",
        'Maria Rossi' AS "Billing Name", 'Firenze' AS "Billing City", 'IT' AS "Billing Country",
        NULL AS "Cancelled at", CASE WHEN first THEN 'Shopify Payments' END AS "Payment Method",
        CASE WHEN first THEN CASE WHEN o % 6 = 5 THEN '10.00' ELSE '0.00' END END AS "Refunded Amount",
        'Bottega Ceramica' AS "Vendor", CASE WHEN first THEN 5000000000 + o END AS "Id", NULL AS "Tags",
        CASE WHEN first THEN 'web' END AS "Source",
        CASE WHEN first AND o % 5 = 1 THEN 'https://www.casadimarta.it/pasqua' END AS "Referring Site",
        CASE WHEN first THEN CASE WHEN o % 5 = 2 THEN '/collections/pasqua?utm_source=awin&utm_medium=affiliate'
             ELSE '/' END END AS "Landing Site"
      FROM r ORDER BY i) TO '{path}' (HEADER, DELIMITER ',')""")
    con.close()


def _request() -> object:  # the imports stay in the child process
    from generator.ingest.model import Request
    from generator.records.imports import ImportSettings

    settings = ImportSettings.model_validate({"partners": {
        "rete-artigiana-affiliates": {"discount_codes": ["AWIN*"], "utm_source": ["awin"]},
        "casa-di-marta": {"discount_codes": ["MARTA*"], "referrers": ["casadimarta.it"]},
        "kiln-packaging": {"discount_codes": ["KILN*"]}}})
    return Request("easter-2026", date(2026, 3, 20), date(2026, 4, 6), "EUR", settings,
                   ("rete-artigiana-affiliates", "casa-di-marta", "kiln-packaging"))


def _partnerbook(path: str) -> str:
    from generator.ingest import shopify_orders

    extract = shopify_orders.extract(Path(path), _request())
    return f"{sum(f.counts['orders'] for f in extract.figures.values())} orders"


def _pandas(path: str) -> str:
    import pandas as pd

    frame = pd.read_csv(path)
    orders = frame[frame["Total"].notna()].copy()
    orders["day"] = orders["Created at"].str.slice(0, 10)
    summary = orders.groupby(["Discount Code", "day"], dropna=False).agg(orders=("Name", "count"),
                                                                          revenue=("Total", "sum"))
    return f"{int(summary['orders'].sum())} orders"


def _child(name: str, path: str, queue: multiprocessing.Queue) -> None:
    start = time.perf_counter()
    result = {"partnerbook": _partnerbook, "pandas": _pandas}[name](path)
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    queue.put((wall, peak, result))


def measure(name: str, path: Path) -> tuple[float, float, str]:
    queue: multiprocessing.Queue = multiprocessing.get_context("spawn").Queue()
    process = multiprocessing.get_context("spawn").Process(target=_child, args=(name, str(path), queue))
    process.start()
    process.join()
    if process.exitcode != 0:
        return float("nan"), float("nan"), f"failed (exit {process.exitcode})"
    return queue.get()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, action="append", help="line-item rows (repeatable); default 1M and 10M")
    parser.add_argument("--skip-pandas", action="store_true", help="measure only the import")
    args = parser.parse_args(argv)
    sizes = args.rows or [1_000_000, 10_000_000]
    print(f"{'rows':>12} {'file MB':>8} {'tool':<12} {'wall s':>8} {'peak MB':>8}  result")
    with tempfile.TemporaryDirectory(prefix="partnerbook-bench-import-") as folder:
        for rows in sizes:
            path = Path(folder) / f"orders-{rows}.csv"
            start = time.perf_counter()
            # In a child too: a forked child starts with its parent's peak memory (ru_maxrss survives exec).
            writer = multiprocessing.get_context("spawn").Process(target=write_export, args=(path, rows))
            writer.start()
            writer.join()
            written = time.perf_counter() - start
            size = path.stat().st_size / 1e6
            print(f"{rows:>12,} {size:>8.0f} {'(write)':<12} {written:>8.1f} {'':>8}", flush=True)
            for name in ("partnerbook", *(() if args.skip_pandas else ("pandas",))):
                wall, peak, result = measure(name, path)
                print(f"{rows:>12,} {size:>8.0f} {name:<12} {wall:>8.1f} {peak:>8.0f}  {result}", flush=True)
            path.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
