"""Ingest stage: campaign results from the exports teams already have (analytics, shop orders, surveys).

``partnerbook import SOURCE FILE --campaign ID`` reads an export with a preset (``ga4``,
``shopify-orders``, ``woocommerce-orders``, ``zigpoll``) or a mapping declared in
``partnerbook.yml`` (``csv``), aggregates it per partner (``model.Extract``) and updates the
campaign record in place, keeping its comments and key order.
"""
