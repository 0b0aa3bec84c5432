"""Order exports (Shopify, WooCommerce) aggregated per partner with DuckDB, out of core.

An order export can hold millions of rows, so it never enters Python memory: DuckDB reads the CSV
(every column as text), keeps the few columns an order needs in an on-disk table of its own
temporary folder, checks them and aggregates them with SQL. Only the distinct discount codes,
``utm_source`` values and referrer hosts come back to Python, to be matched against the partner
rules of ``partnerbook.yml`` (``imports.partners``).

Rules (the README's "Order exports" section says the same):

* **Attribution**: an order goes to the partner of its discount code, else of the ``utm_source``
  of its landing URL (or of the export's utm_source column), else of its referrer's host. Several
  codes on one order: the first that a partner claims wins. Rules match as generator/ingest/match.py
  says (case-insensitive, ``*`` wildcard, ``www.`` ignored, a partner's own id matches too).
* **Counted orders**: paid (or being paid) orders. Refunded, voided, cancelled, failed and pending
  orders are left out of every figure and reported in a note.
* **Revenue**: the order total (items after discounts, plus shipping and taxes, as the customer
  paid it), less the refunded amount of a partially refunded order when the export states it.
* **Customers**: distinct e-mail addresses (case-insensitive) of the partner's counted orders in
  the period. **Repeat customers**: those of them with more than one counted order anywhere in the
  export (any date, any partner): export a longer history to see more of them.
* **Daily series**: orders and revenue per day of the order's creation date as the export writes
  it (the shop's time zone), every day from the export's first to its last order date within the
  campaign's period, zero on days without orders.
* Orders dated outside the campaign's period count as ``outside_rows``; counted orders in the
  period that no partner claims as ``unmatched_rows``, with their most frequent keys as examples.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.i18n import N_, _, ngettext
from generator.ingest.match import Matcher
from generator.ingest.model import Extract, ImportProblem, Request
from generator.ingest.order_figures import attribute, partner_figures, unmatched_orders
from generator.ingest.read import Table, open_table, utf8_copy
from generator.problems import printable

# DuckDB's share of the machine: enough to aggregate tens of millions of rows, spilling to disk beyond.
MEMORY_LIMIT = os.environ.get("PARTNERBOOK_DUCKDB_MEMORY", "1GB")
THREADS = max(1, min(os.cpu_count() or 1, 4))
REQUIRED = ("order_id", "created", "status", "total", "email")


@dataclass(frozen=True)
class Preset:
    """How one platform's order export names its columns and statuses."""

    name: str
    order_id: tuple[str, ...]
    created: tuple[str, ...]
    status: tuple[str, ...]
    total: tuple[str, ...]
    email: tuple[str, ...]
    counted: frozenset[str]  # statuses whose orders count
    excluded: frozenset[str]  # statuses left out (refunded, cancelled, ...)
    currency: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    utm_source: tuple[str, ...] = ()
    landing: tuple[str, ...] = ()
    referrer: tuple[str, ...] = ()
    cancelled_at: tuple[str, ...] = ()
    refunded: tuple[str, ...] = ()
    line_items: bool = False  # one row per line item: order fields only on the order's first row
    status_prefix: str = ""  # stripped from statuses (WooCommerce's "wc-")
    docs: str = ""  # where the platform exports orders (a catalog message: N_)


@dataclass
class _Columns:
    """Positions of the preset's columns in the file (None when absent)."""

    header: list[str]
    found: dict[str, int | None] = field(default_factory=dict)

    def sql(self, role: str) -> str:
        index = self.found.get(role)
        return f"c{index}" if index is not None else "NULL"

    def name(self, role: str) -> str | None:
        index = self.found.get(role)
        return self.header[index] if index is not None else None


def extract_orders(path: Path, request: Request, preset: Preset) -> Extract:
    """Aggregate an order export per partner (see the module's rules)."""
    table = open_table(Path(path), max_bytes=None)
    file = table.display
    columns = _locate(table, preset)
    matcher = Matcher(request.settings, request.partners)
    with _readable(table, columns) as source:
        workdir = Path(tempfile.mkdtemp(prefix="partnerbook-orders-"))
        try:
            import duckdb

            con = duckdb.connect(str(workdir / "orders.duckdb"), config={
                "memory_limit": MEMORY_LIMIT, "threads": THREADS, "temp_directory": str(workdir / "spill"),
                "preserve_insertion_order": False,
            })
            try:
                return _run(con, file, source, columns, request, preset, matcher)
            except duckdb.Error as error:
                raise _duckdb_problem(file, error, source) from None
            finally:
                con.close()
        finally:
            shutil.rmtree(workdir, ignore_errors=True)


# ---------------------------------------------------------------------------------------------- reading


@dataclass
class _Source:
    """What DuckDB reads: the export itself when it is UTF-8 with the header on row 1, else a UTF-8 copy."""

    path: Path
    delimiter: str
    decimal: str | None  # None: worked out from the amounts
    first_row: int  # file row of the first data row, when rows are counted (no ``_row`` column)
    row_column: int | None = None  # index of the copy's ``_row`` column (rows as the original file numbers them)


@contextlib.contextmanager
def _readable(table: Table, columns: _Columns) -> Iterator[_Source]:
    if table.encoding == "utf-8" and table.header_row == 1:
        yield _Source(Path(table.path), table.delimiter, None, 2)
        return
    numbers = [name for name in (columns.name("total"), columns.name("refunded")) if name]
    copy = utf8_copy(table, numbers=numbers, row_column="_row")
    try:
        yield _Source(copy, ",", ".", 2, row_column=len(table.columns))
    finally:
        with contextlib.suppress(OSError):
            copy.unlink()


def _locate(table: Table, preset: Preset) -> _Columns:
    """Find the preset's columns by name (case and spaces ignored, ``meta:`` optional); required ones must be there."""
    header = list(table.columns)
    names: dict[str, int] = {}
    for index, name in enumerate(header):
        names.setdefault(_key(name), index)
    columns = _Columns(header)
    for role in ("order_id", "created", "status", "total", "email", "currency", "codes", "utm_source", "landing",
                 "referrer", "cancelled_at", "refunded"):
        candidates: tuple[str, ...] = getattr(preset, role)
        found = next((names[_key(c)] for c in candidates if _key(c) in names), None)
        if found is None and role in REQUIRED:
            problem = table.missing([candidates[0]])
            message = problem.message
            if len(candidates) > 1:
                message = _("{message} (the {preset} preset also reads {names})").format(
                    message=message, preset=preset.name, names=", ".join(repr(c) for c in candidates[1:]))
            raise ImportProblem(problem.file, message,
                                _("{hint}; export the orders from {where}").format(hint=problem.hint,
                                                                                  where=_(preset.docs)),
                                row=problem.row)
        columns.found[role] = found
    return columns


def _key(name: str) -> str:
    name = name.strip().lower()
    return name.removeprefix("meta:").replace(" ", "").replace("_", "")


# ---------------------------------------------------------------------------------------------- SQL


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _scan(source: Path, delimiter: str, width: int) -> str:
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width)) + "}"
    return (f"read_csv({_quote(str(source))}, columns={columns}, header=true, auto_detect=false, "
            f"delim={_quote(delimiter)}, quote='\"', escape='\"', encoding='utf-8', max_line_size=10000000)")


def _money(expr: str, decimal: str) -> str:
    """SQL turning an exported amount into DECIMAL, NULL when it is not a plain number."""
    text = f"trim({expr})"
    if decimal == ",":
        plain = f"replace(replace({text}, '.', ''), ',', '.')"
        ok = f"regexp_full_match({text}, '-?([0-9]{{1,3}}(\\.[0-9]{{3}})+|[0-9]+)(,[0-9]+)?')"
    else:
        plain = text
        ok = f"regexp_full_match({text}, '-?[0-9]+(\\.[0-9]+)?')"
    return f"CASE WHEN {ok} THEN TRY_CAST({plain} AS DECIMAL(18,2)) END"


def _normalised(columns: _Columns, preset: Preset, decimal: str) -> str:
    """SELECT list of one order row: raw values beside their parsed, checked form."""
    status = f"lower(trim(coalesce({columns.sql('status')}, '')))"
    if preset.status_prefix:
        status = f"regexp_replace({status}, '^{preset.status_prefix}', '')"
    created = f"trim(coalesce({columns.sql('created')}, ''))"
    refunded = columns.sql("refunded")
    refunded_value = "0" if refunded == "NULL" else f"coalesce({_money(refunded, decimal)}, 0)"
    landing = columns.sql("landing")
    utm = (f"nullif(lower(trim(coalesce({columns.sql('utm_source')}, ''))), '')")
    if landing != "NULL":
        from_url = f"nullif(lower(url_decode(regexp_extract({landing}, '[?&]utm_source=([^&#]*)', 1))), '')"
        utm = f"coalesce({utm}, {from_url})"
    referrer = columns.sql("referrer")
    host_of = "'^(?:[a-zA-Z][a-zA-Z0-9+.-]*:)?(?://)?([^/?#:@ ]+)'"
    host = "NULL" if referrer == "NULL" else f"nullif(lower(regexp_extract(trim({referrer}), {host_of}, 1)), '')"
    return ", ".join([
        f"trim(coalesce({columns.sql('order_id')}, '')) AS order_id",
        f"{created} AS created_raw",
        f"CASE WHEN regexp_full_match({created}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}([ T].*)?') "
        f"THEN TRY_CAST(substr({created}, 1, 10) AS DATE) END AS day",
        f"{status} AS status",
        f"{columns.sql('total')} AS total_raw",
        f"{_money(columns.sql('total'), decimal)} AS total",
        f"{refunded_value} AS refunded",
        f"{refunded} AS refunded_raw",
        f"nullif(lower(trim(coalesce({columns.sql('email')}, ''))), '') AS email",
        f"upper(trim(coalesce({columns.sql('currency')}, ''))) AS currency",
        f"nullif(trim(coalesce({columns.sql('codes')}, '')), '') AS codes",
        f"{utm} AS utm",
        f"{host} AS host",
        f"trim(coalesce({columns.sql('cancelled_at')}, '')) <> '' AS cancelled",
    ])


def _order_rows(columns: _Columns, preset: Preset) -> str:
    """WHERE clause keeping the rows that carry an order (Shopify: the first row of each order)."""
    if not preset.line_items:
        return "TRUE"
    return f"trim(coalesce({columns.sql('total')}, '')) <> '' OR trim(coalesce({columns.sql('status')}, '')) <> ''"


def _run(con: Any, file: str, source: _Source, columns: _Columns, request: Request, preset: Preset,
         matcher: Matcher) -> Extract:
    width = len(columns.header) + (1 if source.row_column is not None else 0)
    scan = _scan(source.path, source.delimiter, width)
    decimal = source.decimal or "."
    if source.decimal is None and source.delimiter == ";":
        comma = con.execute(f"SELECT count(*) FROM (SELECT {columns.sql('total')} AS t FROM {scan} LIMIT 10000) "
                            "WHERE t LIKE '%,%'").fetchone()[0]
        decimal = "," if comma else "."
    select = _normalised(columns, preset, decimal)
    where = _order_rows(columns, preset)
    rows = con.execute(f"SELECT count(*) FROM {scan}").fetchone()[0]
    if rows == 0:
        raise ImportProblem(file, _("the export has a header but no orders"),
                            _("export the orders of the campaign's period again"), row=source.first_row - 1)
    con.execute(f"CREATE TABLE o AS SELECT {select} FROM {scan} WHERE {where}")
    numbered = _numbered(source, scan, select, where)

    known = sorted(preset.counted | preset.excluded)
    checks = _checks(request, known)
    failing = con.execute("SELECT " + ", ".join(f"bool_or({condition})" for condition, *_ in checks)
                          + " FROM o").fetchone()
    for (condition, message, hint, role), bad in zip(checks, failing, strict=True):
        if bad:
            fields = {"currency": request.currency, "statuses": ", ".join(known)}
            raise _first_problem(con, file, numbered, condition, message, _(hint).format(**fields), role, columns,
                                 fields)
    duplicate = con.execute("SELECT order_id FROM o GROUP BY order_id HAVING count(*) > 1 LIMIT 1").fetchone()
    if duplicate:
        _raise_duplicate(con, file, numbered, duplicate[0], columns, preset)

    excluded_statuses = ", ".join(_quote(s) for s in sorted(preset.excluded))
    con.execute(f"""CREATE TABLE counted AS SELECT *, total - least(refunded, total) AS revenue FROM o
        WHERE status NOT IN ({excluded_statuses}) AND NOT cancelled""")
    orders = con.execute("SELECT count(*) FROM o").fetchone()[0]
    excluded = orders - con.execute("SELECT count(*) FROM counted").fetchone()[0]
    start, end = request.start, request.end
    outside = con.execute("SELECT count(*) FROM o WHERE day < ? OR day > ?", [start, end]).fetchone()[0]

    if request.partner is not None:  # --partner: every counted order is that partner's
        con.execute("CREATE TABLE attributed AS SELECT c.*, ?::VARCHAR AS partner FROM counted c", [request.partner])
    else:
        attribute(con, file, matcher)
    figures = partner_figures(con, request)
    unmatched, examples = unmatched_orders(con)
    counted_orders = ngettext("{n} order", "{n} orders", orders).format(n=orders)
    notes = [(ngettext("{orders} in {n} row (one row per line item)", "{orders} in {n} rows (one row per line item)",
                       rows) if preset.line_items else
              ngettext("{orders} in {n} row", "{orders} in {n} rows", rows)).format(orders=counted_orders, n=rows)]
    if excluded:
        notes.append(ngettext("{n} refunded, cancelled, failed or unpaid order left out of every figure",
                              "{n} refunded, cancelled, failed or unpaid orders left out of every figure",
                              excluded).format(n=excluded))
    if columns.found.get("currency") is not None:
        notes.append(_("every order is in {currency} (column '{column}')").format(
            currency=request.currency, column=printable(columns.name("currency") or "")))
    return Extract(source=preset.name, file=Path(file), rows=rows, figures=figures, unmatched_rows=unmatched,
                   unmatched_examples=examples, outside_rows=outside, notes=tuple(notes))


def _numbered(source: _Source, scan: str, select: str, where: str) -> str:
    """The order rows with their row number in the original file, in file order."""
    if source.row_column is not None:
        return f"SELECT CAST(c{source.row_column} AS BIGINT) AS row, {select}, ({where}) AS keep FROM {scan}"
    return (f"SELECT row_number() OVER () + {source.first_row - 1} AS row, * FROM "
            f"(SELECT {select}, ({where}) AS keep FROM {scan})")


def _checks(request: Request, known: Sequence[str]) -> list[tuple[str, str, str, str]]:
    """(condition on a row of ``o`` that makes it wrong, message, hint, column role).

    Messages name the row's value ``{value}`` (filled in by ``_first_problem``) and the campaign's currency
    ``{currency}``; both are translated when the problem is raised.
    """
    statuses = ", ".join(_quote(s) for s in known)
    return [
        ("order_id = ''", N_("an order without an order id"), N_("every order row needs its order id"), "order_id"),
        ("day IS NULL", N_("the order date '{value}' is not a date the preset reads"),
         N_("dates must start with YYYY-MM-DD (e.g. 2026-03-20 14:05:00 +0100), as the platform exports them"),
         "created"),
        (f"status NOT IN ({statuses})", N_("unknown order status '{value}'"), N_("the preset knows {statuses}"),
         "status"),
        ("total IS NULL OR total < 0", N_("the order total '{value}' is not an amount"),
         N_("amounts are plain numbers such as 79.90 (or 79,90 in a semicolon-separated file)"), "total"),
        ("refunded_raw IS NOT NULL AND trim(refunded_raw) <> '' AND refunded = 0 AND NOT regexp_full_match("
         "trim(refunded_raw), '[0.,]+')", N_("the refunded amount '{value}' is not an amount"),
         N_("amounts are plain numbers such as 79.90"), "refunded"),
        (f"currency <> '' AND currency <> {_quote(request.currency)}",
         N_("the order is in {value}, the campaign in {currency}"),
         N_("import only orders in {currency}, or set the campaign's currency to the export's"), "currency"),
    ]


_RAW = {"order_id": "order_id", "created": "created_raw", "status": "status", "total": "total_raw",
        "refunded": "refunded_raw", "currency": "currency"}


def _first_problem(con: Any, file: str, numbered: str, condition: str, message: str, hint: str, role: str,
                   columns: _Columns, fields: dict[str, str]) -> ImportProblem:
    """The first row (in file order) where ``condition`` holds, as an ImportProblem (``message`` translated here)."""
    con.execute("SET preserve_insertion_order = true")
    found = con.execute(f"SELECT row, {_RAW[role]} FROM ({numbered}) WHERE keep AND ({condition}) "
                        "ORDER BY row LIMIT 1").fetchone()
    row, value = (found if found else (None, None))
    shown = printable(str(value), 80) if value is not None else ""
    return ImportProblem(file, _(message).format(value=shown, **fields), hint, row=row, column=columns.name(role))


def _raise_duplicate(con: Any, file: str, numbered: str, order_id: str, columns: _Columns, preset: Preset) -> None:
    con.execute("SET preserve_insertion_order = true")
    found = con.execute(f"SELECT row FROM ({numbered}) WHERE keep AND order_id = ? ORDER BY row LIMIT 2",
                        [order_id]).fetchall()
    rows = [r[0] for r in found]
    message = (_("order '{id}' appears again (first at row {row}): it carries the order's totals again, where a "
                 "line-item row leaves them empty") if preset.line_items else
               _("order '{id}' appears again (first at row {row}): an order appears once in an order export"))
    raise ImportProblem(file, message.format(id=printable(order_id, 80), row=rows[0]),
                        _("export the orders once, without joining two exports that overlap"),
                        row=rows[-1], column=columns.name("order_id"))


def _duckdb_problem(file: str, error: Exception, source: _Source) -> ImportProblem:
    """A DuckDB error as the user's problem: its line when DuckDB names one."""
    text = str(error)
    line = re.search(r"CSV Error on Line: (\d+)", text)
    found = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", text)
    if found:
        message = _("the row has {found} columns, the header {expected}").format(found=found.group(2),
                                                                                expected=found.group(1))
        hint = _("a value holding the delimiter must be quoted; export the file again or fix that row")
    elif "unterminated quote" in text:
        message, hint = _("a quoted value is never closed"), _("close the quote (\") or remove it")
    elif "Out of Memory" in text or "could not allocate" in text.lower():
        message = _("not enough memory or temporary disk space to aggregate the export")
        hint = _("free disk space in the temporary folder (TMPDIR) or set PARTNERBOOK_DUCKDB_MEMORY higher")
    else:  # DuckDB's own words, in English
        message, hint = text.splitlines()[0][:300], _("check that the file is a CSV export of orders")
    # DuckDB counts the file's lines; a copy has only the header above its rows, like the original's header row.
    row = int(line.group(1)) + (source.first_row - 2) if line else None
    return ImportProblem(file, message, hint, row=row)
