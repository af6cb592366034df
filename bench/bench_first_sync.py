"""A first sync of a 100k-customer company: the server process's CPU seconds for all of it.

A generated company (``QBTIME_BENCH_FIRST_SYNC_RECORDS`` customers and jobs, default 100,000,
plus 20 employees) syncs once through a simulated Web Connector against a fresh server process
on SQLite (iterators of 500). The figure is the server's CPU (``/proc``), beside the import
benchmark's CPU for the same number of records when ``bench/results.json`` has it.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Any

from bench._common import save
from bench._fleet import Fleet, errors_of
from bench.bench_concurrent import _import_cpu_per_record
from qbwc_server.simulate import generate_company

RECORDS = int(os.environ.get("QBTIME_BENCH_FIRST_SYNC_RECORDS", "100000"))


def main() -> dict[str, Any]:
    company = generate_company(
        customers=max(1, round(RECORDS / 5.21)), jobs_per_customer=3, employees=20
    )
    customers = sum(1 for _ in company.records("Customer"))
    with tempfile.TemporaryDirectory() as tmp:
        fleet = Fleet(Path(tmp))
        try:
            created, qb = fleet.add("Big Builders", company)
            cpu, wall = fleet.cpu(), time.perf_counter()
            transcript = fleet.sync(created, qb)
            cpu, wall = fleet.cpu() - cpu, time.perf_counter() - wall
            stored = fleet.store.count_list_rows(created.company.id, "customer")
        finally:
            fleet.close()
    result: dict[str, Any] = {
        "customers": customers,
        "stored": stored,
        "server_cpu_s": cpu,
        "wall_s": wall,
        "calls": len(transcript.calls),
        "errors": errors_of(transcript),
    }
    per_record = _import_cpu_per_record()
    if per_record:
        result["x_import_cost"] = cpu / (customers * per_record)
    print(
        f"first_sync: {customers} customers/jobs (stored {stored}), {len(transcript.calls)} calls:"
        f" server cpu {cpu:.1f} s, wall {wall:.0f} s, errors {len(result['errors'])}"
        + (f", x{result['x_import_cost']:.1f} of the import benchmark's cost" if per_record else "")
    )
    save("first_sync", result)
    return result


if __name__ == "__main__":
    main()
