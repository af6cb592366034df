"""A server process (``bench._server``) on a fresh store, and simulated Web Connectors for it."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench._common import ROOT, cpu_seconds, free_port
from qbwc_server import admin
from qbwc_server.clock import SystemClock
from qbwc_server.simulate import FakeQuickBooks, SessionTranscript, run_update
from qbwc_server.simulate.company import CompanyFile
from qbwc_server.store import SqlStore, make_engine, upgrade_schema


class Fleet:
    """One server, its store (opened here too, to add companies), and their Web Connectors."""

    def __init__(
        self,
        tmp: Path,
        *,
        threads: int = 8,
        spyne_gc: bool = False,
        url: str = "",
        connection_limit: int | None = None,
    ) -> None:
        self.url = url or f"sqlite:///{tmp / 'bench.sqlite3'}"
        self.clock = SystemClock()
        self.store = SqlStore(make_engine(self.url))
        upgrade_schema(self.store.engine)
        admin.init_installation(self.store, self.clock)
        installation = self.store.get_installation()
        assert installation is not None
        self.owner_id = installation.owner_id
        port = free_port()
        args = [self.url, str(tmp / "home"), str(port), "--threads", str(threads)]
        if connection_limit:
            args += ["--connection-limit", str(connection_limit)]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench._server", *args, *(["--spyne-gc"] if spyne_gc else [])],
            cwd=ROOT,
        )
        self.base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("the benchmark server did not start") from None
                time.sleep(0.1)

    def cpu(self) -> float:
        """The server process's CPU seconds so far."""
        return cpu_seconds(self.process.pid)

    def add(self, name: str, company: CompanyFile) -> tuple[admin.NewCompany, FakeQuickBooks]:
        created = admin.add_company(self.store, self.clock, name)
        admin.request_sync(self.store, self.clock, created.company.id)
        return created, FakeQuickBooks(company)

    def due(self, created: admin.NewCompany) -> None:
        admin.request_sync(self.store, self.clock, created.company.id)

    def sync(self, created: admin.NewCompany, qb: FakeQuickBooks, **kw: Any) -> SessionTranscript:
        """One Web Connector update against ``/qbwc``."""
        return run_update(
            f"{self.base}/qbwc", created, qb, owner_id=self.owner_id, timeout=600, **kw
        )

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.store.dispose()


def errors_of(transcript: SessionTranscript) -> list[str]:
    """What went wrong in a session: failed calls, a non-finished outcome, a last error."""
    found = [f"{c.operation}: {c.error}" for c in transcript.calls if c.error]
    if transcript.outcome not in ("finished", "no_work"):
        found.append(f"outcome {transcript.outcome}: {transcript.last_error}")
    return found
