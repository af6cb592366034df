"""Plain records of time entries, payroll mapping and export work; callers never see ORM objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from mappings.time_export import ExportEntry


@dataclass(frozen=True, slots=True, kw_only=True)
class TimeEntryRecord:
    """A time entry as the REST API and ``qbtime time list`` show it (ids are row ids)."""

    id: int
    team_member_id: int
    work_date: date
    duration_seconds: int
    start: datetime | None
    end: datetime | None
    time_zone: str | None
    customer_id: int | None
    service_item_id: int | None
    class_id: int | None
    hour_type: str
    notes: str | None
    billable: bool
    external_id: str | None
    uuid: str
    state: str
    export_state: str
    export_error: str | None
    qb_txn_id: str | None
    locked: bool
    deleted: bool
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class PayrollPair:
    """One mapping: a member's (or, with ``team_member_id`` None, the company's) hour type."""

    team_member_id: int | None
    hour_type: str
    payroll_item_id: int
    force: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class PayrollMappingView:
    """The company's payroll item mapping: per member and hour type, and the defaults."""

    mappings: tuple[PayrollPair, ...] = ()
    defaults: tuple[PayrollPair, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ExportCandidate:
    """An entry export may send: its facts, and where it stands with QuickBooks."""

    entry: ExportEntry
    export_state: str
    deleted: bool
    version: int
    qb_txn_id: str | None
    qb_edit_sequence: str | None
    refresh: bool = False
    """A Mod was refused with 3200: read the entry's EditSequence again before resending."""
    refreshed: bool = False
    """The EditSequence was read again after a 3200: a second 3200 is an error."""


@dataclass(frozen=True, slots=True, kw_only=True)
class InFlightEntry:
    """An entry whose request went to QuickBooks without a stored answer yet."""

    entry_id: int
    uuid: str
    op: str
    txn_date: date | None
    entity_list_id: str | None
    info: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class Settlement:
    """What QuickBooks' answer (or the resolution query) means for one entry.

    ``kind``: ``added``/``modified`` (with TxnID and EditSequence), ``deleted`` (gone in
    QuickBooks, as wanted), ``failed`` (``error`` text), ``retry`` (send again), ``gone``
    (deleted in QuickBooks: add again), ``refreshed`` (new EditSequence, send the Mod again).
    """

    entry_id: int
    kind: str
    txn_id: str | None = None
    edit_sequence: str | None = None
    error: str | None = None
