"""SQLAlchemy models of the store. Only ``store/`` imports SQLAlchemy (DESIGN section 3).

Every row below a company carries ``company_id``. The schema is created by the Alembic
migrations in ``migrations/``, never by ``create_all``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value

    def bind_processor(self, dialect: Dialect) -> Callable[[Any], Any] | None:
        """On SQLite one function instead of two (``process_bind_param``, then the dialect's
        text format through a dict of seven fields): the importer binds two datetimes per
        record, and this was about 6 % of a first import (issue #15). Used only when it gives
        the dialect's own text for a probe value."""
        chained = super().bind_processor(dialect)
        if dialect.name != "sqlite" or chained is None or chained(_PROBE) != _sqlite_text(_PROBE):
            return chained
        return _sqlite_text


# A value whose every field differs (and a non-UTC offset) to check _sqlite_text against the
# dialect's processor before using it.
_PROBE = datetime(987, 6, 5, 4, 3, 2, 10, tzinfo=timezone(timedelta(hours=-7, minutes=-30)))


def _sqlite_text(value: datetime | None) -> str | None:
    """``UtcDateTime``'s value as SQLite stores it: UTC, naive, ``YYYY-MM-DD HH:MM:SS.ffffff``
    (SQLAlchemy's SQLite ``DATETIME`` format)."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime given to a UTC column")
    if value.utcoffset():
        value = value.astimezone(UTC)
    return value.replace(tzinfo=None).isoformat(" ", "microseconds")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Installation(Base):
    """One row: the installation's OwnerID (stamped into company files) and cookie secret."""

    __tablename__ = "installation"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[str] = mapped_column(String(38))
    secret_key: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Firm(Base):
    """An accounting practice that manages several client companies."""

    __tablename__ = "firm"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    companies: Mapped[list[Company]] = relationship(
        back_populates="firm", foreign_keys="Company.firm_id"
    )


class Company(Base):
    """A QuickBooks company file that one Web Connector syncs with."""

    __tablename__ = "company"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    firm_id: Mapped[int | None] = mapped_column(ForeignKey("firm.id"), index=True)
    # migration 0008: the firm that holds the primary-admin role (None: the company itself)
    primary_admin_firm_id: Mapped[int | None] = mapped_column(ForeignKey("firm.id"))
    name: Mapped[str] = mapped_column(String(200))
    # migration 0009: the recorded billing owner (store/_billing.py resolves the current one)
    billing_owner: Mapped[str] = mapped_column(String(10), default="client")
    billing_owner_firm_id: Mapped[int | None] = mapped_column(ForeignKey("firm.id"))
    billing_owner_since: Mapped[date | None] = mapped_column(Date)
    next_billing_date: Mapped[date | None] = mapped_column(Date)
    # migration 0009: payroll settings the firm sets up (mappings/payroll_settings.py)
    pay_period: Mapped[str | None] = mapped_column(String(20))
    pay_period_anchor: Mapped[date | None] = mapped_column(Date)
    week_start: Mapped[str] = mapped_column(String(10), default="Monday", server_default="Monday")
    overtime_daily_minutes: Mapped[int | None] = mapped_column(Integer)
    overtime_weekly_minutes: Mapped[int | None] = mapped_column(Integer)
    # migration 0009: the QuickBooks product at binding (health check "edition changed")
    bound_qb_product: Mapped[str | None] = mapped_column(String(200))
    qbwc_username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    file_id: Mapped[str] = mapped_column(String(38), unique=True)
    bound_company_file: Mapped[str | None] = mapped_column(Text)
    bound_file_stamp: Mapped[str | None] = mapped_column(String(38))
    qb_product: Mapped[str | None] = mapped_column(String(200))
    qb_company_name: Mapped[str | None] = mapped_column(String(200))
    qb_country: Mapped[str | None] = mapped_column(String(8))
    qbxml_version: Mapped[str | None] = mapped_column(String(10))
    import_options: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    disabled_requests: Mapped[list[str]] = mapped_column(JSON, default=list)
    first_sync_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    delete_confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    sync_requested_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_success_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_error_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    firm: Mapped[Firm | None] = relationship(back_populates="companies", foreign_keys=[firm_id])


class AdminUser(Base):
    """A person who manages companies in the web pages; role per firm or per company."""

    __tablename__ = "admin_user"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # migration 0008: one row per account an email belongs to (no longer unique)
    email: Mapped[str] = mapped_column(String(254), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))  # owner | admin | support
    firm_id: Mapped[int | None] = mapped_column(ForeignKey("firm.id"), index=True)
    company_id: Mapped[int | None] = mapped_column(ForeignKey("company.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # migration 0006: a one-time password must be changed at the next sign-in; every password
    # change bumps session_version, which signs out the sessions made with the old password
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    session_version: Mapped[int] = mapped_column(Integer, default=0)
    password_changed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    firm: Mapped[Firm | None] = relationship()


class FirmConnection(Base):
    """A firm account connected under another (the primary); ``mode`` is ``connected`` (the
    clients show together) or ``separate`` (under the same sign-in, invisible to the others)."""

    __tablename__ = "firm_connection"
    firm_id: Mapped[int] = mapped_column(ForeignKey("firm.id"), primary_key=True)
    primary_firm_id: Mapped[int] = mapped_column(ForeignKey("firm.id"))
    mode: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class CompanyFirm(Base):
    """The second firm of a company (the first is ``Company.firm_id``); at most two."""

    __tablename__ = "company_firm"
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"), primary_key=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firm.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class FirmInvitation(Base):
    """A company's invitation to its accountant; only a hash of the link's token is kept."""

    __tablename__ = "firm_invitation"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    state: Mapped[str] = mapped_column(String(20))  # pending | accepted | revoked
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    firm_id: Mapped[int | None] = mapped_column(ForeignKey("firm.id"))


class SyncSession(Base):
    """One Web Connector session, from authenticate to closeConnection."""

    __tablename__ = "sync_session"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"), index=True)
    ticket_hash: Mapped[str] = mapped_column(String(64), unique=True)
    state: Mapped[str] = mapped_column(String(20))  # open | finished | failed | expired
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    client_address: Mapped[str | None] = mapped_column(String(64))
    company_file: Mapped[str | None] = mapped_column(Text)
    qbxml_country: Mapped[str | None] = mapped_column(String(8))
    qbxml_version: Mapped[str | None] = mapped_column(String(10))
    hcp_response: Mapped[bytes | None] = mapped_column(LargeBinary)
    planned: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    consecutive_hresults: Mapped[int] = mapped_column(Integer, default=0)
    counts: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    state_data: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    sync_requested_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    bytes_received: Mapped[int] = mapped_column(BigInteger, default=0)

    __table_args__ = (Index("ix_sync_session_company_state", "company_id", "state"),)


class LoginFailure(Base):
    """A failed authenticate, kept for throttling per username and per address."""

    __tablename__ = "login_failure"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (
        Index("ix_login_failure_username_at", "username", "at"),
        Index("ix_login_failure_address_at", "address", "at"),
    )


class WorkItem(Base):
    """One queued qbXML request of a company (DESIGN section 5).

    ``spec`` holds the request's parameters and iterator state as JSON; the qbXML is rendered
    at send time for the session's negotiated version. ``request_id`` is unique per send.
    """

    __tablename__ = "work_item"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("sync_session.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(20))  # pending | sent | done | failed
    spec: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    attempt: Mapped[int] = mapped_column(Integer, default=0)
    request_id: Mapped[str | None] = mapped_column(String(50), unique=True)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (Index("ix_work_item_company_state", "company_id", "state", "position"),)


class ListWatermark(Base):
    """How far a list's incremental import has got, in QuickBooks' local wall-clock time."""

    __tablename__ = "list_watermark"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"))
    list_type: Mapped[str] = mapped_column(String(40))
    modified_local: Mapped[str] = mapped_column(String(19))  # 2026-11-02T04:00:00, no offset
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (UniqueConstraint("company_id", "list_type"),)


class SyncError(Base):
    """One problem met during a sync: the qbXML code, the record it concerns and the fix."""

    __tablename__ = "sync_error"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("sync_session.id"), index=True)
    work_item_id: Mapped[int | None] = mapped_column(ForeignKey("work_item.id"))
    request_type: Mapped[str | None] = mapped_column(String(60))
    status_code: Mapped[str | None] = mapped_column(String(20))  # qbXML statusCode or hresult
    record_ref: Mapped[str | None] = mapped_column(String(300))
    message: Mapped[str] = mapped_column(Text)
    fix: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (Index("ix_sync_error_company_created", "company_id", "created_at"),)


class ApiToken(Base):
    """A bearer token for the REST API, limited to one company; only its hash is kept."""

    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    scope: Mapped[str] = mapped_column(String(10), default="read")  # read | write | admin (0005)


# Text columns are sized for what QuickBooks allows (qbxml160.xsd maxLength: ListID 36,
# EditSequence 16, Name 41, FullName 209, CompanyName 41, FirstName/LastName 25, Email 1023),
# with room to spare; store/_lists.py checks every value against these sizes before writing.
class _ListColumns:
    """Columns every list imported from QuickBooks has (DESIGN section 3)."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"))
    qb_list_id: Mapped[str | None] = mapped_column(String(40))
    edit_sequence: Mapped[str | None] = mapped_column(String(20))
    qb_time_modified: Mapped[datetime | None] = mapped_column(UtcDateTime())
    name: Mapped[str] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    deleted_in_qb: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # When the last ID sweep found this row's ListID in QuickBooks (sync/sweep).
    swept_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class _TreeColumns(_ListColumns):
    """Lists with sub-records linked by ParentRef (customers/jobs, classes, service items)."""

    full_name: Mapped[str] = mapped_column(String(500))
    parent_list_id: Mapped[str | None] = mapped_column(String(40))
    sublevel: Mapped[int] = mapped_column(Integer, default=0)


class TeamMember(_ListColumns, Base):
    """A person whose time is tracked: a QuickBooks employee or vendor, or a local user."""

    __tablename__ = "team_member"
    qb_role: Mapped[str | None] = mapped_column(String(10))  # employee | vendor | None (local)
    first_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str | None] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(1023))
    uses_time_data_for_paychecks: Mapped[bool | None] = mapped_column(Boolean)
    payroll_earnings: Mapped[list[dict[str, object]]] = mapped_column(JSON, default=list)

    __table_args__ = (
        UniqueConstraint("company_id", "qb_list_id"),
        Index("ix_team_member_company_id_id", "company_id", "id"),
    )


class Customer(_TreeColumns, Base):
    """A customer or job (one tree: ``parent_id``), imported or created locally."""

    __tablename__ = "customer"
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"))
    company_name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(1023))
    job_status: Mapped[str | None] = mapped_column(String(100))  # unknown values kept as text
    is_job: Mapped[bool] = mapped_column(Boolean, default=False)
    assigned_to_all: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (
        UniqueConstraint("company_id", "qb_list_id"),
        Index("ix_customer_company_parent", "company_id", "parent_list_id"),
        Index("ix_customer_company_parent_id", "company_id", "parent_id"),
        Index("ix_customer_company_id_id", "company_id", "id"),
    )


class ServiceItem(_TreeColumns, Base):
    """A service item (what work was done)."""

    __tablename__ = "service_item"
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("service_item.id"))
    description: Mapped[str | None] = mapped_column(Text)
    price: Mapped[str | None] = mapped_column(String(30))

    __table_args__ = (
        UniqueConstraint("company_id", "qb_list_id"),
        Index("ix_service_item_company_parent", "company_id", "parent_list_id"),
        Index("ix_service_item_company_parent_id", "company_id", "parent_id"),
        Index("ix_service_item_company_id_id", "company_id", "id"),
    )


class QbClass(_TreeColumns, Base):
    """A QuickBooks class (class tracking)."""

    __tablename__ = "qb_class"
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("qb_class.id"))

    __table_args__ = (
        UniqueConstraint("company_id", "qb_list_id"),
        Index("ix_qb_class_company_parent", "company_id", "parent_list_id"),
        Index("ix_qb_class_company_parent_id", "company_id", "parent_id"),
        Index("ix_qb_class_company_id_id", "company_id", "id"),
    )


class PayrollItem(_ListColumns, Base):
    """A payroll wage item (hourly regular, overtime, salary ...)."""

    __tablename__ = "payroll_item"
    wage_type: Mapped[str | None] = mapped_column(String(100))  # unknown values kept as text

    __table_args__ = (
        UniqueConstraint("company_id", "qb_list_id"),
        Index("ix_payroll_item_company_id_id", "company_id", "id"),
    )


class TimeEntry(Base):
    """Time worked by a team member; exported to QuickBooks once approved (DESIGN section 7)."""

    __tablename__ = "time_entry"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"))
    uuid: Mapped[str] = mapped_column(String(38), unique=True)
    team_member_id: Mapped[int] = mapped_column(ForeignKey("team_member.id"), index=True)
    work_date: Mapped[date] = mapped_column(Date)
    duration_seconds: Mapped[int] = mapped_column(Integer)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"), index=True)
    service_item_id: Mapped[int | None] = mapped_column(ForeignKey("service_item.id"))
    class_id: Mapped[int | None] = mapped_column(ForeignKey("qb_class.id"))
    hour_type: Mapped[str] = mapped_column(String(40), default="regular")
    notes: Mapped[str | None] = mapped_column(Text)
    billable: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(20), default="draft")
    export_state: Mapped[str] = mapped_column(String(20), default="pending")
    qb_txn_id: Mapped[str | None] = mapped_column(String(40))
    qb_edit_sequence: Mapped[str | None] = mapped_column(String(20))
    export_error: Mapped[str | None] = mapped_column(Text)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # 0005 (issue 13): idempotent POSTs, start/end entry, soft delete until QuickBooks has
    # deleted it, an edit counter and what is in flight to QuickBooks (exactly-once export).
    external_id: Mapped[str | None] = mapped_column(String(100))
    start_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    end_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    time_zone: Mapped[str | None] = mapped_column(String(64))
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    in_flight: Mapped[dict[str, object] | None] = mapped_column(JSON)
    approved_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    exported_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    __table_args__ = (
        Index("ix_time_entry_company_state", "company_id", "state"),
        Index("ix_time_entry_company_export_state", "company_id", "export_state"),
        Index("ix_time_entry_company_date", "company_id", "work_date"),
        UniqueConstraint("company_id", "external_id"),
    )


class SyncExchange(Base):
    """One recorded SOAP call of a session (the sync log, DESIGN section 8).

    ``params`` keeps the call's parameters in wire order, the password as ``***`` and the qbXML
    parameter's value as None: that text is in ``qbxml_in``, compressed (zlib). The answer of
    sendRequestXML (a qbXML request) is in ``qbxml_out``, compressed; other answers in ``answer``.
    """

    __tablename__ = "sync_exchange"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("sync_session.id"))
    seq: Mapped[int] = mapped_column(Integer)
    operation: Mapped[str] = mapped_column(String(40))
    params: Mapped[list[list[object]]] = mapped_column(JSON, default=list)
    qbxml_in: Mapped[bytes | None] = mapped_column(LargeBinary)
    answer: Mapped[object | None] = mapped_column(JSON)
    qbxml_out: Mapped[bytes | None] = mapped_column(LargeBinary)
    error: Mapped[str | None] = mapped_column(Text)
    duration_ms: Mapped[int] = mapped_column(Integer)
    raw_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    stored_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    context: Mapped[dict[str, object] | None] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (
        Index("ix_sync_exchange_session_seq", "session_id", "seq"),
        Index("ix_sync_exchange_company_at", "company_id", "at"),
    )


class CompanySyncState(Base):
    """What the sync engine keeps about a company besides its record (sync/engine.py).

    ``utc_offset_minutes`` is the UTC offset QuickBooks writes on TimeModified (for times that
    come without one, and for the watermark's clock estimate); ``disabled`` says when and under
    which product each of ``company.disabled_requests`` was switched off, so it is asked again
    when the product changes or a day has passed; ``last_sweep_at`` is the last ID sweep.
    """

    __tablename__ = "company_sync_state"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"), unique=True)
    utc_offset_minutes: Mapped[int | None] = mapped_column(Integer)
    disabled: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    last_sweep_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    sweep_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class CompanySetup(Base):
    """Set-up wizard facts of a company (migration 0006): when its Web Connector password was
    last shown to an admin and when its .qwc was last downloaded."""

    __tablename__ = "company_setup"
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"), primary_key=True)
    password_shown_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    qwc_downloaded_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    checklist_done_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # migration 0009: when the payroll settings, import options and client administrator steps
    # of the set-up were last done
    payroll_done_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    options_done_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    client_admin_done_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class ClientAdminInvitation(Base):
    """A firm's invitation to a client's account administrator (migration 0009): the link sets
    the administrator's password; only a hash of its token is kept."""

    __tablename__ = "client_admin_invitation"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"), index=True)
    firm_id: Mapped[int | None] = mapped_column(ForeignKey("firm.id"))
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(200))
    team_member_id: Mapped[int | None] = mapped_column(ForeignKey("team_member.id"))
    invited_by: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    state: Mapped[str] = mapped_column(String(20))  # pending | accepted | revoked
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    admin_user_id: Mapped[int | None] = mapped_column(ForeignKey("admin_user.id"))
    seen_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class PayrollMapping(Base):
    """Which payroll wage item a team member's hours of one hour type go to (issue 13)."""

    __tablename__ = "payroll_mapping"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"))
    team_member_id: Mapped[int] = mapped_column(ForeignKey("team_member.id"))
    hour_type: Mapped[str] = mapped_column(String(40))
    payroll_item_id: Mapped[int] = mapped_column(ForeignKey("payroll_item.id"))
    forced: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (UniqueConstraint("company_id", "team_member_id", "hour_type"),)


class PayrollDefault(Base):
    """The company's payroll wage item for an hour type when a member has no mapping of it."""

    __tablename__ = "payroll_default"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"))
    hour_type: Mapped[str] = mapped_column(String(40))
    payroll_item_id: Mapped[int] = mapped_column(ForeignKey("payroll_item.id"))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (UniqueConstraint("company_id", "hour_type"),)


class BillingChange(Base):
    """A firm's proposal to take over a company's billing, and what became of it (0009)."""

    __tablename__ = "billing_change"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"), index=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firm.id"))
    state: Mapped[str] = mapped_column(String(12))  # proposed|confirmed|refused|expired|withdrawn
    proposed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    proposed_by: Mapped[str] = mapped_column(String(254))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    decided_by: Mapped[str | None] = mapped_column(String(254))
    effective_on: Mapped[date | None] = mapped_column(Date)
