"""The store on SQLite and on a real PostgreSQL: migrations, companies, sessions, throttling."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from qbwc_server import admin
from qbwc_server.errors import ConfigurationError, NotFoundError
from qbwc_server.store import SqlStore, current_revision, head_revision
from qbwc_server.store.models import Base


def test_migrations_reach_head_and_match_the_models(store: SqlStore) -> None:
    """`upgrade head` builds exactly the schema the models describe."""
    assert current_revision(store.engine) == head_revision()
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_installation_is_created_once(store: SqlStore, clock) -> None:
    """A second init keeps the installation's OwnerID."""
    first = store.get_installation()
    again = admin.init_installation(store, clock)
    assert first == again and first.owner_id.startswith("{") and len(first.owner_id) == 38


def test_company_credentials(store: SqlStore, clock) -> None:
    """A company gets a unique username, a 16+ character password (hashed) and a FileID."""
    a = admin.add_company(store, clock, "Acme Builders", firm="Smith CPA")
    b = admin.add_company(store, clock, "Acme Builders", firm="Smith CPA")
    assert (
        a.company.qbwc_username == "acme-builders" and b.company.qbwc_username == "acme-builders-2"
    )
    assert len(a.password) >= 16 and a.password not in a.company.password_hash
    assert a.company.file_id != b.company.file_id and a.company.firm_name == "Smith CPA"
    assert [c.id for c in store.list_companies()] == [a.company.id, b.company.id]


def test_duplicate_username_is_a_clear_error(store: SqlStore, clock) -> None:
    """Choosing a taken username fails with a sentence, and adds nothing."""
    admin.add_company(store, clock, "One", username="shared")
    with pytest.raises(ConfigurationError, match="already used"):
        admin.add_company(store, clock, "Two", username="shared")
    assert len(store.list_companies()) == 1


def test_unknown_company(store: SqlStore) -> None:
    """Asking for a missing company raises NotFoundError."""
    with pytest.raises(NotFoundError):
        store.get_company(999)


def test_one_live_session_per_company(store: SqlStore, clock) -> None:
    """A second session is refused while the first is live, allowed once it is stale."""
    company = admin.add_company(store, clock, "Acme").company
    now = clock.now()
    kw = {
        "company_id": company.id,
        "now": now,
        "live_since": now - timedelta(minutes=30),
        "address": "a",
        "sync_requested_at": None,
        "state_data": {},
    }
    assert store.open_session(ticket_hash="a" * 64, **kw) is not None
    assert store.open_session(ticket_hash="b" * 64, **kw) is None
    later = now + timedelta(minutes=31)
    kw.update(now=later, live_since=later - timedelta(minutes=30))
    assert store.open_session(ticket_hash="c" * 64, **kw) is not None
    assert store.get_session("a" * 64).state == "expired"


def test_concurrent_authenticates_open_one_session(store: SqlStore, clock) -> None:
    """Eight threads racing to open a session for one company: exactly one wins."""
    company = admin.add_company(store, clock, "Race").company
    now = clock.now()
    results: list[object] = []
    barrier = threading.Barrier(8)

    def attempt(i: int) -> None:
        barrier.wait()
        results.append(
            store.open_session(
                company_id=company.id,
                ticket_hash=f"{i:064d}",
                now=now,
                live_since=now - timedelta(minutes=30),
                address="a",
                sync_requested_at=None,
                state_data={},
            )
        )

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r is not None for r in results) == 1


def test_login_failures_count_per_user_and_address(store: SqlStore, clock) -> None:
    """Failures are counted for the (user, address) pair and for the address alone."""
    now = clock.now()
    for user in ("a", "a", "b"):
        store.record_login_failure(username=user, address="10.0.0.1", now=now)
    assert store.count_login_failures(username="a", address="10.0.0.1", since=now) == (2, 3)
    store.clear_login_failures(username="a", address="10.0.0.1")
    assert store.count_login_failures(username="a", address="10.0.0.1", since=now) == (0, 1)
    assert store.purge_login_failures(before=now + timedelta(seconds=1)) == 1
