"""The QBWC callbacks as plain methods: the protocol rules of DESIGN section 4.

``soap.py`` translates SOAP to these calls and back; this module knows neither spyne nor Flask.
The work itself (planning, requests, importing answers) is ``engine.SyncEngine``'s.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import qbxml

from .. import __version__
from ..clock import Clock, TicketSource
from ..settings import Settings
from . import credentials, messages
from .engine import SyncEngine

if TYPE_CHECKING:
    from ..store import CompanyView, SessionView, SqlStore

log = logging.getLogger(__name__)

NOT_VALID_USER = "nvu"
NO_WORK = "none"
BUSY = "busy"
DONE = "done"
OPEN = "open"
HRESULT_STOP_COUNT = 3


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
    return (ticket or "")[:8]


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
    def _throttled(self, username: str, address: str, now: datetime) -> bool:
        since = now - timedelta(seconds=self.settings.login_failure_window_seconds)
        by_user, by_address = self.store.count_login_failures(
            username=username, address=address, since=since
        )
        return (
            by_user >= self.settings.login_failures_per_user
            or by_address >= self.settings.login_failures_per_address
        )

    def _check_credentials(self, username: str, password: str) -> CompanyView | None:
        company = self.store.find_company_by_username(username) if username else None
        ok, new_hash = self.passwords.check(company.password_hash if company else None, password)
        if ok and new_hash and company is not None:  # an older (scrypt) hash: migrate it now
            self.store.update_company(company.id, password_hash=new_hash)
        return company if ok else None

    def authenticate(self, username: str | None, password: str | None, address: str) -> AuthAnswer:
        """Check the credentials and decide: ``nvu``, ``none``, ``busy`` or a new session."""
        username = (username or "").strip()
        now = self.clock.now()
        ticket = self.tickets.new_ticket()
        if self._throttled(username, address, now):
            log.warning("authenticate throttled for user %r from %s", username, address)
            self.store.record_login_failure(username=username, address=address, now=now)
            return AuthAnswer(ticket, NOT_VALID_USER)
        company = self._check_credentials(username, password or "")
        if company is None:
            log.info("authenticate refused for user %r from %s", username, address)
            self.store.record_login_failure(username=username, address=address, now=now)
            return AuthAnswer(ticket, NOT_VALID_USER)
        self.store.clear_login_failures(username=username, address=address)
        reason, state_data, plan = self.engine.plan(company, now)
        if reason is None:
            return AuthAnswer(ticket, NO_WORK)
        session = self.store.open_session(
            company_id=company.id,
            ticket_hash=credentials.hash_ticket(ticket),
            now=now,
            live_since=now - self._ttl,
            address=address,
            sync_requested_at=company.sync_requested_at,
            state_data=state_data,
            plan=plan,
        )
        if session is None:
            log.info("authenticate busy for company %s", company.id)
            return AuthAnswer(ticket, BUSY)
        log.info(
            "session %s opened for company %s (%s, %d requests planned)",
            _prefix(ticket),
            company.id,
            reason,
            len(plan),
        )
        return AuthAnswer(ticket, company.bound_company_file or "")

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

    def _unknown_ticket_text(self) -> str:
        return messages.UNKNOWN_TICKET.format(minutes=self.settings.ticket_ttl_seconds // 60)

    # sendRequestXML --------------------------------------------------------------------------
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
    def receive_response_xml(
        self, ticket: str | None, response: str | None, hresult: str | None, message: str | None
    ) -> int:
        """Percent done (0..100, monotonic), or negative when the session must stop."""
        session = self._live_session(ticket)
        if session is None:
            return -1
        now = self.clock.now()
        if hresult and hresult.strip():
            log.warning("session %s: hresult %s (%s)", _prefix(ticket), hresult, message)
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
    def connection_error(self, ticket: str | None, hresult: str | None, message: str | None) -> str:
        """Record why QuickBooks could not be opened, with guidance; always ``done``."""
        session = self._live_session(ticket)
        if session is None:
            return DONE
        now = self.clock.now()
        info = qbxml.describe_hresult((hresult or "").strip() or "0x00000000")
        text = messages.CONNECTION_ERROR.format(
            hresult=info.hresult, cause=info.cause, fix=info.fix
        )
        bound = self.store.get_company(session.company_id).bound_company_file
        if bound:
            text += messages.BOUND_FILE_HINT.format(bound=bound, company_id=session.company_id)
        log.warning("session %s: connectionError %s (%s)", _prefix(ticket), hresult, message)
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

    def get_last_error(self, ticket: str | None) -> str:
        """A human sentence naming the problem and the fix."""
        session = self._any_session(ticket)
        if session is None or session.state == "expired":
            return self._unknown_ticket_text()
        if session.state == OPEN:
            self.store.update_session(session.id, last_seen_at=self.clock.now())
        return session.last_error or messages.NO_ERROR

    def close_connection(self, ticket: str | None) -> str:
        """End the session and answer with a one-line summary."""
        session = self._any_session(ticket)
        if session is None or session.state == "expired":
            return messages.UNKNOWN_TICKET_CLOSE
        company = self.store.get_company(session.company_id)
        raw = session.state_data.get("blocked")
        blocked = raw if isinstance(raw, str) else None  # a blocked session sent nothing
        line = blocked or messages.summary_line(
            session.counts, session.errors, product=company.qb_product
        )
        if session.state != OPEN:
            return line
        now = self.clock.now()
        complete = bool(session.state_data.get("completed"))
        self.store.update_session(
            session.id, state="finished" if complete else "failed", ended_at=now, last_seen_at=now
        )
        if not complete:
            text = blocked or messages.SESSION_NOT_FINISHED
            self.store.update_company(session.company_id, last_error=text, last_error_at=now)
            if blocked is None:
                line = f"{line}; update not finished, it resumes next time"
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
