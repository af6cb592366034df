"""A dropped session does not block its company (issue 9, point 6): a new authenticate with the
right password takes over a session silent for `session_takeover_seconds`; a truly concurrent
one still gets busy."""

from __future__ import annotations

from datetime import timedelta

from qbwc_server import admin
from qbwc_server.sync import messages
from tests.qbwc_server.test_failure_paths import Qbwc


def test_point6_dropped_session_is_taken_over(live_url, companies, clock, sqlite_store) -> None:
    """Two minutes after the last call of a dropped session, the next authenticate starts a new
    session; the old one ends superseded and its ticket stops working."""
    qbwc = Qbwc(live_url)
    created = companies.add()
    user, password = created.company.qbwc_username, created.password
    old = qbwc.authenticate(user, password)[0]
    assert qbwc.send(old)
    clock.advance(seconds=121)
    new, status, _, _ = qbwc.authenticate(user, password)
    assert status == ""
    assert qbwc.send(old) == "" and qbwc.receive(old, "<QBXML/>") < 0
    assert qbwc.last_error(old) == messages.SUPERSEDED
    assert qbwc.close(old) == messages.SUPERSEDED
    assert qbwc.send(new)  # the new session has the work
    states = {s.id: s.state for s in sqlite_store.list_sessions(created.company.id)}
    assert sorted(states.values()) == ["open", "superseded"]


def test_point6_concurrent_authenticate_is_still_busy(live_url, companies, clock) -> None:
    """A session that was called a minute ago is live: another authenticate answers busy."""
    qbwc = Qbwc(live_url)
    created = companies.add()
    user, password = created.company.qbwc_username, created.password
    old = qbwc.authenticate(user, password)[0]
    request = qbwc.send(old)
    clock.advance(seconds=60)
    assert qbwc.authenticate(user, password)[1] == "busy"
    assert qbwc.send(old) == request  # the running session goes on


def test_point6_wrong_password_never_takes_over(live_url, companies, clock) -> None:
    """Only the right password takes over: a wrong one leaves the old session open."""
    qbwc = Qbwc(live_url)
    created = companies.add()
    old = qbwc.authenticate(created.company.qbwc_username, created.password)[0]
    request = qbwc.send(old)
    clock.advance(seconds=300)
    assert qbwc.authenticate(created.company.qbwc_username, "wrong-password-00000")[1] == "nvu"
    assert qbwc.send(old) == request  # a retransmitted send: the same request again


def test_point6_store_supersedes_only_silent_sessions(store, clock) -> None:
    """open_session with takeover_since ends a silent session as superseded and opens the new
    one, on SQLite and PostgreSQL; a recent one keeps the company busy."""
    company = admin.add_company(store, clock, "Acme").company
    now = clock.now()
    kw = {
        "company_id": company.id,
        "live_since": now - timedelta(minutes=30),
        "address": "a",
        "sync_requested_at": None,
        "state_data": {},
        "superseded_error": messages.SUPERSEDED,
    }
    assert store.open_session(ticket_hash="a" * 64, now=now, **kw) is not None
    soon = now + timedelta(seconds=30)
    assert (
        store.open_session(
            ticket_hash="b" * 64, now=soon, takeover_since=soon - timedelta(seconds=120), **kw
        )
        is None
    )
    later = now + timedelta(seconds=121)
    taken = store.open_session(
        ticket_hash="c" * 64, now=later, takeover_since=later - timedelta(seconds=120), **kw
    )
    assert taken is not None
    old = store.get_session("a" * 64)
    assert old.state == "superseded" and old.last_error == messages.SUPERSEDED
    assert old.ended_at == later
