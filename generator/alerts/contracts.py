"""Contract alerts: notice deadlines, ended and auto-renewed contracts, overdue contract reviews.

* ``contract-notice``: the notice deadline (``end`` minus ``notice_days``, or
  ``end`` when no notice period is recorded) is within the warning window or has
  passed while the contract still runs. Warning; error when the deadline has
  passed on a contract that does not auto-renew (it will end).
* ``contract-ended``: a contract that does not auto-renew has ended while the
  partner is active and no other contract of the partner is current. Error.
* ``contract-renewed``: an auto-renewing contract's ``end`` has passed, so it
  renewed; the record still shows the old term. Info.
* ``review-overdue`` (contracts): ``review.last`` plus ``every_months`` is
  before today (or no review since ``start``/``signed``) on a current contract.
"""

from __future__ import annotations

from collections.abc import Iterator

from generator import i18n
from generator.alerts.model import Alert, Context, date_text, days_phrase
from generator.i18n import _, ngettext
from generator.records import Contract
from generator.records.portfolio import Loaded, PartnerEntry
from generator.rules.contracts import contract_state, effective_start, in_force, notice_deadline, review_due


def _notice(ctx: Context, partner_id: str, contract: Loaded[Contract]) -> Iterator[Alert]:
    record = contract.record
    deadline = notice_deadline(record)
    if record.end is None or deadline is None or record.end < ctx.today:
        return
    days_to_end = (record.end - ctx.today).days
    end = date_text(record.end)
    if not record.notice_days:
        if days_to_end <= ctx.window_days:
            text = (_("contract '{title}' auto-renews on {end}, {when} (no notice period recorded)")
                    if record.auto_renew else
                    _("contract '{title}' ends on {end}, {when} (no notice period recorded)"))
            when = days_phrase(days_to_end)
            yield ctx.alert(contract.doc, ("end",), "contract-notice", "warning",
                            text.format(title=record.title, end=end, when=when), partner=partner_id, relative=(when,))
        return
    days = (deadline - ctx.today).days
    if days > ctx.window_days:
        return
    if days >= 0:
        text = (ngettext("notice deadline {deadline} is {when} ({n} day before the end); contract auto-renews on "
                         "{end} unless notice is given",
                         "notice deadline {deadline} is {when} ({n} days before the end); contract auto-renews on "
                         "{end} unless notice is given", record.notice_days)
                if record.auto_renew else
                ngettext("notice deadline {deadline} is {when} ({n} day before the end); contract ends on {end}",
                         "notice deadline {deadline} is {when} ({n} days before the end); contract ends on {end}",
                         record.notice_days))
        severity = "warning"
    else:
        text = (_("notice deadline {deadline} passed {when}; contract auto-renews on {end}") if record.auto_renew
                else _("notice deadline {deadline} passed {when}; contract ends on {end}, {end_when}"))
        severity = "warning" if record.auto_renew else "error"
    when, end_when = days_phrase(days), days_phrase(days_to_end)
    message = text.format(deadline=date_text(deadline), when=when, n=i18n.number(record.notice_days),
                          end=end, end_when=end_when)
    yield ctx.alert(contract.doc, ("notice_days",), "contract-notice", severity, message, partner=partner_id,
                    relative=(when, end_when))


def _ended(ctx: Context, entry: PartnerEntry, contract: Loaded[Contract]) -> Iterator[Alert]:
    record, partner = contract.record, entry.partner
    state = contract_state(record, ctx.today)
    if record.end is None or state == "in-force" or partner is None:
        return
    ago = days_phrase((record.end - ctx.today).days)
    if state == "renewed":
        yield ctx.alert(contract.doc, ("end",), "contract-renewed", "info",
                        _("contract '{title}' auto-renewed on {end} ({when}); record the new term's end date").format(
                            title=record.title, end=date_text(record.end), when=ago), partner=entry.id,
                        relative=(ago,))
        return
    others = [c for cid, c in entry.contracts.items() if cid != contract.id and in_force(c.record, ctx.today)]
    if partner.status == "active" and not others:
        yield ctx.alert(contract.doc, ("end",), "contract-ended", "error",
                        _("contract '{title}' ended on {end} ({when}) but the partner is still active and has no "
                          "current contract; file the new contract or change the partner's status").format(
                            title=record.title, end=date_text(record.end), when=ago), partner=entry.id,
                        relative=(ago,))


def _review(ctx: Context, partner_id: str, contract: Loaded[Contract]) -> Iterator[Alert]:
    record = contract.record
    if record.review is None or contract_state(record, ctx.today) != "in-force":
        return
    every = record.review.every_months
    since = record.review.last or effective_start(record)
    due = review_due(record)
    if due is None or since is None or due >= ctx.today:
        return
    if record.review.last:
        text = ngettext("contract review overdue: last reviewed on {since}, due every {n} month, so on {due} ({when})",
                        "contract review overdue: last reviewed on {since}, due every {n} months, so on {due} "
                        "({when})", every)
    else:
        text = ngettext("contract review overdue: never reviewed since {since}, due every {n} month, so on {due} "
                        "({when})",
                        "contract review overdue: never reviewed since {since}, due every {n} months, so on {due} "
                        "({when})", every)
    when = days_phrase((due - ctx.today).days)
    yield ctx.alert(contract.doc, ("review", "last") if record.review.last else ("review",), "review-overdue",
                    "warning", text.format(since=date_text(since), n=i18n.number(every), due=date_text(due),
                                           when=when), partner=partner_id, relative=(when,))


def contract_alerts(ctx: Context) -> Iterator[Alert]:
    """Every contract alert of every partner that is not offboarded."""
    for partner_id, entry, _partner in ctx.partners():
        for _id, contract in sorted(entry.contracts.items()):
            yield from _notice(ctx, partner_id, contract)
            yield from _ended(ctx, entry, contract)
            yield from _review(ctx, partner_id, contract)
