"""FakeWebConnector: drives a server's ``/qbwc`` over real HTTP exactly like QBWC does.

The call sequence follows QBWC-NOTES A.1.3 and the recorded 2008 session: serverVersion,
clientVersion, authenticate, then sendRequestXML (strHCPResponse on the first call only) /
QuickBooks / receiveResponseXML until 100 or a negative percent, getLastError after ``""`` or a
negative percent (``NoOp`` pauses), connectionError when the company file cannot be opened, and
closeConnection. Faults (:class:`Fault`) inject drops, hresults, duplicates and stalls.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from .quickbooks import FakeQuickBooks, ProcessRequestError
from .soapclient import SoapClient, SoapError

__all__ = [
    "Call",
    "Fault",
    "FakeWebConnector",
    "Outcome",
    "SessionTranscript",
]

FaultKind = Literal["drop_before_processing", "drop_after_commit", "hresult", "duplicate", "stall"]
Outcome = Literal[
    "finished",  # receiveResponseXML reached 100
    "stopped",  # a negative percent, or sendRequestXML "" and getLastError's text, ended it
    "no_work",
    "not_valid_user",
    "busy",
    "postponed",
    "client_refused",  # clientVersion answered E: or O:
    "connection_error",  # QuickBooks could not open the company file
    "dropped",  # a fault dropped the connection mid-session
    "error",  # SOAP fault, HTTP error or transport failure
]
NOOP = "NoOp"
INTERACTIVE = "Interactive mode"
MAX_NOOPS = 12
MAX_OPEN_RETRIES = 2


@dataclass(frozen=True, slots=True, kw_only=True)
class Fault:
    """One injected failure, at the ``at``-th qbXML message set of a session (1-based).

    * ``drop_before_processing``: the connection drops after sendRequestXML, before QuickBooks
      runs the request; the session is abandoned (no further call).
    * ``drop_after_commit``: QuickBooks runs (commits) the request, then the connection drops
      before receiveResponseXML.
    * ``hresult``: QuickBooks' ProcessRequest fails: receiveResponseXML gets an empty response,
      ``hresult`` and ``message`` (the request is not run).
    * ``duplicate``: ``operation`` (sendRequestXML or receiveResponseXML) is sent twice.
    * ``stall``: wait ``seconds`` (through the connector's ``sleep``) before receiveResponseXML.
    """

    kind: FaultKind
    at: int = 1
    hresult: str = "0x80040400"
    message: str = "QuickBooks found an error when parsing the provided XML text stream."
    operation: Literal["sendRequestXML", "receiveResponseXML"] = "receiveResponseXML"
    seconds: float = 0.0


@dataclass(frozen=True, slots=True, kw_only=True)
class Call:
    """One SOAP call: operation, parameters in wire order (password masked), answer or error."""

    operation: str
    params: tuple[tuple[str, str | int], ...]
    answer: str | int | list[str] | None = None
    error: str | None = None
    http_status: int | None = None
    seconds: float = 0.0

    @property
    def param_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.params)


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionTranscript:
    """What one Web Connector run did and saw."""

    calls: tuple[Call, ...]
    percentages: tuple[int, ...]
    outcome: Outcome
    ticket: str = ""
    auth_status: str = ""
    postpone_seconds: int | None = None
    min_run_every_seconds: int | None = None
    client_warning: str | None = None
    last_error: str | None = None
    summary: str | None = None
    message_sets: int = 0

    @property
    def operations(self) -> tuple[str, ...]:
        return tuple(c.operation for c in self.calls)


@dataclass(slots=True)
class _Run:
    faults: Sequence[Fault]
    calls: list[Call] = field(default_factory=list)
    percentages: list[int] = field(default_factory=list)
    info: dict[str, object] = field(default_factory=dict)
    message_sets: int = 0

    def fault(self, kind: FaultKind, n: int) -> Fault | None:
        return next((f for f in self.faults if f.kind == kind and f.at == n), None)


class _Abort(Exception):
    """A call failed at the transport or SOAP level: QBWC shows an error and stops."""


def _int_or_none(text: str) -> int | None:
    try:
        return int(text.strip()) if text.strip() else None
    except ValueError:
        return None


class FakeWebConnector:
    """A Web Connector with one application (.qwc) added, bound to one FakeQuickBooks.

    :param url: the server's SOAP endpoint (``.../qbwc``).
    :param owner_id: the .qwc's OwnerID; with ``file_id`` QBWC stamps the FileID DataExt into
        the company file the first time it connects, and asks for it in the HCP CompanyQuery.
    :param sleep: how pauses are taken (NoOp, stalls); tests pass a fake that moves a clock.
    :param keep_alive: one connection for the whole session, as QBWC keeps it when it talks to
        the server directly; ``False``: a connection per call, as the server sees QBWC through
        a proxy that opens one per request (nginx's default).
    """

    def __init__(
        self,
        url: str,
        username: str,
        password: str,
        quickbooks: FakeQuickBooks,
        *,
        owner_id: str | None = None,
        file_id: str | None = None,
        qbwc_version: str = "2.3.0.215",
        faults: Sequence[Fault] = (),
        sleep: Callable[[float], None] = time.sleep,
        timeout: float = 60.0,
        max_message_sets: int = 100_000,
        keep_alive: bool = True,
    ) -> None:
        self.url = url
        self.username = username
        self.password = password
        self.quickbooks = quickbooks
        self.owner_id = owner_id
        self.file_id = file_id
        self.qbwc_version = qbwc_version
        self.faults = tuple(faults)
        self.sleep = sleep
        self.max_message_sets = max_message_sets
        self.client = SoapClient(url, timeout=timeout, keep_alive=keep_alive)

    # one SOAP call ---------------------------------------------------------------------------
    def _call(
        self, run: _Run, operation: str, *params: tuple[str, str | int]
    ) -> str | int | list[str]:
        shown = tuple((k, "***" if k == "strPassword" else v) for k, v in params)
        started = time.perf_counter()
        try:
            answer = self.client.call(operation, params)
        except SoapError as exc:
            took = time.perf_counter() - started
            run.calls.append(
                Call(
                    operation=operation,
                    params=shown,
                    error=str(exc),
                    http_status=exc.http_status,
                    seconds=took,
                )
            )
            raise _Abort(str(exc)) from exc
        except OSError as exc:
            took = time.perf_counter() - started
            run.calls.append(Call(operation=operation, params=shown, error=repr(exc), seconds=took))
            raise _Abort(repr(exc)) from exc
        took = time.perf_counter() - started
        run.calls.append(
            Call(operation=operation, params=shown, answer=answer, http_status=200, seconds=took)
        )
        return answer

    def _close(self, run: _Run, ticket: str) -> None:
        run.info["summary"] = str(self._call(run, "closeConnection", ("ticket", ticket)))

    def _last_error(self, run: _Run, ticket: str) -> str:
        text = str(self._call(run, "getLastError", ("ticket", ticket)))
        run.info["last_error"] = text
        return text

    # the session -------------------------------------------------------------------------------
    def run(self, *, faults: Sequence[Fault] | None = None) -> SessionTranscript:
        """Run one update (what "Update Selected" does) and return its transcript."""
        run = _Run(faults=self.faults if faults is None else tuple(faults))
        try:
            outcome = self._session(run)
        except _Abort:
            outcome = "error"
        finally:
            self.client.close()  # the session's connection (QBWC's pool keeps it a while)
            self.quickbooks.end_session()
        info = run.info
        return SessionTranscript(
            calls=tuple(run.calls),
            percentages=tuple(run.percentages),
            outcome=outcome,
            ticket=str(info.get("ticket", "")),
            auth_status=str(info.get("auth_status", "")),
            postpone_seconds=info.get("postpone"),  # type: ignore[arg-type]
            min_run_every_seconds=info.get("every_min"),  # type: ignore[arg-type]
            client_warning=info.get("client_warning"),  # type: ignore[arg-type]
            last_error=info.get("last_error"),  # type: ignore[arg-type]
            summary=info.get("summary"),  # type: ignore[arg-type]
            message_sets=run.message_sets,
        )

    def _session(self, run: _Run) -> Outcome:
        self._call(run, "serverVersion")
        answer = str(self._call(run, "clientVersion", ("strVersion", self.qbwc_version)))
        if answer[:2] in ("E:", "O:"):
            run.info["client_warning"] = answer
            return "client_refused"
        if answer.startswith("W:"):
            run.info["client_warning"] = answer  # the user chooses to continue
        auth = self._call(
            run, "authenticate", ("strUserName", self.username), ("strPassword", self.password)
        )
        items = [*(auth if isinstance(auth, list) else [str(auth)]), "", "", "", ""][:4]
        ticket, status = items[0], items[1]
        run.info.update(ticket=ticket, auth_status=status)
        run.info.update(postpone=_int_or_none(items[2]), every_min=_int_or_none(items[3]))
        lowered = status.strip().lower()
        if lowered in ("nvu", "none", "busy"):
            self._close(run, ticket)
            return {"nvu": "not_valid_user", "none": "no_work", "busy": "busy"}[lowered]  # type: ignore[return-value]
        postpone = run.info["postpone"]
        if isinstance(postpone, int) and postpone > 0:
            self._close(run, ticket)  # "Update postponed by application"
            return "postponed"
        if not self._open_company(run, ticket, status):
            return "connection_error"
        return self._exchange(run, ticket)

    def _open_company(self, run: _Run, ticket: str, path: str) -> bool:
        """OpenConnection + BeginSession; connectionError (at most twice retried) on failure."""
        for attempt in range(MAX_OPEN_RETRIES + 1):
            failure = self.quickbooks.open_company(path)
            if failure is None:
                self._stamp_file()
                return True
            hresult, message = failure
            answer = str(
                self._call(
                    run,
                    "connectionError",
                    ("ticket", ticket),
                    ("hresult", hresult),
                    ("message", message),
                )
            )
            if answer.strip().lower() == "done" or attempt == MAX_OPEN_RETRIES:
                self._last_error(run, ticket)
                self._close(run, ticket)
                return False
            path = answer  # any other string is the company file to try next
        return False  # pragma: no cover - the loop always returns

    def _stamp_file(self) -> None:
        company = self.quickbooks.company
        if self.owner_id and self.file_id:
            mine = [
                d
                for d in company.data_ext
                if d.name == "FileID" and (d.owner_id or "").casefold() == self.owner_id.casefold()
            ]
            if not mine:  # QBWC stamps the FileID only the first time it connects
                company.stamp_data_ext(self.owner_id, "FileID", self.file_id)

    def _send(self, run: _Run, ticket: str, hcp: str, n: int) -> str:
        qb = self.quickbooks
        version = qb.max_version
        params = (
            ("ticket", ticket),
            ("strHCPResponse", hcp),
            ("strCompanyFileName", qb.company.path),
            ("qbXMLCountry", qb.country),
            ("qbXMLMajorVers", version.major),
            ("qbXMLMinorVers", version.minor),
        )
        dup = run.fault("duplicate", n)
        if dup is not None and dup.operation == "sendRequestXML":
            self._call(run, "sendRequestXML", *params)
        return str(self._call(run, "sendRequestXML", *params))

    def _exchange(self, run: _Run, ticket: str) -> Outcome:
        hcp = self.quickbooks.hcp_response(self.owner_id)
        noops = 0
        while True:
            n = run.message_sets + 1
            request = self._send(run, ticket, hcp, n)
            hcp = ""  # strHCPResponse goes with the first sendRequestXML only
            if not request:
                text = self._last_error(run, ticket)
                if text == NOOP and noops < MAX_NOOPS:
                    noops += 1
                    self.sleep(5.0)
                    continue
                self._close(run, ticket)  # QBWC shows the text as the update's result
                return "stopped"
            run.message_sets = n
            if run.fault("drop_before_processing", n):
                return "dropped"
            response, hresult, message = self._process(run, request, n)
            if run.fault("drop_after_commit", n):
                return "dropped"
            stall = run.fault("stall", n)
            if stall is not None:
                self.sleep(stall.seconds)
            percent = self._receive(run, ticket, response, hresult, message, n)
            run.percentages.append(percent)
            if percent < 0:
                self._last_error(run, ticket)
                self._close(run, ticket)
                return "stopped"
            if percent >= 100:
                self._close(run, ticket)
                return "finished"
            if n >= self.max_message_sets:  # a runaway server: give up like a user would
                self._close(run, ticket)
                return "stopped"

    def _process(self, run: _Run, request: str, n: int) -> tuple[str, str, str]:
        forced = run.fault("hresult", n)
        if forced is not None:
            return "", forced.hresult, forced.message
        try:
            return self.quickbooks.process(request), "", ""
        except ProcessRequestError as exc:
            return "", exc.hresult, exc.message

    def _receive(
        self, run: _Run, ticket: str, response: str, hresult: str, message: str, n: int
    ) -> int:
        params = (
            ("ticket", ticket),
            ("response", response),
            ("hresult", hresult),
            ("message", message),
        )
        dup = run.fault("duplicate", n)
        if dup is not None and dup.operation == "receiveResponseXML":
            self._call(run, "receiveResponseXML", *params)
        answer = self._call(run, "receiveResponseXML", *params)
        return answer if isinstance(answer, int) else -1


class AddedCompany(Protocol):
    """What :func:`run_update` needs of a company the server added (``admin.NewCompany``)."""

    @property
    def password(self) -> str: ...

    @property
    def company(self) -> Any: ...  # its qbwc_username and file_id


def run_update(
    url: str, added: AddedCompany, quickbooks: FakeQuickBooks, *, owner_id: str, **kw: Any
) -> SessionTranscript:
    """One Web Connector update of a company the server added (its .qwc's username, password
    and FileID, and the installation's OwnerID) against ``url`` (the server's ``/qbwc``);
    QuickBooks' session, and its iterators, end with it. ``kw``: FakeWebConnector's options."""
    connector = FakeWebConnector(
        url,
        added.company.qbwc_username,
        added.password,
        quickbooks,
        owner_id=owner_id,
        file_id=added.company.file_id,
        **kw,
    )
    try:
        return connector.run()
    finally:
        quickbooks.end_session()
