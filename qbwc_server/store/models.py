"""SQLAlchemy models of the store. Only ``store/`` imports SQLAlchemy (DESIGN section 3).

Every row below a company carries ``company_id``. The schema is created by the Alembic
migrations in ``migrations/``, never by ``create_all``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
)
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
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        from datetime import UTC

        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


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
    companies: Mapped[list[Company]] = relationship(back_populates="firm")


class Company(Base):
    """A QuickBooks company file that one Web Connector syncs with."""

    __tablename__ = "company"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    firm_id: Mapped[int | None] = mapped_column(ForeignKey("firm.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    qbwc_username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    file_id: Mapped[str] = mapped_column(String(38), unique=True)
    bound_company_file: Mapped[str | None] = mapped_column(Text)
    bound_file_stamp: Mapped[str | None] = mapped_column(String(38))
    qb_product: Mapped[str | None] = mapped_column(String(200))
    qb_country: Mapped[str | None] = mapped_column(String(8))
    qbxml_version: Mapped[str | None] = mapped_column(String(10))
    import_options: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    sync_requested_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_success_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_error_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    firm: Mapped[Firm | None] = relationship(back_populates="companies")


class AdminUser(Base):
    """A person who manages companies in the web pages; role per firm or per company."""

    __tablename__ = "admin_user"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))  # owner | admin | support
    firm_id: Mapped[int | None] = mapped_column(ForeignKey("firm.id"), index=True)
    company_id: Mapped[int | None] = mapped_column(ForeignKey("company.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


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
