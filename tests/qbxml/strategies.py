"""Hypothesis strategies for qbxml records and request specs (XML-1.0-legal text only)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st

import qbxml as q

# XML 1.0 legal characters; \r, \t and \n are escaped by the serializer so they survive.
_XML_CHARS = st.characters(
    codec="utf-8", exclude_categories=("Cs", "Cc", "Cn"), include_characters="\t\n\r"
)
_LATIN1_CHARS = st.characters(
    max_codepoint=0xFF, exclude_categories=("Cc",), include_characters="\t\n\r"
)
# The XSDs cap many Ret strings (Phone 21, MiddleName 5, HostRet/Country 2): stay within.
xml_text = st.text(_XML_CHARS, max_size=21)
short_text = st.text(_XML_CHARS, max_size=5)
latin1_text = st.text(_LATIN1_CHARS, max_size=30)
latin1_nonempty = st.text(_LATIN1_CHARS, min_size=1, max_size=30)
ids = st.text(st.sampled_from("0123456789ABCDEF-"), min_size=1, max_size=36)
edit_sequences = st.text(st.sampled_from("0123456789"), min_size=1, max_size=16)
guids = st.uuids().map(lambda u: "{" + str(u) + "}") | st.uuids().map(
    lambda u: "{" + str(u).upper() + "}"
)
offsets = st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
naive_datetimes = st.datetimes(datetime(1000, 1, 1), datetime(9999, 12, 30)).map(
    lambda d: d.replace(microsecond=0)
)
aware_datetimes = st.builds(lambda d, tz: d.replace(tzinfo=tz), naive_datetimes, offsets)
datetimes = naive_datetimes | aware_datetimes
dates = st.dates(date(1000, 1, 1), date(9999, 12, 31))
amounts = st.decimals(
    min_value=-(10**12), max_value=10**12, places=2, allow_nan=False, allow_infinity=False
)
prices = st.decimals(
    min_value=-(10**9), max_value=10**9, places=5, allow_nan=False, allow_infinity=False
)
durations = st.integers(-(10**7), 10**7).map(lambda s: timedelta(seconds=s))
minutes = st.integers(0, 10**5).map(lambda m: timedelta(minutes=m))


def opt(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """The strategy or None."""
    return st.none() | strategy


refs = st.builds(q.Ref, list_id=opt(ids), full_name=opt(xml_text))
request_refs = st.builds(q.Ref, list_id=ids, full_name=opt(latin1_text)) | st.builds(
    q.Ref, full_name=latin1_nonempty
)
data_exts = st.lists(
    st.builds(
        q.DataExt,
        owner_id=opt(guids | st.just("0")),
        name=xml_text,
        type=st.sampled_from(["STR255TYPE", "STR1024TYPE", "INTTYPE", "AMTTYPE"]),
        value=xml_text,
    ),
    max_size=2,
).map(tuple)
_LIST_BASE = {
    "list_id": opt(ids),
    "time_created": opt(datetimes),
    "time_modified": opt(datetimes),
    "edit_sequence": opt(edit_sequences),
    "name": opt(xml_text),
    "is_active": opt(st.booleans()),
}
_PERSON = {
    "first_name": opt(xml_text),
    "last_name": opt(xml_text),
    "phone": opt(xml_text),
    "email": opt(xml_text),
    "external_guid": opt(guids),
    "data_ext": data_exts,
}


def _group(fields: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    return st.just({}) | st.fixed_dictionaries(fields)


def _merge(*parts: dict[str, Any]) -> dict[str, Any]:
    return {k: v for part in parts for k, v in part.items()}


hosts = st.builds(
    q.Host,
    product_name=opt(xml_text),
    major_version=opt(short_text),
    minor_version=opt(short_text),
    country=opt(st.text(_XML_CHARS, max_size=2)),
    supported_versions=st.lists(st.sampled_from(["1.0", "CA3.0", "13.0", "16.0"])).map(tuple),
    is_automatic_login=opt(st.booleans()),
    qb_file_mode=opt(st.sampled_from(["SingleUser", "MultiUser"])),
)
companies = st.builds(
    q.Company,
    is_sample_company=opt(st.booleans()),
    company_name=opt(xml_text),
    legal_company_name=opt(xml_text),
    phone=opt(xml_text),
    email=opt(xml_text),
    company_type=opt(xml_text),
    data_ext=data_exts,
)
preferences = st.builds(
    lambda *groups: q.Preferences(**_merge(*groups)),
    _group(
        {
            "is_using_account_numbers": st.booleans(),
            "is_requiring_accounts": st.booleans(),
            "is_using_class_tracking": st.booleans(),
            "assign_classes_to": opt(st.sampled_from(["None", "Accounts", "Items", "Names"])),
            "is_using_audit_trail": st.booleans(),
            "is_assigning_journal_entry_numbers": st.booleans(),
            "closing_date": opt(dates),
        }
    ),
    _group(
        {
            "is_using_estimates": st.booleans(),
            "is_using_progress_invoicing": st.booleans(),
            "is_printing_items_with_zero_amounts": st.booleans(),
        }
    ),
    _group({"is_multi_currency_on": st.booleans()}),
    _group({"first_day_of_week": st.sampled_from(["Monday", "Sunday"])}),
    _group(
        {
            "is_automatic_login_allowed": st.booleans(),
            "automatic_login_user_name": opt(xml_text),
            "is_personal_data_access_allowed": st.booleans(),
        }
    ),
)
earnings = st.builds(
    lambda ref, rate, which: q.Earning(
        payroll_item_wage_ref=ref,
        rate=rate if which == 1 else None,
        rate_percent=rate if which == 2 else None,
    ),
    refs,
    prices,
    st.integers(0, 2),
)
payrolls = st.builds(
    q.EmployeePayroll,
    pay_period=opt(st.sampled_from(["Weekly", "Biweekly", "Monthly"])),
    class_ref=opt(refs),
    earnings=st.lists(earnings, max_size=3).map(tuple),
    use_time_data_to_create_paychecks=opt(
        st.sampled_from(["NotSet", "UseTimeData", "DoNotUseTimeData"])
    ),
)
employees = st.builds(
    q.Employee,
    **_LIST_BASE,
    **_PERSON,
    middle_name=opt(short_text),
    employee_type=opt(st.sampled_from(["Officer", "Owner", "Regular", "Statutory"])),
    payroll=opt(payrolls),
)
vendors = st.builds(
    q.Vendor,
    **_LIST_BASE,
    **_PERSON,
    class_ref=opt(refs),
    company_name=opt(xml_text),
    middle_name=opt(short_text),
    is_vendor_eligible_for_1099=opt(st.booleans()),
    balance=opt(amounts),
)
customers = st.builds(
    q.Customer,
    **_LIST_BASE,
    **_PERSON,
    full_name=opt(xml_text),
    class_ref=opt(refs),
    parent_ref=opt(refs),
    sublevel=opt(st.integers(0, 5)),
    company_name=opt(xml_text),
    middle_name=opt(short_text),
    balance=opt(amounts),
    total_balance=opt(amounts),
    job_status=opt(st.sampled_from(["Awarded", "Closed", "InProgress", "None", "Pending"])),
    job_start_date=opt(dates),
    job_projected_end_date=opt(dates),
    job_end_date=opt(dates),
    job_desc=opt(xml_text),
    notes=opt(xml_text),
)
classes = st.builds(
    q.QbClass,
    **_LIST_BASE,
    full_name=opt(xml_text),
    parent_ref=opt(refs),
    sublevel=opt(st.integers(0, 5)),
)
wage_items = st.builds(
    q.PayrollItemWage,
    **_LIST_BASE,
    wage_type=opt(st.sampled_from(["HourlyRegular", "HourlyOvertime", "SalaryRegular"])),
    expense_account_ref=opt(refs),
)
item_services = st.builds(
    q.ItemService,
    **_LIST_BASE,
    full_name=opt(xml_text),
    class_ref=opt(refs),
    parent_ref=opt(refs),
    sublevel=opt(st.integers(0, 5)),
    description=opt(xml_text),
    price=opt(prices),
    external_guid=opt(guids),
    data_ext=data_exts,
)
other_names = st.builds(q.OtherName, **_LIST_BASE, **_PERSON, company_name=opt(xml_text))
list_deleted = st.builds(
    q.ListDeleted,
    list_del_type=opt(st.sampled_from(["Customer", "Employee", "ItemService"])),
    list_id=opt(ids),
    time_created=opt(datetimes),
    time_deleted=opt(datetimes),
    full_name=opt(xml_text),
)
time_entries = st.builds(
    q.TimeTracking,
    txn_id=opt(ids),
    time_created=opt(datetimes),
    time_modified=opt(datetimes),
    edit_sequence=opt(edit_sequences),
    txn_number=opt(st.integers(0, 10**6)),
    txn_date=opt(dates),
    entity_ref=opt(refs),
    customer_ref=opt(refs),
    item_service_ref=opt(refs),
    duration=opt(durations),
    class_ref=opt(refs),
    payroll_item_wage_ref=opt(refs),
    notes=opt(xml_text),
    billable_status=opt(st.sampled_from(["Billable", "NotBillable", "HasBeenBilled"])),
    external_guid=opt(guids),
)
txn_deleted = st.builds(
    q.TxnDelResult,
    txn_del_type=opt(st.just("TimeTracking")),
    txn_id=ids,  # an empty TxnDelRs body is no record at all
    time_deleted=opt(datetimes),
    ref_number=opt(xml_text),
)

# Rs element -> records it may carry
RECORDS_BY_RS: dict[str, st.SearchStrategy[Any]] = {
    "HostQueryRs": hosts,
    "CompanyQueryRs": companies,
    "PreferencesQueryRs": preferences,
    "EmployeeQueryRs": employees,
    "VendorQueryRs": vendors,
    "CustomerQueryRs": customers,
    "ClassQueryRs": classes,
    "PayrollItemWageQueryRs": wage_items,
    "ItemServiceQueryRs": item_services,
    "OtherNameQueryRs": other_names,
    "ListDeletedQueryRs": list_deleted,
    "TimeTrackingQueryRs": time_entries,
    "TimeTrackingAddRs": time_entries,
    "TxnDelRs": txn_deleted,
}

request_ids = st.text(_LATIN1_CHARS, min_size=1, max_size=50)
_list_query_fields = {
    "include_ret_elements": st.lists(
        st.sampled_from(["ListID", "Name", "IsActive"]), max_size=2
    ).map(tuple),
}


@st.composite
def list_queries(draw: st.DrawFn, cls: type[q.ListQuery]) -> q.ListQuery:
    """A valid list query of ``cls`` (ListID/FullName selection or filters)."""
    kw: dict[str, Any] = {"request_id": draw(request_ids)}
    kw["include_ret_elements"] = draw(_list_query_fields["include_ret_elements"])
    mode = draw(st.sampled_from(["ids", "names", "filters"]))
    if mode == "ids":
        kw["list_ids"] = tuple(draw(st.lists(ids, min_size=1, max_size=3)))
    elif mode == "names":
        kw["full_names"] = tuple(draw(st.lists(latin1_nonempty, min_size=1, max_size=3)))
    else:
        kw["max_returned"] = draw(opt(st.integers(1, 10**6)))
        kw["active_status"] = draw(opt(st.sampled_from(["ActiveOnly", "InactiveOnly", "All"])))
        kw["from_modified_date"] = draw(opt(naive_datetimes))
        kw["to_modified_date"] = draw(opt(naive_datetimes))
        which = draw(st.integers(0, 2))
        if which == 1:
            kw["name_filter"] = q.NameFilter(
                match_criterion=draw(st.sampled_from(["StartsWith", "Contains", "EndsWith"])),
                name=draw(latin1_text),
            )
        elif which == 2:
            kw["name_range"] = q.NameRangeFilter(
                from_name=draw(opt(latin1_text)), to_name=draw(opt(latin1_text))
            )
    if cls.OWNER_ID:
        kw["owner_ids"] = tuple(draw(st.lists(guids | st.just("0"), max_size=2)))
    if cls.ITERATOR:
        mode_it = draw(st.sampled_from([None, "Start", "Continue", "Stop"]))
        kw["iterator"] = mode_it
        if mode_it in ("Continue", "Stop"):
            kw["iterator_id"] = draw(guids)
    return cls(**kw)


@st.composite
def time_queries(draw: st.DrawFn) -> q.TimeTrackingQuery:
    """A valid TimeTrackingQuery."""
    kw: dict[str, Any] = {"request_id": draw(request_ids)}
    if draw(st.booleans()):
        kw["txn_ids"] = tuple(draw(st.lists(ids, min_size=1, max_size=3)))
    else:
        kw["max_returned"] = draw(opt(st.integers(1, 1000)))
        which = draw(st.integers(0, 2))
        if which == 1:
            kw["from_modified_date"] = draw(opt(naive_datetimes))
            kw["to_modified_date"] = draw(naive_datetimes)
        elif which == 2:
            kw["from_txn_date"] = draw(dates)
            kw["to_txn_date"] = draw(opt(dates))
        entity = draw(st.integers(0, 2))
        if entity == 1:
            kw["entity_list_ids"] = tuple(draw(st.lists(ids, min_size=1, max_size=2)))
        elif entity == 2:
            kw["entity_full_names"] = tuple(draw(st.lists(latin1_nonempty, min_size=1, max_size=2)))
    it = draw(st.sampled_from([None, "Start", "Continue"]))
    kw["iterator"] = it
    if it == "Continue":
        kw["iterator_id"] = draw(guids)
    return q.TimeTrackingQuery(**kw)


_time_fields = {
    "request_id": request_ids,
    "txn_date": opt(dates),
    "entity_ref": request_refs,
    "customer_ref": opt(request_refs),
    "item_service_ref": opt(request_refs),
    "duration": minutes,
    "class_ref": opt(request_refs),
    "payroll_item_wage_ref": opt(request_refs),
    "notes": opt(latin1_text),
    "billable_status": opt(st.sampled_from(["Billable", "NotBillable", "HasBeenBilled"])),
}
time_adds = st.builds(q.TimeTrackingAdd, **_time_fields, external_guid=opt(guids))
time_mods = st.builds(q.TimeTrackingMod, **_time_fields, txn_id=ids, edit_sequence=edit_sequences)
request_specs = st.one_of(
    st.builds(q.HostQuery, request_id=request_ids),
    st.builds(
        q.CompanyQuery, request_id=request_ids, owner_ids=st.lists(guids, max_size=2).map(tuple)
    ),
    st.builds(q.PreferencesQuery, request_id=request_ids),
    *(
        list_queries(cls)
        for cls in (
            q.EmployeeQuery,
            q.VendorQuery,
            q.CustomerQuery,
            q.ClassQuery,
            q.PayrollItemWageQuery,
            q.ItemServiceQuery,
            q.OtherNameQuery,
        )
    ),
    st.builds(
        q.ListDeletedQuery,
        request_id=request_ids,
        list_del_types=st.lists(
            st.sampled_from(["Customer", "Employee", "Vendor", "Class"]), min_size=1, max_size=4
        ).map(tuple),
        from_deleted_date=opt(naive_datetimes),
        to_deleted_date=opt(naive_datetimes),
    ),
    time_queries(),
    time_adds,
    time_mods,
    st.builds(q.TxnDel, request_id=request_ids, txn_id=ids),
)
