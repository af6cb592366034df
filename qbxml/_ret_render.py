"""Record -> Ret element trees in schema order (the response side, used by FakeQuickBooks).

Children newer than the target version are left out, as QuickBooks does for an older
message set (dates from ``_since.RET_CHILDREN``). Aware datetimes are written with their UTC
offset, naive ones without; durations in QuickBooks' own ``PT{h}H{m}M{s}S`` form. Pure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from ._since import ret_child_since
from ._tree import Node, node
from .records import (
    Company,
    Customer,
    DataExt,
    Employee,
    EmployeePayroll,
    Host,
    ItemService,
    OtherName,
    PayrollItemWage,
    Preferences,
    QbClass,
    Ref,
    Vendor,
)
from .records_txn import ListDeleted, Record, TimeTracking, TxnDelResult
from .values import (
    format_amount,
    format_bool,
    format_date,
    format_datetime,
    format_duration,
    format_price,
)
from .versions import QbxmlVersion

__all__ = ["RECORD_RET", "render_ret", "render_txn_del"]


def s(tag: str, value: str | None) -> Node | None:
    return None if value is None else node(tag, value)


def b(tag: str, value: bool | None) -> Node | None:
    return None if value is None else node(tag, format_bool(value))


def i(tag: str, value: int | None) -> Node | None:
    return None if value is None else node(tag, str(value))


def dt(tag: str, value: datetime | None) -> Node | None:
    if value is None:
        return None
    return node(tag, format_datetime(value, with_offset=value.tzinfo is not None))


def d(tag: str, value: date | None) -> Node | None:
    return None if value is None else node(tag, format_date(value))


def amt(tag: str, value: Decimal | None) -> Node | None:
    return None if value is None else node(tag, format_amount(value))


def price(tag: str, value: Decimal | None) -> Node | None:
    return None if value is None else node(tag, format_price(value))


def dur(tag: str, value: timedelta | None) -> Node | None:
    return None if value is None else node(tag, format_duration(value, seconds=True))


def ref(tag: str, value: Ref | None) -> Node | None:
    if value is None:
        return None
    return node(tag, None, s("ListID", value.list_id), s("FullName", value.full_name))


def data_ext(items: tuple[DataExt, ...]) -> Iterable[Node]:
    for ext in items:
        yield node(
            "DataExtRet",
            None,
            s("OwnerID", ext.owner_id),
            node("DataExtName", ext.name),
            node("DataExtType", ext.type),
            node("DataExtValue", ext.value),
        )


def _list_head(r: Any, full_name: bool = False) -> list[Node | None]:
    head = [
        s("ListID", r.list_id),
        dt("TimeCreated", r.time_created),
        dt("TimeModified", r.time_modified),
        s("EditSequence", r.edit_sequence),
        s("Name", r.name),
    ]
    if full_name:
        head.append(s("FullName", r.full_name))
    return head


def _group(tag: str, required: dict[str, Any], children: list[Node | None]) -> Node | None:
    present = [v is not None for v in required.values()]
    if not any(present) and all(c is None for c in children):
        return None
    if not all(present):
        missing = ", ".join(k for k, v in required.items() if v is None)
        raise ValueError(f"{tag} needs all of its required fields; missing {missing}")
    return node(tag, None, *children)


def _host(r: Host, v: QbxmlVersion) -> list[Node | None]:
    return [
        s("ProductName", r.product_name),
        s("MajorVersion", r.major_version),
        s("MinorVersion", r.minor_version),
        s("Country", r.country),
        *(node("SupportedQBXMLVersion", x) for x in r.supported_versions),
        b("IsAutomaticLogin", r.is_automatic_login),
        s("QBFileMode", r.qb_file_mode),
    ]


def _company(r: Company, v: QbxmlVersion) -> list[Node | None]:
    return [
        b("IsSampleCompany", r.is_sample_company),
        s("CompanyName", r.company_name),
        s("LegalCompanyName", r.legal_company_name),
        s("Phone", r.phone),
        s("Email", r.email),
        s("CompanyType", r.company_type),
        *data_ext(r.data_ext),
    ]


def _preferences(r: Preferences, v: QbxmlVersion) -> list[Node | None]:
    acc = {
        "IsUsingAccountNumbers": r.is_using_account_numbers,
        "IsRequiringAccounts": r.is_requiring_accounts,
        "IsUsingClassTracking": r.is_using_class_tracking,
        "IsUsingAuditTrail": r.is_using_audit_trail,
        "IsAssigningJournalEntryNumbers": r.is_assigning_journal_entry_numbers,
    }
    jobs = {
        "IsUsingEstimates": r.is_using_estimates,
        "IsUsingProgressInvoicing": r.is_using_progress_invoicing,
        "IsPrintingItemsWithZeroAmounts": r.is_printing_items_with_zero_amounts,
    }
    rights = {
        "IsAutomaticLoginAllowed": r.is_automatic_login_allowed,
        "IsPersonalDataAccessAllowed": r.is_personal_data_access_allowed,
    }
    accounting = [b(k, acc[k]) for k in list(acc)[:3]]
    accounting += [s("AssignClassesTo", r.assign_classes_to)]
    accounting += [b(k, acc[k]) for k in list(acc)[3:]] + [d("ClosingDate", r.closing_date)]
    return [
        _group("AccountingPreferences", acc, accounting),
        _group("JobsAndEstimatesPreferences", jobs, [b(k, x) for k, x in jobs.items()]),
        _group("MultiCurrencyPreferences", {}, [b("IsMultiCurrencyOn", r.is_multi_currency_on)]),
        _group(
            "TimeTrackingPreferences",
            {"FirstDayOfWeek": r.first_day_of_week},
            [s("FirstDayOfWeek", r.first_day_of_week)],
        ),
        _group(
            "CurrentAppAccessRights",
            rights,
            [
                b("IsAutomaticLoginAllowed", r.is_automatic_login_allowed),
                s("AutomaticLoginUserName", r.automatic_login_user_name),
                b("IsPersonalDataAccessAllowed", r.is_personal_data_access_allowed),
            ],
        ),
    ]


def _payroll(p: EmployeePayroll | None, v: QbxmlVersion) -> Node | None:
    if p is None:
        return None
    out = node(
        "EmployeePayrollInfo", None, s("PayPeriod", p.pay_period), ref("ClassRef", p.class_ref)
    )
    for e in p.earnings:
        if e.rate is not None and e.rate_percent is not None:
            raise ValueError("an Earnings line has a rate or a rate_percent, not both")
        out.add(
            node(
                "Earnings",
                None,
                ref("PayrollItemWageRef", e.payroll_item_wage_ref),
                price("Rate", e.rate),
                price("RatePercent", e.rate_percent),
            )
        )
    if v.at_least("3.0"):  # OSR: UseTimeDataToCreatePaychecks v3.0
        out.add(s("UseTimeDataToCreatePaychecks", p.use_time_data_to_create_paychecks))
    return out


def _employee(r: Employee, v: QbxmlVersion) -> list[Node | None]:
    return [
        *_list_head(r),
        b("IsActive", r.is_active),
        s("FirstName", r.first_name),
        s("MiddleName", r.middle_name),
        s("LastName", r.last_name),
        s("Phone", r.phone),
        s("Email", r.email),
        s("EmployeeType", r.employee_type),
        _payroll(r.payroll, v),
        s("ExternalGUID", r.external_guid),
        *data_ext(r.data_ext),
    ]


def _vendor(r: Vendor, v: QbxmlVersion) -> list[Node | None]:
    return [
        *_list_head(r),
        b("IsActive", r.is_active),
        ref("ClassRef", r.class_ref),
        s("CompanyName", r.company_name),
        s("FirstName", r.first_name),
        s("MiddleName", r.middle_name),
        s("LastName", r.last_name),
        s("Phone", r.phone),
        s("Email", r.email),
        b("IsVendorEligibleFor1099", r.is_vendor_eligible_for_1099),
        amt("Balance", r.balance),
        s("ExternalGUID", r.external_guid),
        *data_ext(r.data_ext),
    ]


def _customer(r: Customer, v: QbxmlVersion) -> list[Node | None]:
    return [
        *_list_head(r, full_name=True),
        b("IsActive", r.is_active),
        ref("ClassRef", r.class_ref),
        ref("ParentRef", r.parent_ref),
        i("Sublevel", r.sublevel),
        s("CompanyName", r.company_name),
        s("FirstName", r.first_name),
        s("MiddleName", r.middle_name),
        s("LastName", r.last_name),
        s("Phone", r.phone),
        s("Email", r.email),
        amt("Balance", r.balance),
        amt("TotalBalance", r.total_balance),
        s("JobStatus", r.job_status),
        d("JobStartDate", r.job_start_date),
        d("JobProjectedEndDate", r.job_projected_end_date),
        d("JobEndDate", r.job_end_date),
        s("JobDesc", r.job_desc),
        s("Notes", r.notes),
        s("ExternalGUID", r.external_guid),
        *data_ext(r.data_ext),
    ]


def _class(r: QbClass, v: QbxmlVersion) -> list[Node | None]:
    return [
        *_list_head(r, full_name=True),
        b("IsActive", r.is_active),
        ref("ParentRef", r.parent_ref),
        i("Sublevel", r.sublevel),
    ]


def _wage(r: PayrollItemWage, v: QbxmlVersion) -> list[Node | None]:
    return [
        *_list_head(r),
        b("IsActive", r.is_active),
        s("WageType", r.wage_type),
        ref("ExpenseAccountRef", r.expense_account_ref),
    ]


def _item_service(r: ItemService, v: QbxmlVersion) -> list[Node | None]:
    sales = None
    if r.description is not None or r.price is not None:
        sales = node("SalesOrPurchase", None, s("Desc", r.description), price("Price", r.price))
    return [
        *_list_head(r, full_name=True),
        b("IsActive", r.is_active),
        ref("ClassRef", r.class_ref),
        ref("ParentRef", r.parent_ref),
        i("Sublevel", r.sublevel),
        sales,
        s("ExternalGUID", r.external_guid),
        *data_ext(r.data_ext),
    ]


def _other_name(r: OtherName, v: QbxmlVersion) -> list[Node | None]:
    return [
        *_list_head(r),
        b("IsActive", r.is_active),
        s("CompanyName", r.company_name),
        s("FirstName", r.first_name),
        s("LastName", r.last_name),
        s("Phone", r.phone),
        s("Email", r.email),
        s("ExternalGUID", r.external_guid),
        *data_ext(r.data_ext),
    ]


def _list_deleted(r: ListDeleted, v: QbxmlVersion) -> list[Node | None]:
    return [
        s("ListDelType", r.list_del_type),
        s("ListID", r.list_id),
        dt("TimeCreated", r.time_created),
        dt("TimeDeleted", r.time_deleted),
        s("FullName", r.full_name),
    ]


def _time(r: TimeTracking, v: QbxmlVersion) -> list[Node | None]:
    return [
        s("TxnID", r.txn_id),
        dt("TimeCreated", r.time_created),
        dt("TimeModified", r.time_modified),
        s("EditSequence", r.edit_sequence),
        i("TxnNumber", r.txn_number),
        d("TxnDate", r.txn_date),
        ref("EntityRef", r.entity_ref),
        ref("CustomerRef", r.customer_ref),
        ref("ItemServiceRef", r.item_service_ref),
        dur("Duration", r.duration),
        ref("ClassRef", r.class_ref),
        ref("PayrollItemWageRef", r.payroll_item_wage_ref),
        s("Notes", r.notes),
        s("BillableStatus", r.billable_status),
        s("ExternalGUID", r.external_guid),
    ]


Renderer = Callable[[Any, QbxmlVersion], list[Node | None]]
RECORD_RET: dict[type, tuple[str, Renderer]] = {
    Host: ("HostRet", _host),
    Company: ("CompanyRet", _company),
    Preferences: ("PreferencesRet", _preferences),
    Employee: ("EmployeeRet", _employee),
    Vendor: ("VendorRet", _vendor),
    Customer: ("CustomerRet", _customer),
    QbClass: ("ClassRet", _class),
    PayrollItemWage: ("PayrollItemWageRet", _wage),
    ItemService: ("ItemServiceRet", _item_service),
    OtherName: ("OtherNameRet", _other_name),
    ListDeleted: ("ListDeletedRet", _list_deleted),
    TimeTracking: ("TimeTrackingRet", _time),
}


def render_ret(record: Record, version: QbxmlVersion) -> Node:
    """Render a record as its Ret element, leaving out children newer than ``version``."""
    ret, renderer = RECORD_RET[type(record)]
    out = node(ret)
    for child in renderer(record, version):
        if child is None:
            continue
        since = ret_child_since(ret, child.tag)
        if since is None or version.at_least(since):
            out.add(child)
    return out


def render_txn_del(record: TxnDelResult) -> list[Node | None]:
    """The children a ``TxnDelRs`` carries directly."""
    return [
        s("TxnDelType", record.txn_del_type),
        s("TxnID", record.txn_id),
        dt("TimeDeleted", record.time_deleted),
        s("RefNumber", record.ref_number),
    ]
