"""The kinds of list a company file holds, their name rules, and the errors of its mutations.

Pure data and small helpers shared by the company file and the query answers; imports qbxml only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, Protocol

from qbxml import Customer, Employee, ItemService, OtherName, PayrollItemWage, QbClass, Vendor

__all__ = [
    "DERIVED_FIELDS",
    "ENTITY_KINDS",
    "GENERATED_FIELDS",
    "HIERARCHICAL_KINDS",
    "LIST_KINDS",
    "Clock",
    "CompanyError",
    "ListKind",
    "ListRecord",
    "name_key",
]

ListKind = Literal[
    "Employee", "Vendor", "Customer", "Class", "PayrollItemWage", "ItemService", "OtherName"
]
ListRecord = Employee | Vendor | Customer | QbClass | PayrollItemWage | ItemService | OtherName
LIST_KINDS: dict[ListKind, type[Any]] = {
    "Employee": Employee,
    "Vendor": Vendor,
    "Customer": Customer,
    "Class": QbClass,
    "PayrollItemWage": PayrollItemWage,
    "ItemService": ItemService,
    "OtherName": OtherName,
}
HIERARCHICAL_KINDS: frozenset[ListKind] = frozenset({"Customer", "Class", "ItemService"})
# Time can be tracked for employees, vendors and other names (never a customer).
ENTITY_KINDS: tuple[ListKind, ...] = ("Employee", "Vendor", "OtherName")
# Customers, vendors, employees and other names share one namespace in QuickBooks.
_NAME_KINDS = frozenset({"Employee", "Vendor", "Customer", "OtherName"})
GENERATED_FIELDS = frozenset({"list_id", "time_created", "time_modified", "edit_sequence"})
DERIVED_FIELDS = frozenset({"full_name", "sublevel", "parent_ref"})


def name_key(kind: ListKind, display_name: str) -> tuple[str, str]:
    """The uniqueness key of a name: its namespace and its case-folded (full) name."""
    return ("names" if kind in _NAME_KINDS else kind, display_name.casefold())


class Clock(Protocol):
    """Anything with ``now()`` returning an aware datetime (``qbwc_server.testing.FixedClock``)."""

    def now(self) -> datetime: ...


class CompanyError(ValueError):
    """A change QuickBooks would refuse; ``status_code`` is the qbXML status it would answer."""

    def __init__(self, message: str, *, status_code: int) -> None:
        self.status_code = status_code
        super().__init__(message)
