"""Time and randomness sources, passed in rather than reached for (STYLE: nothing global)."""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    """Tells the current time as an aware UTC datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class TicketSource(Protocol):
    """Makes session tickets and generated secrets."""

    def new_ticket(self) -> str: ...


class RandomTicketSource:
    """128-bit tickets from the operating system's CSPRNG, formatted as a GUID."""

    def new_ticket(self) -> str:
        return str(uuid.UUID(bytes=secrets.token_bytes(16)))
