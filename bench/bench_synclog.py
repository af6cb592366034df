"""The cost of the sync log: a full simulated sync of a 20,000-customer company with recording
off and on, in the same run, and the log's size against the raw qbXML.

Each sync runs on a fresh SQLite file, the FakeWebConnector calling the app in-process (no
sockets), so "server time" is the time spent answering SOAP calls (QuickBooks' own time is not
in it). Goals (issue 12): recording adds at most 10% server time; the stored log and the exported
file are at most 20% of the raw qbXML. ``QBTIME_BENCH_SYNCLOG_CUSTOMERS`` changes the size,
``QBTIME_BENCH_SYNCLOG_REPEAT`` (default 2) runs each side that many times, interleaved (the
best run of each side counts).
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from qbwc_server import admin
from qbwc_server.app import create_app
from qbwc_server.settings import Settings
from qbwc_server.simulate import FakeQuickBooks, FakeWebConnector, generate_company
from qbwc_server.store import SqlStore, make_engine, upgrade_schema
from qbwc_server.synclog import export_session
from qbwc_server.synclog.replay import REPLAY_URL, WsgiSoapClient
from qbwc_server.testing import CountingTicketSource, FixedClock

N_CUSTOMERS = int(os.environ.get("QBTIME_BENCH_SYNCLOG_CUSTOMERS", "20000"))
REPEAT = int(os.environ.get("QBTIME_BENCH_SYNCLOG_REPEAT", "2"))


def _sync(record: bool, tmp: Path) -> dict[str, float]:
    clock = FixedClock()
    url = f"sqlite:///{tmp / f'bench-{record}-{time.monotonic_ns()}.sqlite3'}"
    engine = make_engine(url)
    upgrade_schema(engine)
    store = SqlStore(engine)
    try:
        installation = admin.init_installation(store, clock)
        created = admin.add_company(store, clock, "Bench Builders")
        settings = Settings(home=tmp, database_url=url, record_exchanges=record)
        app = create_app(settings, clock=clock, tickets=CountingTicketSource(), store=store)
        company = generate_company(customers=N_CUSTOMERS, jobs_per_customer=0, clock=clock)
        qb = FakeQuickBooks(company)
        connector = FakeWebConnector(
            REPLAY_URL,
            created.company.qbwc_username,
            created.password,
            qb,
            owner_id=installation.owner_id,
            file_id=created.company.file_id,
        )
        connector.client = WsgiSoapClient(app, lambda operation: None)
        transcript = connector.run()
        assert transcript.outcome == "finished", transcript.last_error
        server_s = sum(c.seconds for c in transcript.calls)
        out: dict[str, float] = {"server_s": server_s, "customers": N_CUSTOMERS}
        if record:
            session = store.list_logged_sessions(limit=1)[0]
            path = tmp / "bench.jsonl.gz"
            export_session(store, session.id, path, now=clock.now())
            out.update(
                raw=session.raw_bytes,
                stored=session.log_bytes,
                file=path.stat().st_size,
                exchanges=session.exchanges,
            )
        return out
    finally:
        store.dispose()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        runs: dict[bool, list[dict[str, float]]] = {False: [], True: []}
        for _ in range(REPEAT):  # interleaved, so a busy moment of the machine hits both sides
            for record in (False, True):
                runs[record].append(_sync(record, Path(tmp)))
        off = min(runs[False], key=lambda r: r["server_s"])
        on = min(runs[True], key=lambda r: r["server_s"])
    extra = on["server_s"] / off["server_s"] - 1
    print(f"synclog: full sync of {N_CUSTOMERS} customers, {int(on['exchanges'])} SOAP calls")
    print(f"  server time, recording off  {off['server_s']:7.2f} s  (baseline)")
    print(
        f"  server time, recording on   {on['server_s']:7.2f} s  {extra:+.1%}  (goal: at most +10%)"
    )
    raw = on["raw"]
    print(f"  raw qbXML                   {raw / 1e6:7.1f} MB")
    print(
        f"  stored log (zlib)           {on['stored'] / 1e6:7.2f} MB  "
        f"{on['stored'] / raw:6.1%} of raw  (goal: at most 20%)"
    )
    print(
        f"  exported file (gzip JSONL)  {on['file'] / 1e6:7.2f} MB  {on['file'] / raw:6.1%} of raw"
    )


if __name__ == "__main__":
    main()
