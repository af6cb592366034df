"""Batched writes without per-value SQLAlchemy work (issue #15: the list importer's store side).

A Core ``executemany`` builds a parameter dict per row and runs every value through its type's
bind processor (``UtcDateTime`` then the dialect's DATETIME) inside SQLAlchemy. Here the
statement is compiled once per batch, each column's processor is looked up once, values repeated
down the batch (the batch's ``now``, ``company_id``, booleans) are converted once, and the DBAPI
gets plain tuples or dicts (``exec_driver_sql``): the same values SQLAlchemy would have sent.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlalchemy.dialects import postgresql, sqlite

# Values of these types are immutable, so one converted value serves every row it repeats in.
_SHARED = (datetime, bool, int, str)


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


def executemany(
    conn: Any, stmt: Any, rows: Sequence[dict[str, Any]], keys: dict[str, str] | None = None
) -> None:
    """Run ``stmt`` once per row of ``rows`` (all with the same keys) through the DBAPI.

    :param conn: the session's connection (``Session.connection()``), inside its transaction.
    :param keys: the row key of a bound parameter, where its name differs.
    """
    if not rows:
        return
    dialect = conn.dialect
    compiled = stmt.compile(dialect=dialect)
    names = list(compiled.positiontup if compiled.positional else compiled.binds)
    source = [(keys or {}).get(n, n) for n in names]
    missing = [n for n in source if n not in rows[0]]
    if missing:
        raise ValueError(f"no value for {missing} in {stmt}")
    processors = [
        compiled.binds[n].type.dialect_impl(dialect).bind_processor(dialect) for n in names
    ]
    convert = [(i, _converter(p)) for i, p in enumerate(processors) if p is not None]
    getter = itemgetter(*source)
    params: list[Any] = []
    for row in rows:
        got = getter(row)
        values = list(got) if len(source) > 1 else [got]
        for i, conv in convert:
            values[i] = conv(values[i])
        params.append(tuple(values))  # the DBAPI's executemany takes tuples or dicts
    if not compiled.positional:
        named = [compiled.escaped_bind_names.get(n, n) for n in names]
        params = [dict(zip(named, values, strict=True)) for values in params]
    conn.exec_driver_sql(str(compiled), params)


def with_defaults(
    table: Any, rows: list[dict[str, Any]], computed: Sequence[str] = ()
) -> list[dict[str, Any]]:
    """Rows completed with the Python-side scalar or callable defaults of the missing columns
    (what SQLAlchemy's own ``insert`` would fill in), but not of the ``computed`` ones."""
    present = {*rows[0], *computed} if rows else set()
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


def upsert(
    conn: Any,
    table: Any,
    rows: list[dict[str, Any]],
    keep: Sequence[str],
    exprs: dict[str, Any] | None = None,
) -> None:
    """``INSERT ... ON CONFLICT (company_id, qb_list_id) DO UPDATE`` of every column but
    ``keep`` (SQLite and PostgreSQL): new rows are inserted, known ones updated in place.

    :param exprs: columns whose value is an SQL expression of bound parameters; their values
        come from the row keys starting with ``_`` (which are not columns).
    """
    if not rows:
        return
    exprs = exprs or {}
    written = [k for k in rows[0] if k not in keep and not k.startswith("_")]
    written += list(exprs)  # not the defaults filled in below
    rows = with_defaults(table, rows, list(exprs))
    keys = [k for k in rows[0] if not k.startswith("_")]
    dialect = sqlite if conn.dialect.name == "sqlite" else postgresql
    stmt = dialect.insert(table).values({**{k: bindparam(k) for k in keys}, **exprs})
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.company_id, table.c.qb_list_id],
        set_={k: stmt.excluded[k] for k in written},
    )
    executemany(conn, stmt, rows)


def update_by_id(
    conn: Any, table: Any, rows: list[dict[str, Any]], exprs: dict[str, Any] | None = None
) -> None:
    """``UPDATE table SET ... WHERE id = :_id`` for rows keyed ``_id`` plus the columns (and
    the ``_``-keys of ``exprs``, as in :func:`upsert`)."""
    if not rows:
        return
    keys = [k for k in rows[0] if not k.startswith("_")]
    stmt = (
        update(table)
        .where(table.c.id == bindparam("_id"))
        .values({**{k: bindparam(f"v_{k}") for k in keys}, **(exprs or {})})
    )
    executemany(conn, stmt, rows, {f"v_{k}": k for k in keys})


def insert_rows(conn: Any, table: Any, rows: list[dict[str, Any]]) -> None:
    """Plain ``INSERT`` of rows with the same keys (defaults filled in as SQLAlchemy would)."""
    if not rows:
        return
    rows = with_defaults(table, rows)
    executemany(conn, insert(table).values({k: bindparam(k) for k in rows[0]}), rows)
