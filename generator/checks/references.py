"""Cross-file checks: every id a record names must exist, and appear only once."""

from __future__ import annotations

from generator import i18n
from generator.checks.typing import did_you_mean, listing
from generator.i18n import N_, _
from generator.problems import Problem, Severity
from generator.records.portfolio import PartnerEntry, Portfolio
from generator.rules.sla import met, value_of

# What an id names: (unknown, known ones, none yet), each a whole sentence of the catalog.
_UNKNOWN = {
    "partner": (N_("unknown partner '{name}'"), N_("known partners: {names}"), N_("no partners are defined yet")),
    "evaluation criterion": (N_("unknown evaluation criterion '{name}'"), N_("known evaluation criteria: {names}"),
                             N_("no evaluation criteria are defined yet")),
    "contract": (N_("unknown contract '{name}'"), N_("known contracts: {names}"), N_("no contracts are defined yet")),
    "metric": (N_("unknown metric '{name}'"), N_("known metrics: {names}"), N_("no metrics are defined yet")),
}


def _unknown(what: str, name: str, known: list[str]) -> tuple[str, str]:
    unknown, listed, none = _UNKNOWN[what]
    guess = did_you_mean(name, known)
    hint = _("did you mean '{guess}'?").format(guess=guess) if guess else (
        _(listed).format(names=listing(sorted(known))) if known else _(none))
    return _(unknown).format(name=name), hint


def check_references(portfolio: Portfolio) -> list[Problem]:
    """Backups, campaign partners, SLA contracts and metrics, evaluation criteria."""
    problems: list[Problem] = []
    partner_ids = sorted(portfolio.partners)
    criteria = sorted(portfolio.settings.evaluation.criteria)
    names: dict[str, str] = {}
    for entry in portfolio.partners.values():
        if entry.profile:
            partner, doc = entry.profile.record, entry.profile.doc
            folded = partner.name.casefold()
            if folded in names:
                problems.append(doc.problem(("name",), "duplicate-name",
                                            _("partner name '{name}' is also used by '{other}'").format(
                                                name=partner.name, other=names[folded]),
                                            _("give each partner a distinct display name"),
                                            severity=Severity.WARNING))
            names.setdefault(folded, entry.id)
            for index, backup in enumerate(partner.backup_partners):
                if backup == entry.id:
                    problems.append(doc.problem(("backup_partners", index), "unknown-reference",
                                                _("a partner cannot be its own backup"),
                                                _("name another partner that can take over")))
                elif backup not in portfolio.partners:
                    problems.append(doc.problem(("backup_partners", index), "unknown-reference",
                                                *_unknown("partner", backup, partner_ids)))
            if partner.evaluation:
                for criterion in partner.evaluation.scores:
                    if criterion not in portfolio.settings.evaluation.criteria:
                        message, hint = _unknown("evaluation criterion", criterion, criteria)
                        problems.append(doc.problem(("evaluation", "scores", criterion), "unknown-criterion",
                                                    message, _("{hint} (criteria are set in partnerbook.yml)").format(
                                                        hint=hint),
                                                    key=True))
        if entry.sla:
            problems += _check_sla(entry, portfolio)
    if portfolio.settings_doc is not None:
        for index, silence in enumerate(portfolio.settings.alerts.silences):
            if silence.partner not in portfolio.partners:
                problems.append(portfolio.settings_doc.problem(
                    ("alerts", "silences", index, "partner"), "unknown-reference",
                    *_unknown("partner", silence.partner, partner_ids)))
    for campaign in portfolio.campaigns.values():
        seen: dict[str, int] = {}
        for index, result in enumerate(campaign.record.results):
            loc = ("results", index, "partner")
            if result.partner not in portfolio.partners:
                problems.append(campaign.doc.problem(loc, "unknown-reference",
                                                     *_unknown("partner", result.partner, partner_ids)))
            if result.partner in seen:
                first_line = campaign.doc.where(("results", seen[result.partner], "partner"))[0]
                problems.append(campaign.doc.problem(
                    loc, "duplicate-partner",
                    _("partner '{partner}' has two results in this campaign (first on line {line})").format(
                        partner=result.partner, line=first_line),
                    _("merge the two results into one entry")))
            else:
                seen[result.partner] = index
    return problems


def _check_sla(entry: PartnerEntry, portfolio: Portfolio) -> list[Problem]:
    assert entry.sla is not None
    sla, doc = entry.sla.record, entry.sla.doc
    problems: list[Problem] = []
    if sla.contract is not None and sla.contract not in entry.contracts:
        _message, hint = _unknown("contract", sla.contract, sorted(entry.contracts))
        problems.append(doc.problem(("contract",), "unknown-reference",
                                    _("unknown contract '{name}' of partner '{partner}'").format(
                                        name=sla.contract, partner=entry.id),
                                    _("{hint} (contracts live in {path})").format(
                                        hint=hint, path=f"partners/{entry.id}/contracts/")))
    metric_ids: dict[str, int] = {}
    for index, metric in enumerate(sla.metrics):
        if metric.id in metric_ids:
            problems.append(doc.problem(("metrics", index, "id"), "duplicate-id",
                                        _("metric id '{id}' is defined twice").format(id=metric.id),
                                        _("give each metric its own id")))
        metric_ids.setdefault(metric.id, index)
    months: dict[str, int] = {}
    for index, measurement in enumerate(sla.measurements):
        if measurement.month in months:
            first_line = doc.where(("measurements", months[measurement.month], "month"))[0]
            problems.append(doc.problem(("measurements", index, "month"), "duplicate-entry",
                                        _("month {month} is measured twice (first on line {line})").format(
                                            month=measurement.month, line=first_line),
                                        _("keep one entry per month")))
        months.setdefault(measurement.month, index)
        for key in measurement.model_extra or {}:
            if key not in metric_ids:
                message, hint = _unknown("metric", key, list(metric_ids))
                problems.append(doc.problem(("measurements", index, key), "unknown-metric", message,
                                            _("{hint} (measurement keys are the ids under metrics:)").format(
                                                hint=hint), key=True))
    return problems + _check_credits(entry)


def _check_credits(entry: PartnerEntry) -> list[Problem]:
    """``credits:`` name breached months of this SLA, once each, and are received on or after their claim."""
    assert entry.sla is not None
    sla, doc = entry.sla.record, entry.sla.doc
    breached = sorted({m.month for i, m in enumerate(sla.measurements)
                       if any((v := value_of(sla, i, metric)) is not None and not met(metric, v)
                              for metric in sla.metrics)})
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for index, credit in enumerate(sla.credits):
        loc = ("credits", index)
        if credit.month in seen:
            first_line = doc.where(("credits", seen[credit.month], "month"))[0]
            problems.append(doc.problem((*loc, "month"), "duplicate-entry",
                                        _("the credit of {month} is recorded twice (first on line {line})").format(
                                            month=credit.month, line=first_line),
                                        _("keep one entry per month")))
        seen.setdefault(credit.month, index)
        if credit.month not in breached:
            measured = any(m.month == credit.month for m in sla.measurements)
            message = (_("a service credit is recorded for {month}, but no metric missed its target that month")
                       if measured else _("a service credit is recorded for {month}, but that month has no "
                                          "measurements"))
            hint = (_("breached months of this SLA: {months}; fix the month or remove the entry").format(
                        months=", ".join(breached[-12:])) if breached
                    else _("no month of this SLA is breached, so no credit is due; fix the month or remove the "
                           "entry"))
            problems.append(doc.problem((*loc, "month"), "credit-not-breached",
                                        message.format(month=credit.month), hint))
        first_day = f"{credit.month}-01"
        if credit.claimed is not None and credit.claimed.isoformat() < first_day:
            problems.append(doc.problem((*loc, "claimed"), "date-order",
                                        _("claimed ({date}) is before the month {month} it is for").format(
                                            date=i18n.day(credit.claimed), month=credit.month),
                                        _("a credit is claimed after its month starts; check the date and the "
                                          "month")))
        if credit.claimed is not None and credit.received is not None and credit.received < credit.claimed:
            problems.append(doc.problem((*loc, "received"), "date-order",
                                        _("received ({date}) is before claimed ({other_date})").format(
                                            date=i18n.day(credit.received), other_date=i18n.day(credit.claimed)),
                                        _("a credit is received on or after the day it is claimed; check both "
                                          "dates")))
    return problems
