"""The first full sync of the sample company, end to end over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import expected


@pytest.mark.parametrize(
    "database_url", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_first_sync_imports_every_list(any_harness) -> None:
    """Employees, customers/jobs, service items and payroll items match the company file."""
    h = any_harness
    created = h.add_company()
    qb = h.quickbooks()
    transcript = h.sync(created, qb)
    assert transcript.outcome == "finished", transcript.last_error
    pct = list(transcript.percentages)
    assert pct == sorted(pct) and pct[-1] == 100 and pct.count(100) == 1
    want = expected(qb.company, ("team_member", "customer", "service_item", "payroll_item"))
    want["team_member"] = {r for r in want["team_member"] if r[0] in _employees(qb)}
    assert h.snapshot(created.company.id) == want
    assert transcript.summary == (
        "Synced 15 employees, 151 customers/jobs, 9 payroll items, 13 service items; no errors"
    )
    company = h.store.get_company(created.company.id)
    assert company.first_sync_at is not None and company.sync_requested_at is None
    assert company.bound_company_file == qb.company.path and company.bound_file_stamp
    assert company.qb_product == "QuickBooks Pro 2023" and company.qbxml_version == "16.0"
    assert company.qb_company_name == qb.company.name
    assert h.store.list_sessions(created.company.id)[0].state == "finished"


def _employees(qb) -> set[str]:
    return {e.list_id for e in qb.company.records("Employee")}


def test_job_tree_and_payroll_details(harness) -> None:
    """Jobs point at their parents, and employees carry their earnings and time-data flag."""
    created = harness.add_company()
    qb = harness.quickbooks()
    assert harness.sync(created, qb).outcome == "finished"
    cid = created.company.id
    customers = {r["qb_list_id"]: r for r in harness.rows(cid, "customer")}
    by_id = {r["id"]: r for r in customers.values()}
    for record in qb.company.records("Customer"):
        row = customers[record.list_id]
        parent = record.parent_ref.list_id if record.parent_ref else None
        assert row["parent_list_id"] == parent
        assert (by_id[row["parent_id"]]["qb_list_id"] if row["parent_id"] else None) == parent
        assert row["sublevel"] == (record.sublevel or 0) and bool(row["is_job"]) == bool(parent)
        assert bool(row["assigned_to_all"]) is True
    members = {r["qb_list_id"]: r for r in harness.rows(cid, "team_member")}
    for employee in qb.company.records("Employee"):
        row = members[employee.list_id]
        assert row["qb_role"] == "employee"
        flag = employee.payroll.use_time_data_to_create_paychecks if employee.payroll else None
        want = {"UseTimeData": True, "DoNotUseTimeData": False}.get(flag or "")
        assert row["uses_time_data_for_paychecks"] == want
        earnings = employee.payroll.earnings if employee.payroll else ()
        assert [e["payroll_item_list_id"] for e in _json(row["payroll_earnings"])] == [
            e.payroll_item_wage_ref.list_id for e in earnings
        ]
    wage_types = {r["qb_list_id"]: r["wage_type"] for r in harness.rows(cid, "payroll_item")}
    assert wage_types == {p.list_id: p.wage_type for p in qb.company.records("PayrollItemWage")}


def _json(value):
    import json

    return json.loads(value) if isinstance(value, str) else value


def test_second_sync_right_after_is_none(harness) -> None:
    """After a complete sync the company is not due until the interval elapses, then it is."""
    created = harness.add_company()
    qb = harness.quickbooks()
    harness.sync(created, qb)
    assert harness.sync(created, qb).auth_status == "none"
    harness.clock.advance(minutes=60)
    again = harness.sync(created, qb)
    assert again.outcome == "finished" and again.summary.startswith("Up to date")


@pytest.mark.parametrize("log_qbxml", [False, True])
def test_qbxml_is_logged_only_when_asked(harness_for, sqlite_url, caplog, log_qbxml) -> None:
    """Request and response qbXML reach the log only with the ``log_qbxml`` setting."""
    h = harness_for(sqlite_url, log_qbxml=log_qbxml)
    created = h.add_company()
    assert h.sync(created, h.quickbooks()).outcome == "finished"
    assert ("<CustomerQueryRq" in caplog.text) is log_qbxml
    assert ("<CustomerRet>" in caplog.text) is log_qbxml
    assert created.password not in caplog.text
