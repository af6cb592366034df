"""Time entries, approval and unlocking, and API token scopes (issue 13); the payroll item
mapping is in ``_payroll.py``.

Every query names its company; a reference to another company's row is refused with the field
named (:class:`InvalidInputError`), never linked. Writes are all-or-nothing transactions.
"""

from __future__ import annotations

import uuid as uuid_module
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mappings.time import EntryInput

from ..errors import InvalidInputError, LockedError, NotFoundError, StoreError
from ._base import StoreBase
from ._reads import _token
from .models import (
    ApiToken,
    Customer,
    PayrollItem,
    QbClass,
    ServiceItem,
    TeamMember,
    TimeEntry,
)
from .views_api import ApiTokenView, Page
from .views_time import TimeEntryRecord

_REF_MODELS: dict[str, Any] = {
    "team_member_id": TeamMember,
    "customer_id": Customer,
    "service_item_id": ServiceItem,
    "class_id": QbClass,
}
_COLUMNS = (
    "team_member_id",
    "work_date",
    "duration_seconds",
    "start_at",
    "end_at",
    "time_zone",
    "customer_id",
    "service_item_id",
    "class_id",
    "hour_type",
    "notes",
    "billable",
)
UNLOCK_HINT = (
    "The entry was exported to QuickBooks and is locked; an admin unlocks it first "
    "(POST .../time-entries/unlock or `qbtime time unlock`)."
)


def new_entry_uuid() -> str:
    """A fresh entry uuid in QuickBooks' GUID form (braces, upper case); its ExternalGUID."""
    return "{" + str(uuid_module.uuid4()).upper() + "}"


def time_entry_record(row: TimeEntry) -> TimeEntryRecord:
    """The plain record of a time entry row."""
    return TimeEntryRecord(
        id=row.id,
        team_member_id=row.team_member_id,
        work_date=row.work_date,
        duration_seconds=row.duration_seconds,
        start=row.start_at,
        end=row.end_at,
        time_zone=row.time_zone,
        customer_id=row.customer_id,
        service_item_id=row.service_item_id,
        class_id=row.class_id,
        hour_type=row.hour_type,
        notes=row.notes,
        billable=row.billable,
        external_id=row.external_id,
        uuid=row.uuid,
        state=row.state,
        export_state=row.export_state,
        export_error=row.export_error,
        qb_txn_id=row.qb_txn_id,
        locked=row.locked,
        deleted=row.deleted,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _check_refs(
    s: Session, company_id: int, entries: Sequence[tuple[str, dict[str, object]]]
) -> None:
    """Every referenced row must belong to the company (one query per kind)."""
    bad: dict[str, str] = {}
    for name, model in _REF_MODELS.items():
        wanted = {v[name] for _, v in entries if isinstance(v.get(name), int)}
        if not wanted:
            continue
        found = set(
            s.scalars(select(model.id).where(model.company_id == company_id, model.id.in_(wanted)))
        )
        for label, values in entries:
            if isinstance(values.get(name), int) and values[name] not in found:
                what = name.removesuffix("_id").replace("_", " ")
                bad[label + name] = f"no {what} with id {values[name]} in this company"
    if bad:
        raise InvalidInputError(bad)


def _members_in(s: Session, company_id: int, member_ids: Sequence[int]) -> None:
    found = set(
        s.scalars(
            select(TeamMember.id).where(
                TeamMember.company_id == company_id, TeamMember.id.in_(member_ids)
            )
        )
    )
    missing = [m for m in member_ids if m not in found]
    if missing:
        raise InvalidInputError(
            {"team_member_ids": f"no team member with id {missing[0]} in this company"}
        )


def _range_query(
    company_id: int, date_from: date, date_to: date, member_ids: Sequence[int] | None
) -> Any:
    query = select(TimeEntry).where(
        TimeEntry.company_id == company_id,
        TimeEntry.deleted.is_(False),
        TimeEntry.work_date >= date_from,
        TimeEntry.work_date <= date_to,
    )
    if member_ids:
        query = query.where(TimeEntry.team_member_id.in_(member_ids))
    return query


class TimeMixin(StoreBase):
    """Time entries and what admins do with them; payroll mapping; token scopes."""

    # time entries ----------------------------------------------------------------------------
    def create_time_entries(
        self,
        company_id: int,
        entries: Sequence[EntryInput],
        *,
        now: datetime,
        labels: Sequence[str] | None = None,
    ) -> list[tuple[TimeEntryRecord, bool]]:
        """Store new entries, all or none; an ``external_id`` already stored returns that entry.

        :param labels: each entry's prefix in field names of errors (``"[3]."``, ``"row 4: "``).
        :returns: each entry's record and whether it was created (False: an earlier POST).
        :raises InvalidInputError: a reference to a row the company does not have, or an
            ``external_id`` given twice.
        """
        names = list(labels) if labels is not None else [""] * len(entries)
        seen: dict[str, str] = {}
        bad: dict[str, str] = {}
        for label, entry in zip(names, entries, strict=True):
            ext = entry.values.get("external_id")
            if isinstance(ext, str):
                if ext in seen:
                    bad[label + "external_id"] = f"is also given by {seen[ext] or 'another entry'}"
                seen.setdefault(ext, label.rstrip(".: ") or "another entry")
        if bad:
            raise InvalidInputError(bad)
        for attempt in (1, 2):
            try:
                return self._create_entries(company_id, entries, names, now)
            except StoreError as exc:
                # Two POSTs with one external_id at once: the loser finds the winner's entry.
                if attempt == 2 or not isinstance(exc.__cause__, IntegrityError):
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _create_entries(
        self,
        company_id: int,
        entries: Sequence[EntryInput],
        labels: Sequence[str],
        now: datetime,
    ) -> list[tuple[TimeEntryRecord, bool]]:
        with self._tx() as s:
            _check_refs(
                s,
                company_id,
                [(lbl, dict(e.values)) for lbl, e in zip(labels, entries, strict=True)],
            )
            ext_ids = [e.values["external_id"] for e in entries if e.values.get("external_id")]
            existing = {
                r.external_id: r
                for r in s.scalars(
                    select(TimeEntry).where(
                        TimeEntry.company_id == company_id, TimeEntry.external_id.in_(ext_ids)
                    )
                )
            }
            out: list[tuple[TimeEntry, bool]] = []
            for entry in entries:
                old = existing.get(str(entry.values.get("external_id") or ""))
                if old is not None:
                    out.append((old, False))
                    continue
                row = TimeEntry(
                    company_id=company_id,
                    uuid=new_entry_uuid(),
                    state="draft",
                    export_state="pending",
                    locked=False,
                    deleted=False,
                    version=1,
                    created_at=now,
                    updated_at=now,
                    external_id=entry.values.get("external_id"),
                    **{k: entry.values[k] for k in _COLUMNS if k in entry.values},
                )
                s.add(row)
                out.append((row, True))
            s.flush()
            return [(time_entry_record(r), created) for r, created in out]

    def list_time_entries(
        self,
        company_id: int,
        *,
        after_id: int | None = None,
        limit: int = 100,
        date_from: date | None = None,
        date_to: date | None = None,
        team_member_id: int | None = None,
        state: str | None = None,
        export_state: str | None = None,
    ) -> Page[TimeEntryRecord]:
        """One page of the company's entries by id, with the filters given (deleted ones shown
        until QuickBooks has deleted them too)."""
        if limit < 1:
            raise ValueError("limit must be at least 1")
        query = select(TimeEntry).where(TimeEntry.company_id == company_id)
        for column, value in (
            (TimeEntry.team_member_id, team_member_id),
            (TimeEntry.state, state),
            (TimeEntry.export_state, export_state),
        ):
            if value is not None:
                query = query.where(column == value)
        if date_from is not None:
            query = query.where(TimeEntry.work_date >= date_from)
        if date_to is not None:
            query = query.where(TimeEntry.work_date <= date_to)
        if after_id is not None:
            query = query.where(TimeEntry.id > after_id)
        with self._tx() as s:
            rows = list(s.scalars(query.order_by(TimeEntry.id).limit(limit + 1)))
            kept = rows[:limit]
            return Page(
                rows=tuple(time_entry_record(r) for r in kept),
                next_after=kept[-1].id if len(rows) > limit else None,
            )

    def get_time_entry(self, company_id: int, entry_id: int) -> TimeEntryRecord | None:
        """One entry of the company, or None."""
        with self._tx() as s:
            row = s.get(TimeEntry, entry_id)
            if row is None or row.company_id != company_id:
                return None
            return time_entry_record(row)

    def _entry_for_change(self, s: Session, company_id: int, entry_id: int) -> TimeEntry:
        row = s.scalars(select(TimeEntry).where(TimeEntry.id == entry_id).with_for_update()).first()
        if row is None or row.company_id != company_id or row.deleted:
            raise NotFoundError(f"no time entry with id {entry_id}")
        if row.locked:
            raise LockedError(UNLOCK_HINT)
        return row

    def update_time_entry(
        self, company_id: int, entry_id: int, change: EntryInput, *, now: datetime
    ) -> TimeEntryRecord:
        """Change an entry's fields; an exported entry (unlocked) then needs an update in
        QuickBooks, one in flight is sent again afterwards.

        :raises NotFoundError: no such entry in this company.
        :raises LockedError: the entry is exported and locked.
        :raises InvalidInputError: a reference to another company's row, or a work date
            given alone for an entry with start and end.
        """
        with self._tx() as s:
            row = self._entry_for_change(s, company_id, entry_id)
            values = dict(change.values)
            if "work_date" in values and "start_at" not in values and row.start_at is not None:
                raise InvalidInputError(
                    {"work_date": "the entry has start and end: change those instead"}
                )
            if "duration_seconds" in values and "start_at" not in values:
                values.update(start_at=None, end_at=None, time_zone=None)
            _check_refs(s, company_id, [("", values)])
            changed = False
            for key in _COLUMNS:
                if key in values and getattr(row, key) != values[key]:
                    setattr(row, key, values[key])
                    changed = True
            if changed:
                row.version += 1
                row.updated_at = now
                if row.export_state == "exported":
                    row.export_state = "needs_update"
            s.flush()
            return time_entry_record(row)

    def delete_time_entry(self, company_id: int, entry_id: int, *, now: datetime) -> bool:
        """Delete an entry: at once if QuickBooks never had it, else after export's TxnDel.

        :returns: True when the row is gone, False when it waits for QuickBooks (needs_delete).
        :raises NotFoundError: no such entry in this company.
        :raises LockedError: the entry is exported and locked.
        """
        with self._tx() as s:
            row = self._entry_for_change(s, company_id, entry_id)
            if row.qb_txn_id is None and row.export_state != "in_flight":
                s.delete(row)
                return True
            row.deleted = True
            row.version += 1
            row.updated_at = now
            if row.export_state != "in_flight":
                row.export_state = "needs_delete"
            return False

    def set_approval(
        self,
        company_id: int,
        *,
        date_from: date,
        date_to: date,
        member_ids: Sequence[int] | None,
        approve: bool,
        now: datetime,
    ) -> int:
        """Approve draft and submitted entries of the range (or unapprove approved ones that
        are neither locked nor in flight); returns how many changed."""
        with self._tx() as s:
            if member_ids:
                _members_in(s, company_id, member_ids)
            query = _range_query(company_id, date_from, date_to, member_ids)
            if approve:
                query = query.where(
                    TimeEntry.state.in_(("draft", "submitted")), TimeEntry.locked.is_(False)
                )
            else:
                query = query.where(
                    TimeEntry.state == "approved",
                    TimeEntry.locked.is_(False),
                    TimeEntry.export_state != "in_flight",
                )
            rows = list(s.scalars(query.with_for_update()))
            for row in rows:
                row.state = "approved" if approve else "submitted"
                row.approved_at = now if approve else None
                row.updated_at = now
                if approve and row.export_state == "exported":
                    row.locked = True  # unlocked, unchanged, approved again: as exported
            return len(rows)

    def unlock_entries(
        self,
        company_id: int,
        *,
        date_from: date,
        date_to: date,
        member_ids: Sequence[int] | None,
        now: datetime,
    ) -> int:
        """Unlock exported entries of the range: editable again, back to ``submitted`` until
        approved again (then an edit goes to QuickBooks as an update). Returns how many."""
        with self._tx() as s:
            if member_ids:
                _members_in(s, company_id, member_ids)
            query = _range_query(company_id, date_from, date_to, member_ids).where(
                TimeEntry.locked.is_(True)
            )
            rows = list(s.scalars(query.with_for_update()))
            for row in rows:
                row.locked = False
                row.state = "submitted"
                row.updated_at = now
            return len(rows)

    def name_index(self, company_id: int) -> dict[str, dict[str, int | None]]:
        """Per reference field, each folded Name and FullName -> row id (None: ambiguous).

        For the CSV import and the CLI, where people name team members, customers/jobs,
        service items, classes and payroll items instead of giving row ids.
        """
        models = {**_REF_MODELS, "payroll_item_id": PayrollItem}
        out: dict[str, dict[str, int | None]] = {}
        with self._tx() as s:
            for field_name, model in models.items():
                index: dict[str, int | None] = {}
                full = getattr(model, "full_name", None)
                columns = [model.id, model.name] + ([full] if full is not None else [])
                for row in s.execute(select(*columns).where(model.company_id == company_id)):
                    for name in {n.casefold() for n in row[1:] if n}:
                        index[name] = row[0] if index.get(name, row[0]) == row[0] else None
                out[field_name] = index
        return out

    # API tokens ------------------------------------------------------------------------------
    def list_api_tokens(self, company_id: int) -> list[ApiTokenView]:
        """The company's API tokens, oldest first (their hashes are never shown)."""
        with self._tx() as s:
            rows = s.scalars(
                select(ApiToken).where(ApiToken.company_id == company_id).order_by(ApiToken.id)
            )
            return [_token(r) for r in rows]

    def revoke_api_token(self, company_id: int, token_id: int) -> bool:
        """Delete one of the company's tokens; False when it has no such token."""
        with self._tx() as s:
            result = s.execute(
                delete(ApiToken).where(ApiToken.company_id == company_id, ApiToken.id == token_id)
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]
