"""The store's transaction helpers and its one error seam, shared by the SqlStore mixins.

A store call opens its own short transaction, unless it runs inside a unit of work
(``StoreBase.unit``): then every store call of the unit shares one session and one transaction.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import bindparam, update
from sqlalchemy.engine import Connection, CursorResult, Engine
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm import Session

from ..errors import DatabaseUnavailableError, NotFoundError, StoreError
from ._fast import Statements, execute
from .engine import READ_ONLY, make_session_factory

V = TypeVar("V")
_CORE_SAVEPOINT = "qbtime_core"  # StoreBase.core_savepoint's name (one at a time per unit)
_NONE_SENT = "none sent"  # a core_savepoint(one_write= or repeatable=True) on SQLite


@contextmanager
def map_store_errors() -> Iterator[None]:
    """Translate SQLAlchemy errors into StoreError (the store's one seam).

    A database that cannot be reached, times out or stays locked (OperationalError, a lost
    connection, a full pool) becomes DatabaseUnavailableError: trying again later may work.
    """
    try:
        yield
    except SQLAlchemyError as exc:
        unreachable = isinstance(exc, OperationalError | PoolTimeoutError) or (
            isinstance(exc, DBAPIError) and exc.connection_invalidated
        )
        kind = DatabaseUnavailableError if unreachable else StoreError
        raise kind(f"database error: {type(exc).__name__}") from exc


@dataclass(slots=True)
class _Unit:
    """The session a unit of work shares, and how far its transaction has got."""

    session: Session
    begun: bool = False  # a transaction is open (a read snapshot or a write transaction)
    writing: bool = False  # the transaction may write (SQLite: BEGIN IMMEDIATE)
    locked: bool = False  # holds StoreBase._writer (SQLite)
    conn: Connection | None = None  # the transaction's connection, once asked for (_run)
    # a core_savepoint's state: "pending" (its SAVEPOINT not sent yet), "open", _NONE_SENT (on
    # SQLite, see core_savepoint), or None
    core_savepoint: str | None = None
    writes_left: int | None = None  # in a core_savepoint(one_write=True): 1, then 0
    # views read in this unit, by (table, key): see StoreBase._cached
    cache: dict[tuple[str, object], object] = field(default_factory=dict)


class StoreBase:
    """Holds the engine and opens short transactions; each mixin adds one concept's queries."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = make_session_factory(engine)
        # The unit of work of the calling thread (waitress serves each SOAP call on one thread).
        self._local = threading.local()
        self._sqlite = engine.dialect.name == "sqlite"
        # SQLite has one writer. Units of this process queue for it here, and are woken as soon
        # as it is free, rather than in SQLite's busy handler, which sleeps in steps of up to
        # 100 ms: with one write transaction per SOAP call that sleep was the p99.
        self._writer = threading.Lock()
        # Statements of the per-call path, built once (see _stmt)
        self._statements: dict[object, Any] = {}
        # The Core statements of _run, compiled for the DBAPI cursor (see _fast)
        self._prepared = Statements(engine.dialect)
        # (PostgreSQL list table, company) analyzed by this process (_bulk.analyze_once)
        self._analyzed: set[tuple[str, int]] = set()

    # units of work ---------------------------------------------------------------------------
    @contextmanager
    def unit(self, *, write: bool = False) -> Iterator[None]:
        """Run the store calls of the block in one transaction, committed at its end.

        ``write``: the block will write whatever it reads (sendRequestXML, receiveResponseXML
        always do), so on SQLite it begins ``BEGIN IMMEDIATE`` at once, saving the read
        snapshot's ``BEGIN`` and commit.

        A SOAP call runs in one unit (issue #15: one session, one ``BEGIN`` and one commit
        instead of one per store call). The transaction begins as a read (on SQLite a deferred
        ``BEGIN``: a WAL snapshot that neither waits for nor blocks the writer) and becomes a
        write transaction at the first store call that may write; on SQLite the snapshot, which
        has only read, ends there and ``BEGIN IMMEDIATE`` starts, because a deferred
        transaction that upgrades after another writer committed fails at once with
        ``SQLITE_BUSY`` instead of waiting. An exception leaving the block rolls everything
        back. A unit inside a unit joins the outer one. A failure that a caller catches and
        survives must run in :meth:`savepoint`.
        """
        if getattr(self._local, "unit", None) is not None:
            yield
            return
        unit = _Unit(self._sessions())
        self._local.unit = unit
        try:
            if write:
                self._begin_writing(unit)
            try:
                yield
            except BaseException:
                with contextlib.suppress(Exception):  # the database may be what failed
                    unit.session.rollback()
                raise
            with map_store_errors():
                unit.session.commit()
        finally:
            self._local.unit = None
            with contextlib.suppress(Exception):
                unit.session.close()
            if unit.locked:
                self._writer.release()

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """Inside a unit, a ``SAVEPOINT`` around the block: a store error in it undoes only the
        block, and the unit goes on (a list batch the database refuses is stored row by row; a
        sync-log record that cannot be written does not fail the call). Outside a unit each
        store call is its own transaction already, and this does nothing."""
        unit = self._unit()
        if unit is None:
            yield
            return
        with map_store_errors():
            self._begin_writing(unit)
            nested = unit.session.begin_nested()
            # the SAVEPOINT is emitted when the session is next asked for its connection (none
            # if the block runs no statement): _run must ask again
            unit.conn = None
        try:
            yield
            with map_store_errors():
                nested.commit()
        except BaseException:
            with contextlib.suppress(Exception):
                nested.rollback()
            unit.session.expunge_all()
            unit.cache.clear()  # it may hold what the block wrote
            raise

    @contextmanager
    def core_savepoint(
        self, *, one_write: bool = False, repeatable: bool = False
    ) -> Iterator[None]:
        """:meth:`savepoint` for a block whose statements all go through :meth:`_run` (Core, no
        ORM object): the ``SAVEPOINT``, ``RELEASE`` and ``ROLLBACK TO`` are sent as they are,
        the ``SAVEPOINT`` only before the block's first statement (none for a block that runs
        none). SQLAlchemy's nested transaction costs about a third of the sync-log record that
        every SOAP call writes inside one (it compiles a new ``SAVEPOINT`` clause each time).

        ``one_write``: the block writes with at most one statement (``_run`` refuses a second).
        On SQLite it then sends no savepoint at all: a statement that fails there is undone
        alone and the transaction goes on (SQLite's statement journal; the errors that end the
        whole transaction end it with a savepoint too). That saves two of the statements of
        every SOAP call's sync-log record. PostgreSQL aborts the transaction at any failed
        statement, so it keeps the savepoint.

        ``repeatable``: the block's writes leave the same rows when written again (upserts by
        key, updates by id), and a caller that catches its failure writes them again (the
        importer's batch, then row by row). On SQLite it then sends no savepoint either: a
        failed statement is undone alone, the ones before it are repeated by the retry. A
        savepoint there costs about a tenth of a first import (SQLite copies every page the
        block changes to its statement journal).
        """
        unit = self._unit()
        if unit is None or unit.core_savepoint is not None:
            yield  # outside a unit, or nested in another: the enclosing transaction does
            return
        with map_store_errors():
            self._begin_writing(unit)
        unit.writes_left = 1 if one_write else None
        # _NONE_SENT is never "open": the ROLLBACK TO and RELEASE below are skipped for it
        unit.core_savepoint = (
            _NONE_SENT if (one_write or repeatable) and self._sqlite else "pending"
        )
        try:
            yield
        except BaseException:
            if unit.core_savepoint == "open" and unit.conn is not None:
                with contextlib.suppress(Exception):
                    unit.conn.exec_driver_sql(f"ROLLBACK TO SAVEPOINT {_CORE_SAVEPOINT}")
                    unit.conn.exec_driver_sql(f"RELEASE SAVEPOINT {_CORE_SAVEPOINT}")
            unit.cache.clear()  # it may hold what the block wrote
            raise
        else:
            if unit.core_savepoint == "open" and unit.conn is not None:
                with map_store_errors():
                    unit.conn.exec_driver_sql(f"RELEASE SAVEPOINT {_CORE_SAVEPOINT}")
        finally:
            unit.core_savepoint = unit.writes_left = None

    def _unit(self) -> _Unit | None:
        unit: _Unit | None = getattr(self._local, "unit", None)
        return unit

    def _begin_writing(self, unit: _Unit) -> None:
        if unit.writing:
            return
        if unit.begun and self._sqlite:
            unit.session.commit()  # end the read snapshot; the next statement begins IMMEDIATE
            unit.conn = None  # the next transaction may be on another pooled connection
        if self._sqlite:
            self._writer.acquire()
            unit.locked = True
        unit.begun = unit.writing = True

    @contextmanager
    def _joined(self, unit: _Unit) -> Iterator[Session]:
        session = unit.session
        try:
            with map_store_errors():
                yield session
                session.flush()  # errors surface here, in the store call, as they would alone
        finally:
            # Each call builds its views inside the block: nothing it loaded may answer a later
            # call of the unit from the identity map after a Core UPDATE changed the row.
            session.expunge_all()

    def _cached(self, table: str, key: object, load: Callable[[], V]) -> V:
        """Inside a unit, a view read once: the company, its sync state and watermarks are
        asked for by several steps of one call (the recorder, the password check, planning).
        A write to the table (any write not naming its tables) forgets it."""
        unit = self._unit()
        if unit is None:
            return load()
        if (table, key) in unit.cache:
            return unit.cache[table, key]  # type: ignore[return-value]
        value = load()
        unit.cache[table, key] = value
        return value

    @contextmanager
    def _tx(self, touches: frozenset[str] | None = None) -> Iterator[Session]:
        """A write transaction (inside a unit: the unit's). ``touches`` names the tables the
        block writes, for the unit's cache; None: it may write any."""
        unit = self._unit()
        if unit is not None:
            if touches is None:
                unit.cache.clear()
            elif unit.cache:
                for key in [k for k in unit.cache if k[0] in touches]:
                    del unit.cache[key]
            with map_store_errors():
                self._begin_writing(unit)
            with self._joined(unit) as session:
                yield session
            return
        with map_store_errors(), self._sessions.begin() as session:
            yield session

    @contextmanager
    def _read(self) -> Iterator[Session]:
        """A transaction that only reads: on SQLite a deferred ``BEGIN`` (a WAL snapshot) instead
        of ``BEGIN IMMEDIATE``, so lookups done on every SOAP call neither wait for nor block
        the writer (see ``engine.READ_ONLY``). Inside a unit: the unit's transaction."""
        unit = self._unit()
        if unit is not None:
            if not unit.begun:
                with map_store_errors():
                    unit.conn = unit.session.connection(execution_options={READ_ONLY: True})
                unit.begun = True
            with self._joined(unit) as session:
                yield session
            return
        with map_store_errors(), self._sessions.begin() as session:
            session.connection(execution_options={READ_ONLY: True})
            yield session

    # statements built once ---------------------------------------------------------------------
    def _stmt(self, key: object, build: Callable[[], Any]) -> Any:
        """The statement ``build`` makes, built once per store and key (issue #15): for the
        statements that depend on the dialect or on a model; the others are module constants.

        The statements every SOAP call runs take their values as bind parameters
        (``bindparam``), so one statement object serves every call: SQLAlchemy memoizes its
        cache key on the object and finds the compiled form in the engine's cache, where a
        statement built anew per call paid for building its expression and cache key each time
        (about a fifth of a call's CPU in a profile of incremental syncs).
        """
        stmt = self._statements.get(key)
        if stmt is None:
            stmt = self._statements[key] = build()
        return stmt

    def _connection(self, s: Session) -> Connection:
        """The session's connection (its transaction) for Core statements: a unit asks the
        session once, and a :meth:`core_savepoint` waiting for its first statement sends its
        ``SAVEPOINT`` here. Core work in a ``core_savepoint`` block takes its connection from
        here (or runs through :meth:`_run`), never from ``s.connection()``."""
        unit = self._unit()
        if unit is None or unit.session is not s:
            return s.connection()
        conn = unit.conn
        if conn is None:
            conn = unit.conn = s.connection()
        if unit.core_savepoint == "pending":
            conn.exec_driver_sql(f"SAVEPOINT {_CORE_SAVEPOINT}")
            unit.core_savepoint = "open"
        return conn

    def _run(
        self,
        s: Session,
        stmt: Any,
        params: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None,
    ) -> CursorResult[Any]:
        """Execute a Core statement on the session's connection (its transaction), without the
        ORM's per-execution work; a unit asks the session for its connection once. A sequence
        of parameter sets is one executemany. A statement that ``_fast`` can prepare runs on the
        DBAPI cursor (its docstring says why and what it keeps); its result is a ``FastResult``,
        which has the methods of SQLAlchemy's ``Result`` that the store uses."""
        unit = self._unit()
        conn = self._connection(s)
        if unit is not None and unit.writes_left is not None and stmt.is_dml:
            if not unit.writes_left:
                raise RuntimeError("a core_savepoint(one_write=True) block wrote twice")
            unit.writes_left -= 1
        sets: list[dict[str, Any]] | None = None  # an executemany's parameter sets
        one: dict[str, Any] = {}
        if isinstance(params, Mapping):
            one = dict(params)
        elif params is not None:
            sets = [dict(p) for p in params]
        if (stmt.is_select or stmt.is_dml) and not self.engine.echo and sets != []:
            keys = tuple(sorted(sets[0] if sets else one))
            prepared = self._prepared.get(stmt, keys)
            if prepared is not None:
                return execute(conn, prepared, one if sets is None else sets)  # type: ignore[return-value]
        return conn.execute(stmt, one if sets is None else sets)

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def _update(
        self,
        model: type[Any],
        row_id: int,
        allowed: frozenset[str],
        changes: Mapping[str, Any],
        view: Callable[[Any], V],
        *,
        columns_only: bool = False,
        returning: Sequence[Any] = (),
    ) -> V:
        """Set some columns of one row and return its view, built inside the transaction.

        :param columns_only: ``view`` reads only columns (no relationship), so a Core
            ``UPDATE ... RETURNING`` row does instead of an ORM object.
        :param returning: with ``columns_only``, more columns for the ``RETURNING`` row (the
            same ones on every call: the statement is built once per table), such as a
            correlated subquery for what ``view`` would have read through a relationship.
        :raises ValueError: a column that may not be changed this way.
        :raises NotFoundError: no row has that id.
        """
        unknown = set(changes) - allowed
        if unknown:
            raise ValueError(f"cannot update {model.__tablename__} fields {sorted(unknown)}")
        with self._tx(frozenset({model.__tablename__})) as s:
            if changes and columns_only and self.engine.dialect.update_returning:
                table = model.__table__
                query = self._stmt(
                    ("update", table.name),
                    lambda: (
                        update(table)
                        .where(table.c.id == bindparam("_row_id"))
                        .returning(table, *returning)
                    ),
                )
                # the SET clause is the parameters' keys (compiled once per set of keys)
                row = self._run(s, query, {**changes, "_row_id": row_id}).first()
            elif changes and self.engine.dialect.update_returning:
                # One statement (UPDATE ... RETURNING) instead of a SELECT and an UPDATE: the
                # session and queue updates run several times per SOAP call.
                row = s.scalars(
                    update(model)
                    .where(model.id == row_id)
                    .values(**changes)
                    .returning(model)
                    .execution_options(synchronize_session=False)
                ).first()
            else:  # SQLite before 3.35 has no RETURNING
                row = s.get(model, row_id)
                if row is not None:
                    for key, value in changes.items():
                        setattr(row, key, value)
                    s.flush()
            if row is None:
                raise NotFoundError(f"no {model.__tablename__} with id {row_id}")
            return view(row)
