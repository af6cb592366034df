"""Named request specs covering every request the builders produce (shared by several tests)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import qbxml as q

GUID = "{6B29FC40-CA47-1067-B31D-00DD010662DA}"
JOB = q.Ref(full_name="Acme Corp:Job 1")

# case name -> spec; every case is valid for qbXML 13.0 and 16.0
REQUEST_CASES: dict[str, q.RequestSpec] = {
    "host": q.HostQuery(request_id="0"),
    "host_include": q.HostQuery(request_id="0", include_ret_elements=("SupportedQBXMLVersion",)),
    "company_fileid": q.CompanyQuery(request_id="1", owner_ids=(GUID,)),
    "preferences": q.PreferencesQuery(request_id="2"),
    "employee_incremental": q.EmployeeQuery(
        request_id="emp-1",
        active_status="All",
        from_modified_date=datetime(2024, 1, 1, 8, 55, tzinfo=timezone(timedelta(hours=-5))),
        owner_ids=("0",),
    ),
    "employee_by_ids": q.EmployeeQuery(request_id="emp-2", list_ids=("80000001-1700000000", "2-3")),
    "vendor_iterator_start": q.VendorQuery(
        request_id="v1", iterator="Start", max_returned=500, active_status="All"
    ),
    "customer_iterator_continue": q.CustomerQuery(
        request_id="c2",
        iterator="Continue",
        iterator_id="{eb05f701-e727-472f-8ade-6753c4f67a46}",
        max_returned=500,
        active_status="All",
        from_modified_date=datetime(2024, 1, 1),
        to_modified_date=datetime(2024, 6, 30, 23, 59, 59),
        name_filter=q.NameFilter(match_criterion="StartsWith", name="Acme"),
        include_ret_elements=("ListID", "FullName", "ParentRef", "Sublevel", "JobStatus"),
        owner_ids=("0",),
    ),
    "customer_by_names": q.CustomerQuery(
        request_id="c3", full_names=("Acme Corp", "Acme Corp:Job 1")
    ),
    "class_name_range": q.ClassQuery(
        request_id="cl", name_range=q.NameRangeFilter(from_name="A", to_name="M")
    ),
    "payroll_item_wage": q.PayrollItemWageQuery(request_id="pw", active_status="ActiveOnly"),
    "item_service_iterator": q.ItemServiceQuery(
        request_id="is", iterator="Stop", iterator_id="{eb05f701-e727-472f-8ade-6753c4f67a46}"
    ),
    "other_name": q.OtherNameQuery(request_id="on", max_returned=10),
    "list_deleted": q.ListDeletedQuery(
        request_id="ld",
        list_del_types=("Customer", "Employee", "ItemService", "PayrollItemWage"),
        from_deleted_date=datetime(2024, 1, 1),
        to_deleted_date=datetime(2024, 2, 1),
    ),
    "time_add_full": q.TimeTrackingAdd(
        request_id="tt-1",
        txn_date=date(2024, 3, 15),
        entity_ref=q.Ref(list_id="80000001-1700000000"),
        customer_ref=JOB,
        item_service_ref=q.Ref(full_name="Labor"),
        duration=timedelta(hours=7, minutes=30),
        class_ref=q.Ref(full_name="Field"),
        payroll_item_wage_ref=q.Ref(full_name="Regular Pay"),
        notes="Framing, 2nd floor - café",
        billable_status="Billable",
        external_guid=GUID,
        include_ret_elements=("TxnID", "EditSequence", "ExternalGUID"),
    ),
    "time_add_minimal": q.TimeTrackingAdd(
        request_id="tt-2", entity_ref=q.Ref(full_name="Jane Q Doe"), duration=timedelta(hours=26)
    ),
    "time_mod": q.TimeTrackingMod(
        request_id="tt-3",
        txn_id="1F-1700000100",
        edit_sequence="1700000100",
        txn_date=date(2024, 3, 15),
        entity_ref=q.Ref(list_id="80000001-1700000000"),
        customer_ref=JOB,
        duration=timedelta(minutes=45),
        notes="fixed",
        billable_status="NotBillable",
    ),
    "time_query_txn_dates": q.TimeTrackingQuery(
        request_id="tq-1",
        from_txn_date=date(2024, 1, 1),
        to_txn_date=date(2024, 1, 31),
        entity_list_ids=("80000001-1700000000",),
    ),
    "time_query_modified_iterator": q.TimeTrackingQuery(
        request_id="tq-2",
        iterator="Start",
        max_returned=100,
        from_modified_date=datetime(2024, 1, 1),
        entity_full_names=("Jane Q Doe",),
    ),
    "time_query_ids": q.TimeTrackingQuery(request_id="tq-3", txn_ids=("1F-1700000100", "20-1")),
    "txn_del": q.TxnDel(request_id="del-1", txn_id="1F-1700000100"),
}
