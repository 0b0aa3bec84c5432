"""``partnerbook import shopify-orders FILE``: Shopify's order export (Orders > Export > CSV).

Shopify writes one row per line item; the order's fields (Financial Status, Currency, Subtotal,
Shipping, Taxes, Total, Discount Code, Refunded Amount, ...) fill only its first row, the line
items below repeat Name and Email. Shopify's own export has no visit data: the optional
``Referring Site`` and ``Landing Site`` columns (the order's ``referring_site`` and
``landing_site``, as order-export apps add them) are used for attribution when present, else
only discount codes attribute orders. Rules: generator/ingest/orders.py.
"""

from __future__ import annotations

from pathlib import Path

from generator.i18n import N_
from generator.ingest.model import Extract, Request
from generator.ingest.orders import Preset, extract_orders

PRESET = Preset(
    name="shopify-orders",
    order_id=("Name",),
    created=("Created at",),
    status=("Financial Status",),
    total=("Total",),
    email=("Email",),
    currency=("Currency",),
    codes=("Discount Code",),
    landing=("Landing Site", "Landing Page URL", "Landing Page"),
    referrer=("Referring Site", "Referrer", "Referrer URL"),
    cancelled_at=("Cancelled at",),
    refunded=("Refunded Amount",),
    utm_source=("UTM Source", "utm_source"),
    counted=frozenset({"paid", "partially_paid", "partially_refunded", "authorized"}),
    excluded=frozenset({"refunded", "voided", "pending", "expired"}),
    line_items=True,
    docs=N_("Shopify admin: Orders > Export > All orders, CSV for Excel, Numbers or other spreadsheet programs"),
)


def extract(path: Path, request: Request) -> Extract:
    return extract_orders(path, request, PRESET)
