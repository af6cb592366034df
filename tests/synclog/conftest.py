"""The sync log's scenario: a recorded first sync and an incremental sync (an hresult, a paged
customer list, a 3391 in it) of the sample company on a live server, exported to files."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from qbwc_server import admin
from qbwc_server.app import create_app
from qbwc_server.simulate import FakeQuickBooks, Fault, load_sample_company
from qbwc_server.simulate.company import CompanyFile
from qbwc_server.store import SqlStore
from qbwc_server.synclog import export_session
from qbwc_server.testing import CountingTicketSource, FixedClock, serve_in_thread
from tests.conftest import make_settings, make_store
from tests.e2e.conftest import Harness, harness_for, xsd_validator  # noqa: F401 - fixtures

MAX_RETURNED = 50
LIST_TABLES = ("team_member", "customer", "service_item", "qb_class", "payroll_item")
# surrogate keys differ between stores; everything else of a list row must be equal
SURROGATE = {"id", "company_id", "parent_id"}


class ForgetfulQuickBooks(FakeQuickBooks):
    """QuickBooks that loses its iterators after the n-th message set (status 3391 next)."""

    forget_after: int = 0

    def process(self, request_xml: str) -> str:
        answer = super().process(request_xml)
        if self.message_sets == self.forget_after:
            self.reset_iterators()
        return answer


@dataclass
class Recorded:
    """Two recorded sessions of one company and their exported files."""

    harness: Harness
    created: admin.NewCompany
    company: CompanyFile
    sessions: tuple[int, int]
    files: tuple[Path, Path]
    transcripts: tuple[Any, Any]

    @property
    def store(self) -> SqlStore:
        return self.harness.store


def list_rows(store: SqlStore, company_id: int, *, times: bool = True) -> dict[str, list[tuple]]:
    """Every list row of a company, all columns but the surrogate keys, sorted."""
    skip = SURROGATE | (set() if times else {"created_at", "updated_at"})
    out: dict[str, list[tuple]] = {}
    with store.engine.connect() as conn:
        for table in LIST_TABLES:
            result = conn.execute(
                text(f"SELECT * FROM {table} WHERE company_id = :c"), {"c": company_id}
            )
            rows = [
                tuple((k, str(v)) for k, v in sorted(r._mapping.items()) if k not in skip)
                for r in result
            ]
            out[table] = sorted(rows)
    return out


def read_lines(path: Path) -> list[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def write_lines(path: Path, lines: list[dict[str, Any]]) -> Path:
    with gzip.open(path, "wt", encoding="utf-8") as f:
        for line in lines:
            f.write(json.dumps(line) + "\n")
    return path


def change_company(company: CompanyFile) -> None:
    """Edits between the two syncs: 60 customers renamed (two pages), one added, one made
    inactive, one job deleted."""
    customers = [c for c in company.records("Customer") if c.parent_ref is None]
    for c in customers[:60]:
        company.modify(c.list_id, phone="(503) 555-7777")
    company.add_customer("Zephyr Studio", phone="(503) 555-8888", email="hello@zephyr.example")
    company.deactivate(customers[-1].list_id)
    leaf = next(
        j
        for j in company.records("Customer")
        if j.parent_ref is not None and not company.children(j.list_id)
    )
    company.delete(leaf.list_id)


def record_two_syncs(harness: Harness, tmp_path: Path) -> Recorded:
    """First sync, edits, then an incremental sync with an hresult and a lost iterator."""
    created = harness.add_company()
    company = load_sample_company(clock=harness.clock)
    first = harness.sync(created, harness.quickbooks(company))
    assert first.outcome == "finished", first.last_error
    harness.clock.advance(hours=2)
    change_company(company)
    qb = ForgetfulQuickBooks(company, request_validator=harness.validator)
    qb.forget_after = 3  # after the first customer page: the Continue gets 3391
    second = harness.connector(created, qb).run(faults=[Fault(kind="hresult", at=1)])
    qb.end_session()
    assert second.outcome == "finished", second.last_error
    ids = [s.id for s in harness.store.list_logged_sessions(company_id=created.company.id)]
    sessions = (ids[1], ids[0])
    files = tuple(tmp_path / f"session{sid}.jsonl.gz" for sid in sessions)
    for sid, path in zip(sessions, files, strict=True):
        export_session(harness.store, sid, path, now=harness.clock.now())
    return Recorded(
        harness=harness,
        created=created,
        company=company,
        sessions=sessions,  # type: ignore[arg-type]
        files=files,  # type: ignore[arg-type]
        transcripts=(first, second),
    )


@pytest.fixture(scope="session")
def recorded(tmp_path_factory, xsd_validator) -> Iterator[Recorded]:  # noqa: F811
    """The two recorded sessions on SQLite, made once (the tests only read them)."""
    tmp = tmp_path_factory.mktemp("recorded")
    clock = FixedClock()
    url = f"sqlite:///{tmp / 'recorded.sqlite3'}"
    store = make_store(url, clock)
    app = create_app(
        make_settings(tmp, url, max_returned=MAX_RETURNED),
        clock=clock,
        tickets=CountingTicketSource(),
        store=store,
    )
    with serve_in_thread(app) as live:
        harness = Harness(store=store, url=live, clock=clock, validator=xsd_validator)
        yield record_two_syncs(harness, tmp)
    store.dispose()
    assert not xsd_validator.refused, xsd_validator.refused
