"""The work queue, list watermarks and sync errors (DESIGN section 5).

Work items belong to a company and, while they run, to one session. Claiming uses
``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL (SQLite serialises writers with
``BEGIN IMMEDIATE``), so several server processes sharing one database never send one item twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import case, exists, select, update

from ._base import StoreBase
from .models import ListWatermark, SyncError, WorkItem
from .views import NewWorkItem, WorkItemView

PENDING, SENT, DONE, FAILED = "pending", "sent", "done", "failed"
UNFINISHED = (PENDING, SENT)
ABANDONED = "The session ended before this request finished; the next session planned it again."
ITEM_FIELDS = frozenset({"state", "spec", "error", "updated_at"})


def _item_view(row: WorkItem) -> WorkItemView:
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
        for item in plan:
            s.add(
                WorkItem(
                    company_id=company_id,
                    session_id=session_id,
                    position=item.position,
                    kind=item.kind,
                    state=PENDING,
                    spec=dict(item.spec),
                    attempt=0,
                    created_at=now,
                    updated_at=now,
                )
            )

    def has_unfinished_items(self, company_id: int) -> bool:
        """Whether an earlier session left work pending or unanswered."""
        with self._read() as s:
            query = select(
                exists().where(WorkItem.company_id == company_id, WorkItem.state.in_(UNFINISHED))
            )
            return bool(s.scalar(query))

    def session_items(self, session_id: int) -> list[WorkItemView]:
        """The session's work items in plan order."""
        with self._read() as s:
            rows = s.scalars(
                select(WorkItem)
                .where(WorkItem.session_id == session_id)
                .order_by(WorkItem.position, WorkItem.id)
            )
            return [_item_view(r) for r in rows]

    def claim_next_item(self, session_id: int, now: datetime) -> WorkItemView | None:
        """The item to send now: the one already sent (a retransmit gets the same request), else
        the first pending one, marked sent with a new unique ``request_id``; None when done."""
        with self._tx() as s:  # one SELECT: a sent item first, else the first pending one
            row = s.scalars(
                select(WorkItem)
                .where(WorkItem.session_id == session_id, WorkItem.state.in_((SENT, PENDING)))
                .order_by(
                    case((WorkItem.state == SENT, 0), else_=1), WorkItem.position, WorkItem.id
                )
                .limit(1)
                .with_for_update(skip_locked=True)
            ).first()
            if row is None:
                return None
            if row.state == SENT:
                return _item_view(row)
            row.attempt += 1
            row.state = SENT
            row.request_id = f"{row.id}.{row.attempt}"
            row.updated_at = now
            s.flush()
            return _item_view(row)

    def update_item(self, item_id: int, now: datetime, **changes: Any) -> WorkItemView:
        """Change an item's state, spec or error."""
        return self._update(
            WorkItem, item_id, ITEM_FIELDS, changes | {"updated_at": now}, _item_view
        )

    # watermarks ------------------------------------------------------------------------------
    def get_watermarks(self, company_id: int) -> dict[str, str]:
        """Each list type's watermark (QuickBooks local time, ``YYYY-MM-DDTHH:MM:SS``)."""
        with self._read() as s:
            rows = s.scalars(select(ListWatermark).where(ListWatermark.company_id == company_id))
            return {r.list_type: r.modified_local for r in rows}

    def set_watermark(self, company_id: int, list_type: str, value: str, now: datetime) -> None:
        """Move a list's watermark forward (never back)."""
        with self._tx() as s:
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
            elif value > row.modified_local:
                row.modified_local, row.updated_at = value, now

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
        with self._tx() as s:
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
