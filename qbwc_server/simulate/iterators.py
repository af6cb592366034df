"""Query iterators as QuickBooks keeps them: a snapshot of matching ids, paged by MaxReturned.

An iterator lives for one QuickBooks session (the Web Connector's BeginSession..EndSession) and
for at most ``ttl`` of clock time; after that, or once exhausted, its id answers status 3391
("The iteratorID ... is not valid", QBWC-NOTES A.3.3). Pure standard library.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .company import Clock

__all__ = ["ITERATOR_TTL", "IteratorStore", "Page"]

ITERATOR_TTL = timedelta(minutes=30)


@dataclass(slots=True)
class _Iterator:
    rq_name: str
    ids: list[str]
    position: int
    page_size: int | None
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class Page:
    """One page of an iterator: the ids to return and how many are left after it."""

    iterator_id: str
    ids: tuple[str, ...]
    remaining: int


class IteratorStore:
    """The live iterators of one FakeQuickBooks."""

    def __init__(self, clock: Clock, ttl: timedelta = ITERATOR_TTL) -> None:
        self._clock = clock
        self._ttl = ttl
        self._live: dict[str, _Iterator] = {}

    def __len__(self) -> int:
        return len(self._live)

    def start(self, rq_name: str, ids: list[str], page_size: int | None) -> Page:
        """Open an iterator over ``ids`` and return its first page."""
        iterator_id = "{" + str(uuid.uuid4()) + "}"
        expires = self._clock.now() + self._ttl
        self._live[iterator_id] = _Iterator(rq_name, ids, 0, page_size, expires)
        page = self.next_page(iterator_id, rq_name, page_size)
        assert page is not None
        return page

    def next_page(self, iterator_id: str, rq_name: str, page_size: int | None) -> Page | None:
        """The next page, or None for an unknown, expired, exhausted or foreign iterator."""
        it = self._live.get(iterator_id)
        if it is None or it.rq_name != rq_name:
            return None
        if self._clock.now() >= it.expires_at:
            del self._live[iterator_id]
            return None
        size = page_size or it.page_size or len(it.ids)
        chunk = it.ids[it.position : it.position + size]
        it.position += len(chunk)
        remaining = len(it.ids) - it.position
        if remaining == 0:
            del self._live[iterator_id]  # exhausted: a further Continue answers 3391
        return Page(iterator_id, tuple(chunk), remaining)

    def stop(self, iterator_id: str) -> bool:
        """Close an iterator (``iterator="Stop"``); False when it was not live."""
        return self._live.pop(iterator_id, None) is not None

    def reset(self) -> None:
        """Forget every iterator, as a new QuickBooks session does."""
        self._live.clear()
