"""Helpers shared by the store tests."""

from __future__ import annotations

import uuid

from qbwc_server.store import SqlStore
from qbwc_server.testing import FixedClock


def add_company(store: SqlStore, clock: FixedClock, name: str = "Acme") -> int:
    """A company straight in the store (no password hashing: these tests are about its rows)."""
    return store.add_company(
        name=name,
        firm_name=None,
        username=f"{name.lower()}-{uuid.uuid4().hex[:6]}",
        password_hash="not-a-hash",
        file_id="{" + str(uuid.uuid4()).upper() + "}",
        now=clock.now(),
    ).id
