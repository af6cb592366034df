"""Recording: every SOAP call of a session becomes a ``sync_exchange`` row (DESIGN section 8).

``RecordingService`` is ``QbwcService`` with each callback timed and recorded; ``app.py`` builds
it instead of the plain service. Recording never changes an answer: a failure to record is a
WARNING and the call is answered normally. The password is never stored (``***``).
"""

from __future__ import annotations

import logging
import threading
import time
import zlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from ..store import NewExchange
from ..sync import credentials
from ..sync.service import (
    BUSY,
    NO_WORK,
    NOT_VALID_USER,
    WRITING_OPERATIONS,
    AuthAnswer,
    QbwcService,
)

if TYPE_CHECKING:
    from ..store import CompanyView
    from ..store._queue import SyncStateView

log = logging.getLogger(__name__)

MASK = "***"
KNOWN_TICKETS = 1024
TICKET_SHOWN = 8  # a ticket is kept as its first characters, as the server's own logs show it
CHUNK_CHARS = 1 << 20
COMPRESS_LEVEL = 6
T = TypeVar("T")

# which parameter of an operation carries qbXML (stored compressed, not in ``params``)
# authenticate answers that open no session: their tickets name none, so none is looked up
REFUSED = frozenset({NOT_VALID_USER, NO_WORK, BUSY})
QBXML_PARAMS = {"sendRequestXML": "strHCPResponse", "receiveResponseXML": "response"}
TICKET_PARAMS = frozenset({"ticket", "wcTicket"})


def compress_text(text: str | None) -> tuple[bytes | None, int]:
    """zlib-compress ``text`` a slice at a time, so a 50 MB answer never exists twice as bytes.

    :returns: the compressed bytes (None for no text) and the UTF-8 size.
    """
    if not text:
        return None, 0
    comp = zlib.compressobj(COMPRESS_LEVEL)
    parts: list[bytes] = []
    size = 0
    for start in range(0, len(text), CHUNK_CHARS):
        chunk = text[start : start + CHUNK_CHARS].encode("utf-8", "surrogatepass")
        size += len(chunk)
        parts.append(comp.compress(chunk))
    parts.append(comp.flush())
    return b"".join(parts), size


def decompress_text(data: bytes | None) -> str:
    """The text :func:`compress_text` stored ("" for None)."""
    return zlib.decompress(data).decode("utf-8", "surrogatepass") if data else ""


def mask_ticket(ticket: object) -> str:
    """A ticket as the log keeps it: its first characters only (a live ticket is a key)."""
    text = str(ticket or "")
    return text[:TICKET_SHOWN] + "..." if len(text) > TICKET_SHOWN else text


def start_state(
    company: CompanyView, watermarks: dict[str, str], sync_state: SyncStateView | None = None
) -> dict[str, object]:
    """What a session starts from: the company's options and binding, the list watermarks and
    the engine's state (the UTC offset QuickBooks writes, on which the watermark ceiling
    depends, docs/sync.md; the last ID sweep; requests switched off for a while).

    Offline replay seeds a fresh store with it, so an incremental sync replays alone.
    """

    def iso(value: datetime | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "import_options": dict(company.import_options),
        "disabled_requests": list(company.disabled_requests),
        "first_sync_at": iso(company.first_sync_at),
        "last_success_at": iso(company.last_success_at),
        "sync_requested_at": iso(company.sync_requested_at),
        "delete_confirmed_at": iso(company.delete_confirmed_at),
        "bound_company_file": company.bound_company_file,
        "qb_country": company.qb_country,
        "qbxml_version": company.qbxml_version,
        "watermarks": dict(watermarks),
        "sync_state": None
        if sync_state is None
        else {
            "utc_offset_minutes": sync_state.utc_offset_minutes,
            "disabled": dict(sync_state.disabled),
            "last_sweep_at": iso(sync_state.last_sweep_at),
            "sweep_requested": sync_state.sweep_requested,
        },
    }


@dataclass(slots=True)
class _Call:
    operation: str
    params: list[list[object]]
    qbxml_in: str | None = None
    ticket: str | None = None
    username: str | None = None


@dataclass(frozen=True, slots=True)
class _Context:
    """What authenticate's record needs from before the call: the company its username names
    (None: no company) and that company's start state."""

    company_id: int | None
    state: dict[str, object] | None


class RecordingService(QbwcService):
    """The QBWC service with every call recorded in the sync log (``record_exchanges``)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # ticket hash -> (session id, company id): a ticket never changes session, so a hit
        # saves one query per call; a miss (another process served the call) just queries
        self._known: OrderedDict[str, tuple[int, int]] = OrderedDict()
        self._lock = threading.Lock()
        self.recording_seconds = 0.0  # time spent recording, for the benchmark

    # the recording seam --------------------------------------------------------------------------
    def _session_of(self, ticket: str | None) -> tuple[int, int] | None:
        if not ticket:
            return None
        key = credentials.hash_ticket(ticket)
        with self._lock:
            found = self._known.get(key)
        if found is not None:
            return found
        session = self.store.get_session(key)
        if session is None:
            return None
        found = (session.id, session.company_id)
        with self._lock:
            self._known[key] = found
            while len(self._known) > KNOWN_TICKETS:
                self._known.popitem(last=False)
        return found

    def _record(self, call: _Call, run: Callable[[], T]) -> T:
        """Run the call and record it. The record joins the call's unit of work (one
        transaction for both, in a savepoint so a record that cannot be written never fails
        the call); a failed call's unit is rolled back, so its record is written after it."""
        if not self.settings.record_exchanges:
            return run()
        at = self.clock.now()
        before: tuple[int, int] | None = None
        context: _Context | None = None
        answer: Any = None
        took = 0
        try:
            with self.store.unit(write=call.operation in WRITING_OPERATIONS):
                before = self._safely(lambda: self._session_of(call.ticket), None)
                if call.operation == "authenticate" and call.username:
                    context = self._safely(lambda: self._context(call.username or ""), None)
                started = time.perf_counter()
                try:
                    answer = run()
                finally:
                    took = int(round((time.perf_counter() - started) * 1000))
                self._safely(
                    lambda: self._store_in_savepoint(call, before, answer, took, at, context), None
                )
            return answer  # type: ignore[no-any-return]
        except Exception as exc:
            error = f"{type(exc).__name__}: the server failed answering {call.operation}"
            self._safely(lambda: self._store(call, before, None, error, took, at, context), None)
            raise

    def _store_in_savepoint(
        self,
        call: _Call,
        before: tuple[int, int] | None,
        answer: Any,
        took: int,
        at: datetime,
        found: _Context | None,
    ) -> None:
        # its statements are all Core (store._run), and one of them writes (record_exchange)
        with self.store.core_savepoint(one_write=True):
            self._store(call, before, answer, None, took, at, found)

    def _safely(self, fn: Callable[[], T], default: T) -> T:
        started = time.perf_counter()
        try:
            return fn()
        except Exception as exc:  # recording must never break a sync
            log.warning("sync log: recording failed (%s: %s)", type(exc).__name__, exc)
            return default
        finally:
            self.recording_seconds += time.perf_counter() - started

    def _context(self, username: str) -> _Context:
        company = self.store.find_company_by_username(username.strip())
        if company is None:
            return _Context(None, None)
        state = start_state(
            company, self.store.get_watermarks(company.id), self.store.get_sync_state(company.id)
        )
        return _Context(company.id, state)

    def _store(
        self,
        call: _Call,
        before: tuple[int, int] | None,
        answer: Any,
        error: str | None,
        took: int,
        at: datetime,
        found: _Context | None,
    ) -> None:
        session = before
        company_id: int | None = session[1] if session else None
        context = found.state if found else None
        if call.operation == "authenticate":
            if isinstance(answer, AuthAnswer) and answer.status not in REFUSED:
                session = self._session_of(answer.ticket)
            if session is not None:
                company_id = session[1]
            elif call.username:
                if found is None:  # the look-up before the call failed: try once more
                    company = self.store.find_company_by_username(call.username.strip())
                    found = _Context(company.id if company else None, None)
                company_id, context = found.company_id, None
        if company_id is None:
            return  # no known company: a stranger must not be able to fill the database
        shown: Any = answer
        qbxml_out: bytes | None = None
        raw_out = 0
        if isinstance(answer, AuthAnswer):
            shown = [mask_ticket(answer.ticket), *answer.as_list()[1:]]
        elif call.operation == "sendRequestXML" and isinstance(answer, str):
            qbxml_out, raw_out = compress_text(answer)
            shown = None
        qbxml_in, raw_in = compress_text(call.qbxml_in)
        self.store.record_exchange(
            NewExchange(
                company_id=company_id,
                session_id=session[0] if session else None,
                operation=call.operation,
                params=call.params,
                qbxml_in=qbxml_in,
                answer=shown,
                qbxml_out=qbxml_out,
                error=error,
                duration_ms=took,
                raw_bytes=raw_in + raw_out,
                at=at,
                context=context,
            )
        )

    @staticmethod
    def _call(operation: str, *params: tuple[str, object]) -> _Call:
        qbxml_name = QBXML_PARAMS.get(operation)
        shown: list[list[object]] = []
        qbxml_in = None
        ticket = username = None
        for name, value in params:
            if name == "strPassword":
                shown.append([name, MASK])
            elif name in TICKET_PARAMS:
                ticket = value if isinstance(value, str) else None
                shown.append([name, mask_ticket(value)])
            elif name == qbxml_name:
                qbxml_in = value if isinstance(value, str) else None
                shown.append([name, None])
            else:
                if name == "strUserName":
                    username = value if isinstance(value, str) else None
                shown.append([name, value])
        return _Call(operation, shown, qbxml_in=qbxml_in, ticket=ticket, username=username)

    # the 11 callbacks, same signatures as QbwcService ----------------------------------------------
    def server_version(self) -> str:
        return self._record(self._call("serverVersion"), super().server_version)

    def client_version(self, version: str | None) -> str:
        call = self._call("clientVersion", ("strVersion", version))
        return self._record(call, lambda: super(RecordingService, self).client_version(version))

    def authenticate(self, username: str | None, password: str | None, address: str) -> AuthAnswer:
        call = self._call("authenticate", ("strUserName", username), ("strPassword", password))
        return self._record(
            call, lambda: super(RecordingService, self).authenticate(username, password, address)
        )

    def send_request_xml(
        self,
        ticket: str | None,
        hcp_response: str | None,
        company_file: str | None,
        country: str | None,
        major: int | None,
        minor: int | None,
    ) -> str:
        call = self._call(
            "sendRequestXML",
            ("ticket", ticket),
            ("strHCPResponse", hcp_response),
            ("strCompanyFileName", company_file),
            ("qbXMLCountry", country),
            ("qbXMLMajorVers", major),
            ("qbXMLMinorVers", minor),
        )
        return self._record(
            call,
            lambda: super(RecordingService, self).send_request_xml(
                ticket, hcp_response, company_file, country, major, minor
            ),
        )

    def receive_response_xml(
        self, ticket: str | None, response: str | None, hresult: str | None, message: str | None
    ) -> int:
        call = self._call(
            "receiveResponseXML",
            ("ticket", ticket),
            ("response", response),
            ("hresult", hresult),
            ("message", message),
        )
        return self._record(
            call,
            lambda: super(RecordingService, self).receive_response_xml(
                ticket, response, hresult, message
            ),
        )

    def connection_error(self, ticket: str | None, hresult: str | None, message: str | None) -> str:
        call = self._call(
            "connectionError", ("ticket", ticket), ("hresult", hresult), ("message", message)
        )
        return self._record(
            call,
            lambda: super(RecordingService, self).connection_error(ticket, hresult, message),
        )

    def get_last_error(self, ticket: str | None) -> str:
        return self._record(
            self._call("getLastError", ("ticket", ticket)),
            lambda: super(RecordingService, self).get_last_error(ticket),
        )

    def close_connection(self, ticket: str | None) -> str:
        return self._record(
            self._call("closeConnection", ("ticket", ticket)),
            lambda: super(RecordingService, self).close_connection(ticket),
        )

    def get_interactive_url(self, ticket: str | None, session_id: str | None) -> str:
        call = self._call("getInteractiveURL", ("wcTicket", ticket), ("sessionID", session_id))
        return self._record(
            call, lambda: super(RecordingService, self).get_interactive_url(ticket, session_id)
        )

    def interactive_done(self, ticket: str | None) -> str:
        return self._record(
            self._call("interactiveDone", ("wcTicket", ticket)),
            lambda: super(RecordingService, self).interactive_done(ticket),
        )

    def interactive_rejected(self, ticket: str | None, reason: str | None) -> str:
        call = self._call("interactiveRejected", ("wcTicket", ticket), ("reason", reason))
        return self._record(
            call, lambda: super(RecordingService, self).interactive_rejected(ticket, reason)
        )
