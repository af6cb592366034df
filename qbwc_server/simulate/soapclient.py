"""A minimal SOAP 1.1 client that speaks exactly like the Web Connector (QBWC 2.x, .NET).

Envelopes are built by hand in the shape of the recorded 2008 session (``soap:`` prefix,
default-namespaced wrapper, ``<p />`` for empty strings, quoted SOAPAction). Answers are read
with the standard library's XML parser after refusing any DTD, so no entity is ever expanded.
"""

from __future__ import annotations

import http.client
import select
import socket
import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

__all__ = [
    "SOAP_ENV",
    "TNS",
    "USER_AGENT",
    "HttpAnswer",
    "SoapClient",
    "SoapError",
    "build_envelope",
    "read_answer",
]

TNS = "http://developer.intuit.com/"
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
# The header QBWC sent in the 2008 session (soap-logs/quickbooks_log.txt).
USER_AGENT = "Mozilla/4.0 (compatible; MSIE 6.0; MS Web Services Client Protocol 2.0.50727.1433)"
_HEAD = (
    '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="' + SOAP_ENV + '" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soap:Body>'
)


class SoapError(Exception):
    """The server's answer was a SOAP fault, an HTTP error, or unreadable."""

    def __init__(self, message: str, *, http_status: int | None = None) -> None:
        self.http_status = http_status
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class HttpAnswer:
    """The raw HTTP answer to one call."""

    status: int
    body: bytes


def build_envelope(operation: str, params: Sequence[tuple[str, str | int]]) -> bytes:
    """A request envelope: ``<op xmlns="http://developer.intuit.com/"><p>v</p>...</op>``."""
    if not params:
        inner = f'<{operation} xmlns="{TNS}" />'
    else:
        parts = []
        for name, value in params:
            text = escape(str(value))
            parts.append(f"<{name}>{text}</{name}>" if text else f"<{name} />")
        inner = f'<{operation} xmlns="{TNS}">{"".join(parts)}</{operation}>'
    return (_HEAD + inner + "</soap:Body></soap:Envelope>").encode("utf-8")


def _parse(body: bytes) -> ET.Element:
    head = body[:4096].upper()
    if b"<!DOCTYPE" in head or b"<!ENTITY" in body.upper():
        raise SoapError("the answer has a DTD; refused")
    try:
        return ET.fromstring(body)
    except ET.ParseError as exc:
        raise SoapError(f"the answer is not well-formed XML ({exc})") from exc


def read_answer(operation: str, body: bytes) -> str | int | list[str]:
    """The ``<op>Result`` of an answer: a string, an int (receiveResponseXML) or a string list.

    :raises SoapError: a SOAP fault, or no result element.
    """
    root = _parse(body)
    fault = root.find(f".//{{{SOAP_ENV}}}Fault")
    if fault is not None:
        raise SoapError(f"SOAP fault: {(fault.findtext('faultstring') or '').strip()}")
    result = root.find(f".//{{{TNS}}}{operation}Result")
    if result is None:
        if root.find(f".//{{{TNS}}}{operation}Response") is not None:
            return [] if operation == "authenticate" else ""
        raise SoapError(f"no {operation}Result in the answer")
    if operation == "authenticate":
        return [item.text or "" for item in result.findall(f"{{{TNS}}}string")]
    text = result.text or ""
    if operation == "receiveResponseXML":
        try:
            return int(text.strip())
        except ValueError as exc:
            raise SoapError(f"receiveResponseXMLResult is not an integer: {text!r}") from exc
    return text


def _dropped(sock: socket.socket) -> bool:
    """Whether an idle connection was closed by the server: readable means at end of file (or
    data nobody asked for, which makes it unusable too)."""
    try:
        if hasattr(select, "poll"):  # (select.select stops at descriptor 1024)
            poller = select.poll()
            poller.register(sock, select.POLLIN)
            return bool(poller.poll(0))
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


class SoapClient:
    """Posts envelopes to one endpoint over one persistent connection, as the Web Connector does.

    QBWC (.NET's SOAP client) keeps its HTTP/1.1 connection open between calls: in the recorded
    2008 session only the first request says ``Connection: Keep-Alive``, the others reuse its
    connection. A connection the server closed while idle is noticed before the next request
    (it reads as at end of file) and replaced, so no request is sent twice. With
    ``keep_alive=False`` every call opens and closes its own connection.
    """

    def __init__(self, url: str, *, timeout: float = 60.0, keep_alive: bool = True) -> None:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("the endpoint must be an http(s) URL")
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        self._port = parts.port
        self._path = parts.path or "/"
        if parts.query:
            self._path += "?" + parts.query
        self.timeout = timeout
        self.keep_alive = keep_alive
        self._conn: http.client.HTTPConnection | None = None

    def _connection(self) -> http.client.HTTPConnection:
        conn = self._conn
        if conn is not None and conn.sock is not None and _dropped(conn.sock):
            conn.close()  # the server closed it while idle: a new one, nothing was sent
        if conn is None:
            cls = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
            conn = self._conn = cls(self._host, self._port, timeout=self.timeout)
        return conn

    def __enter__(self) -> SoapClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the persistent connection (the next call opens a new one)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def post(self, operation: str, body: bytes) -> HttpAnswer:
        """POST one envelope with QBWC's headers.

        :raises OSError: the connection failed or was dropped.
        """
        conn = self._connection()
        headers = {
            "User-Agent": USER_AGENT,
            "Content-Type": "text/xml; charset=utf-8",
            "SOAPAction": f'"{TNS}{operation}"',
        }
        if conn.sock is None:  # a new connection, as QBWC's first request says
            headers["Connection"] = "Keep-Alive" if self.keep_alive else "close"
        try:
            conn.request("POST", self._path, body=body, headers=headers)
            response = conn.getresponse()
            answer = HttpAnswer(response.status, response.read())
        except BaseException:
            self.close()
            raise
        if not self.keep_alive or response.will_close:
            self.close()
        return answer

    def call(
        self, operation: str, params: Sequence[tuple[str, str | int]]
    ) -> str | int | list[str]:
        """Call one operation and return its result.

        :raises SoapError: HTTP error status, SOAP fault or unreadable answer.
        :raises OSError: transport failure.
        """
        answer = self.post(operation, build_envelope(operation, params))
        if answer.status != 200:
            try:
                read_answer(operation, answer.body)
            except SoapError as exc:
                raise SoapError(f"HTTP {answer.status}: {exc}", http_status=answer.status) from exc
            raise SoapError(f"HTTP {answer.status}", http_status=answer.status)
        return read_answer(operation, answer.body)
