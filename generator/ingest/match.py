"""Which partner a value of an export belongs to: the rules under ``imports.partners`` in partnerbook.yml.

A rule is a pattern matched case-insensitively against the whole value, ``*`` standing for any text
(``awin / *``, ``MARTA*``). The kinds of value:

* ``source_medium``: GA4 "Session source / medium" (``awin / affiliate``; spaces around ``/`` ignored);
* ``campaign``: the session campaign or ``utm_campaign``;
* ``utm_source``: the ``utm_source`` of a landing URL (a URL or the bare value);
* ``discount_codes``: an order's discount codes;
* ``referrers``: the referring site (a URL or a host; ``www.`` ignored).

A partner's own id used as the value also matches (``utm_source=casa-di-marta``) when no rule claims it.
Two partners claiming one value is an :class:`ImportProblem` naming both; a value nobody claims is
counted by the caller with :class:`Unmatched` and reported with the rule to add.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from urllib.parse import parse_qs, urlsplit

from generator.i18n import _
from generator.ingest.model import ImportProblem
from generator.problems import printable

KINDS = ("source_medium", "campaign", "utm_source", "discount_codes", "referrers")
SETTINGS_FILE = "partnerbook.yml"
_SLASH = re.compile(r"\s*/\s*")


def _normal(kind: str, value: str) -> str:
    text = " ".join(value.strip().casefold().split())
    if kind == "source_medium":
        text = _SLASH.sub(" / ", text)
    elif kind == "referrers":
        text = referrer_host(text)
    return text


def _compile(kind: str, pattern: str) -> re.Pattern[str]:
    normal = _normal(kind, pattern) if kind != "referrers" else " ".join(pattern.strip().casefold().split())
    if kind == "referrers":
        normal = normal.removeprefix("www.")
    return re.compile(".*".join(re.escape(part) for part in normal.split("*")), re.DOTALL)


def referrer_host(value: str) -> str:
    """The host of a referrer (``https://www.blog.it/x`` -> ``blog.it``), lower case, without ``www.``."""
    text = value.strip().casefold()
    if not text:
        return ""
    if "//" not in text:
        text = "//" + text
    try:
        host = urlsplit(text).hostname or ""
    except ValueError:
        host = ""
    return host.removeprefix("www.")


def utm_source(value: str) -> str:
    """The ``utm_source`` of a URL or query string; the value itself when it is not a URL; "" when none."""
    text = value.strip()
    if "=" not in text and "?" not in text:
        return text
    query = text.split("?", 1)[1] if "?" in text else text
    try:
        found = parse_qs(query.split("#", 1)[0], keep_blank_values=False)
    except ValueError:
        return ""
    for key, values in found.items():
        if key.casefold() == "utm_source" and values:
            return values[0]
    return ""


class Matcher:
    """The partner rules of a portfolio, compiled once; results cached per value."""

    def __init__(self, settings: object, partner_ids: Iterable[str]) -> None:
        self.partner_ids = tuple(partner_ids)
        self._ids = {pid.casefold(): pid for pid in self.partner_ids}
        rules = getattr(settings, "partners", {}) or {}
        self.unknown = tuple(sorted(pid for pid in rules if pid not in self.partner_ids))  # rules for no partner
        self._rules: dict[str, list[tuple[str, str, re.Pattern[str]]]] = {kind: [] for kind in KINDS}
        for pid, match in rules.items():
            if pid not in self.partner_ids:
                continue
            for kind in KINDS:
                for pattern in getattr(match, kind, []) or []:
                    self._rules[kind].append((pid, pattern, _compile(kind, pattern)))
        self._cache: dict[tuple[str, str], str | None] = {}

    def claims(self, kind: str, value: str) -> list[tuple[str, str]]:
        """``(partner, pattern)`` of every rule of ``kind`` that matches ``value``."""
        text = _normal(kind, value)
        return [(pid, pattern) for pid, pattern, rx in self._rules[kind] if rx.fullmatch(text)]

    def partner(self, kind: str, value: str, *, file: str = SETTINGS_FILE, row: int | None = None,
                column: str | None = None) -> str | None:
        """The partner ``value`` (of ``kind``) belongs to, or None; ImportProblem when two partners claim it."""
        if kind not in KINDS:
            raise ValueError(kind)
        if kind == "utm_source":
            value = utm_source(value)
        if not value.strip():
            return None
        key = (kind, value)
        if key in self._cache:
            return self._cache[key]
        found = self.claims(kind, value)
        partners = sorted({pid for pid, _pattern in found})
        if len(partners) > 1:
            rules = "; ".join(f"{pid}: '{printable(pattern, 60)}'" for pid, pattern in sorted(set(found)))
            raise ImportProblem(
                file, _("'{value}' matches the {kind} rules of {n} partners ({partners}): {rules}").format(
                    value=printable(value, 80), kind=kind, n=len(partners), partners=", ".join(partners),
                    rules=rules),
                _("make the rules under imports.partners.<id>.{kind} in {file} claim each value for one partner "
                  "only").format(kind=kind, file=SETTINGS_FILE), row=row, column=column)
        result = partners[0] if partners else self._ids.get(value.strip().casefold())
        if len(self._cache) < 100_000:
            self._cache[key] = result
        return result

    def any_kind(self, value: str, *, file: str = SETTINGS_FILE, row: int | None = None,
                 column: str | None = None) -> str | None:
        """The partner a value of unknown kind belongs to (a mapping's partner column): its id, else any rule."""
        if not value.strip():
            return None
        direct = self._ids.get(value.strip().casefold())
        if direct is not None:
            return direct
        found = {kind: self.partner(kind, value, file=file, row=row, column=column) for kind in KINDS}
        partners = sorted({pid for pid in found.values() if pid is not None})
        if len(partners) > 1:
            raise ImportProblem(
                file, _("'{value}' matches the rules of {n} partners ({partners})").format(
                    value=printable(value, 80), n=len(partners), partners=", ".join(partners)),
                _("make the rules under imports.partners in {file} claim each value for one partner only").format(
                    file=SETTINGS_FILE), row=row, column=column)
        return partners[0] if partners else None

    def first(self, pairs: Iterable[tuple[str, str]], *, file: str = SETTINGS_FILE, row: int | None = None,
              column: str | None = None) -> str | None:
        """The one partner several values of a row point to (``[("discount_codes", "MARTA10"), ("referrers",
        "blog.it")]``): None when none does; ImportProblem when they point to different partners."""
        found: dict[str, tuple[str, str]] = {}
        for kind, value in pairs:
            pid = self.partner(kind, value, file=file, row=row, column=column)
            if pid is not None:
                found.setdefault(pid, (kind, value))
        if len(found) > 1:
            what = ", ".join(_("{partner} by {kind} '{value}'").format(partner=pid, kind=kind,
                                                                         value=printable(value, 60))
                             for pid, (kind, value) in sorted(found.items()))
            raise ImportProblem(file, _("the row belongs to {n} partners: {partners}").format(n=len(found),
                                                                                           partners=what),
                                _("make the partner rules in partnerbook.yml claim each row for one partner only"),
                                row=row, column=column)
        return next(iter(found), None)


class Unmatched:
    """Rows no partner claimed: how many, and the most frequent values (to write the rules)."""

    def __init__(self, kind: str) -> None:
        self.kind, self.rows, self._values = kind, 0, Counter[str]()

    def add(self, value: str, rows: int = 1) -> None:
        self.rows += rows
        text = value.strip() or _("(empty)")
        if text in self._values or len(self._values) < 10_000:
            self._values[text] += rows

    def examples(self, limit: int = 5) -> tuple[str, ...]:
        return tuple(printable(value, 80) for value, _ in
                     sorted(self._values.items(), key=lambda item: (-item[1], item[0]))[:limit])

    def rule_hint(self) -> str:
        """The rule to add for the most frequent value."""
        examples = self.examples(1)
        if not examples:
            return ""
        return _("add it to partnerbook.yml: imports: partners: <partner-id>: {kind}: ['{example}']").format(
            kind=self.kind, example=examples[0])
