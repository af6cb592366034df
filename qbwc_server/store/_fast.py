"""The per-call path's Core statements, run on the DBAPI cursor (issue #15).

Every SOAP call runs 6-16 Core statements through :meth:`StoreBase._run` (the session by
ticket, the queue claim, the updates, the sync-log record). SQLAlchemy's ``Connection.execute``
costs about 20 us of Python per statement beyond the driver's own work (the compiled cache
look-up, an execution context, parameter processing, a result with its metadata and rows):
about a sixth of an incremental sync's server CPU in a py-spy profile. Here each statement is
compiled once per store, parameter set and dialect (:func:`prepare`) into its SQL text, its
parameters' order and bind processors, its result columns and their result processors; a call
converts the values, runs the cursor and builds light rows (:class:`FastResult`).

It sends exactly what SQLAlchemy would send, and keeps what the store relies on:
- the engine's ``before_cursor_execute``/``after_cursor_execute`` listeners still see every
  statement (the tests and ``bench soap`` count statements with them);
- a driver error becomes SQLAlchemy's exception of the same kind (``DBAPIError.instance``), and
  a lost connection is invalidated as SQLAlchemy does, so ``map_store_errors`` treats both
  paths alike;
- a statement this path cannot run exactly as SQLAlchemy would (Python-side column defaults to
  fill in, expanding ``IN`` parameters, result keys that are not plain names, echo on) is not
  prepared: :meth:`StoreBase._run` sends it through ``Connection.execute``. So do statements
  with an unnamed column (``func.max(...)`` unlabelled): the per-call statements label theirs.
"""

from __future__ import annotations

import contextlib
import keyword
import threading
import weakref
from collections import namedtuple
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column
from sqlalchemy.engine import Connection
from sqlalchemy.exc import ArgumentError, DBAPIError, MultipleResultsFound, NoResultFound
from sqlalchemy.sql.elements import Label

Processor = Callable[[Any], Any]
_REQUIRED = object()  # a bind parameter without a value of its own: the call must give it


class Prepared:
    """One statement compiled for one dialect and one set of parameter keys."""

    __slots__ = ("sql", "binds", "processors", "named", "row", "columns", "results", "__weakref__")

    def __init__(
        self,
        sql: str,
        binds: tuple[tuple[str, Any], ...],
        processors: tuple[Processor | None, ...],
        named: tuple[str, ...] | None,
        row: type | None,
        columns: tuple[Any, ...],
    ) -> None:
        self.sql = sql
        self.binds = binds  # (parameter key, its own value or _REQUIRED), in the DBAPI's order
        self.processors = processors
        self.named = named  # the DBAPI's names, for a dialect with named parameters
        self.row = row  # the rows' class (a namedtuple); None: the statement returns no rows
        self.columns = columns  # the result columns' types
        # each result column's processor, set at the first execution (it may depend on the
        # driver's type code in cursor.description): None before it, () if no column has one
        self.results: tuple[Processor | None, ...] | None = None

    def values(self, params: Mapping[str, Any]) -> tuple[Any, ...] | dict[str, Any]:
        out = []
        for (key, own), process in zip(self.binds, self.processors, strict=True):
            value = params.get(key, own)
            if value is _REQUIRED:
                raise ArgumentError(f"a value is required for bind parameter {key!r}")
            out.append(process(value) if process is not None else value)
        if self.named is None:
            return tuple(out)
        return dict(zip(self.named, out, strict=True))


def _row_class(keys: Sequence[str]) -> type | None:
    """A namedtuple for these result keys; None if they are not all distinct plain names."""
    if len(set(keys)) != len(keys) or not all(
        k.isidentifier() and not keyword.iskeyword(k) and not k.startswith("_") for k in keys
    ):
        return None
    return namedtuple("Row", keys)  # type: ignore[misc]


@dataclass(frozen=True, slots=True)
class Parameters:
    """A compiled statement's DBAPI parameters, in the DBAPI's order."""

    names: tuple[str, ...]  # the compiled bind names
    binds: tuple[Any, ...]  # their BindParameter objects
    types: tuple[Any, ...]  # their types for the dialect
    processors: tuple[Processor | None, ...]  # their bind processors
    named: tuple[str, ...] | None  # the DBAPI's names, for a dialect with named parameters


def parameters(dialect: Any, compiled: Any) -> Parameters:
    """What the DBAPI is given for ``compiled``, and how each value is converted (shared with
    ``_bulk``'s batched writes)."""
    names = tuple(compiled.positiontup if compiled.positional else compiled.binds)
    binds = tuple(compiled.binds[n] for n in names)
    types = tuple(b.type.dialect_impl(dialect) for b in binds)
    return Parameters(
        names=names,
        binds=binds,
        types=types,
        processors=tuple(t.bind_processor(dialect) for t in types),
        named=None
        if compiled.positional
        else tuple(compiled.escaped_bind_names.get(n, n) for n in names),
    )


def prepare(dialect: Any, stmt: Any, keys: tuple[str, ...]) -> Prepared | None:
    """Compile ``stmt`` for ``dialect`` with parameters named ``keys``; None if this path cannot
    run it exactly as ``Connection.execute`` would (see the module's docstring)."""
    compiled = stmt.compile(dialect=dialect, column_keys=list(keys))
    if compiled.insert_prefetch or compiled.update_prefetch or compiled.literal_execute_params:
        return None  # Python-side defaults, or values rendered into the SQL at execution
    params = parameters(dialect, compiled)
    if any(b.expanding or b.callable is not None for b in params.binds):
        return None
    columns: tuple[Any, ...] = ()
    row: type | None = None
    selected = stmt.selected_columns if stmt.is_select else stmt.exported_columns  # RETURNING
    if len(selected):
        if not all(isinstance(c, Column | Label) for c in selected):
            return None  # an unnamed expression: SQLAlchemy's key for it is made up at compile
        row = _row_class(list(selected.keys()))
        if row is None:
            return None
        columns = tuple(c.type for c in selected)
    return Prepared(
        sql=str(compiled),
        binds=tuple(
            (n, b.effective_value if not b.required and n not in keys else _REQUIRED)
            for n, b in zip(params.names, params.binds, strict=True)
        ),
        processors=params.processors,
        named=params.named,
        row=row,
        columns=columns,
    )


class FastResult:
    """The rows of one statement (all fetched), with the part of SQLAlchemy's ``Result`` that
    the store uses."""

    __slots__ = ("_rows", "rowcount")

    def __init__(self, rows: list[Any], rowcount: int) -> None:
        self._rows = rows
        self.rowcount = rowcount

    def __iter__(self) -> Iterator[Any]:
        return iter(self._rows)

    def all(self) -> list[Any]:
        return list(self._rows)

    def first(self) -> Any:
        return self._rows[0] if self._rows else None

    def one(self) -> Any:
        if not self._rows:
            raise NoResultFound("No row was found when one was required")
        if len(self._rows) > 1:
            raise MultipleResultsFound("Multiple rows were found when exactly one was required")
        return self._rows[0]

    def scalar(self) -> Any:
        return self._rows[0][0] if self._rows else None

    def scalar_one(self) -> Any:
        return self.one()[0]


class Statements:
    """A store's prepared statements, by statement object and parameter keys.

    Keyed weakly by the statement: the store's statements live as long as the process (module
    constants, ``StoreBase._stmt``); one built for a single call is forgotten with it.
    """

    def __init__(self, dialect: Any) -> None:
        self._dialect = dialect
        self._prepared: weakref.WeakKeyDictionary[Any, dict[tuple[str, ...], Prepared | None]]
        self._prepared = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def get(self, stmt: Any, keys: tuple[str, ...]) -> Prepared | None:
        by_keys = self._prepared.get(stmt)
        if by_keys is not None and keys in by_keys:
            return by_keys[keys]
        prepared = prepare(self._dialect, stmt, keys)
        with self._lock:
            self._prepared.setdefault(stmt, {})[keys] = prepared
        return prepared


def execute(
    conn: Connection,
    prepared: Prepared,
    params: Mapping[str, Any] | Sequence[Mapping[str, Any]],
) -> FastResult:
    """Run a prepared statement on the connection's DBAPI cursor, in its transaction; a
    sequence of parameter sets is one ``executemany`` (of a statement returning no rows)."""
    many = not isinstance(params, Mapping)
    values: Any = (
        [prepared.values(p) for p in params]  # type: ignore[union-attr, arg-type]
        if many
        else prepared.values(params)  # type: ignore[arg-type]
    )
    rows: list[Any] = []

    def fetch(cursor: Any) -> None:
        if prepared.row is None:
            return
        fetched = cursor.fetchall()
        results = prepared.results
        if results is None:
            results = prepared.results = _result_processors(
                conn.dialect, prepared.columns, cursor.description
            )
        make = prepared.row._make  # type: ignore[attr-defined]
        if results:
            rows.extend(
                make([v if p is None else p(v) for p, v in zip(results, r, strict=True)])
                for r in fetched
            )
        else:
            rows.extend(make(r) for r in fetched)

    rowcount = driver_sql(conn, prepared.sql, values, many=many, fetch=fetch)
    return FastResult(rows, rowcount)


def driver_sql(
    conn: Connection,
    sql: str,
    values: Any,
    *,
    many: bool = False,
    fetch: Callable[[Any], Any] | None = None,
) -> int:
    """Run SQL text with DBAPI parameters on the connection's cursor, in its transaction (what
    ``Connection.exec_driver_sql`` does, without its execution context and result object):
    the engine's cursor listeners run, a driver error becomes SQLAlchemy's exception (a lost
    connection invalidated). ``fetch`` reads the cursor's rows; returns the row count."""
    dialect = conn.dialect
    if not conn.in_transaction():
        conn.begin()  # as Connection.execute autobegins (and the engine's BEGIN listener runs)
    dispatch = conn.dispatch
    dbapi_connection = conn.connection
    cursor = dbapi_connection.cursor()
    try:
        if dispatch.before_cursor_execute:
            dispatch.before_cursor_execute(conn, cursor, sql, values, None, many)
        if many:
            cursor.executemany(sql, values)
        else:
            cursor.execute(sql, values)
        if dispatch.after_cursor_execute:
            dispatch.after_cursor_execute(conn, cursor, sql, values, None, many)
        if fetch is not None:
            fetch(cursor)
        return int(cursor.rowcount)
    except dialect.loaded_dbapi.Error as exc:
        lost = dialect.is_disconnect(exc, dbapi_connection, cursor)
        if lost:
            conn.invalidate(exc)
        raise DBAPIError.instance(
            sql,
            values,
            exc,
            dialect.loaded_dbapi.Error,
            connection_invalidated=lost,
            dialect=dialect,
        ) from exc
    finally:
        with contextlib.suppress(Exception):  # a lost connection's cursor may not close
            cursor.close()


def _result_processors(
    dialect: Any, types: tuple[Any, ...], description: Sequence[Any]
) -> tuple[Processor | None, ...]:
    """Each column's result processor; () if none has one."""
    found = tuple(
        t.dialect_impl(dialect).result_processor(dialect, d[1])
        for t, d in zip(types, description, strict=True)
    )
    return found if any(p is not None for p in found) else ()
