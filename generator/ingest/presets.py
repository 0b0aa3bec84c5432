"""The sources ``partnerbook import`` knows: name -> module exposing ``extract(path, request) -> Extract``.

Modules are imported only when their source is used (DuckDB, for one, is heavy).
"""

from __future__ import annotations

PRESETS: dict[str, str] = {
    "csv": "generator.ingest.csvmap",
    "ga4": "generator.ingest.ga4",
    "shopify-orders": "generator.ingest.shopify_orders",
    "woocommerce-orders": "generator.ingest.woocommerce_orders",
    "zigpoll": "generator.ingest.zigpoll",
}
