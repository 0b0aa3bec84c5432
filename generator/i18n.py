"""The team's language: message catalogs for every word partnerbook writes, and locale-aware numbers.

Every sentence partnerbook writes for people (site pages, chart titles, alerts, findings, the CLI's
text output) is looked up in a gettext catalog: ``generator/locale/<language>/*.po``, one file per
part of the tool, read with Babel. The English text in the source is the message id; a language is a
folder of catalogs, and adding one is adding a folder (``python -m generator.i18n update`` adds every
message to every catalog, ``tests/test_i18n.py`` fails while one is missing).

Which language: ``site.language`` of ``partnerbook.yml`` (the team's), or the ``PARTNERBOOK_LANG``
environment variable, which wins for one person's terminal. A language without a catalog falls back
to its base language (``it-CH`` to ``it``), then English.

Machine output (JSON, CSV, SARIF-like reports, rule ids, YAML) is never translated or localised.

In code: ``_("Partner {name} has no contract").format(name=...)`` where the text is needed, and
``N_("...")`` to mark a text kept in a table and translated where it is used (``_(label)``).
"""

from __future__ import annotations

import io
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime
from decimal import Decimal, localcontext
from functools import cache
from gettext import GNUTranslations
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from babel import Locale
    from babel.messages.catalog import Catalog

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
SOURCE = "en"
ENV = "PARTNERBOOK_LANG"

_current: ContextVar[str] = ContextVar("partnerbook_language", default=SOURCE)
# True while a command writes for tools (JSON, CSV, Code Quality): the source language, whatever is asked.
_machine: ContextVar[bool] = ContextVar("partnerbook_machine_output", default=False)


def languages() -> list[str]:
    """The languages with a catalog, sorted (``en`` among them)."""
    if not LOCALE_DIR.is_dir():
        return [SOURCE]
    return sorted(p.name for p in LOCALE_DIR.iterdir() if p.is_dir() and any(p.glob("*.po")))


def resolve(requested: str | None) -> str:
    """The catalog language for ``requested`` (``it``, ``it-CH``, ``pt_BR``): itself, its base, else English."""
    if not requested:
        return SOURCE
    code = requested.replace("_", "-").split(".")[0]
    known = languages()
    for candidate in (code, code.split("-")[0].lower()):
        if candidate in known:
            return candidate
    return SOURCE


COMPILED = "partnerbook.mo"  # every .po of a language compiled into one file, loaded in milliseconds
_FIXED = datetime(2026, 1, 1, tzinfo=UTC)  # header dates of the compiled file: the same bytes each time


def catalog(language: str) -> Catalog:
    """Every message of ``language``'s catalog files, merged (one file per part of the tool)."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po

    merged = Catalog(locale=language, domain="partnerbook", project="partnerbook", version="1",
                     creation_date=_FIXED, revision_date=_FIXED, fuzzy=False)
    for path in sorted((LOCALE_DIR / language).glob("*.po")):
        with path.open("rb") as handle:
            part = read_po(handle, locale=language)
        for message in part:
            if message.id and not message.fuzzy:
                merged[message.id] = message
    return merged


def compiled(language: str) -> bytes:
    """``language``'s catalogs as one gettext .mo file (what ``generator/locale/<language>/partnerbook.mo`` holds)."""
    from babel.messages.mofile import write_mo

    buffer = io.BytesIO()
    write_mo(buffer, catalog(language))
    return buffer.getvalue()


@cache
def translations(language: str) -> GNUTranslations:
    """The gettext translations of ``language``: its compiled file (``python -m generator.i18n update``
    writes it), else its .po files compiled in memory. ``tests/test_i18n.py`` keeps the two the same."""
    path = LOCALE_DIR / language / COMPILED
    data = path.read_bytes() if path.is_file() else compiled(language)
    return GNUTranslations(io.BytesIO(data))


def current() -> str:
    """The language partnerbook writes in now."""
    return _current.get()


def use(language: str | None) -> str:
    """Write in ``language`` from now on (``PARTNERBOOK_LANG`` wins); returns the catalog language used."""
    chosen = SOURCE if _machine.get() else resolve(os.environ.get(ENV) or language)
    _current.set(chosen)
    return chosen


def machine_output(on: bool = True) -> None:
    """While ``on``, write in the source language whatever ``site.language`` or ``PARTNERBOOK_LANG`` say.

    For output made for tools (``--format json``, ``csv``, ``codequality``): it reads the same, byte for
    byte, in every team's language, messages included.
    """
    _machine.set(on)
    if on:
        _current.set(SOURCE)


@contextmanager
def language(code: str | None) -> Iterator[str]:
    """Write in ``code`` (resolved, ``PARTNERBOOK_LANG`` winning) inside the block."""
    token = _current.set(SOURCE if _machine.get() else resolve(os.environ.get(ENV) or code))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def _(message: str) -> str:
    """``message`` in the current language."""
    if not message:
        return message
    return translations(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n`` in the current language (its own plural rule)."""
    return translations(_current.get()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks ``message`` for the catalog without translating it here: translate it where it is shown."""
    return message


# -- numbers, money, percentages and dates, written as the current language writes them ---------------

_PRECISION = 400  # digits Babel may need to round any float (the largest has 309) to a few decimals


@cache
def locale(language: str | None = None) -> Locale:
    from babel import Locale

    return Locale.parse((language or SOURCE).replace("-", "_"))


def _locale() -> Locale:
    return locale(_current.get())


@cache
def _symbols(language: str) -> dict[int, str]:
    """How ``language`` writes the group and decimal separators and the minus sign (Latin digits)."""
    from babel.numbers import get_decimal_symbol, get_group_symbol, get_minus_sign_symbol

    found = locale(language)
    return str.maketrans({",": get_group_symbol(found), ".": get_decimal_symbol(found),
                          "-": get_minus_sign_symbol(found)})


def _fixed(value: float | int | Decimal, digits: int, scale: int = 0) -> str | None:
    """``value`` (times 10**scale) grouped by thousands with ``digits`` decimals in the current language, as
    Babel writes it for the pattern ``#,##0.00``: the same decimal value (``str`` of a float), rounded half to
    even, the locale's symbols. None for what Babel writes its own way (not a finite number)."""
    exact = value if isinstance(value, Decimal) else Decimal(str(value))
    if not exact.is_finite():
        return None
    return format(exact.scaleb(scale), f",.{digits}f").translate(_symbols(_current.get()))


@cache
def _percent_sign(language: str) -> str:
    """What follows a percentage in ``language`` (Babel's ``0%`` without its ``0``)."""
    from babel.numbers import format_percent

    return format_percent(0, format="#,##0%", locale=locale(language))[1:]


def number(value: float | int, digits: int = 0) -> str:
    """``1,234`` / ``1.234``; ``digits`` decimals, always shown."""
    fast = _fixed(value, digits)  # what Babel writes, 15x faster: pages hold tens of thousands of figures
    if fast is not None:
        return fast
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    with localcontext(prec=_PRECISION):  # a float's 309 digits and decimals: Babel rounds in this context
        return format_decimal(value, format=pattern, locale=_locale())


def signed(value: float | int, digits: int = 0) -> str:
    """A change: ``+1.5`` / ``-0,3`` (a sign always shown)."""
    text = number(abs(value), digits)
    return ("-" if value < 0 and text.strip("0.,") else "+") + text


def percent(fraction: float, digits: int = 1) -> str:
    """``12.5%`` / ``12,5%`` for 0.125, with ``digits`` decimals."""
    from babel.numbers import format_percent

    fast = _fixed(fraction, digits, 2)
    if fast is not None:
        return fast + _percent_sign(_current.get())
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    with localcontext(prec=_PRECISION):
        return format_percent(fraction, format=pattern, locale=_locale())


def money(amount: float, currency: str) -> str:
    """``9,000.00 EUR`` / ``9.000,00 EUR``: the code, never a symbol (two currencies can share one)."""
    return f"{number(amount, 2)} {currency}"


def day(value: date) -> str:
    """A date for reading: ``1 Dec 2026`` / ``1 dic 2026`` (CLDR's medium format)."""
    from babel.dates import format_date

    return format_date(value, format="medium", locale=_locale())


def month(value: date) -> str:
    """A month for reading: ``Dec 2026`` / ``dic 2026``."""
    from babel.dates import format_skeleton

    return format_skeleton("yMMM", value, locale=_locale())


# -- catalog upkeep: python -m generator.i18n update | check -----------------------------------------

_PLACEHOLDER = re.compile(r"\{[a-z_][a-z0-9_]*\}|%\([a-z_][a-z0-9_]*\)[sd]", re.IGNORECASE)


def placeholders(text: str) -> set[str]:
    """The ``{name}`` and ``%(name)s`` fields of a message: a translation must keep the same ones."""
    return set(_PLACEHOLDER.findall(text))


def extract() -> Catalog:
    """Every message of the source: ``_``, ``ngettext`` and ``N_`` in the package and the templates."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir
    from jinja2.ext import babel_extract

    from generator import templates_dir

    template = Catalog(domain="partnerbook", project="partnerbook")
    keywords = {"_": None, "ngettext": (1, 2), "N_": None}
    sources: list[tuple[Path, list[tuple[str, Any]]]] = [
        (Path(__file__).resolve().parent, [("locale/**", "ignore"), ("**.py", "python")]),
        (templates_dir(), [("**.j2", babel_extract), ("checklists.yaml", _extract_checklists)]),
    ]
    for folder, method_map in sources:
        for filename, lineno, message, comments, _context in extract_from_dir(
                str(folder), method_map=method_map, keywords=keywords, comment_tags=("i18n:",),
                options_map={"**.j2": {"trim_blocks": "true", "lstrip_blocks": "true"}}, strip_comment_tags=True):
            where = (f"{folder.name}/{filename}", lineno)
            if isinstance(message, tuple):
                template.add(message, locations=[where], auto_comments=comments,
                             flags=("python-format",) if "%(" in message[0] else ())
            else:
                template.add(message, locations=[where], auto_comments=comments)
    return template


def _extract_checklists(fileobj, keywords, comment_tags, options):  # type: ignore[no-untyped-def]
    """The built-in checklists' titles and items (``site_templates/checklists.yaml``) are partnerbook text."""
    import yaml

    data = yaml.safe_load(fileobj.read().decode("utf-8")) or {}
    seen: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("title", "text", "label", "help", "description") and isinstance(value, str):
                    seen.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(data)
    for text in seen:
        yield 0, "_", text, []


def update() -> list[str]:
    """Bring every catalog up to date with the source; returns the messages still untranslated."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    template = extract()
    missing = []
    for language in languages():
        folder = LOCALE_DIR / language
        existing = catalog(language)
        for path in sorted(folder.glob("*.po")):
            with path.open("rb") as handle:
                part = read_po(handle, locale=language)
            for message in list(part):
                if message.id and message.id not in template:
                    del part[message.id]
            with path.open("wb") as handle:
                write_po(handle, part, width=100, omit_header=False, sort_output=True)
        new = Catalog(locale=language, domain="partnerbook")
        for message in template:
            if not message.id or message.id in existing:
                continue
            string = (message.id if language == SOURCE else
                      ("", "") if isinstance(message.id, tuple) else "")
            new.add(message.id, string, locations=message.locations, flags=message.flags,
                    auto_comments=message.auto_comments)
            if language != SOURCE:
                missing.append(f"{language}: {message.id!r}")
        if len(new):
            path = folder / ("partnerbook.po" if language == SOURCE else "new.po")
            if path.exists():
                with path.open("rb") as handle:
                    for message in read_po(handle, locale=language):
                        if message.id and message.id not in new:
                            new[message.id] = message
            with path.open("wb") as handle:
                write_po(handle, new, width=100, sort_output=True)
    for language in languages():
        path = LOCALE_DIR / language / COMPILED
        data = compiled(language)
        if not path.is_file() or path.read_bytes() != data:
            path.write_bytes(data)
    translations.cache_clear()
    return missing


def missing(language: str) -> list[str]:
    """The source's messages that ``language``'s catalog lacks or leaves empty."""
    known = catalog(language)
    gaps = []
    for message in extract():
        if not message.id:
            continue
        found = known.get(message.id)
        strings = found.string if found is not None else ""
        if not found or not all(strings if isinstance(strings, tuple) else (strings,)):
            gaps.append(f"{message.locations[0][0]}:{message.locations[0][1]}: {message.id!r}")
    return gaps


def main(argv: list[str]) -> int:
    if argv[:1] == ["update"]:
        print("\n".join(update()) or "every catalog is complete")
        return 0
    if argv[:1] == ["missing"] and len(argv) == 2:
        gaps = missing(argv[1])
        print("\n".join(gaps) or f"{argv[1]}: every message is translated")
        return 1 if gaps else 0
    print("usage: python -m generator.i18n update | missing LANGUAGE", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
