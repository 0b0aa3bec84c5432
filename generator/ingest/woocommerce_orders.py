"""``partnerbook import woocommerce-orders FILE``: a WooCommerce order export, one row per order.

Column names of WooCommerce's order CSV export (the Import Export Suite and the common order
exporters: ``order_id``, ``order_date``, ``status``, ``order_total``, ``order_currency``,
``customer_email`` or ``billing_email``, ``coupon_items`` or ``coupons``) and, since WooCommerce
8.5, the order attribution meta (``meta:_wc_order_attribution_utm_source``,
``meta:_wc_order_attribution_referrer``, ``meta:_wc_order_attribution_session_entry``, also
accepted without ``meta:``). Statuses may carry WordPress's ``wc-`` prefix. Rules:
generator/ingest/orders.py.
"""

from __future__ import annotations

from pathlib import Path

from generator.i18n import N_
from generator.ingest.model import Extract, Request
from generator.ingest.orders import Preset, extract_orders

PRESET = Preset(
    name="woocommerce-orders",
    order_id=("order_id", "Order ID", "order_number", "Order Number"),
    created=("order_date", "Order Date", "date_created", "Date"),
    status=("status", "order_status", "Order Status"),
    total=("order_total", "Order Total", "total"),
    email=("customer_email", "billing_email", "Customer Email", "Billing Email", "Email"),
    currency=("order_currency", "currency", "Order Currency"),
    codes=("coupon_items", "coupons", "coupon_code", "Coupon Code", "Coupons", "Coupon(s)"),
    utm_source=("_wc_order_attribution_utm_source", "utm_source"),
    landing=("_wc_order_attribution_session_entry", "landing_page"),
    referrer=("_wc_order_attribution_referrer", "referrer"),
    counted=frozenset({"completed", "processing", "on-hold"}),
    excluded=frozenset({"pending", "cancelled", "refunded", "failed", "checkout-draft", "draft", "trash"}),
    status_prefix="wc-",
    docs=N_("WooCommerce: an order CSV export with one row per order (WooCommerce > Export Orders)"),
)


def extract(path: Path, request: Request) -> Extract:
    return extract_orders(path, request, PRESET)
