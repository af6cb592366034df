"""``qbtime demo``: a throwaway server, the sample company, and a simulated Web Connector sync.

A composition root like ``cli.py`` (it may use the store and the app): a temporary instance
folder with a fresh SQLite store, one company marked due, the server on a free loopback port,
and a FakeWebConnector driving a full sync against FakeQuickBooks holding the sample company
(Evergreen Builders, shipped as package data), whose name the server's company takes.
"""

from __future__ import annotations

import logging
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import admin
from .app import create_app
from .clock import SystemClock
from .settings import Settings
from .simulate import FakeQuickBooks, FakeWebConnector, SessionTranscript, load_sample_company
from .simulate.company import LIST_KINDS
from .store import SqlStore, make_engine, upgrade_schema
from .testing import serve_in_thread

__all__ = ["run_demo"]


def _short(value: Any, width: int = 60) -> str:
    text = repr(value) if not isinstance(value, str) else value
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."


def _describe(answer: Any) -> str:
    """A qbXML message set as the names of its requests; anything else shortened."""
    if isinstance(answer, str) and answer.startswith("<?xml") and "<QBXMLMsgsRq" in answer:
        names = [n for n in re.findall(r"<(\w+Rq)[\s>]", answer) if n != "QBXMLMsgsRq"]
        return "qbXML " + ", ".join(names) if names else _short(answer)
    return _short(answer)


def _print_transcript(out: Callable[[str], Any], transcript: SessionTranscript) -> None:
    for n, call in enumerate(transcript.calls, 1):
        names = ", ".join(call.param_names)
        answer = call.error if call.error else _describe(call.answer)
        out(f"  {n:2d}. {call.operation}({names}) -> {answer}")
    if transcript.percentages:
        out("  progress seen: " + " -> ".join(f"{p}%" for p in transcript.percentages))


def _print_store(out: Callable[[str], Any], store: SqlStore, company_id: int) -> None:
    """What the server recorded: the session's counts and the company's state."""
    sessions = store.list_sessions(company_id, limit=1)
    company = store.get_company(company_id)
    if sessions:
        session = sessions[0]
        counts = ", ".join(f"{k}={v}" for k, v in sorted(session.counts.items())) or "none"
        out(
            f"server session: state={session.state}, progress={session.progress}%, "
            f"errors={session.errors}, counts: {counts}"
        )
    out(
        f"company: QuickBooks product={company.qb_product or '-'}, "
        f"last success={company.last_success_at or '-'}, last error={company.last_error or '-'}"
    )


def run_demo(out: Callable[[str], Any] = print, *, seconds_limit: float = 30) -> int:
    """Run the demo; returns the exit status (0 when the simulated sync finished)."""
    started = time.perf_counter()
    clock = SystemClock()
    logging.getLogger("waitress").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="qbtime-demo-") as tmp:
        home = Path(tmp)
        settings = Settings(home=home, database_url=f"sqlite:///{home / 'qbtime.sqlite3'}")
        engine = make_engine(settings.effective_database_url)
        try:
            upgrade_schema(engine)
            store = SqlStore(engine)
            installation = admin.init_installation(store, clock)
            quickbooks = FakeQuickBooks(load_sample_company(clock=clock))
            qb_company = quickbooks.company
            # the server's company carries the name of the QuickBooks company it syncs
            created = admin.add_company(store, clock, qb_company.name, username="demo")
            company = created.company
            admin.request_sync(store, clock, company.id)
            out(f"qbtime demo: server store in {home}")
            out(f"syncing the QuickBooks company {qb_company.name!r} ({qb_company.path})")
            sizes = {kind: sum(1 for _ in qb_company.records(kind)) for kind in LIST_KINDS}
            out(
                "  holds "
                + ", ".join(f"{n} {kind}" for kind, n in sizes.items())
                + f", {len(qb_company.time_entries)} time entries"
            )
            app = create_app(settings, store=store, clock=clock)
            with serve_in_thread(app) as base_url:
                out(f"server listening on {base_url}/qbwc; running the Web Connector...")
                connector = FakeWebConnector(
                    f"{base_url}/qbwc",
                    company.qbwc_username,
                    created.password,
                    quickbooks,
                    owner_id=installation.owner_id,
                    file_id=company.file_id,
                )
                transcript = connector.run()
            _print_transcript(out, transcript)
            out(f"closeConnection said: {transcript.summary or '-'}")
            out(
                f"QuickBooks answered {quickbooks.message_sets} message set(s): "
                + (
                    ", ".join(f"{k} x{v}" for k, v in sorted(quickbooks.request_counts.items()))
                    or "none"
                )
            )
            _print_store(out, store, company.id)
        finally:
            engine.dispose()
    took = time.perf_counter() - started
    out(f"outcome: {transcript.outcome} in {took:.1f} s")
    if transcript.outcome != "finished":
        out(f"the simulated sync did not finish: {transcript.last_error or transcript.outcome}")
        return 1
    if took > seconds_limit:
        out(f"the demo took longer than {seconds_limit:.0f} s")
        return 1
    return 0
