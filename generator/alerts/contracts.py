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

from generator.alerts.model import Alert, Context, days_phrase
from generator.records import Contract
from generator.records.portfolio import Loaded, PartnerEntry
from generator.rules.contracts import contract_state, effective_start, in_force, notice_deadline, review_due


def _notice(ctx: Context, partner_id: str, contract: Loaded[Contract]) -> Iterator[Alert]:
    record = contract.record
    deadline = notice_deadline(record)
    if record.end is None or deadline is None or record.end < ctx.today:
        return
    days_to_end = (record.end - ctx.today).days
    then = (f"contract auto-renews on {record.end} unless notice is given" if record.auto_renew
            else f"contract ends on {record.end}")
    if not record.notice_days:
        if days_to_end <= ctx.window_days:
            what = "auto-renews" if record.auto_renew else "ends"
            yield ctx.alert(contract.doc, ("end",), "contract-notice", "warning",
                            f"contract '{record.title}' {what} on {record.end}, {days_phrase(days_to_end)} "
                            "(no notice period recorded)", partner=partner_id)
        return
    days = (deadline - ctx.today).days
    if days > ctx.window_days:
        return
    if days >= 0:
        message = (f"notice deadline {deadline} is {days_phrase(days)} ({record.notice_days} days before the end); "
                   f"{then}")
        severity = "warning"
    else:
        then = f"contract auto-renews on {record.end}" if record.auto_renew else \
            f"contract ends on {record.end}, {days_phrase(days_to_end)}"
        message = f"notice deadline {deadline} passed {-days} day{'s' * (days != -1)} ago; {then}"
        severity = "warning" if record.auto_renew else "error"
    yield ctx.alert(contract.doc, ("notice_days",), "contract-notice", severity, message, partner=partner_id)


def _ended(ctx: Context, entry: PartnerEntry, contract: Loaded[Contract]) -> Iterator[Alert]:
    record, partner = contract.record, entry.partner
    state = contract_state(record, ctx.today)
    if record.end is None or state == "in-force" or partner is None:
        return
    ago = days_phrase((record.end - ctx.today).days)
    if state == "renewed":
        yield ctx.alert(contract.doc, ("end",), "contract-renewed", "info",
                        f"contract '{record.title}' auto-renewed on {record.end} ({ago}); "
                        "record the new term's end date", partner=entry.id)
        return
    others = [c for cid, c in entry.contracts.items() if cid != contract.id and in_force(c.record, ctx.today)]
    if partner.status == "active" and not others:
        yield ctx.alert(contract.doc, ("end",), "contract-ended", "error",
                        f"contract '{record.title}' ended on {record.end} ({ago}) but the partner is still active "
                        "and has no current contract; file the new contract or change the partner's status",
                        partner=entry.id)


def _review(ctx: Context, partner_id: str, contract: Loaded[Contract]) -> Iterator[Alert]:
    record = contract.record
    if record.review is None or contract_state(record, ctx.today) != "in-force":
        return
    every = record.review.every_months
    since = record.review.last or effective_start(record)
    due = review_due(record)
    if due is None or since is None or due >= ctx.today:
        return
    last = f"last reviewed {record.review.last}" if record.review.last else f"never reviewed since {since}"
    yield ctx.alert(contract.doc, ("review", "last") if record.review.last else ("review",), "review-overdue",
                    "warning", f"contract review overdue: {last}, due every {every} months, so on {due} "
                    f"({days_phrase((due - ctx.today).days)})", partner=partner_id)


def contract_alerts(ctx: Context) -> Iterator[Alert]:
    """Every contract alert of every partner that is not offboarded."""
    for partner_id, entry, _ in ctx.partners():
        for _, contract in sorted(entry.contracts.items()):
            yield from _notice(ctx, partner_id, contract)
            yield from _ended(ctx, entry, contract)
            yield from _review(ctx, partner_id, contract)
