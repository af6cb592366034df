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
    world.qb = harness.quickbooks(world.qb.company, versions=("8.0",))
    [entry_id] = [world.add("Maria Alvarez", WEEK, notes="framing")]
    world.approve()
    dropped = world.sync(faults=[Fault(kind="drop_after_commit", at=1)])
    assert dropped.outcome == "dropped"
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
