"""The billing owner in the store (SQLite and PostgreSQL): proposals, decisions, the billing
date and the owner resolved from history and the clock."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from mappings.billing import BillingRuleError
from qbwc_server import admin
from qbwc_server.errors import NotFoundError
from qbwc_server.store import SqlStore
from qbwc_server.testing import FixedClock
from tests.store.conftest import add_company


def firm_company(store: SqlStore, clock: FixedClock) -> int:
    return admin.add_company(store, clock, "Acme Builders", firm="Smith CPA").company.id


def test_a_new_company_is_billed_to_the_client(store: SqlStore, clock: FixedClock) -> None:
    """Before any proposal the client pays, since the company was added."""
    cid = firm_company(store, clock)
    record = store.billing_record(cid)
    owner = record.owner(clock.now().date())
    assert (owner.owner, owner.since) == ("client", clock.now().date())
    assert record.history == ()
    assert record.billing_date(date(2026, 11, 2)) == date(2026, 12, 1)


def test_confirmed_takeover_takes_effect_at_the_billing_date(
    store: SqlStore, clock: FixedClock
) -> None:
    """A confirmed proposal is dated the next billing date and moves the owner only then."""
    cid = firm_company(store, clock)
    store.set_next_billing_date(cid, date(2026, 11, 20))
    change = store.propose_billing(cid, by="owner@smith.example", now=clock.now())
    assert store.billing_record(cid).pending(clock.now()) == change
    done = store.decide_billing(
        cid, change.id, action="confirm", by="boss@acme.example", now=clock.advance(hours=2)
    )
    assert (done.state, done.effective_on, done.decided_by) == (
        "confirmed",
        date(2026, 11, 20),
        "boss@acme.example",
    )
    record = store.billing_record(cid)
    assert record.owner(date(2026, 11, 19)).owner == "client"
    later = record.owner(date(2026, 11, 20))
    assert (later.owner, later.firm_id, later.since) == ("firm", change.firm_id, date(2026, 11, 20))
    assert record.pending(clock.now()) is None
    with pytest.raises(BillingRuleError, match="takes over"):
        store.propose_billing(cid, by="owner@smith.example", now=clock.now())


def test_refused_withdrawn_and_expired(store: SqlStore, clock: FixedClock) -> None:
    """Refused and withdrawn proposals are kept as history; an expired one cannot be confirmed."""
    cid = firm_company(store, clock)
    first = store.propose_billing(cid, by="f", now=clock.now())
    with pytest.raises(BillingRuleError, match="waiting"):
        store.propose_billing(cid, by="f", now=clock.now())
    store.decide_billing(cid, first.id, action="refuse", by="c", now=clock.now())
    second = store.propose_billing(cid, by="f", now=clock.now())
    store.decide_billing(cid, second.id, action="withdraw", by="f", now=clock.now())
    third = store.propose_billing(cid, by="f", now=clock.now())
    with pytest.raises(BillingRuleError, match="expired"):
        store.decide_billing(cid, third.id, action="confirm", by="c", now=clock.advance(hours=48))
    record = store.billing_record(cid)
    assert [c.state for c in record.history] == ["proposed", "withdrawn", "refused"]
    assert record.pending(clock.now()) is None
    assert record.owner(date(2030, 1, 1)).owner == "client"


def test_proposals_stay_with_their_company(store: SqlStore, clock: FixedClock) -> None:
    """A proposal id of another company is not found; a company without a firm has none."""
    cid = firm_company(store, clock)
    other = admin.add_company(store, clock, "Cedar Farms", firm="Jones LLP").company.id
    change = store.propose_billing(cid, by="f", now=clock.now())
    with pytest.raises(NotFoundError):
        store.decide_billing(other, change.id, action="confirm", by="c", now=clock.now())
    with pytest.raises(NotFoundError):
        store.propose_billing(add_company(store, clock, "Lone"), by="f", now=clock.now())
    assert store.billing_record(other).history == ()
    assert set(store.billing_records([cid, other, 999_999])) == {cid, other}
    assert store.billing_record(cid).pending(clock.now() + timedelta(hours=1)) == change


def test_primary_admins_are_the_company_owners(store: SqlStore, clock: FixedClock) -> None:
    """Only owner-role users of the company itself are its primary admins."""
    cid = firm_company(store, clock)
    assert store.primary_admins(cid) == []
    for email, role in (("b@x.example", "owner"), ("a@x.example", "admin")):
        store.add_admin_user(
            email=email,
            password_hash="h",
            role=role,
            firm_name=None,
            company_id=cid,
            now=clock.now(),
        )
    assert store.primary_admins(cid) == ["b@x.example"]
