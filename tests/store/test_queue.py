"""The work queue on SQLite and PostgreSQL: planning into sessions, claiming, retiring,
watermarks and sync errors (DESIGN sections 5 and 11)."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import event

from qbwc_server.errors import NotFoundError
from qbwc_server.store import SqlStore, make_engine
from qbwc_server.store._queue import ABANDONED
from qbwc_server.store.views import NewWorkItem, SessionView
from qbwc_server.sync import planner
from qbwc_server.testing import FixedClock
from tests.conftest import make_store
from tests.store.conftest import add_company

TTL = timedelta(minutes=30)
KINDS = ["classes", "employees", "customers"]
PLAN = planner.plan_session(KINDS)


def open_session(
    store: SqlStore, company_id: int, clock: FixedClock, plan: list[NewWorkItem] = PLAN
) -> SessionView:
    now = clock.now()
    session = store.open_session(
        company_id=company_id,
        ticket_hash=uuid.uuid4().hex * 2,
        now=now,
        live_since=now - TTL,
        address="127.0.0.1",
        sync_requested_at=None,
        state_data={"reason": "test"},
        plan=plan,
    )
    assert session is not None
    return session


def test_open_session_queues_the_plan_in_order(store: SqlStore, clock: FixedClock) -> None:
    """The plan is queued with the session, pending, in position order whatever the input order."""
    company = add_company(store, clock)
    session = open_session(store, company, clock, list(reversed(PLAN)))
    items = store.session_items(session.id)
    assert [i.kind for i in items] == [*KINDS, planner.DELETED]
    assert [i.position for i in items] == sorted(i.position for i in PLAN)
    assert all(
        (i.state, i.attempt, i.request_id, i.error, i.company_id, i.session_id)
        == ("pending", 0, None, None, company, session.id)
        for i in items
    )
    assert items[-1].spec == {"types": ["Class", "Customer", "Employee"]}
    assert session.planned == len(PLAN) and session.state_data == {"reason": "test"}


def test_a_new_session_retires_unfinished_items(store: SqlStore, clock: FixedClock) -> None:
    """Opening a session fails the company's pending and sent items of earlier sessions with
    the ABANDONED text; finished items and other companies' items are left alone."""
    company, other = add_company(store, clock, "Acme"), add_company(store, clock, "Other")
    first = open_session(store, company, clock)
    bystander = open_session(store, other, clock)
    done = store.claim_next_item(first.id, clock.now())
    store.update_item(done.id, clock.now(), state="done")
    sent = store.claim_next_item(first.id, clock.now())
    clock.advance(minutes=31)  # the first session is stale now
    second = open_session(store, company, clock)
    old = {i.id: i for i in store.session_items(first.id)}
    assert old.pop(done.id).state == "done"
    assert sent.id in old and len(old) == len(PLAN) - 1
    assert all(i.state == "failed" and i.error == ABANDONED for i in old.values())
    assert all(i.state == "pending" for i in store.session_items(second.id))
    assert all(i.state == "pending" for i in store.session_items(bystander.id))


def test_claim_retransmits_then_moves_on(store: SqlStore, clock: FixedClock) -> None:
    """The sent item is handed out again until answered, then the next; None when all are done."""
    company = add_company(store, clock)
    session = open_session(store, company, clock)
    now = clock.now()
    seen = []
    while (item := store.claim_next_item(session.id, now)) is not None:
        again = store.claim_next_item(session.id, now)
        assert again == item and item.state == "sent" and item.attempt == 1
        assert item.request_id == f"{item.id}.1"
        seen.append(item)
        store.update_item(item.id, now, state="done")
    assert [i.kind for i in seen] == [*KINDS, planner.DELETED]
    assert len({i.request_id for i in seen}) == len(seen)
    assert store.claim_next_item(session.id, now) is None


def test_requeued_item_gets_a_new_request_id(store: SqlStore, clock: FixedClock) -> None:
    """An item put back to pending (the next iterator page) is sent as ``"{id}.{attempt}"``."""
    company = add_company(store, clock)
    session = open_session(store, company, clock)
    now = clock.now()
    first = store.claim_next_item(session.id, now)
    spec = {"iterator_id": "{0b1c2d3e-4f50-4617-8899-aabbccddeeff}", "fetched": 500}
    store.update_item(first.id, now, state="pending", spec=spec)
    second = store.claim_next_item(session.id, now)
    assert second.id == first.id and second.attempt == 2
    assert (first.request_id, second.request_id) == (f"{first.id}.1", f"{first.id}.2")
    assert second.spec == spec


def test_claims_stay_in_their_session(store: SqlStore, clock: FixedClock) -> None:
    """Two companies' sessions each hand out only their own items."""
    sessions = [open_session(store, add_company(store, clock, n), clock) for n in ("A", "B")]
    for session in sessions:
        item = store.claim_next_item(session.id, clock.now())
        assert item.session_id == session.id and item.company_id == session.company_id


def test_update_item(store: SqlStore, clock: FixedClock) -> None:
    """State, spec and error change and are kept; other fields and missing items are refused."""
    session = open_session(store, add_company(store, clock), clock)
    item = store.session_items(session.id)[0]
    changed = store.update_item(
        item.id, clock.now(), state="failed", spec={"restarts": 4}, error="expired"
    )
    assert (changed.state, changed.spec, changed.error) == ("failed", {"restarts": 4}, "expired")
    assert store.session_items(session.id)[0] == changed
    with pytest.raises(ValueError, match="attempt"):
        store.update_item(item.id, clock.now(), attempt=9)
    with pytest.raises(NotFoundError):
        store.update_item(999_999, clock.now(), state="done")


def test_watermarks_keep_the_last_value(store: SqlStore, clock: FixedClock) -> None:
    """A list's watermark is what the last finished import proved, even when that is earlier
    (a future-dated watermark is lowered); lists and companies are separate."""
    company, other = add_company(store, clock, "Acme"), add_company(store, clock, "Other")
    assert store.get_watermarks(company) == {}
    steps = [
        "2026-11-02T04:00:00",
        "2026-11-01T23:59:59",
        "2026-11-02T04:00:01",
        "2026-11-02T04:00:00",
    ]
    kept = []
    for value in steps:
        store.set_watermark(company, "customers", value, clock.now())
        kept.append(store.get_watermarks(company)["customers"])
    assert kept == steps
    store.set_watermark(company, "deleted", "2020-01-01T00:00:00", clock.now())
    store.set_watermark(other, "customers", "2019-01-01T00:00:00", clock.now())
    assert store.get_watermarks(company) == {
        "customers": "2026-11-02T04:00:00",
        "deleted": "2020-01-01T00:00:00",
    }
    assert store.get_watermarks(other) == {"customers": "2019-01-01T00:00:00"}


def test_record_sync_error(store: SqlStore, clock: FixedClock) -> None:
    """A sync problem is kept with its code, record (cut to 300 characters) and fix."""
    company = add_company(store, clock)
    session = open_session(store, company, clock)
    item = store.session_items(session.id)[0]
    common = {"company_id": company, "session_id": session.id, "now": clock.now()}
    store.record_sync_error(
        **common,
        work_item_id=item.id,
        request_type="CustomerQueryRs",
        status_code=None,
        record_ref="8" * 400,
        message="CustomerRet without Name",
        fix="Open the record in QuickBooks.",
    )
    store.record_sync_error(
        **common,
        work_item_id=None,
        request_type="connectionError",
        status_code="0x80040408",
        record_ref="",
        message="Could not start QuickBooks.",
        fix=None,
    )
    first, second = store.list_session_errors(company, session.id).rows
    assert first.record_ref == "8" * 300 and first.request_type == "CustomerQueryRs"
    assert first.status_code is None and first.fix == "Open the record in QuickBooks."
    assert second.record_ref is None and second.status_code == "0x80040408" and second.fix is None
    assert first.created_at == clock.now()


def test_has_unfinished_items(store: SqlStore, clock: FixedClock) -> None:
    """Pending or sent items count as unfinished work until every one is done or failed."""
    company, other = add_company(store, clock, "Acme"), add_company(store, clock, "Other")
    assert not store.has_unfinished_items(company)
    session = open_session(store, company, clock)
    assert store.has_unfinished_items(company) and not store.has_unfinished_items(other)
    items = store.session_items(session.id)
    store.claim_next_item(session.id, clock.now())
    for n, item in enumerate(items):
        assert store.has_unfinished_items(company)
        store.update_item(item.id, clock.now(), state="done" if n % 2 else "failed")
    assert not store.has_unfinished_items(company)


@pytest.mark.postgres
def test_concurrent_claims_never_share_a_pending_item(postgres_url: str, clock: FixedClock) -> None:
    """While one server process holds its claim uncommitted, another claiming from the same
    session skips the locked item (SKIP LOCKED) and takes the next one, without waiting."""
    first = make_store(postgres_url, clock)
    second = SqlStore(make_engine(postgres_url))
    claimed, released = threading.Event(), threading.Event()
    armed = threading.Event()

    def hold_commit(_conn: object) -> None:
        if armed.is_set():
            armed.clear()
            claimed.set()
            released.wait(10)

    results: dict[str, object] = {}
    try:
        session = open_session(first, add_company(first, clock), clock)
        now = clock.now()
        event.listen(first.engine, "commit", hold_commit)
        armed.set()
        worker = threading.Thread(
            target=lambda: results.update(first=first.claim_next_item(session.id, now))
        )
        worker.start()
        assert claimed.wait(10), "the first claim never reached its commit"
        results["second"] = second.claim_next_item(session.id, now)
        released.set()
        worker.join(10)
        event.remove(first.engine, "commit", hold_commit)
        items = first.session_items(session.id)
    finally:
        released.set()
        second.dispose()
        first.dispose()
    a, b = results["first"], results["second"]
    assert a is not None and b is not None and a.id != b.id
    assert (a.kind, b.kind) == (KINDS[0], KINDS[1])
    assert [i.state for i in items] == ["sent", "sent", "pending", "pending"]
    assert {i.request_id for i in items if i.request_id} == {a.request_id, b.request_id}
