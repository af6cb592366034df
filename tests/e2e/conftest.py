"""End-to-end harness: the real server over HTTP, FakeWebConnector + FakeQuickBooks, and a
snapshot of what the store holds compared with what the company file holds.

Every request the server sends is checked against Intuit's qbXML schema of its version
(FakeQuickBooks' ``request_validator``): an invalid one fails the exchange with 0x80040400.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import lxml.etree
import pytest
from sqlalchemy import text

from qbwc_server import admin
from qbwc_server.app import create_app
from qbwc_server.simulate import FakeQuickBooks, FakeWebConnector, load_sample_company
from qbwc_server.simulate.company import CompanyFile
from qbwc_server.store import SqlStore
from qbwc_server.testing import CountingTicketSource, FixedClock, serve_in_thread
from tests.conftest import make_settings, make_store
from tests.simulate.conftest import XSD_PATHS

# store kind -> (simulator list kinds, table)
TABLES = {
    "team_member": ("team_member", ("Employee", "Vendor")),
    "customer": ("customer", ("Customer",)),
    "service_item": ("service_item", ("ItemService",)),
    "qb_class": ("qb_class", ("Class",)),
    "payroll_item": ("payroll_item", ("PayrollItemWage",)),
}


@pytest.fixture(scope="session")
def xsd_validator() -> Callable[[str], bool]:
    """A request validator with the 13.0 and 16.0 qbXML schemas, loaded once."""
    schemas = {v: lxml.etree.XMLSchema(lxml.etree.parse(str(p))) for v, p in XSD_PATHS.items()}
    refused: list[str] = []

    def validate(request: str) -> bool:
        version = request.split('<?qbxml version="', 1)[1].split('"', 1)[0]
        doc = lxml.etree.fromstring(request.encode("utf-8"))
        ok = schemas[version].validate(doc)
        if not ok:
            refused.append(str(schemas[version].error_log.last_error))
        return bool(ok)

    validate.refused = refused  # type: ignore[attr-defined]
    return validate


@dataclass
class Harness:
    """One live server with its store, a shared clock, and helpers to sync companies."""

    store: SqlStore
    url: str
    clock: FixedClock
    validator: Callable[[str], bool]

    def add_company(self, name: str = "Evergreen Builders", **options: str) -> admin.NewCompany:
        created = admin.add_company(self.store, self.clock, name)
        if options:
            from mappings import ImportOptions, change_options, options_to_dict

            chosen = change_options(ImportOptions(), options, first_sync_done=False)
            self.store.update_company(created.company.id, import_options=options_to_dict(chosen))
        return created

    def quickbooks(self, company: CompanyFile | None = None, **kw: Any) -> FakeQuickBooks:
        company = company or load_sample_company(clock=self.clock)
        return FakeQuickBooks(company, request_validator=self.validator, **kw)

    def connector(
        self, created: admin.NewCompany, qb: FakeQuickBooks, **kw: Any
    ) -> FakeWebConnector:
        owner = self.store.get_installation()
        assert owner is not None
        kw.setdefault("sleep", lambda s: self.clock.advance(seconds=s))
        return FakeWebConnector(
            f"{self.url}/qbwc",
            created.company.qbwc_username,
            kw.pop("password", created.password),
            qb,
            owner_id=owner.owner_id,
            file_id=created.company.file_id,
            **kw,
        )

    def sync(self, created: admin.NewCompany, qb: FakeQuickBooks, **kw: Any):
        """One Web Connector update; QuickBooks' session (and its iterators) ends with it."""
        transcript = self.connector(created, qb, **kw).run()
        qb.end_session()
        for call in transcript.calls:
            assert call.http_status in (200, None), call
        return transcript

    def snapshot(self, company_id: int) -> dict[str, set[tuple[Any, ...]]]:
        """What the store holds for a company, comparable with ``expected``."""
        out: dict[str, set[tuple[Any, ...]]] = {}
        with self.store.engine.connect() as conn:
            for kind, (table, _) in TABLES.items():
                name_col = (
                    "full_name" if kind in ("customer", "service_item", "qb_class") else "name"
                )
                rows = conn.execute(
                    text(
                        f"SELECT qb_list_id, {name_col}, is_active, archived, deleted_in_qb, "
                        f"edit_sequence FROM {table} WHERE company_id = :c"
                    ),
                    {"c": company_id},
                )
                out[kind] = {(r[0], r[1], bool(r[2]), bool(r[3]), bool(r[4]), r[5]) for r in rows}
        return out

    def rows(self, company_id: int, table: str, where: str = "1=1") -> list[dict[str, Any]]:
        with self.store.engine.connect() as conn:
            result = conn.execute(
                text(f"SELECT * FROM {table} WHERE company_id = :c AND {where} ORDER BY id"),
                {"c": company_id},
            )
            return [dict(r._mapping) for r in result]


def expected(company: CompanyFile, kinds: tuple[str, ...] = tuple(TABLES)) -> dict[str, set[tuple]]:
    """What a fully synced store must hold for ``company`` (deleted rows come from the store)."""
    out: dict[str, set[tuple]] = {k: set() for k in TABLES}
    for kind in kinds:
        _, sim_kinds = TABLES[kind]
        for sim_kind in sim_kinds:
            for record in company.records(sim_kind):  # type: ignore[arg-type]
                name = company.display_name(record) if kind != "team_member" else record.name
                active = record.is_active is not False
                out[kind].add(
                    (record.list_id, name, active, not active, False, record.edit_sequence)
                )
    return out


def expected_default(company: CompanyFile) -> dict[str, set[tuple]]:
    """``expected`` for the default import options: employees (no vendors), customers/jobs,
    service items and payroll items; no classes."""
    want = expected(company, ("team_member", "customer", "service_item", "payroll_item"))
    vendors = {v.list_id for v in company.records("Vendor")}
    want["team_member"] = {r for r in want["team_member"] if r[0] not in vendors}
    return want


def live_only(snapshot: dict[str, set[tuple]]) -> dict[str, set[tuple]]:
    """The snapshot without rows flagged deleted in QuickBooks."""
    return {k: {r for r in v if not r[4]} for k, v in snapshot.items()}


@pytest.fixture
def harness_for(tmp_path, clock: FixedClock, xsd_validator) -> Iterator[Callable[[str], Harness]]:
    """Build a harness on a database URL (SQLite or PostgreSQL)."""
    made: list[tuple[SqlStore, Any]] = []
    xsd_validator.refused.clear()  # type: ignore[attr-defined]

    def _make(url: str, **settings: object) -> Harness:
        store = make_store(url, clock)
        app = create_app(
            make_settings(tmp_path, url, **settings),
            clock=clock,
            tickets=CountingTicketSource(),
            store=store,
        )
        server = serve_in_thread(app)
        live = server.__enter__()
        made.append((store, server))
        return Harness(store=store, url=live, clock=clock, validator=xsd_validator)

    yield _make
    for store, server in made:
        server.__exit__(None, None, None)
        store.dispose()
    assert not xsd_validator.refused, xsd_validator.refused  # type: ignore[attr-defined]


@pytest.fixture
def harness(harness_for, sqlite_url: str) -> Harness:
    """The live server on SQLite."""
    return harness_for(sqlite_url)


@pytest.fixture
def any_harness(harness_for, database_url: str) -> Harness:
    """The live server on SQLite and on PostgreSQL."""
    return harness_for(database_url)
