"""Firm accounts: connections between them, a company's second firm, its primary admin, and
accountant invitations (issue 16). Holds the ONE visibility rule (:func:`scope_filter`) every
admin page, file and API read goes through. Must not import flask or spyne.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from mappings.firms import firm_group, invitation_problem, invitation_state

from ..errors import ConfigurationError, NotFoundError
from ._base import StoreBase
from .models import AdminUser, Company, CompanyFirm, Firm, FirmConnection, FirmInvitation

if TYPE_CHECKING:
    from ._users import AdminUserView

MODES = ("connected", "separate")


@dataclass(frozen=True, slots=True, kw_only=True)
class FirmRow:
    """A firm account, its connection (``primary_firm_id`` None: not connected) and clients."""

    id: int
    name: str
    primary_firm_id: int | None
    mode: str | None
    clients: int


@dataclass(frozen=True, slots=True, kw_only=True)
class InvitationView:
    """A company's invitation to an accountant; ``state`` as of the read (expired included)."""

    id: int
    company_id: int
    email: str
    name: str
    state: str
    created_at: datetime
    expires_at: datetime
    finished_at: datetime | None
    firm_id: int | None


def _links(s: Session) -> dict[int, tuple[int, str]]:
    rows = s.execute(
        select(FirmConnection.firm_id, FirmConnection.primary_firm_id, FirmConnection.mode)
    )
    return {int(f): (int(p), str(m)) for f, p, m in rows}


def scope_filter(s: Session, user: AdminUserView) -> Any:
    """The SQL condition that keeps only the companies ``user`` may see.

    A firm user sees the companies whose first or second firm is one of the accounts
    connected with theirs (:func:`mappings.firms.firm_group`); a company user their company.
    """
    if user.firm_id is not None:
        firms = sorted(firm_group(user.firm_id, _links(s)))
        second = select(CompanyFirm.company_id).where(CompanyFirm.firm_id.in_(firms))
        return or_(Company.firm_id.in_(firms), Company.id.in_(second))
    if user.company_id is not None:
        return Company.id == user.company_id
    return Company.id.is_(None)  # a user without a scope sees nothing


def pending_invitation(s: Session, model: Any, company_id: int, invitation_id: int) -> Any:
    """The company's stored-pending invitation (a ``FirmInvitation`` or a
    ``ClientAdminInvitation``) with that id, or None: what resend and revoke may change."""
    row = s.get(model, invitation_id)
    if row is None or row.company_id != company_id or row.state != "pending":
        return None
    return row


def _invitation_view(row: FirmInvitation, now: datetime) -> InvitationView:
    return InvitationView(
        id=row.id,
        company_id=row.company_id,
        email=row.email,
        name=row.name,
        state=invitation_state(row.state, row.expires_at, now),
        created_at=row.created_at,
        expires_at=row.expires_at,
        finished_at=row.finished_at,
        firm_id=row.firm_id,
    )


class FirmsMixin(StoreBase):
    """Connected firm accounts, companies' firms and invitations."""

    # firm accounts and their connections -----------------------------------------------------
    def list_firms(self) -> list[FirmRow]:
        """Every firm account with its connection and number of clients, by name."""
        with self._tx() as s:
            links = _links(s)
            firms = list(s.scalars(select(Firm).order_by(Firm.name)))
            counts: dict[int, int] = {}
            for first, second in s.execute(
                select(Company.firm_id, CompanyFirm.firm_id).outerjoin(
                    CompanyFirm, CompanyFirm.company_id == Company.id
                )
            ):
                for firm in {first, second}:
                    if firm is not None:
                        counts[firm] = counts.get(firm, 0) + 1
            return [
                FirmRow(
                    id=f.id,
                    name=f.name,
                    primary_firm_id=links[f.id][0] if f.id in links else None,
                    mode=links[f.id][1] if f.id in links else None,
                    clients=counts.get(f.id, 0),
                )
                for f in firms
            ]

    def find_firm(self, name_or_id: str) -> FirmRow | None:
        """The firm with that name (spaces and case ignored) or id, or None."""
        wanted = " ".join(name_or_id.split()).lower()
        for row in self.list_firms():
            if row.name.lower() == wanted or str(row.id) == wanted:
                return row
        return None

    def visible_firm_ids(self, firm_id: int) -> frozenset[int]:
        """The firm accounts whose clients a user of ``firm_id`` sees (itself included)."""
        with self._tx() as s:
            return firm_group(firm_id, _links(s))

    def connection_group(self, firm_id: int) -> tuple[int, list[FirmRow]]:
        """The primary account of ``firm_id``'s group and every account under it (separate ones
        included), the primary first."""
        rows = {r.id: r for r in self.list_firms()}
        own = rows.get(firm_id)
        if own is None:
            raise NotFoundError(f"no firm with id {firm_id}")
        primary = own.primary_firm_id or firm_id
        members = [r for r in rows.values() if r.primary_firm_id == primary]
        return primary, [rows[primary], *members]

    def connect_firms(self, primary_id: int, others: Mapping[int, str], *, now: datetime) -> None:
        """Put ``primary_id`` and ``others`` (firm id -> ``connected`` or ``separate``) under
        one sign-in with ``primary_id`` as the primary. Accounts already in the group of one of
        them keep their mode and move under the new primary.

        :raises ConfigurationError: an unknown mode, a firm connected to itself, a firm
            that belongs to another group, or a primary that is kept separate.
        :raises NotFoundError: no firm has one of the ids.
        """
        if set(others.values()) - set(MODES):
            raise ConfigurationError(f"a connection is one of {', '.join(MODES)}")
        if primary_id in others:
            raise ConfigurationError("an account cannot be connected to itself")
        with self._tx() as s:
            wanted = {primary_id, *others}
            for firm in wanted:
                if s.get(Firm, firm) is None:
                    raise NotFoundError(f"no firm with id {firm}")
            links = _links(s)
            if links.get(primary_id, (0, "connected"))[1] != "connected":
                raise ConfigurationError("an account kept separate cannot be the primary one")
            # an account kept separate brings only itself, never the group it is kept apart in
            groups = {links[f][0] if links.get(f, (0, ""))[1] == "connected" else f for f in wanted}
            grouped = {p for p, _ in links.values()}
            if len(groups & grouped) > 1:
                raise ConfigurationError("an account belongs to another group of accounts")
            members = {f: mode for f, (p, mode) in links.items() if p in groups}
            members.update(others)
            for g in groups:
                members.setdefault(g, "connected")
            members.pop(primary_id, None)
            gone = set(members) | groups | {primary_id}
            s.execute(delete(FirmConnection).where(FirmConnection.firm_id.in_(gone)))
            for firm, mode in members.items():
                s.add(
                    FirmConnection(
                        firm_id=firm, primary_firm_id=primary_id, mode=mode, created_at=now
                    )
                )

    def disconnect_firm(self, firm_id: int) -> bool:
        """Take an account out of its group (a primary: its whole group comes apart).

        :returns: whether anything was connected.
        """
        with self._tx() as s:
            result = s.execute(
                delete(FirmConnection).where(
                    or_(
                        FirmConnection.firm_id == firm_id, FirmConnection.primary_firm_id == firm_id
                    )
                )
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def firm_accounts_of(self, email: str) -> list[tuple[int, str]]:
        """The firm accounts (id, name) an email belongs to, by name."""
        from ._users import normalise_email

        with self._tx() as s:
            rows = s.execute(
                select(Firm.id, Firm.name)
                .join(AdminUser, AdminUser.firm_id == Firm.id)
                .where(AdminUser.email == normalise_email(email))
                .order_by(Firm.name)
            )
            return [(int(i), str(n)) for i, n in rows]

    def account_labels(self, company_ids: list[int], firms: frozenset[int]) -> dict[int, str]:
        """Each company's account name among ``firms`` (its first firm when both are)."""
        with self._tx() as s:
            names = dict(s.execute(select(Firm.id, Firm.name)).all())
            out: dict[int, str] = {}
            rows = s.execute(
                select(Company.id, Company.firm_id, CompanyFirm.firm_id)
                .outerjoin(CompanyFirm, CompanyFirm.company_id == Company.id)
                .where(Company.id.in_(company_ids))
            )
            for company, first, second in rows:
                firm = first if first in firms else second
                if firm is not None:
                    out[int(company)] = str(names[firm])
            return out

    # a company's firms and its primary admin -------------------------------------------------
    def company_firm_ids(self, company_id: int) -> list[int]:
        """The company's firms: the first (owning) one, then the second."""
        with self._tx() as s:
            first = s.scalar(select(Company.firm_id).where(Company.id == company_id))
            second = s.scalar(
                select(CompanyFirm.firm_id).where(CompanyFirm.company_id == company_id)
            )
            return [f for f in (first, second) if f is not None]

    def primary_admin_firm(self, company_id: int) -> int | None:
        """The firm that holds the company's primary-admin role (None: the company itself)."""
        with self._tx() as s:
            return s.scalar(select(Company.primary_admin_firm_id).where(Company.id == company_id))

    def set_primary_admin_firm(self, company_id: int, firm_id: int | None) -> None:
        """Give the primary-admin role to one of the company's firms, or back to the company."""
        with self._tx() as s:
            company = s.get(Company, company_id)
            if company is None:
                raise NotFoundError(f"no company with id {company_id}")
            company.primary_admin_firm_id = firm_id

    def remove_company_firm(self, company_id: int, firm_id: int) -> bool:
        """Remove a firm from a company; its data stays, and the primary-admin role goes back to
        the company if the firm held it (a second firm becomes the first).

        :returns: whether the firm was one of the company's.
        """
        with self._tx() as s:
            company = s.get(Company, company_id)
            second = s.get(CompanyFirm, company_id)
            if company is None:
                return False
            if second is not None and second.firm_id == firm_id:
                s.delete(second)
            elif company.firm_id == firm_id:
                company.firm_id = second.firm_id if second else None
                if second is not None:
                    s.delete(second)
            else:
                return False
            if company.primary_admin_firm_id == firm_id:
                company.primary_admin_firm_id = None
            return True

    # invitations -----------------------------------------------------------------------------
    def add_invitation(
        self,
        company_id: int,
        *,
        email: str,
        name: str,
        token_hash: str,
        expires_at: datetime,
        now: datetime,
    ) -> InvitationView:
        """A new pending invitation of the company."""
        with self._tx() as s:
            if s.get(Company, company_id) is None:
                raise NotFoundError(f"no company with id {company_id}")
            row = FirmInvitation(
                company_id=company_id,
                email=email,
                name=name,
                token_hash=token_hash,
                state="pending",
                created_at=now,
                expires_at=expires_at,
            )
            s.add(row)
            s.flush()
            return _invitation_view(row, now)

    def invitations_of(self, company_id: int, *, now: datetime) -> list[InvitationView]:
        """The company's invitations, newest first."""
        with self._tx() as s:
            rows = s.scalars(
                select(FirmInvitation)
                .where(FirmInvitation.company_id == company_id)
                .order_by(FirmInvitation.id.desc())
            )
            return [_invitation_view(r, now) for r in rows]

    def invitation_by_token(self, token_hash: str, *, now: datetime) -> InvitationView | None:
        """The invitation whose link has that token hash, or None."""
        with self._tx() as s:
            row = s.scalars(
                select(FirmInvitation).where(FirmInvitation.token_hash == token_hash)
            ).first()
            return _invitation_view(row, now) if row else None

    def renew_invitation(
        self,
        company_id: int,
        invitation_id: int,
        *,
        token_hash: str,
        expires_at: datetime,
        now: datetime,
    ) -> InvitationView | None:
        """A pending or expired invitation gets a new link (the old one stops working)."""
        with self._tx() as s:
            row = pending_invitation(s, FirmInvitation, company_id, invitation_id)
            if row is None:
                return None
            row.token_hash, row.expires_at = token_hash, expires_at
            return _invitation_view(row, now)

    def revoke_invitation(self, company_id: int, invitation_id: int, *, now: datetime) -> bool:
        """Withdraw a pending invitation; its link stops working."""
        with self._tx() as s:
            row = pending_invitation(s, FirmInvitation, company_id, invitation_id)
            if row is None:
                return False
            row.state, row.finished_at = "revoked", now
            return True

    def accept_invitation(self, token_hash: str, firm_id: int, *, now: datetime) -> str | None:
        """Add ``firm_id`` to the invitation's company (single use, checked in one transaction).

        :returns: None when accepted, else the sentence saying why not (nothing changes).
        """
        with self._tx() as s:
            row = s.scalars(
                select(FirmInvitation)
                .where(FirmInvitation.token_hash == token_hash)
                .with_for_update()
            ).first()
            if row is None:
                return "This invitation link is not valid."
            company = s.get(Company, row.company_id)
            assert company is not None
            second = s.get(CompanyFirm, company.id)
            firms = [f for f in (company.firm_id, second.firm_id if second else None) if f]
            problem = invitation_problem(
                invitation_state(row.state, row.expires_at, now), firms, firm_id
            )
            if problem:
                return problem
            if company.firm_id is None:
                company.firm_id = firm_id
            else:
                s.add(CompanyFirm(company_id=company.id, firm_id=firm_id, created_at=now))
            row.state, row.finished_at, row.firm_id = "accepted", now, firm_id
            return None


__all__ = ["MODES", "FirmRow", "FirmsMixin", "InvitationView", "pending_invitation", "scope_filter"]
