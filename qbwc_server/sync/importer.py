"""Read one qbXML response as a stream and reconcile its records into the store, in batches.

For each ``…Rs`` the answer's records go through ``mappings`` (record -> row -> plan) and the
store applies each plan in one short transaction (DESIGN sections 6 and 12). A record that
cannot be mapped is stored as a per-record error; the others still import.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

import qbxml
from mappings import (
    ListRow,
    MappingError,
    count_key,
    plan_deletions,
    plan_list_changes,
    record_to_row,
)

from .requests import local_text

if TYPE_CHECKING:
    from ..store import SqlStore
    from ..store.views import WorkItemView

log = logging.getLogger(__name__)

BATCH = 500


@dataclass(slots=True)
class Answer:
    """One answered request: its work item, status, and what its records did."""

    item: WorkItemView
    status: qbxml.ResponseStatus
    received: int = 0
    newest: str | None = None
    rows: list[ListRow] = field(default_factory=list)
    deleted: list[qbxml.ListDeleted] = field(default_factory=list)


class ResponseImporter:
    """Imports one receiveResponseXML body for a session.

    :param sent: the session's items waiting for an answer, by the ``requestID`` they were
        sent with; answers to anything else (a retransmitted response) are skipped.
    """

    def __init__(
        self,
        *,
        store: SqlStore,
        company_id: int,
        session_id: int,
        sent: dict[str, WorkItemView],
        assign_to_all: bool,
        now: datetime,
    ) -> None:
        self.store = store
        self.company_id = company_id
        self.session_id = session_id
        self.sent = sent
        self.assign_to_all = assign_to_all
        self.now = now
        self.counts: Counter[str] = Counter()
        self.record_errors = 0

    def run(self, data: bytes, *, max_bytes: int) -> list[Answer]:
        """Stream ``data``; returns the answers that belong to this session's sent items.

        :raises qbxml.QbxmlError: the response is not readable qbXML (batches already applied
            stay applied: upserts are idempotent, and the item is asked again).
        """
        answers: list[Answer] = []
        current: Answer | None = None
        for event in qbxml.iter_msgs_rs(data, max_bytes=max_bytes):
            if isinstance(event, qbxml.ResponseStatus):
                self._flush(current)
                item = self.sent.get(event.request_id or "")
                current = Answer(item=item, status=event) if item is not None else None
                if current is not None:
                    answers.append(current)
            elif current is not None:
                self._add(current, event)
        self._flush(current)
        return answers

    def _add(self, answer: Answer, record: qbxml.Record) -> None:
        answer.received += 1
        if isinstance(record, qbxml.ListDeleted):
            answer.deleted.append(record)
            stamp = record.time_deleted
        else:
            try:
                row = record_to_row(record)
            except MappingError as exc:
                self._record_error(answer, str(exc), getattr(record, "list_id", None))
                return
            if row is None:
                return
            answer.rows.append(row)
            stamp = row.qb_time_modified
        if stamp is not None:
            text = local_text(stamp)
            answer.newest = max(answer.newest or text, text)
        if len(answer.rows) + len(answer.deleted) >= BATCH:
            self._flush(answer)

    def _record_error(self, answer: Answer, message: str, ref: str | None) -> None:
        self.record_errors += 1
        self.store.record_sync_error(
            company_id=self.company_id,
            session_id=self.session_id,
            work_item_id=answer.item.id,
            request_type=answer.status.rs_name,
            status_code=None,
            record_ref=ref,
            message=message,
            fix="Open the record in QuickBooks, complete it, and run the update again.",
            now=self.now,
        )

    def _flush(self, answer: Answer | None) -> None:
        if answer is None:
            return
        if answer.rows:
            self._apply_rows(answer.rows)
            answer.rows = []
        if answer.deleted:
            for kind, ids in plan_deletions(answer.deleted).items():
                changed = self.store.mark_deleted_in_qb(self.company_id, kind, ids, self.now)
                self.counts["deleted"] += changed
            answer.deleted = []

    def _apply_rows(self, rows: list[ListRow]) -> None:
        for kind in sorted({r.kind for r in rows}):
            batch = [r for r in rows if r.kind == kind]
            existing = self.store.lookup_list_rows(
                self.company_id, kind, [r.qb_list_id for r in batch]
            )
            unlinked = (
                self.store.unlinked_team_members(self.company_id) if kind == "team_member" else []
            )
            plan = plan_list_changes(batch, existing, unlinked)
            if plan.is_empty:
                continue
            self.store.apply_list_plan(
                self.company_id, kind, plan, self.now, assign_to_all=self.assign_to_all
            )
            for row in (*plan.inserts, *(r for _, r in plan.updates), *(r for _, r in plan.links)):
                self.counts[count_key(row)] += 1
