"""The admin users store (store/_users.py) on SQLite and PostgreSQL: scopes, isolation, the
dashboard counts and the set-up facts."""

from __future__ import annotations

import pytest

from qbwc_server import admin
from qbwc_server.errors import ConfigurationError, NotFoundError
from qbwc_server.store import SqlStore
from qbwc_server.testing import FixedClock


def _user(store: SqlStore, clock: FixedClock, email: str, **scope):
    return store.add_admin_user(
        email=email,
        password_hash="x",
        role=scope.pop("role", "admin"),
        firm_name=scope.get("firm"),
        company_id=scope.get("company_id"),
        now=clock.now(),
    )


def test_point2_scopes_isolate_firms_and_companies(store: SqlStore, clock: FixedClock) -> None:
    """A firm user sees that firm's companies; a company user only that company."""
    a1 = admin.add_company(store, clock, "A1", firm="Firm A").company.id
    a2 = admin.add_company(store, clock, "A2", firm="Firm A").company.id
    b1 = admin.add_company(store, clock, "B1", firm="Firm B").company.id
    loose = admin.add_company(store, clock, "No firm").company.id
    firm_a = _user(store, clock, "a@a.example", firm="Firm A")
    one = _user(store, clock, "one@a.example", company_id=a2)
    assert store.visible_company_ids(firm_a) == [a1, a2]
    assert store.visible_company_ids(one) == [a2]
    assert store.can_see_company(firm_a, a1) and not store.can_see_company(firm_a, b1)
    assert not store.can_see_company(firm_a, loose) and not store.can_see_company(one, a1)
    assert [s.company.name for s in store.company_statuses(firm_a)] == ["A1", "A2"]


def test_point1_users_and_password_versions(store: SqlStore, clock: FixedClock) -> None:
    """Emails are unique without case; a password change bumps the session version."""
    user = _user(store, clock, "Ann@Example.com", firm="F")
    assert user.email == "ann@example.com" and user.must_change_password
    with pytest.raises(ConfigurationError, match="already exists"):
        _user(store, clock, "ann@example.COM", firm="F")
    with pytest.raises(NotFoundError):
        _user(store, clock, "b@example.com", company_id=999)
    changed = store.set_admin_password(user.id, password_hash="y", one_time=False, now=clock.now())
    assert changed.session_version == 1 and not changed.must_change_password
    assert store.find_admin_user("ANN@example.com") == changed
    assert [u.email for u in store.list_admin_users()] == ["ann@example.com"]


def test_point3_setup_facts(store: SqlStore, clock: FixedClock) -> None:
    """The wizard's facts start empty and keep what was marked."""
    company = admin.add_company(store, clock, "A1").company.id
    assert store.get_company_setup(company).password_shown_at is None
    shown = clock.now()
    store.mark_company_setup(company, password_shown_at=shown)
    later = clock.advance(minutes=5)
    facts = store.mark_company_setup(company, qwc_downloaded_at=later)
    assert facts.password_shown_at == shown
    assert facts.qwc_downloaded_at == later
    with pytest.raises(NotFoundError):
        store.mark_company_setup(999, qwc_downloaded_at=later)
