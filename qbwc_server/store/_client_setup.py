"""Client set-up from the firm (issue 16): a company's payroll settings and the invitations of
its account administrator, with the firm's notices when one is accepted. Must not import flask
or spyne."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mappings.firms import client_admin_problem, invitation_state
from mappings.payroll_settings import PayrollSettings

from ..errors import NotFoundError
from ._base import StoreBase
from ._firms import pending_invitation
from .models import (
    AdminUser,
    ClientAdminInvitation,
    Company,
    CompanySetup,
    TeamMember,
    TimeEntry,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkedDay:
    """A team member's worked minutes on one day, by the hour type entered."""

    team_member_id: int
    team_member: str
    day: date
    hour_type: str
    minutes: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ClientAdminInvitationView:
    """An invitation of a client's administrator; ``state`` as of the read (expired included)."""

    id: int
    company_id: int
    company_name: str
    firm_id: int | None
    email: str
    name: str
    team_member_id: int | None
    invited_by: str
    state: str
    created_at: datetime
    expires_at: datetime
    finished_at: datetime | None
    admin_user_id: int | None


def _view(
    row: ClientAdminInvitation, company_name: str, now: datetime
) -> ClientAdminInvitationView:
    return ClientAdminInvitationView(
        id=row.id,
        company_id=row.company_id,
        company_name=company_name,
        firm_id=row.firm_id,
        email=row.email,
        name=row.name,
        team_member_id=row.team_member_id,
        invited_by=row.invited_by,
        state=invitation_state(row.state, row.expires_at, now),
        created_at=row.created_at,
        expires_at=row.expires_at,
        finished_at=row.finished_at,
        admin_user_id=row.admin_user_id,
    )


def _settings(row: Company) -> PayrollSettings:
    return PayrollSettings(
        pay_period=row.pay_period,  # type: ignore[arg-type]
        anchor=row.pay_period_anchor,
        week_start=row.week_start or "Monday",
        overtime_daily_minutes=row.overtime_daily_minutes,
        overtime_weekly_minutes=row.overtime_weekly_minutes,
    )


def _setup_row(s: Session, company_id: int) -> CompanySetup:
    row = s.get(CompanySetup, company_id)
    if row is None:
        row = CompanySetup(company_id=company_id)
        s.add(row)
    return row


class ClientSetupMixin(StoreBase):
    """Payroll settings and client administrator invitations."""

    # payroll settings ------------------------------------------------------------------------
    def payroll_settings(self, company_id: int) -> PayrollSettings:
        """The company's payroll settings.

        :raises NotFoundError: no company has that id.
        """
        with self._read() as s:
            row = s.get(Company, company_id)
            if row is None:
                raise NotFoundError(f"no company with id {company_id}")
            return _settings(row)

    def put_payroll_settings(
        self, company_id: int, settings: PayrollSettings, *, now: datetime
    ) -> PayrollSettings:
        """Store the settings and mark the set-up's payroll step done.

        :raises NotFoundError: no company has that id.
        """
        with self._tx() as s:
            row = s.get(Company, company_id)
            if row is None:
                raise NotFoundError(f"no company with id {company_id}")
            row.pay_period = settings.pay_period
            row.pay_period_anchor = settings.anchor
            row.week_start = settings.week_start
            row.overtime_daily_minutes = settings.overtime_daily_minutes
            row.overtime_weekly_minutes = settings.overtime_weekly_minutes
            _setup_row(s, company_id).payroll_done_at = now
            return _settings(row)

    def worked_days(
        self,
        company_id: int,
        *,
        date_from: date,
        date_to: date,
        team_member_ids: Iterable[int] = (),
    ) -> list[WorkedDay]:
        """Worked minutes per team member, day and hour type in the date range (deleted entries
        left out), for the overtime rules' split; one grouped query."""
        people = sorted(set(team_member_ids))
        query = (
            select(
                TimeEntry.team_member_id,
                TeamMember.name,
                TimeEntry.work_date,
                TimeEntry.hour_type,
                func.sum(TimeEntry.duration_seconds),
            )
            .join(TeamMember, TeamMember.id == TimeEntry.team_member_id)
            .where(
                TimeEntry.company_id == company_id,
                TimeEntry.deleted.is_(False),
                TimeEntry.work_date >= date_from,
                TimeEntry.work_date <= date_to,
            )
            .group_by(
                TimeEntry.team_member_id, TeamMember.name, TimeEntry.work_date, TimeEntry.hour_type
            )
            .order_by(TeamMember.name, TimeEntry.team_member_id, TimeEntry.work_date)
        )
        if people:
            query = query.where(TimeEntry.team_member_id.in_(people))
        with self._read() as s:
            return [
                WorkedDay(
                    team_member_id=int(m),
                    team_member=name,
                    day=d,
                    hour_type=h,
                    minutes=int(seconds or 0) // 60,
                )
                for m, name, d, h, seconds in s.execute(query)
            ]

    # client administrator invitations --------------------------------------------------------
    def add_client_admin_invitation(
        self,
        company_id: int,
        *,
        firm_id: int | None,
        email: str,
        name: str,
        team_member_id: int | None,
        invited_by: str,
        token_hash: str,
        expires_at: datetime,
        now: datetime,
    ) -> ClientAdminInvitationView:
        """A new pending invitation; earlier pending ones to the same email are withdrawn (one
        working link per person), and the set-up's client administrator step is marked done.

        :raises NotFoundError: no such company, or the team member is not one of its own.
        """
        with self._tx() as s:
            company = s.get(Company, company_id)
            if company is None:
                raise NotFoundError(f"no company with id {company_id}")
            if team_member_id is not None:
                member = s.get(TeamMember, team_member_id)
                if member is None or member.company_id != company_id:
                    raise NotFoundError(f"no team member {team_member_id} in this company")
            for old in s.scalars(
                select(ClientAdminInvitation).where(
                    ClientAdminInvitation.company_id == company_id,
                    ClientAdminInvitation.email == email,
                    ClientAdminInvitation.state == "pending",
                )
            ):
                old.state, old.finished_at = "revoked", now
            row = ClientAdminInvitation(
                company_id=company_id,
                firm_id=firm_id,
                email=email,
                name=name,
                team_member_id=team_member_id,
                invited_by=invited_by,
                token_hash=token_hash,
                state="pending",
                created_at=now,
                expires_at=expires_at,
            )
            s.add(row)
            _setup_row(s, company_id).client_admin_done_at = now
            s.flush()
            return _view(row, company.name, now)

    def client_admin_invitations(
        self, company_id: int, *, now: datetime
    ) -> list[ClientAdminInvitationView]:
        """The company's administrator invitations, newest first."""
        with self._read() as s:
            company = s.get(Company, company_id)
            if company is None:
                return []
            rows = s.scalars(
                select(ClientAdminInvitation)
                .where(ClientAdminInvitation.company_id == company_id)
                .order_by(ClientAdminInvitation.id.desc())
            )
            return [_view(r, company.name, now) for r in rows]

    def client_admin_invitation_by_token(
        self, token_hash: str, *, now: datetime
    ) -> ClientAdminInvitationView | None:
        """The invitation whose link has that token hash, or None."""
        with self._read() as s:
            row = s.scalars(
                select(ClientAdminInvitation).where(ClientAdminInvitation.token_hash == token_hash)
            ).first()
            if row is None:
                return None
            company = s.get(Company, row.company_id)
            return _view(row, company.name if company else "", now)

    def renew_client_admin_invitation(
        self,
        company_id: int,
        invitation_id: int,
        *,
        token_hash: str,
        expires_at: datetime,
        now: datetime,
    ) -> ClientAdminInvitationView | None:
        """A pending or expired invitation gets a new link (the old one stops working)."""
        with self._tx() as s:
            row = pending_invitation(s, ClientAdminInvitation, company_id, invitation_id)
            if row is None:
                return None
            row.token_hash, row.expires_at = token_hash, expires_at
            company = s.get(Company, company_id)
            return _view(row, company.name if company else "", now)

    def revoke_client_admin_invitation(
        self, company_id: int, invitation_id: int, *, now: datetime
    ) -> bool:
        """Withdraw a pending invitation; its link stops working."""
        with self._tx() as s:
            row = pending_invitation(s, ClientAdminInvitation, company_id, invitation_id)
            if row is None:
                return False
            row.state, row.finished_at = "revoked", now
            return True

    def accept_client_admin_invitation(
        self, token_hash: str, *, password_hash: str, now: datetime
    ) -> tuple[ClientAdminInvitationView | None, str | None]:
        """Make the invited person the company's administrator with that password (single use,
        checked in one transaction).

        :returns: (the accepted invitation, None), or (None, why not): nothing changes then.
        """
        with self._tx() as s:
            row = s.scalars(
                select(ClientAdminInvitation)
                .where(ClientAdminInvitation.token_hash == token_hash)
                .with_for_update()
            ).first()
            if row is None:
                return None, "This invitation link is not valid."
            problem = client_admin_problem(invitation_state(row.state, row.expires_at, now))
            if problem:
                return None, problem
            taken = s.scalars(
                select(AdminUser).where(
                    AdminUser.email == row.email, AdminUser.company_id == row.company_id
                )
            ).first()
            if taken is not None:
                return None, (
                    f"{row.email} already administers this company: sign in with it, or use "
                    "'Forgot your password' with your accountant."
                )
            user = AdminUser(
                email=row.email,
                password_hash=password_hash,
                role="admin",
                firm_id=None,
                company_id=row.company_id,
                created_at=now,
                must_change_password=False,
                session_version=0,
                password_changed_at=now,
            )
            s.add(user)
            s.flush()
            row.state, row.finished_at, row.admin_user_id = "accepted", now, user.id
            company = s.get(Company, row.company_id)
            return _view(row, company.name if company else "", now), None

    def client_admin_notices(
        self, firm_ids: Iterable[int], *, now: datetime
    ) -> list[ClientAdminInvitationView]:
        """Accepted invitations the firms' users have not dismissed yet, newest first."""
        firms = sorted(set(firm_ids))
        if not firms:
            return []
        with self._read() as s:
            rows = s.execute(
                select(ClientAdminInvitation, Company.name)
                .join(Company, Company.id == ClientAdminInvitation.company_id)
                .where(
                    ClientAdminInvitation.firm_id.in_(firms),
                    ClientAdminInvitation.state == "accepted",
                    ClientAdminInvitation.seen_at.is_(None),
                )
                .order_by(ClientAdminInvitation.finished_at.desc())
            ).all()
            return [_view(r, name, now) for r, name in rows]

    def dismiss_client_admin_notice(
        self, invitation_id: int, firm_ids: Iterable[int], *, now: datetime
    ) -> bool:
        """Hide an accepted invitation's notice (only for one of the firms that sent it)."""
        with self._tx() as s:
            row = s.get(ClientAdminInvitation, invitation_id)
            if row is None or row.firm_id not in set(firm_ids) or row.state != "accepted":
                return False
            row.seen_at = now
            return True


__all__ = ["ClientAdminInvitationView", "ClientSetupMixin", "WorkedDay"]
