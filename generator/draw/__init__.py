"""Stage 8, draw: chart specifications from the KPIs (``charts``) and their SVG drawing with matplotlib."""
