"""First import of a big CustomerQueryRs, beside a bare parse and a minimal reference importer.

For each size (20k and 100k customers/jobs by default, ``QBTIME_BENCH_IMPORT_SIZES``) the answer
is rendered by FakeQuickBooks from a generated company, written to a file, and measured in fresh
processes (``bench._import_child``): ``lxml.etree.fromstring`` of the bytes (the baseline),
``qbxml.iter_msgs_rs`` (parse only), the server's importer (``ResponseImporter``, a first import
into a fresh store) and ``bench.reference_importer`` (iterparse + executemany), on SQLite and, when
installed, a throwaway PostgreSQL. Rates are records per CPU second of the measuring process
(PostgreSQL's own CPU is not in them); ratios are between figures of this run.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import qbxml
from bench._common import (
    new_pg_database,
    pg_server_cpu,
    postgres,
    run_child,
    save,
    wait_for_backends,
)
from qbwc_server.simulate import FakeQuickBooks, generate_company
from qbwc_server.testing import FixedClock

SIZES = [int(s) for s in os.environ.get("QBTIME_BENCH_IMPORT_SIZES", "20000,100000").split(",")]
REPEATS = int(os.environ.get("QBTIME_BENCH_REPEATS", "1"))


def render(records: int) -> bytes:
    """A CustomerQueryRs with about ``records`` customers and jobs (one customer per ~5.2)."""
    clock = FixedClock()
    company = generate_company(
        customers=max(1, round(records / 5.21)), jobs_per_customer=3, clock=clock
    )
    request = qbxml.build_msgs_rq(
        [qbxml.CustomerQuery(request_id="1.1", active_status="All")], "16.0"
    )
    return FakeQuickBooks(company).process(request).encode("utf-8")


def _best(mode: str, path: Path, url: str | None = None, pg: str | None = None) -> dict[str, Any]:
    """The best of ``REPEATS`` runs by CPU; on PostgreSQL the server's CPU is added as
    ``server_cpu`` (and ranks the runs with the client's), since the database work is there."""
    runs = []
    for i in range(REPEATS):
        db = url
        if pg is not None:
            name = f"bench_{mode}_{path.stem}_{i}"
            db = new_pg_database(pg, name)
            server = pg_server_cpu(pg)
            run = run_child("bench._import_child", mode, str(path), db)
            wait_for_backends(pg, name)
            run["server_cpu"] = pg_server_cpu(pg) - server
            runs.append(run)
            continue
        if url is not None:
            db = f"sqlite:///{path.parent / f'{mode}-{i}.sqlite3'}"
        runs.append(run_child("bench._import_child", mode, str(path), *([db] if db else [])))
    return min(runs, key=lambda r: r["cpu"] + r.get("server_cpu", 0.0))


def main() -> dict[str, Any]:
    """Measure every size and backend; print a table; return the figures."""
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp, postgres() as pg:
        for size in SIZES:
            path = Path(tmp) / f"customers-{size}.xml"
            data = render(size)
            path.write_bytes(data)
            mb = len(data) / 1e6
            del data
            row: dict[str, Any] = {"mb": mb}
            row["fromstring"] = _best("fromstring", path)
            row["parse"] = _best("parse", path)
            row["import_sqlite"] = _best("import", path, url="sqlite")
            row["reference_sqlite"] = _best("reference", path, url="sqlite")
            if pg:
                row["import_postgres"] = _best("import", path, pg=pg)
                row["reference_postgres"] = _best("reference", path, pg=pg)
            n = row["fromstring"]["records"]
            for key in list(row):
                if isinstance(row[key], dict):
                    assert row[key]["records"] == n, (key, row[key], n)
                    row[key]["rate"] = n / max(row[key]["cpu"], 1e-9)
                    if "server_cpu" in row[key]:  # PostgreSQL: the client's and the server's
                        both = row[key]["cpu"] + row[key]["server_cpu"]
                        row[key]["rate_with_server"] = n / max(both, 1e-9)
                        row[key]["wall_rate"] = n / max(row[key]["wall"], 1e-9)
                    row[key]["x_fromstring"] = row[key]["cpu"] / row["fromstring"]["cpu"]
            results[str(n)] = row
            print(f"import: {n} customers/jobs, {mb:.1f} MB CustomerQueryRs (CPU s of the process)")
            for key, fig in row.items():
                if isinstance(fig, dict):
                    print(
                        f"  {key:19s} {fig['cpu']:7.2f} s cpu {fig['wall']:7.2f} s wall"
                        f" {fig['rate']:9.0f} rec/s  x{fig['x_fromstring']:5.1f} of fromstring"
                        f"  peak +{fig['peak_kib'] / 1024:7.1f} MB"
                        + (
                            f"  | server {fig['server_cpu']:6.2f} s cpu:"
                            f" {fig['rate_with_server']:7.0f} rec/s with it"
                            if "server_cpu" in fig
                            else ""
                        )
                    )
    save("import", results)
    return results


if __name__ == "__main__":
    main()
