"""Import a big CustomerQueryRs into the store, against parsing the same bytes (the baseline).

The response is rendered by FakeQuickBooks from a generated company (5,000 customers with 3 jobs
each by default, ``QBTIME_BENCH_IMPORT_CUSTOMERS``). Three timings in one run, on a fresh SQLite file:
parse only (``qbxml.iter_msgs_rs``), the first import (every row inserted), and the same answer
again (every row unchanged: lookups only). DESIGN section 12 asks for the server's time per record
to stay close to the cost of parsing it; the ratios print that.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import qbxml
from qbwc_server import admin
from qbwc_server.simulate import FakeQuickBooks, generate_company
from qbwc_server.store import SqlStore, make_engine, upgrade_schema
from qbwc_server.store.views import WorkItemView
from qbwc_server.sync.importer import ResponseImporter
from qbwc_server.testing import FixedClock

N_CUSTOMERS = int(os.environ.get("QBTIME_BENCH_IMPORT_CUSTOMERS", "5000"))
JOBS_PER_CUSTOMER = 3


def _response(clock: FixedClock) -> bytes:
    company = generate_company(
        customers=N_CUSTOMERS, jobs_per_customer=JOBS_PER_CUSTOMER, clock=clock
    )
    qb = FakeQuickBooks(company)
    request = qbxml.build_msgs_rq(
        [qbxml.CustomerQuery(request_id="1.1", active_status="All")], "16.0"
    )
    return qb.process(request).encode("utf-8")


def _parse(data: bytes) -> int:
    return sum(1 for _ in qbxml.iter_msgs_rs(data))


def _import(store: SqlStore, company_id: int, data: bytes, clock: FixedClock) -> int:
    item = WorkItemView(
        id=1,
        company_id=company_id,
        session_id=None,
        position=10,
        kind="customers",
        state="sent",
        attempt=1,
        request_id="1.1",
        error=None,
    )
    importer = ResponseImporter(
        store=store,
        company_id=company_id,
        session_id=0,
        sent={"1.1": item},
        assign_to_all=True,
        now=clock.now(),
    )
    answers = importer.run(data, max_bytes=1 << 30)
    return answers[0].received


def _timed(fn, *args) -> tuple[float, int]:
    started = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - started, result


def main() -> None:
    clock = FixedClock()
    data = _response(clock)
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        upgrade_schema(engine)
        store = SqlStore(engine)
        admin.init_installation(store, clock)
        company_id = admin.add_company(store, clock, "Bench Builders").company.id
        parse_s, _ = _timed(_parse, data)
        first_s, received = _timed(_import, store, company_id, data, clock)
        again_s, _ = _timed(_import, store, company_id, data, clock)
        stored = store.count_list_rows(company_id, "customer")
        store.dispose()
    assert stored == received, (stored, received)
    print(f"sync_import: {received} customers/jobs, {len(data) / 1e6:.1f} MB CustomerQueryRs")
    print(f"  parse only (baseline) {parse_s:6.2f} s  ({1e6 * parse_s / received:5.0f} us/record)")
    print(
        f"  first import          {first_s:6.2f} s  ({1e6 * first_s / received:5.0f} us/record)"
        f"  x{first_s / parse_s:.1f} of parsing"
    )
    print(
        f"  same answer again     {again_s:6.2f} s  ({1e6 * again_s / received:5.0f} us/record)"
        f"  x{again_s / parse_s:.1f} of parsing"
    )


if __name__ == "__main__":
    main()
