"""Apply an Extract to ``campaigns/<id>.yaml``, keeping the record's comments, key order and style.

The record is edited with ruamel.yaml's round-trip mode: only the figures the export gives change. A
figure the record already holds with a different value is a conflict unless ``replace``; a figure equal
to the export's is left as written, so a rerun with the same export changes nothing (and writes nothing).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from generator.i18n import _
from generator.ingest.model import Extract, Figures, ImportProblem
from generator.load.loader import load_bytes

RESULT_ORDER = ("partner", "sessions", "carts", "checkouts", "orders", "revenue", "cost", "returns", "customers",
                "repeat_customers", "baseline", "survey", "daily", "notes")
CAMPAIGN_ORDER = ("name", "description", "start", "end", "owner", "currency", "targets", "gross_margin", "results",
                  "review")
DAILY_ORDER = ("date", "sessions", "carts", "checkouts", "orders", "revenue")
SURVEY_ORDER = ("tool", "responses", "satisfied", "promoters", "passives", "detractors")


@dataclass(frozen=True)
class Change:
    """One figure of one partner: where (``revenue``, ``daily 2026-03-01 orders``, ``survey responses``),
    the record's value (None when absent) and the export's."""

    partner: str
    where: str
    old: Any
    new: Any


@dataclass
class Applied:
    text: str  # the record's new text (the old one when nothing changed)
    changes: list[Change] = field(default_factory=list)
    conflicts: list[Change] = field(default_factory=list)  # changes refused (no --replace)
    created: list[str] = field(default_factory=list)  # partners given a new result entry


def _yaml(text: str) -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap lines
    match = re.search(r"^( *)[^\s#-][^\n:]*:[ \t]*(?:#[^\n]*)?\n(?:[ \t]*(?:#[^\n]*)?\n)*( *)- ", text, re.M)
    if match:
        offset = max(0, len(match[2]) - len(match[1]))
        yaml.indent(mapping=2, sequence=offset + 2, offset=offset)
    else:
        yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _same(old: Any, new: Any) -> bool:
    if isinstance(new, str) or isinstance(old, str):
        return str(old) == str(new)
    if isinstance(old, bool) or old is None:
        return False
    try:
        return abs(float(old) - float(new)) < 0.005
    except (TypeError, ValueError):
        return False


def _plain(value: Any) -> Any:
    if isinstance(value, float):
        value = round(value, 2)
        return int(value) if value == int(value) else value
    return value


def _insert(mapping: CommentedMap, key: str, value: Any, order: tuple[str, ...]) -> None:
    """Put a new key after the last key that comes before it in ``order`` (at the end when unknown)."""
    if key not in order:
        mapping[key] = value
        return
    rank = order.index(key)
    position = 0
    for index, existing in enumerate(mapping):
        if existing in order and order.index(existing) < rank:
            position = index + 1
    if position >= len(mapping):
        mapping[key] = value
    else:
        mapping.insert(position, key, value)


class _Editor:
    def __init__(self, replace: bool) -> None:
        self.replace = replace
        self.applied = Applied("")

    def put(self, mapping: Any, key: str, value: Any, order: tuple[str, ...], partner: str,
            where: str) -> None:
        value = _plain(value)
        old = mapping.get(key)
        if key in mapping and _same(old, value):
            return
        change = Change(partner, where, old, value)
        if key in mapping and old is not None and not self.replace:
            self.applied.conflicts.append(change)
            return
        self.applied.changes.append(change)
        if key in mapping:
            mapping[key] = value
        else:
            _insert(mapping, key, value, order)


def _entry(results: list[Any], partner: str) -> Any:
    for item in results:
        if isinstance(item, dict) and str(item.get("partner")) == partner:
            return item
    return None


def _daily(editor: _Editor, entry: CommentedMap, partner: str, daily: dict[date, dict[str, Any]]) -> None:
    series = entry.get("daily")
    if isinstance(series, list) and not series:  # `daily: []`: a block list in its place
        series = entry["daily"] = CommentedSeq()
    elif not isinstance(series, list):
        if series is not None and not editor.replace:
            editor.applied.conflicts.append(Change(partner, "daily", series, _("a daily series")))
            return
        series = CommentedSeq()
        if "daily" in entry:
            entry["daily"] = series
        else:
            _insert(entry, "daily", series, RESULT_ORDER)
    by_day = {str(item.get("date")): item for item in series if isinstance(item, dict)}
    for day in sorted(daily):
        figures = daily[day]
        item = by_day.get(day.isoformat())
        if item is None:
            item = CommentedMap([("date", day)])
            for key in DAILY_ORDER[1:]:
                if figures.get(key) is not None:
                    item[key] = _plain(figures[key])
            item.fa.set_flow_style()
            position = sum(1 for other in series
                           if isinstance(other, dict) and str(other.get("date")) < day.isoformat())
            series.insert(position, item)
            editor.applied.changes.append(Change(partner, f"daily {day.isoformat()}", None, dict(item)))
            continue
        for key in DAILY_ORDER[1:]:
            if figures.get(key) is not None:
                editor.put(item, key, figures[key], DAILY_ORDER, partner, f"daily {day.isoformat()} {key}")


def _survey(editor: _Editor, entry: CommentedMap, partner: str, survey: dict[str, Any]) -> None:
    current = entry.get("survey")
    if not isinstance(current, dict):
        if current is not None and not editor.replace:
            editor.applied.conflicts.append(Change(partner, "survey", current, survey))
            return
        current = CommentedMap()
        current.fa.set_flow_style()
        if "survey" in entry:
            entry["survey"] = current
        else:
            _insert(entry, "survey", current, RESULT_ORDER)
    for key in SURVEY_ORDER:
        if survey.get(key) is not None:
            editor.put(current, key, survey[key], SURVEY_ORDER, partner, f"survey {key}")


def _apply_partner(editor: _Editor, results: list[Any], partner: str, figures: Figures) -> None:
    entry = _entry(results, partner)
    if entry is None:
        entry = CommentedMap([("partner", partner)])
        results.append(entry)
        editor.applied.created.append(partner)
    for key in RESULT_ORDER:
        value = figures.counts.get(key)
        if value is not None:
            editor.put(entry, key, value, RESULT_ORDER, partner, key)
    if figures.survey:
        _survey(editor, entry, partner, figures.survey)
    if figures.daily:
        _daily(editor, entry, partner, figures.daily)


def apply(text: str, extract: Extract, *, display: str, replace: bool = False) -> Applied:
    """The record ``text`` with ``extract``'s figures set; conflicts listed (and not applied) unless ``replace``."""
    # The record is untrusted: the project's own safe loader reads it first and refuses tags, anchors,
    # aliases, merge keys and oversized input; only a record it accepts reaches the round-trip parser.
    _doc, problems = load_bytes(text.encode("utf-8"), display)
    fix = _("run 'partnerbook validate' and fix the record first")
    if problems:
        first = problems[0]
        raise ImportProblem(f"{display}:{first.line}", _("the campaign record cannot be read safely: {problem}").format(
            problem=first.message), fix)
    yaml = _yaml(text)
    try:
        data = yaml.load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise ImportProblem(display + line, _("the campaign record is not valid YAML"), fix) from None
    if not isinstance(data, CommentedMap):
        raise ImportProblem(display, _("the campaign record is not a mapping of fields"), fix)
    editor = _Editor(replace)
    results = data.get("results")
    if results is None or (isinstance(results, list) and not results):
        fresh = CommentedSeq()
        if "results" in data:
            data["results"] = fresh
        else:
            _insert(data, "results", fresh, CAMPAIGN_ORDER)
        results = fresh
    if not isinstance(results, list):
        raise ImportProblem(display, _("'results' of the campaign record is not a list"), fix)
    for partner in sorted(extract.figures):
        _apply_partner(editor, results, partner, extract.figures[partner])
    applied = editor.applied
    if not applied.changes and not applied.created:
        applied.text = text
        return applied
    out = io.StringIO()
    yaml.dump(data, out)
    applied.text = out.getvalue()
    return applied
