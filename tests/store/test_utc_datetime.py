"""``UtcDateTime``'s one-step SQLite bind processor gives what SQLAlchemy's two steps give."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.types import TypeDecorator

from qbwc_server.store import SqlStore
from qbwc_server.store.models import SyncError, UtcDateTime, _sqlite_text
from qbwc_server.testing import FixedClock
from tests.store.conftest import add_company

_SQLITE = sqlite.dialect()
_IMPL = UtcDateTime().dialect_impl(_SQLITE)
# SQLAlchemy's own chain: process_bind_param, then the SQLite DATETIME's text format
_CHAINED = TypeDecorator.bind_processor(_IMPL, _SQLITE)

offsets = st.integers(min_value=-(23 * 60 + 59), max_value=23 * 60 + 59).map(
    lambda m: timezone(timedelta(minutes=m))
)
aware = st.datetimes(
    min_value=datetime(2, 1, 1), max_value=datetime(9998, 12, 30), timezones=offsets
)


def test_sqlite_uses_the_one_step_processor_and_postgresql_the_chain() -> None:
    assert _IMPL.bind_processor(_SQLITE) is _sqlite_text
    pg = postgresql.dialect()
    assert UtcDateTime().dialect_impl(pg).bind_processor(pg) is not _sqlite_text


@given(aware)
def test_the_same_text_as_sqlalchemys_chain(value: datetime) -> None:
    assert _sqlite_text(value) == _CHAINED(value)


def test_none_and_naive_values() -> None:
    assert _sqlite_text(None) is None and _CHAINED(None) is None
    for processor in (_sqlite_text, _CHAINED):
        with pytest.raises(ValueError, match="naive datetime"):
            processor(datetime(2026, 1, 1))


def test_a_stored_value_reads_back_as_the_same_instant(store: SqlStore, clock: FixedClock) -> None:
    """Through the store (SQLite and PostgreSQL): an offset value is stored as UTC."""
    company_id = add_company(store, clock)
    at = datetime(2026, 3, 8, 1, 30, 0, 5, tzinfo=timezone(timedelta(hours=-8)))
    with store._tx() as s:
        s.add(
            SyncError(
                company_id=company_id,
                request_type="CustomerQueryRq",
                status_code="0",
                message="probe",
                created_at=at,
            )
        )
    with store._read() as s:
        got = s.scalars(select(SyncError.created_at)).one()
    assert got == at and got.tzinfo is not None and got.utcoffset() == timedelta(0)
    assert got == datetime(2026, 3, 8, 9, 30, 0, 5, tzinfo=UTC)
