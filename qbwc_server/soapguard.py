"""WSGI guard in front of the SOAP endpoint: caps the body size, refuses DTDs, and bounds what a
caller without a live session can make the server spend.

A SOAP message must not contain a document type declaration (SOAP 1.1, section 3), so a DOCTYPE
(billion laughs, XXE) is refused before any XML parser runs; ``soap.py`` checks again after
parsing, whatever encoding hid it. Bodies over the configured limit get 413 without being read
in full. A body over ``large_body_bytes`` is parsed only when the ticket at its start names a
live session, at most ``max_large_bodies`` at once, spooled to a temporary file meanwhile; a
large call with any other ticket is answered as the same call without its payload (the terminal
answer of an unknown ticket), and a large call without a ticket is refused. Knows no store.
"""

from __future__ import annotations

import codecs
import io
import logging
import re
import tempfile
import threading
from collections.abc import Callable, Iterable
from typing import IO, Any
from xml.sax.saxutils import escape, unescape

from .logsafe import shown
from .xmlchars import UTF8_NAMES, ForbiddenCharFilter, strip_forbidden

log = logging.getLogger(__name__)

HEAD_BYTES = 64 * 1024
READ_CHUNK = 1024 * 1024
SPOOL_IN_MEMORY = 1024 * 1024
LARGE_BODY_WAIT_SECONDS = 120
TNS = "http://developer.intuit.com/"
SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"

FAULT = (
    '<?xml version="1.0" encoding="utf-8"?>'
    f'<soap:Envelope xmlns:soap="{SOAP_NS}"><soap:Body>'
    "<soap:Fault><faultcode>soap:{code}</faultcode><faultstring>{text}</faultstring></soap:Fault>"
    "</soap:Body></soap:Envelope>"
)
# The calls that name a session, and the rest of each call without its payload: what a large
# call whose ticket names no live session is answered as.
TICKET_CALLS = {
    "sendRequestXML": "<qbXMLMajorVers>0</qbXMLMajorVers><qbXMLMinorVers>0</qbXMLMinorVers>",
    "receiveResponseXML": "",
    "connectionError": "",
    "getLastError": "",
    "closeConnection": "",
}
_OPERATION = re.compile(r"<(?:[\w.-]+:)?Body\b[^>]*>\s*<(?:[\w.-]+:)?(\w+)[\s/>]")
_TICKET = re.compile(r"<(?:[\w.-]+:)?ticket(?:\s[^>]*)?>([^<]{0,200})</")
_DECLARED = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]{1,40})["']""")
# XML 1.0 Appendix F: a byte order mark, or the first bytes of "<?xml" in each encoding.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_UNMARKED = (
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<\x00?", "utf-16-be"),
    (b"<\x00?\x00", "utf-16-le"),
)

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def _encoding(head: bytes) -> tuple[str, int]:
    """The encoding of a document starting with ``head`` and the length of its BOM."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name, len(bom)
    for start, name in _UNMARKED:
        if head.startswith(start):
            return name, 0
    sample = head[:64]
    if len(sample) >= 4 and sample.count(0) * 3 >= len(sample):  # UTF-16 after leading blanks
        odd_nuls = sample[1::2].count(0)
        return ("utf-16-le" if odd_nuls > sample[0::2].count(0) else "utf-16-be"), 0
    declared = _DECLARED.match(head)
    if declared:
        try:
            return codecs.lookup(declared.group(1).decode("ascii")).name, 0
        except LookupError:
            pass
    return "utf-8", 0


def decode_head(head: bytes) -> str:
    """The start of a document as text, in the encoding its first bytes tell (Appendix F)."""
    name, bom = _encoding(head)
    return codecs.getincrementaldecoder(name)(errors="replace").decode(head[bom:])


def prolog_problem(text: str, *, complete: bool) -> str | None:
    """Why the document starting with ``text`` is refused before parsing, or None.

    The prolog (XML declaration, comments, processing instructions, blanks) must end inside
    ``text``: a prolog longer than the head could hide a DOCTYPE behind it.

    :param complete: ``text`` is the whole document, not only its start.
    """
    pos, end = 0, len(text)
    while True:
        while pos < end and text[pos] in " \t\r\n":
            pos += 1
        if text.startswith("<?", pos):
            close, mark = text.find("?>", pos + 2), "?>"
        elif text.startswith("<!--", pos):
            close, mark = text.find("-->", pos + 4), "-->"
        elif text.startswith("<!", pos) and text[pos + 2 : pos + 9].upper() == "DOCTYPE":
            return "A SOAP message must not contain a DTD."
        elif pos >= end and not complete:
            return "The XML prolog is too long."
        else:
            return None
        if close < 0:
            return None if complete else "The XML prolog is too long."
        pos = close + len(mark)


def has_doctype(body: bytes) -> bool:
    """Whether the document's prolog holds a DOCTYPE, whatever its encoding."""
    head = body[:HEAD_BYTES]
    problem = prolog_problem(decode_head(head), complete=len(body) <= HEAD_BYTES)
    return problem is not None and "DTD" in problem


def peek_call(text: str) -> tuple[str | None, str | None]:
    """The operation and ticket named at the start of a SOAP envelope (either may be None)."""
    operation = _OPERATION.search(text)
    ticket = _TICKET.search(text)
    return (
        operation.group(1) if operation else None,
        unescape(ticket.group(1)).strip() if ticket else None,
    )


def _fault(start_response: StartResponse, status: str, code: str, text: str) -> list[bytes]:
    body = FAULT.format(code=code, text=escape(text)).encode("utf-8")
    headers = [("Content-Type", "text/xml; charset=utf-8"), ("Content-Length", str(len(body)))]
    if status.startswith("503"):
        headers.append(("Retry-After", "30"))
    start_response(status, headers)
    return [body]


def _without_payload(operation: str, ticket: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="{SOAP_NS}"><soap:Body>'
        f'<{operation} xmlns="{TNS}"><ticket>{escape(ticket)}</ticket>{TICKET_CALLS[operation]}'
        f"</{operation}></soap:Body></soap:Envelope>"
    ).encode()


class SoapGuard:
    """Wraps a WSGI app; POST bodies are read at most to ``max_body_bytes`` and checked.

    :param is_live_ticket: whether a ticket names a live session (the service's read-only
        check); None admits every large body that names a ticket.
    """

    def __init__(
        self,
        app: WsgiApp,
        *,
        max_body_bytes: int,
        large_body_bytes: int = 1024 * 1024,
        max_large_bodies: int = 2,
        is_live_ticket: Callable[[str], bool] | None = None,
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.large_body_bytes = min(large_body_bytes, max_body_bytes)
        self.is_live_ticket = is_live_ticket
        self._large = threading.BoundedSemaphore(max_large_bodies)

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
            return self._too_large(start_response)
        stream = environ["wsgi.input"]
        remaining = declared if declared >= 0 else limit + 1
        first, remaining = _read(stream, self.large_body_bytes + 1, remaining)
        head = decode_head(first[:HEAD_BYTES])
        problem = prolog_problem(head, complete=len(first) <= HEAD_BYTES)
        if problem is not None:
            log.warning("SOAP body refused before parsing: %s", problem)
            return _fault(start_response, "400 Bad Request", "Client", problem)
        utf8 = _encoding(first[:HEAD_BYTES])[0] in UTF8_NAMES
        if len(first) <= self.large_body_bytes:
            if utf8:
                first = strip_forbidden(first)
            return self._forward(environ, start_response, io.BytesIO(first), len(first))
        operation, ticket = peek_call(head)
        if operation in TICKET_CALLS and ticket and self._live(ticket):
            return self._forward_large(
                environ, start_response, first, stream, remaining, clean=utf8
            )
        if operation in TICKET_CALLS:
            log.warning(
                "SOAP %s of %s bytes for ticket %s, which names no live session: answered "
                "without its payload",
                operation,
                declared if declared >= 0 else "over " + str(len(first)),
                shown(ticket, 8),
            )
            small = _without_payload(operation, ticket or "")
            environ["CONTENT_TYPE"] = "text/xml; charset=utf-8"
            return self._forward(environ, start_response, io.BytesIO(small), len(small))
        log.warning(
            "SOAP body over %d bytes without a session ticket refused (%s)",
            self.large_body_bytes,
            shown(operation, 40),
        )
        return _fault(
            start_response,
            "413 Request Entity Too Large",
            "Client",
            f"A request over {self.large_body_bytes} bytes must belong to a live sync session.",
        )

    def _live(self, ticket: str) -> bool:
        if self.is_live_ticket is None:
            return True
        try:
            return self.is_live_ticket(ticket)
        except Exception as exc:  # the database is down: the call itself will say so
            log.warning("could not look up ticket %s (%s)", shown(ticket, 8), shown(exc, 200))
            return False

    def _forward(
        self, environ: dict[str, Any], start_response: StartResponse, body: IO[bytes], size: int
    ) -> Iterable[bytes]:
        environ["wsgi.input"] = body
        environ["CONTENT_LENGTH"] = str(size)
        return self.app(environ, start_response)

    def _forward_large(
        self,
        environ: dict[str, Any],
        start_response: StartResponse,
        first: bytes,
        stream: Any,
        remaining: int,
        *,
        clean: bool,
    ) -> Iterable[bytes]:
        if not self._large.acquire(timeout=LARGE_BODY_WAIT_SECONDS):
            log.warning("large SOAP body refused: other large bodies are being read")
            return _fault(
                start_response,
                "503 Service Unavailable",
                "Server.Busy",
                "The server is reading other large answers; the Web Connector can retry.",
            )
        try:
            chars = ForbiddenCharFilter() if clean else None
            with tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY) as spool:
                chunk, read = first, len(first)
                while chunk:
                    spool.write(chars.feed(chunk) if chars else chunk)
                    if read > self.max_body_bytes:
                        return self._too_large(start_response)
                    if remaining <= 0:
                        break
                    chunk, remaining = _read(stream, READ_CHUNK, remaining)
                    read += len(chunk)
                if chars:
                    spool.write(chars.close())
                size = spool.tell()
                spool.seek(0)
                # spyne reads the body and runs the call inside app(); the answer is built by then
                return list(self._forward(environ, start_response, spool, size))  # type: ignore[arg-type]
        finally:
            self._large.release()

    def _too_large(self, start_response: StartResponse) -> list[bytes]:
        return _fault(
            start_response,
            "413 Request Entity Too Large",
            "Client",
            f"Request body over the limit of {self.max_body_bytes} bytes.",
        )


def _read(stream: Any, size: int, remaining: int) -> tuple[bytes, int]:
    """Up to ``size`` bytes (and at most ``remaining``) from ``stream``; returns them and what
    is left to read."""
    chunks: list[bytes] = []
    want = min(size, remaining)
    while want > 0:
        chunk = stream.read(min(READ_CHUNK, want))
        if not chunk:
            remaining = 0
            break
        chunks.append(chunk)
        want -= len(chunk)
        remaining -= len(chunk)
    return b"".join(chunks), remaining
