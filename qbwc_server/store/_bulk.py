"""Batched writes without per-value SQLAlchemy work (issue #15: the list importer's store side).

A Core ``executemany`` builds a parameter dict per row and runs every value through its type's
bind processor (``UtcDateTime`` then the dialect's DATETIME) inside SQLAlchemy. Here each
statement shape is built and compiled once (:func:`_prepared`, per dialect, table and keys),
each column's processor is looked up once, values repeated down the batch (the batch's ``now``,
``company_id``) are converted once, booleans skip a processor that would return them as they
are, and the DBAPI gets plain tuples or dicts on its cursor (``_fast.driver_sql``): the same
values SQLAlchemy would have sent.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import Boolean, bindparam, func, insert, literal_column, select, true, update
from sqlalchemy.dialects import postgresql, sqlite

from ._fast import driver_sql, parameters

# Values of these types are immutable, so one converted value serves every row it repeats in.
_SHARED = (datetime, bool, int, str)
_BOOL_OR_NONE = frozenset({bool, type(None)})


@dataclass(frozen=True, slots=True)
class _Prepared:
    """A compiled statement: its SQL text and, per DBAPI parameter, the row key and processor."""

    sql: str
    source: tuple[str, ...]
    processors: tuple[Callable[[Any], Any] | None, ...]
    booleans: frozenset[int]  # parameters of Boolean columns
    named: tuple[str, ...] | None  # the DBAPI's names, for a dialect with named parameters


def _converter(processor: Callable[[Any], Any]) -> Callable[[Any], Any]:
    last: list[Any] = [object(), None]

    def convert(value: Any) -> Any:
        if value is None:
            return processor(None)
        if value is last[0]:
            return last[1]
        out = processor(value)
        if isinstance(value, _SHARED):
            last[0], last[1] = value, out
        return out

    return convert


def _prepare(dialect: Any, stmt: Any, keys: dict[str, str] | None = None) -> _Prepared:
    compiled = stmt.compile(dialect=dialect)
    params = parameters(dialect, compiled)
    return _Prepared(
        sql=str(compiled),
        source=tuple((keys or {}).get(n, n) for n in params.names),
        processors=params.processors,
        booleans=frozenset(i for i, t in enumerate(params.types) if isinstance(t, Boolean)),
        named=params.named,
    )


# The compiled text depends only on the dialect, the table and the keys, so it is kept for the
# next batch (SQLAlchemy's own statement cache does not cover SQL text).
@functools.lru_cache(maxsize=256)
def _prepared(
    dialect: Any,
    op: str,
    table: Any,
    keys: tuple[str, ...],
    written: tuple[str, ...],
) -> _Prepared:
    if op == "upsert":
        module = sqlite if dialect.name == "sqlite" else postgresql
        stmt = module.insert(table).values({k: bindparam(k) for k in keys})
        stmt = stmt.on_conflict_do_update(
            index_elements=[table.c.company_id, table.c.qb_list_id],
            set_={k: stmt.excluded[k] for k in written},
        )
        return _prepare(dialect, stmt)
    if op == "update":
        stmt = (
            update(table)
            .where(table.c.id == bindparam("_id"))
            .values({k: bindparam(f"v_{k}") for k in keys})
        )
        return _prepare(dialect, stmt, {f"v_{k}": k for k in keys})
    stmt = insert(table).values({k: bindparam(k) for k in keys})
    return _prepare(dialect, stmt)


@functools.lru_cache(maxsize=256)
def _prepared_select(
    dialect: Any, table: Any, columns: tuple[str, ...], key: str, count: int, null: str | None
) -> _Prepared:
    c = table.c
    where = [c.company_id == bindparam("_company")]
    if null is not None:
        # ``(col + 0) IS NULL``, not ``col IS NULL``: an index on ``(company_id, col)`` would
        # otherwise be chosen for the NULL test (SQLite does, with no statistics), visiting
        # every such row of the company instead of the few the IN (...) list names.
        where.append((c[null] + literal_column("0")).is_(None))
    if dialect.name == "postgresql":
        return _prepare(dialect, _lateral_select(table, columns, key, where))
    # SQLite: an IN (...) list of single parameters, compiled once per size (not expanding)
    where.append(c[key].in_([bindparam(f"_k{i}") for i in range(count)]))
    return _prepare(dialect, select(*(c[n] for n in columns)).where(*where))


def _lateral_select(table: Any, columns: tuple[str, ...], key: str, where: list[Any]) -> Any:
    """PostgreSQL: one index probe per value (``unnest`` of one array parameter, ``JOIN
    LATERAL``) on ``(company_id, key)``.

    With ``company_id = ... AND key IN (...)`` the planner read the company's rows through an
    index on ``company_id`` alone and filtered them whenever it took the company's rows to be
    few: on a table never analyzed (a fresh database, before autovacuum's first ANALYZE) it
    always did. Each look-up then read the whole company, more at each batch: at 100k
    customers 15 ms, 100-140 ms with the generic plan psycopg's prepared statement switches
    to after five executions; a first import of 20k customers took 6.3 s of wall time, 100k
    took 64 s (issue #15). With a probe per value the look-up reads the batch's rows.
    """
    c = table.c
    array = bindparam("_keys", type_=postgresql.ARRAY(c[key].type))
    keys = func.unnest(array).table_valued("value").render_derived("k")  # AS k(value)
    found = select(*(c[n] for n in columns)).where(*where, c[key] == keys.c.value)
    # literals, no parameters to bind. LIMIT 1: a ListID is unique within the company;
    # OFFSET 0 keeps the planner from flattening the LATERAL subquery into a hash join over a
    # scan of the whole company (what it did for the rows waiting for a parent)
    if key == "qb_list_id":
        found = found.limit(literal_column("1"))
    else:
        found = found.offset(literal_column("0"))
    lateral = found.lateral("found")
    return select(*(lateral.c[n] for n in columns)).select_from(keys).join(lateral, true())


def select_in(
    conn: Any,
    table: Any,
    columns: Sequence[str],
    company_id: int,
    key: str,
    values: Sequence[Any],
    *,
    null: str | None = None,
) -> list[Any]:
    """The company's rows whose ``key`` column is one of ``values`` (and, given ``null``, whose
    ``null`` column is NULL), as DBAPI tuples in ``columns`` order.

    For plain text and integer columns: no result processing is applied (a SQLite boolean
    comes back as 0 or 1).
    """
    if not values:
        return []
    array = conn.dialect.name == "postgresql"  # one array parameter, not one per value
    if not array:
        # SQLite: the IN list's size rounded up to a power of two, padded with the last value
        # (which matches nothing more): a handful of statement shapes to compile, not one per
        # size (compiling each new size was about 2 % of a first import)
        count = 1 << (len(values) - 1).bit_length()
        values = [*values, *[values[-1]] * (count - len(values))]
    prepared = _prepared_select(
        conn.dialect, table, tuple(columns), key, 0 if array else len(values), null
    )
    keys = {"_keys": list(values)} if array else {f"_k{i}": v for i, v in enumerate(values)}
    bound = {"_company": company_id, **keys}
    params: Any = tuple(bound[n] for n in prepared.source)
    if prepared.named is not None:
        params = dict(zip(prepared.named, params, strict=True))
    found: list[Any] = []
    driver_sql(conn, prepared.sql, params, fetch=lambda cursor: found.extend(cursor.fetchall()))
    return found


def _run(conn: Any, prepared: _Prepared, rows: Sequence[dict[str, Any]]) -> None:
    source = prepared.source
    missing = [n for n in source if n not in rows[0]]
    if missing:
        raise ValueError(f"no value for {missing} in {prepared.sql}")
    convert = []
    for i, processor in enumerate(prepared.processors):
        if processor is None:
            continue
        if i in prepared.booleans:
            # Boolean's processor checks a value is a bool and returns it (or 1/0, which is
            # what sqlite3 stores for a bool): with only bools and None it changes nothing.
            key = source[i]
            if {type(row[key]) for row in rows} <= _BOOL_OR_NONE:
                continue
        convert.append((i, _converter(processor)))
    getter = itemgetter(*source)
    params: list[Any]
    if not convert:
        params = [getter(row) for row in rows] if len(source) > 1 else [(getter(r),) for r in rows]
    else:
        params = []
        for row in rows:
            got = getter(row)
            values = list(got) if len(source) > 1 else [got]
            for i, conv in convert:
                values[i] = conv(values[i])
            params.append(tuple(values))  # the DBAPI's executemany takes tuples or dicts
    if prepared.named is not None:
        named = prepared.named
        params = [dict(zip(named, values, strict=True)) for values in params]
    driver_sql(conn, prepared.sql, params, many=True)


def with_defaults(table: Any, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows completed with the Python-side scalar or callable defaults of the missing columns
    (what SQLAlchemy's own ``insert`` would fill in)."""
    present = set(rows[0]) if rows else set()
    extra: dict[str, Any] = {}
    for col in table.columns:
        if col.name in present or col.default is None:
            continue
        if col.default.is_scalar:
            extra[col.name] = col.default.arg
        elif col.default.is_callable:
            extra[col.name] = col.default.arg  # called per row below (a fresh list each)
    if not extra:
        return rows
    out = []
    for row in rows:
        filled = dict(row)
        for name, value in extra.items():
            filled[name] = value(None) if callable(value) else value
        out.append(filled)
    return out


def upsert(conn: Any, table: Any, rows: list[dict[str, Any]], keep: Sequence[str]) -> None:
    """``INSERT ... ON CONFLICT (company_id, qb_list_id) DO UPDATE`` of every column but
    ``keep`` (SQLite and PostgreSQL): new rows are inserted, known ones updated in place."""
    if not rows:
        return
    written = tuple(k for k in rows[0] if k not in keep)  # not the defaults filled in below
    rows = with_defaults(table, rows)
    _run(conn, _prepared(conn.dialect, "upsert", table, tuple(rows[0]), written), rows)


def update_by_id(conn: Any, table: Any, rows: list[dict[str, Any]]) -> None:
    """``UPDATE table SET ... WHERE id = :_id`` for rows keyed ``_id`` plus the columns."""
    if not rows:
        return
    keys = tuple(k for k in rows[0] if k != "_id")
    _run(conn, _prepared(conn.dialect, "update", table, keys, ()), rows)


def insert_rows(conn: Any, table: Any, rows: list[dict[str, Any]]) -> None:
    """Plain ``INSERT`` of rows with the same keys (defaults filled in as SQLAlchemy would)."""
    if not rows:
        return
    rows = with_defaults(table, rows)
    _run(conn, _prepared(conn.dialect, "insert", table, tuple(rows[0]), ()), rows)


# A batch writing this many rows is part of a big import (a first sync), not an incremental one
ANALYZE_ROWS = 250


def analyze_once(
    conn: Any, table: Any, company_id: int, written: int, done: set[tuple[str, int]]
) -> None:
    """PostgreSQL: ``ANALYZE`` the table once per process and company when a batch of a big
    import is written, or whenever it never had statistics.

    The look-ups' probes (:func:`_lateral_select`) are chosen when the planner knows the
    company has rows. A fresh database's tables have no statistics until autovacuum's first
    ANALYZE (a minute after enough rows were committed, at the earliest), and statistics
    taken before a company's first import estimate its rows as none: then each probe read the
    company's rows through an index on ``company_id`` alone, more at every batch. Run in the
    batch's transaction (ANALYZE samples the rows the transaction wrote), it costs a few ms
    on a small table and about 0.1-0.3 s on one of millions of rows (a sample of 30,000).
    """
    if conn.dialect.name != "postgresql" or (table.name, company_id) in done:
        return
    has_statistics = (table.name, 0)  # in ``done``: the table is known to have them
    if written >= ANALYZE_ROWS:
        conn.exec_driver_sql(f"ANALYZE {table.name}")
        done.update({(table.name, company_id), has_statistics})
        return
    if has_statistics in done:
        return
    (reltuples,) = conn.exec_driver_sql(
        "SELECT reltuples FROM pg_class WHERE oid = to_regclass(%(name)s)", {"name": table.name}
    ).one()
    if reltuples is not None and reltuples < 0:  # -1: never analyzed nor vacuumed (PG 14+)
        conn.exec_driver_sql(f"ANALYZE {table.name}")
    done.add(has_statistics)
