"""Typed, frozen records for the qbXML Ret elements this project reads (lists and host info).

Field names are the snake_case of the qbXML element names; every field is optional because
``IncludeRetElement`` may trim a Ret. Pure standard library; transactions live in
``records_txn.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

__all__ = [
    "ActiveStatus",
    "Company",
    "Customer",
    "DataExt",
    "Earning",
    "Employee",
    "EmployeePayroll",
    "Host",
    "ItemService",
    "JobStatus",
    "OtherName",
    "PayrollItemWage",
    "Preferences",
    "QbClass",
    "Ref",
    "UseTimeData",
    "Vendor",
    "WageType",
]

ActiveStatus = Literal["ActiveOnly", "InactiveOnly", "All"]
JobStatus = Literal["Awarded", "Closed", "InProgress", "None", "NotAwarded", "Pending"]
UseTimeData = Literal["NotSet", "UseTimeData", "DoNotUseTimeData"]
WageType = Literal[
    "Bonus",
    "Commission",
    "HourlyOvertime",
    "HourlyRegular",
    "HourlySick",
    "HourlyVacation",
    "SalaryRegular",
    "SalarySick",
    "SalaryVacation",
]
PayPeriod = Literal["Daily", "Weekly", "Biweekly", "Semimonthly", "Monthly", "Quarterly", "Yearly"]
EmployeeType = Literal["Officer", "Owner", "Regular", "Statutory"]
QbFileMode = Literal["SingleUser", "MultiUser"]
Weekday = Literal["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
AssignClassesTo = Literal["None", "Accounts", "Items", "Names"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Ref:
    """A reference to a list object (``*Ref``): ListID and/or FullName."""

    list_id: str | None = None
    full_name: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DataExt:
    """A custom field (``DataExtRet``); ``owner_id`` "0" means a public field."""

    owner_id: str | None = None
    name: str
    type: str = "STR255TYPE"
    value: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Host:
    """``HostRet``: the QuickBooks product and the qbXML versions it accepts."""

    product_name: str | None = None
    major_version: str | None = None
    minor_version: str | None = None
    country: str | None = None
    supported_versions: tuple[str, ...] = ()
    is_automatic_login: bool | None = None
    qb_file_mode: QbFileMode | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Company:
    """``CompanyRet`` essentials, with ``DataExtRet`` (e.g. the FileID stamp)."""

    is_sample_company: bool | None = None
    company_name: str | None = None
    legal_company_name: str | None = None
    phone: str | None = None
    email: str | None = None
    company_type: str | None = None
    data_ext: tuple[DataExt, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Preferences:
    """``PreferencesRet`` essentials.

    Each group (accounting, jobs and estimates, time tracking, app access rights) is written
    only when its required fields are all set; see ``render_rs``.
    """

    is_using_account_numbers: bool | None = None
    is_requiring_accounts: bool | None = None
    is_using_class_tracking: bool | None = None
    assign_classes_to: AssignClassesTo | None = None
    is_using_audit_trail: bool | None = None
    is_assigning_journal_entry_numbers: bool | None = None
    closing_date: date | None = None
    is_using_estimates: bool | None = None
    is_using_progress_invoicing: bool | None = None
    is_printing_items_with_zero_amounts: bool | None = None
    is_multi_currency_on: bool | None = None
    first_day_of_week: Weekday | None = None
    is_automatic_login_allowed: bool | None = None
    automatic_login_user_name: str | None = None
    is_personal_data_access_allowed: bool | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Earning:
    """One ``EmployeePayrollInfo/Earnings`` line: a wage item and its rate or percent."""

    payroll_item_wage_ref: Ref
    rate: Decimal | None = None
    rate_percent: Decimal | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class EmployeePayroll:
    """``EmployeePayrollInfo`` essentials."""

    pay_period: PayPeriod | None = None
    class_ref: Ref | None = None
    earnings: tuple[Earning, ...] = ()
    use_time_data_to_create_paychecks: UseTimeData | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class _ListBase:
    list_id: str | None = None
    time_created: datetime | None = None
    time_modified: datetime | None = None
    edit_sequence: str | None = None
    name: str | None = None
    is_active: bool | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Employee(_ListBase):
    """``EmployeeRet``."""

    first_name: str | None = None
    middle_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    email: str | None = None
    employee_type: EmployeeType | None = None
    payroll: EmployeePayroll | None = None
    external_guid: str | None = None
    data_ext: tuple[DataExt, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Vendor(_ListBase):
    """``VendorRet``."""

    class_ref: Ref | None = None
    company_name: str | None = None
    first_name: str | None = None
    middle_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    email: str | None = None
    is_vendor_eligible_for_1099: bool | None = None
    balance: Decimal | None = None
    external_guid: str | None = None
    data_ext: tuple[DataExt, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Customer(_ListBase):
    """``CustomerRet``: a customer (sublevel 0) or a job under it (``parent_ref``)."""

    full_name: str | None = None
    class_ref: Ref | None = None
    parent_ref: Ref | None = None
    sublevel: int | None = None
    company_name: str | None = None
    first_name: str | None = None
    middle_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    email: str | None = None
    balance: Decimal | None = None
    total_balance: Decimal | None = None
    job_status: JobStatus | None = None
    job_start_date: date | None = None
    job_projected_end_date: date | None = None
    job_end_date: date | None = None
    job_desc: str | None = None
    notes: str | None = None
    external_guid: str | None = None
    data_ext: tuple[DataExt, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class QbClass(_ListBase):
    """``ClassRet``."""

    full_name: str | None = None
    parent_ref: Ref | None = None
    sublevel: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PayrollItemWage(_ListBase):
    """``PayrollItemWageRet``."""

    wage_type: WageType | None = None
    expense_account_ref: Ref | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemService(_ListBase):
    """``ItemServiceRet``; ``description``/``price`` come from SalesOrPurchase (or the sales
    side of SalesAndPurchase)."""

    full_name: str | None = None
    class_ref: Ref | None = None
    parent_ref: Ref | None = None
    sublevel: int | None = None
    description: str | None = None
    price: Decimal | None = None
    external_guid: str | None = None
    data_ext: tuple[DataExt, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class OtherName(_ListBase):
    """``OtherNameRet`` (an Other Name may own time entries)."""

    company_name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    email: str | None = None
    external_guid: str | None = None
    data_ext: tuple[DataExt, ...] = ()
