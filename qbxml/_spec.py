"""Shared pieces of the request specs: the base class, filters and validation helpers.

Misuse raises ``ValueError``/``TypeError`` at construction, before anything is rendered.
Pure standard library.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import ClassVar, Literal

from ._since import RET_CHILDREN
from .values import parse_guid

__all__ = [
    "IteratorMode",
    "MatchCriterion",
    "NameFilter",
    "NameRangeFilter",
    "OnError",
    "RequestBase",
    "check_choice",
    "check_date",
    "check_iterator",
    "check_text",
    "naive_datetime",
]

IteratorMode = Literal["Start", "Continue", "Stop"]
OnError = Literal["stopOnError", "continueOnError", "rollbackOnError"]
MatchCriterion = Literal["StartsWith", "Contains", "EndsWith"]
MAX_REQUEST_ID = 50  # status 1060 beyond this (QBWC-NOTES A.3.1)
_ITERATOR_MODES = ("Start", "Continue", "Stop")
_MATCH_CRITERIA = ("StartsWith", "Contains", "EndsWith")


def check_text(value: str | None, field: str, *, max_len: int | None = None) -> None:
    """Refuse an empty (or too long) identifier or text field."""
    if value is None:
        return
    if not value:
        raise ValueError(f"{field} must not be empty")
    if max_len is not None and len(value) > max_len:
        raise ValueError(f"{field} is longer than {max_len} characters")


def check_choice(value: str | None, allowed: tuple[str, ...], field: str) -> None:
    """Refuse a value outside a qbXML enumeration."""
    if value is not None and value not in allowed:
        raise ValueError(f"{field} must be one of {', '.join(allowed)}")


def check_iterator(
    name: str, allowed: bool, iterator: IteratorMode | None, iterator_id: str | None
) -> None:
    """Enforce the iterator rules: schema support, and an ID exactly with Continue/Stop."""
    if not allowed and (iterator is not None or iterator_id is not None):
        raise ValueError(f"{name} does not support iterators (qbXML schema)")
    check_choice(iterator, _ITERATOR_MODES, "iterator")
    if iterator in ("Continue", "Stop") and not iterator_id:
        raise ValueError(f"iterator={iterator} needs the iterator_id QuickBooks returned")
    if iterator in (None, "Start") and iterator_id is not None:
        raise ValueError("iterator_id is only sent with iterator=Continue or Stop")


def naive_datetime(value: datetime | None) -> datetime | None:
    """Drop the UTC offset and microseconds: modified-date filters are QuickBooks local time."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=None, microsecond=0)
    raise TypeError("expected a datetime")


def check_date(value: date | None, field: str) -> None:
    """Refuse a datetime where qbXML wants a date."""
    if value is not None and (isinstance(value, datetime) or not isinstance(value, date)):
        raise TypeError(f"{field} must be a date")


@dataclass(frozen=True, slots=True, kw_only=True)
class NameFilter:
    """``NameFilter``: names that start with, contain or end with ``name``."""

    match_criterion: MatchCriterion
    name: str

    def __post_init__(self) -> None:
        check_choice(self.match_criterion, _MATCH_CRITERIA, "match_criterion")


@dataclass(frozen=True, slots=True, kw_only=True)
class NameRangeFilter:
    """``NameRangeFilter``: names from ``from_name`` to ``to_name`` (either may be open)."""

    from_name: str | None = None
    to_name: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestBase:
    """Fields every request spec has."""

    RQ_NAME: ClassVar[str] = ""
    RET_NAME: ClassVar[str] = ""

    request_id: str
    include_ret_elements: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.request_id, str):
            raise TypeError("request_id must be a string")
        check_text(self.request_id, "request_id", max_len=MAX_REQUEST_ID)
        known = RET_CHILDREN.get(self.RET_NAME, {})
        for name in self.include_ret_elements:
            if name not in known:
                raise ValueError(f"{self.RET_NAME} has no element {name!r} to include")

    def check_owner_ids(self, owner_ids: tuple[str, ...]) -> None:
        """Refuse OwnerID values that are not GUIDs (or ``0`` for public custom fields)."""
        for owner in owner_ids:
            parse_guid(owner, path=f"{self.RQ_NAME}/OwnerID")
