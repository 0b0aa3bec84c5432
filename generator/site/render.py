"""Render stage: Jinja2 templates from site_templates/ to Markdown pages.

Every ``{{ value }}`` is escaped for Markdown and HTML by default (the
environment's ``finalize``): text from records can never become markup. Only
values the generator itself formats (KPI figures, links it checked) are
marked safe with ``Markup``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import jinja2
from markupsafe import Markup

from generator import i18n, labels, markdown, templates_dir
from generator.i18n import N_
from generator.inert import shown
from generator.measure.tables import format_kpi
from generator.rules import formats
from generator.rules.money import Rates, contract_date
from generator.site import stamp

TEMPLATES = templates_dir()


def _finalize(value: Any) -> Any:
    if isinstance(value, Markup):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return Markup(i18n._("yes") if value else i18n._("no"))
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, date):
        return Markup(markdown.text(i18n.day(value)))
    return markdown.text(value)


def _param(value: Any) -> Any:
    """A value put into a translated sentence: escaped like any ``{{ value }}``; numbers in the page's locale."""
    if isinstance(value, int) and not isinstance(value, bool):
        return i18n.number(value)
    return _finalize(value)


def _gettext(message: str, **params: Any) -> Markup:
    """``{{ _("Text with %(name)s", name=value) }}``: the catalog's sentence (trusted Markdown) with escaped values.

    The sentence comes from partnerbook's own catalogs, never from the records; every value put into it
    is escaped as ``{{ value }}`` is, so record text stays text inside a translated sentence too.
    """
    text = i18n._(message)
    return Markup(text % {key: _param(value) for key, value in params.items()} if params else text)


def _ngettext(singular: str, plural: str, n: int, **params: Any) -> Markup:
    """``{{ ngettext("%(num)s partner", "%(num)s partners", n) }}``: the form for ``n`` (``num`` is ``n``)."""
    text = i18n.ngettext(singular, plural, n)
    values = {"num": i18n.number(n), **{key: _param(value) for key, value in params.items()}}
    return Markup(text % values)


def _kpi(value: Any, name: str) -> Markup:
    if isinstance(value, str):
        return Markup(markdown.text(value))
    return Markup(format_kpi(name, value))  # digits, signs, '%', 'pp', 'n/a': nothing Markdown reads


def _tick(done: bool | None, name: Any = None) -> Markup:
    """A checklist item's checkbox, drawn as pymdownx.tasklist draws one (``custom_checkbox``), with a name.

    tasklist turns ``[x]`` into an input whose label holds only the drawn indicator, so screen readers
    (and axe) find a checkbox without a name. This is the same markup with ``aria-label`` (the item's
    text, every character an entity: record text stays inert); the template puts ``{ .task-list-item }``
    on the line after it (attr_list) for the theme's task-list layout.
    """
    checked = Markup(" checked") if done else Markup("")
    label = markdown.attribute(shown(" ".join(str(name or "").split())))
    return Markup('<label class="task-list-control"><input type="checkbox" disabled{} aria-label="{}">'
                  '<span class="task-list-indicator"></span></label>').format(checked, label)


# States shown as a mark rather than a word (the word on hover): a document the policy does not ask for.
_STATE_LABELS = {"not required": Markup("&ndash;")}
_STATE_CLASSES = {"error": "bad", "warning": "warn", "info": "info", "none": "bad",
                  "valid": "good", "met": "good", "green": "good", "expiring": "warn", "pending": "warn",
                  "amber": "warn", "expired": "bad", "missing": "bad", "missed": "bad", "red": "bad",
                  "owed": "warn", "claimed": "info", "received": "good"}


def _money(amount: Any, currency: str, negative: bool = False) -> Markup:
    """Money as everywhere else: ``9,000.00 EUR`` (``generator.rules.formats.money``).

    A ledger amount (``generator.measure.money.Amount``) shows its original beside it when it was all
    recorded in one other currency: ``920.00 EUR (1,000.00 USD)``. ``negative`` writes it as a deduction.
    """
    original = None
    if amount is not None and not isinstance(amount, int | float):
        amount, original = amount.value, amount.original
    sign = -1 if negative else 1
    text = formats.money(None if amount is None else sign * amount + 0.0, currency)
    if original is not None and amount is not None:
        text += f" ({formats.money(sign * original[0] + 0.0, original[1])})"
    return markdown.text(text)


def _contract_value(contract: Any, rates: Rates) -> Markup:
    """A contract's value in the reporting currency, the recorded amount beside it when converted, per period."""
    value = contract.value
    if value is None:
        return Markup(markdown.text(i18n._("n/a")))
    amount = rates.convert(value.amount, value.currency, contract_date(contract))
    text = formats.money(amount, rates.reporting)
    if value.currency is not None and value.currency != rates.reporting:
        text += f" ({formats.money(value.amount, value.currency)})"
    return markdown.text(f"{text} / {labels.label('period', value.period)}")


def _state(state: str | None, kind: str = "state") -> Markup:
    """A state as a coloured badge; the word is always shown, so colour is never the only signal.

    The colour comes from the id (``expired``: bad); the word is its label in the page's language
    (``labels.label(kind, id)``, else the ``state`` label: ``| state("severity")`` reads "Error").
    """
    if state is None or state == "n/a":
        return Markup(markdown.text(i18n._("n/a")))
    if state in _STATE_LABELS:
        return Markup('<span title="{}">{}</span>').format(markdown.attribute(labels.label("state", state)),
                                                           _STATE_LABELS[state])
    text = labels.label(kind, state)
    if text == state and kind != "state":
        text = labels.label("state", state)
    css = _STATE_CLASSES.get(state)
    if css is None:
        return Markup(markdown.text(text))
    return Markup('<span class="pb-badge pb-{}">{}</span>').format(css, Markup(markdown.text(text)))


_CONDITION_KEYS = {"category": N_("category"), "status": N_("status"), "criticality": N_("criticality"),
                   "personal_data": N_("personal data"), "card_data": N_("card data"),
                   "regions": N_("regions served")}


def _conditions(conditions: Any) -> Markup:
    """``when`` / ``applies_to`` conditions in words: "category: Payments *or* card data: yes"."""
    either = i18n._("or")
    parts = []
    for condition in conditions:
        keys = condition.model_dump(exclude_none=True)
        parts.append(", ".join(f"{i18n._(_CONDITION_KEYS.get(key, key))}: {_condition_value(key, value, either)}"
                               for key, value in sorted(keys.items())))
    return Markup(" <em>{}</em> ").format(either).join(markdown.text(part) for part in parts)


def _condition_value(key: str, value: Any, either: str) -> str:
    if isinstance(value, bool):
        return i18n._("yes") if value else i18n._("no")
    if isinstance(value, list):
        return f" {either} ".join(labels.label(key, str(item)) for item in value)
    return str(value)


def _described(description: str | None, kind: str, value: str) -> Markup:
    """A built-in entry's description (a compliance requirement's) in the page's language, its help text;
    a team's own entry, or a built-in one the team described otherwise, as the team wrote it."""
    entry = labels.LABELS.get(kind, {}).get(value)
    if entry and entry[1] and (description is None or description.rstrip(".") == entry[1].rstrip(".")):
        return Markup(markdown.text(labels.help_text(kind, value).rstrip(".")))
    return Markup(markdown.text(description or labels.label(kind, value)))


def _term(value: str | None, kind: str) -> Markup:
    """An id's plain label with its help on hover (``title``); the label alone when it has no help."""
    text = Markup(markdown.text(labels.label(kind, value)))
    tip = labels.help_text(kind, value)
    if not tip:
        return text
    return Markup('<span class="pb-term" title="{}">{}</span>').format(tip, text)


@jinja2.pass_context
def _source(context: Any, file: str, line: int | None = None) -> Markup:
    """``path:line`` in code, linked to that line in the repository when ``mkdocs.yml`` names one (``repo``)."""
    text = Markup("<code>{}</code>").format(markdown.text(f"{file}:{line}" if line else file))
    repo = context.get("repo")
    if repo is None or not file:
        return text
    return Markup('<a href="{}" class="pb-source">{}</a>').format(repo.view(file, line), text)


@jinja2.pass_context
def _edit_link(context: Any, file: str | None) -> Markup:
    """"Edit this record": the repository's editor for ``file``, when ``mkdocs.yml`` names a repository."""
    repo = context.get("repo")
    if repo is None or not file:
        return Markup("")
    return Markup('<a href="{}" class="pb-edit" title="{}">{}</a>').format(
        repo.edit(file), file, i18n._("Edit this record"))


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES / "pages"),
        autoescape=False,  # output is Markdown; escaping is done by finalize and the md filters
        finalize=_finalize,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(markdown.FILTERS)
    env.filters["kpi"] = _kpi
    env.filters["money"] = _money
    env.filters["contract_value"] = _contract_value
    env.filters["tick"] = _tick
    env.filters["front_title"] = markdown.yaml_title
    env.filters["state"] = _state
    env.filters["conditions"] = _conditions
    env.globals["dash"] = Markup("&ndash;")
    env.filters["label"] = lambda value, kind: Markup(markdown.text(labels.label(kind, value)))
    env.filters["term"] = _term
    env.filters["described"] = _described
    env.globals["_"] = _gettext
    env.globals["ngettext"] = _ngettext
    env.globals["source"] = _source
    env.globals["edit_link"] = _edit_link
    env.filters["day"] = lambda value: Markup(markdown.text(i18n.day(value))) if value else Markup("")
    env.filters["number"] = lambda value, digits=0: (
        Markup(markdown.text(i18n._("n/a"))) if value is None else Markup(markdown.text(i18n.number(value, digits))))
    # Words that count days from the build's day, put into the page at write time (generator/site/stamp.py):
    # ``{{ d.days_left | days_left }}``, ``{{ alert.message | dated(alert.relative) }}``.
    env.filters["days_left"] = lambda value: (
        Markup(markdown.text(i18n._("n/a"))) if value is None else stamp.relative(i18n.number(value)))
    env.filters["dated"] = stamp.relative_phrases
    return env


def render_page(env: jinja2.Environment, template: str, context: dict[str, Any]) -> str:
    return env.get_template(template).render(**context)


def render_all(plan: dict[str, tuple[str, dict[str, Any]]]) -> dict[str, bytes]:
    """Every page of ``plan`` rendered to UTF-8 Markdown, in plan order.

    Rendering stays in one process: measured on 1,000 partners, forking workers cost
    more (each compiles the templates and starts with a cold escape cache) than the
    second core saved.
    """
    env = environment()
    return {path: render_page(env, template, context).encode("utf-8") for path, (template, context) in plan.items()}
