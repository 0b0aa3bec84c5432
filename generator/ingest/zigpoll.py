"""Zigpoll response exports: satisfaction and NPS groups per partner.

Zigpoll's "Export responses" CSV comes in two shapes, both read:

* one row per submission, one column per question (the slide's title as the header), beside the
  metadata columns (Date, Participant, Email, Order Id, Order Value, Discount Code, UTM Source,
  UTM Campaign, Referrer, Page URL ...);
* one row per answer: a question column (Slide, Question) and an answer column (Response,
  Answer), answers of one participant grouped by Participant Id.

The NPS question (0-10) and the satisfaction question (1 to ``imports.survey.satisfaction_max``) are
recognised by their text ("How likely are you to recommend ..." / "... satisfied ...", "NPS",
"CSAT") unless ``imports.survey.nps_question`` / ``satisfaction_question`` name them. Answers are
read from their leading number ("9 - Very likely"), stars, or the five usual satisfaction labels.

A response goes to the partner its discount code, UTM source, UTM campaign or referrer names
(``imports.partners`` rules), in that order; with ``--partner ID`` every response goes to that
partner. Responses nothing attributes are counted as unmatched with examples; responses dated
outside the campaign are counted and left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from generator.i18n import N_, _, ngettext
from generator.inert import shown
from generator.ingest.ga4 import columns_found, find, header_key
from generator.ingest.match import Matcher
from generator.ingest.model import Extract, Figures, ImportProblem, Request
from generator.ingest.read import Table, open_table

SOURCE = "zigpoll"
MAX_EXAMPLES = 5

DATES = ("date", "created at", "createdat", "created", "timestamp", "submitted at", "response date", "time")
PARTICIPANTS = ("participant id", "participantid", "participant", "participant handle", "handle", "email",
                "submission id")
QUESTIONS = ("slide", "slide title", "question", "question title", "slide name")
ANSWERS = ("response", "answer", "response value", "value")
RESPONSE_IDS = ("response id", "responseid", "submission id", "_id")
DISCOUNTS = ("discount code", "discount codes", "order discount code", "discount", "coupon", "coupon code")
UTM_SOURCES = ("utm source", "utm_source", "utmsource")
UTM_CAMPAIGNS = ("utm campaign", "utm_campaign", "utmcampaign")
REFERRERS = ("referrer", "referrer url", "referring site", "referring url", "referer")
PAGES = ("page url", "url", "landing page", "landing page url", "page")
# Columns that are never questions in a one-row-per-submission export.
METADATA = frozenset(header_key(name) for name in (
    *DATES, *PARTICIPANTS, *RESPONSE_IDS, *DISCOUNTS, *UTM_SOURCES, *UTM_CAMPAIGNS, *REFERRERS, *PAGES,
    "poll", "poll title", "poll id", "survey", "name", "first name", "last name", "order id", "order number",
    "order name", "order value", "order total", "order currency", "currency", "customer id", "shopify customer id",
    "country", "city", "region", "device", "browser", "language", "ip", "utm medium", "utm_medium", "utm term",
    "utm_term", "utm content", "utm_content", "metadata", "tags", "slide id", "poll type", "type"))
NPS_TEXT = re.compile(r"recommend|\bnps\b|net promoter", re.IGNORECASE)
CSAT_TEXT = re.compile(r"satisf|\bcsat\b", re.IGNORECASE)
LABELS = {"very dissatisfied": 1, "dissatisfied": 2, "unsatisfied": 2, "neutral": 3,
          "neither satisfied nor dissatisfied": 3, "satisfied": 4, "very satisfied": 5}


@dataclass
class _Respondent:
    first_row: int
    day: date | None = None
    nps: int | None = None
    satisfaction: int | None = None
    keys: dict[str, str] = field(default_factory=dict)  # rule kind -> value from the metadata columns


def extract(path: Path, request: Request) -> Extract:
    table = open_table(path)
    file = table.display
    columns = list(table.columns)
    scale = request.settings.survey
    question_col, answer_col = find(columns, QUESTIONS), find(columns, ANSWERS)
    date_col = find(columns, DATES)
    meta = {"discount_codes": find(columns, DISCOUNTS), "utm_source": find(columns, UTM_SOURCES),
            "campaign": find(columns, UTM_CAMPAIGNS), "referrers": find(columns, REFERRERS),
            "page": find(columns, PAGES)}
    forced = request.partner
    matcher = Matcher(request.settings, request.partners)

    respondents: dict[object, _Respondent] = {}
    if question_col is not None and answer_col is not None:  # one row per answer
        nps_q = sat_q = None  # decided from the slide titles once they are known
        titles: dict[str, str] = {}
        answers: list[tuple[int, dict[str, str]]] = []
        for row_number, record in table.rows():
            title = (record.get(question_col) or "").strip()
            if title:
                titles.setdefault(header_key(title), title)
            answers.append((row_number, record))
        nps_q, sat_q = _questions(file, list(titles.values()), scale, "slides")
        participant_col = find(columns, PARTICIPANTS)
        for row_number, record in answers:
            title = (record.get(question_col) or "").strip()
            if header_key(title) not in {header_key(q) for q in (nps_q, sat_q) if q}:
                continue
            who = (record.get(participant_col) or "").strip() if participant_col else ""
            person = respondents.setdefault(who or ("row", row_number), _Respondent(row_number))
            _read_meta(person, record, meta, date_col, table, row_number)
            if nps_q and header_key(title) == header_key(nps_q):
                person.nps = _answer(record.get(answer_col), 0, 10, file, row_number, answer_col, labels=False)
            else:
                person.satisfaction = _answer(record.get(answer_col), 1, scale.satisfaction_max, file, row_number,
                                              answer_col, labels=scale.satisfaction_max == 5)
    else:
        questions = [c for c in columns if header_key(c) not in METADATA]
        nps_q, sat_q = _questions(file, questions, scale, "columns")
        id_col = find(columns, RESPONSE_IDS)
        seen: dict[str, int] = {}
        for row_number, record in table.rows():
            if not any((value or "").strip() for value in record.values()):
                continue
            if id_col and (rid := (record.get(id_col) or "").strip()):
                if rid in seen:
                    raise ImportProblem(file, _("response '{id}' appears twice (first on row {row})").format(
                                            id=shown(rid), row=seen[rid]),
                                        _("export the responses once; remove the duplicated row"), row=row_number,
                                        column=id_col)
                seen[rid] = row_number
            person = _Respondent(row_number)
            _read_meta(person, record, meta, date_col, table, row_number)
            if nps_q:
                person.nps = _answer(record.get(nps_q), 0, 10, file, row_number, nps_q, labels=False)
            if sat_q:
                person.satisfaction = _answer(record.get(sat_q), 1, scale.satisfaction_max, file, row_number, sat_q,
                                              labels=scale.satisfaction_max == 5)
            respondents[("row", row_number)] = person

    figures: dict[str, Figures] = {}
    rows = unmatched = outside = 0
    examples: list[str] = []
    no_satisfaction = 0
    attributable = any(meta.values())
    for person in sorted(respondents.values(), key=lambda p: p.first_row):
        if person.nps is None and person.satisfaction is None:
            continue  # answered neither scored question
        rows += 1
        if person.day is not None and not request.start <= person.day <= request.end:
            outside += 1
            continue
        partner = forced or _attribute(matcher, person, file)
        if partner is None:
            unmatched += 1
            example = " | ".join(f"{kind} {value}" for kind, value in person.keys.items()) or _("(no attribution)")
            if example not in examples and len(examples) < MAX_EXAMPLES:
                examples.append(example)
            continue
        survey = figures.setdefault(partner, Figures()).survey
        if survey is None:
            survey = figures[partner].survey = {"responses": 0}
            if sat_q:
                survey["satisfied"] = 0
            if nps_q:
                survey.update(promoters=0, passives=0, detractors=0)
        survey["responses"] += 1
        if person.satisfaction is not None and person.satisfaction >= scale.satisfied:
            survey["satisfied"] += 1
        elif person.satisfaction is None and sat_q:
            no_satisfaction += 1
        if person.nps is not None:
            group = ("promoters" if person.nps >= scale.promoters else
                     "passives" if person.nps >= scale.passives else "detractors")
            survey[group] += 1
    for figure in figures.values():
        if figure.survey is not None:
            figure.survey["tool"] = SOURCE  # type: ignore[assignment]

    notes = [_("NPS question: '{question}'").format(question=shown(nps_q)) if nps_q else
             _("no NPS question: promoters, passives and detractors are left out"),
             _("satisfaction question: '{question}'").format(question=shown(sat_q)) if sat_q else
             _("no satisfaction question: satisfied is left out")]
    if no_satisfaction:
        notes.append(ngettext("{n} response answered the NPS question but not the satisfaction question: it counts "
                              "as a response, not as satisfied",
                              "{n} responses answered the NPS question but not the satisfaction question: they "
                              "count as responses, not as satisfied", no_satisfaction).format(n=no_satisfaction))
    if not forced and not attributable:
        notes.append(_("the export has no discount code, UTM or referrer column: no response could be attributed; "
                       "import it with --partner ID when the survey ran for one partner"))
    return Extract(source=SOURCE, file=path, rows=rows, figures=dict(sorted(figures.items())),
                   unmatched_rows=unmatched, unmatched_examples=tuple(examples), outside_rows=outside,
                   notes=tuple(notes))


# Sentences about the questions found among the slides, or among the columns, of an export.
_NOT_ONE_OF = {"slides": N_("imports.survey.{setting} '{question}' is not one of the slides: {found}"),
               "columns": N_("imports.survey.{setting} '{question}' is not one of the columns: {found}")}
_SEVERAL = {("slides", "NPS"): N_("several slides look like the NPS question: {found}"),
            ("columns", "NPS"): N_("several columns look like the NPS question: {found}"),
            ("slides", "satisfaction"): N_("several slides look like the satisfaction question: {found}"),
            ("columns", "satisfaction"): N_("several columns look like the satisfaction question: {found}")}
_NONE_AMONG = {"slides": N_("no NPS or satisfaction question among the slides: {found}"),
               "columns": N_("no NPS or satisfaction question among the columns: {found}")}


def _questions(file: str, candidates: list[str], scale: object, what: str) -> tuple[str | None, str | None]:
    """The NPS and the satisfaction question among ``candidates`` (``what``: slides or columns): named in the
    settings, else by their text."""
    chosen: list[str | None] = []
    for setting, pattern, kind in (("nps_question", NPS_TEXT, "NPS"), ("satisfaction_question", CSAT_TEXT,
                                                                       "satisfaction")):
        named = getattr(scale, setting, None)
        if named:
            hit = find(candidates, (named,))
            if hit is None:
                raise ImportProblem(file, _(_NOT_ONE_OF[what]).format(setting=setting, question=shown(named),
                                                                      found=columns_found(candidates)),
                                    _("set {setting} to the question as the export writes it").format(
                                        setting=setting))
            chosen.append(hit)
            continue
        hits = [c for c in candidates if pattern.search(c) and c not in chosen]
        if kind == "satisfaction":
            hits = [c for c in hits if not NPS_TEXT.search(c)]
        if len(hits) > 1:
            raise ImportProblem(file, _(_SEVERAL[what, kind]).format(found=columns_found(hits)),
                                _("name the one to read in partnerbook.yml: imports.survey.{setting}").format(
                                    setting=setting))
        chosen.append(hits[0] if hits else None)
    nps_q, sat_q = chosen
    if nps_q is None and sat_q is None:
        raise ImportProblem(file, _(_NONE_AMONG[what]).format(found=columns_found(candidates)),
                            _("the NPS question asks how likely the customer is to recommend you, the satisfaction "
                              "question how satisfied they are; or name them in partnerbook.yml: "
                              "imports.survey.nps_question / satisfaction_question"))
    return nps_q, sat_q


def _answer(text: str | None, low: int, high: int, file: str, row: int, column: str, *, labels: bool) -> int | None:
    """An answer on the low..high scale: a leading number, stars, or a satisfaction label; None when blank."""
    value = (text or "").strip()
    if not value:
        return None
    found = re.match(r"(\d+)(?:[.,]0+)?(?!\d)", value)
    if found:
        number = int(found.group(1))
    elif value.count("★"):
        number = value.count("★")
    elif labels and value.lower() in LABELS:
        number = LABELS[value.lower()]
    else:
        raise ImportProblem(file, _("answer '{value}' is not a number from {low} to {high}").format(
                                value=shown(value), low=low, high=high),
                            _("answers are read from their leading number (\"9 - Very likely\")"), row=row,
                            column=column)
    if not low <= number <= high:
        raise ImportProblem(file, _("answer {value} is outside the scale {low}-{high}").format(
                                value=number, low=low, high=high),
                            _("NPS answers run 0-10; satisfaction answers 1 to imports.survey.satisfaction_max "
                              "in partnerbook.yml"), row=row, column=column)
    return number


def _read_meta(person: _Respondent, record: dict[str, str], meta: dict[str, str | None], date_col: str | None,
               table: Table, row: int) -> None:
    for kind, column in meta.items():
        value = (record.get(column) or "").strip() if column else ""
        if not value or kind in person.keys:
            continue
        if kind == "page":  # a landing page URL carries utm_source / utm_campaign in its query
            query = parse_qs(urlsplit(value).query)
            for param, rule in (("utm_source", "utm_source"), ("utm_campaign", "campaign")):
                if query.get(param) and rule not in person.keys:
                    person.keys[rule] = query[param][0]
            continue
        person.keys[kind] = value
    if date_col and person.day is None and (text := (record.get(date_col) or "").strip()):
        person.day = table.day(text, row, date_col)


def _attribute(matcher: Matcher, person: _Respondent, file: str) -> str | None:
    """The partner of the first of discount code, UTM source, UTM campaign, referrer that a rule claims."""
    for kind in ("discount_codes", "utm_source", "campaign", "referrers"):
        value = person.keys.get(kind)
        if not value:
            continue
        pairs = [(kind, value)]
        if kind == "discount_codes":  # "MARTA10, FREESHIP": each code
            pairs = [(kind, code) for code in re.split(r"[,;]", value) if code.strip()]
        elif kind == "referrers" and "utm_source=" in value.casefold():
            pairs.append(("utm_source", value))  # a referring URL that carries utm_source
        for rule, candidate in pairs:
            partner = matcher.partner(rule, candidate, file=file, row=person.first_row)
            if partner is not None:
                return partner
    return None
