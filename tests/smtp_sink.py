"""A local SMTP sink on loopback (aiosmtpd) that keeps every message it receives."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage

from aiosmtpd.controller import Controller


class _Keeper:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope) -> str:
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.arrived:
            self.messages.append(msg)  # type: ignore[arg-type]
            self.arrived.notify_all()
        return "250 OK"


class SmtpSink:
    """Where the sink listens and what it has received."""

    def __init__(self, controller: Controller, keeper: _Keeper) -> None:
        self.host, self.port = "127.0.0.1", controller.port
        self._keeper = keeper

    @property
    def messages(self) -> list[EmailMessage]:
        return list(self._keeper.messages)

    def wait_for(self, count: int = 1, timeout: float = 10.0) -> list[EmailMessage]:
        """The messages once at least ``count`` have arrived (fails after ``timeout``)."""
        with self._keeper.arrived:
            ok = self._keeper.arrived.wait_for(
                lambda: len(self._keeper.messages) >= count, timeout=timeout
            )
        assert ok, f"expected {count} message(s), the sink has {len(self._keeper.messages)}"
        return self.messages

    def settings_changes(self) -> dict[str, object]:
        """The Settings values that send mail to this sink (no STARTTLS, no login)."""
        return {
            "smtp_host": self.host,
            "smtp_port": self.port,
            "smtp_starttls": False,
            "smtp_from": "qbtime-sync <noreply@example.test>",
        }


@contextmanager
def smtp_sink() -> Iterator[SmtpSink]:
    keeper = _Keeper()
    with socket.socket() as probe:  # aiosmtpd needs a port number of its own
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(keeper, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpSink(controller, keeper)
    finally:
        controller.stop()
