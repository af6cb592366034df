"""Lists imported from QuickBooks, on SQLite and PostgreSQL: batched upserts, parent links,
deletions, first-sync removals and per-company separation (DESIGN sections 3, 6 and 12)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

import qbxml
from mappings import ListPlan, ListRow, plan_first_sync_removals, plan_list_changes, record_to_row
from qbwc_server.simulate import FakeQuickBooks, load_sample_company
from qbwc_server.store import SqlStore, _lists
from qbwc_server.store.views_api import ListName
from qbwc_server.testing import FixedClock
from tests.store.conftest import add_company

MODIFIED = datetime(2026, 11, 2, 4, 0, tzinfo=timezone(timedelta(hours=-5)))
LIST_NAMES: dict[str, ListName] = {
    "team_member": "team_members",
    "customer": "customers",
    "service_item": "service_items",
    "qb_class": "classes",
    "payroll_item": "payroll_items",
}
QUERIES: dict[str, type[qbxml.ListQuery]] = {
    "qb_class": qbxml.ClassQuery,
    "payroll_item": qbxml.PayrollItemWageQuery,
    "service_item": qbxml.ItemServiceQuery,
    "team_member": qbxml.EmployeeQuery,
    "customer": qbxml.CustomerQuery,
}


def customer(
    list_id: str,
    parent: str | None = None,
    *,
    edit: str = "100",
    active: bool = True,
    modified: datetime = MODIFIED,
) -> ListRow:
    """A hand-built customer (or, with a parent, job) row."""
    return ListRow(
        kind="customer",
        qb_list_id=list_id,
        edit_sequence=edit,
        qb_time_modified=modified,
        name=list_id,
        full_name=f"{parent}:{list_id}" if parent else list_id,
        is_active=active,
        parent_list_id=parent,
        sublevel=1 if parent else 0,
        values={"company_name": None, "email": None, "job_status": None, "is_job": bool(parent)},
    )


def apply(
    store: SqlStore,
    company_id: int,
    rows: Sequence[ListRow],
    now: datetime,
    *,
    assign_to_all: bool = True,
) -> ListPlan:
    """Reconcile rows of one kind the way the importer does: look up, plan, apply."""
    kind = rows[0].kind
    existing = store.lookup_list_rows(company_id, kind, [r.qb_list_id for r in rows])
    unlinked = store.unlinked_team_members(company_id) if kind == "team_member" else []
    plan = plan_list_changes(rows, existing, unlinked)
    if not plan.is_empty:
        store.apply_list_plan(company_id, kind, plan, now, assign_to_all=assign_to_all)
    return plan


def read(store: SqlStore, company_id: int, kind: str) -> dict[str | None, object]:
    """The company's rows of one list, by ListID (local rows under their name)."""
    rows = store.list_rows(company_id, LIST_NAMES[kind], limit=1000).rows
    return {r.qb_list_id or r.name: r for r in rows}


def sample_rows() -> dict[str, list[ListRow]]:
    """The simulator's sample company as store rows, per kind (employees and vendors together)."""
    quickbooks = FakeQuickBooks(load_sample_company(clock=FixedClock()))
    queries = {**QUERIES, "vendor": qbxml.VendorQuery}
    rows: dict[str, list[ListRow]] = {}
    for query in queries.values():
        for record in quickbooks.answer(query(request_id="1", active_status="All")).records:
            row = record_to_row(record)
            assert row is not None
            rows.setdefault(row.kind, []).append(row)
    return rows


def test_sample_company_round_trips_in_batches(
    store: SqlStore, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every list of the sample company, applied in batches children-first, reads back as
    imported: fields, archived = not active, parents linked, earnings as JSON, same instants;
    planning the same rows again is empty."""
    monkeypatch.setattr(_lists, "CHUNK", 7)  # several IN (...) lists per lookup
    company = add_company(store, clock)
    for kind, rows in sample_rows().items():
        for start in range(0, len(rows), 25):  # last rows (deepest jobs) first
            batch = list(reversed(rows))[start : start + 25]
            assert apply(store, company, batch, clock.now()).inserts
        stored = read(store, company, kind)
        by_id = {r.id: r for r in stored.values()}
        assert len(stored) == len(rows)
        for row in rows:
            got = stored[row.qb_list_id]
            assert (got.name, got.edit_sequence, got.is_active, got.archived) == (
                row.name,
                row.edit_sequence,
                row.is_active,
                not row.is_active,
            )
            assert got.qb_time_modified == row.qb_time_modified and not got.deleted_in_qb
            if kind in _lists.TREE_KINDS:
                parent = by_id.get(got.parent_id)
                assert (parent.qb_list_id if parent else None) == row.parent_list_id
                assert (got.full_name, got.sublevel) == (row.full_name, row.sublevel)
            if kind == "team_member":
                earnings = [tuple(e.values()) for e in got.payroll_earnings]
                assert earnings == [tuple(e) for e in row.values["payroll_earnings"]]
                assert got.qb_role == row.values["qb_role"]
        assert apply(store, company, rows, clock.now()).is_empty
    assert store.count_list_rows(company, "customer") == len(read(store, company, "customer"))


def test_payroll_earnings_are_stored_as_json(store: SqlStore, clock: FixedClock) -> None:
    """An employee's earnings lines come back as objects with named fields and decimal text."""
    company = add_company(store, clock)
    earnings = (
        ("80000009-1", "Hourly Regular", "25.00", None),
        ("8000000F-1", "Bonus", None, "5.5"),
    )
    row = ListRow(
        kind="team_member",
        qb_list_id="80000001-1",
        edit_sequence="1",
        qb_time_modified=MODIFIED,
        name="Jane Doe",
        full_name="Jane Doe",
        is_active=True,
        values={
            "first_name": "Jane",
            "last_name": "Doe",
            "email": None,
            "qb_role": "employee",
            "uses_time_data_for_paychecks": True,
            "payroll_earnings": earnings,
        },
    )
    apply(store, company, [row], clock.now())
    got = read(store, company, "team_member")["80000001-1"]
    assert got.payroll_earnings == (
        {
            "payroll_item_list_id": "80000009-1",
            "payroll_item_name": "Hourly Regular",
            "rate": "25.00",
            "rate_percent": None,
        },
        {
            "payroll_item_list_id": "8000000F-1",
            "payroll_item_name": "Bonus",
            "rate": None,
            "rate_percent": "5.5",
        },
    )
    assert got.uses_time_data_for_paychecks is True


@pytest.mark.parametrize(
    "offset", [timedelta(hours=-5), timedelta(hours=9, minutes=30), timedelta(0)]
)
def test_time_modified_keeps_its_instant(
    store: SqlStore, clock: FixedClock, offset: timedelta
) -> None:
    """An aware TimeModified reads back as the same instant (aware, in UTC) on both backends."""
    company = add_company(store, clock)
    modified = datetime(2026, 3, 8, 2, 30, 5, tzinfo=timezone(offset))
    apply(store, company, [customer("C1", modified=modified)], clock.now())
    got = read(store, company, "customer")["C1"].qb_time_modified
    assert got == modified and got.utcoffset() == timedelta(0)
    assert got.astimezone(UTC).replace(tzinfo=None) == (modified - offset).replace(tzinfo=None)


def test_jobs_link_to_parents_in_any_arrival_order(store: SqlStore, clock: FixedClock) -> None:
    """A customer, its job and a sub-job link up whichever of them arrives first, one per batch."""
    tree = [customer("C"), customer("J", "C"), customer("S", "J")]
    for order in itertools.permutations(tree):
        company = add_company(store, clock, "Order" + "".join(r.qb_list_id for r in order))
        for row in order:
            apply(store, company, [row], clock.now())
        rows = read(store, company, "customer")
        assert rows["C"].parent_id is None
        assert rows["J"].parent_id == rows["C"].id and rows["S"].parent_id == rows["J"].id


def test_job_moves_to_another_parent(store: SqlStore, clock: FixedClock) -> None:
    """A job re-parented in QuickBooks (a newer EditSequence) follows; so does one made top-level."""
    company = add_company(store, clock)
    apply(store, company, [customer("C1"), customer("C2"), customer("J", "C1")], clock.now())
    apply(store, company, [customer("J", "C2", edit="101")], clock.now())
    rows = read(store, company, "customer")
    assert rows["J"].parent_id == rows["C2"].id and rows["J"].parent_list_id == "C2"
    apply(store, company, [customer("J", edit="102")], clock.now())
    rows = read(store, company, "customer")
    assert rows["J"].parent_id is None and rows["J"].parent_list_id is None


def test_updates_archive_and_links(store: SqlStore, clock: FixedClock) -> None:
    """A newer EditSequence updates the row in place, inactive rows are archived, and a local
    team member matching an employee is linked instead of duplicated."""
    company = add_company(store, clock)
    apply(store, company, [customer("C1"), customer("C2")], clock.now(), assign_to_all=False)
    before = read(store, company, "customer")
    plan = apply(store, company, [customer("C1", edit="101", active=False)], clock.now())
    assert [local_id for local_id, _ in plan.updates] == [before["C1"].id]
    after = read(store, company, "customer")
    assert after["C1"].id == before["C1"].id and after["C1"].edit_sequence == "101"
    assert after["C1"].archived and not after["C1"].is_active and not after["C1"].assigned_to_all
    assert after["C2"] == before["C2"]

    local = store.add_local_team_member(
        company, first_name="Jane", last_name="Doe", email="jane@example.com", now=clock.now()
    )
    employee = ListRow(
        kind="team_member",
        qb_list_id="80000001-1",
        edit_sequence="1",
        qb_time_modified=MODIFIED,
        name="Jane Doe",
        full_name="Jane Doe",
        is_active=True,
        values={
            "first_name": "jane",
            "last_name": "DOE",
            "email": "Jane@Example.com",
            "qb_role": "employee",
            "uses_time_data_for_paychecks": False,
            "payroll_earnings": (),
        },
    )
    assert apply(store, company, [employee], clock.now()).links == ((local, employee),)
    (member,) = read(store, company, "team_member").values()
    assert (member.id, member.qb_list_id, member.qb_role) == (local, "80000001-1", "employee")
    assert store.unlinked_team_members(company) == []


def test_mark_deleted_in_qb(
    store: SqlStore, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Deleted rows are archived and flagged, never removed; only rows that changed are counted."""
    monkeypatch.setattr(_lists, "CHUNK", 2)
    company = add_company(store, clock)
    apply(store, company, [customer(f"C{n}") for n in range(5)], clock.now())
    gone = ["C0", "C2", "C3", "C4", "unknown"]
    assert store.mark_deleted_in_qb(company, "customer", gone, clock.now()) == 4
    assert store.mark_deleted_in_qb(company, "customer", gone, clock.now()) == 0
    rows = read(store, company, "customer")
    assert len(rows) == 5
    for list_id, row in rows.items():
        deleted = list_id != "C1"
        assert (row.deleted_in_qb, row.archived, row.is_active) == (deleted, deleted, not deleted)
    with pytest.raises(ValueError, match="unknown list kind"):
        store.mark_deleted_in_qb(company, "account", ["C1"], clock.now())


def test_companies_with_the_same_list_ids_stay_separate(store: SqlStore, clock: FixedClock) -> None:
    """Two company files can hold the same ListIDs: lookups, links, deletions and archiving of
    one company never touch the other's rows."""
    first, second = add_company(store, clock, "First"), add_company(store, clock, "Second")
    apply(store, first, [customer("J", "C")], clock.now())
    apply(store, second, [customer("C"), customer("J", "C")], clock.now())
    apply(store, first, [customer("C")], clock.now())
    a, b = read(store, first, "customer"), read(store, second, "customer")
    assert a["J"].parent_id == a["C"].id and b["J"].parent_id == b["C"].id
    assert {r.id for r in a.values()}.isdisjoint(r.id for r in b.values())
    found = store.lookup_list_rows(first, "customer", ["C", "J"])
    assert {r.local_id for r in found.values()} == {r.id for r in a.values()}

    assert store.mark_deleted_in_qb(first, "customer", ["C", "J"], clock.now()) == 2
    assert not any(r.deleted_in_qb for r in read(store, second, "customer").values())
    store.add_local_team_member(
        second, first_name="Kim", last_name="Lee", email=None, now=clock.now()
    )
    assert store.archive_unlinked_team_members(first, clock.now()) == 0
    assert [m.archived for m in read(store, second, "team_member").values()] == [False]


def test_first_sync_removes_unknown_local_customers(store: SqlStore, clock: FixedClock) -> None:
    """Local customers QuickBooks does not know are deleted, or archived when time refers to
    them; a deleted parent leaves its archived job in place, and no time entry is lost."""
    company, other = add_company(store, clock, "Acme"), add_company(store, clock, "Other")
    now = clock.now()
    parent = store.add_local_customer(company, name="Parent", now=now)
    job = store.add_local_customer(company, name="Job", parent_id=parent, now=now)
    busy = store.add_local_customer(company, name="Busy", now=now)
    idle = store.add_local_customer(company, name="Idle", now=now)
    foreign = store.add_local_customer(other, name="Foreign", now=now)
    apply(store, company, [customer("Q1")], now)
    member = store.add_local_team_member(
        company, first_name="A", last_name="B", email=None, now=now
    )
    for customer_id in (job, busy):
        store.add_time_entry(
            company,
            team_member_id=member,
            work_date=date(2026, 11, 2),
            duration_seconds=3600,
            customer_id=customer_id,
            now=now,
        )

    local = store.local_unlinked_customers(company)
    assert {(i.local_id, i.qb_list_id, i.referenced) for i in local} == {
        (parent, None, False),
        (job, None, True),
        (busy, None, True),
        (idle, None, False),
    }
    delete_ids, archive_ids = plan_first_sync_removals(local)
    store.remove_customers(company, delete_ids, archive_ids, now)

    rows = {r.id: r for r in store.list_rows(company, "customers", limit=100).rows}
    assert set(rows) == {job, busy, read(store, company, "customer")["Q1"].id}
    assert rows[job].archived and rows[job].parent_id is None and rows[busy].archived
    assert store.local_unlinked_customers(company) == []
    assert [i.local_id for i in store.local_unlinked_customers(other)] == [foreign]
    store.remove_customers(company, (), (), now)  # nothing to do is fine


def test_archive_unlinked_team_members(store: SqlStore, clock: FixedClock) -> None:
    """The first-sync option archives local team members not linked to QuickBooks, only once."""
    company, other = add_company(store, clock, "Acme"), add_company(store, clock, "Other")
    now = clock.now()
    for first_name in ("Ann", "Bob"):
        store.add_local_team_member(
            company, first_name=first_name, last_name="X", email=None, now=now
        )
    store.add_local_team_member(other, first_name="Cy", last_name="X", email=None, now=now)
    employee = next(r for r in sample_rows()["team_member"] if r.values["qb_role"] == "employee")
    apply(store, company, [employee], now)
    assert len(store.unlinked_team_members(company)) == 2
    assert store.archive_unlinked_team_members(company, now) == 2
    assert store.archive_unlinked_team_members(company, now) == 0
    members = read(store, company, "team_member")
    assert not members[employee.qb_list_id].archived
    assert [m.archived for k, m in members.items() if k != employee.qb_list_id] == [True, True]
    assert store.unlinked_team_members(company) == []
    assert len(store.unlinked_team_members(other)) == 1


# ---------------------------------------------------------------------------- issue 9
def _statements(store: SqlStore):
    from sqlalchemy import event

    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:
        seen.append(statement)

    event.listen(store.engine, "before_cursor_execute", count)
    return seen, lambda: event.remove(store.engine, "before_cursor_execute", count)


@pytest.mark.parametrize("orphans", [10, 1000])
def test_point11_parent_linking_reads_only_the_batch(store: SqlStore, clock, orphans: int) -> None:
    """A batch's parent linking sends the same statements, whatever the number of jobs
    elsewhere still waiting for a parent that has not arrived (linear in the batch)."""
    company = add_company(store, clock)
    waiting = [customer(f"J{n}", "MISSING") for n in range(orphans)]
    apply(store, company, waiting, clock.now())
    seen, stop = _statements(store)
    try:
        apply(store, company, [customer("P"), customer("C", "P")], clock.now())
    finally:
        stop()
    assert len(seen) <= 12
    found = store.lookup_list_rows(company, "customer", ["C"])
    assert set(found) == {"C"}


def test_point11_rename_reaches_the_whole_subtree(store: SqlStore, clock) -> None:
    """Renaming a customer renames its jobs and sub-jobs in the store, though QuickBooks sent
    only the customer; a job arriving before its parent is linked when the parent comes."""
    company = add_company(store, clock)
    apply(store, company, [customer("J1", "P"), customer("S1", "J1")], clock.now())  # parent later
    apply(store, company, [customer("P")], clock.now())
    renamed = ListRow(
        **{**_row_fields(customer("P", edit="101")), "name": "Renamed", "full_name": "Renamed"}
    )
    apply(store, company, [renamed], clock.now())
    with store.engine.connect() as conn:
        from sqlalchemy import text

        got = dict(
            conn.execute(
                text(
                    "SELECT qb_list_id, full_name || '/' || sublevel FROM customer WHERE company_id = :c"
                ),
                {"c": company},
            ).all()
        )
    assert got == {"P": "Renamed/0", "J1": "Renamed:J1/1", "S1": "Renamed:J1:S1/2"}


def _row_fields(row: ListRow) -> dict:
    import dataclasses

    return {f.name: getattr(row, f.name) for f in dataclasses.fields(row)}


def test_point3_values_beyond_the_columns_are_cut_or_refused() -> None:
    """An email beyond 1023 characters is cut with a notice; a Name beyond its column refuses
    the record; values at QuickBooks' maximum, non-BMP characters included, are kept."""
    at_max = ListRow(**{**_row_fields(customer("A")), "values": {"email": "\U0001f600" * 1023}})
    long_email = ListRow(**{**_row_fields(customer("B")), "values": {"email": "e" * 2000}})
    long_name = ListRow(**{**_row_fields(customer("C")), "name": "n" * 201})
    kept, problems = _lists.fit_rows("customer", [at_max, long_email, long_name])
    assert [r.qb_list_id for r in kept] == ["A", "B"]
    assert kept[0].values["email"] == "\U0001f600" * 1023
    assert kept[1].values["email"] == "e" * 1023
    assert [(p.list_id, p.refused) for p in problems] == [("B", False), ("C", True)]


def test_point3_values_at_quickbooks_maximum_are_stored(store: SqlStore, clock) -> None:
    """Every text field at QuickBooks' maximum length, with non-BMP characters, is stored on
    SQLite and PostgreSQL."""
    company = add_company(store, clock)
    big = "\U0001f600x" * 600
    row = ListRow(
        kind="customer",
        qb_list_id="8" * 36,
        edit_sequence="9" * 16,
        qb_time_modified=MODIFIED,
        name="\U0001f600" * 41,
        full_name="\U0001f600" * 209,
        is_active=True,
        values={
            "company_name": "c" * 41,
            "email": big[:1023],
            "job_status": "Awarded",
            "is_job": False,
        },
    )
    apply(store, company, [row], clock.now())
    with store.engine.connect() as conn:
        from sqlalchemy import text

        got = conn.execute(
            text("SELECT name, email FROM customer WHERE company_id = :c"), {"c": company}
        ).one()
    assert got == ("\U0001f600" * 41, big[:1023])


# ---------------------------------------------------------------------------- issue 15
def test_insert_and_update_in_one_batch_keep_the_updated_rows_own_columns(
    store: SqlStore, clock: FixedClock
) -> None:
    """A batch with new rows and updates (one INSERT ... ON CONFLICT): the updated row keeps its
    id, created_at and assigned_to_all; a job that waited for its parent since an earlier batch
    links to it, and a new job links to the updated parent."""
    from sqlalchemy import text

    company = add_company(store, clock)
    first = clock.now()
    apply(store, company, [customer("P"), customer("W", "Q")], first, assign_to_all=False)
    before = read(store, company, "customer")
    later = first + timedelta(hours=1)
    plan = apply(
        store,
        company,
        [customer("P", edit="101", active=False), customer("Q"), customer("J", "P")],
        later,
        assign_to_all=True,
    )
    assert [r.qb_list_id for r in plan.inserts] == ["J", "Q"] and len(plan.updates) == 1
    rows = read(store, company, "customer")
    assert rows["P"].id == before["P"].id and rows["P"].edit_sequence == "101"
    assert rows["P"].archived and not rows["P"].assigned_to_all
    assert rows["J"].assigned_to_all and rows["Q"].assigned_to_all
    assert rows["J"].parent_id == rows["P"].id and rows["W"].parent_id == rows["Q"].id
    with store.engine.connect() as conn:
        stamps = dict(
            conn.execute(
                text("SELECT qb_list_id, created_at FROM customer WHERE company_id = :c"),
                {"c": company},
            ).all()
        )
    assert stamps["P"] == stamps["W"] != stamps["Q"] == stamps["J"]


def test_parent_arriving_in_a_later_session_links_children_of_every_batch(
    store: SqlStore, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Jobs spread over several batches (CHUNK-sized reads) before their parent, then the parent
    alone: every job links, FullName and sublevel from the chain; a sub-job after both too."""
    monkeypatch.setattr(_lists, "CHUNK", 3)
    company = add_company(store, clock)
    for start in range(0, 8, 4):
        apply(
            store, company, [customer(f"J{n}", "P") for n in range(start, start + 4)], clock.now()
        )
    apply(store, company, [customer("P")], clock.now())
    apply(store, company, [customer("S", "J7")], clock.now())
    rows = read(store, company, "customer")
    assert {rows[f"J{n}"].parent_id for n in range(8)} == {rows["P"].id}
    assert rows["S"].parent_id == rows["J7"].id
    assert (rows["S"].full_name, rows["S"].sublevel) == ("P:J7:S", 2)


@pytest.mark.parametrize(
    "batches",
    [
        [["L4"], ["L3"], ["L2"], ["L1"], ["C"]],
        [["L4", "L2", "C"], ["L3", "L1"]],
        [["L3", "L4"], ["C"], ["L1", "L2"]],
        [["L1", "L3"], ["L4", "L2"], ["C"]],
        [["L4", "L3", "L2", "L1", "C"]],
    ],
    ids=["one-per-batch-deepest-first", "alternate-levels", "middle-last", "gaps", "one-batch"],
)
def test_deep_tree_links_across_batches_in_any_order(
    store: SqlStore, clock: FixedClock, batches: list[list[str]]
) -> None:
    """A five-level tree (customer, job, sub-jobs) spread over batches in any order: every row
    links to its parent, and FullName and sublevel come from the whole chain, though QuickBooks'
    own FullName of each row here names only its parent; a sibling tree is left alone."""
    chain = ["C", "L1", "L2", "L3", "L4"]
    parents = dict(zip(chain[1:], chain, strict=False))
    company = add_company(store, clock)
    apply(store, company, [customer("X"), customer("XJ", "X")], clock.now())
    for batch in batches:
        apply(store, company, [customer(i, parents.get(i)) for i in batch], clock.now())
    rows = read(store, company, "customer")
    for level, list_id in enumerate(chain):
        row = rows[list_id]
        parent = rows[parents[list_id]].id if list_id in parents else None
        assert (row.parent_id, row.full_name, row.sublevel) == (
            parent,
            ":".join(chain[: level + 1]),
            level,
        )
    assert (rows["XJ"].parent_id, rows["XJ"].full_name) == (rows["X"].id, "X:XJ")


@pytest.mark.parametrize(
    ("key", "null", "index"),
    [
        ("parent_list_id", "parent_id", "ix_customer_company_parent"),
        ("qb_list_id", None, "sqlite_autoindex_customer_1"),
        ("parent_id", None, "ix_customer_company_parent_id"),
    ],
)
def test_batch_lookups_search_the_index_of_their_in_list(
    sqlite_store: SqlStore, key: str, null: str | None, index: str
) -> None:
    """Each look-up a batch makes (rows waiting for a parent, rows by ListID, children by id)
    searches the index on ``(company_id, <the IN column>)``, so its cost follows the batch, not
    the number of top-level rows of the company (SQLite, with no statistics)."""
    from qbwc_server.store import _bulk
    from qbwc_server.store.models import Customer

    with sqlite_store.engine.connect() as conn:
        prepared = _bulk._prepared_select(
            conn.dialect, Customer.__table__, ("id", "qb_list_id"), key, 3, null
        )
        plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + prepared.sql, (1, "a", "b", "c"))
        (detail,) = [row[-1] for row in plan]
    assert f"INDEX {index} (company_id=? AND {key}=?)" in detail
