"""Test doubles the product ships for its own tests and for anyone embedding it (STYLE 1.5)."""

from __future__ import annotations

import contextlib
import itertools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any


class FixedClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, **delta: float) -> datetime:
        """Move time forward by ``timedelta(**delta)``; returns the new time."""
        with self._lock:
            self._now += timedelta(**delta)
            return self._now


class CountingTicketSource:
    """Predictable tickets (``00000000-0000-4000-8000-000000000001``, ...) for readable tests."""

    def __init__(self) -> None:
        self._n = itertools.count(1)
        self._lock = threading.Lock()

    def new_ticket(self) -> str:
        with self._lock:
            return f"00000000-0000-4000-8000-{next(self._n):012d}"


@contextmanager
def serve_in_thread(app: Any, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve a WSGI app with waitress on a free loopback port; yields its base URL."""
    from waitress.server import create_server

    server = create_server(
        app, host=host, port=0, threads=4, max_request_body_size=1 << 30, asyncore_loop_timeout=0.05
    )
    port = server.effective_port  # type: ignore[union-attr]
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{port}"
    finally:
        # close the listener and every kept-alive connection inside the loop's own thread, so
        # the loop's map empties and run() returns at once
        def _close_all() -> None:
            for channel in list(server._map.values()):  # type: ignore[union-attr]
                channel.close()

        server.task_dispatcher.shutdown()  # type: ignore[union-attr]
        # the loop may have closed its trigger already: then nothing is left to close
        with contextlib.suppress(OSError):
            server.trigger.pull_trigger(_close_all)  # type: ignore[union-attr]
        thread.join(timeout=5)
