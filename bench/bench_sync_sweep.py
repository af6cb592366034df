"""The ID sweep of a big customer list (issue #9 point 12), against importing the same list.

A generated company (100,000 customers by default, ``QBTIME_BENCH_SWEEP_CUSTOMERS``) is first
imported page by page (``MaxReturned`` 500, the default) into a fresh SQLite store: that is the
baseline. Then the sweep asks for the same list with ``IncludeRetElement ListID``, page by page,
marks each page's rows and archives the rows it did not see (one customer is removed from
QuickBooks without a deletion record first). Printed: pages, bytes QuickBooks sends, the server's
time (parse + store) and the simulator's time (what QuickBooks would spend), and the ratios.
"""

from __future__ import annotations

import os
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import qbxml
from qbwc_server import admin
from qbwc_server.simulate import FakeQuickBooks, generate_company
from qbwc_server.store import SqlStore, make_engine, upgrade_schema
from qbwc_server.store.views import WorkItemView
from qbwc_server.sync.importer import ResponseImporter
from qbwc_server.testing import FixedClock

N_CUSTOMERS = int(os.environ.get("QBTIME_BENCH_SWEEP_CUSTOMERS", "100000"))
PAGE = 500


def _item(kind: str, started: str) -> WorkItemView:
    return WorkItemView(
        id=1,
        company_id=0,
        session_id=None,
        position=10,
        kind=kind,
        state="sent",
        attempt=1,
        request_id="1.1",
        error=None,
        spec={"started_at": started},
    )


def _pages(qb: FakeQuickBooks, *, ids_only: bool):
    """Yield each page's answer text, and the seconds the simulator took for it."""
    include = ("ListID",) if ids_only else ()
    spec = qbxml.CustomerQuery(
        request_id="1.1",
        active_status="All",
        include_ret_elements=include,
        max_returned=PAGE,
        iterator="Start",
    )
    while True:
        started = time.perf_counter()
        answer = qb.process(qbxml.build_msgs_rq([spec], "16.0"))
        took = time.perf_counter() - started
        yield answer, took
        status = next(iter(qbxml.iter_msgs_rs(answer.encode("utf-8"))))
        assert isinstance(status, qbxml.ResponseStatus)
        if not status.iterator_remaining_count:
            return
        spec = qbxml.CustomerQuery(
            request_id="1.1",
            max_returned=PAGE,
            include_ret_elements=include,
            iterator="Continue",
            iterator_id=status.iterator_id,
        )


def _run(store: SqlStore, company_id: int, qb: FakeQuickBooks, clock: FixedClock, kind: str):
    started = clock.now().isoformat()
    pages = bytes_ = 0
    server = sim = 0.0
    for answer, took in _pages(qb, ids_only=kind.startswith("sweep:")):
        pages += 1
        bytes_ += len(answer.encode("utf-8"))
        sim += took
        t0 = time.perf_counter()
        importer = ResponseImporter(
            store=store,
            company_id=company_id,
            session_id=0,
            sent={"1.1": _item(kind, started)},
            assign_to_all=True,
            now=clock.now(),
        )
        importer.run(answer, max_bytes=1 << 30)
        server += time.perf_counter() - t0
    return pages, bytes_, server, sim, started


def main() -> None:
    clock = FixedClock()
    company = generate_company(customers=N_CUSTOMERS, jobs_per_customer=0, employees=5, clock=clock)
    qb = FakeQuickBooks(company)
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        upgrade_schema(engine)
        store = SqlStore(engine)
        admin.init_installation(store, clock)
        company_id = admin.add_company(store, clock, "Bench Builders").company.id
        full = _run(store, company_id, qb, clock, "customers")
        # A customer QuickBooks no longer has, with no ListDeleted record.
        gone = next(c for c in company.records("Customer") if not company.children(c.list_id))
        company.delete(gone.list_id)
        company.deleted.clear()
        clock.advance(days=7)
        pages, size, server, sim, started = _run(store, company_id, qb, clock, "sweep:customers")
        t0 = time.perf_counter()
        from datetime import datetime

        archived = store.archive_unswept(
            company_id,
            "customer",
            datetime.fromisoformat(started),
            clock.now() + timedelta(0),
            role=None,
        )
        server += time.perf_counter() - t0
        store.dispose()
    assert archived == [gone.list_id], archived
    print(f"sync_sweep: {N_CUSTOMERS} customers, pages of {PAGE}")
    print(
        f"  full import (baseline) {full[0]:4d} pages {full[1] / 1e6:7.1f} MB  server {full[2]:6.2f} s"
        f"  QuickBooks (simulated) {full[3]:6.2f} s"
    )
    print(
        f"  ID sweep               {pages:4d} pages {size / 1e6:7.1f} MB  server {server:6.2f} s"
        f"  QuickBooks (simulated) {sim:6.2f} s"
    )
    print(
        f"  sweep / import: bytes x{size / full[1]:.2f}, server time x{server / full[2]:.2f},"
        f" simulated QuickBooks time x{sim / full[3]:.2f}; archived {len(archived)} row"
    )


if __name__ == "__main__":
    main()
