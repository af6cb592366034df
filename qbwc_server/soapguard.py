"""WSGI guard in front of the SOAP endpoint: caps the body size and refuses DTDs.

A SOAP message must not contain a document type declaration (SOAP 1.1, section 3), so a DOCTYPE
(billion laughs, XXE) is refused before any XML parser runs. Bodies over the configured limit get
413 without being read in full.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable, Iterable
from typing import Any

log = logging.getLogger(__name__)

PROLOG_SCAN_BYTES = 64 * 1024
READ_CHUNK = 1024 * 1024
_PROLOG_ITEM = re.compile(rb"\s*(<\?.*?\?>|<!--.*?-->)", re.S)

FAULT = (
    '<?xml version="1.0" encoding="utf-8"?>'
    '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
    "<soap:Fault><faultcode>soap:{code}</faultcode><faultstring>{text}</faultstring></soap:Fault>"
    "</soap:Body></soap:Envelope>"
)

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def has_doctype(body: bytes) -> bool:
    """Whether the document's prolog holds a DOCTYPE (looked for in its first 64 KiB)."""
    head = body[:PROLOG_SCAN_BYTES]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", "ignore").encode("utf-8", "ignore")
    elif head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    pos = 0
    while True:
        match = _PROLOG_ITEM.match(head, pos)
        if match is None:
            break
        pos = match.end()
    rest = head[pos:].lstrip()
    return rest[:9].upper() == b"<!DOCTYPE"


def _fault(start_response: StartResponse, status: str, code: str, text: str) -> list[bytes]:
    body = FAULT.format(code=code, text=text).encode("utf-8")
    start_response(
        status,
        [("Content-Type", "text/xml; charset=utf-8"), ("Content-Length", str(len(body)))],
    )
    return [body]


class SoapGuard:
    """Wraps a WSGI app; POST bodies are read at most to ``max_body_bytes`` and checked."""

    def __init__(self, app: WsgiApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "POST":
            return self.app(environ, start_response)
        limit = self.max_body_bytes
        try:
            declared = int(environ.get("CONTENT_LENGTH") or -1)
        except ValueError:
            return _fault(start_response, "400 Bad Request", "Client", "Invalid Content-Length.")
        if declared > limit:
            log.warning("SOAP body of %d bytes refused (limit %d)", declared, limit)
            return _fault(
                start_response,
                "413 Request Entity Too Large",
                "Client",
                f"Request body over the limit of {limit} bytes.",
            )
        body = self._read(environ["wsgi.input"], declared, limit)
        if body is None:
            return _fault(
                start_response,
                "413 Request Entity Too Large",
                "Client",
                f"Request body over the limit of {limit} bytes.",
            )
        if has_doctype(body):
            log.warning("SOAP body with a DOCTYPE refused")
            return _fault(
                start_response,
                "400 Bad Request",
                "Client",
                "A SOAP message must not contain a DTD.",
            )
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        return self.app(environ, start_response)

    @staticmethod
    def _read(stream: Any, declared: int, limit: int) -> bytes | None:
        chunks: list[bytes] = []
        total = 0
        remaining = declared if declared >= 0 else limit + 1
        while remaining > 0:
            chunk = stream.read(min(READ_CHUNK, remaining))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            remaining -= len(chunk)
            if total > limit:
                return None
        return b"".join(chunks)
