"""The payroll item mapping: per team member and hour type, the company defaults, and the grid
the admin page shows (issue 13, issue 14). Every query names its company.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select

from mappings.payroll_grid import Grid, GridItem, GridMember, build_grid
from mappings.time import check_hour_type

from ..errors import InvalidInputError
from ._base import StoreBase
from .models import PayrollDefault, PayrollItem, PayrollMapping, TeamMember, TimeEntry
from .views_time import PayrollMappingView, PayrollPair


class PayrollMixin(StoreBase):
    """Payroll item mapping of a company."""

    def get_payroll_mapping(self, company_id: int) -> PayrollMappingView:
        """Every mapping of the company and its defaults."""
        with self._tx() as s:
            maps = s.scalars(
                select(PayrollMapping)
                .where(PayrollMapping.company_id == company_id)
                .order_by(PayrollMapping.team_member_id, PayrollMapping.hour_type)
            )
            defaults = s.scalars(
                select(PayrollDefault)
                .where(PayrollDefault.company_id == company_id)
                .order_by(PayrollDefault.hour_type)
            )
            return PayrollMappingView(
                mappings=tuple(
                    PayrollPair(
                        team_member_id=m.team_member_id,
                        hour_type=m.hour_type,
                        payroll_item_id=m.payroll_item_id,
                        force=m.forced,
                    )
                    for m in maps
                ),
                defaults=tuple(
                    PayrollPair(
                        team_member_id=None,
                        hour_type=d.hour_type,
                        payroll_item_id=d.payroll_item_id,
                    )
                    for d in defaults
                ),
            )

    def put_payroll_mapping(
        self,
        company_id: int,
        mappings: Sequence[PayrollPair],
        defaults: Sequence[PayrollPair],
        *,
        now: datetime,
        clear: Sequence[tuple[int | None, str]] = (),
    ) -> PayrollMappingView:
        """Set the pairs named and clear those in ``clear``, all or none (others keep theirs).

        ``clear`` names (member id, hour type) pairs whose own mapping goes (the company default
        applies again), or (None, hour type) for a company default.

        A member's item must be among their QuickBooks earnings unless ``force``; vendors get
        no payroll item; the item must be an active wage item of the company.

        :raises InvalidInputError: naming each bad pair (``mappings[2].payroll_item_id``).
        """
        bad: dict[str, str] = {}
        with self._tx() as s:
            items = {
                r.id: r
                for r in s.scalars(select(PayrollItem).where(PayrollItem.company_id == company_id))
            }
            member_ids = {p.team_member_id for p in mappings if p.team_member_id is not None}
            members = {
                r.id: r
                for r in s.scalars(
                    select(TeamMember).where(
                        TeamMember.company_id == company_id, TeamMember.id.in_(member_ids)
                    )
                )
            }
            for group, pairs in (("mappings", mappings), ("defaults", defaults)):
                for n, pair in enumerate(pairs):
                    label = f"{group}[{n}]."
                    if check_hour_type(pair.hour_type):
                        bad[label + "hour_type"] = check_hour_type(pair.hour_type) or ""
                    item = items.get(pair.payroll_item_id)
                    if item is None:
                        bad[label + "payroll_item_id"] = (
                            f"no payroll item with id {pair.payroll_item_id} in this company"
                        )
                    elif not item.is_active or item.archived or item.deleted_in_qb:
                        bad[label + "payroll_item_id"] = (
                            "the payroll item is inactive in QuickBooks"
                        )
                    if group == "defaults":
                        continue
                    member = members.get(pair.team_member_id or 0)
                    if member is None:
                        bad[label + "team_member_id"] = (
                            f"no team member with id {pair.team_member_id} in this company"
                        )
                    elif member.qb_role == "vendor":
                        bad[label + "team_member_id"] = "vendors need no payroll item"
                    elif item is not None and not pair.force:
                        earned = {
                            e.get("payroll_item_list_id")
                            for e in member.payroll_earnings or []
                            if isinstance(e, dict)
                        }
                        if item.qb_list_id not in earned:
                            bad[label + "payroll_item_id"] = (
                                "the employee has no such earnings item in QuickBooks "
                                "(add it to their payroll info there, or send force: true)"
                            )
            for n, (_member, hour_type) in enumerate(clear):
                if check_hour_type(hour_type):
                    bad[f"clear[{n}].hour_type"] = check_hour_type(hour_type) or ""
            if bad:
                raise InvalidInputError(bad)
            for member_id, hour_type in clear:
                if member_id is None:
                    s.execute(
                        delete(PayrollDefault).where(
                            PayrollDefault.company_id == company_id,
                            PayrollDefault.hour_type == hour_type,
                        )
                    )
                else:
                    s.execute(
                        delete(PayrollMapping).where(
                            PayrollMapping.company_id == company_id,
                            PayrollMapping.team_member_id == member_id,
                            PayrollMapping.hour_type == hour_type,
                        )
                    )
            for pair in mappings:
                row = s.scalars(
                    select(PayrollMapping).where(
                        PayrollMapping.company_id == company_id,
                        PayrollMapping.team_member_id == pair.team_member_id,
                        PayrollMapping.hour_type == pair.hour_type,
                    )
                ).first()
                if row is None:
                    row = PayrollMapping(
                        company_id=company_id,
                        team_member_id=pair.team_member_id,
                        hour_type=pair.hour_type,
                    )
                    s.add(row)
                row.payroll_item_id, row.forced, row.updated_at = (
                    pair.payroll_item_id,
                    pair.force,
                    now,
                )
            for pair in defaults:
                d = s.scalars(
                    select(PayrollDefault).where(
                        PayrollDefault.company_id == company_id,
                        PayrollDefault.hour_type == pair.hour_type,
                    )
                ).first()
                if d is None:
                    d = PayrollDefault(company_id=company_id, hour_type=pair.hour_type)
                    s.add(d)
                d.payroll_item_id, d.updated_at = pair.payroll_item_id, now
        return self.get_payroll_mapping(company_id)

    def payroll_grid(self, company_id: int) -> Grid:
        """The mapping grid: the company's active employees (by name) x hour types (those always
        shown, those mapped and those of its time entries), with what applies and the gaps."""
        with self._read() as s:
            members = [
                GridMember(
                    id=m.id,
                    name=m.name,
                    uses_time_data=bool(m.uses_time_data_for_paychecks),
                    earned_list_ids=frozenset(
                        str(e["payroll_item_list_id"])
                        for e in m.payroll_earnings or []
                        if isinstance(e, dict) and e.get("payroll_item_list_id")
                    ),
                )
                for m in s.scalars(
                    select(TeamMember)
                    .where(
                        TeamMember.company_id == company_id,
                        TeamMember.qb_role == "employee",
                        TeamMember.is_active.is_(True),
                        TeamMember.archived.is_(False),
                        TeamMember.deleted_in_qb.is_(False),
                    )
                    .order_by(TeamMember.name, TeamMember.id)
                )
            ]
            items = [
                GridItem(
                    id=i.id,
                    name=i.name,
                    list_id=i.qb_list_id,
                    active=bool(i.is_active and not i.archived and not i.deleted_in_qb),
                    wage_type=i.wage_type,
                )
                for i in s.scalars(select(PayrollItem).where(PayrollItem.company_id == company_id))
            ]
            own = {
                (m.team_member_id, m.hour_type): (m.payroll_item_id, bool(m.forced))
                for m in s.scalars(
                    select(PayrollMapping).where(PayrollMapping.company_id == company_id)
                )
            }
            defaults = {
                d.hour_type: d.payroll_item_id
                for d in s.scalars(
                    select(PayrollDefault).where(PayrollDefault.company_id == company_id)
                )
            }
            used = set(
                s.scalars(
                    select(TimeEntry.hour_type).where(TimeEntry.company_id == company_id).distinct()
                )
            )
        return build_grid(members, items, own, defaults, hour_types=used)
