"""An export's text encoding, and its lines decoded a chunk at a time.

UTF-8 with or without BOM, UTF-16 LE/BE with a BOM (what spreadsheet tools write as "Unicode text"), UTF-16
without a BOM when the bytes show it. A byte that does not decode, or a NUL byte (a binary file), is an
``ImportProblem`` naming the byte offset and the row. generator/ingest/read.py reads the rows from these lines.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path

from generator.i18n import N_, _
from generator.ingest.model import ImportProblem

CHUNK = 1 << 16


def detect_encoding(head: bytes) -> tuple[str, int]:
    """The codec of a file from its first bytes, and how many BOM bytes to skip."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8", 3
    if head.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le", 2
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be", 2
    sample = head[:4096]
    if len(sample) >= 4:  # UTF-16 without a BOM: ASCII text with a NUL byte beside every character
        even, odd = sample[0::2], sample[1::2]
        if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
            return "utf-16-le", 0
        if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
            return "utf-16-be", 0
    return "utf-8", 0


def decoded_lines(path: Path, display: str, encoding: str, skip: int) -> Iterator[str]:
    """The decoded lines of ``path`` (line ends kept), read in chunks; undecodable bytes are an ImportProblem."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    consumed = skip  # bytes handed to the decoder so far (before this chunk)
    line = 1
    pending = ""
    with open(path, "rb") as handle:
        handle.seek(skip)
        while True:
            chunk = handle.read(CHUNK)
            buffered = decoder.getstate()[0]
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                good = (buffered + chunk)[:exc.start].decode(encoding, "replace")
                offset = consumed - len(buffered) + exc.start
                row = line + (pending + good).count("\n")
                bad = (buffered + chunk)[exc.start:exc.start + 4].hex(" ")
                raise ImportProblem(
                    display, _("the file is not {encoding} text: bytes {bytes} at byte offset {offset} (row {row}) "
                               "do not decode").format(encoding=_(_ENCODING_NAMES.get(encoding, encoding)),
                                                       bytes=bad, offset=offset, row=row),
                    _("save the export as CSV UTF-8 (in Excel: Save as > CSV UTF-8; in LibreOffice: Character set "
                      "Unicode (UTF-8)) and import that file"), row=row) from None
            consumed += len(chunk)
            if "\x00" in text:
                row = line + (pending + text[:text.index("\x00")]).count("\n")
                raise ImportProblem(display, _("the file holds a NUL byte at row {row}: it is a binary file "
                                               "(a spreadsheet, an archive?), not a CSV export").format(row=row),
                                    _("export the data as CSV (comma- or semicolon-separated text) and import that"),
                                    row=row)
            pending += text
            if not chunk:
                break
            *parts, pending = pending.split("\n")
            for part in parts:
                line += 1
                yield part + "\n"
    if pending:
        yield pending


_ENCODING_NAMES = {"utf-8": "UTF-8", "utf-16-le": N_("UTF-16 (little-endian)"), "utf-16-be": N_("UTF-16 (big-endian)")}
