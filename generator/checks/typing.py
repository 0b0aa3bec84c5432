"""Turn a loaded document into a typed record, mapping pydantic errors to the YAML."""

from __future__ import annotations

import difflib
import math
import re
import types
import typing
from typing import Any, TypeVar, Union

from pydantic import BaseModel, ValidationError

from generator import i18n
from generator.i18n import N_, _, ngettext
from generator.load.document import Document
from generator.load.scalars import MAX_NUMBER_DIGITS, YamlTooLarge
from generator.problems import Problem, printable
from generator.records.common import MAX_DATE, MIN_DATE

M = TypeVar("M", bound=BaseModel)

# What a pydantic error type expects, as a noun phrase of the catalog ("{field} must be {expected}").
_TYPE_NAMES = {
    "int_type": N_("a whole number"), "int_from_float": N_("a whole number"), "int_parsing": N_("a whole number"),
    "float_type": N_("a number"), "float_parsing": N_("a number"), "finite_number": N_("a finite number"),
    "string_type": N_("text"), "bool_type": N_("true or false"), "list_type": N_("a list"),
    "dict_type": N_("a mapping"), "model_type": N_("a mapping"), "model_attributes_type": N_("a mapping"),
    "date_format": N_("a date written as YYYY-MM-DD"), "month_format": N_("a month written as YYYY-MM"),
}
_TYPE_HINTS = {
    "list_type": N_("write a list: one '- item' line per entry, indented under the field"),
    "dict_type": N_("write 'key: value' lines indented under the field"),
    "model_type": N_("write 'key: value' lines indented under the field"),
    "bool_type": N_("write true or false (yes/no/on/off are text here)"),
    "int_type": N_("write a whole number without quotes, e.g. 150"),
    "int_from_float": N_("write a whole number without decimals, e.g. 150"),
}
_TYPE_HINT = N_("quote text that looks like a number or date; write numbers without quotes")
_RANGE = {"greater_than": ">", "greater_than_equal": ">=", "less_than": "<", "less_than_equal": "<="}
_RULES = {
    "multi_line": "multi-line", "invalid_id": "invalid-id", "url_scheme": "unsafe-url", "url_chars": "unsafe-url",
    "url_host": "unsafe-url", "url_credentials": "unsafe-url", "url_path": "unsafe-url", "date_range": "out-of-range",
    "email": "invalid-email", "impossible_date": "invalid-date", "impossible_month": "invalid-date",
    "date_format": "invalid-date", "month_format": "invalid-date",
    "percent_for_fraction": "percent-for-fraction", "fraction_range": "out-of-range",
    "currency_code": "invalid-currency",
}
_RULE_HINTS = {
    "multi-line": N_("keep it on one line; put longer text in 'notes' or 'description'"),
    "invalid-id": N_("use 1-64 lowercase letters, digits and single hyphens, e.g. 'kiln-packaging'"),
    "unsafe-url": N_("use an http://, https:// or mailto: link"),
    "invalid-email": N_("write it as name@example.com"),
    "invalid-date": N_("write dates as YYYY-MM-DD and months as YYYY-MM, with real days and months"),
    "percent-for-fraction": N_("write the rate as a fraction: 0.05 for 5%"),
    "out-of-range": N_("write a fraction between 0 and 1 (0.05 = 5%)"),
    "invalid-currency": N_("currency codes are ISO 4217: three capital letters such as EUR, USD, GBP"),
}
_SPECIFIC_HINTS = {
    "url_chars": N_("write the link as the browser shows it; quotes, spaces, brackets and angle brackets "
                    "must be percent-encoded (%20 for a space)"),
    "url_host": N_("write a full link such as https://example.com/page"),
    "url_credentials": N_("remove the user name and password from the link (never put credentials in records; "
                          "rotate a password that was committed)"),
    "url_path": N_("write a path relative to the repository root, e.g. docs/pci-aoc-2026.pdf, without quotes or "
                   "brackets"),
}


def _number(limit: Any) -> str:
    """A bound as people write it in the current language: 36,500 (36.500) rather than 36500 or 1e+15."""
    if isinstance(limit, float) and limit.is_integer():
        limit = int(limit)
    return i18n.number(limit) if isinstance(limit, int) else str(limit)


def did_you_mean(word: str, candidates: typing.Iterable[str]) -> str | None:
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return matches[0] if matches else None


def suggest(guess: str | None) -> str:
    """``did you mean 'x'? `` (a sentence, with its trailing space) to put before a hint; empty without a guess."""
    return _("did you mean '{guess}'?").format(guess=guess) + " " if guess else ""


def listing(values: typing.Sequence[str], limit: int = 12) -> str:
    """The first ``limit`` values, comma-separated, with ``...`` when there are more."""
    return ", ".join(values[:limit]) + (", ..." if len(values) > limit else "")


def _describe(value: Any) -> str:
    """What was written, as a noun phrase: ``the text 'abc'``, ``the number 12``, ``a list``."""
    if value is None:
        return _("nothing (null)")
    if isinstance(value, bool):
        return _("{value} (true/false)").format(value=str(value).lower())
    if isinstance(value, dict):
        return _("a mapping")
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, YamlTooLarge):
        digits = len(value.lstrip("+-"))
        return ngettext("a number of {digits} digit", "a number of {digits} digits", digits).format(digits=digits)
    if isinstance(value, (int, float)):
        return _("the number {number}").format(number=printable(str(getattr(value, "raw", value)), 40))
    return _("the text '{text}'").format(text=printable(str(value), 40))


def _unwrap(tp: Any) -> list[Any]:
    """The concrete types an annotation may stand for."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(tp)[0])
    if origin in (Union, types.UnionType):
        return [t for arg in typing.get_args(tp) for t in _unwrap(arg)]
    return [tp]


def _model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The record type that holds the field at ``loc`` (to list its allowed fields)."""
    current: list[Any] = [model]
    for step in loc:
        following: list[Any] = []
        for tp in current:
            if isinstance(tp, type) and issubclass(tp, BaseModel):
                field = tp.model_fields.get(step) if isinstance(step, str) else None
                if field is not None:
                    following.extend(_unwrap(field.annotation))
            elif typing.get_origin(tp) in (list, dict):
                following.extend(_unwrap(typing.get_args(tp)[-1]))
        current = following
    for tp in current:
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            return tp
    return None


def _data_loc(data: Any, loc: tuple[Any, ...]) -> tuple[str | int, ...]:
    """Keep only the parts of pydantic's ``loc`` that index the YAML data."""
    path: list[str | int] = []
    node = data
    for step in loc:
        in_dict = isinstance(node, dict) and isinstance(step, str) and step in node
        in_list = isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node)
        if in_dict or in_list:
            node = node[step]
        elif isinstance(node, dict) and isinstance(step, str) and step == "[key]":
            continue
        else:
            if isinstance(node, dict) and isinstance(step, str) and step not in node and len(path) == len(loc) - 1:
                path.append(step)  # a missing field: point at its parent
            break
        path.append(step)
    return tuple(path)


def _name(loc: tuple[Any, ...]) -> str:
    for step in reversed(loc):
        if isinstance(step, str):
            return step
    return "value"


def _allowed(expected: str) -> list[str]:
    return re.findall(r"'([^']*)'", expected)


def _length_problem(kind: str, error: Any, doc: Document, path: tuple[str | int, ...], field: str) -> Problem:
    """A list or mapping with too few or too many entries, or a text too short or too long."""
    ctx = error.get("ctx", {})
    actual = ctx.get("actual_length")
    rule = "out-of-range" if kind in ("too_short", "too_long") else "wrong-type"  # the rule ids stay as they were
    if isinstance(error.get("input"), str):  # a text's length: its characters, not entries
        kind = "string_" + kind.removeprefix("string_")
    if kind == "string_too_short" and int(ctx.get("min_length", 1)) <= 1:
        return doc.problem(path, rule, _("{field} is empty").format(field=field),
                           _("write a value, or leave the field out if it is optional"))
    if kind == "string_too_long":
        limit = int(ctx.get("max_length", 0))
        return doc.problem(path, rule,
                           ngettext("{field} is longer than {limit} character", "{field} is longer than {limit} "
                                    "characters", limit).format(field=field, limit=i18n.number(limit)),
                           _("shorten the text; put longer text in 'notes' or 'description'"))
    if kind == "string_too_short":
        limit = int(ctx.get("min_length", 0))
        return doc.problem(path, rule,
                           ngettext("{field} is shorter than {limit} character", "{field} is shorter than {limit} "
                                    "characters", limit).format(field=field, limit=i18n.number(limit)),
                           _("write a longer text"))
    if kind == "too_short":
        limit = int(ctx.get("min_length", 0))
        message = ngettext("{field} needs at least {limit} entry, not {actual}",
                           "{field} needs at least {limit} entries, not {actual}", limit)
    else:
        limit = int(ctx.get("max_length", 0))
        message = ngettext("{field} holds at most {limit} entry, not {actual}",
                           "{field} holds at most {limit} entries, not {actual}", limit)
    return doc.problem(path, rule,
                       message.format(field=field, limit=i18n.number(limit),
                                      actual=i18n.number(actual) if isinstance(actual, int) else "?"),
                       _("check how many entries this field needs"))


def _pydantic_message(error: Any) -> str:
    """The text of an error pydantic reports: a validator's own message (a catalog message), else pydantic's."""
    found = error.get("ctx", {}).get("error")
    if error["type"] == "value_error" and isinstance(found, ValueError) and str(found):
        return printable(str(found))  # raised by a record's validator, already in the current language
    return str(error["msg"])  # pydantic's English for an error type not mapped here


def problem_for(error: Any, doc: Document, model: type[BaseModel]) -> Problem:
    """One pydantic error as a problem at the exact YAML position."""
    kind: str = error["type"]
    loc: tuple[Any, ...] = tuple(error["loc"])
    field = _name(loc)
    value = error.get("input")
    path = _data_loc(doc.data, loc)
    field = printable(field, 64)
    if isinstance(value, YamlTooLarge) or (isinstance(value, float) and math.isinf(value)):
        return doc.problem(path, "out-of-range",
                           _("{field} is {value}, too large to be a value here").format(
                               field=field, value=_describe(value)),
                           _("write a number of at most {digits} digits; quote it if it is text").format(
                               digits=MAX_NUMBER_DIGITS))
    if kind == "missing":
        parent = path[:-1] if path and path[-1] == loc[-1] else path
        hint = (_("add '{field}:' to this record") if not parent else _("add '{field}:' to this entry"))
        return doc.problem(parent, "missing-field", _("required field '{field}' is missing").format(field=field),
                           hint.format(field=field), key=True)
    if kind == "extra_forbidden":
        owner = _model_at(model, loc[:-1])
        names = sorted(owner.model_fields) if owner else []
        hint = suggest(did_you_mean(field, names)) + (
            _("allowed fields here: {fields}").format(fields=", ".join(names)) if names else _("remove it"))
        return doc.problem(path, "unknown-field", _("unknown field '{field}'").format(field=field), hint, key=True)
    if kind in ("literal_error", "enum"):
        allowed = _allowed(error.get("ctx", {}).get("expected", ""))
        guess = did_you_mean(str(value), allowed) if isinstance(value, str) else None
        hint = suggest(guess) + _("allowed values: {values}").format(values=", ".join(allowed))
        return doc.problem(path, "invalid-value",
                           _("{value} is not a valid {field}").format(value=_describe(value), field=field), hint)
    if kind in _RANGE:
        limit = next(iter(error.get("ctx", {}).values()), "?")
        rule = "negative-count" if kind == "greater_than_equal" and limit == 0 else "out-of-range"
        shown = printable(str(getattr(value, "raw", value)), 40)
        bound = _number(limit)
        return doc.problem(path, rule,
                           _("{field} is {value}; it must be {comparison} {bound}").format(
                               field=field, value=shown, comparison=_RANGE[kind], bound=bound),
                           _("write a number {comparison} {bound}").format(comparison=_RANGE[kind], bound=bound))
    if kind in ("too_short", "too_long", "string_too_short", "string_too_long"):
        return _length_problem(kind, error, doc, path, field)
    if kind == "string_pattern_mismatch":
        pattern = error.get("ctx", {}).get("pattern", "")
        return doc.problem(path, "invalid-value",
                           _("{value} is not a valid {field}").format(value=_describe(value), field=field),
                           _("it must match {pattern}").format(pattern=pattern))
    if kind in _RULES:
        rule = _RULES[kind]
        if kind == "date_range":
            hint = _("write a date from {low} to {high}").format(low=MIN_DATE.isoformat(), high=MAX_DATE.isoformat())
            if field == "end" and model.__name__ == "Contract" and path == ("end",):
                hint = _("leave 'end' out for an open-ended contract; otherwise write a date from {low} to "
                         "{high}").format(low=MIN_DATE.isoformat(), high=MAX_DATE.isoformat())
        else:
            hint = _(_SPECIFIC_HINTS.get(kind, _RULE_HINTS[rule]))
        # The validators of generator.records.common word their messages in the current language.
        return doc.problem(path, rule, _("{field}: {problem}").format(field=field, problem=error["msg"]), hint)
    if kind in _TYPE_NAMES:
        return doc.problem(path, "wrong-type",
                           _("{field} must be {expected}, not {value}").format(
                               field=field, expected=_(_TYPE_NAMES[kind]), value=_describe(value)),
                           _(_TYPE_HINTS.get(kind, _TYPE_HINT)))
    return doc.problem(path, "wrong-type",
                       _("{field}: {problem}").format(field=field, problem=_pydantic_message(error)),
                       _("check the value against the schema"))


def to_record(doc: Document, model: type[M]) -> tuple[M | None, list[Problem]]:
    """Validate ``doc`` as ``model``; every error becomes a positioned problem."""
    try:
        return model.model_validate(doc.data), []
    except ValidationError as exc:
        return None, [problem_for(error, doc, model) for error in exc.errors(include_url=False)]


_DROP = object()


def _without(node: Any) -> Any:
    """A copy of plain YAML data with every entry marked ``_DROP`` left out."""
    if isinstance(node, dict):
        return {k: _without(v) for k, v in node.items() if v is not _DROP}
    if isinstance(node, list):
        return [_without(v) for v in node if v is not _DROP]
    return node


def _mark(data: Any, loc: tuple[Any, ...]) -> bool:
    """Mark for removal the deepest entry of ``loc`` that exists in ``data``: a field or a list item."""
    node, parent, step = data, None, None
    for part in loc:
        in_dict = isinstance(node, dict) and part in node
        if in_dict or (isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)):
            parent, step, node = node, part, node[part]
        else:
            break
    if parent is None or node is _DROP:
        return False
    parent[step] = _DROP
    return True


def partial_record(doc: Document, model: type[M], rounds: int = 6) -> M | None:
    """The record ``doc`` gives once every field or list entry that fails its type is left out.

    Checks that span fields (date order, funnels, references) can then run on what is left,
    so fixing the type errors does not reveal a second round of findings. None when even
    that fails (a required field of the record itself is wrong or missing).
    """
    data = _without(doc.data)
    for _round in range(rounds):
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            marked = False
            for error in exc.errors(include_url=False):
                loc = tuple(error["loc"])
                if error["type"] == "missing":
                    loc = loc[:-1]  # a required field is missing: leave out the entry that needs it
                marked = _mark(data, loc) or marked
            if not marked:
                return None
            data = _without(data)
    return None
