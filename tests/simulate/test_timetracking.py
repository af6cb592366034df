"""TimeTrackingAdd/Mod/Query and TxnDel with QuickBooks' validation and status codes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

import qbxml
from tests.simulate.conftest import first

Ref = qbxml.Ref


def _add(**changes) -> qbxml.TimeTrackingAdd:
    fields = {
        "request_id": "1",
        "txn_date": date(2026, 10, 30),
        "entity_ref": Ref(full_name="Maria Alvarez"),
        "customer_ref": Ref(full_name="Baptiste, Jean"),
        "item_service_ref": Ref(full_name="Labor:Framing"),
        "duration": timedelta(hours=8),
        "payroll_item_wage_ref": Ref(full_name="Hourly Regular"),
        "external_guid": "{0f8fad5b-d9cb-469f-a165-70867728950e}",
    }
    return qbxml.TimeTrackingAdd(**{**fields, **changes})


def test_add_returns_the_new_entry(ask) -> None:
    """A valid add answers status 0 with a TimeTrackingRet carrying TxnID, refs and ExternalGUID."""
    response = first(ask(_add()))
    entry = response.records[0]
    assert response.status.code == 0
    assert entry.txn_id and entry.edit_sequence and entry.duration == timedelta(hours=8)
    assert entry.entity_ref.list_id and entry.customer_ref.full_name == "Baptiste, Jean"
    assert entry.billable_status == "Billable"
    assert entry.external_guid == "{0f8fad5b-d9cb-469f-a165-70867728950e}"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"entity_ref": Ref(full_name="Nobody Here")}, 3140),
        ({"entity_ref": Ref(list_id="80009999-1")}, 3140),
        ({"entity_ref": Ref(full_name="Baptiste, Jean")}, 3140),  # a customer cannot own time
        ({"entity_ref": Ref(full_name="Marcus Reed")}, 3140),  # inactive employee
        ({"customer_ref": Ref(full_name="No Such Customer")}, 3140),
        ({"item_service_ref": Ref(full_name="Travel Time")}, 3140),  # inactive item
        ({"payroll_item_wage_ref": Ref(full_name="Salaryish")}, 3140),
        # payroll items only for employees who use time data to create paychecks
        ({"entity_ref": Ref(full_name="Cascade Electric Co.")}, 3140),
        ({"entity_ref": Ref(full_name="Aiyana Begay")}, 3140),
        ({"payroll_item_wage_ref": None}, 3150),  # ...and those employees need one
    ],
)
def test_add_validation(ask, quickbooks, changes, code: int) -> None:
    """Bad references answer 3140 (3150 for a missing payroll item) and add nothing."""
    before = len(quickbooks.company.time_entries)
    response = first(ask(_add(**changes)))
    assert (response.status.code, response.status.severity) == (code, "Error")
    assert response.records == () and len(quickbooks.company.time_entries) == before


def test_vendor_time_without_payroll_item(ask) -> None:
    """A vendor's time (no payroll item) is accepted."""
    response = first(
        ask(_add(entity_ref=Ref(full_name="Tran Plumbing"), payroll_item_wage_ref=None))
    )
    assert response.status.code == 0


def test_mod_bumps_edit_sequence_and_time_modified(ask, qb_clock) -> None:
    """A Mod with the current EditSequence changes the entry and moves EditSequence/TimeModified."""
    entry = first(ask(_add())).records[0]
    qb_clock.advance(minutes=3)
    mod = qbxml.TimeTrackingMod(
        request_id="2",
        txn_id=entry.txn_id,
        edit_sequence=entry.edit_sequence,
        entity_ref=entry.entity_ref,
        duration=timedelta(hours=6),
        notes="fixed",
    )
    changed = first(ask(mod)).records[0]
    assert changed.duration == timedelta(hours=6) and changed.notes == "fixed"
    assert changed.customer_ref == entry.customer_ref  # left out = unchanged
    assert int(changed.edit_sequence) > int(entry.edit_sequence)
    assert changed.time_modified > entry.time_modified


@pytest.mark.parametrize(
    ("txn", "sequence", "code"), [("stale", None, 3200), ("missing", None, 3120)]
)
def test_mod_errors(ask, txn: str, sequence, code: int) -> None:
    """A stale EditSequence answers 3200; an unknown TxnID 3120."""
    entry = first(ask(_add())).records[0]
    txn_id = entry.txn_id if txn == "stale" else "FFFF-1"
    mod = qbxml.TimeTrackingMod(
        request_id="2",
        txn_id=txn_id,
        edit_sequence=str(int(entry.edit_sequence) - 1),
        entity_ref=entry.entity_ref,
        duration=timedelta(hours=1),
    )
    assert first(ask(mod)).status.code == code


def test_txn_del(ask, quickbooks) -> None:
    """TxnDel removes the entry (TxnDelRs carries its TxnID); deleting it again answers 3120."""
    entry = first(ask(_add())).records[0]
    response = first(ask(qbxml.TxnDel(request_id="1", txn_id=entry.txn_id)))
    assert response.status.code == 0 and response.records[0].txn_id == entry.txn_id
    assert entry.txn_id not in quickbooks.company.time_entries
    assert first(ask(qbxml.TxnDel(request_id="1", txn_id=entry.txn_id))).status.code == 3120


def test_query_by_txn_id_date_range_and_entity(ask) -> None:
    """TimeTrackingQuery finds entries by TxnID, transaction dates and entity."""
    entry = first(ask(_add(txn_date=date(2026, 11, 20)))).records[0]
    by_id = first(ask(qbxml.TimeTrackingQuery(request_id="1", txn_ids=(entry.txn_id,))))
    assert [e.txn_id for e in by_id.records] == [entry.txn_id]
    in_range = first(
        ask(
            qbxml.TimeTrackingQuery(
                request_id="1",
                from_txn_date=date(2026, 11, 20),
                to_txn_date=date(2026, 11, 20),
                entity_full_names=("Maria Alvarez",),
            )
        )
    )
    assert [e.txn_id for e in in_range.records] == [entry.txn_id]
    other = first(
        ask(qbxml.TimeTrackingQuery(request_id="1", entity_list_ids=(entry.customer_ref.list_id,)))
    )
    assert other.status.code == 1


def test_query_by_modified_date(ask, qb_clock) -> None:
    """ModifiedDateRangeFilter finds what changed since a local wall-clock time."""
    qb_clock.advance(hours=1)
    entry = first(ask(_add())).records[0]
    since = entry.time_modified.replace(tzinfo=None)
    found = first(ask(qbxml.TimeTrackingQuery(request_id="1", from_modified_date=since)))
    assert [e.txn_id for e in found.records] == [entry.txn_id]


def test_renamed_customer_shows_in_existing_entries(ask, quickbooks) -> None:
    """Entries show their references' current FullName after a rename."""
    entry = first(ask(_add())).records[0]
    quickbooks.company.modify(entry.customer_ref.list_id, name="Baptiste, J.")
    again = first(ask(qbxml.TimeTrackingQuery(request_id="1", txn_ids=(entry.txn_id,)))).records[0]
    assert again.customer_ref.full_name == "Baptiste, J."
