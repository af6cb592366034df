"""One-line digests of recorded exchanges (``qbtime log show``): requests sent, statusCodes
received, percent answered, hresult."""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING, Any

from .recorder import decompress_text

if TYPE_CHECKING:
    from ..store import ExchangeRecord

_RQ = re.compile(r"<(?!QBXMLMsgsRq)(\w+Rq)\b")
_STATUS = re.compile(r'<\w+Rs\b[^>]*?\bstatusCode="(\d+)"')
_ITERATOR = re.compile(r'iterator="(\w+)"')


def _counted(values: list[str]) -> str:
    return ", ".join(f"{v} x{n}" if n > 1 else v for v, n in Counter(values).items())


def exchange_digest(row: ExchangeRecord) -> dict[str, Any]:
    """What one exchange did, as data: requests, statusCodes, percent, hresult, answer."""
    params = {str(k): v for k, v in row.params}
    out: dict[str, Any] = {}
    if row.operation == "sendRequestXML":
        text = decompress_text(row.qbxml_out)
        out["requests"] = _RQ.findall(text)
        out["iterators"] = _ITERATOR.findall(text)
        if not text:
            out["answer"] = ""
    elif row.operation == "receiveResponseXML":
        text = decompress_text(row.qbxml_in)
        out["status_codes"] = _STATUS.findall(text)
        out["percent"] = row.answer
        hresult = str(params.get("hresult") or "").strip()
        if hresult:
            out["hresult"] = hresult
    elif row.operation == "authenticate" and isinstance(row.answer, list):
        out["status"] = row.answer[1] if len(row.answer) > 1 else ""
    elif row.answer is not None:
        out["answer"] = row.answer
    if row.error:
        out["error"] = row.error
    return out


def digest_line(d: dict[str, Any]) -> str:
    """The digest as one line of text."""
    parts = []
    if d.get("requests"):
        parts.append("sent " + _counted(d["requests"]))
    if d.get("iterators"):
        parts.append("iterator " + _counted(d["iterators"]))
    if "status_codes" in d:
        parts.append("statusCode " + (_counted(d["status_codes"]) or "none"))
    if "percent" in d:
        parts.append(f"{d['percent']}%")
    if d.get("hresult"):
        parts.append(f"hresult {d['hresult']}")
    if "status" in d:
        parts.append(f"status {d['status']!r}")
    if "answer" in d:
        parts.append(f"answer {str(d['answer'])[:200]!r}")
    if d.get("error"):
        parts.append(f"error: {d['error']}")
    return "; ".join(parts)
