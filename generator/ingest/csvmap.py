"""The ``csv`` source: any CSV through a mapping declared in partnerbook.yml.

.. code-block:: yaml

    imports:
      mappings:
        affiliate-report:
          partner: Publisher        # the partner's id, or a value its rules match
          date: Day                 # optional: rows become the daily series
          date_format: "%d/%m/%Y"   # optional: when dates are not ISO
          columns: {sessions: Clicks, orders: Sales, revenue: "Sales value"}

Rows are summed per partner; dated rows outside the campaign's period are counted, not imported.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from generator.i18n import _
from generator.ingest.match import SETTINGS_FILE, Matcher, Unmatched
from generator.ingest.model import COUNT_FIELDS, SURVEY_FIELDS, Extract, Figures, ImportProblem, Request
from generator.ingest.read import open_table
from generator.problems import printable

MONEY = ("revenue", "cost")
DAILY = ("sessions", "carts", "checkouts", "orders", "revenue")  # what a daily entry of a result holds


def _mapping(request: Request) -> tuple[str, object]:
    mappings = getattr(request.settings, "mappings", {}) or {}
    names = ", ".join(sorted(mappings)) or _("none yet")
    if request.mapping is None:
        if len(mappings) == 1:
            return next(iter(mappings.items()))
        raise ImportProblem(SETTINGS_FILE, _("the csv source needs a mapping (declared: {names})").format(names=names),
                            _("pass --mapping NAME, a mapping under imports.mappings in partnerbook.yml"))
    if request.mapping not in mappings:
        raise ImportProblem(SETTINGS_FILE, _("there is no mapping '{name}' under imports.mappings (declared: "
                                             "{names})").format(name=printable(request.mapping, 80), names=names),
                            _("declare it in partnerbook.yml or pass the name of one declared"))
    return request.mapping, mappings[request.mapping]


def _rounded(value: float | int) -> float | int:
    value = round(value, 2)
    return int(value) if value == int(value) else value


def extract(path: Path, request: Request) -> Extract:
    name, mapping = _mapping(request)
    partner_column = getattr(mapping, "partner", None)
    if not partner_column and request.partner is None:
        raise ImportProblem(SETTINGS_FILE, _("the mapping '{name}' names no partner column").format(name=name),
                            _("add imports.mappings.{name}.partner: the column holding the partner id (or a value "
                              "its rules match), or pass --partner ID when every row is one partner's").format(
                                name=name))
    columns: dict[str, str] = dict(getattr(mapping, "columns", {}) or {})
    if not columns:
        raise ImportProblem(SETTINGS_FILE, _("the mapping '{name}' maps no column").format(name=name),
                            _("add imports.mappings.{name}.columns, e.g. {example}").format(
                                name=name, example="{orders: Sales, revenue: Revenue}"))
    date_column = getattr(mapping, "date", None)
    date_format = getattr(mapping, "date_format", None)
    required = [*([partner_column] if partner_column else []), *([date_column] if date_column else []),
                *columns.values()]
    table = open_table(path, delimiter=getattr(mapping, "delimiter", None), decimal=getattr(mapping, "decimal", None),
                       required=required)
    matcher = Matcher(request.settings, request.partners)
    unmatched = Unmatched("utm_source")
    figures: dict[str, Figures] = {}
    rows = outside = 0
    for row, values in table.rows():
        rows += 1
        day: date | None = None
        if date_column:
            day = table.day(values[date_column], row, date_column, date_format)
            if day is None:
                raise ImportProblem(table.display, _("the date is empty"), _("every row needs its date"), row=row,
                                    column=date_column)
            if not request.start <= day <= request.end:
                outside += 1
                continue
        if request.partner is not None or not partner_column:  # --partner: every row is that partner's
            pid: str | None = request.partner
        else:
            value = values[partner_column]
            pid = matcher.any_kind(value, file=table.display, row=row, column=partner_column)
        if pid is None:
            unmatched.add(value)
            continue
        target = figures.setdefault(pid, Figures())
        for field, column in columns.items():
            text = values[column]
            number: float | int | None
            if field in MONEY:
                number = table.number(text, row, column)
                if number is not None and number < 0:
                    raise ImportProblem(table.display, _("'{value}' is negative").format(value=printable(text, 60)),
                                        _("money columns hold amounts of 0 or more"), row=row, column=column)
            else:
                number = table.count(text, row, column)
            if number is None:
                continue
            if field in SURVEY_FIELDS:
                survey = target.survey if target.survey is not None else {}
                survey[field] = survey.get(field, 0) + int(number)
                target.survey = survey
                continue
            if field in COUNT_FIELDS:
                target.counts[field] = (target.counts.get(field) or 0) + number
            if day is not None and field in DAILY:
                entry = target.daily.setdefault(day, {})
                entry[field] = entry.get(field, 0) + number
    for target in figures.values():
        target.counts = {k: _rounded(v) for k, v in target.counts.items() if v is not None}
        for entry in target.daily.values():
            for key in entry:
                entry[key] = _rounded(entry[key])
    notes = [_("money columns are read as {currency}, the campaign's currency").format(currency=request.currency)] \
        if any(f in MONEY for f in columns) else []
    if unmatched.rows:
        notes.append(_("the partner column '{column}' names a partner by its id or by a value one of its rules under "
                       "imports.partners matches").format(column=partner_column))
    return Extract(source="csv", file=path, rows=rows, figures=figures, unmatched_rows=unmatched.rows,
                   unmatched_examples=unmatched.examples(), outside_rows=outside, notes=tuple(notes))
