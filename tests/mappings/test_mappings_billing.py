"""The billing owner rules: proposal states, expiry after 48 hours, who may act, and the date a
confirmed change takes effect."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mappings import billing as rules

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
CLIENT = rules.BillingOwner(owner="client", firm_id=None, since=date(2026, 1, 1))


def proposal(**kw: object) -> rules.BillingChange:
    base: dict[str, object] = {
        "id": 1,
        "firm_id": 7,
        "state": "proposed",
        "proposed_at": T0,
        "proposed_by": "owner@firm.example",
    }
    base.update(kw)
    return rules.BillingChange(**base)  # type: ignore[arg-type]


@given(st.dates())
def test_first_of_next_month_is_the_first_after(day: date) -> None:
    """The default billing date is a first of month, after the day, within 31 days."""
    if day >= date(9999, 12, 1):
        return
    got = rules.first_of_next_month(day)
    assert got.day == 1
    assert day < got <= day + timedelta(days=31)


def test_next_billing_date_uses_a_future_stored_date() -> None:
    """A stored date still to come wins; a past one falls back to the first of next month."""
    today = date(2026, 12, 15)
    assert rules.next_billing_date(date(2027, 3, 10), today) == date(2027, 3, 10)
    assert rules.next_billing_date(date(2026, 12, 1), today) == date(2027, 1, 1)
    assert rules.next_billing_date(None, today) == date(2027, 1, 1)


def test_a_proposal_expires_after_48_hours() -> None:
    """Unanswered, a proposal is open up to 48 hours and expired from then on."""
    change = proposal()
    assert rules.state_at(change, T0 + timedelta(hours=47, minutes=59)) == "proposed"
    assert rules.state_at(change, T0 + timedelta(hours=48)) == "expired"


@pytest.mark.parametrize(
    ("action", "state"),
    [("confirm", "confirmed"), ("refuse", "refused"), ("withdraw", "withdrawn")],
)
def test_decide_moves_an_open_proposal(action: rules.Action, state: str) -> None:
    """Each decision gives its state; only a confirmation carries the billing date."""
    got = rules.decide(proposal(), action, T0 + timedelta(hours=1), date(2026, 12, 1))
    assert got.state == state
    assert got.effective_on == (date(2026, 12, 1) if state == "confirmed" else None)


@pytest.mark.parametrize("state", ["confirmed", "refused", "withdrawn"])
def test_decide_refuses_a_closed_proposal(state: str) -> None:
    """A decided proposal cannot be decided again."""
    with pytest.raises(rules.BillingRuleError, match=state):
        rules.decide(proposal(state=state), "confirm", T0, date(2026, 12, 1))


def test_decide_refuses_an_expired_proposal() -> None:
    """After 48 hours a confirmation is refused as expired."""
    with pytest.raises(rules.BillingRuleError, match="expired"):
        rules.decide(proposal(), "confirm", T0 + timedelta(hours=49), date(2026, 12, 1))


def test_decide_is_only_for_decisions() -> None:
    """``propose`` is not a decision."""
    with pytest.raises(ValueError, match="not a decision"):
        rules.decide(proposal(), "propose", T0, date(2026, 12, 1))


@pytest.mark.parametrize(
    ("action", "side", "allowed"),
    [
        ("propose", "firm_writer", True),
        ("withdraw", "firm_writer", True),
        ("confirm", "client_primary", True),
        ("refuse", "client_primary", True),
        ("confirm", "firm_writer", False),
        ("propose", "client_primary", False),
        ("withdraw", "other", False),
        ("refuse", "other", False),
    ],
)
def test_who_may_act(action: rules.Action, side: rules.Side, allowed: bool) -> None:
    """The firm proposes and withdraws; the client's primary admin confirms and refuses."""
    if allowed:
        rules.check_may(action, side)
    else:
        with pytest.raises(rules.BillingRuleError, match="only"):
            rules.check_may(action, side)


def test_check_propose() -> None:
    """No second open proposal, and none when the firm bills the company already."""
    rules.check_propose(CLIENT, 7, None, T0)
    rules.check_propose(CLIENT, 7, proposal(), T0 + timedelta(hours=48))  # the old one expired
    with pytest.raises(rules.BillingRuleError, match="waiting"):
        rules.check_propose(CLIENT, 7, proposal(), T0)
    later = proposal(state="confirmed", effective_on=date(2026, 12, 1))
    with pytest.raises(rules.BillingRuleError, match="takes over the billing on 2026-12-01"):
        rules.check_propose(CLIENT, 7, None, T0, later)
    firm = rules.BillingOwner(owner="firm", firm_id=7, since=date(2026, 1, 1))
    with pytest.raises(rules.BillingRuleError, match="already bills"):
        rules.check_propose(firm, 7, None, T0)


def test_a_confirmed_change_takes_effect_on_the_billing_date() -> None:
    """Before its date the client still pays; from that date the firm does."""
    confirmed = proposal(state="confirmed", effective_on=date(2026, 12, 1))
    assert rules.current_owner(CLIENT, [confirmed], date(2026, 11, 30)) == CLIENT
    assert rules.scheduled([confirmed], date(2026, 11, 30)) == confirmed
    got = rules.current_owner(CLIENT, [confirmed], date(2026, 12, 1))
    assert got == rules.BillingOwner(owner="firm", firm_id=7, since=date(2026, 12, 1))
    assert rules.scheduled([confirmed], date(2026, 12, 1)) is None


@given(st.lists(st.sampled_from(["proposed", "refused", "expired", "withdrawn"]), max_size=6))
def test_only_confirmed_changes_move_the_owner(states: list[str]) -> None:
    """Refused, expired, withdrawn and open proposals never change who pays."""
    history = [proposal(id=i, state=s, effective_on=date(2026, 1, 2)) for i, s in enumerate(states)]
    assert rules.current_owner(CLIENT, history, date(2027, 1, 1)) == CLIENT


@given(st.permutations([1, 2, 3]))
def test_the_latest_change_in_effect_wins_in_any_order(order: list[int]) -> None:
    """The owner is the confirmed change with the latest date already reached."""
    days = {1: date(2026, 10, 1), 2: date(2026, 11, 1), 3: date(2027, 1, 1)}
    history = [proposal(id=i, firm_id=i, state="confirmed", effective_on=days[i]) for i in order]
    got = rules.current_owner(CLIENT, history, date(2026, 12, 1))
    assert (got.firm_id, got.since) == (2, days[2])
