"""QuickBooks list records (``qbxml`` Employee, Vendor, Customer, ...) -> :class:`ListRow`.

Pure: imports only the standard library and ``qbxml``'s record modules (never ``qbxml``'s
package root, which pulls in lxml); the store turns rows into ORM objects.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Literal, get_args

from qbxml.records import (
    Customer,
    Employee,
    ItemService,
    PayrollItemWage,
    QbClass,
    Vendor,
)
from qbxml.records_txn import Record

from .errors import MappingError

__all__ = [
    "COUNT_KEYS",
    "LIST_KINDS",
    "VALUE_KEYS",
    "ListKind",
    "ListRow",
    "class_to_row",
    "count_key",
    "customer_to_row",
    "employee_to_row",
    "item_service_to_row",
    "payroll_item_wage_to_row",
    "record_to_row",
    "vendor_to_row",
]

ListKind = Literal["team_member", "customer", "service_item", "qb_class", "payroll_item"]
LIST_KINDS: tuple[ListKind, ...] = get_args(ListKind)

# The keys of ListRow.values for each kind: the kind-specific store columns.
VALUE_KEYS: Mapping[ListKind, tuple[str, ...]] = MappingProxyType(
    {
        "team_member": (
            "first_name",
            "last_name",
            "email",
            "qb_role",
            "uses_time_data_for_paychecks",
            "payroll_earnings",
        ),
        "customer": ("company_name", "email", "job_status", "is_job"),
        "service_item": ("description", "price"),
        "qb_class": (),
        "payroll_item": ("wage_type",),
    }
)

# Summary count key per kind; team members count by qb_role (see count_key).
COUNT_KEYS: Mapping[ListKind | str, str] = MappingProxyType(
    {
        "employee": "employees",
        "vendor": "vendors",
        "customer": "customers",
        "service_item": "service_items",
        "qb_class": "classes",
        "payroll_item": "payroll_items",
    }
)

_USE_TIME_DATA: Mapping[str, bool] = MappingProxyType(
    {"UseTimeData": True, "DoNotUseTimeData": False}
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ListRow:
    """One QuickBooks list object as the store keeps it.

    ``values`` holds the kind-specific columns (:data:`VALUE_KEYS`); it is copied into a
    read-only mapping with sorted keys, and compares like a dict.
    """

    kind: ListKind
    qb_list_id: str
    edit_sequence: str | None
    qb_time_modified: datetime | None
    name: str
    full_name: str
    is_active: bool
    parent_list_id: str | None = None
    sublevel: int = 0
    values: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in LIST_KINDS:
            raise ValueError(f"unknown list kind {self.kind!r}")
        frozen = MappingProxyType(dict(sorted(self.values.items())))
        object.__setattr__(self, "values", frozen)

    def __hash__(self) -> int:
        # values is a mappingproxy (unhashable); equal rows share these fields, so this is
        # consistent with the generated __eq__.
        return hash((self.kind, self.qb_list_id, self.edit_sequence, self.name))


def count_key(row: ListRow) -> str:
    """The summary count a row adds to (``employees``, ``vendors``, ``customers``, ...)."""
    if row.kind == "team_member":
        return COUNT_KEYS["vendor" if row.values.get("qb_role") == "vendor" else "employee"]
    return COUNT_KEYS[row.kind]


def _decimal_text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _required(ret: str, list_id: str | None, name: str | None) -> tuple[str, str]:
    """ListID and Name, which every imported row needs.

    :raises MappingError: either is missing or empty (the message names the ListID only).
    """
    if not list_id:
        raise MappingError(f"{ret} without ListID")
    if not name:
        raise MappingError(f"{ret} {list_id} has no Name")
    return list_id, name


def employee_to_row(employee: Employee) -> ListRow:
    """An ``EmployeeRet`` as a team member; the name is Name, else "First Last".

    :raises MappingError: no ListID, or neither Name nor a first or last name.
    """
    display = employee.name or " ".join(n for n in (employee.first_name, employee.last_name) if n)
    list_id, name = _required("EmployeeRet", employee.list_id, display)
    payroll = employee.payroll
    use_time = payroll.use_time_data_to_create_paychecks if payroll else None
    earnings = tuple(
        (
            e.payroll_item_wage_ref.list_id,
            e.payroll_item_wage_ref.full_name,
            _decimal_text(e.rate),
            _decimal_text(e.rate_percent),
        )
        for e in (payroll.earnings if payroll else ())
    )
    return ListRow(
        kind="team_member",
        qb_list_id=list_id,
        edit_sequence=employee.edit_sequence,
        qb_time_modified=employee.time_modified,
        name=name,
        full_name=name,
        is_active=employee.is_active is not False,
        values={
            "first_name": employee.first_name,
            "last_name": employee.last_name,
            "email": employee.email,
            "qb_role": "employee",
            "uses_time_data_for_paychecks": _USE_TIME_DATA.get(use_time or ""),
            "payroll_earnings": earnings,
        },
    )


def vendor_to_row(vendor: Vendor) -> ListRow:
    """A ``VendorRet`` as a team member with ``qb_role="vendor"`` (no payroll data).

    :raises MappingError: no ListID or no Name.
    """
    list_id, name = _required("VendorRet", vendor.list_id, vendor.name)
    return ListRow(
        kind="team_member",
        qb_list_id=list_id,
        edit_sequence=vendor.edit_sequence,
        qb_time_modified=vendor.time_modified,
        name=name,
        full_name=name,
        is_active=vendor.is_active is not False,
        values={
            "first_name": vendor.first_name,
            "last_name": vendor.last_name,
            "email": vendor.email,
            "qb_role": "vendor",
            "uses_time_data_for_paychecks": None,
            "payroll_earnings": (),
        },
    )


def customer_to_row(customer: Customer) -> ListRow:
    """A ``CustomerRet``: a customer, or a job when it has a ``ParentRef/ListID``.

    :raises MappingError: no ListID or no Name.
    """
    list_id, name = _required("CustomerRet", customer.list_id, customer.name)
    parent = customer.parent_ref.list_id if customer.parent_ref else None
    return ListRow(
        kind="customer",
        qb_list_id=list_id,
        edit_sequence=customer.edit_sequence,
        qb_time_modified=customer.time_modified,
        name=name,
        full_name=customer.full_name or name,
        is_active=customer.is_active is not False,
        parent_list_id=parent,
        sublevel=customer.sublevel or 0,
        values={
            "company_name": customer.company_name,
            "email": customer.email,
            "job_status": customer.job_status,
            "is_job": parent is not None,
        },
    )


def item_service_to_row(item: ItemService) -> ListRow:
    """An ``ItemServiceRet``; the price is kept as Decimal text (``"45.00"``).

    :raises MappingError: no ListID or no Name.
    """
    list_id, name = _required("ItemServiceRet", item.list_id, item.name)
    return ListRow(
        kind="service_item",
        qb_list_id=list_id,
        edit_sequence=item.edit_sequence,
        qb_time_modified=item.time_modified,
        name=name,
        full_name=item.full_name or name,
        is_active=item.is_active is not False,
        parent_list_id=item.parent_ref.list_id if item.parent_ref else None,
        sublevel=item.sublevel or 0,
        values={"description": item.description, "price": _decimal_text(item.price)},
    )


def class_to_row(qb_class: QbClass) -> ListRow:
    """A ``ClassRet`` (classes form a tree like customers and jobs).

    :raises MappingError: no ListID or no Name.
    """
    list_id, name = _required("ClassRet", qb_class.list_id, qb_class.name)
    return ListRow(
        kind="qb_class",
        qb_list_id=list_id,
        edit_sequence=qb_class.edit_sequence,
        qb_time_modified=qb_class.time_modified,
        name=name,
        full_name=qb_class.full_name or name,
        is_active=qb_class.is_active is not False,
        parent_list_id=qb_class.parent_ref.list_id if qb_class.parent_ref else None,
        sublevel=qb_class.sublevel or 0,
    )


def payroll_item_wage_to_row(item: PayrollItemWage) -> ListRow:
    """A ``PayrollItemWageRet``.

    :raises MappingError: no ListID or no Name.
    """
    list_id, name = _required("PayrollItemWageRet", item.list_id, item.name)
    return ListRow(
        kind="payroll_item",
        qb_list_id=list_id,
        edit_sequence=item.edit_sequence,
        qb_time_modified=item.time_modified,
        name=name,
        full_name=name,
        is_active=item.is_active is not False,
        values={"wage_type": item.wage_type},
    )


def record_to_row(record: Record) -> ListRow | None:
    """The row for an imported list record; ``None`` for any other record (Host, ListDeleted...).

    :raises MappingError: the record lacks its ListID or Name (record it as a per-record error).
    """
    convert = _TO_ROW.get(type(record))
    if convert is not None:  # the exact record types, without a chain of isinstance checks
        return convert(record)
    if isinstance(record, Employee):
        return employee_to_row(record)
    if isinstance(record, Vendor):
        return vendor_to_row(record)
    if isinstance(record, Customer):
        return customer_to_row(record)
    if isinstance(record, ItemService):
        return item_service_to_row(record)
    if isinstance(record, QbClass):
        return class_to_row(record)
    if isinstance(record, PayrollItemWage):
        return payroll_item_wage_to_row(record)
    return None


_TO_ROW: dict[type, Callable[[Any], ListRow]] = {
    Employee: employee_to_row,
    Vendor: vendor_to_row,
    Customer: customer_to_row,
    ItemService: item_service_to_row,
    QbClass: class_to_row,
    PayrollItemWage: payroll_item_wage_to_row,
}
