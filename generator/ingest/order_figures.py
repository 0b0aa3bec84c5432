"""Which partner an order goes to, and each partner's figures, from the orders DuckDB holds.

generator/ingest/orders.py loads and checks the export into DuckDB's ``counted`` table (one row per counted
order: day, revenue, email, discount codes, utm_source, referrer host); these functions attribute each order
(discount code, else utm_source, else referrer host: the first a partner claims) and aggregate per partner.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from generator.i18n import _, ngettext
from generator.ingest.match import Matcher
from generator.ingest.model import Figures, Request
from generator.problems import printable

EXAMPLES = 5  # unmatched values shown, the most frequent first


def attribute(con: Any, file: str, matcher: Matcher) -> None:
    """partner per counted order: discount code, else utm_source, else referrer host (the first a partner claims)."""
    def code_partner(raw: str) -> str | None:
        return next((p for p in (matcher.partner("discount_codes", c) for c in _split_codes(raw)) if p), None)

    kinds = (("code_map", "codes", code_partner), ("utm_map", "utm", lambda v: matcher.partner("utm_source", v)),
             ("host_map", "host", lambda v: matcher.partner("referrers", v)))
    for table, column, of in kinds:
        con.execute(f"CREATE TABLE {table} (k VARCHAR, partner VARCHAR)")
        values = con.execute(f"SELECT DISTINCT {column} FROM counted WHERE {column} IS NOT NULL").fetchall()
        matched = [(value, partner) for (value,) in values if (partner := of(value))]
        if matched:
            con.executemany(f"INSERT INTO {table} VALUES (?, ?)", matched)
    con.execute("""CREATE TABLE attributed AS SELECT c.*, coalesce(cm.partner, um.partner, hm.partner) AS partner
        FROM counted c LEFT JOIN code_map cm ON c.codes = cm.k LEFT JOIN utm_map um ON c.utm = um.k
        LEFT JOIN host_map hm ON c.host = hm.k""")


def _split_codes(raw: str) -> list[str]:
    """Codes of one order: "EASTER10", "EASTER10, SHIP", or WooCommerce's "code:easter10|amount:5.00;code:..."."""
    if "code:" in raw.lower():
        return [m.strip() for m in re.findall(r"code:([^|;]+)", raw, re.IGNORECASE) if m.strip()]
    return [part.strip() for part in re.split(r"[,;]", raw) if part.strip()]


def partner_figures(con: Any, request: Request) -> dict[str, Figures]:
    start, end = request.start, request.end
    con.execute("""CREATE TABLE period AS SELECT * FROM attributed WHERE day BETWEEN ? AND ?""", [start, end])
    con.execute("""CREATE TABLE repeaters AS SELECT email FROM counted WHERE email IS NOT NULL
        GROUP BY email HAVING count(*) > 1""")
    totals = con.execute("""SELECT partner, count(*), sum(revenue), count(DISTINCT email),
            count(DISTINCT CASE WHEN email IN (SELECT email FROM repeaters) THEN email END)
        FROM period WHERE partner IS NOT NULL GROUP BY partner ORDER BY partner""").fetchall()
    daily = con.execute("""SELECT partner, day, count(*), sum(revenue) FROM period WHERE partner IS NOT NULL
        GROUP BY partner, day ORDER BY partner, day""").fetchall()
    span = con.execute("SELECT min(day), max(day) FROM o WHERE day BETWEEN ? AND ?", [start, end]).fetchone()
    figures: dict[str, Figures] = {}
    for partner, orders, revenue, customers, repeat in totals:
        figures[partner] = Figures(counts={"orders": int(orders), "revenue": _amount(revenue),
                                           "customers": int(customers), "repeat_customers": int(repeat)})
        if span[0] is not None:
            for offset in range((span[1] - span[0]).days + 1):
                figures[partner].daily[span[0] + timedelta(days=offset)] = {"orders": 0, "revenue": 0}
    for partner, day, orders, revenue in daily:
        # A date object of its own per partner: a YAML writer shows one object met twice as an anchor and alias.
        figures[partner].daily[date.fromordinal(day.toordinal())] = {"orders": int(orders), "revenue": _amount(revenue)}
    return figures


def _amount(value: Any) -> float | int:
    number = round(float(value or 0), 2)
    return int(number) if number.is_integer() else number


def unmatched_orders(con: Any) -> tuple[int, tuple[str, ...]]:
    count = con.execute("SELECT count(*) FROM period WHERE partner IS NULL").fetchone()[0]
    keys = con.execute("""SELECT concat_ws(', ', 'code ' || codes, 'utm_source ' || utm, 'referrer ' || host) AS k,
            count(*) AS n FROM period WHERE partner IS NULL GROUP BY k ORDER BY n DESC, k LIMIT ?""",
                       [EXAMPLES]).fetchall()
    examples = tuple(ngettext("{key} ({n} order)", "{key} ({n} orders)", n).format(
        key=printable(k, 120) if k else _("no code, utm_source or referrer"), n=n) for k, n in keys)
    return int(count), examples
