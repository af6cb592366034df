"""Request specs for host, company, preferences and list queries.

``build_msgs_rq`` renders specs and ``parse_msgs_rq`` reads them back, so
``parse_msgs_rq(build_msgs_rq(x)).requests == x``. Iterator attributes exist only on
Customer, Vendor and ItemService queries (and TimeTrackingQuery): elsewhere they raise
``ValueError`` here, as the qbXML schema has none (QBWC-NOTES A.3.3). Pure standard library.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from ._spec import (
    IteratorMode,
    NameFilter,
    NameRangeFilter,
    RequestBase,
    check_choice,
    check_iterator,
    check_text,
    naive_datetime,
)
from .records import ActiveStatus

__all__ = [
    "ClassQuery",
    "CompanyQuery",
    "CustomerQuery",
    "EmployeeQuery",
    "HostQuery",
    "ItemServiceQuery",
    "ListQuery",
    "OtherNameQuery",
    "PayrollItemWageQuery",
    "PreferencesQuery",
    "VendorQuery",
]

_ACTIVE_STATUSES = ("ActiveOnly", "InactiveOnly", "All")


@dataclass(frozen=True, slots=True, kw_only=True)
class HostQuery(RequestBase):
    """``HostQueryRq``: product, country and supported qbXML versions."""

    RQ_NAME: ClassVar[str] = "HostQueryRq"
    RET_NAME: ClassVar[str] = "HostRet"


@dataclass(frozen=True, slots=True, kw_only=True)
class CompanyQuery(RequestBase):
    """``CompanyQueryRq``; ``owner_ids`` asks for private DataExt such as the FileID stamp."""

    RQ_NAME: ClassVar[str] = "CompanyQueryRq"
    RET_NAME: ClassVar[str] = "CompanyRet"

    owner_ids: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        RequestBase.__post_init__(self)
        self.check_owner_ids(self.owner_ids)


@dataclass(frozen=True, slots=True, kw_only=True)
class PreferencesQuery(RequestBase):
    """``PreferencesQueryRq``."""

    RQ_NAME: ClassVar[str] = "PreferencesQueryRq"
    RET_NAME: ClassVar[str] = "PreferencesRet"


@dataclass(frozen=True, slots=True, kw_only=True)
class ListQuery(RequestBase):
    """Fields shared by the list queries (the schema's ListFilter shape).

    ``list_ids`` or ``full_names`` select objects directly; they exclude every filter field
    (an ``xsd:choice``). ``name_filter`` and ``name_range`` exclude each other.
    """

    ITERATOR: ClassVar[bool] = False
    OWNER_ID: ClassVar[bool] = True

    list_ids: tuple[str, ...] = ()
    full_names: tuple[str, ...] = ()
    max_returned: int | None = None
    active_status: ActiveStatus | None = None
    from_modified_date: datetime | None = None
    to_modified_date: datetime | None = None
    name_filter: NameFilter | None = None
    name_range: NameRangeFilter | None = None
    owner_ids: tuple[str, ...] = ()
    iterator: IteratorMode | None = None
    iterator_id: str | None = None

    def __post_init__(self) -> None:
        RequestBase.__post_init__(self)
        object.__setattr__(self, "from_modified_date", naive_datetime(self.from_modified_date))
        object.__setattr__(self, "to_modified_date", naive_datetime(self.to_modified_date))
        check_iterator(self.RQ_NAME, self.ITERATOR, self.iterator, self.iterator_id)
        check_choice(self.active_status, _ACTIVE_STATUSES, "active_status")
        if self.list_ids and self.full_names:
            raise ValueError("list_ids and full_names exclude each other")
        for value in (*self.list_ids, *self.full_names):
            check_text(value, "list_ids/full_names")
        if (self.list_ids or self.full_names) and self.has_filters:
            raise ValueError("list_ids/full_names exclude the filter fields (schema choice)")
        if self.name_filter is not None and self.name_range is not None:
            raise ValueError("name_filter and name_range exclude each other")
        if self.max_returned is not None and self.max_returned < 1:
            raise ValueError("max_returned must be at least 1")
        if self.owner_ids and not self.OWNER_ID:
            raise ValueError(f"{self.RQ_NAME} has no OwnerID element (qbXML schema)")
        self.check_owner_ids(self.owner_ids)

    @property
    def has_filters(self) -> bool:
        """Whether any ListFilter field is set."""
        return any(
            v is not None
            for v in (
                self.max_returned,
                self.active_status,
                self.from_modified_date,
                self.to_modified_date,
                self.name_filter,
                self.name_range,
            )
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class EmployeeQuery(ListQuery):
    """``EmployeeQueryRq`` (no iterator in the schema)."""

    RQ_NAME: ClassVar[str] = "EmployeeQueryRq"
    RET_NAME: ClassVar[str] = "EmployeeRet"


@dataclass(frozen=True, slots=True, kw_only=True)
class VendorQuery(ListQuery):
    """``VendorQueryRq`` (iterator-capable)."""

    RQ_NAME: ClassVar[str] = "VendorQueryRq"
    RET_NAME: ClassVar[str] = "VendorRet"
    ITERATOR: ClassVar[bool] = True


@dataclass(frozen=True, slots=True, kw_only=True)
class CustomerQuery(ListQuery):
    """``CustomerQueryRq``: customers and jobs (iterator-capable)."""

    RQ_NAME: ClassVar[str] = "CustomerQueryRq"
    RET_NAME: ClassVar[str] = "CustomerRet"
    ITERATOR: ClassVar[bool] = True


@dataclass(frozen=True, slots=True, kw_only=True)
class ClassQuery(ListQuery):
    """``ClassQueryRq`` (no iterator, no OwnerID in the schema)."""

    RQ_NAME: ClassVar[str] = "ClassQueryRq"
    RET_NAME: ClassVar[str] = "ClassRet"
    OWNER_ID: ClassVar[bool] = False


@dataclass(frozen=True, slots=True, kw_only=True)
class PayrollItemWageQuery(ListQuery):
    """``PayrollItemWageQueryRq`` (no iterator, no OwnerID in the schema)."""

    RQ_NAME: ClassVar[str] = "PayrollItemWageQueryRq"
    RET_NAME: ClassVar[str] = "PayrollItemWageRet"
    OWNER_ID: ClassVar[bool] = False


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemServiceQuery(ListQuery):
    """``ItemServiceQueryRq`` (iterator-capable)."""

    RQ_NAME: ClassVar[str] = "ItemServiceQueryRq"
    RET_NAME: ClassVar[str] = "ItemServiceRet"
    ITERATOR: ClassVar[bool] = True


@dataclass(frozen=True, slots=True, kw_only=True)
class OtherNameQuery(ListQuery):
    """``OtherNameQueryRq`` (no iterator in the schema)."""

    RQ_NAME: ClassVar[str] = "OtherNameQueryRq"
    RET_NAME: ClassVar[str] = "OtherNameRet"
