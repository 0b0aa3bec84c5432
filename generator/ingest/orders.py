"""Order exports (Shopify, WooCommerce) aggregated per partner with DuckDB, out of core.

An order export can hold millions of rows, so it never enters Python memory: DuckDB reads the CSV
(every column as text), keeps the few columns an order needs in an on-disk table of its own
temporary folder, checks them and aggregates them with SQL. Only the distinct discount codes,
``utm_source`` values and referrer hosts come back to Python, to be matched against the partner
rules of ``partnerbook.yml`` (``imports.partners``).

Rules (the README's "Order exports" section says the same):

* **Attribution**: an order goes to the partner of its discount code, else of the ``utm_source``
  of its landing URL (or of the export's utm_source column), else of its referrer's host. Several
  codes on one order: the first that a partner claims wins. Rules match case-insensitively, ``*``
  is a wildcard; a host also matches without its leading ``www.``.
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

import codecs
import contextlib
import csv
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from generator.ingest.model import Extract, Figures, ImportProblem, Request

# DuckDB's share of the machine: enough to aggregate tens of millions of rows, spilling to disk beyond.
MEMORY_LIMIT = os.environ.get("PARTNERBOOK_DUCKDB_MEMORY", "1GB")
THREADS = max(1, min(os.cpu_count() or 1, 4))
EXAMPLES = 5
SNIFF_BYTES = 1 << 16


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
    docs: str = ""


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
    path = Path(path)
    file = str(path)
    with _readable(path) as (source, delimiter, header):
        columns = _locate(file, header, preset)
        workdir = Path(tempfile.mkdtemp(prefix="partnerbook-orders-"))
        try:
            import duckdb

            con = duckdb.connect(str(workdir / "orders.duckdb"), config={
                "memory_limit": MEMORY_LIMIT, "threads": THREADS, "temp_directory": str(workdir / "spill"),
                "preserve_insertion_order": False, "enable_external_access": True,
            })
            try:
                return _run(con, file, source, delimiter, columns, request, preset)
            except duckdb.Error as error:
                raise _duckdb_problem(file, error, columns) from None
            finally:
                con.close()
        finally:
            shutil.rmtree(workdir, ignore_errors=True)


# ---------------------------------------------------------------------------------------------- reading


@contextlib.contextmanager
def _readable(path: Path) -> Iterator[tuple[Path, str, list[str]]]:
    """The file as UTF-8 DuckDB can read (a converted copy when it is not), its delimiter and header."""
    file = str(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError as error:
        raise ImportProblem(file, f"cannot read the file: {error.strerror or error}",
                            "check the path and that the file is readable") from None
    if not head.strip(b"\r\n\t \xef\xbb\xbf\xff\xfe\x00"):
        raise ImportProblem(file, "the file is empty", "export the orders again: the file has no header and no rows")
    copy: Path | None = None
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or not _is_utf8(head):
        copy = utf8_copy(path)
    try:
        source = copy or path
        with source.open(encoding="utf-8-sig", newline="") as handle:
            first = handle.readline()
        delimiter = max((",", ";", "\t", "|"), key=first.count)
        header = next(csv.reader([first], delimiter=delimiter), [])
        header = [name.strip() for name in header]
        yield source, delimiter, header
    finally:
        if copy is not None:
            _discard_copy(copy)


def _is_utf8(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        return error.start >= len(head) - 3  # a character cut by the sniffing window
    return True


def utf8_copy(path: Path) -> Path:
    """A UTF-8 copy of an export in another encoding (the import core's ``read.utf8_copy`` when present)."""
    try:
        from generator.ingest.read import utf8_copy as core_copy  # type: ignore[attr-defined]
    except ImportError:
        return _own_utf8_copy(path)
    return Path(core_copy(path))


def _own_utf8_copy(path: Path) -> Path:
    """UTF-16 (with its byte order mark, as spreadsheets save it) or Windows-1252, re-encoded as UTF-8."""
    with path.open("rb") as handle:
        head = handle.read(4)
    encoding = "utf-16" if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else "cp1252"
    handle_out, name = tempfile.mkstemp(prefix="partnerbook-utf8-", suffix=".csv")
    try:
        with path.open(encoding=encoding, newline="") as source, os.fdopen(handle_out, "w", encoding="utf-8",
                                                                            newline="") as target:
            shutil.copyfileobj(source, target, 1 << 20)
    except UnicodeError as error:
        Path(name).unlink(missing_ok=True)
        raise ImportProblem(str(path), f"the file is neither UTF-8 nor {encoding}: {error.reason}",
                            "save the export as CSV UTF-8") from None
    return Path(name)


def _discard_copy(copy: Path) -> None:
    if copy.name.startswith("partnerbook-utf8-") and copy.parent == Path(tempfile.gettempdir()):
        copy.unlink(missing_ok=True)


def _locate(file: str, header: list[str], preset: Preset) -> _Columns:
    """Find the preset's columns by name (case and spaces ignored); required ones must be there."""
    names = {_key(name): index for index, name in reversed(list(enumerate(header)))}
    columns = _Columns(header)
    required = ("order_id", "created", "status", "total", "email")
    for role in ("order_id", "created", "status", "total", "email", "currency", "codes", "utm_source", "landing",
                 "referrer", "cancelled_at", "refunded"):
        candidates: tuple[str, ...] = getattr(preset, role)
        index = next((names[_key(c)] for c in candidates if _key(c) in names), None)
        if index is None and role in required:
            shown = ", ".join(repr(name) for name in header[:8]) + (", ..." if len(header) > 8 else "")
            raise ImportProblem(file, f"missing column '{candidates[0]}' of a {preset.name} export", (
                f"the header has {shown or 'no columns'}; export the orders from {preset.docs} "
                f"(the {preset.name} preset reads {', '.join(repr(c) for c in candidates)})"), row=1)
        columns.found[role] = index
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


def _run(con: Any, file: str, source: Path, delimiter: str, columns: _Columns, request: Request,
         preset: Preset) -> Extract:
    scan = _scan(source, delimiter, len(columns.header))
    total_col = columns.sql("total")
    decimal = "."
    if delimiter == ";":
        comma = con.execute(f"SELECT count(*) FROM (SELECT {total_col} AS t FROM {scan} LIMIT 10000) "
                            "WHERE t LIKE '%,%'").fetchone()[0]
        decimal = "," if comma else "."
    select = _normalised(columns, preset, decimal)
    where = _order_rows(columns, preset)
    rows = con.execute(f"SELECT count(*) FROM {scan}").fetchone()[0]
    if rows == 0:
        raise ImportProblem(file, "the export has a header but no orders",
                            "export the orders of the campaign's period again", row=1)
    con.execute(f"CREATE TABLE o AS SELECT {select} FROM {scan} WHERE {where}")

    known = sorted(preset.counted | preset.excluded)
    checks = _checks(request, known, columns)
    failing = con.execute("SELECT " + ", ".join(f"bool_or({condition})" for condition, *_ in checks)
                          + " FROM o").fetchone()
    for (condition, message, hint, role), bad in zip(checks, failing, strict=True):
        if bad:
            raise _first_problem(con, file, scan, select, where, condition, message, hint, role, columns)
    duplicate = con.execute("SELECT order_id FROM o GROUP BY order_id HAVING count(*) > 1 LIMIT 1").fetchone()
    if duplicate:
        _raise_duplicate(con, file, scan, select, where, duplicate[0], columns, preset)

    excluded_statuses = ", ".join(_quote(s) for s in sorted(preset.excluded))
    con.execute(f"""CREATE TABLE counted AS SELECT *, total - least(refunded, total) AS revenue FROM o
        WHERE status NOT IN ({excluded_statuses}) AND NOT cancelled""")
    excluded = con.execute("SELECT count(*) FROM o").fetchone()[0] - con.execute(
        "SELECT count(*) FROM counted").fetchone()[0]
    start, end = request.start, request.end
    outside = con.execute("SELECT count(*) FROM o WHERE day < ? OR day > ?", [start, end]).fetchone()[0]

    _attribute(con, request)
    figures = _figures(con, request)
    unmatched, examples = _unmatched(con, start, end)
    orders = con.execute("SELECT count(*) FROM o").fetchone()[0]
    notes = [f"{orders} orders in {rows} rows" + (" (one row per line item)" if preset.line_items else "")]
    if excluded:
        notes.append(f"{excluded} refunded, cancelled, failed or unpaid orders left out of every figure")
    if columns.found.get("currency") is not None:
        notes.append(f"every order is in {request.currency} (column '{columns.name('currency')}')")
    return Extract(source=preset.name, file=Path(file), rows=rows, figures=figures, unmatched_rows=unmatched,
                   unmatched_examples=examples, outside_rows=outside, notes=tuple(notes))


def _checks(request: Request, known: Sequence[str], columns: _Columns) -> list[tuple[str, str, str, str]]:
    """(condition on a row of ``o`` that makes it wrong, message, hint, column role)."""
    statuses = ", ".join(_quote(s) for s in known)
    return [
        ("order_id = ''", "an order without an order id", "every order row needs its order id", "order_id"),
        ("day IS NULL", "the order date {value!r} is not a date the preset reads",
         "dates must start with YYYY-MM-DD (e.g. 2026-03-20 14:05:00 +0100), as the platform exports them",
         "created"),
        (f"status NOT IN ({statuses})", "unknown order status {value!r}",
         "the preset knows " + ", ".join(known), "status"),
        ("total IS NULL OR total < 0", "the order total {value!r} is not an amount",
         "amounts are plain numbers such as 79.90 (or 79,90 in a semicolon-separated file)", "total"),
        ("refunded_raw IS NOT NULL AND trim(refunded_raw) <> '' AND refunded = 0 AND NOT regexp_full_match("
         "trim(refunded_raw), '[0.,]+')", "the refunded amount {value!r} is not an amount",
         "amounts are plain numbers such as 79.90", "refunded"),
        (f"currency <> '' AND currency <> {_quote(request.currency)}",
         "the order is in {value}, the campaign in " + request.currency,
         f"import only orders in {request.currency}, or set the campaign's currency to the export's", "currency"),
    ]


_RAW = {"order_id": "order_id", "created": "created_raw", "status": "status", "total": "total_raw",
        "refunded": "refunded_raw", "currency": "currency"}


def _first_problem(con: Any, file: str, scan: str, select: str, where: str, condition: str, message: str,
                   hint: str, role: str, columns: _Columns) -> ImportProblem:
    """The first row (in file order) where ``condition`` holds, as an ImportProblem."""
    con.execute("SET preserve_insertion_order = true")
    found = con.execute(f"""SELECT row, {_RAW[role]} FROM (
        SELECT row_number() OVER () + 1 AS row, * FROM (SELECT {select}, ({where}) AS keep FROM {scan}))
        WHERE keep AND ({condition}) ORDER BY row LIMIT 1""").fetchone()
    row, value = (found if found else (None, None))
    return ImportProblem(file, message.format(value=value), hint, row=row, column=columns.name(role))


def _raise_duplicate(con: Any, file: str, scan: str, select: str, where: str, order_id: str, columns: _Columns,
                     preset: Preset) -> None:
    con.execute("SET preserve_insertion_order = true")
    found = con.execute(f"""SELECT row FROM (
        SELECT row_number() OVER () + 1 AS row, * FROM (SELECT {select}, ({where}) AS keep FROM {scan}))
        WHERE keep AND order_id = ? ORDER BY row LIMIT 2""", [order_id]).fetchall()
    rows = [r[0] for r in found]
    again = ("it carries the order's totals again: a line-item row leaves them empty" if preset.line_items
             else "an order appears once in an order export")
    raise ImportProblem(file, f"order {order_id!r} appears again (first at row {rows[0]}): {again}",
                        "export the orders once, without merging two exports that overlap",
                        row=rows[-1], column=columns.name("order_id"))


# ---------------------------------------------------------------------------------------------- partners


def _attribute(con: Any, request: Request) -> None:
    """partner per counted order: discount code, else utm_source, else referrer host."""
    rules = getattr(request.settings, "partners", {}) or {}
    code_of = _matcher(rules, "discount_codes")
    utm_of = _matcher(rules, "utm_source")
    host_of = _matcher(rules, "referrers")
    codes = [(raw, _first(code_of, _split_codes(raw))) for (raw,) in
             con.execute("SELECT DISTINCT codes FROM counted WHERE codes IS NOT NULL").fetchall()]
    utms = [(raw, utm_of(raw)) for (raw,) in con.execute(
        "SELECT DISTINCT utm FROM counted WHERE utm IS NOT NULL").fetchall()]
    hosts = [(raw, host_of(raw) or (host_of(raw[4:]) if raw.startswith("www.") else None)) for (raw,) in
             con.execute("SELECT DISTINCT host FROM counted WHERE host IS NOT NULL").fetchall()]
    for table, pairs in (("code_map", codes), ("utm_map", utms), ("host_map", hosts)):
        con.execute(f"CREATE TABLE {table} (k VARCHAR, partner VARCHAR)")
        matched = [(k, p) for k, p in pairs if p]
        if matched:
            con.executemany(f"INSERT INTO {table} VALUES (?, ?)", matched)
    con.execute("""CREATE TABLE attributed AS SELECT c.*, coalesce(cm.partner, um.partner, hm.partner) AS partner
        FROM counted c LEFT JOIN code_map cm ON c.codes = cm.k LEFT JOIN utm_map um ON c.utm = um.k
        LEFT JOIN host_map hm ON c.host = hm.k""")


def _matcher(rules: dict[str, Any], attribute: str) -> Callable[[str], str | None]:
    """value -> partner id, from one kind of rule of every partner (first declared partner wins)."""
    compiled = []
    for partner, match in rules.items():
        for pattern in getattr(match, attribute, None) or []:
            regex = ".*".join(re.escape(part) for part in pattern.strip().split("*"))
            compiled.append((re.compile(regex, re.IGNORECASE | re.DOTALL), partner))

    def of(value: str) -> str | None:
        value = value.strip()
        return next((partner for regex, partner in compiled if regex.fullmatch(value)), None)

    return of


def _split_codes(raw: str) -> list[str]:
    """Codes of one order: "EASTER10", "EASTER10, SHIP", or WooCommerce's "code:easter10|amount:5.00;code:..."."""
    if "code:" in raw.lower():
        return [m.strip() for m in re.findall(r"code:([^|;]+)", raw, re.IGNORECASE) if m.strip()]
    return [part.strip() for part in re.split(r"[,;]", raw) if part.strip()]


def _first(of: Callable[[str], str | None], values: list[str]) -> str | None:
    return next((partner for partner in map(of, values) if partner), None)


def _figures(con: Any, request: Request) -> dict[str, Figures]:
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
            day = span[0]
            while day <= span[1]:
                figures[partner].daily[day] = {"orders": 0, "revenue": 0}
                day += timedelta(days=1)
    for partner, day, orders, revenue in daily:
        figures[partner].daily[day] = {"orders": int(orders), "revenue": _amount(revenue)}
    return figures


def _amount(value: Any) -> float | int:
    number = round(float(value or 0), 2)
    return int(number) if number.is_integer() else number


def _unmatched(con: Any, start: date, end: date) -> tuple[int, tuple[str, ...]]:
    count = con.execute("SELECT count(*) FROM period WHERE partner IS NULL").fetchone()[0]
    keys = con.execute("""SELECT concat_ws(', ', 'code ' || codes, 'utm_source ' || utm, 'referrer ' || host) AS k,
            count(*) AS n FROM period WHERE partner IS NULL GROUP BY k ORDER BY n DESC, k LIMIT ?""",
                       [EXAMPLES]).fetchall()
    examples = tuple(f"{k or 'no code, utm_source or referrer'} ({n} orders)" for k, n in keys)
    return int(count), examples


def _duckdb_problem(file: str, error: Exception, columns: _Columns) -> ImportProblem:
    """A DuckDB error as the user's problem: its line when DuckDB names one."""
    text = str(error)
    line = re.search(r"CSV Error on Line: (\d+)", text)
    found = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", text)
    if found:
        message = f"the row has {found.group(2)} columns, the header {found.group(1)}"
        hint = "a value holding the delimiter must be quoted; export the file again or fix that row"
    elif "unterminated quote" in text:
        message, hint = "a quoted value is never closed", "close the quote (\") or remove it"
    elif "Out of Memory" in text or "could not allocate" in text.lower():
        message = "not enough memory or temporary disk space to aggregate the export"
        hint = "free disk space in the temporary folder (TMPDIR) or set PARTNERBOOK_DUCKDB_MEMORY higher"
    else:
        message, hint = text.splitlines()[0][:300], "check that the file is a CSV export of orders"
    return ImportProblem(file, message, hint, row=int(line.group(1)) if line else None)
