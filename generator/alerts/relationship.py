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

from generator.alerts.model import Alert, Context, days_phrase
from generator.load.loader import Document, Path_
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
                        f"partnership review every {review.every_days} days, but none is recorded; "
                        "hold one and set review.last", partner=entry.id)
        return
    due = review_due(partner)
    if due is not None and due < ctx.today:
        yield ctx.alert(doc, ("review", "last"), "review-overdue", "warning",
                        f"partnership review overdue: last on {review.last}, due every {review.every_days} days, "
                        f"so on {due} ({days_phrase((due - ctx.today).days)})", partner=entry.id)


def _check_in(ctx: Context, entry: PartnerEntry, partner: Partner) -> Iterator[Alert]:
    assert entry.profile is not None
    limit = ctx.settings.check_in_stale_days
    if not partner.check_ins:
        yield ctx.alert(entry.profile.doc, ("status",), "check-in-stale", "warning",
                        f"active partner with no check-in recorded; log calls, QBRs and visits under check_ins "
                        f"(stale after {limit} days)", partner=entry.id)
        return
    index = max(range(len(partner.check_ins)), key=lambda i: partner.check_ins[i].date)
    latest = partner.check_ins[index]
    days = (ctx.today - latest.date).days
    if days > limit:
        yield ctx.alert(entry.profile.doc, ("check_ins", index, "date"), "check-in-stale", "warning",
                        f"no check-in for {days} days (last: {latest.kind} on {latest.date}), more than {limit}",
                        partner=entry.id)


def _red_flags(ctx: Context, entry: PartnerEntry, partner: Partner) -> Iterator[Alert]:
    assert entry.profile is not None
    for index, flag in enumerate(partner.red_flags):
        if flag.status == "open":
            days = (ctx.today - flag.date).days
            yield ctx.alert(entry.profile.doc, ("red_flags", index, "description"), "red-flag-open", "warning",
                            f"open red flag since {flag.date} ({days} days): {flag.description}", partner=entry.id)


def _due_diligence(ctx: Context, entry: PartnerEntry, partner: Partner) -> Iterator[Alert]:
    assert entry.profile is not None
    doc = entry.profile.doc
    if partner.due_diligence is None or partner.due_diligence.completed is None:
        yield ctx.alert(doc, ("due_diligence",) if partner.due_diligence else ("status",), "due-diligence-missing",
                        "warning", "active partner without completed due diligence; record due_diligence.completed "
                        "with business model, financial health and references", partner=entry.id)
    if partner.evaluation is None:
        yield ctx.alert(doc, ("status",), "due-diligence-missing", "warning",
                        "active partner without an evaluation; score it under evaluation: (criteria 1-5)",
                        partner=entry.id)


def overdue_action(ctx: Context, doc: Document, loc: Path_, what: str, due: date, status: str, *,
                   partner: str | None = None, campaign: str | None = None) -> Alert | None:
    """The one ``action-overdue`` rule: anything with a due date and a status, not done, past due."""
    if status == "done" or due >= ctx.today:
        return None
    return ctx.alert(doc, loc, "action-overdue", "error" if status == "blocked" else "warning",
                     f"{what} was due on {due}, {days_phrase((due - ctx.today).days)}; status {status}",
                     partner=partner, campaign=campaign)


def _overdue(ctx: Context, entry: PartnerEntry, partner: Partner) -> Iterator[Alert]:
    assert entry.profile is not None
    doc = entry.profile.doc
    for index, action in enumerate(partner.actions):
        alert = overdue_action(ctx, doc, ("actions", index, "deadline"),
                               f"action '{action.aspect}' ({action.responsible})", action.deadline, action.status,
                               partner=entry.id)
        if alert is not None:
            yield alert
    for index, item in enumerate(partner.roadmap):
        if item.status != "done" and item.due < ctx.today:
            yield ctx.alert(doc, ("roadmap", index, "due"), "action-overdue", "info",
                            f"roadmap milestone '{item.milestone}' was due on {item.due}, "
                            f"{days_phrase((item.due - ctx.today).days)}; status {item.status}", partner=entry.id)
    for _, contract in sorted(entry.contracts.items()):
        for index, milestone in enumerate(contract.record.milestones):
            alert = overdue_action(ctx, contract.doc, ("milestones", index, "due"),
                                   f"contract milestone '{milestone.name}'", milestone.due, milestone.status,
                                   partner=entry.id)
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
                                   f"learning '{learning.text}' ({learning.owner})", learning.due, learning.status,
                                   campaign=campaign_id)
            if alert is not None:
                yield alert


def relationship_alerts(ctx: Context) -> Iterator[Alert]:
    """Reviews and overdue actions of every partner; check-ins and due diligence of active ones."""
    for _, entry, partner in ctx.partners():
        yield from _review(ctx, entry, partner)
        yield from _red_flags(ctx, entry, partner)
        yield from _overdue(ctx, entry, partner)
        if partner.status == "active":
            yield from _check_in(ctx, entry, partner)
            yield from _due_diligence(ctx, entry, partner)
    yield from _learnings(ctx)
