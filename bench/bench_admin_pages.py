"""The firm dashboard and a company's customers page for a big firm, against a trivial page of the
same app (the sign-in form, the baseline).

A firm of 300 client companies by default (``QBTIME_BENCH_ADMIN_COMPANIES``), each with two sync
sessions, on a fresh SQLite file; one company has 5,000 customers (``QBTIME_BENCH_ADMIN_CUSTOMERS``).
Requests go through Flask's test client, so the figures are the server's own time per page.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert
from sqlalchemy.orm import Session

from qbwc_server import accounts, admin
from qbwc_server.app import create_app
from qbwc_server.settings import Settings
from qbwc_server.store import SqlStore, make_engine, upgrade_schema
from qbwc_server.store.models import Customer, SyncSession
from qbwc_server.testing import CountingTicketSource, FixedClock

N_COMPANIES = int(os.environ.get("QBTIME_BENCH_ADMIN_COMPANIES", "300"))
N_CUSTOMERS = int(os.environ.get("QBTIME_BENCH_ADMIN_CUSTOMERS", "5000"))
ROUNDS = 5
PASSWORD = "a benchmark password"


def _fill(store: SqlStore, clock: FixedClock) -> int:
    ids = [
        admin.add_company(store, clock, f"Client {n:04d}", firm="Big Firm").company.id
        for n in range(N_COMPANIES)
    ]
    now = clock.now()
    sessions = [
        {
            "company_id": cid,
            "ticket_hash": f"{cid:032x}{k:032x}",
            "state": "finished",
            "started_at": now - timedelta(hours=k),
            "last_seen_at": now,
            "planned": 4,
            "done": 4,
            "progress": 100,
            "consecutive_hresults": 0,
            "counts": {"customers": 10},
            "errors": 0,
            "state_data": {},
            "bytes_received": 0,
        }
        for cid in ids
        for k in (1, 2)
    ]
    customers = [
        {
            "company_id": ids[0],
            "qb_list_id": f"{n:X}-1",
            "name": f"Customer {n:05d}",
            "full_name": f"Customer {n:05d}",
            "sublevel": 0,
            "is_active": True,
            "archived": False,
            "deleted_in_qb": False,
            "is_job": False,
            "assigned_to_all": True,
            "created_at": now,
            "updated_at": now,
        }
        for n in range(N_CUSTOMERS)
    ]
    with Session(store.engine) as s, s.begin():
        s.execute(insert(SyncSession), sessions)
        s.execute(insert(Customer), customers)
    user = store.add_admin_user(
        email="owner@big.example",
        password_hash=accounts.hash_password(PASSWORD),
        role="owner",
        firm_name="Big Firm",
        company_id=None,
        now=now,
    )
    store.set_admin_password(user.id, password_hash=user.password_hash, one_time=False, now=now)
    return ids[0]


def _time(client, url: str, expect: str) -> float:
    best = float("inf")
    for _ in range(ROUNDS):
        start = time.perf_counter()
        answer = client.get(url)
        best = min(best, time.perf_counter() - start)
        assert answer.status_code == 200 and expect in answer.get_data(as_text=True), url
    return best


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        engine = make_engine(url)
        upgrade_schema(engine)
        store = SqlStore(engine)
        clock = FixedClock()
        admin.init_installation(store, clock)
        big = _fill(store, clock)
        app = create_app(
            Settings(home=Path(tmp), database_url=url),
            clock=clock,
            tickets=CountingTicketSource(),
            store=store,
        )
        client = app.test_client()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").text)
        assert token
        client.post(
            "/login",
            data={"email": "owner@big.example", "password": PASSWORD, "csrf_token": token[1]},
        )
        baseline = _time(client, "/account/password", "Change your password")
        dashboard = _time(client, "/", "Client 0000")
        last_page = (N_CUSTOMERS - 1) // 500 + 1
        customers = _time(
            client,
            f"/companies/{big}/customers?page={last_page}",
            f"Customer {N_CUSTOMERS - 1:05d}",
        )
        print(f"admin pages: {N_COMPANIES} companies, {N_CUSTOMERS} customers in one")
        print(f"  baseline page        {baseline * 1000:8.1f} ms")
        print(f"  firm dashboard       {dashboard * 1000:8.1f} ms  ({dashboard / baseline:.1f}x)")
        print(f"  customers, last page {customers * 1000:8.1f} ms  ({customers / baseline:.1f}x)")
        store.dispose()
