"""Fakes and builders for the sync engine's pure modules: company and work-item records, response
statuses, an in-memory stand-in for the store's list methods, the simulator and the qbXML XSDs.

No database, no spyne, no Flask: the modules under test take plain records and return data.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import lxml.etree
import pytest

import qbxml
from mappings import ListPlan, LocalRow
from qbwc_server.simulate import FakeQuickBooks, load_sample_company
from qbwc_server.store._lists import fit_rows
from qbwc_server.store.views import CompanyView, WorkItemView
from qbwc_server.testing import FixedClock
from tests.simulate.conftest import XSD_PATHS

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def make_company(**changes: Any) -> CompanyView:
    """A company record as the store hands it out; ``changes`` override the defaults."""
    fields: dict[str, Any] = {
        "id": 7,
        "name": "Acme Builders",
        "firm_name": None,
        "qbwc_username": "acme-builders",
        "password_hash": "x",
        "file_id": "{00000000-0000-4000-8000-000000000007}",
        "bound_company_file": None,
        "bound_file_stamp": None,
        "qb_product": None,
        "qb_country": None,
        "qbxml_version": None,
        "sync_requested_at": None,
        "last_success_at": None,
        "last_error_at": None,
        "last_error": None,
        "created_at": NOW,
        "first_sync_at": None,
    }
    fields.update(changes)
    return CompanyView(**fields)


def make_item(
    kind: str = "customers",
    *,
    item_id: int = 11,
    state: str = "sent",
    spec: dict[str, object] | None = None,
    request_id: str | None = "11.1",
) -> WorkItemView:
    """A work item as the queue hands it out (sent once, by default)."""
    return WorkItemView(
        id=item_id,
        company_id=7,
        session_id=3,
        position=10,
        kind=kind,
        state=state,
        attempt=1,
        request_id=request_id,
        error=None,
        spec=dict(spec or {}),
    )


def make_status(
    code: int = 0,
    *,
    rs_name: str = "CustomerQueryRs",
    message: str = "",
    iterator_id: str | None = None,
    remaining: int | None = None,
    request_id: str = "11.1",
) -> qbxml.ResponseStatus:
    """A response status with QuickBooks' severity for ``code``."""
    return qbxml.ResponseStatus(
        request_id=request_id,
        rs_name=rs_name,
        code=code,
        severity=qbxml.describe_status(code).severity,
        message=message,
        iterator_id=iterator_id,
        iterator_remaining_count=remaining,
    )


class FakeListStore:
    """The store methods ``ResponseImporter`` calls, over dicts; every call is recorded."""

    def __init__(self) -> None:
        self.rows: dict[str, dict[str, LocalRow]] = defaultdict(dict)
        self.unlinked: list[LocalRow] = []
        self.applied: list[tuple[str, ListPlan]] = []
        self.deleted: list[tuple[str, tuple[str, ...]]] = []
        self.errors: list[dict[str, Any]] = []
        self.company_ids: set[int] = set()
        self.swept: list[str] = []
        self._ids = itertools.count(1)

    def lookup_list_rows(
        self, company_id: int, kind: str, list_ids: Sequence[str]
    ) -> dict[str, LocalRow]:
        self.company_ids.add(company_id)
        return {i: self.rows[kind][i] for i in list_ids if i in self.rows[kind]}

    def unlinked_team_members(self, company_id: int) -> list[LocalRow]:
        self.company_ids.add(company_id)
        return list(self.unlinked)

    @contextlib.contextmanager
    def savepoint(self) -> Iterator[None]:
        """Nothing to undo: a fake call either applies in full or raises before it changes."""
        yield

    @contextlib.contextmanager
    def core_savepoint(
        self, *, one_write: bool = False, repeatable: bool = False
    ) -> Iterator[None]:
        """As savepoint: the importer's batches run in one (SqlStore.core_savepoint)."""
        yield

    def apply_list_plan(
        self, company_id: int, kind: str, plan: ListPlan, now: datetime, *, assign_to_all: bool
    ) -> None:
        self.company_ids.add(company_id)
        self.applied.append((kind, plan))
        written = [(next(self._ids), r) for r in plan.inserts]
        written += [*plan.updates, *plan.links]
        linked = {local_id for local_id, _ in plan.links}
        self.unlinked = [u for u in self.unlinked if u.local_id not in linked]
        for local_id, row in written:
            self.rows[kind][row.qb_list_id] = LocalRow(
                local_id=local_id,
                qb_list_id=row.qb_list_id,
                edit_sequence=row.edit_sequence,
                is_active=row.is_active,
                archived=not row.is_active,
                deleted_in_qb=False,
            )

    def mark_deleted_in_qb(
        self, company_id: int, kind: str, list_ids: Sequence[str], now: datetime
    ) -> int:
        self.company_ids.add(company_id)
        self.deleted.append((kind, tuple(list_ids)))
        changed = 0
        for list_id in list_ids:
            row = self.rows[kind].get(list_id)
            if row is not None and not row.deleted_in_qb:
                self.rows[kind][list_id] = dataclasses.replace(
                    row, deleted_in_qb=True, archived=True, is_active=False
                )
                changed += 1
        return changed

    def record_sync_error(self, **fields: Any) -> None:
        self.company_ids.add(fields["company_id"])
        self.errors.append(fields)

    fit_list_rows = staticmethod(fit_rows)

    def mark_swept(self, company_id: int, kind: str, list_ids: Sequence[str], at: datetime) -> None:
        self.swept.extend(list_ids)


@pytest.fixture
def fake_store() -> FakeListStore:
    return FakeListStore()


@pytest.fixture
def quickbooks() -> FakeQuickBooks:
    """FakeQuickBooks with the sample company open, on its own fixed clock."""
    return FakeQuickBooks(load_sample_company(clock=FixedClock()))


@pytest.fixture(scope="session")
def schemas() -> dict[str, lxml.etree.XMLSchema]:
    """The 13.0 and 16.0 qbXML schemas, loaded once per test session."""
    return {v: lxml.etree.XMLSchema(lxml.etree.parse(str(p))) for v, p in XSD_PATHS.items()}
