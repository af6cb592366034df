"""Export approved time through the simulator, and pre-flight validation at scale (issue 13).

1. 10,000 approved entries (``QBTIME_BENCH_EXPORT_ENTRIES``) of the sample company exported in
   one Web Connector session over real HTTP (batches of ``export_batch_size``, default 50).
   Printed: the server's time per entry (the session's wall time minus the time FakeQuickBooks
   spends answering), against FakeQuickBooks' own time per entry (the baseline).
2. Pre-flight: the pure rules over 100,000 entries (``QBTIME_BENCH_PREFLIGHT_ENTRIES``; goal:
   under 2 s), and the store's load of the 10,000 waiting entries with their facts.
"""

from __future__ import annotations

import os
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import spyne.const

from mappings import (
    ExportEntry,
    ExportRules,
    ImportOptions,
    MemberFacts,
    RefFacts,
    change_options,
    options_to_dict,
    parse_entry_input,
    preflight,
)
from qbwc_server import admin
from qbwc_server.app import create_app
from qbwc_server.settings import Settings
from qbwc_server.simulate import FakeQuickBooks, FakeWebConnector, load_sample_company
from qbwc_server.store import SqlStore, make_engine, upgrade_schema
from qbwc_server.store.views_time import PayrollPair
from qbwc_server.testing import FixedClock, serve_in_thread

N_EXPORT = int(os.environ.get("QBTIME_BENCH_EXPORT_ENTRIES", "10000"))
N_PREFLIGHT = int(os.environ.get("QBTIME_BENCH_PREFLIGHT_ENTRIES", "100000"))
MEMBERS = ("Maria Alvarez", "James O'Connor", "Darnell Washington", "Sofia Nguyen", "Tyler Brooks")
PER_DAY = 8  # one-hour entries per member and day


def _rows(store: SqlStore, company_id: int, table: str) -> dict[str, int]:
    page = store.list_rows(company_id, table, limit=1000)  # type: ignore[arg-type]
    return {getattr(r, "full_name", None) or r.name: r.id for r in page.rows}


def _entries(store: SqlStore, company_id: int, clock: FixedClock) -> None:
    members = _rows(store, company_id, "team_members")
    job = _rows(store, company_id, "customers")["Abernathy, Claire:Kitchen Remodel"]
    item = _rows(store, company_id, "service_items")["Labor:Carpentry"]
    pay = _rows(store, company_id, "payroll_items")
    store.put_payroll_mapping(
        company_id,
        [],
        [
            PayrollPair(
                team_member_id=None, hour_type="regular", payroll_item_id=pay["Hourly Regular"]
            )
        ],
        now=clock.now(),
    )
    start = date(2026, 1, 5)
    batch = []
    for n in range(N_EXPORT):
        member = MEMBERS[n % len(MEMBERS)]
        day = start + timedelta(days=n // (len(MEMBERS) * PER_DAY))
        batch.append(
            parse_entry_input(
                {
                    "team_member_id": members[member],
                    "work_date": day.isoformat(),
                    "duration_seconds": 3600,
                    "customer_id": job,
                    "service_item_id": item,
                    "billable": True,
                    "notes": f"entry {n}",
                }
            )
        )
        if len(batch) == 1000:
            store.create_time_entries(company_id, batch, now=clock.now())
            batch = []
    if batch:
        store.create_time_entries(company_id, batch, now=clock.now())
    store.set_approval(
        company_id,
        date_from=start,
        date_to=start + timedelta(days=3650),
        member_ids=None,
        approve=True,
        now=clock.now(),
    )


def _bench_preflight() -> float:
    member = MemberFacts(
        row_id=1, list_id="80000001-1", name="Maria Alvarez", role="employee", uses_time_data=True
    )
    payroll = RefFacts(row_id=2, list_id="80000002-1", name="Hourly Regular")
    job = RefFacts(row_id=3, list_id="80000003-1", name="Kitchen Remodel")
    item = RefFacts(row_id=4, list_id="80000004-1", name="Labor:Carpentry")
    entries = [
        ExportEntry(
            entry_id=n,
            uuid="{6F1C2E34-0B5D-4F7A-9A55-2D7C1E9B0A11}",
            work_date=date(2026, 1, 5),
            duration_seconds=3600 + n % 50,
            hour_type="regular",
            notes=None,
            billable=n % 3 == 0,
            member=member,
            customer=job,
            service_item=item if n % 7 else None,
            payroll_item=payroll,
            day_total_seconds=8 * 3600,
        )
        for n in range(N_PREFLIGHT)
    ]
    rules = ExportRules(require_class=False, require_service_item=False)
    started = time.perf_counter()
    blocked = sum(1 for e in entries if preflight(e, rules) is not None)
    took = time.perf_counter() - started
    assert blocked > 0
    return took


def main() -> None:
    # spyne runs gc.collect() after calls at most once a second; this process holds the whole
    # simulated company file, which a server process does not, so it would dominate the figure.
    spyne.const.MIN_GC_INTERVAL = 3600.0
    clock = FixedClock()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        engine = make_engine(url)
        upgrade_schema(engine)
        store = SqlStore(engine)
        admin.init_installation(store, clock)
        created = admin.add_company(store, clock, "Evergreen Builders")
        # export starts off for a new company; its admin turns it on when the company is ready
        chosen = change_options(ImportOptions(), {"export_time": "yes"}, first_sync_done=False)
        store.update_company(created.company.id, import_options=options_to_dict(chosen))
        owner = store.get_installation()
        assert owner is not None
        qb = FakeQuickBooks(load_sample_company(clock=clock))
        qb_seconds = [0.0]
        original = qb.process

        def timed_process(xml: str) -> str:
            started = time.perf_counter()
            try:
                return original(xml)
            finally:
                qb_seconds[0] += time.perf_counter() - started

        qb.process = timed_process  # type: ignore[method-assign]
        app = create_app(Settings(home=Path(tmp), database_url=url), clock=clock, store=store)
        with serve_in_thread(app) as live:

            def connector() -> FakeWebConnector:
                return FakeWebConnector(
                    f"{live}/qbwc",
                    created.company.qbwc_username,
                    created.password,
                    qb,
                    owner_id=owner.owner_id,
                    file_id=created.company.file_id,
                    sleep=lambda s: clock.advance(seconds=s),
                )

            assert connector().run().outcome == "finished"
            _entries(store, created.company.id, clock)
            load_started = time.perf_counter()
            candidates = store.export_candidates(created.company.id)
            blocked = [c for c in candidates if preflight(c.entry, ExportRules()) is not None]
            load_s = time.perf_counter() - load_started
            assert not blocked
            clock.advance(hours=2)
            qb_seconds[0] = 0.0
            started = time.perf_counter()
            transcript = connector().run()
            total_s = time.perf_counter() - started
        exported = sum(1 for e in qb.company.time_entries.values() if e.external_guid)
        store.dispose()
    assert transcript.outcome == "finished", transcript.last_error
    assert exported == N_EXPORT, exported
    server_s = total_s - qb_seconds[0]
    print(
        f"export: {N_EXPORT} approved entries, one session, {transcript.message_sets} message sets"
    )
    print(
        f"  FakeQuickBooks (baseline) {qb_seconds[0]:6.2f} s  "
        f"({1e6 * qb_seconds[0] / N_EXPORT:5.0f} us/entry)"
    )
    print(
        f"  server incl. HTTP+SQLite  {server_s:6.2f} s  ({1e6 * server_s / N_EXPORT:5.0f} us/entry)"
        f"  x{server_s / qb_seconds[0]:.1f} of FakeQuickBooks"
    )
    print(
        f"  store load + pre-flight of the {N_EXPORT} waiting entries {load_s:6.2f} s "
        f"({1e6 * load_s / N_EXPORT:5.0f} us/entry)"
    )
    pure_s = _bench_preflight()
    verdict = "ok" if pure_s < 2.0 else "SLOWER THAN THE 2 s GOAL"
    print(f"preflight: {N_PREFLIGHT} entries, pure rules {pure_s:6.2f} s (goal < 2 s: {verdict})")


if __name__ == "__main__":
    main()
