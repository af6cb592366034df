"""Plain records the store hands out; callers never see ORM objects (STYLE section 2)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class InstallationView:
    owner_id: str
    secret_key: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CompanyView:
    id: int
    name: str
    firm_name: str | None
    qbwc_username: str
    password_hash: str
    file_id: str
    bound_company_file: str | None
    bound_file_stamp: str | None
    qb_product: str | None
    qb_country: str | None
    qbxml_version: str | None
    sync_requested_at: datetime | None
    last_success_at: datetime | None
    last_error_at: datetime | None
    last_error: str | None
    created_at: datetime
    import_options: dict[str, object] = field(default_factory=dict)
    disabled_requests: tuple[str, ...] = ()
    first_sync_at: datetime | None = None
    delete_confirmed_at: datetime | None = None
    qb_company_name: str | None = None
    bound_qb_product: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionView:
    id: int
    company_id: int
    state: str
    started_at: datetime
    last_seen_at: datetime
    ended_at: datetime | None
    client_address: str | None
    company_file: str | None
    qbxml_country: str | None
    qbxml_version: str | None
    planned: int
    done: int
    progress: int
    consecutive_hresults: int
    errors: int
    last_error: str | None
    counts: dict[str, int] = field(default_factory=dict)
    state_data: dict[str, object] = field(default_factory=dict)
    sync_requested_at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class NewWorkItem:
    """A work item the planner wants queued: its kind, order and request parameters."""

    kind: str
    position: int
    spec: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkItemView:
    """One queued request (DESIGN section 5)."""

    id: int
    company_id: int
    session_id: int | None
    position: int
    kind: str
    state: str
    attempt: int
    request_id: str | None
    error: str | None
    spec: dict[str, object] = field(default_factory=dict)
