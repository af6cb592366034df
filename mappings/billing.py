"""Billing owner rules (issue 16): who pays a company's subscription, the firm's takeover
proposal and its states, and when a confirmed change takes effect. Pure: data in, data out;
imports nothing of the store, the web or I/O. Nothing here moves money.

States: ``proposed`` -> ``confirmed`` | ``refused`` | ``expired`` | ``withdrawn``. A proposal
expires 48 hours after it was made (read from the clock, no scheduler needed). A confirmed change
takes effect on the company's next billing date; the current owner is the latest confirmed change
whose date has come, else the company's recorded owner.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

Owner = Literal["client", "firm"]
State = Literal["proposed", "confirmed", "refused", "expired", "withdrawn"]
Action = Literal["propose", "confirm", "refuse", "withdraw"]
Side = Literal["client_primary", "firm_writer", "other"]

PROPOSAL_TTL = timedelta(hours=48)
FINAL_STATES: frozenset[str] = frozenset({"confirmed", "refused", "expired", "withdrawn"})
DECISIONS: dict[str, State] = {
    "confirm": "confirmed",
    "refuse": "refused",
    "withdraw": "withdrawn",
}
WHO_MAY: dict[str, Side] = {
    "propose": "firm_writer",
    "withdraw": "firm_writer",
    "confirm": "client_primary",
    "refuse": "client_primary",
}


class BillingRuleError(ValueError):
    """An action the rules do not allow (``.reason`` is the sentence the page shows)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True, kw_only=True)
class BillingChange:
    """One proposal and what became of it."""

    id: int
    firm_id: int
    state: State
    proposed_at: datetime
    proposed_by: str
    decided_at: datetime | None = None
    decided_by: str | None = None
    effective_on: date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class BillingOwner:
    """Who is responsible for the subscription now, and since when."""

    owner: Owner
    firm_id: int | None
    since: date | None


def first_of_next_month(day: date) -> date:
    """The default next billing date: the first day of the month after ``day``."""
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def next_billing_date(stored: date | None, today: date) -> date:
    """The company's next billing date: the stored one when still to come, else the first of
    next month."""
    if stored is not None and stored > today:
        return stored
    return first_of_next_month(today)


def expires_at(change: BillingChange) -> datetime:
    """When an unanswered proposal expires."""
    return change.proposed_at + PROPOSAL_TTL


def state_at(change: BillingChange, now: datetime) -> State:
    """The change's state at ``now``: a proposal unanswered for 48 hours is ``expired``."""
    if change.state == "proposed" and now >= expires_at(change):
        return "expired"
    return change.state


def check_may(action: Action, side: Side) -> None:
    """:raises BillingRuleError: ``side`` may not take ``action``."""
    if WHO_MAY[action] != side:
        who = "the client's primary admin" if WHO_MAY[action] == "client_primary" else "the firm"
        raise BillingRuleError(f"only {who} may {action} a billing takeover")


def check_propose(
    current: BillingOwner,
    firm_id: int,
    pending: BillingChange | None,
    now: datetime,
    scheduled: BillingChange | None = None,
) -> None:
    """:raises BillingRuleError: the firm already bills the company (or will, from a confirmed
    change's date), or a proposal is open."""
    if current.owner == "firm" and current.firm_id == firm_id:
        raise BillingRuleError("the firm already bills this company")
    if scheduled is not None:
        raise BillingRuleError(f"the firm takes over the billing on {scheduled.effective_on}")
    if pending is not None and state_at(pending, now) == "proposed":
        raise BillingRuleError("a proposal is already waiting for an answer")


def decide(
    change: BillingChange, action: Action, now: datetime, billing_date: date
) -> BillingChange:
    """The change after ``action`` (``confirm``, ``refuse`` or ``withdraw``) at ``now``.

    :param billing_date: the company's next billing date; a confirmed change takes effect then.
    :raises BillingRuleError: the proposal is no longer open (answered, withdrawn, expired).
    """
    if action not in DECISIONS:
        raise ValueError(f"not a decision: {action!r}")
    state = state_at(change, now)
    if state != "proposed":
        raise BillingRuleError(f"the proposal is {state}; nothing changed")
    new = DECISIONS[action]
    return BillingChange(
        id=change.id,
        firm_id=change.firm_id,
        state=new,
        proposed_at=change.proposed_at,
        proposed_by=change.proposed_by,
        decided_at=now,
        effective_on=billing_date if new == "confirmed" else None,
    )


def current_owner(
    base: BillingOwner, history: Iterable[BillingChange], today: date
) -> BillingOwner:
    """The owner on ``today``: the latest confirmed change in effect, else ``base``."""
    best: BillingChange | None = None
    for change in history:
        if change.state != "confirmed" or change.effective_on is None:
            continue
        if change.effective_on > today:
            continue
        if best is None or (change.effective_on, change.id) > (best.effective_on, best.id):
            best = change
    if best is None:
        return base
    return BillingOwner(owner="firm", firm_id=best.firm_id, since=best.effective_on)


def scheduled(history: Iterable[BillingChange], today: date) -> BillingChange | None:
    """A confirmed change that has not taken effect yet, if any."""
    waiting = [
        c
        for c in history
        if c.state == "confirmed" and c.effective_on is not None and c.effective_on > today
    ]
    return max(waiting, key=lambda c: c.id) if waiting else None
