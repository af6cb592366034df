"""Fixtures for the REST API tests: the app on each backend, rows put in with SQLAlchemy, and a
small urllib client for the live server.

The sync engine that fills the list tables is tested elsewhere; here rows go straight into the
tables through the store's engine, so each API field can be checked against a known value.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import insert
from sqlalchemy.orm import Session

from qbwc_server import admin
from qbwc_server.app import create_app
from qbwc_server.store import SqlStore
from qbwc_server.store.models import (
    Customer,
    PayrollItem,
    QbClass,
    ServiceItem,
    SyncError,
    SyncSession,
    TeamMember,
)
from qbwc_server.testing import FixedClock

MODELS: dict[str, Any] = {
    "team-members": TeamMember,
    "customers": Customer,
    "service-items": ServiceItem,
    "classes": QbClass,
    "payroll-items": PayrollItem,
}
MODIFIED = datetime(2026, 10, 30, 14, 5, 9, tzinfo=UTC)


@pytest.fixture
def app(settings, store: SqlStore, clock: FixedClock, tickets):
    """The app on the parametrized store, so every API test runs on SQLite and PostgreSQL."""
    return create_app(settings, clock=clock, tickets=tickets, store=store)


class Seeder:
    """Creates companies and tokens through ``admin`` and list rows through SQLAlchemy."""

    def __init__(self, store: SqlStore, clock: FixedClock) -> None:
        self.store, self.clock = store, clock
        self._n = 0

    def company(self, name: str = "Acme Builders") -> int:
        return admin.add_company(self.store, self.clock, name).company.id

    def token(self, company_id: int, label: str | None = None) -> str:
        return admin.create_api_token(self.store, self.clock, company_id, label=label).token

    def _defaults(self, segment: str, company_id: int) -> dict[str, Any]:
        self._n += 1
        now = self.clock.now()
        row: dict[str, Any] = {
            "company_id": company_id,
            "qb_list_id": f"{self._n:X}-1193687261",
            "edit_sequence": "1193687261",
            "qb_time_modified": MODIFIED,
            "name": f"Row {self._n}",
            "is_active": True,
            "archived": False,
            "deleted_in_qb": False,
            "created_at": now,
            "updated_at": now,
        }
        if segment in ("customers", "service-items", "classes"):
            row.update(full_name=row["name"], parent_list_id=None, sublevel=0)
        if segment == "team-members":
            row.update(qb_role="employee", payroll_earnings=[])
        return row

    def rows(self, segment: str, company_id: int, n: int = 1, **fields: Any) -> list[int]:
        """Insert ``n`` rows of a list (``fields`` override the defaults); returns their ids."""
        model = MODELS[segment]
        values = [{**self._defaults(segment, company_id), **fields} for _ in range(n)]
        with Session(self.store.engine) as s, s.begin():
            return list(s.scalars(insert(model).returning(model.id), values))

    def row(self, segment: str, company_id: int, **fields: Any) -> int:
        return self.rows(segment, company_id, 1, **fields)[0]

    def session(self, company_id: int, **fields: Any) -> int:
        """A sync session that started ``fields.pop('minutes_ago', 0)`` minutes ago."""
        self._n += 1
        started = self.clock.now() - timedelta(minutes=fields.pop("minutes_ago", 0))
        values: dict[str, Any] = {
            "company_id": company_id,
            "ticket_hash": f"{self._n:064x}",
            "state": "finished",
            "started_at": started,
            "last_seen_at": started,
            "planned": 4,
            "done": 4,
            "progress": 100,
            "consecutive_hresults": 0,
            "counts": {},
            "errors": 0,
            "state_data": {},
            "bytes_received": 0,
            **fields,
        }
        with Session(self.store.engine) as s, s.begin():
            return int(s.scalar(insert(SyncSession).returning(SyncSession.id), values))

    def sync_error(self, company_id: int, session_id: int | None, **fields: Any) -> int:
        values = {
            "company_id": company_id,
            "session_id": session_id,
            "message": "The customer list could not be read.",
            "created_at": self.clock.now(),
            **fields,
        }
        with Session(self.store.engine) as s, s.begin():
            return int(s.scalar(insert(SyncError).returning(SyncError.id), values))


@pytest.fixture
def seed(store: SqlStore, clock: FixedClock) -> Seeder:
    return Seeder(store, clock)


@dataclass
class Answer:
    status: int
    headers: Any
    body: Any

    @property
    def data(self) -> Any:
        return self.body["data"]


class Api:
    """GETs (or other methods) against the live server with urllib, never through a proxy."""

    def __init__(self, base: str) -> None:
        self.base = base
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def call(
        self,
        path: str,
        token: str | None = None,
        *,
        method: str = "GET",
        headers: dict[str, str] | None = None,
        **params: Any,
    ) -> Answer:
        url = self.base + path
        if params:
            url += "?" + urllib.parse.urlencode(params)
        request = urllib.request.Request(url, method=method, headers=dict(headers or {}))
        if token is not None:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with self._opener.open(request, timeout=30) as response:
                status, got_headers, raw = response.status, response.headers, response.read()
        except urllib.error.HTTPError as exc:
            status, got_headers, raw = exc.code, exc.headers, exc.read()
            exc.close()
        is_json = got_headers.get("Content-Type", "").startswith("application/json")
        return Answer(status, got_headers, json.loads(raw) if is_json and raw else raw)

    def get(self, path: str, token: str | None = None, **params: Any) -> Answer:
        return self.call(path, token, **params)

    def walk(self, path: str, token: str, **params: Any) -> list[list[dict[str, Any]]]:
        """Every page of a listing, following ``next_cursor``."""
        pages: list[list[dict[str, Any]]] = []
        cursor: str | None = None
        while True:
            extra = {"cursor": cursor} if cursor else {}
            answer = self.get(path, token, **params, **extra)
            assert answer.status == 200, answer.body
            pages.append(answer.data)
            cursor = answer.body["next_cursor"]
            if cursor is None:
                return pages


@pytest.fixture
def api(live_url: str) -> Api:
    return Api(live_url)
