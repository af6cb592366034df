"""SqlStore: every database operation the service needs, as short transactions.

Callers get plain records (``views.py``); SQLAlchemy errors leave this module as ``StoreError``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Select, Table, bindparam, case, delete, func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from ..errors import ConfigurationError, NotFoundError, StoreError
from ._base import StoreBase
from ._billing import BillingMixin
from ._client_setup import ClientSetupMixin
from ._firms import FirmsMixin
from ._health import HealthMixin
from ._lists import ListsMixin
from ._log import LogMixin
from ._payroll import PayrollMixin
from ._queue import QueueMixin, sync_state_view
from ._reads import ReadsMixin
from ._time import TimeMixin
from ._time_export import TimeExportMixin
from ._users import UsersMixin
from .models import Company, CompanySyncState, Firm, Installation, LoginFailure, SyncSession
from .views import CompanyView, InstallationView, NewWorkItem, SessionView

log = logging.getLogger(__name__)

OPEN = "open"
USERNAME_CHARS = 100  # login_failure.username
COMPANY_FIELDS = frozenset(
    {
        "password_hash",
        "sync_requested_at",
        "bound_company_file",
        "bound_file_stamp",
        "bound_qb_product",
        "qb_product",
        "qb_country",
        "qbxml_version",
        "last_success_at",
        "last_error_at",
        "last_error",
        "import_options",
        "disabled_requests",
        "first_sync_at",
        "delete_confirmed_at",
        "qb_company_name",
    }
)
SESSION_FIELDS = frozenset(
    {
        "state",
        "last_seen_at",
        "ended_at",
        "company_file",
        "qbxml_country",
        "qbxml_version",
        "hcp_response",
        "planned",
        "done",
        "progress",
        "consecutive_hresults",
        "counts",
        "errors",
        "last_error",
        "state_data",
        "bytes_received",
    }
)


def _company_view(row: Any) -> CompanyView:
    """A company's view, from an ORM object or a Core row of ``_company_row()`` (with
    ``firm_name``)."""
    core = not isinstance(row, Company)  # a Core row (SQLAlchemy's or _fast's) or _Prefixed
    firm = None if core else row.firm
    firm_name = row.firm_name if core else (firm.name if firm else None)
    return CompanyView(
        id=row.id,
        name=row.name,
        firm_name=firm_name,
        qbwc_username=row.qbwc_username,
        password_hash=row.password_hash,
        file_id=row.file_id,
        bound_company_file=row.bound_company_file,
        bound_qb_product=row.bound_qb_product,
        bound_file_stamp=row.bound_file_stamp,
        qb_product=row.qb_product,
        qb_country=row.qb_country,
        qbxml_version=row.qbxml_version,
        sync_requested_at=row.sync_requested_at,
        last_success_at=row.last_success_at,
        last_error_at=row.last_error_at,
        last_error=row.last_error,
        created_at=row.created_at,
        import_options=dict(row.import_options or {}),
        disabled_requests=tuple(row.disabled_requests or ()),
        first_sync_at=row.first_sync_at,
        delete_confirmed_at=row.delete_confirmed_at,
        qb_company_name=row.qb_company_name,
    )


_COMPANY = cast(Table, Company.__table__)
_FIRM = cast(Table, Firm.__table__)


def _company_row() -> Select[Any]:
    """A company's columns and its firm's name, in Core (no ORM object, no lazy firm load)."""
    return select(_COMPANY, _FIRM.c.name.label("firm_name")).outerjoin(
        _FIRM, _FIRM.c.id == _COMPANY.c.firm_id
    )


# _company_view's firm_name in a company's UPDATE ... RETURNING (SQLite and PostgreSQL allow
# a correlated subquery there)
_FIRM_NAME = (
    select(_FIRM.c.name)
    .where(_FIRM.c.id == _COMPANY.c.firm_id)
    .scalar_subquery()
    .label("firm_name")
)
_STATE = cast(Table, CompanySyncState.__table__)
_STATE_PREFIX = "state_"


def _company_and_state_row() -> Select[Any]:
    """``_company_row()`` with the company's sync state (``state_*``; NULL before the first
    session): most SOAP calls read both, and one statement reads them."""
    columns = ("id", "utc_offset_minutes", "disabled", "last_sweep_at", "sweep_requested")
    return (
        _company_row()
        .add_columns(*(_STATE.c[k].label(_STATE_PREFIX + k) for k in columns))
        .outerjoin(_STATE, _STATE.c.company_id == _COMPANY.c.id)
    )


_FAILURE = cast(Table, LoginFailure.__table__)


def _login_failures() -> Select[Any]:
    """(failures of the username at the address, failures at the address of usernames no
    company has) since ``since``: bind parameters ``username``, ``address``, ``since``."""
    known = select(_COMPANY.c.qbwc_username).where(_COMPANY.c.qbwc_username.is_not(None))
    same_user = case((_FAILURE.c.username == bindparam("username"), 1), else_=0)
    unknown_user = case((_FAILURE.c.username.not_in(known.scalar_subquery()), 1), else_=0)
    return select(
        func.coalesce(func.sum(same_user), 0).label("by_user"),
        func.coalesce(func.sum(unknown_user), 0).label("by_address"),
    ).where(_FAILURE.c.at >= bindparam("since"), _FAILURE.c.address == bindparam("address"))


# The per-call look-ups, built once with bind parameters (StoreBase._stmt)
_LOGIN_FAILURES = _login_failures()
_COMPANY_BY_ID = _company_and_state_row().where(_COMPANY.c.id == bindparam("company_id"))
_COMPANY_BY_USERNAME = _company_and_state_row().where(
    _COMPANY.c.qbwc_username == bindparam("username")
)
_COMPANY_BY_FILE_ID = _company_row().where(
    _COMPANY.c.file_id.in_([bindparam("bare"), bindparam("braced")])  # not expanding
)
_SESSION_TABLE = cast(Table, SyncSession.__table__)
_SESSION_BY_TICKET = select(_SESSION_TABLE).where(
    _SESSION_TABLE.c.ticket_hash == bindparam("ticket_hash")
)
_COMPANY_PREFIX = "co_"  # not "company_": the session has a company_id


def _session_with_company() -> Select[Any]:
    """The session by ticket with its company's row of ``_company_and_state_row()``, every
    column labelled ``co_*``: sendRequestXML, receiveResponseXML and closeConnection read the
    session, the company and its sync state, in one statement."""
    company = _company_and_state_row().subquery()
    return (
        select(_SESSION_TABLE, *(c.label(_COMPANY_PREFIX + c.key) for c in company.c))
        .join(company, company.c.id == _SESSION_TABLE.c.company_id)
        .where(_SESSION_TABLE.c.ticket_hash == bindparam("ticket_hash"))
    )


_SESSION_AND_COMPANY_BY_TICKET = _session_with_company()


class _Prefixed:
    """A joined row's columns of one table, by their own names (``co_name`` -> ``name``)."""

    __slots__ = ("_row", "_prefix")

    def __init__(self, row: Any, prefix: str) -> None:
        self._row, self._prefix = row, prefix

    def __getattr__(self, name: str) -> Any:
        return getattr(self._row, self._prefix + name)


def _session_view(row: Any) -> SessionView:
    """A session's view, from an ORM object or a Core row (the same names)."""
    return SessionView(
        id=row.id,
        company_id=row.company_id,
        state=row.state,
        started_at=row.started_at,
        last_seen_at=row.last_seen_at,
        ended_at=row.ended_at,
        client_address=row.client_address,
        company_file=row.company_file,
        qbxml_country=row.qbxml_country,
        qbxml_version=row.qbxml_version,
        planned=row.planned,
        done=row.done,
        progress=row.progress,
        consecutive_hresults=row.consecutive_hresults,
        errors=row.errors,
        last_error=row.last_error,
        counts=dict(row.counts or {}),
        state_data=dict(row.state_data or {}),
        sync_requested_at=row.sync_requested_at,
    )


class SqlStore(
    BillingMixin,
    ClientSetupMixin,
    ListsMixin,
    QueueMixin,
    ReadsMixin,
    LogMixin,
    UsersMixin,
    FirmsMixin,
    HealthMixin,
    TimeMixin,
    PayrollMixin,
    TimeExportMixin,
    StoreBase,
):
    """The store on a SQLAlchemy engine (SQLite or PostgreSQL).

    Companies, sessions and logins are here; lists, the work queue and the API's reads live in
    the mixins (``_lists.py``, ``_queue.py``, ``_reads.py``).
    """

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self._installation: InstallationView | None = None  # see get_installation

    # installation ----------------------------------------------------------------------------
    def get_installation(self) -> InstallationView | None:
        """The installation row, or None before ``qbtime init``.

        Once found it is kept: the row never changes after it is written
        (``ensure_installation`` returns an existing one unchanged), and each session's first
        sendRequestXML reads it."""
        if self._installation is not None:
            return self._installation
        with self._read() as s:
            row = s.scalars(select(Installation).order_by(Installation.id)).first()
            if row is None:
                return None
            self._installation = InstallationView(owner_id=row.owner_id, secret_key=row.secret_key)
            return self._installation

    def ensure_installation(
        self, *, owner_id: str, secret_key: str, now: datetime
    ) -> InstallationView:
        """Create the installation row once; later calls return the existing one unchanged."""
        with self._tx() as s:
            row = s.scalars(select(Installation).order_by(Installation.id)).first()
            if row is None:
                row = Installation(owner_id=owner_id, secret_key=secret_key, created_at=now)
                s.add(row)
            return InstallationView(owner_id=row.owner_id, secret_key=row.secret_key)

    # companies -------------------------------------------------------------------------------
    def add_company(
        self,
        *,
        name: str,
        firm_name: str | None,
        username: str,
        password_hash: str,
        file_id: str,
        now: datetime,
    ) -> CompanyView:
        """Create a company (and its firm, when named and new).

        :raises ConfigurationError: the QBWC username is taken.
        """
        try:
            with self._tx() as s:
                firm = None
                if firm_name:
                    firm = s.scalars(select(Firm).where(Firm.name == firm_name)).first()
                    if firm is None:
                        firm = Firm(name=firm_name, created_at=now)
                        s.add(firm)
                row = Company(
                    name=name,
                    firm=firm,
                    qbwc_username=username,
                    password_hash=password_hash,
                    file_id=file_id,
                    import_options={},
                    disabled_requests=[],
                    created_at=now,
                )
                s.add(row)
                s.flush()
                return _company_view(row)
        except StoreError as exc:
            if isinstance(exc.__cause__, IntegrityError):
                raise ConfigurationError(f"the QBWC username {username!r} is already used") from exc
            raise

    def list_companies(self) -> list[CompanyView]:
        """Every company, by id."""
        with self._read() as s:
            return [_company_view(r) for r in s.scalars(select(Company).order_by(Company.id))]

    def get_company(self, company_id: int) -> CompanyView:
        """One company.

        :raises NotFoundError: no company has that id.
        """
        return self._cached("company", company_id, lambda: self._load_company(company_id))

    def _load_company(self, company_id: int) -> CompanyView:
        with self._read() as s:  # a Core row: most SOAP calls read the company
            row = self._run(s, _COMPANY_BY_ID, {"company_id": company_id}).first()
            if row is None:
                raise NotFoundError(f"no company with id {company_id}")
            return self._company_and_state(row)

    def _company_and_state(self, row: Any) -> CompanyView:
        """The company's view; inside a unit it is cached by id (a look-up by username is
        followed by ones by id) and so is its sync state, read in the same row, for
        ``get_sync_state``."""
        view = _company_view(row)
        unit = self._unit()
        if unit is not None:
            unit.cache["company_sync_state", row.id] = sync_state_view(row.id, row, _STATE_PREFIX)
            unit.cache["company", row.id] = view
        return view

    def find_company_by_username(self, username: str) -> CompanyView | None:
        """The company whose QBWC username is ``username``, if any."""

        def load() -> CompanyView | None:
            with self._read() as s:
                row = self._run(s, _COMPANY_BY_USERNAME, {"username": username}).first()
                return self._company_and_state(row) if row else None

        return self._cached("company", ("username", username), load)

    def find_company_by_file_id(self, file_id: str) -> CompanyView | None:
        """The company whose .qwc FileID is ``file_id`` (braces and case ignored), if any."""
        key = file_id.strip().strip("{}").upper()
        with self._read() as s:  # a Core row: each session's first sendRequestXML asks
            params = {"bare": key, "braced": "{" + key + "}"}
            row = self._run(s, _COMPANY_BY_FILE_ID, params).first()
            return _company_view(row) if row else None

    def update_company(self, company_id: int, **changes: Any) -> CompanyView:
        """Change some columns of a company.

        :raises NotFoundError: no company has that id.
        """
        view = self._update(
            Company,
            company_id,
            COMPANY_FIELDS,
            changes,
            _company_view,
            columns_only=True,  # a Core UPDATE ... RETURNING: the sync engine's calls run it
            returning=(_FIRM_NAME,),
        )
        unit = self._unit()
        if unit is not None:
            unit.cache["company", company_id] = view  # the row as written: no re-read
        return view

    # login throttling ------------------------------------------------------------------------
    def count_login_failures(
        self, *, username: str, address: str, since: datetime
    ) -> tuple[int, int]:
        """Failures since ``since`` for (username, address), and for the address alone counting
        only usernames no company has.

        A wrong password for one company does not count against the others at that address (an
        accounting firm's one PC syncs many companies); guessing usernames does.
        """
        username = username[:USERNAME_CHARS]  # as record_login_failure stores it
        with self._read() as s:  # one statement, built once: authenticate runs it on every call
            params = {"username": username, "address": address, "since": since}
            row: Any = self._run(s, _LOGIN_FAILURES, params).one()
            return int(row[0] or 0), int(row[1] or 0)

    def record_login_failure(self, *, username: str, address: str, now: datetime) -> None:
        """Remember one failed authenticate."""
        with self._tx() as s:
            s.add(LoginFailure(username=username[:USERNAME_CHARS], address=address[:64], at=now))

    def clear_login_failures(self, *, username: str, address: str) -> None:
        """Forget the failures of a user who has now logged in from that address."""
        with self._tx() as s:
            s.execute(
                delete(LoginFailure).where(
                    LoginFailure.username == username, LoginFailure.address == address
                )
            )

    def purge_login_failures(self, *, before: datetime) -> int:
        """Delete failures older than ``before``; returns how many."""
        with self._tx() as s:
            result = s.execute(delete(LoginFailure).where(LoginFailure.at < before))
            return int(result.rowcount or 0)  # type: ignore[attr-defined]

    # sessions --------------------------------------------------------------------------------
    def open_session(
        self,
        *,
        company_id: int,
        ticket_hash: str,
        now: datetime,
        live_since: datetime,
        address: str | None,
        sync_requested_at: datetime | None,
        state_data: Mapping[str, object],
        plan: Sequence[NewWorkItem] = (),
        takeover_since: datetime | None = None,
        superseded_error: str = "A newer session took over.",
    ) -> SessionView | None:
        """Start a session with its planned work unless the company has a live one (then None:
        answer ``busy``).

        Sessions idle since before ``live_since`` are marked expired first; open sessions not
        called since ``takeover_since`` (a dropped connection: the Web Connector runs one
        session per application at a time) end as ``superseded`` with ``superseded_error``, and
        their tickets stop working. The company row is
        locked (FOR UPDATE on PostgreSQL; BEGIN IMMEDIATE on SQLite) so two Web Connectors of
        one company cannot both start. Unfinished items of earlier sessions are retired and the
        plan queued in the same transaction.
        """
        with self._tx() as s:
            company = s.scalars(
                select(Company).where(Company.id == company_id).with_for_update()
            ).first()
            if company is None:
                raise NotFoundError(f"no company with id {company_id}")
            s.execute(
                update(SyncSession)
                .where(
                    SyncSession.company_id == company_id,
                    SyncSession.state == OPEN,
                    SyncSession.last_seen_at < live_since,
                )
                .values(state="expired", ended_at=now, last_error="The session expired.")
            )
            if takeover_since is not None:
                s.execute(
                    update(SyncSession)
                    .where(
                        SyncSession.company_id == company_id,
                        SyncSession.state == OPEN,
                        SyncSession.last_seen_at < takeover_since,
                    )
                    .values(state="superseded", ended_at=now, last_error=superseded_error)
                )
            live = s.scalar(
                select(func.count()).where(
                    SyncSession.company_id == company_id, SyncSession.state == OPEN
                )
            )
            if live:
                return None
            row = SyncSession(
                company_id=company_id,
                ticket_hash=ticket_hash,
                state=OPEN,
                started_at=now,
                last_seen_at=now,
                client_address=(address or "")[:64] or None,
                planned=len(plan),
                done=0,
                progress=0,
                consecutive_hresults=0,
                counts={},
                errors=0,
                state_data=dict(state_data),
                sync_requested_at=sync_requested_at,
                bytes_received=0,
            )
            s.add(row)
            s.flush()
            self._plan_items(s, company_id, row.id, plan, now)
            return _session_view(row)

    def get_session(self, ticket_hash: str) -> SessionView | None:
        """The session with that ticket hash, in whatever state."""
        unit = self._unit()
        with self._read() as s:  # a Core row, not an ORM object: every SOAP call runs it
            if unit is None:
                row = self._run(s, _SESSION_BY_TICKET, {"ticket_hash": ticket_hash}).first()
                return _session_view(row) if row else None
            # in a unit the call goes on to read the company and its sync state: read them too
            query = _SESSION_AND_COMPANY_BY_TICKET
            row = self._run(s, query, {"ticket_hash": ticket_hash}).first()
            if row is None:
                return None
            self._company_and_state(_Prefixed(row, _COMPANY_PREFIX))  # into the unit's cache
            return _session_view(row)

    def update_session(self, session_id: int, **changes: Any) -> SessionView:
        """Change some columns of a session."""
        return self._update(
            SyncSession, session_id, SESSION_FIELDS, changes, _session_view, columns_only=True
        )

    def list_sessions(self, company_id: int, *, limit: int = 50) -> list[SessionView]:
        """The company's most recent sessions, newest first."""
        with self._read() as s:
            rows = s.scalars(
                select(SyncSession)
                .where(SyncSession.company_id == company_id)
                .order_by(SyncSession.id.desc())
                .limit(limit)
            )
            return [_session_view(r) for r in rows]

    # login locks, for `qbtime company show` and `qbtime company unlock` ---------------------
    def list_login_failures(self, *, username: str, since: datetime) -> list[tuple[str, datetime]]:
        """The username's failed logins since ``since``, as (address, time), oldest first."""
        with self._tx() as s:
            rows = s.execute(
                select(LoginFailure.address, LoginFailure.at)
                .where(LoginFailure.username == username, LoginFailure.at >= since)
                .order_by(LoginFailure.at, LoginFailure.id)
            )
            return [(address, at) for address, at in rows]

    def delete_login_failures(self, *, username: str) -> int:
        """Forget every failed login of ``username`` (from any address); returns how many."""
        with self._tx() as s:
            result = s.execute(delete(LoginFailure).where(LoginFailure.username == username))
            return int(result.rowcount or 0)  # type: ignore[attr-defined]
