"""Many Web Connectors at once: first syncs of small companies, then incremental syncs.

For each N in ``QBTIME_BENCH_CONNECTORS`` (default 50 and 200): a fresh server process
(``bench._server``, 8 waitress threads and the connection limit of ``qbtime serve``) and N
small companies; N threads of this process each run one simulated Web Connector session at the
same time, first the first sync, then (two customers changed in each company) an incremental
sync. These two waves open a connection per call, as the server sees QBWC behind the
documented nginx proxy (one upstream connection per request; QBWC needs HTTPS, so a public
server is always behind a proxy). A third wave repeats the incremental sync with one
persistent connection per session, as QBWC keeps it when it talks to the server directly:
the Web Connectors past the connection limit then wait in the listen backlog for a whole
session, not for a call. Reported: sessions with an error, client-side latency p50/p99 of
every SOAP call, and the server's CPU per session. The simulators run in this process, on
the same two cores as the server.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench._common import RESULTS, percentile, save
from bench._fleet import Fleet, errors_of
from bench.bench_soap import small_company
from qbwc_server.simulate import SessionTranscript

SIZES = [int(s) for s in os.environ.get("QBTIME_BENCH_CONNECTORS", "50,200").split(",")]
# the server's --connection-limit (default: as ``qbtime serve``)
CONNECTION_LIMIT = int(os.environ.get("QBTIME_BENCH_CONNECTION_LIMIT", "0")) or None


def _wave(
    fleet: Fleet, companies: list[Any], *, keep_alive: bool = False
) -> tuple[list[SessionTranscript], float, float]:
    results: list[SessionTranscript | None] = [None] * len(companies)
    barrier = threading.Barrier(len(companies))

    def run(i: int) -> None:
        created, qb = companies[i]
        barrier.wait()
        results[i] = fleet.sync(created, qb, keep_alive=keep_alive)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(companies))]
    cpu = fleet.cpu()
    wall = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return [r for r in results if r is not None], fleet.cpu() - cpu, time.perf_counter() - wall


def _summary(
    transcripts: list[SessionTranscript], cpu: float, wall: float, n: int
) -> dict[str, Any]:
    latencies = [c.seconds for t in transcripts for c in t.calls]
    errors = [e for t in transcripts for e in errors_of(t)]
    return {
        "sessions": n,
        "finished": sum(1 for t in transcripts if t.outcome == "finished"),
        "errors": len(errors),
        "error_samples": errors[:5],
        "calls": len(latencies),
        "p50_ms": 1000 * percentile(latencies, 0.5),
        "p99_ms": 1000 * percentile(latencies, 0.99),
        "server_cpu_s_per_session": cpu / max(1, n),
        "wall_s": wall,
    }


def _import_cpu_per_record() -> float | None:
    try:
        data = json.loads(RESULTS.read_text())["import"]
        row = data[min(data, key=int)]
        return float(row["import_sqlite"]["cpu"]) / float(row["import_sqlite"]["records"])
    except (OSError, ValueError, KeyError):
        return None


def main() -> dict[str, Any]:
    results: dict[str, Any] = {}
    per_record = _import_cpu_per_record()
    for n in SIZES:
        with tempfile.TemporaryDirectory() as tmp:
            fleet = Fleet(Path(tmp), connection_limit=CONNECTION_LIMIT)
            try:
                companies = [fleet.add(f"Tenant {i}", small_company(i)) for i in range(n)]
                records = sum(
                    sum(1 for _ in qb.company.records(kind))  # type: ignore[arg-type]
                    for kind in ("Customer", "Employee", "ItemService", "PayrollItemWage")
                    for qb in [companies[0][1]]
                )
                first = _summary(*_wave(fleet, companies), n)
                waves = []
                for name in ("Changed", "Changed again"):
                    for created, qb in companies:
                        for record in list(qb.company.records("Customer"))[:2]:
                            qb.company.modify(record.list_id, company_name=name)
                        fleet.due(created)
                    keep_alive = bool(waves)
                    waves.append(_summary(*_wave(fleet, companies, keep_alive=keep_alive), n))
                again, kept = waves
            finally:
                fleet.close()
        first["records_per_session"] = records
        if per_record:
            first["x_import_cost"] = first["server_cpu_s_per_session"] / (records * per_record)
        results[str(n)] = {"first": first, "incremental": again, "incremental_keep_alive": kept}
        for label, s in (
            ("first sync", first),
            ("incremental", again),
            ("incr. keep-alive", kept),
        ):
            extra = (
                f"  x{s['x_import_cost']:.1f} of the import cost" if "x_import_cost" in s else ""
            )
            print(
                f"concurrent: N={n:3d} {label:16s} errors {s['errors']:3d}  finished {s['finished']:3d}"
                f"  p50 {s['p50_ms']:8.1f} ms  p99 {s['p99_ms']:8.1f} ms"
                f"  server cpu {s['server_cpu_s_per_session']:.3f} s/session  wall {s['wall_s']:.0f} s{extra}"
            )
    save("concurrent", results)
    return results


if __name__ == "__main__":
    main()
