"""Reads for the REST API and the CLI: paginated lists, sync sessions, counts, API tokens.

Every query names its company: no row of another company is ever read (DESIGN section 3).
Callers get the records of ``views_api.py``, never ORM objects.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import and_, case, func, not_, select
from sqlalchemy.orm import Session

from ..errors import NotFoundError
from ._base import StoreBase
from .models import (
    ApiToken,
    Company,
    Customer,
    PayrollItem,
    QbClass,
    ServiceItem,
    SyncError,
    SyncSession,
    TeamMember,
)
from .views_api import (
    LIST_NAMES,
    ApiTokenView,
    ClassRecord,
    CustomerRecord,
    ListCounts,
    ListName,
    ListRecord,
    Page,
    PayrollItemRecord,
    ServiceItemRecord,
    SessionRecord,
    SyncErrorRecord,
    TeamMemberRecord,
)

# A token's last_used_at is written at most this often, so busy clients do not turn every read
# into a row update (and a row lock on PostgreSQL).
TOKEN_TOUCH_INTERVAL = timedelta(seconds=60)

FirstSyncConfirmation = Literal["confirmed", "already_confirmed", "first_sync_done"]


def _list_fields(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "company_id": row.company_id,
        "qb_list_id": row.qb_list_id,
        "edit_sequence": row.edit_sequence,
        "qb_time_modified": row.qb_time_modified,
        "name": row.name,
        "is_active": row.is_active,
        "archived": row.archived,
        "deleted_in_qb": row.deleted_in_qb,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
    }


def _tree_fields(row: Any) -> dict[str, Any]:
    return {
        **_list_fields(row),
        "parent_id": row.parent_id,
        "parent_list_id": row.parent_list_id,
        "full_name": row.full_name,
        "sublevel": row.sublevel,
    }


def _team_member(row: TeamMember) -> TeamMemberRecord:
    return TeamMemberRecord(
        **_list_fields(row),
        qb_role=row.qb_role,
        first_name=row.first_name,
        last_name=row.last_name,
        email=row.email,
        uses_time_data_for_paychecks=row.uses_time_data_for_paychecks,
        payroll_earnings=tuple(row.payroll_earnings or ()),
    )


def _customer(row: Customer) -> CustomerRecord:
    return CustomerRecord(
        **_tree_fields(row),
        company_name=row.company_name,
        email=row.email,
        job_status=row.job_status,
        is_job=row.is_job,
        assigned_to_all=row.assigned_to_all,
    )


def _service_item(row: ServiceItem) -> ServiceItemRecord:
    return ServiceItemRecord(**_tree_fields(row), description=row.description, price=row.price)


def _class(row: QbClass) -> ClassRecord:
    return ClassRecord(**_tree_fields(row))


def _payroll_item(row: PayrollItem) -> PayrollItemRecord:
    return PayrollItemRecord(**_list_fields(row), wage_type=row.wage_type)


_LISTS: dict[str, tuple[Any, Callable[[Any], ListRecord]]] = {
    "team_members": (TeamMember, _team_member),
    "customers": (Customer, _customer),
    "service_items": (ServiceItem, _service_item),
    "classes": (QbClass, _class),
    "payroll_items": (PayrollItem, _payroll_item),
}

# how ``ListCounts.parts`` splits a list: (column, {column value: part name})
_PARTS: dict[str, tuple[str, dict[Any, str]]] = {
    "team_members": ("qb_role", {"employee": "employees", "vendor": "vendors", None: "local"}),
    "customers": ("is_job", {False: "customers", True: "jobs"}),
}


def _session(row: SyncSession) -> SessionRecord:
    return SessionRecord(
        id=row.id,
        state=row.state,
        started_at=row.started_at,
        last_seen_at=row.last_seen_at,
        ended_at=row.ended_at,
        progress=row.progress,
        planned=row.planned,
        done=row.done,
        counts=dict(row.counts or {}),
        errors=row.errors,
        last_error=row.last_error,
        qbxml_version=row.qbxml_version,
        company_file=row.company_file,
    )


def _sync_error(row: SyncError) -> SyncErrorRecord:
    return SyncErrorRecord(
        id=row.id,
        session_id=row.session_id,
        request_type=row.request_type,
        status_code=row.status_code,
        record_ref=row.record_ref,
        message=row.message,
        fix=row.fix,
        created_at=row.created_at,
    )


def _token(row: ApiToken) -> ApiTokenView:
    return ApiTokenView(
        id=row.id,
        company_id=row.company_id,
        label=row.label,
        created_at=row.created_at,
        last_used_at=row.last_used_at,
        scope=row.scope,
    )


def _page(rows: list[Any], limit: int, convert: Callable[[Any], Any]) -> Page[Any]:
    """Rows fetched with ``limit + 1``: the extra row only says that another page exists."""
    more = len(rows) > limit
    kept = rows[:limit]
    return Page(rows=tuple(convert(r) for r in kept), next_after=kept[-1].id if more else None)


def _check_limit(limit: int) -> None:
    if limit < 1:
        raise ValueError("limit must be at least 1")


def _locked_company(s: Session, company_id: int) -> Company:
    row = s.scalars(select(Company).where(Company.id == company_id).with_for_update()).first()
    if row is None:
        raise NotFoundError(f"no company with id {company_id}")
    return row


class ReadsMixin(StoreBase):
    """Queries behind ``/api/v1`` and ``qbtime company show|options|token|confirm-first-sync``."""

    # lists -----------------------------------------------------------------------------------
    def list_rows(
        self,
        company_id: int,
        kind: ListName,
        *,
        after_id: int | None = None,
        limit: int = 100,
        active: bool | None = None,
    ) -> Page[ListRecord]:
        """One page of a company's list, by id.

        :param after_id: continue after this row id (keyset pagination).
        :param active: True keeps rows that are ``is_active`` and not ``archived``; False the
            others; None every row.
        """
        model, convert = _LISTS[kind]
        _check_limit(limit)
        query = select(model).where(model.company_id == company_id)
        if after_id is not None:
            query = query.where(model.id > after_id)
        if active is not None:
            usable = and_(model.is_active.is_(True), model.archived.is_(False))
            query = query.where(usable if active else not_(usable))
        with self._tx() as s:
            rows = list(s.scalars(query.order_by(model.id).limit(limit + 1)))
            return _page(rows, limit, convert)

    def company_counts(self, company_id: int) -> dict[ListName, ListCounts]:
        """Per list: total, active, archived and deleted-in-QuickBooks rows, and the parts."""
        counts: dict[ListName, ListCounts] = {}
        with self._tx() as s:
            for kind in LIST_NAMES:
                model = _LISTS[kind][0]
                column, names = _PARTS.get(kind, (None, {}))
                group = getattr(model, column) if column else None
                columns = [
                    func.count(),
                    func.sum(case((and_(model.is_active, not_(model.archived)), 1), else_=0)),
                    func.sum(case((model.archived, 1), else_=0)),
                    func.sum(case((model.deleted_in_qb, 1), else_=0)),
                ]
                query = select(*columns).where(model.company_id == company_id)
                if group is not None:
                    query = query.add_columns(group).group_by(group)
                totals = [0, 0, 0, 0]
                parts = dict.fromkeys(names.values(), 0)
                for found in s.execute(query):
                    totals = [t + int(n or 0) for t, n in zip(totals, found[:4], strict=True)]
                    if group is not None:
                        part = names.get(found[4], str(found[4]))
                        parts[part] = parts.get(part, 0) + int(found[0])
                counts[kind] = ListCounts(
                    total=totals[0],
                    active=totals[1],
                    archived=totals[2],
                    deleted_in_qb=totals[3],
                    parts=parts,
                )
        return counts

    # sync sessions ---------------------------------------------------------------------------
    def list_sync_sessions(
        self, company_id: int, *, before_id: int | None = None, limit: int = 100
    ) -> Page[SessionRecord]:
        """One page of a company's sessions, newest (highest id) first.

        :param before_id: continue with the sessions older than this id.
        """
        _check_limit(limit)
        query = select(SyncSession).where(SyncSession.company_id == company_id)
        if before_id is not None:
            query = query.where(SyncSession.id < before_id)
        with self._tx() as s:
            rows = list(s.scalars(query.order_by(SyncSession.id.desc()).limit(limit + 1)))
            return _page(rows, limit, _session)

    def get_sync_session(self, company_id: int, session_id: int) -> SessionRecord | None:
        """One session of the company, or None (also when it belongs to another company)."""
        with self._tx() as s:
            row = s.scalars(
                select(SyncSession).where(
                    SyncSession.company_id == company_id, SyncSession.id == session_id
                )
            ).first()
            return _session(row) if row else None

    def list_session_errors(
        self, company_id: int, session_id: int, *, limit: int = 1000
    ) -> Page[SyncErrorRecord]:
        """The first ``limit`` rows of ``sync_error`` recorded for one session, by id."""
        _check_limit(limit)
        with self._tx() as s:
            rows = list(
                s.scalars(
                    select(SyncError)
                    .where(SyncError.company_id == company_id, SyncError.session_id == session_id)
                    .order_by(SyncError.id)
                    .limit(limit + 1)
                )
            )
            return _page(rows, limit, _sync_error)

    # API tokens ------------------------------------------------------------------------------
    def create_api_token(
        self,
        *,
        company_id: int,
        token_hash: str,
        label: str | None,
        now: datetime,
        scope: str = "read",
    ) -> ApiTokenView:
        """Store a new token's hash for a company.

        :raises NotFoundError: no company has that id.
        """
        with self._tx() as s:
            if s.get(Company, company_id) is None:
                raise NotFoundError(f"no company with id {company_id}")
            row = ApiToken(
                company_id=company_id,
                token_hash=token_hash,
                label=label,
                created_at=now,
                scope=scope,
            )
            s.add(row)
            s.flush()
            return _token(row)

    def use_api_token(self, token_hash: str, *, now: datetime) -> ApiTokenView | None:
        """The token with that hash, its ``last_used_at`` moved to ``now`` (to the minute)."""
        with self._tx() as s:
            row = s.scalars(select(ApiToken).where(ApiToken.token_hash == token_hash)).first()
            if row is None:
                return None
            if row.last_used_at is None or row.last_used_at <= now - TOKEN_TOUCH_INTERVAL:
                row.last_used_at = now
            return _token(row)

    # company settings changed by an admin ----------------------------------------------------
    def change_import_options(
        self,
        company_id: int,
        change: Callable[[Mapping[str, object], bool], Mapping[str, object]],
    ) -> dict[str, object]:
        """Replace the company's import options with ``change(current, first_sync_done)``.

        The company row is locked while ``change`` runs, so a first sync starting at the same
        moment cannot slip between the check and the write. Returns the stored options.

        :raises NotFoundError: no company has that id.
        """
        with self._tx() as s:
            row = _locked_company(s, company_id)
            new = dict(change(dict(row.import_options or {}), row.first_sync_at is not None))
            row.import_options = new
            return new

    def confirm_first_sync_delete(
        self, company_id: int, *, now: datetime
    ) -> tuple[FirstSyncConfirmation, datetime | None]:
        """Record that an admin confirmed the first sync's removals, unless moot.

        :returns: what happened and the time that now matters: the confirmation time, or the
            first sync's time when it already ran (then nothing changes).
        :raises NotFoundError: no company has that id.
        """
        with self._tx() as s:
            row = _locked_company(s, company_id)
            if row.first_sync_at is not None:
                return "first_sync_done", row.first_sync_at
            if row.delete_confirmed_at is not None:
                return "already_confirmed", row.delete_confirmed_at
            row.delete_confirmed_at = now
            return "confirmed", now
