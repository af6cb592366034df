"""The facts of the integration health checks (issue 16), read for many companies at once.

Read-only: a fixed number of queries whatever the number of companies (the dashboard asks for
all of them). The checks themselves are pure (``mappings/health.py``); the preferences inside the
last HCP response are read by ``sync/hcp.py``, so this module hands its bytes on unparsed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mappings.health import HOURLY_PREFIX, HealthEmployee, HealthFacts, HealthSession
from mappings.options import options_from_dict

from ..errors import ConfigurationError
from ._base import StoreBase
from .models import Company, PayrollItem, SyncSession, TeamMember, TimeEntry

SESSIONS_READ = 10
"""Latest sessions read per company: enough to find the one before that succeeded."""
TO_EXPORT = ("pending", "needs_update", "error")
"""Export states of time that is still to reach QuickBooks (``error``: once its block is fixed)."""
FINISHED = "finished"


@dataclass(frozen=True, slots=True, kw_only=True)
class HealthInput:
    """A company's health facts, and the last HCP response (whose preferences complete them)."""

    facts: HealthFacts
    hcp_response: bytes | None


def _folded(text: str | None) -> str:
    return (text or "").strip().casefold()


def _text(data: dict[str, object] | None, key: str) -> str | None:
    value = (data or {}).get(key)
    return value if isinstance(value, str) and value else None


class HealthMixin(StoreBase):
    """Health facts of companies."""

    def health_inputs(self, company_ids: Iterable[int]) -> dict[int, HealthInput]:
        """Each existing company's health facts, by id (unknown ids are left out).

        :raises ConfigurationError: a company's stored import options cannot be read.
        """
        ids = sorted(set(company_ids))
        if not ids:
            return {}
        with self._read() as s:
            companies = list(s.scalars(select(Company).where(Company.id.in_(ids))))
            sessions = self._latest_sessions(s, ids)
            employees = self._employees_to_export(s, ids)
            hourly, known = self._hourly_items(s, ids)
            unlinked = self._unlinked_with_approved_time(s, ids)
            chosen: dict[int, int] = {}
            for c in companies:
                rows = sessions.get(c.id, [])
                same = [r for r in rows if _folded(r.company_file) == _folded(c.bound_company_file)]
                pick = (same if c.bound_company_file else rows)[:1]
                if pick:
                    chosen[c.id] = pick[0].id
            hcp: dict[int, bytes | None] = (
                dict(
                    s.execute(
                        select(SyncSession.id, SyncSession.hcp_response).where(
                            SyncSession.id.in_(list(chosen.values()))
                        )
                    ).all()
                )
                if chosen
                else {}
            )
            out: dict[int, HealthInput] = {}
            for c in companies:
                try:
                    options = options_from_dict(c.import_options or {})
                except ValueError as exc:
                    raise ConfigurationError(
                        f"company {c.id} has unreadable import options: {exc}"
                    ) from exc
                rows = sessions.get(c.id, [])
                last = rows[0] if rows else None
                previous = next((r for r in rows[1:] if r.state == FINISHED), None)
                facts = HealthFacts(
                    company_id=c.id,
                    week_start=c.week_start or "Monday",
                    options=options,
                    employees=tuple(
                        HealthEmployee(
                            name=m.name,
                            uses_time_data=m.uses_time_data_for_paychecks,
                            has_hourly_item=bool(_earned(m) & hourly.get(c.id, set())),
                        )
                        for m in employees.get(c.id, [])
                    ),
                    payroll_items_known=c.id in known,
                    unlinked_with_approved_time=tuple(unlinked.get(c.id, [])),
                    bound_company_file=c.bound_company_file,
                    bound_file_stamp=c.bound_file_stamp,
                    bound_product=c.bound_qb_product,
                    last_session=HealthSession(
                        company_file=last.company_file,
                        file_stamp=_text(last.state_data, "file_stamp"),
                        product=_text(last.state_data, "product"),
                    )
                    if last
                    else None,
                    previous_product=_text(previous.state_data, "product") if previous else None,
                    qbxml_version=c.qbxml_version,
                    last_success_at=c.last_success_at,
                    created_at=c.created_at,
                )
                out[c.id] = HealthInput(facts=facts, hcp_response=hcp.get(chosen.get(c.id, -1)))
            return out

    @staticmethod
    def _latest_sessions(s: Session, ids: list[int]) -> dict[int, list[Any]]:
        """Up to :data:`SESSIONS_READ` sessions per company that reached QuickBooks (they have a
        negotiated qbXML version), newest first; without their HCP bytes."""
        rank = (
            func.row_number()
            .over(partition_by=SyncSession.company_id, order_by=SyncSession.id.desc())
            .label("rank")
        )
        inner = (
            select(
                SyncSession.id,
                SyncSession.company_id,
                SyncSession.state,
                SyncSession.company_file,
                SyncSession.state_data,
                rank,
            )
            .where(SyncSession.company_id.in_(ids), SyncSession.qbxml_version.is_not(None))
            .subquery()
        )
        found: dict[int, list[Any]] = defaultdict(list)
        for row in s.execute(
            select(inner)
            .where(inner.c.rank <= SESSIONS_READ)
            .order_by(inner.c.company_id, inner.c.id.desc())
        ):
            found[row.company_id].append(row)
        return found

    @staticmethod
    def _employees_to_export(s: Session, ids: list[int]) -> dict[int, list[TeamMember]]:
        """Active QuickBooks employees with time still to export, by name."""
        waiting = (
            select(TimeEntry.team_member_id)
            .where(
                TimeEntry.company_id.in_(ids),
                TimeEntry.deleted.is_(False),
                TimeEntry.export_state.in_(TO_EXPORT),
            )
            .distinct()
        )
        found: dict[int, list[TeamMember]] = defaultdict(list)
        for m in s.scalars(
            select(TeamMember)
            .where(
                TeamMember.company_id.in_(ids),
                TeamMember.qb_role == "employee",
                TeamMember.is_active.is_(True),
                TeamMember.archived.is_(False),
                TeamMember.deleted_in_qb.is_(False),
                TeamMember.id.in_(waiting),
            )
            .order_by(TeamMember.name, TeamMember.id)
        ):
            found[m.company_id].append(m)
        return found

    @staticmethod
    def _hourly_items(s: Session, ids: list[int]) -> tuple[dict[int, set[str]], set[int]]:
        """The ListIDs of each company's active hourly wage items, and the companies that have
        any wage item at all."""
        hourly: dict[int, set[str]] = defaultdict(set)
        known: set[int] = set()
        for company_id, list_id, wage_type, active, archived, deleted in s.execute(
            select(
                PayrollItem.company_id,
                PayrollItem.qb_list_id,
                PayrollItem.wage_type,
                PayrollItem.is_active,
                PayrollItem.archived,
                PayrollItem.deleted_in_qb,
            ).where(PayrollItem.company_id.in_(ids))
        ):
            known.add(company_id)
            if (
                list_id
                and (wage_type or "").startswith(HOURLY_PREFIX)
                and active
                and not archived
                and not deleted
            ):
                hourly[company_id].add(list_id)
        return hourly, known

    @staticmethod
    def _unlinked_with_approved_time(
        s: Session, ids: list[int]
    ) -> dict[int, list[tuple[str, int]]]:
        """(name, approved entries still to export) of team members without a ListID."""
        found: dict[int, list[tuple[str, int]]] = defaultdict(list)
        for company_id, name, count in s.execute(
            select(TeamMember.company_id, TeamMember.name, func.count(TimeEntry.id))
            .join(TimeEntry, TimeEntry.team_member_id == TeamMember.id)
            .where(
                TeamMember.company_id.in_(ids),
                TeamMember.qb_list_id.is_(None),
                TimeEntry.company_id == TeamMember.company_id,
                TimeEntry.state == "approved",
                TimeEntry.deleted.is_(False),
                TimeEntry.export_state.in_(TO_EXPORT),
            )
            .group_by(TeamMember.company_id, TeamMember.id, TeamMember.name)
            .order_by(TeamMember.name, TeamMember.id)
        ):
            found[company_id].append((name, int(count)))
        return found


def _earned(member: TeamMember) -> set[str]:
    """The wage item ListIDs among a member's QuickBooks earnings (store/_lists.py keys)."""
    return {
        str(e["payroll_item_list_id"])
        for e in member.payroll_earnings or []
        if isinstance(e, dict) and e.get("payroll_item_list_id")
    }
