"""List query filters behave as QuickBooks': ListID/FullName, ActiveStatus, modified dates,
MaxReturned, NameFilter/NameRangeFilter, OwnerID, IncludeRetElement; ListDeletedQuery."""

from __future__ import annotations

from datetime import timedelta

import pytest

import qbxml
from tests.simulate.conftest import OWNER_ID, first


def _names(response: qbxml.Response) -> list[str]:
    return [getattr(r, "full_name", None) or r.name for r in response.records]


@pytest.mark.parametrize(
    ("status", "expected_active"),
    [(None, {True}), ("ActiveOnly", {True}), ("InactiveOnly", {False}), ("All", {True, False})],
)
@pytest.mark.parametrize(
    "query",
    [
        qbxml.CustomerQuery,
        qbxml.EmployeeQuery,
        qbxml.VendorQuery,
        qbxml.ClassQuery,
        qbxml.PayrollItemWageQuery,
        qbxml.ItemServiceQuery,
        qbxml.OtherNameQuery,
    ],
)
def test_active_status(ask, query, status, expected_active) -> None:
    """ActiveStatus defaults to ActiveOnly; InactiveOnly and All do what they say."""
    response = first(ask(query(request_id="1", active_status=status)))
    assert {r.is_active for r in response.records} == expected_active


def test_list_ids_and_full_names_ignore_active_status(ask, quickbooks) -> None:
    """Records asked for by ListID or FullName come back, active or not, in request order."""
    inactive = next(r for r in quickbooks.company.records("Customer") if not r.is_active)
    job = quickbooks.company.find("Customer", "Baptiste, Jean")
    by_id = first(
        ask(qbxml.CustomerQuery(request_id="1", list_ids=(inactive.list_id, job.list_id)))
    )
    assert [r.list_id for r in by_id.records] == [inactive.list_id, job.list_id]
    by_name = first(ask(qbxml.CustomerQuery(request_id="1", full_names=(inactive.full_name,))))
    assert by_name.records[0].list_id == inactive.list_id


def test_missing_ids_warn_with_500(ask, quickbooks) -> None:
    """A ListID that does not exist gives status 500 (Warn) and the records that do exist."""
    known = next(quickbooks.company.records("Employee")).list_id
    response = first(ask(qbxml.EmployeeQuery(request_id="1", list_ids=(known, "80009999-1"))))
    assert (response.status.code, response.status.severity) == (500, "Warn")
    assert [r.list_id for r in response.records] == [known]
    assert "80009999-1" in response.status.message


def test_no_match_is_status_1(ask) -> None:
    """A query that matches nothing answers statusCode 1 (Info), retCount 0."""
    response = first(
        ask(
            qbxml.CustomerQuery(
                request_id="1",
                name_filter=qbxml.NameFilter(match_criterion="Contains", name="no such"),
            )
        )
    )
    assert (response.status.code, response.status.severity, response.status.ret_count) == (
        1,
        "Info",
        0,
    )


def test_from_modified_date_is_local_time_and_inclusive(ask, quickbooks, qb_clock) -> None:
    """FromModifiedDate (no offset) is compared in the company's local time, inclusively."""
    qb_clock.advance(hours=2)
    changed = quickbooks.company.modify(
        next(quickbooks.company.records("Vendor")).list_id, phone="1"
    )
    local = changed.time_modified.replace(tzinfo=None)
    assert changed.time_modified.utcoffset() == timedelta(hours=-5)
    at = first(
        ask(qbxml.VendorQuery(request_id="1", from_modified_date=local, active_status="All"))
    )
    assert [r.list_id for r in at.records] == [changed.list_id]
    after = first(
        ask(qbxml.VendorQuery(request_id="1", from_modified_date=local + timedelta(seconds=1)))
    )
    assert after.status.code == 1
    before = first(
        ask(
            qbxml.VendorQuery(
                request_id="1", to_modified_date=local - timedelta(seconds=1), active_status="All"
            )
        )
    )
    assert changed.list_id not in [r.list_id for r in before.records]


def test_renaming_a_parent_shows_its_children_as_modified(ask, quickbooks, qb_clock) -> None:
    """Renaming a class renames its sub-classes' FullName; all of them count as modified."""
    qb_clock.advance(hours=1)
    parent = quickbooks.company.find("Class", "Residential")
    changed = quickbooks.company.modify(parent.list_id, name="Homes")
    since = changed.time_modified.replace(tzinfo=None)
    hits = first(ask(qbxml.ClassQuery(request_id="1", from_modified_date=since))).records
    assert _names(
        first(ask(qbxml.ClassQuery(request_id="1", list_ids=tuple(r.list_id for r in hits))))
    ) == ["Homes", "Homes:New Construction", "Homes:Remodel"]


@pytest.mark.parametrize("max_returned", [1, 3, 10])
def test_max_returned(ask, max_returned: int) -> None:
    """MaxReturned caps a query without an iterator."""
    response = first(ask(qbxml.CustomerQuery(request_id="1", max_returned=max_returned)))
    assert len(response.records) == response.status.ret_count == max_returned


@pytest.mark.parametrize(
    ("criterion", "name", "expected"),
    [
        ("StartsWith", "castillo", ["Castillo, Elena"]),
        ("Contains", "HARDWARE", ["St. Johns Hardware"]),
        ("EndsWith", ", Yuki", ["Sato, Yuki"]),
    ],
)
def test_name_filter(ask, criterion, name, expected) -> None:
    """NameFilter matches FullName case-insensitively (customers without their jobs here)."""
    response = first(
        ask(
            qbxml.CustomerQuery(
                request_id="1", name_filter=qbxml.NameFilter(match_criterion=criterion, name=name)
            )
        )
    )
    assert [n for n in _names(response) if ":" not in n] == expected


def test_name_filter_reaches_jobs_by_full_name(ask) -> None:
    """A job's FullName starts with its customer's name, so StartsWith finds the jobs too."""
    response = first(
        ask(
            qbxml.CustomerQuery(
                request_id="1",
                name_filter=qbxml.NameFilter(match_criterion="StartsWith", name="Baptiste"),
            )
        )
    )
    names = _names(response)
    assert names[0] == "Baptiste, Jean" and all(n.startswith("Baptiste, Jean") for n in names)


def test_name_range_filter(ask) -> None:
    """NameRangeFilter keeps names between FromName and ToName (inclusive, case-insensitive)."""
    response = first(
        ask(
            qbxml.EmployeeQuery(
                request_id="1", name_range=qbxml.NameRangeFilter(from_name="h", to_name="m")
            )
        )
    )
    assert _names(response) and all("h" <= n.lower() <= "m" for n in _names(response))


def test_jobs_and_sub_jobs(ask) -> None:
    """Customers, jobs and sub-jobs come back with FullName, ParentRef and Sublevel."""
    records = first(ask(qbxml.CustomerQuery(request_id="1", active_status="All"))).records
    by_id = {r.list_id: r for r in records}
    assert {r.sublevel for r in records} == {0, 1, 2}
    for r in records:
        if r.sublevel:
            parent = by_id[r.parent_ref.list_id]
            assert (
                r.full_name == f"{parent.full_name}:{r.name}" and r.sublevel == parent.sublevel + 1
            )


def test_owner_id_returns_private_data_ext(ask, quickbooks) -> None:
    """DataExt comes back only for the OwnerIDs asked for."""
    quickbooks.company.stamp_data_ext(OWNER_ID, "FileID", "{11111111-2222-4333-8444-555555555555}")
    plain = first(ask(qbxml.CompanyQuery(request_id="1"))).records[0]
    mine = first(ask(qbxml.CompanyQuery(request_id="1", owner_ids=(OWNER_ID.upper(),)))).records[0]
    assert plain.data_ext == () and [d.name for d in mine.data_ext] == ["FileID"]


def test_include_ret_element_trims(ask) -> None:
    """IncludeRetElement returns only the named elements."""
    record = first(
        ask(qbxml.EmployeeQuery(request_id="1", include_ret_elements=("ListID", "Name")))
    ).records[0]
    assert record.list_id and record.name and record.first_name is None and record.payroll is None


def test_list_deleted_query(ask, quickbooks, qb_clock) -> None:
    """Deleted records show in ListDeletedQuery by type and deleted-date range."""
    company = quickbooks.company
    qb_clock.advance(minutes=5)
    gone = company.delete(company.add("OtherName", name="Jobsite Neighbor").list_id)
    response = first(
        ask(qbxml.ListDeletedQuery(request_id="1", list_del_types=("OtherName", "Customer")))
    )
    assert [(r.list_del_type, r.list_id, r.full_name) for r in response.records] == [
        ("OtherName", gone.list_id, "Jobsite Neighbor")
    ]
    later = gone.time_deleted.replace(tzinfo=None) + timedelta(seconds=1)
    assert (
        first(
            ask(
                qbxml.ListDeletedQuery(
                    request_id="1", list_del_types=("OtherName",), from_deleted_date=later
                )
            )
        ).status.code
        == 1
    )
    assert (
        first(ask(qbxml.ListDeletedQuery(request_id="1", list_del_types=("Vendor",)))).status.code
        == 1
    )
