"""Randomized fault injection at every step of export sessions: exactly once, whatever happens.

Each seeded run adds approved entries, edits (after an unlock) or deletes exported ones, and
drives sessions with faults drawn from: connection lost before the request reaches QuickBooks,
after QuickBooks committed but before the response arrives, an hresult, duplicated calls, a
server restart (a new process on the same database), and an entry edited while in flight.
Then clean sessions run until nothing waits; QuickBooks must hold exactly one transaction per
approved entry, with the entry's current values. 20 seeds in CI (10 on SQLite, 10 others on
PostgreSQL); ``QBTIME_FAULT_RUNS=1000`` (per backend: 2,000 in all) or any number runs more.
"""

from __future__ import annotations

import os
import random
from datetime import timedelta

import pytest

from mappings.time import parse_entry_input
from qbwc_server.app import create_app
from qbwc_server.simulate import Fault
from qbwc_server.testing import serve_in_thread
from tests.conftest import make_settings, make_store
from tests.e2e.export_world import ACTIVE_EMPLOYEES, WEEK, build_world, check_exactly_once

RUNS = int(os.environ.get("QBTIME_FAULT_RUNS", "10"))  # per backend: 20 runs in all
CHUNK = 5  # seeds per test (one synced world each), so each test stays within its timeout
FAULTS = ("drop_before_processing", "drop_after_commit", "hresult", "duplicate")
LIST_MESSAGE_SETS = 3  # the incremental list requests before the export of each session


class Restartable:
    """The harness's server, replaced by a new process (store, app, port) on the same database."""

    def __init__(self, harness, url: str, tmp_path) -> None:
        self.harness, self.url, self.tmp_path = harness, url, tmp_path
        self.servers: list = []

    def restart(self) -> None:
        store = make_store(self.url, self.harness.clock)
        app = create_app(
            make_settings(self.tmp_path, self.url, export_batch_size=3),
            clock=self.harness.clock,
            store=store,
        )
        server = serve_in_thread(app)
        self.harness.url = server.__enter__()
        self.harness.store = store
        self.servers.append((server, store))

    def close(self) -> None:
        for server, store in self.servers:
            server.__exit__(None, None, None)
            store.dispose()


def _faults(rng: random.Random) -> list[Fault]:
    """One or two faults at export message sets (and now and then at a list request)."""
    out = []
    for _ in range(rng.choice((1, 1, 2))):
        kind = rng.choice(FAULTS)
        at = LIST_MESSAGE_SETS + rng.randint(1, 4) if rng.random() < 0.9 else rng.randint(1, 5)
        op = rng.choice(("sendRequestXML", "receiveResponseXML"))
        out.append(Fault(kind=kind, at=at, operation=op))  # type: ignore[arg-type]
    return out


def _one_run(world, rng: random.Random, run: int, restarts: Restartable) -> None:
    store, clock, cid = world.harness.store, world.harness.clock, world.company_id
    day = WEEK + timedelta(days=7 * (run + 1) + rng.randint(0, 4))
    for _ in range(rng.randint(1, 5)):
        world.add(
            rng.choice(ACTIVE_EMPLOYEES),
            day,
            duration_seconds=rng.randint(1, 16) * 900 + rng.choice((0, 20, 40)),
            notes=f"run {run}",
        )
    exported = [r for r in world.entries() if r["export_state"] == "exported"]
    if exported and rng.random() < 0.5:
        target = rng.choice(exported)
        d = target["work_date"]
        d = d if not isinstance(d, str) else __import__("datetime").date.fromisoformat(d)
        store.unlock_entries(
            cid, date_from=d, date_to=d, member_ids=[target["team_member_id"]], now=clock.now()
        )
        if rng.random() < 0.6:
            change = parse_entry_input({"notes": f"edited in run {run}"}, partial=True)
            store.update_time_entry(cid, target["id"], change, now=clock.now())
        else:
            store.delete_time_entry(cid, target["id"], now=clock.now())
        world.store.set_approval(
            cid, date_from=d, date_to=d, member_ids=None, approve=True, now=clock.now()
        )
    store.set_approval(
        cid, date_from=day, date_to=day, member_ids=None, approve=True, now=clock.now()
    )
    for _ in range(rng.randint(1, 3)):
        world.sync(faults=_faults(rng))
        # (a deleted entry cannot be edited: the store answers "no such entry", as the API does)
        flying = [
            r for r in world.entries() if r["export_state"] == "in_flight" and not r["deleted"]
        ]
        if flying and rng.random() < 0.4:  # edited while in flight: must go out as a Mod later
            change = parse_entry_input({"notes": f"edited in flight {run}"}, partial=True)
            world.harness.store.update_time_entry(
                cid, rng.choice(flying)["id"], change, now=clock.now()
            )
        if rng.random() < 0.1:
            restarts.restart()
            store = world.harness.store
        clock.advance(minutes=31)  # a dropped session expires (ticket_ttl)
    for _ in range(6):
        transcript = world.sync()
        clock.advance(minutes=31)  # a dropped session expires (ticket_ttl)
        if world.harness.store.export_waiting(cid) == 0:
            break
    assert world.harness.store.export_waiting(cid) == 0, transcript.last_error
    check_exactly_once(world)


@pytest.mark.timeout(1200)  # ten seeded runs; a loaded CI machine needs minutes for them
@pytest.mark.parametrize("chunk", range(-(-RUNS // CHUNK)))
@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_point_exactly_once_under_randomized_faults(
    harness_for, request, tmp_path, monkeypatch, backend, chunk
) -> None:
    """Over seeded runs of faults at every export step, each approved entry is in QuickBooks
    exactly once with its latest values; edits after an unlock and deletions are applied."""
    import spyne.const

    # spyne runs a full gc.collect() at most once a second after a call; in this process the
    # heap holds the simulator and the XSDs, so that is most of a session's time. A server
    # process has a small heap; here it only slows the runs down.
    monkeypatch.setattr(spyne.const, "MIN_GC_INTERVAL", 3600.0)
    url = (
        f"sqlite:///{tmp_path / 'faults.sqlite3'}"
        if backend == "sqlite"
        else str(request.getfixturevalue("postgres_url"))
    )
    harness = harness_for(url, export_batch_size=3)
    # Only the lists these entries need: fewer list requests per session, more runs per minute.
    world = build_world(harness, import_customers_jobs="no", service_items="off")
    # The company's QBWC password hashed with light scrypt parameters: still checked for real
    # at every authenticate, without a second of CPU per session on a shared test machine.
    from werkzeug.security import generate_password_hash

    light = generate_password_hash(world.created.password, method="scrypt:1024:8:1")
    harness.store.update_company(world.company_id, password_hash=light)
    restarts = Restartable(harness, url, tmp_path)
    try:
        first = RUNS if backend == "postgres" else 0  # each backend has seeds of its own
        for run in range(first + chunk * CHUNK, first + min(RUNS, (chunk + 1) * CHUNK)):
            _one_run(world, random.Random(run), run, restarts)
    finally:
        restarts.close()
