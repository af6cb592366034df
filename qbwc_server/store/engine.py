"""Engine and session factory. SQLite gets WAL, a busy timeout and write-locking transactions.

waitress serves several Web Connectors on threads and SQLite allows one writer (DESIGN section 11):
every transaction that may write starts with ``BEGIN IMMEDIATE`` so two sessions cannot both read
"no live session" and then both write one (transactions that only read begin deferred, see
``READ_ONLY``); PostgreSQL uses row locks (``SELECT ... FOR UPDATE``) instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 30_000
# Each SQLite connection's page cache, in KiB (SQLite's default is 2 MiB). It fills only as far
# as the pages read need. A first import of 100k customers touches about 30 MB of table and
# index pages; with the default cache each insert read its index pages back from the OS, and
# the inserts took twice as long at 100k records as at 20k per record (issue #15).
SQLITE_CACHE_KIB = 32 * 1024
# Execution option of a transaction that only reads (``StoreBase._read``): on SQLite it begins
# deferred, reading a WAL snapshot without the write lock.
READ_ONLY = "qbtime_read_only"


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine for ``url``; for a SQLite file, create its folder first.

    :param url: SQLAlchemy URL (``sqlite:///path``, ``postgresql+psycopg://...``).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True, **kwargs)
    database = parsed.database or ""
    pool: dict[str, Any] = {}
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)
        # A file database has a pool of connections (QueuePool). Hand out the one used last:
        # each connection's page cache is stale once another one wrote, so taking them in turn
        # (the default) starts every transaction cold; a 100k-record first sync, 200 write
        # transactions, took about 10 % more CPU that way (issue #15).
        pool = {"pool_use_lifo": True}
    engine = create_engine(
        parsed,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        **pool,
        **kwargs,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide when transactions begin (SQLAlchemy docs,
        # "Serializable isolation / Savepoints / Transactional DDL" for pysqlite).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        read_only = connection.get_execution_options().get(READ_ONLY)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory whose objects stay readable after commit."""
    return sessionmaker(engine, expire_on_commit=False)
