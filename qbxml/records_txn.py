"""Typed, frozen records for deletions and time transactions (ListDeleted, TimeTracking, TxnDel).

Pure standard library.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from .records import (
    Company,
    Customer,
    Employee,
    Host,
    ItemService,
    OtherName,
    PayrollItemWage,
    Preferences,
    QbClass,
    Ref,
    Vendor,
)

__all__ = [
    "LIST_DEL_TYPES",
    "BillableStatus",
    "ListDeleted",
    "Record",
    "TimeTracking",
    "TxnDelResult",
]

BillableStatus = Literal["Billable", "NotBillable", "HasBeenBilled"]

# ListDelType enumeration, identical in qbxmlops130.xsd and qbxmlops160.xsd.
LIST_DEL_TYPES: frozenset[str] = frozenset(
    [
        "Account",
        "BillingRate",
        "Class",
        "Currency",
        "Customer",
        "CustomerMsg",
        "CustomerType",
        "DateDrivenTerms",
        "Employee",
        "InventorySite",
        "ItemDiscount",
        "ItemFixedAsset",
        "ItemGroup",
        "ItemInventory",
        "ItemInventoryAssembly",
        "ItemNonInventory",
        "ItemOtherCharge",
        "ItemPayment",
        "ItemSalesTax",
        "ItemSalesTaxGroup",
        "ItemService",
        "ItemSubtotal",
        "JobType",
        "OtherName",
        "PaymentMethod",
        "PayrollItemNonWage",
        "PayrollItemWage",
        "PriceLevel",
        "SalesRep",
        "SalesTaxCode",
        "ShipMethod",
        "StandardTerms",
        "ToDo",
        "UnitOfMeasureSet",
        "Vehicle",
        "Vendor",
        "VendorType",
        "WorkersCompCode",
    ]
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ListDeleted:
    """``ListDeletedRet``: a list object deleted in QuickBooks."""

    list_del_type: str | None = None
    list_id: str | None = None
    time_created: datetime | None = None
    time_deleted: datetime | None = None
    full_name: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class TimeTracking:
    """``TimeTrackingRet``: one time entry (Rate is QuickBooks Online only and not kept)."""

    txn_id: str | None = None
    time_created: datetime | None = None
    time_modified: datetime | None = None
    edit_sequence: str | None = None
    txn_number: int | None = None
    txn_date: date | None = None
    entity_ref: Ref | None = None
    customer_ref: Ref | None = None
    item_service_ref: Ref | None = None
    duration: timedelta | None = None
    class_ref: Ref | None = None
    payroll_item_wage_ref: Ref | None = None
    notes: str | None = None
    billable_status: BillableStatus | None = None
    external_guid: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class TxnDelResult:
    """The body of a ``TxnDelRs``: which transaction was deleted, and when."""

    txn_del_type: str | None = None
    txn_id: str | None = None
    time_deleted: datetime | None = None
    ref_number: str | None = None


Record = (
    Host
    | Company
    | Preferences
    | Employee
    | Vendor
    | Customer
    | QbClass
    | PayrollItemWage
    | ItemService
    | OtherName
    | ListDeleted
    | TimeTracking
    | TxnDelResult
)
