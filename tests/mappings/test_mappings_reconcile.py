"""Reconcile plans: upsert by ListID, duplicate collapse, linking, deletions, first-sync removals."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

import qbxml
from mappings import (
    ListPlan,
    ListRow,
    LocalItem,
    LocalRow,
    deleted_kind,
    plan_deletions,
    plan_first_sync_removals,
    plan_list_changes,
    record_to_row,
)
from tests.mappings import strategies as s
from tests.mappings.conftest import SYNTHETIC_MIXED, records_in


def _local(row: ListRow, local_id: int = 1, **changes: object) -> LocalRow:
    """The store's copy of ``row``, optionally changed."""
    local = LocalRow(
        local_id=local_id,
        qb_list_id=row.qb_list_id,
        edit_sequence=row.edit_sequence,
        is_active=row.is_active,
        archived=not row.is_active,
        deleted_in_qb=False,
    )
    return dataclasses.replace(local, **changes)  # type: ignore[arg-type]


def _member(list_id: str, first: str | None, last: str | None, email: str | None) -> ListRow:
    return ListRow(
        kind="team_member",
        qb_list_id=list_id,
        edit_sequence="1",
        qb_time_modified=None,
        name=f"{first} {last}",
        full_name=f"{first} {last}",
        is_active=True,
        values={"first_name": first, "last_name": last, "email": email, "qb_role": "employee"},
    )


def _unlinked(
    local_id: int, first: str, last: str, email: str | None, **changes: object
) -> LocalRow:
    local = LocalRow(
        local_id=local_id,
        qb_list_id=None,
        edit_sequence=None,
        is_active=True,
        archived=False,
        deleted_in_qb=False,
        first_name=first,
        last_name=last,
        email=email,
    )
    return dataclasses.replace(local, **changes)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def sample_rows(sample_records) -> list[ListRow]:
    """Every list row of the sample company, through real qbXML."""
    rows = [record_to_row(r) for rs in sample_records.values() for r in rs]
    return [r for r in rows if r is not None]


def test_first_import_inserts_every_sample_row_sorted(sample_rows):
    """Into an empty store every row is an insert, sorted by ListID, and nothing links."""
    plan = plan_list_changes(sample_rows, {})
    assert [r.qb_list_id for r in plan.inserts] == sorted(r.qb_list_id for r in sample_rows)
    assert (plan.updates, plan.links, plan.unchanged) == ((), (), 0)
    assert not plan.is_empty


def test_reimporting_the_same_rows_changes_nothing(sample_rows):
    """Rows the store holds with the same EditSequence and IsActive are unchanged."""
    existing = {r.qb_list_id: _local(r, i) for i, r in enumerate(sample_rows)}
    plan = plan_list_changes(sample_rows, existing)
    assert plan == ListPlan(unchanged=len(sample_rows))
    assert plan.is_empty


@pytest.mark.parametrize(
    "changes",
    [{"edit_sequence": "1"}, {"is_active": False, "archived": True}, {"deleted_in_qb": True}],
    ids=["edit_sequence", "is_active", "deleted_in_qb"],
)
def test_changed_row_is_an_update(changes):
    """A different EditSequence, IsActive or a deleted_in_qb flag makes the row an update."""
    row = record_to_row(
        next(r for r in records_in(SYNTHETIC_MIXED) if isinstance(r, qbxml.Customer))
    )
    assert row is not None
    plan = plan_list_changes([row], {row.qb_list_id: _local(row, 7, **changes)})
    assert plan == ListPlan(updates=((7, row),))


def test_iterator_restart_duplicates_collapse_to_the_newest():
    """Re-sent rows (after 3391) collapse to the latest TimeModified, then greatest EditSequence."""
    base = record_to_row(
        next(r for r in records_in(SYNTHETIC_MIXED) if isinstance(r, qbxml.Employee))
    )
    assert base is not None and base.qb_time_modified is not None
    later = dataclasses.replace(
        base, qb_time_modified=base.qb_time_modified + timedelta(minutes=1), edit_sequence="5"
    )
    nine, ten = (dataclasses.replace(base, edit_sequence=e) for e in ("9", "10"))
    for rows, newest in [
        ([later, base], later),
        ([base, later], later),
        ([ten, nine], ten),
        ([nine, ten], ten),
    ]:
        assert plan_list_changes(rows, {}).inserts == (newest,)


def test_edit_sequence_order_none_then_numbers_then_text():
    """Without TimeModified: no EditSequence < digits (numerically, leading zeros ignored) < other text."""
    base = _member("1-1", "A", "B", None)
    ordered = [None, "2", "0010", "1a", "b"]
    rows = [dataclasses.replace(base, edit_sequence=e) for e in ordered]
    for i in range(1, len(rows)):
        assert plan_list_changes(rows[: i + 1][::-1], {}).inserts == (rows[i],)


def test_naive_and_missing_time_modified_still_compare():
    """A naive TimeModified compares as UTC and a missing one is oldest, never a TypeError."""
    base = _member("1-1", "A", "B", None)
    naive = dataclasses.replace(base, qb_time_modified=datetime(2024, 1, 1, 12))
    aware = dataclasses.replace(
        base, qb_time_modified=datetime.fromisoformat("2024-01-01T11:00:00+00:00")
    )
    assert plan_list_changes([naive, aware, base], {}).inserts == (naive,)


def test_local_member_with_same_names_and_email_is_linked():
    """An unlinked local member matching first, last and email (trimmed, casefolded) is linked."""
    row = _member("80000001-1", "Jane", "Doe", "jane@x.example")
    plan = plan_list_changes([row], {}, [_unlinked(4, " jane", "DOE ", "Jane@X.example")])
    assert plan == ListPlan(links=((4, row),))


@pytest.mark.parametrize(
    "local",
    [
        _unlinked(4, "Jane", "Doe", None),
        _unlinked(4, "Jane", "Dole", "jane@x.example"),
        _unlinked(4, "Jane", "Doe", "jane@x.example", archived=True),
        _unlinked(4, "Jane", "Doe", "jane@x.example", qb_list_id="8-1"),
    ],
    ids=["no-email", "other-last-name", "archived", "already-linked"],
)
def test_no_link_without_a_full_match_to_an_unlinked_member(local):
    """No email, a different name, an archived or an already linked local member: insert instead."""
    row = _member("80000001-1", "Jane", "Doe", local.email or "")
    assert plan_list_changes([row], {}, [local]) == ListPlan(inserts=(row,))


def test_ambiguous_local_matches_insert_and_rows_compete_for_one_local():
    """Two matching locals: no link; two rows matching one local: the smallest ListID wins."""
    row = _member("B-1", "Jane", "Doe", "jane@x.example")
    twins = [
        _unlinked(1, "Jane", "Doe", "jane@x.example"),
        _unlinked(2, "jane", "doe", "JANE@x.example"),
    ]
    assert plan_list_changes([row], {}, twins) == ListPlan(inserts=(row,))
    rival = _member("A-1", "Jane", "Doe", "jane@x.example")
    plan = plan_list_changes([row, rival], {}, twins[:1])
    assert plan == ListPlan(inserts=(row,), links=((1, rival),))


def test_rows_of_other_kinds_never_link():
    """A customer with a team member's names and email is inserted, not linked."""
    member = _member("C-1", "Jane", "Doe", "jane@x.example")
    customer = dataclasses.replace(member, kind="customer")
    assert plan_list_changes(
        [customer], {}, [_unlinked(1, "Jane", "Doe", "jane@x.example")]
    ) == ListPlan(inserts=(customer,))


def test_a_known_list_id_is_never_linked():
    """A row the store already has by ListID is updated there, not linked to a local member."""
    row = _member("C-1", "Jane", "Doe", "jane@x.example")
    plan = plan_list_changes(
        [row],
        {"C-1": _local(row, 9, edit_sequence="0")},
        [_unlinked(1, "Jane", "Doe", "jane@x.example")],
    )
    assert plan == ListPlan(updates=((9, row),))


@given(s.unique_rows)
def test_plan_of_rows_against_themselves_is_empty(rows):
    """plan(x, x) is empty: every row is unchanged."""
    existing = {r.qb_list_id: _local(r, i) for i, r in enumerate(rows)}
    plan = plan_list_changes(rows, existing)
    assert plan.is_empty and plan.unchanged == len(rows)


@given(s.stores(), s.incoming_rows)
def test_replanning_after_apply_is_empty(store, rows):
    """Applying a plan to a model store, then planning the same rows again, gives an empty plan."""
    plan = plan_list_changes(rows, store.existing(rows), store.unlinked())
    linked = [local_id for local_id, _ in plan.links]
    assert len(set(linked)) == len(linked)
    assert set(linked) <= {r.local_id for r in store.unlinked()}
    store.apply(plan)
    again = plan_list_changes(rows, store.existing(rows), store.unlinked())
    assert again.is_empty and again.unchanged == len({r.qb_list_id for r in rows})


@given(s.stores(), s.incoming_rows, st.data())
def test_plan_does_not_depend_on_input_order_or_duplicates(store, rows, data):
    """Permuting the rows and the unlinked members, or repeating rows, gives the same plan."""
    plan = plan_list_changes(rows, store.existing(rows), store.unlinked())
    shuffled = data.draw(st.permutations(rows))
    repeated = shuffled + data.draw(
        st.lists(st.sampled_from(rows), max_size=4) if rows else st.just([])
    )
    unlinked = data.draw(st.permutations(store.unlinked()))
    assert plan_list_changes(repeated, store.existing(rows), unlinked) == plan
    ids = [r.qb_list_id for r in plan.inserts] + [r.qb_list_id for _, r in plan.updates]
    assert [r.qb_list_id for _, r in plan.links] == sorted(r.qb_list_id for _, r in plan.links)
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(
    ("list_del_type", "kind"),
    [
        ("Employee", "team_member"),
        ("Vendor", "team_member"),
        ("Customer", "customer"),
        ("ItemService", "service_item"),
        ("Class", "qb_class"),
        ("PayrollItemWage", "payroll_item"),
        ("Account", None),
        ("OtherName", None),
    ],
)
def test_deleted_kind_per_list_del_type(list_del_type, kind):
    """ListDelTypes of imported lists name their row kind; the others give None."""
    assert deleted_kind(list_del_type) == kind


def test_plan_deletions_from_the_synthetic_response():
    """The synthetic ListDeletedRet (a customer job) becomes one customer ListID to archive."""
    deleted = [r for r in records_in(SYNTHETIC_MIXED) if isinstance(r, qbxml.ListDeleted)]
    assert plan_deletions(deleted) == {"customer": ("80000042-1700000500",)}


def test_plan_deletions_sorts_dedups_and_skips_unknown_types():
    """ListIDs are grouped by kind, sorted and unique; other types or missing ListIDs are skipped."""
    deleted = [
        qbxml.ListDeleted(list_del_type="Vendor", list_id="B"),
        qbxml.ListDeleted(list_del_type="Employee", list_id="A"),
        qbxml.ListDeleted(list_del_type="Employee", list_id="B"),
        qbxml.ListDeleted(list_del_type="Account", list_id="C"),
        qbxml.ListDeleted(list_del_type="Class", list_id=None),
        qbxml.ListDeleted(list_del_type=None, list_id="D"),
    ]
    assert plan_deletions(deleted) == {"team_member": ("A", "B")}
    assert plan_deletions([]) == {}


def test_first_sync_removals_archive_referenced_and_delete_the_rest():
    """Local items unknown to QuickBooks are deleted, or archived when time refers to them."""
    local = [
        LocalItem(local_id=5, qb_list_id=None, referenced=False),
        LocalItem(local_id=3, qb_list_id=None, referenced=True),
        LocalItem(local_id=1, qb_list_id=None, referenced=False),
        LocalItem(local_id=2, qb_list_id="80000001-1", referenced=False),
        LocalItem(local_id=4, qb_list_id=None, referenced=True),
    ]
    assert plan_first_sync_removals(local) == ((1, 5), (3, 4))
    assert plan_first_sync_removals([]) == ((), ())


def test_first_sync_removals_never_delete_an_item_also_seen_as_referenced():
    """An id listed twice, once referenced, is only archived."""
    local = [
        LocalItem(local_id=1, qb_list_id=None, referenced=False),
        LocalItem(local_id=1, qb_list_id=None, referenced=True),
    ]
    assert plan_first_sync_removals(local) == ((), (1,))
