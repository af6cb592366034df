"""What time export reads and writes: waiting entries with their facts, in-flight marks, answers.

The exactly-once rule lives here as state (DESIGN section 7): an entry is ``in_flight`` (with
what was sent, in ``time_entry.in_flight``) from the moment its request is built until its
answer, or the resolution query of a later session, is stored by :meth:`settle_entries`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, or_, select

from mappings.time_export import ExportEntry, MemberFacts, RefFacts, choose_payroll_item

from ._base import StoreBase
from ._time import time_entry_record
from .models import (
    Customer,
    PayrollDefault,
    PayrollItem,
    PayrollMapping,
    QbClass,
    ServiceItem,
    TeamMember,
    TimeEntry,
)
from .views_time import ExportCandidate, InFlightEntry, Settlement, TimeEntryRecord

SENDABLE = ("pending", "needs_update", "needs_delete")
RECHECKED = ("pending", "needs_update", "blocked", "error")


def _waiting_clause(company_id: int) -> Any:
    return and_(
        TimeEntry.company_id == company_id,
        or_(
            and_(
                TimeEntry.state == "approved",
                TimeEntry.deleted.is_(False),
                TimeEntry.export_state.in_(("pending", "needs_update")),
            ),
            TimeEntry.export_state.in_(("needs_delete", "in_flight")),
        ),
    )


def _ref(row: Any) -> RefFacts:
    return RefFacts(
        row_id=row.id,
        list_id=row.qb_list_id,
        name=getattr(row, "full_name", None) or row.name,
        active=bool(row.is_active) and not row.archived,
        deleted_in_qb=bool(row.deleted_in_qb),
    )


def _member(row: TeamMember) -> MemberFacts:
    return MemberFacts(
        row_id=row.id,
        list_id=row.qb_list_id,
        name=row.name,
        active=bool(row.is_active) and not row.archived,
        deleted_in_qb=bool(row.deleted_in_qb),
        role=row.qb_role,
        uses_time_data=bool(row.uses_time_data_for_paychecks),
    )


def _rest_state(row: TimeEntry) -> str:
    """Where an entry stands when nothing is in flight: what it still needs from QuickBooks."""
    if row.deleted:
        return "needs_delete"
    return "needs_update" if row.qb_txn_id else "pending"


class TimeExportMixin(StoreBase):
    """Reads and writes of the export work item (``sync/export.py``)."""

    def export_waiting(self, company_id: int) -> int:
        """Approved entries waiting for QuickBooks, deletions, and unresolved in-flight ones."""
        with self._tx() as s:
            return int(s.scalar(select(func.count()).where(_waiting_clause(company_id))) or 0)

    def export_summary(
        self, company_id: int, *, limit: int = 10
    ) -> tuple[dict[str, int], list[TimeEntryRecord]]:
        """Entries per export state, and the latest blocked or failed ones with their errors."""
        with self._tx() as s:
            counts = dict(
                s.execute(
                    select(TimeEntry.export_state, func.count())
                    .where(TimeEntry.company_id == company_id)
                    .group_by(TimeEntry.export_state)
                ).all()
            )
            rows = s.scalars(
                select(TimeEntry)
                .where(
                    TimeEntry.company_id == company_id,
                    TimeEntry.export_state.in_(("blocked", "error")),
                )
                .order_by(TimeEntry.updated_at.desc(), TimeEntry.id.desc())
                .limit(limit)
            )
            return {str(k): int(v) for k, v in counts.items()}, [time_entry_record(r) for r in rows]

    def export_candidates(
        self, company_id: int, *, states: Sequence[str] = RECHECKED, limit: int | None = None
    ) -> list[ExportCandidate]:
        """Approved, undeleted entries in ``states`` with every fact pre-flight needs, by id."""
        with self._tx() as s:
            query = (
                select(TimeEntry)
                .where(
                    TimeEntry.company_id == company_id,
                    TimeEntry.state == "approved",
                    TimeEntry.deleted.is_(False),
                    TimeEntry.export_state.in_(states),
                )
                .order_by(TimeEntry.id)
            )
            rows = list(s.scalars(query.limit(limit) if limit else query))
            return self._candidates(s, company_id, rows)

    def _candidates(self, s: Any, company_id: int, rows: list[TimeEntry]) -> list[ExportCandidate]:
        if not rows:
            return []

        def load(model: Any, ids: Iterable[int | None]) -> dict[int, Any]:
            wanted = {i for i in ids if i is not None}
            if not wanted:
                return {}
            found = s.scalars(
                select(model).where(model.company_id == company_id, model.id.in_(wanted))
            )
            return {r.id: r for r in found}

        members = {
            k: _member(v) for k, v in load(TeamMember, (r.team_member_id for r in rows)).items()
        }
        customers = {k: _ref(v) for k, v in load(Customer, (r.customer_id for r in rows)).items()}
        items = {
            k: _ref(v) for k, v in load(ServiceItem, (r.service_item_id for r in rows)).items()
        }
        classes = {k: _ref(v) for k, v in load(QbClass, (r.class_id for r in rows)).items()}
        member_maps: dict[int, dict[str, int]] = defaultdict(dict)
        for m in s.scalars(select(PayrollMapping).where(PayrollMapping.company_id == company_id)):
            member_maps[m.team_member_id][m.hour_type] = m.payroll_item_id
        defaults = {
            d.hour_type: d.payroll_item_id
            for d in s.scalars(
                select(PayrollDefault).where(PayrollDefault.company_id == company_id)
            )
        }
        payroll = {
            k: _ref(v)
            for k, v in load(
                PayrollItem,
                [*defaults.values(), *(i for m in member_maps.values() for i in m.values())],
            ).items()
        }
        days = self._day_totals(s, company_id, rows)
        out = []
        for row in rows:
            pick = choose_payroll_item(
                row.hour_type, member_maps.get(row.team_member_id, {}), defaults
            )
            entry = ExportEntry(
                entry_id=row.id,
                uuid=row.uuid,
                work_date=row.work_date,
                duration_seconds=row.duration_seconds,
                hour_type=row.hour_type,
                notes=row.notes,
                billable=row.billable,
                member=members[row.team_member_id],
                customer=customers.get(row.customer_id) if row.customer_id else None,
                service_item=items.get(row.service_item_id) if row.service_item_id else None,
                qb_class=classes.get(row.class_id) if row.class_id else None,
                payroll_item=payroll.get(pick) if pick is not None else None,
                day_total_seconds=days.get((row.team_member_id, row.work_date), 0),
            )
            flight = row.in_flight or {}
            out.append(
                ExportCandidate(
                    entry=entry,
                    export_state=row.export_state,
                    deleted=row.deleted,
                    version=row.version,
                    qb_txn_id=row.qb_txn_id,
                    qb_edit_sequence=row.qb_edit_sequence,
                    refresh=bool(flight.get("refresh")),
                    refreshed=bool(flight.get("refreshed")),
                )
            )
        return out

    def _day_totals(
        self, s: Any, company_id: int, rows: list[TimeEntry]
    ) -> dict[tuple[int, date], int]:
        """Seconds per (member, day) over the company's approved, undeleted entries."""
        lo, hi = min(r.work_date for r in rows), max(r.work_date for r in rows)
        totals = s.execute(
            select(
                TimeEntry.team_member_id, TimeEntry.work_date, func.sum(TimeEntry.duration_seconds)
            )
            .where(
                TimeEntry.company_id == company_id,
                TimeEntry.state == "approved",
                TimeEntry.deleted.is_(False),
                TimeEntry.work_date >= lo,
                TimeEntry.work_date <= hi,
            )
            .group_by(TimeEntry.team_member_id, TimeEntry.work_date)
        )
        return {(m, d): int(total or 0) for m, d, total in totals}

    def apply_preflight(
        self, company_id: int, blocked: Mapping[int, str], cleared: Sequence[int], now: datetime
    ) -> None:
        """Store pre-flight's verdicts: ``blocked`` entries get their error; ``cleared`` ones
        (blocked or failed before) go back to what they need from QuickBooks."""
        ids = [*blocked, *cleared]
        if not ids:
            return
        with self._tx() as s:
            rows = s.scalars(
                select(TimeEntry).where(TimeEntry.company_id == company_id, TimeEntry.id.in_(ids))
            )
            for row in rows:
                if row.export_state == "in_flight":
                    continue
                if row.id in blocked:
                    row.export_state, row.export_error = "blocked", blocked[row.id]
                else:
                    row.export_state, row.export_error = _rest_state(row), None
                row.updated_at = now

    def deletions_waiting(self, company_id: int, limit: int) -> list[tuple[int, str, str | None]]:
        """Deleted entries QuickBooks still has: (entry id, TxnID, EditSequence)."""
        with self._tx() as s:
            rows = s.execute(
                select(TimeEntry.id, TimeEntry.qb_txn_id, TimeEntry.qb_edit_sequence)
                .where(
                    TimeEntry.company_id == company_id,
                    TimeEntry.deleted.is_(True),
                    TimeEntry.export_state.in_(("needs_delete", "error", "blocked")),
                )
                .order_by(TimeEntry.id)
                .limit(limit)
            )
            return [(i, t, e) for i, t, e in rows if t]

    def in_flight_entries(self, company_id: int) -> list[InFlightEntry]:
        """Entries whose last request has no stored answer, by id."""
        with self._tx() as s:
            rows = s.scalars(
                select(TimeEntry)
                .where(TimeEntry.company_id == company_id, TimeEntry.export_state == "in_flight")
                .order_by(TimeEntry.id)
            )
            out = []
            for row in rows:
                info = dict(row.in_flight or {})
                sent_date = info.get("txn_date")
                out.append(
                    InFlightEntry(
                        entry_id=row.id,
                        uuid=row.uuid,
                        op=str(info.get("op", "add")),
                        txn_date=date.fromisoformat(sent_date)
                        if isinstance(sent_date, str)
                        else None,
                        entity_list_id=info.get("entity")  # type: ignore[arg-type]
                        if isinstance(info.get("entity"), str)
                        else None,
                        info=info,
                    )
                )
            return out

    def mark_in_flight(
        self, company_id: int, sent: Mapping[int, Mapping[str, object]], now: datetime
    ) -> None:
        """Entries whose requests are being handed to QuickBooks: ``sent[entry_id]`` is what
        (op, request id, entry version, date and entity) so the answer can be matched."""
        if not sent:
            return
        with self._tx() as s:
            rows = s.scalars(
                select(TimeEntry)
                .where(TimeEntry.company_id == company_id, TimeEntry.id.in_(list(sent)))
                .with_for_update()
            )
            for row in rows:
                row.in_flight = {**sent[row.id], "version": row.version}
                row.export_state = "in_flight"
                row.updated_at = now

    def settle_entries(
        self, company_id: int, settlements: Sequence[Settlement], now: datetime
    ) -> None:
        """Store what QuickBooks' answers mean for each entry (see :class:`Settlement`).

        An entry edited while in flight (its version moved on) is left ``needs_update``, one
        deleted while in flight ``needs_delete``: neither edit is lost.
        """
        if not settlements:
            return
        by_id = {x.entry_id: x for x in settlements}
        with self._tx() as s:
            rows = list(
                s.scalars(
                    select(TimeEntry)
                    .where(TimeEntry.company_id == company_id, TimeEntry.id.in_(list(by_id)))
                    .with_for_update()
                )
            )
            for row in rows:
                self._settle(s, row, by_id[row.id], now)

    @staticmethod
    def _settle(s: Any, row: TimeEntry, x: Settlement, now: datetime) -> None:
        flight = dict(row.in_flight or {})
        sent_version = flight.get("version", row.version)
        row.updated_at = now
        if x.kind in ("added", "modified"):
            row.qb_txn_id, row.qb_edit_sequence = x.txn_id, x.edit_sequence
            row.exported_at, row.export_error, row.in_flight = now, None, None
            if row.deleted:
                row.export_state = "needs_delete"
            elif row.version != sent_version or row.state != "approved":
                row.export_state, row.locked = "needs_update", False
            else:
                row.export_state, row.locked = "exported", True
            return
        if x.kind == "deleted" or (x.kind == "gone" and row.deleted):
            s.delete(row)
            return
        if x.kind == "gone":
            row.qb_txn_id = row.qb_edit_sequence = None
            row.in_flight, row.export_state = None, "pending"
            return
        if x.kind == "refreshed":
            row.qb_edit_sequence = x.edit_sequence
            row.in_flight, row.export_state = (
                {"refresh": False, "refreshed": True},
                _rest_state(row),
            )
            return
        if x.kind == "refresh":
            row.in_flight, row.export_state = {"refresh": True}, _rest_state(row)
            return
        if x.kind == "retry":
            keep: dict[str, object] | None = (
                {"refreshed": True} if flight.get("refreshed") else None
            )
            row.in_flight, row.export_state = keep, _rest_state(row)
            return
        if x.kind == "failed":
            if row.deleted and row.qb_txn_id is None:
                s.delete(row)
                return
            row.in_flight, row.export_state, row.export_error = None, "error", x.error
            return
        raise ValueError(f"unknown settlement kind {x.kind!r}")
