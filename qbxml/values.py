"""qbXML scalar values: dates, datetimes, durations, amounts, booleans and GUIDs.

Pure standard library. Every ``parse_*`` raises :class:`QbxmlValueError` for bad text; every
``format_*`` raises ``ValueError`` (or ``QbxmlValueError``) for a value qbXML cannot carry.
Type patterns come from ``qbxmltypes130.xsd``/``qbxmltypes160.xsd`` (identical).
"""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation

from .errors import QbxmlValueError

__all__ = [
    "format_amount",
    "format_bool",
    "format_date",
    "format_datetime",
    "format_duration",
    "format_guid",
    "format_price",
    "parse_amount",
    "parse_bool",
    "parse_date",
    "parse_datetime",
    "parse_duration",
    "parse_guid",
    "parse_int",
]

# DATETIMETYPE: ([0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(T[0-9]{1,2}(:[0-9]{1,2}(:[0-9]{1,2}([+-][0-9]{1,2}:[0-9]{1,2})?)?)?)?)?
_DATETIME_RE = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:T(\d{1,2})(?::(\d{1,2})(?::(\d{1,2})(?:([+-])(\d{1,2}):(\d{1,2}))?)?)?)?"
)
_DATE_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
# TIMEINTERVALTYPE: [+-]?PT([0-9]+H)?([0-9]+M)?([0-9]+S)? restricting xsd:duration (which needs
# at least one component).
_DURATION_RE = re.compile(r"([+-])?PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?")
_DECIMAL_RE = re.compile(r"[+-]?\d+(?:\.\d+)?")
_INT_RE = re.compile(r"[+-]?\d+")
_GUID_RE = re.compile(r"\{[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}\}")
_TRUE = frozenset({"true", "1"})
_FALSE = frozenset({"false", "0"})


def _bad(kind: str, text: str, path: str) -> QbxmlValueError:
    return QbxmlValueError(f"not a valid {kind}", path=path, value=text)


def parse_date(text: str, *, path: str = "") -> date:
    """Parse a ``DATETYPE`` value such as ``2024-03-15``."""
    m = _DATE_RE.fullmatch(text.strip())
    if m is None:
        raise _bad("date", text, path)
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError as exc:
        raise _bad("date", text, path) from exc


def format_date(value: date) -> str:
    """Format a date as ``YYYY-MM-DD`` (a ``datetime`` is refused: pass ``.date()``)."""
    if isinstance(value, datetime):
        raise TypeError("format_date takes a date, not a datetime")
    return value.isoformat()


def parse_datetime(text: str, *, path: str = "") -> datetime:
    """Parse a ``DATETIMETYPE`` value.

    :returns: an aware datetime when the text carries a UTC offset (``-05:00``), else naive.
    """
    m = _DATETIME_RE.fullmatch(text.strip())
    if m is None:
        raise _bad("datetime", text, path)
    tz: timezone | None = None
    try:
        if m[7] is not None:
            offset = timedelta(hours=int(m[8]), minutes=int(m[9]))
            tz = timezone(-offset if m[7] == "-" else offset)
        return datetime(
            int(m[1]),
            int(m[2]),
            int(m[3]),
            int(m[4] or 0),
            int(m[5] or 0),
            int(m[6] or 0),
            tzinfo=tz,
        )
    except ValueError as exc:
        raise _bad("datetime", text, path) from exc


def format_datetime(value: datetime, *, with_offset: bool) -> str:
    """Format ``YYYY-MM-DDTHH:MM:SS``, with ``+HH:MM`` only when ``with_offset`` is true.

    Microseconds are dropped. ``FromModifiedDate`` filters are written without an offset:
    QuickBooks reads them as its own local time (QBWC-NOTES A.3.3).

    :raises ValueError: ``with_offset`` on a naive datetime, or an offset with seconds.
    """
    text = value.replace(microsecond=0, tzinfo=None).isoformat(timespec="seconds")
    if not with_offset:
        return text
    offset = value.utcoffset()
    if offset is None:
        raise ValueError("with_offset=True needs a timezone-aware datetime")
    total = int(offset.total_seconds())
    if total % 60 or offset.microseconds:
        raise ValueError("qbXML offsets are whole minutes")
    sign = "-" if total < 0 else "+"
    hours, minutes = divmod(abs(total) // 60, 60)
    return f"{text}{sign}{hours:02d}:{minutes:02d}"


def parse_duration(text: str, *, path: str = "") -> timedelta:
    """Parse a ``TIMEINTERVALTYPE`` such as ``PT1H30M``, ``PT2H0M0S`` or ``-PT0H15M``."""
    stripped = text.strip()
    m = _DURATION_RE.fullmatch(stripped)
    if m is None or (m[2] is None and m[3] is None and m[4] is None):
        raise _bad("duration", text, path)
    value = timedelta(hours=int(m[2] or 0), minutes=int(m[3] or 0), seconds=int(m[4] or 0))
    return -value if m[1] == "-" else value


def format_duration(value: timedelta, *, seconds: bool = False) -> str:
    """Format a duration as ``PT{h}H{m}M`` (signed; hours may exceed 24).

    Requests carry whole minutes, as QuickBooks time entries do: a duration with seconds is
    refused rather than silently rounded. ``seconds=True`` writes ``PT{h}H{m}M{s}S`` (the form
    QuickBooks itself returns) and accepts whole seconds.

    :raises ValueError: sub-minute part without ``seconds=True``, or any sub-second part.
    """
    sign = "-" if value < timedelta(0) else ""
    magnitude = abs(value)
    if magnitude.microseconds:
        raise ValueError("qbXML durations have no fractional seconds")
    total = int(magnitude.total_seconds())
    minutes_total, secs = divmod(total, 60)
    hours, minutes = divmod(minutes_total, 60)
    if seconds:
        return f"{sign}PT{hours}H{minutes}M{secs}S"
    if secs:
        raise ValueError("duration must be whole minutes (round it before building the request)")
    return f"{sign}PT{hours}H{minutes}M"


def parse_amount(text: str, *, path: str = "") -> Decimal:
    """Parse an ``AMTTYPE``/``PRICETYPE``/``PERCENTTYPE``/``QUANTYPE`` value as a Decimal."""
    stripped = text.strip()
    if _DECIMAL_RE.fullmatch(stripped) is None:
        raise _bad("amount", text, path)
    try:
        return Decimal(stripped)
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only valid decimals
        raise _bad("amount", text, path) from exc


def _format_decimal(value: Decimal, max_places: int, int_digits: int, *, fixed: bool) -> str:
    if not value.is_finite():
        raise ValueError("amount must be finite")
    if abs(value) >= Decimal(10) ** int_digits:
        raise ValueError(f"amount has more than {int_digits} integer digits")
    step = Decimal(1).scaleb(-max_places)
    quantized = value.quantize(step)
    if quantized != value:
        raise ValueError(f"amount has more than {max_places} decimal places")
    return f"{quantized:f}" if fixed else f"{quantized.normalize():f}"


def format_amount(value: Decimal) -> str:
    """Format an ``AMTTYPE`` value: exactly two decimals (``25.00``), up to 13 integer digits."""
    return _format_decimal(value, 2, 13, fixed=True)


def format_price(value: Decimal) -> str:
    """Format a ``PRICETYPE``/``PERCENTTYPE`` value: up to five decimals, 10 integer digits."""
    return _format_decimal(value, 5, 10, fixed=False)


def parse_bool(text: str, *, path: str = "") -> bool:
    """Parse a ``BOOLTYPE`` value (``true``/``false``, also ``1``/``0`` as xsd:boolean allows)."""
    stripped = text.strip()
    if stripped in _TRUE:
        return True
    if stripped in _FALSE:
        return False
    raise _bad("boolean", text, path)


def format_bool(value: bool) -> str:
    """Format a boolean as ``true``/``false``."""
    return "true" if value else "false"


def parse_int(text: str, *, path: str = "") -> int:
    """Parse an ``INTTYPE`` value."""
    stripped = text.strip()
    if _INT_RE.fullmatch(stripped) is None:
        raise _bad("integer", text, path)
    return int(stripped)


def parse_guid(text: str, *, path: str = "") -> str:
    """Check a ``GUIDTYPE`` value (``{8-4-4-4-12}`` hex, or ``0``) and return it unchanged.

    Case is kept: QuickBooks returns GUIDs as they were stored (the 2008 QBWC log has
    lower-case OwnerID and FileID values), so compare them case-insensitively.
    """
    stripped = text.strip()
    if stripped != "0" and _GUID_RE.fullmatch(stripped) is None:
        raise _bad("GUID", text, path)
    return stripped


def format_guid(value: str | uuid.UUID) -> str:
    """Format a GUID with braces; a ``UUID`` gives lower-case hex, a string keeps its case."""
    if isinstance(value, uuid.UUID):
        return "{" + str(value) + "}"
    text = value.strip()
    if not text.startswith("{") and text != "0":
        text = "{" + text + "}"
    return parse_guid(text, path="GUID")
