"""The ReadsMixin queries on SQLite and PostgreSQL: counts, company isolation, token use, and the
guarded option and first-sync updates."""

from __future__ import annotations

from datetime import timedelta

import pytest

from qbwc_server.errors import NotFoundError
from qbwc_server.store import ListCounts, SqlStore
from tests.web.conftest import Seeder


def test_counts_per_list_and_part(store: SqlStore, seed: Seeder) -> None:
    """Counts split total into active, archived and deleted, and team members and customers by kind."""
    company_id = seed.company()
    other = seed.company("Other Co")
    seed.rows("team-members", company_id, 3)
    seed.row("team-members", company_id, qb_role="vendor", is_active=False, archived=True)
    seed.row("team-members", company_id, qb_role=None)
    seed.rows("customers", company_id, 2)
    seed.row("customers", company_id, is_job=True, archived=True, deleted_in_qb=True)
    seed.rows("classes", other, 4)
    counts = store.company_counts(company_id)
    assert list(counts) == [
        "team_members",
        "customers",
        "service_items",
        "classes",
        "payroll_items",
    ]
    assert counts["team_members"] == ListCounts(
        total=5,
        active=4,
        archived=1,
        deleted_in_qb=0,
        parts={"employees": 3, "vendors": 1, "local": 1},
    )
    assert counts["customers"] == ListCounts(
        total=3, active=2, archived=1, deleted_in_qb=1, parts={"customers": 2, "jobs": 1}
    )
    assert counts["classes"] == ListCounts() and counts["payroll_items"] == ListCounts()
    assert store.company_counts(other)["classes"].total == 4


def test_list_rows_never_cross_companies(store: SqlStore, seed: Seeder) -> None:
    """A page holds only the named company's rows, even when continuing after another's id."""
    a, b = seed.company(), seed.company("Other Co")
    b_ids = seed.rows("payroll-items", b, 3)
    a_ids = seed.rows("payroll-items", a, 2)
    page = store.list_rows(a, "payroll_items", after_id=b_ids[0], limit=10)
    assert [r.id for r in page.rows] == a_ids and page.next_after is None
    assert store.list_rows(999, "payroll_items").rows == ()
    with pytest.raises(ValueError, match="limit"):
        store.list_rows(a, "payroll_items", limit=0)


def test_session_errors_are_capped(store: SqlStore, seed: Seeder) -> None:
    """A session's error list stops at the limit and says more exist."""
    company_id = seed.company()
    sid = seed.session(company_id)
    ids = [seed.sync_error(company_id, sid) for _ in range(3)]
    page = store.list_session_errors(company_id, sid, limit=2)
    assert [e.id for e in page.rows] == ids[:2] and page.next_after == ids[1]
    assert store.list_session_errors(company_id + 1, sid).rows == ()


def test_token_use_is_recorded_at_most_once_a_minute(store: SqlStore, seed: Seeder, clock) -> None:
    """last_used_at moves on a use a minute or more after the recorded one, not before."""
    company_id = seed.company()
    created = store.create_api_token(
        company_id=company_id, token_hash="ab" * 32, label=None, now=clock.now()
    )
    assert created.last_used_at is None
    first = clock.now()
    assert store.use_api_token("ab" * 32, now=first).last_used_at == first
    assert store.use_api_token("ab" * 32, now=first + timedelta(seconds=59)).last_used_at == first
    later = first + timedelta(seconds=60)
    assert store.use_api_token("ab" * 32, now=later).last_used_at == later
    assert store.use_api_token("cd" * 32, now=later) is None
    with pytest.raises(NotFoundError):
        store.create_api_token(company_id=999, token_hash="ef" * 32, label=None, now=later)


def test_option_change_sees_first_sync_and_rolls_back_on_error(
    store: SqlStore, seed: Seeder, clock
) -> None:
    """change_import_options passes the first-sync flag and saves nothing when the change raises."""
    company_id = seed.company()
    seen: list[bool] = []

    def change(current, first_sync_done):
        seen.append(first_sync_done)
        return {**current, "billable": "require"}

    assert store.change_import_options(company_id, change) == {"billable": "require"}
    store.update_company(company_id, first_sync_at=clock.now())

    def refuse(current, first_sync_done):
        raise ValueError("no")

    with pytest.raises(ValueError, match="no"):
        store.change_import_options(company_id, refuse)
    assert seen == [False] and store.get_company(company_id).import_options == {
        "billable": "require"
    }
    with pytest.raises(NotFoundError):
        store.change_import_options(999, change)


def test_first_sync_confirmation_states(store: SqlStore, seed: Seeder, clock) -> None:
    """Confirming records the time once; after the first sync there is nothing to confirm."""
    company_id = seed.company()
    now = clock.now()
    assert store.confirm_first_sync_delete(company_id, now=now) == ("confirmed", now)
    later = clock.advance(hours=1)
    assert store.confirm_first_sync_delete(company_id, now=later) == ("already_confirmed", now)
    other = seed.company("Other Co")
    store.update_company(other, first_sync_at=now)
    assert store.confirm_first_sync_delete(other, now=later) == ("first_sync_done", now)
    assert store.get_company(other).delete_confirmed_at is None
    with pytest.raises(NotFoundError):
        store.confirm_first_sync_delete(999, now=later)
