"""The work queue, list watermarks and sync errors (DESIGN section 5).

Work items belong to a company and, while they run, to one session. Claiming uses
``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL (SQLite serialises writers with
``BEGIN IMMEDIATE``), so several server processes sharing one database never send one item twice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    Table,
    bindparam,
    case,
    delete,
    exists,
    insert,
    literal_column,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ._base import StoreBase
from .models import CompanySyncState, ListWatermark, SyncError, WorkItem
from .views import NewWorkItem, WorkItemView

PENDING, SENT, DONE, FAILED = "pending", "sent", "done", "failed"
UNFINISHED = (PENDING, SENT)
ABANDONED = "The session ended before this request finished; the next session planned it again."
ITEM_FIELDS = frozenset({"state", "spec", "error", "updated_at"})
# INSERT ... ON CONFLICT DO UPDATE, by dialect
_INSERTS: dict[str, Any] = {"sqlite": sqlite_insert, "postgresql": postgresql_insert}


SYNC_STATE_FIELDS = frozenset(
    {"utc_offset_minutes", "disabled", "last_sweep_at", "sweep_requested"}
)


@dataclass(frozen=True, slots=True, kw_only=True)
class SyncStateView:
    """What the sync engine keeps about a company (``models.CompanySyncState``)."""

    company_id: int
    utc_offset_minutes: int | None = None
    disabled: dict[str, object] = field(default_factory=dict)
    last_sweep_at: datetime | None = None
    sweep_requested: bool = False


def _item_view(row: Any) -> WorkItemView:
    """A work item's view, from an ORM object or a Core row (the same names)."""
    return WorkItemView(
        id=row.id,
        company_id=row.company_id,
        session_id=row.session_id,
        position=row.position,
        kind=row.kind,
        state=row.state,
        attempt=row.attempt,
        request_id=row.request_id,
        error=row.error,
        spec=dict(row.spec or {}),
    )


# The per-call statements, built once with bind parameters (StoreBase._stmt)
_ITEM = cast(Table, WorkItem.__table__)
_SESSION_ITEMS = (
    select(_ITEM)
    .where(_ITEM.c.session_id == bindparam("session_id"))
    .order_by(_ITEM.c.position, _ITEM.c.id)
)


def _sql_text(value: str) -> Any:
    """A constant of this module as SQL text in the statement (no parameter): ``IN`` with
    parameters is expanded when each execution is compiled, which cost the claim about
    20 us of its 35 (issue #15)."""
    assert value.isidentifier(), value  # the states: plain words, nothing to quote
    return literal_column(f"'{value}'")


_CLAIM = (  # one SELECT: a sent item, else the next pending one
    select(_ITEM)
    .where(
        _ITEM.c.session_id == bindparam("session_id"),
        _ITEM.c.state.in_([_sql_text(SENT), _sql_text(PENDING)]),
    )
    .order_by(
        case((_ITEM.c.state == _sql_text(SENT), literal_column("0")), else_=literal_column("1")),
        _ITEM.c.position,
        _ITEM.c.id,
    )
    .limit(1)
    .with_for_update(skip_locked=True)
)
_UNFINISHED = select(
    exists()
    .where(
        _ITEM.c.company_id == bindparam("company_id"),
        _ITEM.c.state.in_([_sql_text(state) for state in UNFINISHED]),
    )
    .label("unfinished")
)
_ITEM_INSERT = insert(_ITEM)  # the values: the parameters (an executemany)
_ITEM_UPDATE = update(_ITEM).where(_ITEM.c.id == bindparam("_row_id"))  # SET: the parameters
_WATERMARK = cast(Table, ListWatermark.__table__)
_WATERMARKS = select(_WATERMARK.c.list_type, _WATERMARK.c.modified_local).where(
    _WATERMARK.c.company_id == bindparam("company_id")
)
_SYNC_STATE = cast(Table, CompanySyncState.__table__)
_SYNC_STATE_ROW = select(_SYNC_STATE).where(_SYNC_STATE.c.company_id == bindparam("company_id"))


def sync_state_view(company_id: int, row: Any, prefix: str = "") -> SyncStateView:
    """The view of a ``company_sync_state`` row (None: the defaults before the first session);
    ``prefix``: its columns' labels in a joined row (``SqlStore.get_company``)."""
    if row is None or getattr(row, f"{prefix}id") is None:
        return SyncStateView(company_id=company_id)
    return SyncStateView(
        company_id=company_id,
        utc_offset_minutes=getattr(row, f"{prefix}utc_offset_minutes"),
        disabled=dict(getattr(row, f"{prefix}disabled") or {}),
        last_sweep_at=getattr(row, f"{prefix}last_sweep_at"),
        sweep_requested=bool(getattr(row, f"{prefix}sweep_requested")),
    )


def _watermark_upsert(dialect_insert: Any) -> Any:
    """INSERT ... ON CONFLICT DO UPDATE of a watermark, its values the parameters."""
    query = dialect_insert(_WATERMARK)
    return query.on_conflict_do_update(
        index_elements=[_WATERMARK.c.company_id, _WATERMARK.c.list_type],
        set_={
            "modified_local": query.excluded.modified_local,
            "updated_at": query.excluded.updated_at,
        },
        where=_WATERMARK.c.modified_local != query.excluded.modified_local,
    )


def _sync_state_upsert(dialect_insert: Any, keys: tuple[str, ...]) -> Any:
    """INSERT ... ON CONFLICT (company_id) DO UPDATE of the columns ``keys`` and
    ``updated_at``; a new row gets the model's defaults for the others."""
    query = dialect_insert(_SYNC_STATE)
    return query.on_conflict_do_update(
        index_elements=[_SYNC_STATE.c.company_id],
        set_={k: query.excluded[k] for k in (*keys, "updated_at")},
    )


class QueueMixin(StoreBase):
    """Work items of a company's sessions, claimed one at a time."""

    def _plan_items(
        self, s: Any, company_id: int, session_id: int, plan: Sequence[NewWorkItem], now: datetime
    ) -> None:
        """Retire the company's unfinished items and queue ``plan`` for the session.

        Called inside ``open_session``'s transaction: a session never exists without its plan.
        Watermarks only move when a list finished, so planning again loses nothing.
        """
        s.execute(
            update(WorkItem)
            .where(WorkItem.company_id == company_id, WorkItem.state.in_(UNFINISHED))
            .values(state=FAILED, error=ABANDONED, updated_at=now)
        )
        self._queue_items(s, company_id, session_id, plan, now)

    def _queue_items(
        self, s: Any, company_id: int, session_id: int, plan: Sequence[NewWorkItem], now: datetime
    ) -> None:
        """Insert the plan's items: one executemany, not an ORM INSERT per item."""
        rows = [
            {
                "company_id": company_id,
                "session_id": session_id,
                "position": item.position,
                "kind": item.kind,
                "state": PENDING,
                "spec": dict(item.spec),
                "attempt": 0,
                "created_at": now,
                "updated_at": now,
            }
            for item in plan
        ]
        if rows:
            self._run(s, _ITEM_INSERT, rows)

    def has_unfinished_items(self, company_id: int) -> bool:
        """Whether an earlier session left work pending or unanswered."""
        with self._read() as s:  # authenticate asks: built once
            return bool(self._run(s, _UNFINISHED, {"company_id": company_id}).scalar())

    def session_items(self, session_id: int) -> list[WorkItemView]:
        """The session's work items in plan order."""

        def load() -> list[WorkItemView]:
            with self._read() as s:  # Core rows: the engine reads the queue on most SOAP calls
                rows = self._run(s, _SESSION_ITEMS, {"session_id": session_id})
                return [_item_view(r) for r in rows]

        # read once per unit: receiveResponseXML reads them, updates some, and reads them again
        return list(self._cached("work_item", ("session", session_id), load))

    def claim_next_item(
        self,
        session_id: int,
        now: datetime,
        *,
        starts: Callable[[WorkItemView], bool] | None = None,
    ) -> WorkItemView | None:
        """The item to send now: the one already sent (a retransmit gets the same request), else
        the first pending one, marked sent with a new unique ``request_id``; None when done.

        ``starts``: whether a pending item without ``started_at`` in its spec is sent now; the
        same UPDATE then sets ``started_at`` to ``now`` (one statement instead of two).
        """
        with self._tx(frozenset({"work_item"})) as s:
            row = self._run(s, _CLAIM, {"session_id": session_id}).first()
            if row is None:
                return None
            item = _item_view(row)
            if row.state == SENT:
                return item
            attempt, request_id = row.attempt + 1, f"{row.id}.{row.attempt + 1}"
            changes: dict[str, Any] = {"state": SENT, "attempt": attempt, "request_id": request_id}
            if starts is not None and "started_at" not in item.spec and starts(item):
                changes["spec"] = {**item.spec, "started_at": now.isoformat()}
            self._run(s, _ITEM_UPDATE, {"_row_id": row.id, "updated_at": now, **changes})
            return replace(item, **changes)

    def update_item(self, item_id: int, now: datetime, **changes: Any) -> WorkItemView:
        """Change an item's state, spec or error."""
        unit = self._unit()
        kept = {k: v for k, v in unit.cache.items() if k[0] == "work_item"} if unit else {}
        view = self._update(
            WorkItem,
            item_id,
            ITEM_FIELDS,
            changes | {"updated_at": now},
            _item_view,
            columns_only=True,
        )
        if unit is not None and kept:
            # the UPDATE changed this one row: the unit's cached item lists stay true with it
            for key, items in kept.items():
                unit.cache[key] = [view if i.id == item_id else i for i in items]  # type: ignore[attr-defined]
        return view

    # watermarks ------------------------------------------------------------------------------
    def get_watermarks(self, company_id: int) -> dict[str, str]:
        """Each list type's watermark (QuickBooks local time, ``YYYY-MM-DDTHH:MM:SS``)."""

        def load() -> dict[str, str]:
            with self._read() as s:
                rows: Any = self._run(s, _WATERMARKS, {"company_id": company_id})
                return {row[0]: row[1] for row in rows}

        return dict(self._cached("list_watermark", company_id, load))

    def set_watermark(self, company_id: int, list_type: str, value: str, now: datetime) -> None:
        """Set a list's watermark to what a finished import proved (docs/sync.md section 3).

        It may move back: the engine lowers a watermark that an older version set from a
        future-dated record, and a lower watermark only re-reads records.
        """
        with self._tx(frozenset({"list_watermark"})) as s:
            upsert = _INSERTS.get(self.engine.dialect.name)
            if upsert is not None:
                # One statement instead of a SELECT and an UPDATE: a list finishing in a
                # receiveResponseXML sets its watermark in the call's transaction.
                query = self._stmt("watermark_upsert", lambda: _watermark_upsert(upsert))
                params = {"company_id": company_id, "list_type": list_type}
                self._run(s, query, params | {"modified_local": value, "updated_at": now})
                return
            row = s.scalars(
                select(ListWatermark).where(
                    ListWatermark.company_id == company_id, ListWatermark.list_type == list_type
                )
            ).first()
            if row is None:
                s.add(
                    ListWatermark(
                        company_id=company_id,
                        list_type=list_type,
                        modified_local=value,
                        updated_at=now,
                    )
                )
            elif value != row.modified_local:
                row.modified_local, row.updated_at = value, now

    def clear_watermarks(self, company_id: int, list_types: Sequence[str] | None = None) -> int:
        """Forget watermarks (all, or of some lists): the next import of each is in full."""
        with self._tx() as s:
            query = delete(ListWatermark).where(ListWatermark.company_id == company_id)
            if list_types is not None:
                query = query.where(ListWatermark.list_type.in_(list(list_types)))
            return int(s.execute(query).rowcount or 0)  # type: ignore[attr-defined]

    def add_session_items(
        self, company_id: int, session_id: int, plan: Sequence[NewWorkItem], now: datetime
    ) -> None:
        """Queue more work for a running session (a request asked again after a change)."""
        with self._tx(frozenset({"work_item"})) as s:
            self._queue_items(s, company_id, session_id, plan, now)

    # the company's sync state ------------------------------------------------------------------
    def get_sync_state(self, company_id: int) -> SyncStateView:
        """The engine's notes about a company (defaults before the first session)."""
        return self._cached("company_sync_state", company_id, lambda: self._load_state(company_id))

    def _load_state(self, company_id: int) -> SyncStateView:
        with self._read() as s:  # a read: authenticate runs it, and must not take the write lock
            row = self._run(s, _SYNC_STATE_ROW, {"company_id": company_id}).first()
            return sync_state_view(company_id, row)

    def update_sync_state(self, company_id: int, now: datetime, **changes: Any) -> None:
        """Change some of the engine's notes about a company (created on first use)."""
        unknown = set(changes) - SYNC_STATE_FIELDS
        if unknown:
            raise ValueError(f"cannot update company_sync_state fields {sorted(unknown)}")
        with self._tx(frozenset({"company_sync_state"})) as s:
            upsert = _INSERTS.get(self.engine.dialect.name)
            if upsert is not None:
                # One Core statement instead of an ORM SELECT ... FOR UPDATE and a flush: the
                # engine notes the UTC offset and sweeps in receiveResponseXML (issue #15)
                keys = tuple(sorted(changes))
                query = self._stmt(
                    ("sync_state_upsert", keys), lambda: _sync_state_upsert(upsert, keys)
                )
                values = {"disabled": {}, "sweep_requested": False, **changes}
                self._run(s, query, {**values, "company_id": company_id, "updated_at": now})
                return
            row = s.scalars(
                select(CompanySyncState)
                .where(CompanySyncState.company_id == company_id)
                .with_for_update()
            ).first()
            if row is None:
                row = CompanySyncState(
                    company_id=company_id, disabled={}, sweep_requested=False, updated_at=now
                )
                s.add(row)
            for key, value in changes.items():
                setattr(row, key, value)
            row.updated_at = now

    # errors ----------------------------------------------------------------------------------
    def record_sync_error(
        self,
        *,
        company_id: int,
        session_id: int | None,
        work_item_id: int | None,
        request_type: str | None,
        status_code: str | None,
        record_ref: str | None,
        message: str,
        fix: str | None,
        now: datetime,
    ) -> None:
        """Keep one problem of a sync, with the code, the record and the fix sentence."""
        with self._tx(frozenset({"sync_error"})) as s:
            s.add(
                SyncError(
                    company_id=company_id,
                    session_id=session_id,
                    work_item_id=work_item_id,
                    request_type=request_type,
                    status_code=status_code,
                    record_ref=(record_ref or "")[:300] or None,
                    message=message,
                    fix=fix,
                    created_at=now,
                )
            )
