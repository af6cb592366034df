"""Connected firm accounts, a company's second firm and invitations in the store (SQLite and
PostgreSQL through the ``store`` fixture)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from qbwc_server import admin
from qbwc_server.errors import ConfigurationError
from qbwc_server.store import SqlStore
from qbwc_server.testing import FixedClock


def _firms(store: SqlStore, clock: FixedClock) -> dict[str, int]:
    ids = {}
    for name, company in (("A", "a1"), ("B", "b1"), ("C", "c1")):
        made = admin.add_company(store, clock, company, firm=name).company
        ids[name] = store.company_firm_ids(made.id)[0]
        ids[company] = made.id
    return ids


def _user(store: SqlStore, clock: FixedClock, firm: str):
    return store.add_admin_user(
        email="me@x.example",
        password_hash="x",
        role="owner",
        firm_name=firm,
        company_id=None,
        now=clock.now(),
    )


def test_connected_accounts_see_each_other_and_a_separate_one_is_invisible(
    store: SqlStore, clock: FixedClock
) -> None:
    """B connected under A: both see a1 and b1; C separate under A: sees only c1, no one sees c1."""
    ids = _firms(store, clock)
    store.connect_firms(ids["A"], {ids["B"]: "connected", ids["C"]: "separate"}, now=clock.now())
    a, b, c = (_user(store, clock, f) for f in "ABC")
    assert store.visible_company_ids(a) == sorted([ids["a1"], ids["b1"]])
    assert store.visible_company_ids(b) == sorted([ids["a1"], ids["b1"]])
    assert store.visible_company_ids(c) == [ids["c1"]]
    assert not store.can_see_company(a, ids["c1"]) and not store.can_see_company(c, ids["a1"])
    primary, group = store.connection_group(ids["C"])
    assert primary == ids["A"] and [r.name for r in group] == ["A", "B", "C"]
    assert store.account_labels([ids["a1"], ids["b1"]], store.visible_firm_ids(ids["A"])) == {
        ids["a1"]: "A",
        ids["b1"]: "B",
    }


def test_choosing_another_primary_and_disconnecting(store: SqlStore, clock: FixedClock) -> None:
    """Reconnecting with B as primary moves A under B; disconnecting B ends the group."""
    ids = _firms(store, clock)
    store.connect_firms(ids["A"], {ids["B"]: "connected"}, now=clock.now())
    store.connect_firms(ids["B"], {ids["A"]: "connected"}, now=clock.now())
    rows = {r.name: r for r in store.list_firms()}
    assert rows["A"].primary_firm_id == ids["B"] and rows["B"].primary_firm_id is None
    assert store.disconnect_firm(ids["B"])
    assert store.visible_firm_ids(ids["A"]) == {ids["A"]}
    assert not store.disconnect_firm(ids["B"])


def test_two_groups_do_not_merge(store: SqlStore, clock: FixedClock) -> None:
    """An account of another group is refused, and nothing changes."""
    ids = _firms(store, clock)
    d = store.company_firm_ids(admin.add_company(store, clock, "d1", firm="D").company.id)[0]
    store.connect_firms(ids["A"], {ids["B"]: "connected"}, now=clock.now())
    store.connect_firms(ids["C"], {d: "connected"}, now=clock.now())
    with pytest.raises(ConfigurationError, match="another group"):
        store.connect_firms(ids["A"], {ids["C"]: "connected"}, now=clock.now())
    assert store.visible_firm_ids(ids["A"]) == {ids["A"], ids["B"]}
    with pytest.raises(ConfigurationError):
        store.connect_firms(ids["A"], {ids["B"]: "bogus"}, now=clock.now())


def test_invitation_single_use_second_firm_and_removal(store: SqlStore, clock: FixedClock) -> None:
    """Accepting adds a second firm once; a third firm is refused; removing the first firm
    makes the second the first and gives the primary-admin role back."""
    ids = _firms(store, clock)
    now = clock.now()
    add = {
        "email": "acc@x.example",
        "name": "Acc",
        "expires_at": now + timedelta(days=14),
        "now": now,
    }
    store.add_invitation(ids["a1"], token_hash="t1", **add)
    assert store.accept_invitation("t1", ids["B"], now=now) is None
    assert "already been used" in (store.accept_invitation("t1", ids["C"], now=now) or "")
    assert store.company_firm_ids(ids["a1"]) == [ids["A"], ids["B"]]
    store.add_invitation(ids["a1"], token_hash="t2", **add)
    assert "2 firms" in (store.accept_invitation("t2", ids["C"], now=now) or "")
    store.set_primary_admin_firm(ids["a1"], ids["A"])
    assert store.remove_company_firm(ids["a1"], ids["A"])
    assert store.company_firm_ids(ids["a1"]) == [ids["B"]]
    assert store.primary_admin_firm(ids["a1"]) is None
    b = _user(store, clock, "B")
    assert ids["a1"] in store.visible_company_ids(b)


def test_invitation_expired_and_revoked(store: SqlStore, clock: FixedClock) -> None:
    """An invitation past 14 days or revoked is refused; a renewed one has a new link."""
    ids = _firms(store, clock)
    now = clock.now()
    add = {
        "email": "acc@x.example",
        "name": "Acc",
        "expires_at": now + timedelta(days=14),
        "now": now,
    }
    old = store.add_invitation(ids["a1"], token_hash="e1", **add)
    later = now + timedelta(days=15)
    assert "expired" in (store.accept_invitation("e1", ids["B"], now=later) or "")
    assert store.invitations_of(ids["a1"], now=later)[0].state == "expired"
    renewed = store.renew_invitation(
        ids["a1"], old.id, token_hash="e2", expires_at=later + timedelta(days=14), now=later
    )
    assert renewed and renewed.state == "pending"
    assert store.invitation_by_token("e1", now=later) is None
    assert store.revoke_invitation(ids["a1"], old.id, now=later)
    assert "withdrawn" in (store.accept_invitation("e2", ids["B"], now=later) or "")
    assert store.company_firm_ids(ids["a1"]) == [ids["A"]]


def test_a_separate_account_is_never_the_primary_nor_brings_its_group(
    store: SqlStore, clock: FixedClock
) -> None:
    """C kept separate under A cannot become the primary (its clients would show to all), and
    connecting C elsewhere takes C alone out of A's group, never A's clients with it."""
    ids = _firms(store, clock)
    store.connect_firms(ids["A"], {ids["B"]: "connected", ids["C"]: "separate"}, now=clock.now())
    with pytest.raises(ConfigurationError, match="kept separate"):
        store.connect_firms(ids["C"], {ids["A"]: "connected"}, now=clock.now())
    d = admin.add_company(store, clock, "d1", firm="D").company
    firm_d = store.company_firm_ids(d.id)[0]
    store.connect_firms(firm_d, {ids["C"]: "connected"}, now=clock.now())
    assert store.visible_firm_ids(firm_d) == {firm_d, ids["C"]}
    assert store.visible_firm_ids(ids["A"]) == {ids["A"], ids["B"]}
    assert store.visible_firm_ids(ids["C"]) == {firm_d, ids["C"]}
