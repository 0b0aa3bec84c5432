"""Stage 5, measure: the KPIs of campaigns, partners and SLAs with pandas (``kpis``) and their tables (``tables``)."""
