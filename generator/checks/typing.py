"""Turn a loaded document into a typed record, mapping pydantic errors to the YAML."""

from __future__ import annotations

import difflib
import math
import re
import types
import typing
from typing import Any, TypeVar, Union

from pydantic import BaseModel, ValidationError

from generator.load.loader import MAX_NUMBER_DIGITS, Document, YamlTooLarge
from generator.problems import Problem, printable
from generator.records.common import MAX_DATE, MIN_DATE

M = TypeVar("M", bound=BaseModel)

_TYPE_NAMES = {
    "int_type": "a whole number", "int_from_float": "a whole number", "int_parsing": "a whole number",
    "float_type": "a number", "float_parsing": "a number", "finite_number": "a finite number",
    "string_type": "text", "bool_type": "true or false", "list_type": "a list",
    "dict_type": "a mapping", "model_type": "a mapping", "model_attributes_type": "a mapping",
    "date_format": "a date written as YYYY-MM-DD", "month_format": "a month written as YYYY-MM",
}
_TYPE_HINTS = {
    "list_type": "write a list: one '- item' line per entry, indented under the field",
    "dict_type": "write 'key: value' lines indented under the field",
    "model_type": "write 'key: value' lines indented under the field",
    "bool_type": "write true or false (yes/no/on/off are text here)",
    "int_type": "write a whole number without quotes, e.g. 150",
    "int_from_float": "write a whole number without decimals, e.g. 150",
}
_RANGE = {"greater_than": ">", "greater_than_equal": ">=", "less_than": "<", "less_than_equal": "<="}
_RULES = {
    "multi_line": "multi-line", "invalid_id": "invalid-id", "url_scheme": "unsafe-url", "url_chars": "unsafe-url",
    "url_host": "unsafe-url", "url_credentials": "unsafe-url", "url_path": "unsafe-url", "date_range": "out-of-range",
    "email": "invalid-email", "impossible_date": "invalid-date", "impossible_month": "invalid-date",
    "date_format": "invalid-date", "month_format": "invalid-date",
    "percent_for_fraction": "percent-for-fraction", "fraction_range": "out-of-range",
    "currency_code": "invalid-currency",
}

_SPECIFIC_HINTS = {
    "date_range": f"write a date from {MIN_DATE} to {MAX_DATE}",
    "url_chars": "write the link as the browser shows it; quotes, spaces, brackets and angle brackets "
                 "must be percent-encoded (%20 for a space)",
    "url_host": "write a full link such as https://example.com/page",
    "url_credentials": "remove the user name and password from the link (never put credentials in records; "
                       "rotate a password that was committed)",
    "url_path": "write a path relative to the repository root, e.g. docs/pci-aoc-2026.pdf, without quotes or brackets",
}


def _number(limit: Any) -> str:
    """A bound as people write it: 36,500 and 1,000,000,000,000,000 rather than 1e+15."""
    if isinstance(limit, float) and limit.is_integer():
        limit = int(limit)
    return f"{limit:,}" if isinstance(limit, int) else str(limit)


def did_you_mean(word: str, candidates: typing.Iterable[str]) -> str | None:
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return matches[0] if matches else None


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, YamlTooLarge):
        return f"a number of {len(value.lstrip('+-'))} digits"
    if isinstance(value, (int, float)):
        return f"the number {printable(str(getattr(value, 'raw', value)), 40)}"
    return f"the text '{printable(str(value), 40)}'"


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


def problem_for(error: Any, doc: Document, model: type[BaseModel]) -> Problem:
    """One pydantic error as a problem at the exact YAML position."""
    kind: str = error["type"]
    loc: tuple[Any, ...] = tuple(error["loc"])
    field = _name(loc)
    value = error.get("input")
    path = _data_loc(doc.data, loc)
    field = printable(field, 64)
    if isinstance(value, YamlTooLarge) or (isinstance(value, float) and math.isinf(value)):
        return doc.problem(path, "out-of-range", f"{field} is {_describe(value)}, too large to be a value here",
                           f"write a number of at most {MAX_NUMBER_DIGITS} digits; quote it if it is text")
    if kind == "missing":
        parent = path[:-1] if path and path[-1] == loc[-1] else path
        return doc.problem(parent, "missing-field", f"required field '{field}' is missing",
                           f"add '{field}:' to this {'record' if not parent else 'entry'}", key=True)
    if kind == "extra_forbidden":
        owner = _model_at(model, loc[:-1])
        names = sorted(owner.model_fields) if owner else []
        guess = did_you_mean(field, names)
        hint = (f"did you mean '{guess}'? " if guess else "") + (
            f"allowed fields here: {', '.join(names)}" if names else "remove it")
        return doc.problem(path, "unknown-field", f"unknown field '{field}'", hint, key=True)
    if kind in ("literal_error", "enum"):
        allowed = _allowed(error.get("ctx", {}).get("expected", ""))
        guess = did_you_mean(str(value), allowed) if isinstance(value, str) else None
        hint = (f"did you mean '{guess}'? " if guess else "") + f"allowed values: {', '.join(allowed)}"
        return doc.problem(path, "invalid-value", f"{_describe(value)} is not a valid {field}", hint)
    if kind in _RANGE:
        limit = next(iter(error.get("ctx", {}).values()), "?")
        rule = "negative-count" if kind == "greater_than_equal" and limit == 0 else "out-of-range"
        shown = printable(str(getattr(value, "raw", value)), 40)
        bound = _number(limit)
        return doc.problem(path, rule, f"{field} is {shown}; it must be {_RANGE[kind]} {bound}",
                           f"write a number {_RANGE[kind]} {bound}")
    if kind in ("too_short", "too_long"):
        return doc.problem(path, "out-of-range", f"{field}: {error['msg'].lower()}",
                           "check how many entries this field needs")
    if kind == "string_pattern_mismatch":
        pattern = error.get("ctx", {}).get("pattern", "")
        return doc.problem(path, "invalid-value", f"{_describe(value)} is not a valid {field}",
                           f"it must match {pattern}")
    if kind in _RULES:
        hints = {
            "multi-line": "keep it on one line; put longer text in 'notes' or 'description'",
            "invalid-id": "use 1-64 lowercase letters, digits and single hyphens, e.g. 'kiln-packaging'",
            "unsafe-url": "use an http://, https:// or mailto: link",
            "invalid-email": "write it as name@example.com",
            "invalid-date": "write dates as YYYY-MM-DD and months as YYYY-MM, with real days and months",
            "percent-for-fraction": "write the rate as a fraction: 0.05 for 5%",
            "out-of-range": "write a fraction between 0 and 1 (0.05 = 5%)",
            "invalid-currency": "currency codes are ISO 4217: three capital letters such as EUR, USD, GBP",
        }
        rule = _RULES[kind]
        hint = _SPECIFIC_HINTS.get(kind, hints[rule])
        if kind == "date_range" and field == "end" and model.__name__ == "Contract" and path == ("end",):
            hint = f"leave 'end' out for an open-ended contract; otherwise {hint}"
        return doc.problem(path, rule, f"{field}: {error['msg']}", hint)
    if kind in _TYPE_NAMES:
        return doc.problem(path, "wrong-type", f"{field} must be {_TYPE_NAMES[kind]}, not {_describe(value)}",
                           _TYPE_HINTS.get(kind, "quote text that looks like a number or date; "
                                                 "write numbers without quotes"))
    return doc.problem(path, "wrong-type", f"{field}: {error['msg']}", "check the value against the schema")


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
    for _ in range(rounds):
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
