"""Stage 7, compute: the computed portfolio (``portfolio``: records, findings, KPIs, alerts) and health scores."""
