"""Admin users of the web pages, their roles and what each may see (DESIGN sections 3 and 10).

A user has one role (``owner``, ``admin`` or ``support``) on one firm or on one company; every
read here takes the user's scope, so a page can only ever reach companies that scope allows.
Also the company set-up wizard's facts and the reads behind the admin pages. Must not import
flask or spyne.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import and_, func, select, true, update
from sqlalchemy.orm import Session

from ..errors import ConfigurationError, NotFoundError
from ._base import StoreBase
from ._firms import scope_filter
from .models import (
    AdminUser,
    Company,
    CompanySetup,
    Customer,
    Firm,
    ServiceItem,
    SyncSession,
    TeamMember,
    TimeEntry,
    WorkItem,
)
from .views import CompanyView

Role = Literal["owner", "admin", "support"]
ROLES: tuple[Role, ...] = ("owner", "admin", "support")
# time entries that are approved and still have to reach QuickBooks
WAITING_EXPORT = ("pending", "needs_update", "needs_delete")
TREE_LIMIT = 5000


@dataclass(frozen=True, slots=True, kw_only=True)
class AdminUserView:
    """An admin user; ``firm_id`` or ``company_id`` is the scope of the role."""

    id: int
    email: str
    password_hash: str
    role: str
    firm_id: int | None
    firm_name: str | None
    company_id: int | None
    must_change_password: bool
    session_version: int
    created_at: datetime
    password_changed_at: datetime | None


@dataclass(frozen=True, slots=True, kw_only=True)
class CompanyStatus:
    """One row of the firm dashboard: a company and the facts of its sync status."""

    company: CompanyView
    live_session_progress: int | None
    """The progress of an open session, None when no session is open."""
    unfinished_work: bool
    approved_waiting: int
    """Approved time entries not yet in QuickBooks."""
    blocked_entries: int
    """Time entries whose export failed (``export_state`` error)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CompanySetupView:
    """What the set-up wizard remembers of a company."""

    company_id: int
    password_shown_at: datetime | None
    qwc_downloaded_at: datetime | None
    checklist_done_at: datetime | None
    payroll_done_at: datetime | None = None
    options_done_at: datetime | None = None
    client_admin_done_at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class TimeEntryRow:
    """A time entry as the admin pages list it, with the names it refers to."""

    id: int
    uuid: str
    team_member_id: int
    team_member: str
    work_date: date
    duration_seconds: int
    customer: str | None
    service_item: str | None
    hour_type: str
    notes: str | None
    billable: bool
    state: str
    export_state: str
    export_error: str | None
    locked: bool
    qb_txn_id: str | None
    updated_at: datetime


def _user_view(row: AdminUser) -> AdminUserView:
    return AdminUserView(
        id=row.id,
        email=row.email,
        password_hash=row.password_hash,
        role=row.role,
        firm_id=row.firm_id,
        firm_name=row.firm.name if row.firm else None,
        company_id=row.company_id,
        must_change_password=bool(row.must_change_password),
        session_version=int(row.session_version or 0),
        created_at=row.created_at,
        password_changed_at=row.password_changed_at,
    )


def _setup_view(company_id: int, row: CompanySetup | None) -> CompanySetupView:
    return CompanySetupView(
        company_id=company_id,
        password_shown_at=row.password_shown_at if row else None,
        qwc_downloaded_at=row.qwc_downloaded_at if row else None,
        checklist_done_at=row.checklist_done_at if row else None,
        payroll_done_at=row.payroll_done_at if row else None,
        options_done_at=row.options_done_at if row else None,
        client_admin_done_at=row.client_admin_done_at if row else None,
    )


SETUP_FACTS = (
    "password_shown_at",
    "qwc_downloaded_at",
    "checklist_done_at",
    "payroll_done_at",
    "options_done_at",
    "client_admin_done_at",
)


def normalise_email(email: str) -> str:
    """Emails compare without surrounding spaces and case."""
    return email.strip().lower()


class UsersMixin(StoreBase):
    """Admin users, their scope, the wizard's facts and the admin pages' reads."""

    # users -----------------------------------------------------------------------------------
    def add_admin_user(
        self,
        *,
        email: str,
        password_hash: str,
        role: str,
        firm_name: str | None,
        company_id: int | None,
        now: datetime,
    ) -> AdminUserView:
        """Create a user with a one-time password, on a firm (created when new) or a company.

        :raises ConfigurationError: the email is taken, the role is unknown, or not exactly one
            of firm and company is given.
        :raises NotFoundError: no company has that id.
        """
        email = normalise_email(email)
        if role not in ROLES:
            raise ConfigurationError(f"a role is one of {', '.join(ROLES)}, not {role!r}")
        if (firm_name is None) == (company_id is None):
            raise ConfigurationError("give a user either a firm or a company, not both")
        with self._tx() as s:
            firm = None
            if firm_name is not None:
                firm = s.scalars(select(Firm).where(Firm.name == firm_name)).first()
            # an email may belong to several accounts, once each
            if firm is not None:
                same_account = AdminUser.firm_id == firm.id
            else:
                same_account = AdminUser.company_id == (company_id if firm_name is None else -1)
            taken = s.scalars(
                select(AdminUser).where(AdminUser.email == email, same_account)
            ).first()
            if taken is not None:
                raise ConfigurationError(f"a user with the email {email!r} already exists")
            if firm_name is not None:
                if firm is None:
                    firm = Firm(name=firm_name, created_at=now)
                    s.add(firm)
                    s.flush()
            elif s.get(Company, company_id) is None:
                raise NotFoundError(f"no company with id {company_id}")
            row = AdminUser(
                email=email,
                password_hash=password_hash,
                role=role,
                firm_id=firm.id if firm else None,
                company_id=company_id,
                created_at=now,
                must_change_password=True,
                session_version=0,
            )
            s.add(row)
            s.flush()
            return _user_view(row)

    def get_admin_user(self, user_id: int) -> AdminUserView | None:
        """The user with that id, or None."""
        with self._tx() as s:
            row = s.get(AdminUser, user_id)
            return _user_view(row) if row else None

    def find_admin_user(self, email: str) -> AdminUserView | None:
        """The user with that email (case ignored), or None."""
        with self._tx() as s:
            row = s.scalars(
                select(AdminUser).where(AdminUser.email == normalise_email(email))
            ).first()
            return _user_view(row) if row else None

    def admin_users_with_email(self, email: str) -> list[AdminUserView]:
        """Every account's user with that email (case ignored), by id."""
        with self._tx() as s:
            rows = s.scalars(
                select(AdminUser)
                .where(AdminUser.email == normalise_email(email))
                .order_by(AdminUser.id)
            )
            return [_user_view(r) for r in rows]

    def list_admin_users(self) -> list[AdminUserView]:
        """Every user, by email."""
        with self._tx() as s:
            return [_user_view(r) for r in s.scalars(select(AdminUser).order_by(AdminUser.email))]

    def set_admin_password(
        self, user_id: int, *, password_hash: str, one_time: bool, now: datetime
    ) -> AdminUserView:
        """Replace a user's password; signs out every session made with the old one.

        :param one_time: the user must change it at the next sign-in.
        :raises NotFoundError: no user has that id.
        """
        with self._tx() as s:
            row = s.get(AdminUser, user_id)
            if row is None:
                raise NotFoundError(f"no user with id {user_id}")
            row.password_hash = password_hash
            row.must_change_password = one_time
            row.session_version = int(row.session_version or 0) + 1
            row.password_changed_at = now
            s.flush()
            return _user_view(row)

    def firm_id_of(self, company_id: int) -> int | None:
        """The firm a company belongs to (None when it has none)."""
        with self._tx() as s:
            return s.scalar(select(Company.firm_id).where(Company.id == company_id))

    # what a user may see ---------------------------------------------------------------------
    def visible_company_ids(self, user: AdminUserView) -> list[int]:
        """The ids of the companies the user's role covers, by id."""
        with self._tx() as s:
            return list(
                s.scalars(select(Company.id).where(scope_filter(s, user)).order_by(Company.id))
            )

    def can_see_company(self, user: AdminUserView, company_id: int) -> bool:
        """Whether the company exists and the user's role covers it."""
        with self._tx() as s:
            found = s.scalar(
                select(Company.id).where(Company.id == company_id, scope_filter(s, user))
            )
            return found is not None

    def company_statuses(
        self,
        user: AdminUserView,
        *,
        live_since: datetime | None = None,
        company_id: int | None = None,
    ) -> list[CompanyStatus]:
        """The dashboard rows of every company the user may see (or of one), by name.

        :param live_since: an open session last seen before this counts as not in progress
            (it has expired; the next authenticate marks it so).
        """
        from .sql_store import _company_view

        with self._tx() as s:
            query = select(Company).where(scope_filter(s, user))
            if company_id is not None:
                query = query.where(Company.id == company_id)
            companies = list(s.scalars(query.order_by(Company.name, Company.id)))
            ids = [c.id for c in companies]
            if not ids:
                return []
            live: dict[int, int] = dict(
                s.execute(
                    select(SyncSession.company_id, func.max(SyncSession.progress))
                    .where(
                        SyncSession.company_id.in_(ids),
                        SyncSession.state == "open",
                        SyncSession.last_seen_at >= live_since if live_since else true(),
                    )
                    .group_by(SyncSession.company_id)
                ).all()
            )
            unfinished = set(
                s.scalars(
                    select(WorkItem.company_id)
                    .where(WorkItem.company_id.in_(ids), WorkItem.state.in_(("pending", "sent")))
                    .distinct()
                )
            )
            waiting = self._count_entries(
                s,
                ids,
                and_(TimeEntry.state == "approved", TimeEntry.export_state.in_(WAITING_EXPORT)),
            )
            blocked = self._count_entries(s, ids, TimeEntry.export_state == "error")
            return [
                CompanyStatus(
                    company=_company_view(c),
                    live_session_progress=live.get(c.id),
                    unfinished_work=c.id in unfinished,
                    approved_waiting=waiting.get(c.id, 0),
                    blocked_entries=blocked.get(c.id, 0),
                )
                for c in companies
            ]

    @staticmethod
    def _count_entries(s: Session, ids: list[int], condition: Any) -> dict[int, int]:
        rows = s.execute(
            select(TimeEntry.company_id, func.count())
            .where(TimeEntry.company_id.in_(ids), condition)
            .group_by(TimeEntry.company_id)
        ).all()
        return {int(k): int(v) for k, v in rows}

    # the set-up wizard -----------------------------------------------------------------------
    def get_company_setup(self, company_id: int) -> CompanySetupView:
        """The wizard's facts of a company (all None before it was set up in the pages)."""
        with self._tx() as s:
            return _setup_view(company_id, s.get(CompanySetup, company_id))

    def mark_company_setup(self, company_id: int, **times: datetime) -> CompanySetupView:
        """Record when a set-up fact happened (the :data:`SETUP_FACTS`).

        :raises NotFoundError: no company has that id.
        """
        allowed = set(SETUP_FACTS)
        if set(times) - allowed:
            raise ValueError(f"unknown set-up facts {sorted(set(times) - allowed)}")
        with self._tx() as s:
            if s.get(Company, company_id) is None:
                raise NotFoundError(f"no company with id {company_id}")
            row = s.get(CompanySetup, company_id)
            if row is None:
                row = CompanySetup(company_id=company_id)
                s.add(row)
            for key, value in times.items():
                setattr(row, key, value)
            s.flush()
            return _setup_view(company_id, row)

    # the company pages -----------------------------------------------------------------------
    def list_tree(
        self, company_id: int, kind: str, *, offset: int = 0, limit: int = TREE_LIMIT
    ) -> list[Any]:
        """Rows of a company's list in tree order (``full_name``; ``name`` for flat lists).

        :param kind: ``customers``, ``service_items``, ``classes``, ``payroll_items`` or
            ``team_members``.
        :param offset: rows to skip (the pages show the tree in pages of a few hundred rows).
        """
        from ._reads import _LISTS

        model, convert = _LISTS[kind]
        order = model.full_name if hasattr(model, "full_name") else model.name
        with self._tx() as s:
            rows = s.scalars(
                select(model)
                .where(model.company_id == company_id)
                .order_by(order, model.id)
                .offset(max(0, offset))
                .limit(limit)
            )
            return [convert(r) for r in rows]

    def time_entries_page(
        self,
        company_id: int,
        *,
        date_from: date | None = None,
        date_to: date | None = None,
        team_member_ids: tuple[int, ...] = (),
        state: str | None = None,
        export_state: str | None = None,
        limit: int = 500,
    ) -> list[TimeEntryRow]:
        """The company's time entries that match the filters, newest work date first."""
        query = (
            select(TimeEntry, TeamMember.name, Customer.full_name, ServiceItem.full_name)
            .join(TeamMember, TeamMember.id == TimeEntry.team_member_id)
            .outerjoin(Customer, Customer.id == TimeEntry.customer_id)
            .outerjoin(ServiceItem, ServiceItem.id == TimeEntry.service_item_id)
            .where(TimeEntry.company_id == company_id)
        )
        query = query.where(*self._entry_filters(date_from, date_to, team_member_ids))
        if state:
            query = query.where(TimeEntry.state == state)
        if export_state:
            query = query.where(TimeEntry.export_state == export_state)
        query = query.order_by(TimeEntry.work_date.desc(), TimeEntry.id.desc()).limit(limit)
        with self._tx() as s:
            return [
                TimeEntryRow(
                    id=e.id,
                    uuid=e.uuid,
                    team_member_id=e.team_member_id,
                    team_member=member,
                    work_date=e.work_date,
                    duration_seconds=e.duration_seconds,
                    customer=customer,
                    service_item=item,
                    hour_type=e.hour_type,
                    notes=e.notes,
                    billable=e.billable,
                    state=e.state,
                    export_state=e.export_state,
                    export_error=e.export_error,
                    locked=e.locked,
                    qb_txn_id=e.qb_txn_id,
                    updated_at=e.updated_at,
                )
                for e, member, customer, item in s.execute(query).all()
            ]

    @staticmethod
    def _entry_filters(
        date_from: date | None, date_to: date | None, team_member_ids: tuple[int, ...]
    ) -> list[Any]:
        conditions: list[Any] = []
        if date_from is not None:
            conditions.append(TimeEntry.work_date >= date_from)
        if date_to is not None:
            conditions.append(TimeEntry.work_date <= date_to)
        if team_member_ids:
            conditions.append(TimeEntry.team_member_id.in_(team_member_ids))
        return conditions

    def set_time_approval(
        self,
        company_id: int,
        *,
        approve: bool,
        date_from: date,
        date_to: date,
        team_member_ids: tuple[int, ...] = (),
        now: datetime,
    ) -> int:
        """The admin pages' approval: the time export's own rule (``TimeMixin.set_approval``).

        :returns: how many entries changed.
        """
        return self.set_approval(  # type: ignore[attr-defined, no-any-return]
            company_id,
            date_from=date_from,
            date_to=date_to,
            member_ids=team_member_ids or None,
            approve=approve,
            now=now,
        )

    def unlock_time_entry(
        self, company_id: int, entry_id: int, *, not_before: date, now: datetime
    ) -> bool:
        """Unlock one exported entry of the company worked on or after ``not_before``.

        :returns: whether it was unlocked (False: not found, not locked, or too old).
        """
        with self._tx() as s:
            result = s.execute(
                update(TimeEntry)
                .where(
                    TimeEntry.company_id == company_id,
                    TimeEntry.id == entry_id,
                    TimeEntry.locked.is_(True),
                    TimeEntry.work_date >= not_before,
                )
                .values(locked=False, state="submitted", updated_at=now)
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]


__all__ = [
    "ROLES",
    "AdminUserView",
    "CompanySetupView",
    "CompanyStatus",
    "Role",
    "TimeEntryRow",
    "UsersMixin",
]
