"""Plain records of the sync log (``sync_exchange``) that the store hands to ``synclog``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class NewExchange:
    """One SOAP call to record; the qbXML is already compressed by the caller."""

    company_id: int
    session_id: int | None
    operation: str
    params: list[list[object]]
    qbxml_in: bytes | None
    answer: object | None
    qbxml_out: bytes | None
    error: str | None
    duration_ms: int
    raw_bytes: int
    at: datetime
    context: Mapping[str, object] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ExchangeRecord:
    """One recorded call as stored (qbXML still compressed)."""

    id: int
    session_id: int | None
    seq: int
    operation: str
    params: list[list[object]]
    qbxml_in: bytes | None
    answer: object | None
    qbxml_out: bytes | None
    error: str | None
    duration_ms: int
    raw_bytes: int
    stored_bytes: int
    at: datetime
    context: dict[str, object] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class LoggedSession:
    """A session with what its log holds (``qbtime log list``)."""

    id: int
    company_id: int
    company_name: str
    state: str
    started_at: datetime
    ended_at: datetime | None
    last_seen_at: datetime
    counts: Mapping[str, int]
    errors: int
    last_error: str | None
    qbxml_version: str | None
    company_file: str | None
    exchanges: int
    log_bytes: int
    raw_bytes: int
    state_data: Mapping[str, object] = field(default_factory=dict)
