"""Contracts on a date: in force, ended, renewed; notice deadlines.

* A contract has **ended** when its ``end`` has passed and it does not auto-renew.
* An auto-renewing contract whose ``end`` has passed has **renewed**: it is still in force,
  and the record should get the new term.
* Every other contract is **in force** (including one that starts later): clauses are
  required of these, and only these.
* Its **term** runs from ``start`` (else ``signed``) to ``end``; an open-ended or renewed
  contract runs on. Fees, commitments, reviews and currency conversion all use this term.
* The **notice deadline** is ``end - notice_days``; with no notice period (absent or 0) it
  is ``end`` itself. An open-ended contract has none.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from generator.records import Contract
from generator.rules.windows import plus_days

ContractState = Literal["in-force", "ended", "renewed"]


def effective_start(contract: Contract) -> date | None:
    """When the contract starts counting: ``start``, else ``signed`` (None when neither is recorded)."""
    return contract.start or contract.signed


def term(contract: Contract, today: date) -> tuple[date, date | None] | None:
    """(first day, last day) the contract is in force on ``today``'s knowledge; None without a start.

    The last day is None while it runs on: open-ended, or auto-renewed after its ``end`` passed.
    """
    start = effective_start(contract)
    if start is None:
        return None
    return start, None if contract_state(contract, today) == "renewed" else contract.end


def contract_state(contract: Contract, today: date) -> ContractState:
    if contract.end is None or contract.end >= today:
        return "in-force"
    return "renewed" if contract.auto_renew else "ended"


def in_force(contract: Contract, today: date) -> bool:
    """Not ended: running, starting later, or renewed automatically."""
    return contract_state(contract, today) != "ended"


def notice_deadline(contract: Contract) -> date | None:
    """The last day to give notice before ``end``; ``end`` itself without a notice period; None when open-ended."""
    if contract.end is None:
        return None
    if not contract.notice_days:
        return contract.end
    return plus_days(contract.end, -contract.notice_days)


def review_due(contract: Contract) -> date | None:
    """When the contract's periodic review is due: ``review.last`` (else ``start``, else ``signed``) + every_months."""
    from generator.rules.dates import add_months

    review = contract.review
    if review is None:
        return None
    since = review.last or effective_start(contract)
    if since is None:
        return None
    return add_months(since, review.every_months)


def key_dates(contract: Contract) -> list[tuple[str, date]]:
    """The dated events of a contract, as the calendar, the pages and the alerts name them.

    A notice deadline only when there is a notice period (with none, it is the end itself);
    then the end, or the auto-renewal for a contract that renews by itself.
    """
    if contract.end is None:
        return []
    dates: list[tuple[str, date]] = []
    deadline = notice_deadline(contract)
    if contract.notice_days and deadline is not None:
        dates.append(("notice deadline", deadline))
    dates.append(("auto-renewal" if contract.auto_renew else "contract end", contract.end))
    return dates
