"""Request specs for deletions and time transactions, and the message-set container.

Durations are whole, non-negative minutes (QuickBooks time entries are hours and minutes);
Rate is QuickBooks Online only and has no field; TimeTrackingMod has no ExternalGUID because
the 13.0 and 16.0 schemas have none there. Pure standard library.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import ClassVar

from ._since import TXN_DEL_TYPE_SINCE
from ._spec import (
    IteratorMode,
    OnError,
    RequestBase,
    check_choice,
    check_date,
    check_iterator,
    check_text,
    naive_datetime,
)
from .records import Ref
from .records_txn import LIST_DEL_TYPES, BillableStatus
from .requests import (
    ClassQuery,
    CompanyQuery,
    CustomerQuery,
    EmployeeQuery,
    HostQuery,
    ItemServiceQuery,
    OtherNameQuery,
    PayrollItemWageQuery,
    PreferencesQuery,
    VendorQuery,
)
from .values import parse_guid
from .versions import QbxmlVersion

__all__ = [
    "TXN_DEL_TYPES",
    "ListDeletedQuery",
    "MsgsRq",
    "RequestSpec",
    "TimeTrackingAdd",
    "TimeTrackingMod",
    "TimeTrackingQuery",
    "TxnDel",
    "UnsupportedRequest",
]

MAX_NOTES = 4095  # OSR: Notes max length 4095 for QBD|QBCA|QBUK|QBAU
_BILLABLE = ("Billable", "NotBillable", "HasBeenBilled")
# TxnDelType enumeration of qbxmlops160.xsd (13.0 lacks the three payroll types).
TXN_DEL_TYPES: tuple[str, ...] = (
    "ARRefundCreditCard",
    "Bill",
    "BillPaymentCheck",
    "BillPaymentCreditCard",
    "BuildAssembly",
    "Charge",
    "Check",
    "CreditCardCharge",
    "CreditCardCredit",
    "CreditMemo",
    "Deposit",
    "Estimate",
    "InventoryAdjustment",
    "Invoice",
    "ItemReceipt",
    "JournalEntry",
    "PayrollLiabilityAdjustment",
    "PayrollPriorPayment",
    "PayrollYearToDateAdjustment",
    "PurchaseOrder",
    "ReceivePayment",
    "SalesOrder",
    "SalesReceipt",
    "SalesTaxPaymentCheck",
    "TimeTracking",
    "TransferInventory",
    "VehicleMileage",
    "VendorCredit",
)
assert set(TXN_DEL_TYPE_SINCE) <= set(TXN_DEL_TYPES)


def _check_ref(ref: Ref | None, field: str) -> None:
    if ref is not None and not (ref.list_id or ref.full_name):
        raise ValueError(f"{field} needs a list_id or a full_name")


@dataclass(frozen=True, slots=True, kw_only=True)
class ListDeletedQuery(RequestBase):
    """``ListDeletedQueryRq``: list objects deleted in QuickBooks, by type and date."""

    RQ_NAME: ClassVar[str] = "ListDeletedQueryRq"
    RET_NAME: ClassVar[str] = "ListDeletedRet"

    list_del_types: tuple[str, ...]
    from_deleted_date: datetime | None = None
    to_deleted_date: datetime | None = None

    def __post_init__(self) -> None:
        RequestBase.__post_init__(self)
        if not self.list_del_types:
            raise ValueError("ListDeletedQuery needs at least one list_del_type")
        for kind in self.list_del_types:
            if kind not in LIST_DEL_TYPES:
                raise ValueError(f"unknown ListDelType {kind!r}")
        object.__setattr__(self, "from_deleted_date", naive_datetime(self.from_deleted_date))
        object.__setattr__(self, "to_deleted_date", naive_datetime(self.to_deleted_date))


@dataclass(frozen=True, slots=True, kw_only=True)
class TimeTrackingQuery(RequestBase):
    """``TimeTrackingQueryRq``: by TxnID, or by modified/transaction date range and entity.

    ``txn_ids`` excludes the filters; the modified and the transaction date ranges exclude
    each other; ``entity_list_ids`` and ``entity_full_names`` (TimeTrackingEntityFilter)
    exclude each other.
    """

    RQ_NAME: ClassVar[str] = "TimeTrackingQueryRq"
    RET_NAME: ClassVar[str] = "TimeTrackingRet"

    txn_ids: tuple[str, ...] = ()
    max_returned: int | None = None
    from_modified_date: datetime | None = None
    to_modified_date: datetime | None = None
    from_txn_date: date | None = None
    to_txn_date: date | None = None
    entity_list_ids: tuple[str, ...] = ()
    entity_full_names: tuple[str, ...] = ()
    iterator: IteratorMode | None = None
    iterator_id: str | None = None

    def __post_init__(self) -> None:
        RequestBase.__post_init__(self)
        object.__setattr__(self, "from_modified_date", naive_datetime(self.from_modified_date))
        object.__setattr__(self, "to_modified_date", naive_datetime(self.to_modified_date))
        check_date(self.from_txn_date, "from_txn_date")
        check_date(self.to_txn_date, "to_txn_date")
        check_iterator(self.RQ_NAME, True, self.iterator, self.iterator_id)
        modified = self.from_modified_date is not None or self.to_modified_date is not None
        txn_dates = self.from_txn_date is not None or self.to_txn_date is not None
        if modified and txn_dates:
            raise ValueError("modified-date and transaction-date ranges exclude each other")
        if self.entity_list_ids and self.entity_full_names:
            raise ValueError("entity_list_ids and entity_full_names exclude each other")
        filters = modified or txn_dates or self.max_returned is not None
        if self.txn_ids and (filters or self.entity_list_ids or self.entity_full_names):
            raise ValueError("txn_ids exclude the filter fields (schema choice)")
        if self.max_returned is not None and self.max_returned < 1:
            raise ValueError("max_returned must be at least 1")
        for value in (*self.txn_ids, *self.entity_list_ids, *self.entity_full_names):
            check_text(value, "txn_ids/entity filter")


@dataclass(frozen=True, slots=True, kw_only=True)
class _TimeFields(RequestBase):
    RET_NAME: ClassVar[str] = "TimeTrackingRet"

    txn_date: date | None = None
    entity_ref: Ref
    customer_ref: Ref | None = None
    item_service_ref: Ref | None = None
    duration: timedelta
    class_ref: Ref | None = None
    payroll_item_wage_ref: Ref | None = None
    notes: str | None = None
    billable_status: BillableStatus | None = None

    def check_time_fields(self) -> None:
        """Validate the fields TimeTrackingAdd and TimeTrackingMod share."""
        check_date(self.txn_date, "txn_date")
        _check_ref(self.entity_ref, "entity_ref")
        _check_ref(self.customer_ref, "customer_ref")
        _check_ref(self.item_service_ref, "item_service_ref")
        _check_ref(self.class_ref, "class_ref")
        _check_ref(self.payroll_item_wage_ref, "payroll_item_wage_ref")
        if self.duration < timedelta(0):
            raise ValueError("duration must not be negative")
        if self.duration % timedelta(minutes=1):
            raise ValueError("duration must be whole minutes (QuickBooks keeps hours:minutes)")
        if self.notes is not None and len(self.notes) > MAX_NOTES:
            raise ValueError(f"notes are longer than {MAX_NOTES} characters")
        check_choice(self.billable_status, _BILLABLE, "billable_status")


@dataclass(frozen=True, slots=True, kw_only=True)
class TimeTrackingAdd(_TimeFields):
    """``TimeTrackingAddRq``; ``external_guid`` (qbXML 9.0+) makes the entry findable again."""

    RQ_NAME: ClassVar[str] = "TimeTrackingAddRq"

    external_guid: str | None = None
    def_macro: str | None = None  # defMacro="TxnID:name", referenced later in the message set

    def __post_init__(self) -> None:
        RequestBase.__post_init__(self)
        self.check_time_fields()
        if self.external_guid is not None:
            parse_guid(self.external_guid, path="TimeTrackingAdd/ExternalGUID")
        check_text(self.def_macro, "def_macro")


@dataclass(frozen=True, slots=True, kw_only=True)
class TimeTrackingMod(_TimeFields):
    """``TimeTrackingModRq`` (qbXML 6.0+): replaces an entry, guarded by its EditSequence."""

    RQ_NAME: ClassVar[str] = "TimeTrackingModRq"

    txn_id: str
    edit_sequence: str

    def __post_init__(self) -> None:
        RequestBase.__post_init__(self)
        check_text(self.txn_id, "txn_id")
        check_text(self.edit_sequence, "edit_sequence")
        self.check_time_fields()


@dataclass(frozen=True, slots=True, kw_only=True)
class TxnDel(RequestBase):
    """``TxnDelRq``: delete one transaction (here: a time entry)."""

    RQ_NAME: ClassVar[str] = "TxnDelRq"

    txn_del_type: str = "TimeTracking"
    txn_id: str

    def __post_init__(self) -> None:
        RequestBase.__post_init__(self)
        if self.include_ret_elements:
            raise ValueError("TxnDelRq has no IncludeRetElement")
        check_choice(self.txn_del_type, TXN_DEL_TYPES, "txn_del_type")
        check_text(self.txn_id, "txn_id")


@dataclass(frozen=True, slots=True, kw_only=True)
class UnsupportedRequest:
    """A request ``parse_msgs_rq(..., unknown="keep")`` could not represent (answer 1030)."""

    request_id: str | None
    rq_name: str
    reason: str


RequestSpec = (
    HostQuery
    | CompanyQuery
    | PreferencesQuery
    | EmployeeQuery
    | VendorQuery
    | CustomerQuery
    | ClassQuery
    | PayrollItemWageQuery
    | ItemServiceQuery
    | OtherNameQuery
    | ListDeletedQuery
    | TimeTrackingAdd
    | TimeTrackingMod
    | TimeTrackingQuery
    | TxnDel
)


@dataclass(frozen=True, slots=True, kw_only=True)
class MsgsRq:
    """A parsed ``QBXMLMsgsRq``: its version, ``onError`` and requests in document order."""

    version: QbxmlVersion
    on_error: OnError
    requests: tuple[RequestSpec | UnsupportedRequest, ...]
