"""Ret element -> record converters, table-driven and order-tolerant; unknown children ignored.

Each converter takes the element and the path of its parent (used only in error messages).
Empty text means "absent" for typed values and "" for strings. Pure: elements arrive through
the :class:`._xml.XmlElement` protocol, never as lxml types.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ._xml import XmlElement
from .errors import QbxmlStructureError, QbxmlValueError
from .records import (
    Company,
    Customer,
    DataExt,
    Earning,
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
from .records_problems import ValueNote
from .records_txn import ListDeleted, Record, TimeTracking, TxnDelResult
from .values import (
    parse_amount,
    parse_bool,
    parse_date,
    parse_datetime,
    parse_duration,
    parse_guid,
    parse_int,
)

__all__ = ["RET_PARSERS", "RET_TABLES", "TXN_DEL_FIELDS", "fill", "parse_ret"]

Conv = Callable[[XmlElement, str], Any]
# tag -> (field, converter, repeated) or tag -> nested table flattened into the same record
Table = dict[str, "tuple[str, Conv, bool] | Table"]


def _path(elem: XmlElement, base: str) -> str:
    return f"{base}/{elem.tag}"


def _str(elem: XmlElement, base: str) -> str:
    return elem.text or ""


def _typed(parse: Callable[..., Any], fast: Callable[[str], Any] | None = None) -> Conv:
    def conv(elem: XmlElement, base: str) -> Any:
        text = elem.text
        if text is None or not text.strip():
            return None
        return parse(text, path=_path(elem, base))

    # Read by _compile: ``fast(text)`` returns the value for the common spelling, else raises
    # (KeyError/ValueError) and ``parse`` decides: it is the authority, fast paths only skip work.
    conv.scalar = (fast or parse, parse)  # type: ignore[attr-defined]
    return conv


class _Enum:
    """An enumeration converter; lenient parsing keeps a value it does not know, as text."""

    keep_text = True

    def __init__(self, allowed: tuple[str, ...]) -> None:
        self.values = frozenset(allowed)

    def __call__(self, elem: XmlElement, base: str) -> str | None:
        text = (elem.text or "").strip()
        if not text:
            return None
        if text not in self.values:
            raise QbxmlValueError("not an allowed value", path=_path(elem, base), value=text)
        return text


def _enum(*allowed: str) -> Conv:
    return _Enum(allowed)


_fromiso_dt, _fromiso_date = datetime.fromisoformat, date.fromisoformat
_BOOLS = {"true": True, "false": False, "1": True, "0": False}
_SMALL_INTS = {str(i): i for i in range(1000)}
_DECIMAL_FULL = re.compile(r"[+-]?\d+(?:\.\d+)?").fullmatch


def _fast_datetime(text: str) -> datetime:
    """``YYYY-MM-DDTHH:MM:SS`` with or without ``+HH:MM``, in ASCII digits (fromisoformat)."""
    if (
        len(text) in (19, 25)
        and text[10] == "T"
        and text[4] == "-"
        and text[7] == "-"
        and text[13] == ":"
        and text[16] == ":"
        and (len(text) == 19 or (text[19] in "+-" and text[22] == ":"))
    ):
        return _fromiso_dt(text)  # ValueError for non-digits or out-of-range parts
    raise ValueError(text)


def _fast_date(text: str) -> date:
    if len(text) == 10 and text[4] == "-" and text[7] == "-" and text[5:7].isdigit():
        return _fromiso_date(text)
    raise ValueError(text)


def _fast_amount(text: str) -> Decimal:
    if _DECIMAL_FULL(text) is None:
        raise ValueError(text)
    return Decimal(text)


_dt = _typed(parse_datetime, _fast_datetime)
_date = _typed(parse_date, _fast_date)
_bool = _typed(parse_bool, _BOOLS.__getitem__)
_int = _typed(parse_int, _SMALL_INTS.__getitem__)
_dec = _typed(parse_amount, _fast_amount)
_dur, _guid = _typed(parse_duration), _typed(parse_guid)


def _convert(conv: Conv, child: XmlElement, here: str, notes: list[ValueNote] | None) -> Any:
    """One child's value; with ``notes`` (lenient), a bad value becomes a note, not an error."""
    if isinstance(conv, _Builder):
        return conv.build(child, here, notes)
    if notes is None:
        return conv(child, here)
    try:
        return conv(child, here)
    except QbxmlValueError as exc:
        kept = bool(getattr(conv, "keep_text", False)) and bool(exc.value)
        notes.append(ValueNote(path=exc.path, value=exc.value, message=str(exc), kept=kept))
        return exc.value if kept else None


def fill(
    elem: XmlElement,
    table: Table,
    base: str,
    kwargs: dict[str, Any],
    notes: list[ValueNote] | None = None,
) -> None:
    """Convert ``elem``'s children found in ``table`` into ``kwargs`` (flattening groups).

    :param notes: lenient mode: values that do not fit their type are noted here instead of
        raising (enumeration values are kept as text, other values left empty).
    """
    here = _path(elem, base)
    for child in elem:
        spec = table.get(child.tag)
        if spec is None:
            continue
        if isinstance(spec, dict):
            fill(child, spec, here, kwargs, notes)
            continue
        field, conv, repeated = spec
        value = _convert(conv, child, here, notes)
        if repeated:
            kwargs.setdefault(field, []).append(value)
        else:
            kwargs[field] = value


_TEXT, _SCALAR, _ENUM, _ELEM, _REPEATED, _GROUP = range(6)
Compiled = dict[str, tuple[Any, ...]]


def _compile(table: Table) -> Compiled:
    """The table as ``tag -> (kind, field, a, b)`` for :func:`_fill_compiled` (same results)."""
    out: Compiled = {}
    for tag, spec in table.items():
        if isinstance(spec, dict):
            out[tag] = (_GROUP, "", _compile(spec), None)
            continue
        field, conv, repeated = spec
        if repeated:
            out[tag] = (_REPEATED, field, conv, None)
        elif conv is _str:
            out[tag] = (_TEXT, field, None, None)
        elif hasattr(conv, "scalar"):
            out[tag] = (_SCALAR, field, *conv.scalar)
        elif isinstance(conv, _Enum):
            out[tag] = (_ENUM, field, conv.values, conv)
        else:
            out[tag] = (_ELEM, field, conv, None)
    return out


def _noted(exc: QbxmlValueError, keep_text: bool, notes: list[ValueNote]) -> Any:
    """Lenient mode: the value's error becomes a note (as :func:`_convert` does)."""
    kept = keep_text and bool(exc.value)
    notes.append(ValueNote(path=exc.path, value=exc.value, message=str(exc), kept=kept))
    return exc.value if kept else None


def _fill_compiled(
    elem: XmlElement,
    table: Compiled,
    base: str,
    kwargs: dict[str, Any],
    notes: list[ValueNote] | None,
) -> None:
    """:func:`fill` over a compiled table; error paths are built only when there is an error.

    The kinds are tested as literals in frequency order (plain text first): this loop runs
    once per value of every record, so it avoids global lookups and calls.
    """
    get = table.get
    for child in elem:
        spec = get(child.tag)
        if spec is None:
            continue
        kind, field, a, b = spec
        if kind == 0:  # _TEXT
            kwargs[field] = child.text or ""
        elif kind == 1:  # _SCALAR: a is the fast path, b the full parser
            text = child.text
            if text is None:
                kwargs[field] = None
                continue
            try:
                kwargs[field] = a(text)
                continue
            except (KeyError, ValueError):
                pass  # not the common spelling: the full parser decides, outside this handler
            if not text.strip():
                kwargs[field] = None
            elif notes is None:
                kwargs[field] = b(text, path=f"{base}/{elem.tag}/{child.tag}")
            else:
                try:
                    kwargs[field] = b(text, path=f"{base}/{elem.tag}/{child.tag}")
                except QbxmlValueError as exc:
                    kwargs[field] = _noted(exc, False, notes)
        elif kind == 2:  # _ENUM: a is the allowed set, b the converter that explains
            text = child.text
            if text in a:
                kwargs[field] = text
            else:
                kwargs[field] = _convert(b, child, f"{base}/{elem.tag}", notes)
        elif kind == 3:  # _ELEM
            kwargs[field] = _convert(a, child, f"{base}/{elem.tag}", notes)
        elif kind == 4:  # _REPEATED
            value = _convert(a, child, f"{base}/{elem.tag}", notes)
            kwargs.setdefault(field, []).append(value)
        else:  # _GROUP: flattened into the same record
            _fill_compiled(child, a, f"{base}/{elem.tag}", kwargs, notes)


def _repeated_fields(table: Compiled) -> tuple[str, ...]:
    found: list[str] = []
    for spec in table.values():
        if spec[0] == _GROUP:
            found.extend(_repeated_fields(spec[2]))
        elif spec[0] == _REPEATED:
            found.append(spec[1])
    return tuple(dict.fromkeys(found))


class _Builder:
    """A converter for an element with children: a table of fields, then the record class."""

    def __init__(self, cls: Callable[..., Any], table: Table) -> None:
        self.cls, self.table = cls, table
        self.compiled = _compile(table)
        self.repeated = _repeated_fields(self.compiled)

    def __call__(self, elem: XmlElement, base: str) -> Any:
        return self.build(elem, base, None)

    def build(self, elem: XmlElement, base: str, notes: list[ValueNote] | None) -> Any:
        kwargs: dict[str, Any] = {}
        _fill_compiled(elem, self.compiled, base, kwargs, notes)
        for key in self.repeated:
            if key in kwargs:
                kwargs[key] = tuple(kwargs[key])
        try:
            return self.cls(**kwargs)
        except TypeError as exc:  # a required child (e.g. DataExtName) is missing
            raise QbxmlStructureError(
                f"{elem.tag} lacks a required element", path=_path(elem, base)
            ) from exc


def _build(cls: Callable[..., Any], table: Table) -> Conv:
    return _Builder(cls, table)


def _ref(elem: XmlElement, base: str) -> Ref:
    list_id = full_name = None
    for child in elem:
        if child.tag == "ListID":
            list_id = child.text or ""
        elif child.tag == "FullName":
            full_name = child.text or ""
    return Ref(list_id=list_id, full_name=full_name)


def f(field: str, conv: Conv = _str, repeated: bool = False) -> tuple[str, Conv, bool]:
    """A table entry."""
    return (field, conv, repeated)


_data_ext = _build(
    DataExt,
    {
        "OwnerID": f("owner_id", _guid),
        "DataExtName": f("name"),
        "DataExtType": f(
            "type",
            _enum(
                "AMTTYPE",
                "DATETIMETYPE",
                "INTTYPE",
                "PERCENTTYPE",
                "PRICETYPE",
                "QUANTYPE",
                "STR1024TYPE",
                "STR255TYPE",
            ),
        ),
        "DataExtValue": f("value"),
    },
)
_LIST_BASE: Table = {
    "ListID": f("list_id"),
    "TimeCreated": f("time_created", _dt),
    "TimeModified": f("time_modified", _dt),
    "EditSequence": f("edit_sequence"),
    "Name": f("name"),
    "IsActive": f("is_active", _bool),
}
_PERSON: Table = {
    "FirstName": f("first_name"),
    "MiddleName": f("middle_name"),
    "LastName": f("last_name"),
    "Phone": f("phone"),
    "Email": f("email"),
    "ExternalGUID": f("external_guid", _guid),
    "DataExtRet": f("data_ext", _data_ext, True),
}
_earning = _build(
    Earning,
    {
        "PayrollItemWageRef": f("payroll_item_wage_ref", _ref),
        "Rate": f("rate", _dec),
        "RatePercent": f("rate_percent", _dec),
    },
)
_payroll = _build(
    EmployeePayroll,
    {
        "PayPeriod": f(
            "pay_period",
            _enum("Daily", "Weekly", "Biweekly", "Semimonthly", "Monthly", "Quarterly", "Yearly"),
        ),
        "ClassRef": f("class_ref", _ref),
        "Earnings": f("earnings", _earning, True),
        "UseTimeDataToCreatePaychecks": f(
            "use_time_data_to_create_paychecks", _enum("NotSet", "UseTimeData", "DoNotUseTimeData")
        ),
    },
)
_TXN_REFS: Table = {
    "EntityRef": f("entity_ref", _ref),
    "CustomerRef": f("customer_ref", _ref),
    "ItemServiceRef": f("item_service_ref", _ref),
    "ClassRef": f("class_ref", _ref),
    "PayrollItemWageRef": f("payroll_item_wage_ref", _ref),
}
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_JOB_STATUS = ("Awarded", "Closed", "InProgress", "None", "NotAwarded", "Pending")
_WAGE_TYPES = [
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

RET_TABLES: dict[str, tuple[Callable[..., Any], Table]] = {
    "HostRet": (
        Host,
        {
            "ProductName": f("product_name"),
            "MajorVersion": f("major_version"),
            "MinorVersion": f("minor_version"),
            "Country": f("country"),
            "SupportedQBXMLVersion": f("supported_versions", _str, True),
            "IsAutomaticLogin": f("is_automatic_login", _bool),
            "QBFileMode": f("qb_file_mode", _enum("SingleUser", "MultiUser")),
        },
    ),
    "CompanyRet": (
        Company,
        {
            "IsSampleCompany": f("is_sample_company", _bool),
            "CompanyName": f("company_name"),
            "LegalCompanyName": f("legal_company_name"),
            "Phone": f("phone"),
            "Email": f("email"),
            "CompanyType": f("company_type"),
            "DataExtRet": f("data_ext", _data_ext, True),
        },
    ),
    "PreferencesRet": (
        Preferences,
        {
            "AccountingPreferences": {
                "IsUsingAccountNumbers": f("is_using_account_numbers", _bool),
                "IsRequiringAccounts": f("is_requiring_accounts", _bool),
                "IsUsingClassTracking": f("is_using_class_tracking", _bool),
                "AssignClassesTo": f(
                    "assign_classes_to", _enum("None", "Accounts", "Items", "Names")
                ),
                "IsUsingAuditTrail": f("is_using_audit_trail", _bool),
                "IsAssigningJournalEntryNumbers": f("is_assigning_journal_entry_numbers", _bool),
                "ClosingDate": f("closing_date", _date),
            },
            "JobsAndEstimatesPreferences": {
                "IsUsingEstimates": f("is_using_estimates", _bool),
                "IsUsingProgressInvoicing": f("is_using_progress_invoicing", _bool),
                "IsPrintingItemsWithZeroAmounts": f("is_printing_items_with_zero_amounts", _bool),
            },
            "MultiCurrencyPreferences": {"IsMultiCurrencyOn": f("is_multi_currency_on", _bool)},
            "TimeTrackingPreferences": {
                "FirstDayOfWeek": f("first_day_of_week", _enum(*_WEEKDAYS))
            },
            "CurrentAppAccessRights": {
                "IsAutomaticLoginAllowed": f("is_automatic_login_allowed", _bool),
                "AutomaticLoginUserName": f("automatic_login_user_name"),
                "IsPersonalDataAccessAllowed": f("is_personal_data_access_allowed", _bool),
            },
        },
    ),
    "EmployeeRet": (
        Employee,
        {
            **_LIST_BASE,
            **_PERSON,
            "EmployeeType": f("employee_type", _enum("Officer", "Owner", "Regular", "Statutory")),
            "EmployeePayrollInfo": f("payroll", _payroll),
        },
    ),
    "VendorRet": (
        Vendor,
        {
            **_LIST_BASE,
            **_PERSON,
            "ClassRef": f("class_ref", _ref),
            "CompanyName": f("company_name"),
            "IsVendorEligibleFor1099": f("is_vendor_eligible_for_1099", _bool),
            "Balance": f("balance", _dec),
        },
    ),
    "CustomerRet": (
        Customer,
        {
            **_LIST_BASE,
            **_PERSON,
            "FullName": f("full_name"),
            "ClassRef": f("class_ref", _ref),
            "ParentRef": f("parent_ref", _ref),
            "Sublevel": f("sublevel", _int),
            "CompanyName": f("company_name"),
            "Balance": f("balance", _dec),
            "TotalBalance": f("total_balance", _dec),
            "JobStatus": f("job_status", _enum(*_JOB_STATUS)),
            "JobStartDate": f("job_start_date", _date),
            "JobProjectedEndDate": f("job_projected_end_date", _date),
            "JobEndDate": f("job_end_date", _date),
            "JobDesc": f("job_desc"),
            "Notes": f("notes"),
        },
    ),
    "ClassRet": (
        QbClass,
        {
            **_LIST_BASE,
            "FullName": f("full_name"),
            "ParentRef": f("parent_ref", _ref),
            "Sublevel": f("sublevel", _int),
        },
    ),
    "PayrollItemWageRet": (
        PayrollItemWage,
        {
            **_LIST_BASE,
            "WageType": f("wage_type", _enum(*_WAGE_TYPES)),
            "ExpenseAccountRef": f("expense_account_ref", _ref),
        },
    ),
    "ItemServiceRet": (
        ItemService,
        {
            **_LIST_BASE,
            "FullName": f("full_name"),
            "ClassRef": f("class_ref", _ref),
            "ParentRef": f("parent_ref", _ref),
            "Sublevel": f("sublevel", _int),
            "SalesOrPurchase": {"Desc": f("description"), "Price": f("price", _dec)},
            "SalesAndPurchase": {"SalesDesc": f("description"), "SalesPrice": f("price", _dec)},
            "ExternalGUID": f("external_guid", _guid),
            "DataExtRet": f("data_ext", _data_ext, True),
        },
    ),
    "OtherNameRet": (OtherName, {**_LIST_BASE, **_PERSON, "CompanyName": f("company_name")}),
    "ListDeletedRet": (
        ListDeleted,
        {
            "ListDelType": f("list_del_type"),
            "ListID": f("list_id"),
            "TimeCreated": f("time_created", _dt),
            "TimeDeleted": f("time_deleted", _dt),
            "FullName": f("full_name"),
        },
    ),
    "TimeTrackingRet": (
        TimeTracking,
        {
            "TxnID": f("txn_id"),
            "TimeCreated": f("time_created", _dt),
            "TimeModified": f("time_modified", _dt),
            "EditSequence": f("edit_sequence"),
            "TxnNumber": f("txn_number", _int),
            "TxnDate": f("txn_date", _date),
            **_TXN_REFS,
            "Duration": f("duration", _dur),
            "Notes": f("notes"),
            "BillableStatus": f(
                "billable_status", _enum("Billable", "NotBillable", "HasBeenBilled")
            ),
            "ExternalGUID": f("external_guid", _guid),
        },
    ),
}
RET_PARSERS: dict[str, Conv] = {ret: _build(cls, t) for ret, (cls, t) in RET_TABLES.items()}
# TxnDelRs carries these directly (no Ret element).
TXN_DEL_FIELDS: Table = {
    "TxnDelType": f("txn_del_type"),
    "TxnID": f("txn_id"),
    "TimeDeleted": f("time_deleted", _dt),
    "RefNumber": f("ref_number"),
}


def parse_ret(elem: XmlElement, base: str, notes: list[ValueNote] | None = None) -> Record | None:
    """Convert a known Ret element into its record; None for Ret types not modelled here.

    :param notes: lenient mode (see :func:`fill`).
    """
    conv = RET_PARSERS.get(elem.tag)
    if conv is None:
        return None
    if isinstance(conv, _Builder):
        return conv.build(elem, base, notes)  # type: ignore[no-any-return]
    return conv(elem, base)  # type: ignore[no-any-return]  # pragma: no cover - all are builders


def build_txn_del(kwargs: dict[str, Any]) -> TxnDelResult:
    """Make the TxnDelRs record from the fields :func:`fill` collected."""
    return TxnDelResult(**kwargs)
