"""Reading an export robustly, one row at a time: encoding, delimiter, decimal comma, preamble, bad cells.

Every preset reads its file through :func:`open_table`::

    table = open_table(path, required=("Session source / medium", "Sessions"))
    for row, values in table.rows():
        sessions = table.count(values["Sessions"], row, "Sessions")

* encodings: UTF-8 with or without BOM, UTF-16 LE/BE with a BOM (what spreadsheet tools write as
  "Unicode text"), UTF-16 without a BOM when the bytes show it; anything else is refused with the byte
  offset and row of the first byte that does not decode;
* delimiters ``,`` ``;`` tab ``|``, detected from the header and the first rows unless given;
* numbers with a decimal point or a decimal comma (``1.234,56`` as Italian spreadsheets write them),
  thousands separators, currency signs;
* comment lines (``#``) and blank lines above the header, as Google Analytics writes them;
* errors name the file, the row as a spreadsheet numbers it (comment lines count) and the column.

The file is never loaded whole: rows are read with the ``csv`` module as they are needed. Files larger than
``max_bytes`` are refused (the order presets stream theirs through DuckDB with :func:`utf8_copy`).
"""

from __future__ import annotations

import contextlib
import csv
import difflib
import os
import re
import stat
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

from generator import i18n
from generator.i18n import N_, _, ngettext
from generator.ingest.cells import GROUPED, parse_day, parse_number
from generator.ingest.encoding import CHUNK, decoded_lines, detect_encoding
from generator.ingest.model import ImportProblem
from generator.problems import printable

DELIMITERS = (",", ";", "\t", "|")
MAX_BYTES = 256 * 1024 * 1024  # the in-memory presets (csv, ga4, zigpoll) read at most this much
_SNIFF_LINES = 50
# How the file was read, in a hint: whole sentences per delimiter.
_DETECTED = {",": N_("comma detected"), ";": N_("semicolon detected"), "\t": N_("tab detected"),
             "|": N_("pipe detected")}
_READ_AS = {",": N_("the file is read as comma-separated"), ";": N_("the file is read as semicolon-separated"),
            "\t": N_("the file is read as tab-separated"), "|": N_("the file is read as pipe-separated")}


def _show(text: str, limit: int = 60) -> str:
    return printable(text, limit)


def _size(size: int) -> str:
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= scale:
            return f"{i18n.number(size / scale, 1)} {unit}"
    return ngettext("{n} byte", "{n} bytes", size).format(n=i18n.number(size))


# --------------------------------------------------------------------------------------------- the table

def _sniff(lines: list[str]) -> str:
    """The delimiter that splits the header and the first rows into the same, largest number of fields."""
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        try:
            rows = [r for r in csv.reader(lines, delimiter=delimiter) if r and any(c.strip() for c in r)]
        except csv.Error:
            continue
        if not rows:
            continue
        width = len(rows[0])
        if width < 2:
            continue
        same = sum(1 for r in rows[1:] if len(r) == width)
        score = (same == len(rows) - 1, width) if len(rows) > 1 else (True, width)
        score_n = (int(score[0]), score[1])
        if score_n > best_score:
            best, best_score = delimiter, score_n
    return best


def _key(name: str) -> str:
    return " ".join(name.strip().lower().split())


class Table:
    """An export's header and rows. Open it with :func:`open_table`."""

    def __init__(self, path: Path, display: str, encoding: str, skip: int, delimiter: str, decimal: str,
                 header_row: int, columns: tuple[str, ...], comments: tuple[str, ...], size: int,
                 unique: tuple[str, ...] = ()) -> None:
        self.path, self.display, self.encoding, self._skip = path, display, encoding, skip
        self.delimiter, self.decimal = delimiter, decimal
        self.header_row = header_row  # the row of the header (1 when there is no preamble)
        self.columns = columns  # header names as written (stripped)
        self.comments = comments  # the preamble lines above the header, without their leading '#'
        self.size = size
        self._index: dict[str, str] = {}
        for name in columns:
            self._index.setdefault(_key(name), name)
        self._unique = tuple(self.column(name) for name in unique)
        self._aliases: list[tuple[str, str]] = []  # (name the caller used, header name) where they differ

    # -- columns

    def has(self, name: str) -> bool:
        """Whether the header has ``name`` (case and spacing ignored)."""
        return _key(name) in self._index

    def column(self, name: str) -> str:
        """The header name as written for ``name`` (case and spacing ignored); ImportProblem when missing."""
        found = self._index.get(_key(name))
        if found is None:
            raise self.missing((name,))
        return found

    def missing(self, names: Iterable[str]) -> ImportProblem:
        """The problem for required columns the header lacks: the columns found and the nearest names."""
        names = list(names)
        near = []
        for name in names:
            close = difflib.get_close_matches(_key(name), list(self._index), n=1, cutoff=0.6)
            if close:
                near.append(_("'{found}' for '{name}'").format(found=_show(self._index[close[0]]), name=_show(name)))
        found = ", ".join(f"'{_show(c)}'" for c in self.columns[:40]) + (", ..." if len(self.columns) > 40 else "")
        check = _("check the export's settings (or the mapping in partnerbook.yml) and the delimiter "
                  "({delimiter})").format(delimiter=_(_DETECTED[self.delimiter]))
        hint = _("did you mean {names}? {check}").format(names=", ".join(near), check=check) if near else check
        missing = ngettext("missing column {names}", "missing columns {names}", len(names)).format(
            names=", ".join(repr(_show(n)) for n in names))
        header = (_("the header (row {row}) has {columns}").format(row=self.header_row, columns=found) if found else
                  _("the header (row {row}) has no columns").format(row=self.header_row))
        return ImportProblem(self.display, f"{missing}; {header}", hint, row=self.header_row)

    # -- rows

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        """``(row, values)`` for every data row: values by header name (and by the names the caller
        asked for, when they differ in case). Blank rows and ``#`` comment rows are skipped."""
        lines = decoded_lines(self.path, self.display, self.encoding, self._skip)
        for _line in range(self.header_row):  # the preamble and the header
            next(lines, None)
        counter = _Counter(lines, self.header_row)
        reader = csv.reader(counter, delimiter=self.delimiter, strict=False)
        width = len(self.columns)
        seen: dict[str, dict[str, int]] = {name: {} for name in self._unique}
        while True:
            start = counter.line + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise ImportProblem(self.display, _("the row cannot be read as CSV: {error}").format(error=exc),
                                    _("check the quoting of this row (a quote opened and never closed?)"),
                                    row=start) from None
            if not cells or not any(c.strip() for c in cells):
                continue
            if len(cells) != width and cells[0].lstrip().startswith("#"):
                continue  # a comment line (GA4 puts them between tables)
            if len(cells) > width:
                extra = [c for c in cells[width:] if c.strip()]
                if extra:
                    raise ImportProblem(
                        self.display, self._width_message(len(cells), width),
                        _("{read_as}: check the delimiter and the quoting of values that contain it").format(
                            read_as=_(_READ_AS[self.delimiter])), row=start)
                cells = cells[:width]
            elif len(cells) < width:
                raise ImportProblem(
                    self.display, self._width_message(len(cells), width),
                    _("a value is missing (write an empty field between its delimiters, e.g. a,,c) or the row is "
                      "cut short; {read_as}").format(read_as=_(_READ_AS[self.delimiter])), row=start)
            values = dict(zip(self.columns, cells, strict=True))
            for key, name in self._aliases:
                values.setdefault(key, values[name])
            for name, first in seen.items():
                value = values[name].strip()
                if not value:
                    continue
                if value in first:
                    raise ImportProblem(
                        self.display, _("'{value}' appears again (first at row {row}); each value of this column "
                                        "must be unique").format(value=_show(value), row=first[value]),
                        _("export the data once (no overlapping exports pasted together) and remove the duplicated "
                          "rows"), row=start, column=name)
                first[value] = start
            yield start, values

    @staticmethod
    def _width_message(cells: int, width: int) -> str:
        return _("the row has {cells} fields but the header has {width}").format(cells=cells, width=width)

    # -- cells

    def number(self, text: str, row: int, column: str) -> float | None:
        """A number cell (None when empty); ImportProblem naming row and column when it is not a number."""
        try:
            return parse_number(text, self.decimal)
        except ValueError:
            raise ImportProblem(
                self.display, _("'{value}' is not a number").format(value=_show(text)),
                _("the column holds numbers (decimal separator '{separator}'); fix the cell or the export's "
                  "format").format(separator=self.decimal), row=row, column=column) from None

    def count(self, text: str, row: int, column: str) -> int | None:
        """A whole, non-negative number cell (None when empty)."""
        value = self.number(text, row, column)
        if value is None:
            return None
        if value != int(value) and GROUPED.fullmatch(text.strip()):
            value = float(re.sub(r"[.,]", "", text.strip()))  # 1.234 in a count: a thousand, whatever the file
        if value < 0 or value != int(value):
            raise ImportProblem(self.display, _("'{value}' is not a count (a whole number, 0 or more)").format(
                value=_show(text)), _("fix the cell or check that this is the right column"), row=row, column=column)
        return int(value)

    def day(self, text: str, row: int, column: str, fmt: str | None = None) -> date | None:
        """A date cell (None when empty); ImportProblem naming row and column when it is not one."""
        try:
            return parse_day(text, fmt)
        except ValueError:
            message = (_("'{value}' is not a date in the format '{format}'") if fmt else
                       _("'{value}' is not a date in ISO dates (2026-03-01) or 20260301"))
            raise ImportProblem(
                self.display, message.format(value=_show(text), format=_show(fmt or "")),
                _("set date_format in the mapping (e.g. \"%d/%m/%Y\") or export ISO dates") if not fmt else
                _("fix the cell, or change date_format in the mapping to the format the file uses"),
                row=row, column=column) from None


class _Counter:
    """Lines passed to csv.reader, counted, so a row knows the line it starts on."""

    def __init__(self, lines: Iterator[str], start: int) -> None:
        self._lines, self.line = lines, start

    def __iter__(self) -> _Counter:
        return self

    def __next__(self) -> str:
        text = next(self._lines)
        self.line += 1
        return text


def _check_file(path: Path, display: str) -> int:
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise ImportProblem(display, _("no such file"), _("check the path of the export")) from None
    except OSError as exc:
        raise ImportProblem(display, _("the file cannot be read: {reason}").format(reason=exc.strerror),
                            _("check the path of the export")) from None
    if not stat.S_ISREG(info.st_mode):
        raise ImportProblem(display, _("the export is not a regular file"), _("give the path of the exported CSV file"))
    return info.st_size


def open_table(path: Path, *, delimiter: str | None = None, decimal: str | None = None,
               required: Iterable[str] = (), unique: Iterable[str] = (), max_bytes: int | None = MAX_BYTES,
               display: str | None = None) -> Table:
    """Open an export: encoding, preamble, header and delimiter worked out; required columns checked.

    ``unique`` columns must not repeat a value (an order id): ``rows()`` raises on the second one.
    ``max_bytes`` refuses larger files (None: no limit, for callers that stream).
    """
    shown = display if display is not None else _show(str(path), 200)
    size = _check_file(path, shown)
    if max_bytes is not None and size > max_bytes:
        raise ImportProblem(
            shown, _("the file is {size}, more than the {limit} this source reads").format(size=_size(size),
                                                                                         limit=_size(max_bytes)),
            _("order exports of any size import with the shopify-orders or woocommerce-orders presets, which "
              "stream them through DuckDB; otherwise aggregate the export (per day, per source) before importing it"))
    if size == 0:
        raise ImportProblem(shown, _("the file is empty"),
                            _("export the data again: the file has no header and no rows"))
    with open(path, "rb") as handle:
        head = handle.read(CHUNK)
    encoding, skip = detect_encoding(head)
    if encoding == "utf-8" and b"\x00" in head:
        raise ImportProblem(shown, _("the file holds NUL bytes: it is a binary file (a spreadsheet, an archive?), "
                                     "not a CSV export"),
                            _("export the data as CSV (comma- or semicolon-separated text)"))
    comments: list[str] = []
    header_row = 0
    sample: list[str] = []
    for text in decoded_lines(path, shown, encoding, skip):
        if not sample:
            stripped = text.strip()
            if not stripped or stripped.startswith("#"):
                header_row += 1
                if stripped:
                    comments.append(stripped[1:].strip())
                continue
            header_row += 1
        sample.append(text)
        if len(sample) > _SNIFF_LINES:
            break
    if not sample:
        raise ImportProblem(shown, _("the file has no header row (only comment lines)") if comments else
                            _("the file has no header row"), _("export the data again: the file holds no table"))
    if delimiter is None:
        delimiter = _sniff(sample)
    try:
        header = next(csv.reader(sample, delimiter=delimiter))
    except (csv.Error, StopIteration):
        raise ImportProblem(shown, _("the header cannot be read as CSV"), _("check the first row of the file"),
                            row=header_row) from None
    columns = tuple(c.strip().lstrip("\ufeff") for c in header)
    folded = [c.casefold() for c in columns]
    twice = next((c for i, c in enumerate(columns) if c and folded.index(c.casefold()) != i), None)
    if twice is not None:
        first, second = [i + 1 for i, c in enumerate(folded) if c == twice.casefold()][:2]
        raise ImportProblem(shown, _("the header names column '{name}' twice (columns {first} and {second})").format(
                                name=_show(twice), first=first, second=second),
                            _("give each column its own name, or remove the copy, so it is clear which one counts"),
                            row=header_row, column=twice)
    if decimal is None:
        decimal = "," if delimiter == ";" else "."
    table = Table(path, shown, encoding, skip, delimiter, decimal, header_row, columns, tuple(comments), size)
    required = list(required)
    lacking = [name for name in required if not table.has(name)]
    if lacking:
        raise table.missing(lacking)
    blank = [i + 1 for i, c in enumerate(columns) if not c]
    if blank and len(columns) > 1 and len(blank) == len(columns):
        raise ImportProblem(shown, _("the header row is empty"), _("the first row of the table must name the columns"),
                            row=header_row)
    table._unique = tuple(table.column(name) for name in unique)
    table._aliases = [(name, table.column(name)) for name in dict.fromkeys([*required, *unique])
                      if table.column(name) != name]
    return table


def utf8_copy(table: Table, *, numbers: Iterable[str] = (), row_column: str | None = "_row") -> Path:
    """A temporary UTF-8, comma-separated copy of ``table`` (header and data rows only), for DuckDB.

    ``numbers`` columns are written as plain numbers (``1234.56``; empty stays empty), checked row by row
    with the same messages as :meth:`Table.number`. ``row_column`` adds each row's number in the original
    file, so later errors can name it. The caller deletes the file (``path.unlink()``).
    """
    names = [table.column(n) for n in numbers]
    fd, name = tempfile.mkstemp(prefix="partnerbook-import-", suffix=".csv")
    path = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow([*table.columns, *([row_column] if row_column else [])])
            for row, values in table.rows():
                for column in names:
                    number = table.number(values[column], row, column)
                    values[column] = "" if number is None else repr(number)
                cells = [values[c] for c in table.columns]
                writer.writerow([*cells, *([row] if row_column else [])])
    except BaseException:
        with contextlib.suppress(OSError):
            path.unlink()
        raise
    return path
