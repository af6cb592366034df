"""List records parsed from real qbXML become store rows (mappings.lists)."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import pytest

import qbxml
from mappings import (
    COUNT_KEYS,
    LIST_KINDS,
    VALUE_KEYS,
    ListRow,
    MappingError,
    count_key,
    employee_to_row,
    record_to_row,
)
from tests.mappings.conftest import RESPONSE_FILES, SYNTHETIC_MIXED, records_in

LIST_RECORDS = (
    qbxml.Employee,
    qbxml.Vendor,
    qbxml.Customer,
    qbxml.ItemService,
    qbxml.QbClass,
    qbxml.PayrollItemWage,
)


def _first(records: list[qbxml.Record], kind: type) -> qbxml.Record:
    return next(r for r in records if isinstance(r, kind))


def _check_row(record: qbxml.Record, row: ListRow | None) -> None:
    assert isinstance(record, LIST_RECORDS)
    assert row is not None
    assert row.qb_list_id == record.list_id
    assert row.edit_sequence == record.edit_sequence
    assert row.qb_time_modified == record.time_modified
    assert row.is_active is (record.is_active is not False)
    assert tuple(row.values) == tuple(sorted(VALUE_KEYS[row.kind]))
    assert count_key(row) in COUNT_KEYS.values()


@pytest.mark.parametrize("path", RESPONSE_FILES, ids=lambda p: p.stem)
def test_every_record_of_a_real_response_maps_or_is_skipped(path):
    """Each list record in a captured or synthetic response maps to a row; others give None."""
    for record in records_in(path):
        row = record_to_row(record)
        if isinstance(record, LIST_RECORDS):
            _check_row(record, row)
        else:
            assert row is None


@pytest.mark.parametrize(
    "key", ["employees", "vendors", "customers", "service_items", "classes", "payroll_items"]
)
def test_sample_company_lists_map_with_their_count_key(sample_records, key):
    """Every list object of the sample company maps to a row that counts under its own key."""
    rows = [record_to_row(r) for r in sample_records[key]]
    for record, row in zip(sample_records[key], rows, strict=True):
        _check_row(record, row)
        assert row is not None and count_key(row) == key
    assert any(row is not None and not row.is_active for row in rows)


def test_employee_with_payroll_from_the_synthetic_response():
    """The synthetic EmployeeRet keeps name parts, time-data use and earnings as text."""
    row = record_to_row(_first(records_in(SYNTHETIC_MIXED), qbxml.Employee))
    assert row == ListRow(
        kind="team_member",
        qb_list_id="80000001-1700000000",
        edit_sequence="1700000000",
        qb_time_modified=datetime.fromisoformat("2023-11-14T17:13:20-05:00"),
        name="Jane Q Doe",
        full_name="Jane Q Doe",
        is_active=True,
        values={
            "first_name": "Jane",
            "last_name": "Doe",
            "email": None,
            "qb_role": "employee",
            "uses_time_data_for_paychecks": True,
            "payroll_earnings": (("10000-1", "Regular Pay", "25.00", None),),
        },
    )
    assert row.qb_time_modified is not None and row.qb_time_modified.tzinfo is not None


def test_job_links_to_its_parent_customer():
    """A CustomerRet with ParentRef is a job under that ListID, with its sublevel and status."""
    row = record_to_row(_first(records_in(SYNTHETIC_MIXED), qbxml.Customer))
    assert row is not None
    assert (row.kind, row.parent_list_id, row.sublevel) == ("customer", "80000009-1700000000", 1)
    assert (row.name, row.full_name) == ("Job 1", "Acme Corp:Job 1")
    assert dict(row.values) == {
        "company_name": None,
        "email": None,
        "job_status": "InProgress",
        "is_job": True,
    }


def test_top_level_customer_is_not_a_job():
    """The captured gem CustomerRet is a customer at sublevel 0 with its email and job status."""
    path = next(p for p in RESPONSE_FILES if p.stem == "qbwc_gem_customer_query")
    row = record_to_row(records_in(path)[0])
    assert row is not None
    assert (row.parent_list_id, row.sublevel, row.values["is_job"]) == (None, 0, False)
    assert row.values["email"] == "keith@uglyslug.com"
    assert row.values["job_status"] == "None"
    assert row.edit_sequence == "1213155356"


def test_trimmed_customer_ret_defaults_to_active_without_edit_sequence():
    """A CustomerRet without EditSequence, TimeModified or IsActive maps as active, unknowns None."""
    path = RESPONSE_FILES[-1]  # hotglue customer-batch-valid: rets 2..5 are trimmed
    row = record_to_row(records_in(path)[1])
    assert row is not None
    assert (row.edit_sequence, row.qb_time_modified, row.is_active) == (None, None, True)
    assert row.values["company_name"] == "HG Batch OK 1785964184 2"


def test_payroll_wage_item_keeps_its_wage_type():
    """A PayrollItemWageRet keeps WageType; its full name is its name."""
    row = record_to_row(_first(records_in(SYNTHETIC_MIXED), qbxml.PayrollItemWage))
    assert row is not None
    assert (row.kind, row.name, row.full_name) == ("payroll_item", "Regular Pay", "Regular Pay")
    assert dict(row.values) == {"wage_type": "HourlyRegular"}


def test_vendor_is_a_team_member_without_payroll(sample_records):
    """A vendor becomes a team member with qb_role vendor, its Name and its name parts."""
    vendor = next(v for v in sample_records["vendors"] if v.first_name)
    row = record_to_row(vendor)
    assert row is not None
    assert (row.kind, row.name, row.values["qb_role"]) == ("team_member", vendor.name, "vendor")
    assert (row.values["first_name"], row.values["last_name"]) == ("Minh", "Tran")
    assert row.values["uses_time_data_for_paychecks"] is None
    assert row.values["payroll_earnings"] == ()


def test_service_item_price_is_decimal_text_and_sub_items_have_parents(sample_records):
    """Service item prices become Decimal text; sub-items and sub-classes carry their parent."""
    items = [record_to_row(r) for r in sample_records["service_items"]]
    priced = next(r for r in items if r is not None and r.name == "Cleanup")
    assert priced.values == {"description": "Jobsite cleanup", "price": "45"}
    classes = [record_to_row(r) for r in sample_records["classes"]]
    sub = next(r for r in classes if r is not None and r.sublevel == 1)
    assert sub.parent_list_id is not None and ":" in sub.full_name
    assert sub.values == {}


def test_employee_time_data_flags_cover_every_setting(sample_records):
    """UseTimeData is True, DoNotUseTimeData False, and NotSet or no payroll info None."""
    flags = {
        record_to_row(e).values["uses_time_data_for_paychecks"] for e in sample_records["employees"]
    }
    assert flags == {True, False}
    employee = sample_records["employees"][0]
    assert isinstance(employee, qbxml.Employee) and employee.payroll is not None
    not_set = dataclasses.replace(
        employee,
        payroll=dataclasses.replace(employee.payroll, use_time_data_to_create_paychecks="NotSet"),
    )
    assert employee_to_row(not_set).values["uses_time_data_for_paychecks"] is None
    no_payroll = employee_to_row(dataclasses.replace(employee, payroll=None))
    assert no_payroll.values["uses_time_data_for_paychecks"] is None
    assert no_payroll.values["payroll_earnings"] == ()


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [("Jane", "Doe", "Jane Doe"), (None, "Doe", "Doe"), ("Jane", None, "Jane")],
)
def test_employee_without_name_uses_first_and_last(first, last, expected):
    """Without Name, an employee's display name is its first and last name joined."""
    employee = _first(records_in(SYNTHETIC_MIXED), qbxml.Employee)
    row = record_to_row(dataclasses.replace(employee, name=None, first_name=first, last_name=last))
    assert row is not None and (row.name, row.full_name) == (expected, expected)


@pytest.mark.parametrize("kind", LIST_RECORDS, ids=lambda k: k.__name__)
def test_record_without_list_id_is_a_mapping_error(sample_records, kind):
    """A list record without ListID raises MappingError naming the Ret, not the person."""
    record = next(r for rs in sample_records.values() for r in rs if isinstance(r, kind))
    with pytest.raises(MappingError, match="Ret without ListID") as info:
        record_to_row(dataclasses.replace(record, list_id=None))
    assert str(record.name) not in str(info.value)


@pytest.mark.parametrize("kind", LIST_RECORDS, ids=lambda k: k.__name__)
def test_record_without_name_is_a_mapping_error_naming_the_list_id(sample_records, kind):
    """A list record without a name raises MappingError that names its ListID."""
    record = next(r for rs in sample_records.values() for r in rs if isinstance(r, kind))
    nameless = dataclasses.replace(record, name="")
    if isinstance(nameless, qbxml.Employee):
        nameless = dataclasses.replace(nameless, first_name=None, last_name=None)
    with pytest.raises(MappingError, match=f"{record.list_id} has no Name"):
        record_to_row(nameless)


def test_records_that_are_not_imported_lists_give_none():
    """Host, Company, Preferences, ListDeleted, TimeTracking and OtherName are not list rows."""
    hcp = next(p for p in RESPONSE_FILES if p.stem == "hcp_qbwc2008_pro2006")
    others = [
        *records_in(hcp),
        *[r for r in records_in(SYNTHETIC_MIXED) if not isinstance(r, LIST_RECORDS)],
    ]
    others.append(qbxml.OtherName(list_id="1-1", name="Someone"))
    assert {type(r).__name__ for r in others} >= {
        "Host",
        "Company",
        "Preferences",
        "ListDeleted",
        "TimeTracking",
        "OtherName",
    }
    assert [record_to_row(r) for r in others] == [None] * len(others)


def test_list_row_values_are_a_read_only_copy_compared_as_dicts():
    """ListRow copies values into a read-only mapping; rows with equal values are equal and hash alike."""
    values: dict[str, object] = {"wage_type": "HourlyRegular"}
    common = {
        "kind": "payroll_item",
        "qb_list_id": "1-1",
        "edit_sequence": "1",
        "qb_time_modified": None,
        "name": "Regular",
        "full_name": "Regular",
        "is_active": True,
    }
    row = ListRow(**common, values=values)
    values["wage_type"] = "Bonus"
    assert row.values == {"wage_type": "HourlyRegular"}
    with pytest.raises(TypeError):
        row.values["wage_type"] = "Bonus"
    twin = ListRow(**common, values={"wage_type": "HourlyRegular"})
    assert row == twin and hash(row) == hash(twin) and len({row, twin}) == 1
    assert row != ListRow(**common, values=values)


def test_list_row_refuses_an_unknown_kind():
    """Building a ListRow of a kind outside LIST_KINDS is programmer misuse (ValueError)."""
    assert "employee" not in LIST_KINDS
    with pytest.raises(ValueError, match="unknown list kind"):
        ListRow(
            kind="employee",
            qb_list_id="1",
            edit_sequence=None,
            qb_time_modified=None,
            name="x",
            full_name="x",
            is_active=True,
        )


def test_count_key_of_a_hand_built_team_member_defaults_to_employees():
    """A team member row without qb_role counts as an employee."""
    row = ListRow(
        kind="team_member",
        qb_list_id="1",
        edit_sequence=None,
        qb_time_modified=None,
        name="x",
        full_name="x",
        is_active=True,
    )
    assert count_key(row) == "employees"
