"""Plain records behind the REST API and ``qbtime company show``; callers never see ORM objects.

Pure standard library: ``to_json`` turns any of these records into JSON-ready data, so the API and
the CLI print the same field names and the same ISO 8601 times.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Generic, Literal, TypeVar

ListName = Literal["team_members", "customers", "service_items", "classes", "payroll_items"]
LIST_NAMES: tuple[ListName, ...] = (
    "team_members",
    "customers",
    "service_items",
    "classes",
    "payroll_items",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ApiTokenView:
    """An API token's stored facts; the token itself is never kept."""

    id: int
    company_id: int
    label: str | None
    created_at: datetime
    last_used_at: datetime | None
    scope: str = "read"


@dataclass(frozen=True, slots=True, kw_only=True)
class ListRecord:
    """The columns every list imported from QuickBooks has (DESIGN section 3)."""

    id: int
    company_id: int
    qb_list_id: str | None
    edit_sequence: str | None
    qb_time_modified: datetime | None
    name: str
    is_active: bool
    archived: bool
    deleted_in_qb: bool
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class TeamMemberRecord(ListRecord):
    """A QuickBooks employee or vendor, or a local user (``qb_role`` None)."""

    qb_role: str | None
    first_name: str | None
    last_name: str | None
    email: str | None
    uses_time_data_for_paychecks: bool | None
    payroll_earnings: tuple[object, ...] = ()
    """The employee's earnings lines as the import stored them (JSON values)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class TreeRecord(ListRecord):
    """A list row with sub-records linked by ParentRef."""

    parent_id: int | None
    parent_list_id: str | None
    full_name: str
    sublevel: int


@dataclass(frozen=True, slots=True, kw_only=True)
class CustomerRecord(TreeRecord):
    """A customer (``is_job`` false) or a job below one."""

    company_name: str | None
    email: str | None
    job_status: str | None
    is_job: bool
    assigned_to_all: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class ServiceItemRecord(TreeRecord):
    """A service item."""

    description: str | None
    price: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class ClassRecord(TreeRecord):
    """A QuickBooks class."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PayrollItemRecord(ListRecord):
    """A payroll wage item."""

    wage_type: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionRecord:
    """One sync session as the API and ``company show`` report it."""

    id: int
    state: str
    started_at: datetime
    last_seen_at: datetime
    ended_at: datetime | None
    progress: int
    planned: int
    done: int
    counts: Mapping[str, int]
    errors: int
    last_error: str | None
    qbxml_version: str | None
    company_file: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class SyncErrorRecord:
    """One row of the ``sync_error`` table."""

    id: int
    session_id: int | None
    request_type: str | None
    status_code: str | None
    record_ref: str | None
    message: str
    fix: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class ListCounts:
    """How many rows a list has; ``active`` means ``is_active`` and not ``archived``.

    ``parts`` splits ``total`` by kind: ``employees``/``vendors``/``local`` for team members,
    ``customers``/``jobs`` for customers; empty for the other lists.
    """

    total: int = 0
    active: int = 0
    archived: int = 0
    deleted_in_qb: int = 0
    parts: Mapping[str, int] = field(default_factory=dict)


T = TypeVar("T")


@dataclass(frozen=True, slots=True, kw_only=True)
class Page(Generic[T]):
    """One page of a keyset-paginated query; ``next_after`` is the id to continue after."""

    rows: tuple[T, ...]
    next_after: int | None


def to_json(value: object) -> object:
    """JSON-ready data for a record (recursively): times as ISO 8601, tuples as lists.

    ``ListCounts.parts`` is flattened into the counts object.
    """
    if isinstance(value, ListCounts):
        flat: dict[str, object] = {
            "total": value.total,
            "active": value.active,
            "archived": value.archived,
            "deleted_in_qb": value.deleted_in_qb,
        }
        flat.update(value.parts)
        return flat
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    return value
