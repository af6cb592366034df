"""The QBWC callbacks as plain methods: the protocol rules of DESIGN section 4.

``soap.py`` translates SOAP to these calls and back; this module knows neither spyne nor Flask.
The work itself (planning, requests, importing answers) is ``engine.SyncEngine``'s.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Concatenate, ParamSpec, TypeVar

import qbxml

from .. import __version__
from ..clock import Clock, TicketSource
from ..errors import DatabaseUnavailableError
from ..logsafe import one_line, shown
from ..settings import Settings
from . import credentials, messages, planner
from .engine import SyncEngine

if TYPE_CHECKING:
    from ..store import CompanyView, SessionView, SqlStore

log = logging.getLogger(__name__)

NOT_VALID_USER = "nvu"
NO_WORK = "none"
BUSY = "busy"
DONE = "done"
OPEN = "open"
FAILED = "failed"
HRESULT_STOP_COUNT = 3
# What QBWC sends in hresult/message is kept (sync errors, logs) at most this long, on one line.
HRESULT_CHARS = 32
MESSAGE_CHARS = 500
# authenticate's postpone (seconds) when the server failed internally: try again a bit later.
RETRY_POSTPONE_SECONDS = 600
PURGE_EVERY = timedelta(minutes=1)
# Failures that could not be stored (the database was gone), kept per process for getLastError.
UNRECORDED_KEPT = 1000
# getLastError sentences that are not errors: closeConnection does not report them.
NOT_ERRORS = frozenset({messages.NO_PENDING_WORK, messages.NO_ERROR, "NoOp"})
# What each operation answers when it failed inside the server (its terminal answer).
FAILURE_ANSWERS: dict[str, object] = {
    "serverVersion": f"qbtime-sync {__version__}",
    "clientVersion": "",
    "sendRequestXML": "",
    "receiveResponseXML": -1,
    "connectionError": DONE,
    "getInteractiveURL": "",
    "interactiveDone": "Done",
    "interactiveRejected": messages.INTERACTIVE_NOT_USED,
}
# Refused authenticates get a signed ticket naming the outcome, so closeConnection (which QBWC
# calls for them too) can say what happened without a row stored per refused login.
REFUSAL_KINDS = frozenset({"nvu", "lock", "none", "busy", "db", "error"})


# Callbacks that write whenever their ticket is live: their unit begins as a write transaction.
WRITING_OPERATIONS = frozenset({"sendRequestXML", "receiveResponseXML", "connectionError"})
WRITING_METHODS = frozenset({"send_request_xml", "receive_response_xml", "connection_error"})
P = ParamSpec("P")
R = TypeVar("R")


def in_unit(
    method: Callable[Concatenate[QbwcService, P], R],
) -> Callable[Concatenate[QbwcService, P], R]:
    """Run a callback in one unit of work of the store: one transaction per SOAP call instead
    of one per store call (issue #15). A failure rolls the call's writes back; ``soap.py`` then
    answers it and ``answer_failure`` records the sentence in transactions of its own."""

    write = method.__name__ in WRITING_METHODS

    @functools.wraps(method)
    def run(self: QbwcService, *args: P.args, **kwargs: P.kwargs) -> R:
        with self.store.unit(write=write):
            return method(self, *args, **kwargs)

    return run


@dataclass(frozen=True, slots=True)
class AuthAnswer:
    """authenticate's four strings: ticket, status, postpone seconds, minimum run interval."""

    ticket: str
    status: str
    postpone: str = ""
    every_min: str = ""

    def as_list(self) -> list[str]:
        return [self.ticket, self.status, self.postpone, self.every_min]


def _version_tuple(text: str) -> tuple[int, ...] | None:
    try:
        return tuple(int(p) for p in text.strip().split("."))
    except ValueError:
        return None


def _prefix(ticket: str | None) -> str:
    """A ticket's first characters for a log line (the caller may have sent anything)."""
    return one_line((ticket or "")[:8], 32)


class QbwcService:
    """Answers every Web Connector callback from the store; holds no per-session memory."""

    def __init__(
        self, *, store: SqlStore, settings: Settings, clock: Clock, tickets: TicketSource
    ) -> None:
        self.store = store
        self.settings = settings
        self.clock = clock
        self.tickets = tickets
        self.passwords = credentials.GeneratedPasswords.of(store)
        self.engine = SyncEngine(store=store, settings=settings, clock=clock)
        installation = store.get_installation()
        secret = settings.secret_key or (installation.secret_key if installation else "")
        self._refusal_key = hashlib.sha256(
            b"qbtime-sync refused ticket\0" + (secret or secrets.token_hex(32)).encode("utf-8")
        ).digest()
        self._next_purge = clock.now()
        self._unrecorded: OrderedDict[str, str] = OrderedDict()
        self._unrecorded_lock = threading.Lock()

    @property
    def _ttl(self) -> timedelta:
        return timedelta(seconds=self.settings.ticket_ttl_seconds)

    # serverVersion / clientVersion ----------------------------------------------------------
    def server_version(self) -> str:
        """Product name and version, shown in QBWC's "More Information" pop-up."""
        return f"qbtime-sync {__version__}"

    def client_version(self, version: str | None) -> str:
        """``""`` to proceed, ``W:`` below the recommended QBWC version, ``E:`` below the minimum."""
        got = _version_tuple(version or "")
        if got is None:
            return ""
        minimum = _version_tuple(self.settings.min_client_version) or ()
        recommended = _version_tuple(self.settings.recommended_client_version) or ()
        if got < minimum:
            return messages.CLIENT_TOO_OLD.format(
                version=version, minimum=self.settings.min_client_version
            )
        if got < recommended:
            return messages.CLIENT_OLD.format(
                version=version, recommended=self.settings.recommended_client_version
            )
        return ""

    # authenticate ---------------------------------------------------------------------------
    def _failures(self, username: str, address: str, now: datetime) -> tuple[int, bool]:
        """The recent failures of (username, address), and whether the login is throttled."""
        since = now - timedelta(seconds=self.settings.login_failure_window_seconds)
        by_user, by_address = self.store.count_login_failures(
            username=username, address=address, since=since
        )
        return by_user, (
            by_user >= self.settings.login_failures_per_user
            or by_address >= self.settings.login_failures_per_address
        )

    def _record_failure(self, username: str, address: str, now: datetime) -> None:
        self.store.record_login_failure(username=username, address=address, now=now)
        if now >= self._next_purge:
            # Failures older than the window no longer count: nothing else needs them.
            window = timedelta(seconds=self.settings.login_failure_window_seconds)
            self.store.purge_login_failures(before=now - window)
            self._next_purge = now + PURGE_EVERY

    def _check_credentials(self, username: str, password: str) -> CompanyView | None:
        company = self.store.find_company_by_username(username) if username else None
        ok, new_hash = self.passwords.check(company.password_hash if company else None, password)
        if ok and new_hash and company is not None:  # an older (scrypt) hash: migrate it now
            self.store.update_company(company.id, password_hash=new_hash)
        return company if ok else None

    @in_unit
    def authenticate(self, username: str | None, password: str | None, address: str) -> AuthAnswer:
        """Check the credentials and decide: ``nvu``, ``none``, ``busy`` or a new session.

        A login refused by the throttle is neither checked nor counted, so a right password
        during a lock does not extend it.
        """
        username = (username or "").strip()
        address = one_line(address, 64)  # from X-Forwarded-For behind a trusted proxy
        now = self.clock.now()
        ticket = self.tickets.new_ticket()
        failures, throttled = self._failures(username, address, now)
        if throttled:
            log.warning("authenticate throttled for user %s from %s", shown(username), address)
            return AuthAnswer(self._sign(ticket, "lock"), NOT_VALID_USER)
        company = self._check_credentials(username, password or "")
        if company is None:
            log.info("authenticate refused for user %s from %s", shown(username), address)
            self._record_failure(username, address, now)
            return AuthAnswer(self._sign(ticket, NOT_VALID_USER), NOT_VALID_USER)
        if failures:  # older failures no longer count and are purged: nothing to forget
            self.store.clear_login_failures(username=username, address=address)
        reason, state_data, plan = self.engine.plan(company, now)
        if reason is None:
            return AuthAnswer(self._sign(ticket, NO_WORK, company.id), NO_WORK)
        session = self.store.open_session(
            company_id=company.id,
            ticket_hash=credentials.hash_ticket(ticket),
            now=now,
            live_since=now - self._ttl,
            address=address,
            sync_requested_at=company.sync_requested_at,
            state_data=state_data,
            plan=plan,
            takeover_since=now - timedelta(seconds=self.settings.session_takeover_seconds),
            superseded_error=messages.SUPERSEDED,
        )
        if session is None:
            log.info("authenticate busy for company %s", company.id)
            return AuthAnswer(self._sign(ticket, BUSY, company.id), BUSY)
        log.info(
            "session %s opened for company %s (%s, %d requests planned)",
            _prefix(ticket),
            company.id,
            reason,
            len(plan),
        )
        return AuthAnswer(ticket, company.bound_company_file or "")

    # refused tickets --------------------------------------------------------------------------
    def _mac(self, text: str) -> str:
        return hmac.new(self._refusal_key, text.encode("utf-8"), hashlib.sha256).hexdigest()[:24]

    def _sign(self, ticket: str, kind: str, company_id: int = 0) -> str:
        body = f"{ticket}.{kind}.{company_id}"
        return f"{body}.{self._mac(body)}"

    def _refusal(self, ticket: str | None) -> tuple[str, int] | None:
        """The outcome and company a refused authenticate's ticket names, if it is genuine."""
        parts = (ticket or "").rsplit(".", 3)
        if len(parts) != 4 or parts[1] not in REFUSAL_KINDS or not parts[2].isdigit():
            return None
        if not hmac.compare_digest(self._mac(".".join(parts[:3])), parts[3]):
            return None
        return parts[1], int(parts[2])

    def _refusal_text(self, kind: str, company_id: int) -> str:
        if kind == NOT_VALID_USER:
            return messages.NVU_CLOSE
        if kind == "lock":
            minutes = max(1, self.settings.login_failure_window_seconds // 60)
            return messages.THROTTLED_CLOSE.format(minutes=minutes)
        if kind == BUSY:
            return messages.BUSY_CLOSE
        if kind == "db":
            return messages.DATABASE_ERROR
        if kind == "error":
            return messages.AUTH_FAILED_INTERNALLY
        return messages.NONE_CLOSE.format(why=self._why_not_due(company_id))

    def _why_not_due(self, company_id: int) -> str:
        company = self.store.get_company(company_id)
        last = company.last_success_at
        if last is None:
            return messages.NONE_NO_COMPANY
        every = self.settings.run_every_n_minutes
        due = last + timedelta(minutes=every) - planner.POLL_SLACK
        return messages.NONE_NOT_DUE.format(
            last=f"{last:%Y-%m-%d %H:%M}",
            due=f"{due:%Y-%m-%d %H:%M}",
            every=every,
            company_id=company.id,
        )

    # failures inside the server ----------------------------------------------------------------
    def answer_failure(self, operation: str, ticket: str | None, exc: Exception) -> object:
        """The terminal answer of ``operation`` after ``exc``, with its sentence recorded.

        The session (when the ticket names a live one) is marked failed with the sentence, so
        getLastError and closeConnection tell what happened; when even that fails (the
        database is gone) they fail too and answer the database sentence themselves.
        """
        unreachable = isinstance(exc, DatabaseUnavailableError)
        text = messages.DATABASE_ERROR if unreachable else messages.INTERNAL_ERROR
        if operation == "authenticate":
            kind = "db" if unreachable else "error"
            return AuthAnswer(
                self._sign(self.tickets.new_ticket(), kind), NO_WORK, str(RETRY_POSTPONE_SECONDS)
            ).as_list()
        if operation in ("getLastError", "closeConnection"):
            return text
        if ticket and operation in ("sendRequestXML", "receiveResponseXML", "connectionError"):
            self._fail_session(ticket, text)
        return FAILURE_ANSWERS[operation]

    def _fail_session(self, ticket: str, text: str) -> None:
        try:
            with self.store.savepoint():  # inside a call's unit, a failure here must not end it
                session = self._any_session(ticket)
                if session is None or session.state != OPEN:
                    return
                now = self.clock.now()
                self.store.update_session(
                    session.id, state=FAILED, ended_at=now, last_seen_at=now, last_error=text
                )
                self.store.update_company(session.company_id, last_error=text, last_error_at=now)
        except Exception as exc:  # the database is still gone: remember it in this process
            log.warning(
                "session %s: could not record the failure (%s)", _prefix(ticket), shown(exc, 200)
            )
            with self._unrecorded_lock:
                self._unrecorded[credentials.hash_ticket(ticket)] = text
                while len(self._unrecorded) > UNRECORDED_KEPT:
                    self._unrecorded.popitem(last=False)

    def _take_unrecorded(self, ticket: str | None) -> str | None:
        """The failure sentence this process could not store for ``ticket``; stored now if the
        database is back (else remembered again)."""
        if not ticket or not self._unrecorded:
            return None
        with self._unrecorded_lock:
            text = self._unrecorded.pop(credentials.hash_ticket(ticket), None)
        if text is not None:
            self._fail_session(ticket, text)
        return text

    # session lookup --------------------------------------------------------------------------
    def _live_session(self, ticket: str | None) -> SessionView | None:
        if not ticket:
            return None
        session = self.store.get_session(credentials.hash_ticket(ticket))
        if session is None or session.state != OPEN:
            return None
        now = self.clock.now()
        if session.last_seen_at < now - self._ttl:
            self.store.update_session(
                session.id, state="expired", ended_at=now, last_error="The session expired."
            )
            return None
        return session

    def _any_session(self, ticket: str | None) -> SessionView | None:
        return self.store.get_session(credentials.hash_ticket(ticket)) if ticket else None

    def is_live_ticket(self, ticket: str) -> bool:
        """Whether ``ticket`` names an open, unexpired session (read only; for the body guard)."""
        session = self._any_session(ticket)
        return (
            session is not None
            and session.state == OPEN
            and session.last_seen_at >= self.clock.now() - self._ttl
        )

    def _unknown_ticket_text(self) -> str:
        return messages.UNKNOWN_TICKET.format(minutes=self.settings.ticket_ttl_seconds // 60)

    # sendRequestXML --------------------------------------------------------------------------
    @in_unit
    def send_request_xml(
        self,
        ticket: str | None,
        hcp_response: str | None,
        company_file: str | None,
        country: str | None,
        major: int | None,
        minor: int | None,
    ) -> str:
        """The next qbXML message set, or ``""`` with the reason kept for getLastError."""
        session = self._live_session(ticket)
        if session is None:
            return ""
        if session.qbxml_version is None:
            refused = self.engine.start(
                session,
                hcp_response or "",
                company_file or "",
                country or "",
                major or 0,
                minor or 0,
            )
            if refused is not None:
                return ""
            session = self._any_session(ticket) or session
        return self.engine.next_request(session)

    # receiveResponseXML ----------------------------------------------------------------------
    @in_unit
    def receive_response_xml(
        self, ticket: str | None, response: str | None, hresult: str | None, message: str | None
    ) -> int:
        """Percent done (0..100, monotonic), or negative when the session must stop."""
        session = self._live_session(ticket)
        if session is None:
            return -1
        now = self.clock.now()
        hresult, message = one_line(hresult, HRESULT_CHARS), one_line(message, MESSAGE_CHARS)
        if hresult and hresult.strip():
            log.warning(
                "session %s: hresult %s (%s)", _prefix(ticket), shown(hresult), shown(message)
            )
            progress, text = self.engine.take_hresult(session, hresult.strip(), message or "")
            if session.consecutive_hresults + 1 >= HRESULT_STOP_COUNT:
                info = qbxml.describe_hresult(hresult.strip())
                last = messages.TOO_MANY_HRESULTS.format(
                    hresult=info.hresult, cause=info.cause, fix=info.fix
                )
                self.store.update_session(session.id, state="failed", ended_at=now, last_error=last)
                self.store.update_company(session.company_id, last_error=last, last_error_at=now)
                return -1
            return progress
        try:
            return self.engine.take_response(session, response or "")
        except qbxml.QbxmlError as exc:
            text = messages.BAD_RESPONSE.format(detail=str(exc))
            log.warning("session %s: unreadable response: %s", _prefix(ticket), exc)
            self.store.update_session(
                session.id, last_error=text, errors=session.errors + 1, last_seen_at=now
            )
            return -1

    # connectionError / getLastError / closeConnection ---------------------------------------
    @in_unit
    def connection_error(self, ticket: str | None, hresult: str | None, message: str | None) -> str:
        """Record why QuickBooks could not be opened, with guidance; always ``done``."""
        session = self._live_session(ticket)
        if session is None:
            return DONE
        now = self.clock.now()
        hresult, message = one_line(hresult, HRESULT_CHARS), one_line(message, MESSAGE_CHARS)
        info = qbxml.describe_hresult((hresult or "").strip() or "0x00000000")
        text = messages.CONNECTION_ERROR.format(
            hresult=info.hresult, cause=info.cause, fix=info.fix
        )
        bound = self.store.get_company(session.company_id).bound_company_file
        if bound:
            text += messages.BOUND_FILE_HINT.format(bound=bound, company_id=session.company_id)
        log.warning(
            "session %s: connectionError %s (%s)", _prefix(ticket), shown(hresult), shown(message)
        )
        self.store.update_session(
            session.id,
            state="failed",
            ended_at=now,
            last_seen_at=now,
            last_error=text,
            errors=session.errors + 1,
        )
        self.store.update_company(session.company_id, last_error=text, last_error_at=now)
        self.store.record_sync_error(
            company_id=session.company_id,
            session_id=session.id,
            work_item_id=None,
            request_type="connectionError",
            status_code=info.hresult,
            record_ref=None,
            message=message or info.cause,
            fix=info.fix,
            now=now,
        )
        return DONE

    @in_unit
    def get_last_error(self, ticket: str | None) -> str:
        """A human sentence naming the problem and the fix."""
        unrecorded = self._take_unrecorded(ticket)
        if unrecorded is not None:
            return unrecorded
        session = self._any_session(ticket)
        if session is None:
            refusal = self._refusal(ticket)
            if refusal is not None:
                return self._refusal_text(*refusal)
            return self._unknown_ticket_text()
        if session.state == "expired":
            return self._unknown_ticket_text()
        if session.state == OPEN:
            self.store.update_session(session.id, last_seen_at=self.clock.now())
        return session.last_error or messages.NO_ERROR

    @in_unit
    def close_connection(self, ticket: str | None) -> str:
        """End the session and answer with a one-line summary of what happened."""
        self._take_unrecorded(ticket)
        session = self._any_session(ticket)
        if session is None:
            refusal = self._refusal(ticket)
            if refusal is not None:
                return self._refusal_text(*refusal)
            return messages.UNKNOWN_TICKET_CLOSE
        if session.state == "expired":
            return messages.UNKNOWN_TICKET_CLOSE
        if session.state == "superseded":
            return messages.SUPERSEDED
        closed = session.state_data.get("close_line")
        if isinstance(closed, str):  # a repeated closeConnection answers the same
            return closed
        company = self.store.get_company(session.company_id)
        raw = session.state_data.get("blocked")
        blocked = raw if isinstance(raw, str) else None  # a blocked session sent nothing
        summary = messages.summary_line(session.counts, session.errors, product=company.qb_product)
        error = session.last_error if session.last_error not in NOT_ERRORS else None
        now = self.clock.now()
        complete = bool(session.state_data.get("completed"))
        if blocked is not None:
            line = blocked
        elif session.state == FAILED:  # refused binding, connectionError, hresults, a failure
            line = messages.UPDATE_STOPPED.format(error=error or messages.SESSION_NOT_FINISHED)
            if session.counts.get("received") or session.counts.get("exported"):
                line = f"{summary}; {line[0].lower()}{line[1:]}"
        elif complete or session.state != OPEN:
            line = summary
        else:
            line = summary + messages.NOT_FINISHED_SUFFIX
            if error:
                line += f": {error}"
        changes: dict[str, object] = {"state_data": {**session.state_data, "close_line": line}}
        if session.state == OPEN:
            changes.update(state="finished" if complete else FAILED, ended_at=now, last_seen_at=now)
            if not complete:
                text = blocked or error or messages.SESSION_NOT_FINISHED
                self.store.update_company(session.company_id, last_error=text, last_error_at=now)
        self.store.update_session(session.id, **changes)
        log.info("session %s closed: %s", _prefix(ticket), line)
        return line

    # interactive mode (not used) ----------------------------------------------------------------
    def get_interactive_url(self, ticket: str | None, session_id: str | None) -> str:
        """Interactive mode is not used: no URL."""
        return ""

    def interactive_done(self, ticket: str | None) -> str:
        """Ends interactive mode at once."""
        return "Done"

    def interactive_rejected(self, ticket: str | None, reason: str | None) -> str:
        """Acknowledges a refused interactive session."""
        return messages.INTERACTIVE_NOT_USED
