"""authenticate and sendRequestXML/receiveResponseXML pairs, beside a bare spyne service.

One server process (``bench._server``: the app at ``/qbwc``, a bare spyne service with the same
signatures at ``/bare``, both under the same waitress) on a fresh SQLite store. Figures:
- authenticate: a known user with nothing to do (``none``), an unknown user (``nvu``), and the
  bare service, each called ``QBTIME_BENCH_AUTH_CALLS`` times (client latency p50/p99, server CPU
  per call);
- pairs: small companies (``QBTIME_BENCH_SOAP_COMPANIES``) do a first sync, then an incremental
  sync with two changed customers; every sendRequestXML + receiveResponseXML pair after the
  first of a session (which carries the HCP response) is timed, and the same pairs (the same
  parameters) are replayed against the bare service;
- the same pair phase with spyne's periodic ``gc.collect()`` back on (the behaviour before #15);
- SQL statements per SOAP call, counted in-process on one small company's two syncs.
"""

from __future__ import annotations

import collections
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event

from bench._common import percentile, save
from bench._fleet import Fleet, errors_of
from qbwc_server.simulate import SessionTranscript, generate_company
from qbwc_server.simulate.soapclient import SoapClient

COMPANIES = int(os.environ.get("QBTIME_BENCH_SOAP_COMPANIES", "20"))
AUTH_CALLS = int(os.environ.get("QBTIME_BENCH_AUTH_CALLS", "200"))


def small_company(seed: int) -> Any:
    return generate_company(customers=8, jobs_per_customer=2, employees=5, vendors=1, seed=seed)


def _stats(seconds: list[float], cpu: float | None = None) -> dict[str, Any]:
    out = {
        "n": len(seconds),
        "p50_ms": 1000 * percentile(seconds, 0.5),
        "p99_ms": 1000 * percentile(seconds, 0.99),
    }
    if cpu is not None:
        out["cpu_ms_per_call"] = 1000 * cpu / max(1, len(seconds))
    return out


def _time_calls(
    client: SoapClient, operation: str, params: list[tuple[str, Any]], n: int
) -> list[float]:
    took = []
    for _ in range(n):
        started = time.perf_counter()
        client.call(operation, params)
        took.append(time.perf_counter() - started)
    return took


def _pairs(transcript: SessionTranscript) -> list[tuple[float, Any, Any]]:
    """(seconds, send call, receive call) for every pair after the session's first."""
    calls = transcript.calls
    pairs = []
    for i in range(len(calls) - 1):
        if (
            calls[i].operation == "sendRequestXML"
            and calls[i + 1].operation == "receiveResponseXML"
        ):
            pairs.append((calls[i].seconds + calls[i + 1].seconds, calls[i], calls[i + 1]))
    return pairs[1:]


def _authenticate(fleet: Fleet, user: str, password: str) -> dict[str, Any]:
    ours, bare = SoapClient(f"{fleet.base}/qbwc"), SoapClient(f"{fleet.base}/bare")
    out: dict[str, Any] = {}
    for key, client, params in [
        ("known_user_none", ours, [("strUserName", user), ("strPassword", password)]),
        ("unknown_user", ours, [("strUserName", "nobody-here"), ("strPassword", password)]),
        ("bare", bare, [("strUserName", user), ("strPassword", password)]),
    ]:
        _time_calls(client, "authenticate", params, 5)  # warm up
        cpu = fleet.cpu()
        took = _time_calls(client, "authenticate", params, AUTH_CALLS)
        out[key] = _stats(took, fleet.cpu() - cpu)
    answer = ours.call("authenticate", [("strUserName", user), ("strPassword", password)])
    assert isinstance(answer, list) and answer[1] == "none", answer
    ours.close()
    bare.close()
    return out


def _pair_phase(tmp: Path, spyne_gc: bool) -> dict[str, Any]:
    fleet = Fleet(tmp, spyne_gc=spyne_gc)
    try:
        companies = [fleet.add(f"Small {i}", small_company(i)) for i in range(COMPANIES)]
        errors: list[str] = []
        for created, qb in companies:
            errors += errors_of(fleet.sync(created, qb))
        out: dict[str, Any] = {}
        if not spyne_gc:
            created, _ = companies[0]
            out["authenticate"] = _authenticate(
                fleet, created.company.qbwc_username, created.password
            )
        pairs: list[tuple[float, Any, Any]] = []
        cpu = fleet.cpu()
        sessions = 0
        for created, qb in companies:
            for record in list(qb.company.records("Customer"))[:2]:
                qb.company.modify(record.list_id, company_name=f"{record.company_name or ''} 2")
            fleet.due(created)
            transcript = fleet.sync(created, qb)
            errors += errors_of(transcript)
            pairs += _pairs(transcript)
            sessions += 1
        session_cpu = fleet.cpu() - cpu
        out["errors"] = errors
        out["incremental_session_cpu_ms"] = 1000 * session_cpu / max(1, sessions)
        out["pair"] = _stats([p[0] for p in pairs])
        bare = SoapClient(f"{fleet.base}/bare")
        replay: list[float] = []
        cpu = fleet.cpu()
        for _, send, receive in pairs:
            started = time.perf_counter()
            bare.call("sendRequestXML", list(send.params))
            bare.call("receiveResponseXML", list(receive.params))
            replay.append(time.perf_counter() - started)
        out["bare_pair"] = _stats(replay, fleet.cpu() - cpu)
        bare.close()
        return out
    finally:
        fleet.close()


def count_statements(tmp: Path) -> dict[str, float]:
    """SQL statements per SOAP operation (mean) over a first and an incremental sync."""
    from qbwc_server import admin
    from qbwc_server.app import create_app
    from qbwc_server.settings import Settings
    from qbwc_server.simulate import FakeQuickBooks, run_update
    from qbwc_server.store import SqlStore, make_engine, upgrade_schema
    from qbwc_server.testing import FixedClock, serve_in_thread

    clock = FixedClock()
    url = f"sqlite:///{tmp / 'statements.sqlite3'}"
    store = SqlStore(make_engine(url))
    upgrade_schema(store.engine)
    admin.init_installation(store, clock)
    app = create_app(Settings(home=tmp, database_url=url), clock=clock, store=store)
    current: dict[str, Any] = {"op": None}
    counts: collections.Counter[str] = collections.Counter()
    calls: collections.Counter[str] = collections.Counter()
    inner = app.wsgi_app

    def tag(environ: dict[str, Any], start_response: Any) -> Any:
        op = environ.get("HTTP_SOAPACTION", "").strip('"').rsplit("/", 1)[-1]
        current["op"] = op
        calls[op] += 1
        return inner(environ, start_response)

    app.wsgi_app = tag  # type: ignore[method-assign]

    @event.listens_for(store.engine, "before_cursor_execute")
    def _count(*_: Any) -> None:
        if current["op"]:
            counts[current["op"]] += 1

    created = admin.add_company(store, clock, "Statements")
    admin.request_sync(store, clock, created.company.id)
    qb = FakeQuickBooks(small_company(99))
    owner = store.get_installation()
    assert owner is not None
    with serve_in_thread(app) as live:
        for round_ in range(2):
            if round_:
                clock.advance(minutes=61)
                record = next(iter(qb.company.records("Customer")))
                qb.company.modify(record.list_id, company_name="Changed")
                admin.request_sync(store, clock, created.company.id)
            run_update(f"{live}/qbwc", created, qb, owner_id=owner.owner_id,
                       sleep=lambda s: clock.advance(seconds=s))  # fmt: skip
    store.dispose()
    return {op: counts[op] / calls[op] for op in sorted(calls)}


def main() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "off").mkdir()
        (root / "on").mkdir()
        (root / "st").mkdir()
        result = _pair_phase(root / "off", spyne_gc=False)
        result["with_spyne_gc"] = _pair_phase(root / "on", spyne_gc=True)
        result["statements_per_call"] = count_statements(root / "st")
    auth = result["authenticate"]
    print(f"soap: {COMPANIES} small companies, {AUTH_CALLS} authenticate calls each (client ms)")
    for key in ("known_user_none", "unknown_user", "bare"):
        a = auth[key]
        print(
            f"  authenticate {key:16s} p50 {a['p50_ms']:6.2f}  p99 {a['p99_ms']:6.2f}  server cpu {a['cpu_ms_per_call']:.2f} ms/call"
        )
    for label, part in (("gc off", result), ("spyne gc on", result["with_spyne_gc"])):
        pair, bare = part["pair"], part["bare_pair"]
        print(
            f"  pair ({label:11s}) n={pair['n']:4d} p50 {pair['p50_ms']:6.2f} p99 {pair['p99_ms']:7.2f}"
            f" | bare p50 {bare['p50_ms']:6.2f} p99 {bare['p99_ms']:6.2f}"
            f" | x{pair['p50_ms'] / bare['p50_ms']:.1f} p50 x{pair['p99_ms'] / bare['p99_ms']:.1f} p99"
            f" | errors {len(part['errors'])}"
        )
    print(
        "  SQL statements per call: "
        + ", ".join(f"{k} {v:.1f}" for k, v in result["statements_per_call"].items())
    )
    save("soap", result)
    return result


if __name__ == "__main__":
    main()
