"""The per-call statements on the DBAPI cursor (store/_fast.py, issue #15): the same answers,
errors and listeners as SQLAlchemy's ``Connection.execute``, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import (
    Boolean,
    Column,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    insert,
    literal_column,
    select,
)
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import CursorResult

from qbwc_server import admin
from qbwc_server.app import create_app
from qbwc_server.errors import DatabaseUnavailableError, StoreError
from qbwc_server.simulate import FakeQuickBooks, load_sample_company, run_update
from qbwc_server.simulate.soapclient import SoapClient
from qbwc_server.store import SqlStore, _base, _fast
from qbwc_server.store._base import map_store_errors
from qbwc_server.store.models import UtcDateTime
from qbwc_server.testing import FixedClock, serve_in_thread
from tests.conftest import make_settings


def _same(fast: Any, slow: Any) -> None:
    """One statement's rows from both paths: the same keys, values and value types."""
    slow_rows = list(slow)
    assert [r._fields for r in fast] == [tuple(r._fields) for r in slow_rows]
    assert [tuple(r) for r in fast] == [tuple(r) for r in slow_rows]
    assert [[type(v) for v in r] for r in fast] == [[type(v) for v in r] for r in slow_rows]


def test_a_whole_sync_reads_and_writes_what_sqlalchemy_would(
    store: SqlStore, clock: FixedClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every statement a first sync, an incremental sync and a refused login run through the
    fast path is run through ``Connection.execute`` too (a write's fast answer inside a
    savepoint rolled back, then the real write by SQLAlchemy): both give the same rows."""
    statements: dict[int, Any] = {}  # id(Prepared) -> its statement
    real_get, real_execute = _fast.Statements.get, _fast.execute
    seen: dict[str, set[str]] = {"select": set(), "returning": set(), "plain": set()}

    def get(self: _fast.Statements, stmt: Any, keys: tuple[str, ...]) -> Any:
        prepared = real_get(self, stmt, keys)
        if prepared is not None:
            statements[id(prepared)] = stmt
        return prepared

    def checked(conn: Any, prepared: _fast.Prepared, params: Any) -> Any:
        stmt = statements[id(prepared)]
        if prepared.row is None or not isinstance(params, dict):
            seen["plain"].add(prepared.sql)
            return real_execute(conn, prepared, params)
        if stmt.is_select:
            seen["select"].add(prepared.sql)
            fast = real_execute(conn, prepared, params)
            _same(fast, conn.execute(stmt, params))
            return fast
        seen["returning"].add(prepared.sql)
        savepoint = conn.begin_nested()
        fast = real_execute(conn, prepared, params)
        savepoint.rollback()
        _same(fast, conn.execute(stmt, params))
        return fast

    monkeypatch.setattr(_fast.Statements, "get", get)
    monkeypatch.setattr(_base, "execute", checked)
    app = create_app(make_settings(tmp_path, str(store.engine.url)), clock=clock, store=store)
    created = admin.add_company(store, clock, "Acme")
    admin.request_sync(store, clock, created.company.id)
    qb = FakeQuickBooks(load_sample_company(clock=clock))
    owner = store.get_installation()
    assert owner is not None
    with serve_in_thread(app) as live:
        for round_ in range(2):
            if round_:
                clock.advance(minutes=61)
                customer = next(iter(qb.company.records("Customer")))
                qb.company.modify(customer.list_id, company_name="Changed Co")
                admin.request_sync(store, clock, created.company.id)
            transcript = run_update(f"{live}/qbwc", created, qb, owner_id=owner.owner_id,
                                    sleep=lambda s: clock.advance(seconds=s))  # fmt: skip
            assert transcript.outcome == "finished", transcript.outcome
        with SoapClient(f"{live}/qbwc") as client:
            answer = client.call(
                "authenticate",
                [("strUserName", created.company.qbwc_username), ("strPassword", "wrong")],
            )
            assert isinstance(answer, list) and answer[1] == "nvu"
    # the session by ticket, the company, the queue, the watermarks, the log's record ...
    assert len(seen["select"]) >= 6, seen
    # ... the session's, item's and company's UPDATE ... RETURNING, the record's INSERT
    assert len(seen["returning"]) >= 3, seen
    assert seen["plain"], seen  # upserts and updates without RETURNING
    assert store.get_company(created.company.id).last_success_at is not None


@pytest.fixture
def probe(store: SqlStore) -> Any:
    """A throwaway table with the value types the per-call rows carry."""
    table = Table(
        f"fast_probe_{uuid.uuid4().hex[:8]}",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("name", String(40), unique=True),
        Column("at", UtcDateTime()),
        Column("flag", Boolean),
    )
    table.create(store.engine)
    yield table
    table.drop(store.engine)


def test_values_go_in_and_come_out_as_sqlalchemy_converts_them(store: SqlStore, probe: Any) -> None:
    """Bind processors (an aware datetime stored as UTC) and result processors (back as an
    aware datetime, a bool not an int) are the column types' own."""
    at = datetime(2026, 12, 6, 9, 30, 15, 123456, tzinfo=UTC)
    add = insert(probe).returning(probe.c.id, probe.c.at, probe.c.flag)
    by_name = select(probe).where(probe.c.name == bindparam("name"))
    statements = _fast.Statements(store.engine.dialect)
    with store.engine.begin() as conn:
        prepared = statements.get(add, ("at", "flag", "name"))
        assert prepared is not None
        (row,) = _fast.execute(conn, prepared, {"name": "a", "at": at, "flag": True})
        assert (row.at, row.flag) == (at, True) and type(row.flag) is bool
        reader = statements.get(by_name, ("name",))
        assert reader is not None
        _same(_fast.execute(conn, reader, {"name": "a"}), conn.execute(by_name, {"name": "a"}))
        assert _fast.execute(conn, reader, {"name": "nobody"}).first() is None
        # a statement and its keys are compiled once
        assert statements.get(by_name, ("name",)) is reader


def test_driver_errors_are_sqlalchemy_errors_and_so_store_errors(
    store: SqlStore, probe: Any
) -> None:
    """A constraint the database refuses is SQLAlchemy's IntegrityError (the store's seam makes
    it a StoreError, not a crash); a missing parameter is refused before anything is sent."""
    statements = _fast.Statements(store.engine.dialect)
    add = insert(probe)
    prepared = statements.get(add, ("name",))
    assert prepared is not None and prepared.row is None
    with store.engine.connect() as conn:
        _fast.execute(conn, prepared, {"name": "twice"})
        with pytest.raises(sa_exc.IntegrityError) as caught:
            _fast.execute(conn, prepared, {"name": "twice"})
        assert caught.value.statement == prepared.sql
        conn.rollback()
        with pytest.raises(StoreError), map_store_errors():
            _fast.execute(conn, prepared, {})
        conn.rollback()
    with store.engine.connect() as conn:
        assert conn.execute(select(probe)).all() == []  # rolled back: nothing half-written


@pytest.mark.postgres
def test_a_lost_connection_is_invalidated_and_unavailable(
    postgres_url: str, clock: FixedClock
) -> None:
    """A PostgreSQL backend that dies under a statement: its connection is invalidated (the
    pool will not hand it out again) and the store says the database is unavailable."""
    from tests.conftest import make_store

    store = make_store(postgres_url, clock)
    try:
        statements = _fast.Statements(store.engine.dialect)
        one = select(literal_column("1").label("one"))
        prepared = statements.get(one, ())
        assert prepared is not None
        with store.engine.connect() as conn:
            assert _fast.execute(conn, prepared, {}).scalar() == 1
            pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
            with store.engine.connect() as other:
                other.exec_driver_sql(f"SELECT pg_terminate_backend({int(pid)})")  # type: ignore[arg-type]
            with pytest.raises(DatabaseUnavailableError), map_store_errors():
                _fast.execute(conn, prepared, {})
            assert conn.invalidated
        with store.engine.connect() as conn:  # a new connection works
            assert _fast.execute(conn, prepared, {}).scalar() == 1
    finally:
        store.dispose()


def test_what_it_cannot_run_exactly_goes_through_sqlalchemy(store: SqlStore, probe: Any) -> None:
    """Python-side column defaults, expanding IN parameters and result keys that are not plain
    names are not prepared; ``StoreBase._run`` sends those through ``Connection.execute``."""
    with_default = Table(
        f"fast_default_{uuid.uuid4().hex[:8]}",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("name", String(40), default=lambda: "filled in"),
    )
    dialect = store.engine.dialect
    assert _fast.prepare(dialect, insert(with_default), ("id",)) is None
    expanding = select(probe.c.id).where(probe.c.name.in_(bindparam("names", expanding=True)))
    assert _fast.prepare(dialect, expanding, ("names",)) is None
    assert _fast.prepare(dialect, select(probe.c.id, probe.c.id.label("_id")), ()) is None
    assert _fast.prepare(dialect, select(probe.c.name), ()) is not None
    with store._tx() as s:
        store._run(s, insert(probe), [{"name": "x"}, {"name": "y"}])
        result = store._run(s, expanding, {"names": ["x", "y"]})
        assert isinstance(result, CursorResult) and len(result.all()) == 2
        fast = store._run(s, select(probe.c.name).order_by(probe.c.name))
        assert isinstance(fast, _fast.FastResult) and [r.name for r in fast] == ["x", "y"]
