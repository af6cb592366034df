"""Incremental syncs: modifications, deactivations, deletions, re-activations and additions in
QuickBooks reach the store through modified-date queries and ListDeletedQuery."""

from __future__ import annotations

import re
from decimal import Decimal

from tests.e2e.conftest import expected_default, live_only


def _sent_requests(transcript) -> list[str]:
    return [str(c.answer) for c in transcript.calls if c.operation == "sendRequestXML" and c.answer]


def _first_sync(harness, **options):
    created = harness.add_company(**options)
    qb = harness.quickbooks()
    assert harness.sync(created, qb).outcome == "finished"
    return created, qb


def _unused(qb, kind: str):
    """A record of ``kind`` QuickBooks lets us delete (no sub-records, not in use)."""
    from qbwc_server.simulate.lists import CompanyError

    for record in list(qb.company.records(kind)):
        try:
            qb.company.delete(record.list_id)
        except CompanyError:
            continue
        return record
    raise AssertionError(f"no deletable {kind}")


def test_changes_in_quickbooks_reach_the_store(harness) -> None:
    """After edits in QuickBooks the next sync leaves the store equal to the company file."""
    created, qb = _first_sync(harness)
    company = qb.company
    harness.clock.advance(minutes=61)
    customer = next(
        c for c in company.records("Customer") if c.sublevel == 0 and company.children(c.list_id)
    )
    company.modify(customer.list_id, name="Renamed Customer Inc")  # jobs' FullNames change too
    employee = next(e for e in company.records("Employee") if e.is_active)
    company.deactivate(employee.list_id)
    inactive = next(
        c for c in company.records("Customer") if c.is_active is False and c.sublevel == 0
    )
    company.reactivate(inactive.list_id)
    company.add_job(customer.list_id, "Brand new job")
    company.add_employee(
        "Nora", "Quist", email="nora@example.com", earnings=[("Hourly Regular", Decimal("30.00"))]
    )
    gone_item = _unused(qb, "ItemService")
    gone_customer = _unused(qb, "Customer")
    harness.clock.advance(minutes=1)

    transcript = harness.sync(created, qb)
    assert transcript.outcome == "finished", transcript.last_error
    snap = harness.snapshot(created.company.id)
    assert live_only(snap) == expected_default(company)
    deleted = {r[0] for rows in snap.values() for r in rows if r[4]}
    assert deleted == {gone_item.list_id, gone_customer.list_id}
    for rows in snap.values():
        for row in rows:
            if row[4]:
                assert row[3] is True and row[2] is False  # archived, inactive
    # Incremental queries: ActiveStatus All and FromModifiedDate without a UTC offset.
    for request in _sent_requests(transcript):
        if "ListDeletedQueryRq" in request:
            assert re.search(
                r"<FromDeletedDate>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d</FromDeletedDate>", request
            )
            continue
        assert "<ActiveStatus>All</ActiveStatus>" in request
        assert re.search(
            r"<FromModifiedDate>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d</FromModifiedDate>", request
        )
    assert "2 deletions" in transcript.summary and "1 payroll" not in transcript.summary


def test_unchanged_company_syncs_nothing(harness) -> None:
    """A sync with no changes in QuickBooks changes no row and reports it is up to date."""
    created, qb = _first_sync(harness)
    before = harness.snapshot(created.company.id)
    harness.clock.advance(minutes=61)
    transcript = harness.sync(created, qb)
    assert transcript.summary == "Up to date with QuickBooks Pro 2023; no errors"
    assert harness.snapshot(created.company.id) == before


def test_watermark_waits_for_a_finished_list(harness) -> None:
    """A list whose import failed is asked again in full scope next time: nothing is skipped."""
    from qbwc_server.simulate import Fault

    created = harness.add_company()
    qb = harness.quickbooks()
    # The 4th message set (customers) fails with an hresult: customers get no watermark.
    first = harness.sync(created, qb, faults=[Fault(kind="hresult", at=4, hresult="0x80040402")])
    assert "1 error" in first.summary
    assert "customers" not in harness.store.get_watermarks(created.company.id)
    harness.clock.advance(minutes=1)
    second = harness.sync(created, qb)
    assert second.outcome == "finished"
    customer_rq = next(r for r in _sent_requests(second) if "CustomerQueryRq" in r)
    assert "<FromModifiedDate>" not in customer_rq
    assert harness.snapshot(created.company.id) == expected_default(qb.company)
