"""Payment card numbers and IBANs in text, and the normalisation every secret check reads first
(generator/checks/secrets.py runs them).

Text is normalised first: every character is NFKC-normalised (full-width letters and digits
become ASCII), every Unicode decimal digit becomes its ASCII digit, and invisible format
characters (zero-width spaces and joiners, word joiner, BOM, soft hyphen, direction marks) are
removed. Up to three characters of whitespace, punctuation or symbols (Unicode categories Pc, Pd,
Po, Ps, Pe, Sm and So: ``-``, ``.``, ``/``, ``,``, ``:``, ``|``, ``+``, ``*``, ``~``, brackets,
arrows ...) separate the digit groups of a card number or an IBAN; a card written with anything
but whitespace, dashes, dots, slashes or underscores must also be grouped like one (4-4-4-4,
4-6-5 ...). IBANs are matched in any letter case. Words of links, and other words holding
``%XX`` escapes, are also scanned percent-decoded (a card in ``/4111%201111%20...``).
"""


from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote

from stdnum import luhn
from stdnum.iso7064 import mod_97_10

# ---------------------------------------------------------------- normalisation

_DASHES = (  # every Unicode dash (category Pd) that NFKC keeps, and the minus sign
    "\\-\u058a\u05be\u1400\u1806\u2010-\u2015\u2212\u2e17\u2e1a\u2e3a\u2e3b\u2e40\u2e5d"
    "\u301c\u3030\u30a0\ufe31\ufe32"
)
_DOTS_SLASHES = "./\\\\_\u00b7\u2022\u2219\u2027\u30fb\u2044\u2215\u29f8"
_SEP = f"[\\s{_DASHES}{_DOTS_SLASHES}]"  # the separators people use in card numbers and IBANs
# Any whitespace, punctuation or symbol may also separate the groups (at most 3 in a row).
_SEP_CATEGORIES = frozenset({"Pc", "Pd", "Po", "Ps", "Pe", "Sm", "So"})
_MAX_GAP = 3


def _is_separator(char: str) -> bool:
    return char.isspace() or unicodedata.category(char) in _SEP_CATEGORIES


def _skeleton_char(char: str) -> str:
    category = unicodedata.category(char)
    if category in ("Ps", "Pe"):
        return "(" if category == "Ps" else ")"
    return " " if _is_separator(char) else char


_ASCII_SKELETON = str.maketrans({chr(code): _skeleton_char(chr(code)) for code in range(128)})
# Between two groups: at most 3 separators, not counting a bracket around either group: (4111) 1111
_GAP = f"\\)?[ ()]{{0,{_MAX_GAP}}}\\(?"


def _skeleton(norm: str) -> str:
    """``norm`` with every opening bracket as ``(``, every closing one as ``)`` and every other
    separator as a space (same length, so same offsets)."""
    if norm.isascii():
        return norm.translate(_ASCII_SKELETON)
    return "".join(_skeleton_char(char) if ord(char) > 127 else char for char in norm.translate(_ASCII_SKELETON))


def normalise(text: str) -> tuple[str, list[int] | None]:
    """``text`` normalised for matching, and for each of its characters the offset in ``text``.

    ``None`` as the map means the text was already plain ASCII (offsets are the same).
    """
    if text.isascii():
        return text, None
    out: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if char.isascii():
            out.append(char)
            origin.append(index)
            continue
        if unicodedata.category(char) == "Cf":  # zero-width space/joiners, word joiner, BOM, soft hyphen
            continue
        for part in unicodedata.normalize("NFKC", char):
            digit = unicodedata.decimal(part, None)
            if digit is not None:
                part = chr(48 + digit)
            elif unicodedata.category(part) == "Cf":
                continue
            out.append(part)
            origin.append(index)
    return "".join(out), origin


def origin_offset(origin: list[int] | None, offset: int, length: int) -> int:
    if origin is None:
        return offset
    return origin[offset] if offset < len(origin) else length


# ---------------------------------------------------------------- percent-encoded links

_WORD = re.compile(r"[^\s<>\"'`]+")
_ESCAPES = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")


def _decode_once(text: str) -> tuple[str, list[int]] | None:
    out: list[str] = []
    origin: list[int] = []
    pos = 0
    for word in _WORD.finditer(text):
        value = word.group()
        if "%" not in value or not ("://" in value or len(_ESCAPE.findall(value)) >= 2):
            continue
        for run in _ESCAPES.finditer(value):
            start = word.start() + run.start()
            out.append(text[pos:start])
            origin.extend(range(pos, start))
            decoded = unquote(run.group(), errors="replace")
            out.append(decoded)
            origin.extend([start] * len(decoded))  # every decoded character points at its escapes
            pos = word.start() + run.end()
    if not pos:
        return None
    out.append(text[pos:])
    origin.extend(range(pos, len(text)))
    return "".join(out), origin


def percent_decoded(norm: str) -> tuple[str, list[int]] | None:
    """``norm`` with the ``%XX`` escapes of its links (and of words with two or more escapes) decoded
    and normalised again, and for each character its offset in ``norm``; ``None`` if there is none.

    Decoding is repeated (at most three times) for escapes that were themselves escaped (``%2520``).
    """
    if "%" not in norm:
        return None
    text, origin = norm, list(range(len(norm)))
    for _round in range(3):
        decoded = _decode_once(text)
        if decoded is None:
            break
        text, origin = decoded[0], [origin[i] for i in decoded[1]]
    if len(origin) == len(norm) and text == norm:
        return None
    again, inner = normalise(text)
    if inner is not None:
        origin = [origin[i] for i in inner]
    return again, origin


# ---------------------------------------------------------------- card numbers

_NARROW_RUN = re.compile(f"[0-9](?:{_SEP}{{0,{_MAX_GAP}}}[0-9])*")
_RUN = re.compile(f"[0-9](?:{_GAP}[0-9])*")  # matched in the skeleton: any separators
_GROUP = re.compile("[0-9]+")


def _card_like(sizes: list[int]) -> bool:
    """Groupings people use when they write a card number: one block, 4-4-4-4(-3), 4-6-5, 4-6-4."""
    if len(sizes) == 1:
        return True
    if sizes in ([4, 6, 5], [4, 6, 4]):
        return True
    return all(size == 4 for size in sizes[:-1]) and 1 <= sizes[-1] <= 4


def _date_like(sizes: list[int]) -> bool:
    """A run of dates such as ``2026-11-25 2026-12-01`` (never a card)."""
    if len(sizes) < 3 or len(sizes) % 3:
        return False
    pattern = sizes[:3]
    return pattern in ([4, 2, 2], [2, 2, 4]) and sizes == pattern * (len(sizes) // 3)


def _is_card(digits: str) -> bool:
    if not 13 <= len(digits) <= 19 or digits[0] not in "23456":
        return False
    if digits[0] == "2" and not (2200 <= int(digits[:4]) <= 2204 or 2221 <= int(digits[:4]) <= 2720):
        return False  # 2 is only Mir (2200-2204) and Mastercard (2221-2720): not 2023, 2024 ...
    return luhn.is_valid(digits)


def _card_at(norm: str, start: int, end: int, digits: str) -> bool:
    if not _is_card(digits):
        return False
    if (start and norm[start - 1].isalnum()) or (end < len(norm) and norm[end].isalnum()):
        return False
    # an international phone number: +39 ...
    return not (len(digits) <= 15 and norm[:start].rstrip(" (").endswith("+"))


def _in_lists(norm: str, base: int, groups: list[re.Match[str]]) -> set[int]:
    """Indexes of the groups that belong to a list of six or more 4-digit numbers written with the
    same separators (``rooms 4101, 4102, 4103, ...``): a card has at most five groups of four."""
    listed: set[int] = set()
    first = 0
    while first < len(groups):
        last = first
        if len(groups[first].group()) == 4:
            gap = None
            while last + 1 < len(groups) and len(groups[last + 1].group()) == 4:
                this = norm[base + groups[last].end():base + groups[last + 1].start()]
                if gap is not None and this != gap:
                    break
                gap = this
                last += 1
        if last - first >= 5:
            listed.update(range(first, last + 1))
        first = last + 1
    return listed


def _card_in_run(norm: str) -> tuple[int, str] | None:
    """A card written with whitespace, dashes, dots, slashes or underscores: in any grouping when
    that is the whole run of digits, in the groupings of ``_card_like`` inside a longer run."""
    for run in _NARROW_RUN.finditer(norm):
        groups = list(_GROUP.finditer(run.group()))
        if sum(len(g.group()) for g in groups) < 13:
            continue
        base = run.start()
        sizes = [len(g.group()) for g in groups]
        windows = [(0, len(groups))]
        windows += [(0, end) for end in range(len(groups) - 1, 0, -1)]
        windows += [(start, len(groups)) for start in range(1, len(groups))]
        for first, last in windows:
            part = groups[first:last]
            whole = (first, last) == (0, len(groups))
            if not whole and not _card_like(sizes[first:last]):
                continue
            if whole and _date_like(sizes):
                continue
            start, end = base + part[0].start(), base + part[-1].end()
            digits = "".join(g.group() for g in part)
            if _card_at(norm, start, end, digits):
                return start, digits
    return None


def _card_in_groups(norm: str) -> tuple[int, str] | None:
    """A card grouped like one (4-4-4-4, 4-6-5 ...) with any separators: ``4111,1111,...``,
    ``(4111) 1111 ...``, ``4111 | 1111 | ...``."""
    for run in _RUN.finditer(_skeleton(norm)):
        groups = list(_GROUP.finditer(run.group()))
        sizes = [len(g.group()) for g in groups]
        if sum(sizes) < 13:
            continue
        listed = _in_lists(norm, run.start(), groups)
        for first in range(len(groups)):
            if sizes[first] not in (4, 13, 14, 15, 16, 17, 18, 19) or first in listed:
                continue
            last = first
            total = 0
            while last < len(groups) and total + sizes[last] <= 19:
                total += sizes[last]
                last += 1
            for stop in range(last, first, -1):  # the longest card-like window first
                if sum(sizes[first:stop]) < 13 or not _card_like(sizes[first:stop]) or stop - 1 in listed:
                    continue
                part = groups[first:stop]
                start, end = run.start() + part[0].start(), run.start() + part[-1].end()
                digits = "".join(g.group() for g in part)
                if _card_at(norm, start, end, digits):
                    return start, digits
    return None


def find_card(norm: str) -> tuple[int, str] | None:
    """Offset (in ``norm``) and digits of the first payment card number."""
    if sum(map(norm.count, "0123456789")) < 13:
        return None
    hits = [hit for hit in (_card_in_run(norm), _card_in_groups(norm)) if hit]
    return min(hits, key=lambda hit: hit[0]) if hits else None  # at the same start, the whole run


# ---------------------------------------------------------------- IBANs

_IBAN_START = re.compile("(?<![0-9A-Za-z])[A-Za-z]{2}[0-9]{2}")
_IBAN_GROUP = re.compile(f"{_GAP}([0-9A-Za-z]+)")  # matched in the skeleton


def _iban_valid(iban: str) -> bool:
    if not 15 <= len(iban) <= 34 or not mod_97_10.is_valid(iban[4:] + iban[:4]):
        return False
    from stdnum import iban as stdnum_iban  # loads the IBAN registry: only after a checksum match

    return stdnum_iban.is_valid(iban)


def find_iban(norm: str) -> tuple[int, str] | None:
    """Offset (in ``norm``) and compact upper-case form of the first IBAN, in any case and separators."""
    skeleton: str | None = None
    for start in _IBAN_START.finditer(norm):
        head = start.group().upper()
        body = ""
        pos = start.end()
        if skeleton is None:
            skeleton = _skeleton(norm)
        while len(head) + len(body) < 34:
            group = _IBAN_GROUP.match(skeleton, pos)
            if group is None:
                break
            body += group.group(1).upper()
            pos = group.end()
            if _iban_valid(head + body):
                return start.start(), head + body
    return None
