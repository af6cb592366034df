"""Exporting approved time to QuickBooks through the real server and the simulator (issue 13).

Every request is checked against Intuit's XSD of its qbXML version (the harness's validator).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.e2e.export_world import WEEK, approved_week, build_world, check_exactly_once


def test_point_export_sample_company_approved_week(any_harness) -> None:
    """The sample company's approved week reaches QuickBooks once, locked and with TxnIDs."""
    world = build_world(any_harness)
    ids = approved_week(world)
    transcript = world.sync()
    assert transcript.outcome == "finished", transcript.last_error
    assert len(world.qb_entries()) == len(ids) == 45
    check_exactly_once(world)
    assert "exported 45 time entries" in (transcript.summary or "")
    owen = world.ids["member"]["Owen Fitzgerald"]
    salary = {
        r["qb_list_id"]
        for r in world.harness.rows(world.company_id, "payroll_item")
        if r["name"] == "Salary"
    }
    mine = [t for t in world.qb_entries() if t.entity_ref.full_name == "Owen Fitzgerald"]
    assert {t.payroll_item_wage_ref.list_id for t in mine} == salary and owen
    friday = [t for t in world.qb_entries() if t.txn_date == WEEK + timedelta(days=4)]
    assert {t.duration for t in friday} == {timedelta(hours=7, minutes=46)}
    again = world.sync()
    assert again.outcome in ("finished", "no_work")
    assert len(world.qb_entries()) == 45


def test_point_export_below_qbxml_9_uses_a_notes_marker(harness) -> None:
    """Below qbXML 9.0 the entry's uuid rides in Notes, and an unanswered add is still found."""
    from qbwc_server.simulate import Fault

    world = build_world(harness)

    # Only the 13.0 and 16.0 schemas are at hand: an 8.0 request (no ExternalGUID, no newer
    # elements) is checked against 13.0, whose elements are a superset for these requests.
    def validate_8(xml: str) -> bool:
        return harness.validator(xml.replace('<?qbxml version="8.0"?>', '<?qbxml version="13.0"?>'))

    world.qb = harness.quickbooks(world.qb.company, versions=("8.0",))
    world.qb.request_validator = validate_8
    [entry_id] = [world.add("Maria Alvarez", WEEK, notes="framing")]
    world.approve()
    dropped = world.sync(faults=[Fault(kind="drop_after_commit", at=1)])
    assert dropped.outcome == "dropped"
    harness.clock.advance(minutes=31)  # the dropped session's ticket expires
    assert world.sync().outcome == "finished"
    txns = [t for t in world.qb.company.time_entries.values() if "[qbtime:" in (t.notes or "")]
    assert len(txns) == 1 and txns[0].external_guid is None
    [row] = [r for r in world.entries() if r["id"] == entry_id]
    assert row["export_state"] == "exported" and row["qb_txn_id"] == txns[0].txn_id
    assert txns[0].notes == f"framing [qbtime:{row['uuid']}]"


@pytest.mark.parametrize(
    ("case", "phrase"),
    [
        ("unlinked", "is not linked to a QuickBooks"),
        ("archived", "is inactive or deleted in QuickBooks"),
        ("no_payroll", "No payroll item is mapped"),
        ("billable", "billable entry needs a customer"),
        ("archived_job", "is inactive (archived) in QuickBooks"),
        ("deleted_item", "was deleted in QuickBooks"),
        ("class_required", "requires a class"),
        ("item_required", "requires a service item"),
        ("zero", "shorter than half a minute"),
        ("over_24", "more than 24"),
    ],
)
def test_point_preflight_blocks_with_error_and_fix(harness, case: str, phrase: str) -> None:
    """Each pre-flight rule blocks its entry with a stored cause and fix; nothing is sent."""
    from sqlalchemy import text

    options = {"classes": "require"} if case == "class_required" else {}
    options |= {"service_items": "require"} if case == "item_required" else {}
    world = build_world(harness, **options)
    ids = world.ids
    cid = world.company_id
    values: dict = {}
    member = "Maria Alvarez"
    with harness.store.engine.begin() as conn:
        if case == "unlinked":
            conn.execute(
                text(
                    "INSERT INTO team_member (company_id, name, is_active, archived, deleted_in_qb,"
                    " created_at, updated_at, payroll_earnings) VALUES (:c, 'Local Lou', :t, :f, :f,"
                    " :now, :now, '[]')"
                ),
                {"c": cid, "t": True, "f": False, "now": harness.clock.now()},
            )
    if case == "unlinked":
        ids["member"] = {r["name"]: r["id"] for r in harness.rows(cid, "team_member")}
        member = "Local Lou"
    elif case == "archived":
        member = "Marcus Reed"
    elif case == "no_payroll":
        member = "Priya Raman"
        harness.store.put_payroll_mapping(cid, [], [], now=harness.clock.now())
        with harness.store.engine.begin() as conn:
            conn.execute(text("DELETE FROM payroll_default WHERE company_id = :c"), {"c": cid})
    elif case == "billable":
        values = {"billable": True}
    elif case == "archived_job":
        job = world.qb.company.find("Customer", "Abernathy, Claire:Kitchen Remodel")
        world.qb.company.deactivate(job.list_id)
        world.sync()
        values = {"customer_id": ids["customer"]["Abernathy, Claire:Kitchen Remodel"]}
    elif case == "deleted_item":
        item = world.qb.company.find("ItemService", "Travel Time")
        world.qb.company.delete(item.list_id)
        world.sync()
        values = {"service_item_id": ids["item"]["Travel Time"]}
    elif case == "zero":
        values = {"duration_seconds": 20}
    elif case == "over_24":
        world.add(member, WEEK, duration_seconds=20 * 3600)
        values = {"duration_seconds": 5 * 3600}
    entry_id = world.add(member, WEEK, **values)
    world.approve()
    before = len(world.qb.company.time_entries)
    world.sync()
    [row] = [r for r in world.entries() if r["id"] == entry_id]
    assert row["export_state"] == "blocked", row
    assert phrase in row["export_error"] and " Fix: " in row["export_error"]
    assert len(world.qb.company.time_entries) == before


def _during_export(qb, action) -> None:
    """Run ``action`` on the company file once, just before the first export message set
    reaches QuickBooks (someone changes QuickBooks while the sync runs)."""
    original = qb.process
    done: list[bool] = []

    def process(xml: str) -> str:
        if not done and any(n in xml for n in ("TimeTrackingAddRq", "TimeTrackingModRq")):
            done.append(True)
            action()
        return original(xml)

    qb.process = process


def _row(world, entry_id: int) -> dict:
    [row] = [r for r in world.entries() if r["id"] == entry_id]
    return row


def _unlock_edit_approve(world, entry_id: int, **changes) -> None:
    from mappings.time import parse_entry_input

    store, cid, now = world.store, world.company_id, world.harness.clock.now()
    row = _row(world, entry_id)
    day = row["work_date"] if not isinstance(row["work_date"], str) else None
    from datetime import date

    day = day or date.fromisoformat(row["work_date"])
    assert store.unlock_entries(cid, date_from=day, date_to=day, member_ids=None, now=now) >= 1
    if changes:
        store.update_time_entry(cid, entry_id, parse_entry_input(changes, partial=True), now=now)
    store.set_approval(cid, date_from=day, date_to=day, member_ids=None, approve=True, now=now)


def test_point_qb_3140_after_a_job_was_deleted_in_quickbooks(harness) -> None:
    """A job deleted in QuickBooks mid-sync gives 3140 with its fix; the next sync blocks the
    entry as deleted in QuickBooks; company show lists it."""
    from click.testing import CliRunner

    world = build_world(harness)
    leaf = "Abernathy, Claire:Kitchen Remodel:Demolition"
    entry_id = world.add("Maria Alvarez", WEEK, customer_id=world.ids["customer"][leaf])
    world.approve()
    job = world.qb.company.find("Customer", leaf)
    _during_export(world.qb, lambda: world.qb.company.delete(job.list_id))
    world.sync()
    row = _row(world, entry_id)
    assert row["export_state"] == "error" and "Reactivate the record" in row["export_error"]
    errors = harness.rows(world.company_id, "sync_error", "status_code = '3140'")
    assert errors and errors[0]["fix"].startswith("Reactivate")
    world.harness.clock.advance(hours=2)
    world.sync()
    row = _row(world, entry_id)
    assert row["export_state"] == "blocked" and "was deleted in QuickBooks" in row["export_error"]
    from qbwc_server import admin
    from qbwc_server.report import company_lines

    lines = company_lines(admin.company_details(world.store, world.company_id))
    assert any(f"entry {entry_id}" in line and "deleted in QuickBooks" in line for line in lines)
    assert CliRunner  # the CLI prints these lines (tests/qbwc_server/test_cli_company.py)


def test_point_qb_3150_payroll_item_refused(harness) -> None:
    """An employee switched to paychecks from time data mid-sync: 3150, with the mapping fix."""
    import dataclasses

    world = build_world(harness)
    entry_id = world.add("Grace Holloway", WEEK)
    world.approve()
    grace = world.qb.company.find("Employee", "Grace Holloway")

    def switch() -> None:
        payroll = dataclasses.replace(
            grace.payroll, use_time_data_to_create_paychecks="UseTimeData"
        )
        world.qb.company.modify(grace.list_id, payroll=payroll)

    _during_export(world.qb, switch)
    world.sync()
    row = _row(world, entry_id)
    assert row["export_state"] == "error"
    assert "needs a payroll item" in row["export_error"] and "payroll-map" in row["export_error"]


def test_point_qb_3171_closing_date(harness) -> None:
    """Entries on or before the closing date get 3171 and the fix; later days export."""
    world = build_world(harness)
    early = world.add("Maria Alvarez", WEEK)
    late = world.add("Maria Alvarez", WEEK + timedelta(days=2))
    world.approve()
    world.qb.company.closing_date = WEEK + timedelta(days=1)
    transcript = world.sync()
    assert transcript.outcome == "finished"
    assert _row(world, early)["export_state"] == "error"
    assert "closing date" in _row(world, early)["export_error"]
    assert _row(world, late)["export_state"] == "exported"


def test_point_unlock_edit_reexport_updates_in_place(any_harness) -> None:
    """An exported entry, unlocked and edited, goes out as TimeTrackingMod of the same TxnID."""
    world = build_world(any_harness)
    entry_id = world.add("Maria Alvarez", WEEK, notes="before")
    world.approve()
    world.sync()
    txn_id = _row(world, entry_id)["qb_txn_id"]
    _unlock_edit_approve(world, entry_id, notes="after", duration_seconds=6 * 3600)
    world.harness.clock.advance(hours=2)
    world.sync()
    row = _row(world, entry_id)
    assert row["qb_txn_id"] == txn_id and row["export_state"] == "exported" and row["locked"]
    [txn] = world.qb_entries()
    assert txn.txn_id == txn_id and txn.notes == "after" and txn.duration == timedelta(hours=6)
    assert world.qb.request_counts["TimeTrackingModRq"] == 1
    check_exactly_once(world)


def test_point_qb_3200_requeries_and_retries_once(harness) -> None:
    """Someone edited the entry in QuickBooks: the Mod meets 3200, the entry is read again and
    the Mod retried, which then succeeds."""
    world = build_world(harness)
    entry_id = world.add("Maria Alvarez", WEEK, notes="ours")
    world.approve()
    world.sync()
    txn_id = _row(world, entry_id)["qb_txn_id"]
    company = world.qb.company
    entry = company.time_entries[txn_id]
    import dataclasses

    company.time_entries[txn_id] = dataclasses.replace(
        entry, notes="theirs", **company.bump(entry.edit_sequence, entry.time_modified)
    )
    _unlock_edit_approve(world, entry_id, notes="ours, edited")
    world.harness.clock.advance(hours=2)
    world.sync()
    assert world.qb.request_counts["TimeTrackingModRq"] == 2
    assert company.time_entries[txn_id].notes == "ours, edited"
    assert _row(world, entry_id)["export_state"] == "exported"
    check_exactly_once(world)


def test_point_mod_of_an_entry_deleted_in_quickbooks_adds_it_again(harness) -> None:
    """3120 on a Mod (deleted in QuickBooks) adds the entry again under a new TxnID."""
    world = build_world(harness)
    entry_id = world.add("Maria Alvarez", WEEK)
    world.approve()
    world.sync()
    old = _row(world, entry_id)["qb_txn_id"]
    del world.qb.company.time_entries[old]
    _unlock_edit_approve(world, entry_id, notes="again")
    world.harness.clock.advance(hours=2)
    world.sync()
    row = _row(world, entry_id)
    assert row["qb_txn_id"] != old and row["export_state"] == "exported"
    check_exactly_once(world)


def test_point_record_in_use_3175_is_retried_next_sync(harness) -> None:
    """An entry open in QuickBooks refuses the update (3175, close it); the next sync sends it."""
    world = build_world(harness)
    entry_id = world.add("Maria Alvarez", WEEK)
    world.approve()
    world.sync()
    txn_id = _row(world, entry_id)["qb_txn_id"]
    world.qb.company.open_txn_ids.add(txn_id)
    _unlock_edit_approve(world, entry_id, notes="late change")
    world.harness.clock.advance(hours=2)
    world.sync()
    row = _row(world, entry_id)
    assert row["export_state"] == "error" and "Close it in QuickBooks" in row["export_error"]
    world.qb.company.open_txn_ids.clear()
    world.harness.clock.advance(hours=2)
    world.sync()
    assert world.qb.company.time_entries[txn_id].notes == "late change"
    check_exactly_once(world)


def test_point_delete_after_export_removes_it_from_quickbooks(any_harness) -> None:
    """Deleting an exported (unlocked) entry sends TxnDel; QuickBooks and the store drop it."""
    world = build_world(any_harness)
    keep = world.add("Maria Alvarez", WEEK)
    gone = world.add("Maria Alvarez", WEEK + timedelta(days=1))
    world.approve()
    world.sync()
    txn_id = _row(world, gone)["qb_txn_id"]
    day, now = WEEK + timedelta(days=1), world.harness.clock.now()
    world.store.unlock_entries(
        world.company_id, date_from=day, date_to=day, member_ids=None, now=now
    )
    assert (
        world.store.delete_time_entry(world.company_id, gone, now=world.harness.clock.now())
        is False
    )
    world.harness.clock.advance(hours=2)
    world.sync()
    assert txn_id not in world.qb.company.time_entries
    assert [r["id"] for r in world.entries()] == [keep]
    check_exactly_once(world)
