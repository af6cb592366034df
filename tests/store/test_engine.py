"""The SQLite connection settings every pooled connection gets (store/engine.py)."""

from __future__ import annotations

from pathlib import Path

from qbwc_server.store import make_engine
from qbwc_server.store.engine import SQLITE_BUSY_TIMEOUT_MS, SQLITE_CACHE_KIB


def test_every_sqlite_connection_gets_the_settings(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'db' / 'store.sqlite3'}")
    try:
        # two pooled DBAPI connections (no transaction: a second BEGIN IMMEDIATE would wait)
        first, second = engine.raw_connection(), engine.raw_connection()
        for conn in (first, second):
            pragma = {
                name: conn.cursor().execute(f"PRAGMA {name}").fetchone()[0]
                for name in ("journal_mode", "foreign_keys", "busy_timeout", "cache_size")
            }
            assert pragma == {
                "journal_mode": "wal",
                "foreign_keys": 1,
                "busy_timeout": SQLITE_BUSY_TIMEOUT_MS,
                "cache_size": -SQLITE_CACHE_KIB,  # negative: KiB, not pages
            }
        first.close()
        second.close()
    finally:
        engine.dispose()
