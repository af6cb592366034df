"""Billing owner records (issue 16): the company's recorded owner, its next billing date and
the firm's takeover proposals. The rules are in ``mappings.billing``; the current owner is
resolved at read time from the history and the clock, so no job has to apply a change on the
billing date. Must not import flask or spyne.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from mappings import billing as rules

from ..errors import NotFoundError
from ._base import StoreBase
from .models import AdminUser, BillingChange, Company


@dataclass(frozen=True, slots=True, kw_only=True)
class BillingRecord:
    """A company's billing facts: recorded owner, stored billing date, every proposal."""

    company_id: int
    firm_id: int | None
    base: rules.BillingOwner
    next_billing_date: date | None
    history: tuple[rules.BillingChange, ...]

    def owner(self, today: date) -> rules.BillingOwner:
        """Who bills the company on ``today``."""
        return rules.current_owner(self.base, self.history, today)

    def pending(self, now: datetime) -> rules.BillingChange | None:
        """The proposal waiting for an answer at ``now``, if any."""
        for change in self.history:
            if rules.state_at(change, now) == "proposed":
                return change
        return None

    def billing_date(self, today: date) -> date:
        """The next billing date (the first of next month unless one is set)."""
        return rules.next_billing_date(self.next_billing_date, today)


def _change(row: BillingChange) -> rules.BillingChange:
    return rules.BillingChange(
        id=row.id,
        firm_id=row.firm_id,
        state=row.state,  # type: ignore[arg-type]
        proposed_at=row.proposed_at,
        proposed_by=row.proposed_by,
        decided_at=row.decided_at,
        decided_by=row.decided_by,
        effective_on=row.effective_on,
    )


class BillingMixin(StoreBase):
    """The billing owner of companies and the takeover proposals."""

    def _record(self, s: Session, company_id: int) -> BillingRecord:
        company = s.get(Company, company_id)
        if company is None:
            raise NotFoundError(f"no company with id {company_id}")
        rows = s.scalars(
            select(BillingChange)
            .where(BillingChange.company_id == company_id)
            .order_by(BillingChange.id.desc())
        )
        owner: rules.Owner = "firm" if company.billing_owner == "firm" else "client"
        return BillingRecord(
            company_id=company_id,
            firm_id=company.firm_id,
            base=rules.BillingOwner(
                owner=owner,
                firm_id=company.billing_owner_firm_id,
                since=company.billing_owner_since or company.created_at.date(),
            ),
            next_billing_date=company.next_billing_date,
            history=tuple(_change(r) for r in rows),
        )

    def billing_record(self, company_id: int) -> BillingRecord:
        """The company's billing facts.

        :raises NotFoundError: no company has that id.
        """
        with self._read() as s:
            return self._record(s, company_id)

    def billing_records(self, company_ids: Iterable[int]) -> dict[int, BillingRecord]:
        """The billing facts of several companies (the dashboard's filter)."""
        with self._read() as s:
            return {i: self._record(s, i) for i in company_ids if s.get(Company, i) is not None}

    def propose_billing(self, company_id: int, *, by: str, now: datetime) -> rules.BillingChange:
        """Record the company's firm's proposal to take over its billing.

        :raises BillingRuleError: the firm bills it already or a proposal is open.
        :raises NotFoundError: no company, or it has no firm.
        """
        with self._tx() as s:
            record = self._record(s, company_id)
            if record.firm_id is None:
                raise NotFoundError(f"company {company_id} has no firm")
            today = now.date()
            rules.check_propose(
                record.owner(today),
                record.firm_id,
                record.pending(now),
                now,
                rules.scheduled(record.history, today),
            )
            row = BillingChange(
                company_id=company_id,
                firm_id=record.firm_id,
                state="proposed",
                proposed_at=now,
                proposed_by=by,
            )
            s.add(row)
            s.flush()
            return _change(row)

    def decide_billing(
        self, company_id: int, change_id: int, *, action: rules.Action, by: str, now: datetime
    ) -> rules.BillingChange:
        """Confirm, refuse or withdraw an open proposal; a confirmation takes effect on the
        company's next billing date.

        :raises BillingRuleError: the proposal is not open any more.
        :raises NotFoundError: no such proposal of this company.
        """
        with self._tx() as s:
            row = s.get(BillingChange, change_id)
            if row is None or row.company_id != company_id:
                raise NotFoundError(f"no billing proposal {change_id} of company {company_id}")
            record = self._record(s, company_id)
            decided = rules.decide(_change(row), action, now, record.billing_date(now.date()))
            row.state = decided.state
            row.decided_at = now
            row.decided_by = by
            row.effective_on = decided.effective_on
            s.flush()
            return _change(row)

    def set_next_billing_date(self, company_id: int, day: date) -> None:
        """Store the company's next billing date.

        :raises NotFoundError: no company has that id.
        """
        with self._tx() as s:
            company = s.get(Company, company_id)
            if company is None:
                raise NotFoundError(f"no company with id {company_id}")
            company.next_billing_date = day

    def primary_admins(self, company_id: int) -> list[str]:
        """The emails of the company's owner-role users (its primary admins), by email."""
        with self._read() as s:
            return list(
                s.scalars(
                    select(AdminUser.email)
                    .where(AdminUser.company_id == company_id, AdminUser.role == "owner")
                    .order_by(AdminUser.email)
                )
            )
