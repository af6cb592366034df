"""Client-supplied values as they may appear in a log line: capped and escaped.

A username, hresult or message comes from whoever sends the request: written as is, a 5 MB
username adds 5 MB to the log and a newline writes a forged log line. Imports nothing of ours.
"""

from __future__ import annotations

LOG_VALUE_CHARS = 80


def shown(value: object, limit: int = LOG_VALUE_CHARS) -> str:
    """``value`` for a log line: at most ``limit`` characters, control characters escaped.

    The result is a Python literal (quotes included), so no newline or escape sequence survives;
    a longer value ends with ``...`` and its full length.
    """
    text = "" if value is None else str(value)
    head = repr(text[:limit])
    if len(text) > limit:
        return f"{head}...({len(text)} chars)"
    return head


def one_line(value: str | None, limit: int) -> str:
    """A client-supplied text kept for later (a sync error, a log line): control characters
    escaped (a newline becomes ``\\n``), at most ``limit`` characters."""
    text = "".join(
        c if c.isprintable() or c == " " else repr(c)[1:-1] for c in (value or "")[: limit + 1]
    )
    return text if len(text) <= limit else text[: limit - 3] + "..."
