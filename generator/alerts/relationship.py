"""Relationship alerts: reviews, check-ins, red flags, due diligence and overdue actions.

* ``review-overdue``: ``review.last`` plus ``review.every_days`` is before today
  (or no review is recorded) for a partner that is onboarding, active or paused. Warning.
* ``check-in-stale``: an active partner's latest check-in is more than
  ``alerts.check_in_stale_days`` (default 90) days ago, or there is none. Warning.
* ``red-flag-open``: every red flag with ``status: open``. Warning.
* ``due-diligence-missing``: an active partner without ``due_diligence.completed``
  or without an ``evaluation``. Warning.
* ``action-overdue``: an action, a contract milestone or a campaign review learning
  with an owner and a due date, not ``done``, whose deadline is before today
  (warning; error when ``blocked``), and a roadmap milestone not ``done`` past its
  due date (info: the roadmap needs updating).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from generator import i18n, labels
from generator.alerts.model import Alert, Context, date_text, day_count, days_phrase
from generator.i18n import _, ngettext
from generator.load.document import Document
from generator.load.positions import Path_
from generator.records import Partner
from generator.records.portfolio import PartnerEntry
from generator.rules.partners import review_due

REVIEWED_STATUSES = ("onboarding", "active", "paused")


def _review(ctx: Context, entry: PartnerEntry, partner: Partner) -> Iterator[Alert]:
    assert entry.profile is not None
    review = partner.review
    if review is None or partner.status not in REVIEWED_STATUSES:
        return
    doc = entry.profile.doc
    if review.last is None:
        yield ctx.alert(doc, ("review",), "review-overdue", "warning",
                        ngettext("partnership review every {n} day, but none is recorded; hold one and set review.last",
                                 "partnership review every {n} days, but none is recorded; hold one and set "
                                 "review.last", review.every_days).format(n=i18n.number(review.every_days)),
                        partner=entry.id)
        return
    due = review_due(partner)
    if due is not None and due < ctx.today:
        when = days_phrase((due - ctx.today).days)
        yield ctx.alert(doc, ("review", "last"), "review-overdue", "warning",
                        ngettext("partnership review overdue: last on {last}, due every {n} day, so on {due} ({when})",
                                 "partnership review overdue: last on {last}, due every {n} days, so on {due} ({when})",
                                 review.every_days).format(
                            last=date_text(review.last), n=i18n.number(review.every_days), due=date_text(due),
                            when=when), partner=entry.id, relative=(when,))


def _check_in(ctx: Context, entry: PartnerEntry, partner: Partner) -> Iterator[Alert]:
    assert entry.profile is not None
    limit = ctx.settings.check_in_stale_days
    if not partner.check_ins:
        yield ctx.alert(entry.profile.doc, ("status",), "check-in-stale", "warning",
                        _("active partner with no check-in recorded; log calls, QBRs and visits under check_ins "
                          "(stale after {limit})").format(limit=day_count(limit)), partner=entry.id)
        return
    index = max(range(len(partner.check_ins)), key=lambda i: partner.check_ins[i].date)
    latest = partner.check_ins[index]
    days = (ctx.today - latest.date).days
    if days > limit:
        since = day_count(days)
        yield ctx.alert(entry.profile.doc, ("check_ins", index, "date"), "check-in-stale", "warning",
                        _("no check-in for {days} (last: {kind} on {date}), more than {limit}").format(
                            days=since, kind=labels.label("kind", latest.kind),
                            date=date_text(latest.date), limit=day_count(limit)), partner=entry.id, relative=(since,))


def _red_flags(ctx: Context, entry: PartnerEntry, partner: Partner) -> Iterator[Alert]:
    assert entry.profile is not None
    for index, flag in enumerate(partner.red_flags):
        if flag.status == "open":
            since = day_count((ctx.today - flag.date).days)
            yield ctx.alert(entry.profile.doc, ("red_flags", index, "description"), "red-flag-open", "warning",
                            _("open red flag since {date} ({days}): {description}").format(
                                date=date_text(flag.date), days=since, description=flag.description),
                            partner=entry.id, relative=(since,))


def _due_diligence(ctx: Context, entry: PartnerEntry, partner: Partner) -> Iterator[Alert]:
    assert entry.profile is not None
    doc = entry.profile.doc
    if partner.due_diligence is None or partner.due_diligence.completed is None:
        yield ctx.alert(doc, ("due_diligence",) if partner.due_diligence else ("status",), "due-diligence-missing",
                        "warning", _("active partner without completed due diligence; record due_diligence.completed "
                                     "with business model, financial health and references"), partner=entry.id)
    if partner.evaluation is None:
        yield ctx.alert(doc, ("status",), "due-diligence-missing", "warning",
                        _("active partner without an evaluation; score it under evaluation: (criteria 1-5)"),
                        partner=entry.id)


def overdue_action(ctx: Context, doc: Document, loc: Path_, text: str, due: date, status: str, *,
                   partner: str | None = None, campaign: str | None = None, **values: str) -> Alert | None:
    """The one ``action-overdue`` rule: anything with a due date and a status, not done, past due.

    ``text`` is the message, translated, with ``{due}``, ``{when}`` and ``{status}`` and the ``values`` to fill.
    """
    if status == "done" or due >= ctx.today:
        return None
    when = days_phrase((due - ctx.today).days)
    return ctx.alert(doc, loc, "action-overdue", "error" if status == "blocked" else "warning",
                     text.format(due=date_text(due), when=when, status=labels.label("state", status), **values),
                     partner=partner, campaign=campaign, relative=(when,))


def _overdue(ctx: Context, entry: PartnerEntry, partner: Partner) -> Iterator[Alert]:
    assert entry.profile is not None
    doc = entry.profile.doc
    for index, action in enumerate(partner.actions):
        alert = overdue_action(ctx, doc, ("actions", index, "deadline"),
                               _("action '{aspect}' ({responsible}) was due on {due}, {when}; status {status}"),
                               action.deadline, action.status, partner=entry.id, aspect=action.aspect,
                               responsible=action.responsible)
        if alert is not None:
            yield alert
    for index, item in enumerate(partner.roadmap):
        if item.status != "done" and item.due < ctx.today:
            when = days_phrase((item.due - ctx.today).days)
            yield ctx.alert(doc, ("roadmap", index, "due"), "action-overdue", "info",
                            _("roadmap milestone '{name}' was due on {due}, {when}; status {status}").format(
                                name=item.milestone, due=date_text(item.due), when=when,
                                status=labels.label("state", item.status)), partner=entry.id, relative=(when,))
    for _id, contract in sorted(entry.contracts.items()):
        for index, milestone in enumerate(contract.record.milestones):
            alert = overdue_action(ctx, contract.doc, ("milestones", index, "due"),
                                   _("contract milestone '{name}' was due on {due}, {when}; status {status}"),
                                   milestone.due, milestone.status, partner=entry.id, name=milestone.name)
            if alert is not None:
                yield alert


def _learnings(ctx: Context) -> Iterator[Alert]:
    """Review learnings with an owner and a due date are actions of their campaign."""
    for campaign_id, campaign in sorted(ctx.portfolio.campaigns.items()):
        review = campaign.record.review
        for index, learning in enumerate(review.learnings if review else []):
            if isinstance(learning, str) or learning.owner is None or learning.due is None:
                continue
            alert = overdue_action(ctx, campaign.doc, ("review", "learnings", index, "due"),
                                   _("learning '{learning}' ({owner}) was due on {due}, {when}; status {status}"),
                                   learning.due, learning.status, campaign=campaign_id, learning=learning.text,
                                   owner=learning.owner)
            if alert is not None:
                yield alert


def relationship_alerts(ctx: Context) -> Iterator[Alert]:
    """Reviews and overdue actions of every partner; check-ins and due diligence of active ones."""
    for _id, entry, partner in ctx.partners():
        yield from _review(ctx, entry, partner)
        yield from _red_flags(ctx, entry, partner)
        yield from _overdue(ctx, entry, partner)
        if partner.status == "active":
            yield from _check_in(ctx, entry, partner)
            yield from _due_diligence(ctx, entry, partner)
    yield from _learnings(ctx)
