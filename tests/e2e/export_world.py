"""A synced sample company with a week of approved time, and the exactly-once check.

Used by the export end-to-end tests: entries go in through the store's own API (the REST API
tests cover HTTP), export runs through the real server over HTTP against FakeQuickBooks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from mappings.time import parse_entry_input
from mappings.time_export import round_to_minutes
from qbwc_server import admin
from qbwc_server.simulate import FakeQuickBooks
from qbwc_server.store.views_time import PayrollPair

WEEK = date(2026, 11, 23)  # a Monday, after the sample company's own entries


@dataclass
class ExportWorld:
    harness: Any
    created: admin.NewCompany
    qb: FakeQuickBooks
    ids: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def company_id(self) -> int:
        return self.created.company.id

    @property
    def store(self):
        return self.harness.store

    def sync(self, **kw: Any):
        return self.harness.sync(self.created, self.qb, **kw)

    def add(self, member: str, day: date, **values: Any) -> int:
        """One entry for ``member`` (a team member name) through the store; returns its id."""
        data = {"team_member_id": self.ids["member"][member], "work_date": day.isoformat()}
        data.update(values)
        data.setdefault("duration_seconds", 8 * 3600)
        [(record, _)] = self.store.create_time_entries(
            self.company_id, [parse_entry_input(data)], now=self.harness.clock.now()
        )
        return int(record.id)

    def approve(self, start: date = WEEK, end: date = WEEK + timedelta(days=6)) -> int:
        return self.store.set_approval(
            self.company_id,
            date_from=start,
            date_to=end,
            member_ids=None,
            approve=True,
            now=self.harness.clock.now(),
        )

    def entries(self) -> list[dict[str, Any]]:
        return self.harness.rows(self.company_id, "time_entry")

    def qb_entries(self) -> list[Any]:
        return [e for e in self.qb.company.time_entries.values() if e.external_guid]


def build_world(harness: Any, **options: str) -> ExportWorld:
    """The sample company, synced once, with the payroll defaults mapped.

    Export starts off for a new company (its admin ticks it when the company is ready): this one
    is ready, so it is on unless the test says otherwise.
    """
    options.setdefault("export_time", "yes")
    created = harness.add_company(**options)
    qb = harness.quickbooks()
    first = harness.sync(created, qb)
    assert first.outcome == "finished", first.last_error
    world = ExportWorld(harness=harness, created=created, qb=qb)
    cid = created.company.id
    world.ids = {
        "member": {r["name"]: r["id"] for r in harness.rows(cid, "team_member")},
        "customer": {r["full_name"]: r["id"] for r in harness.rows(cid, "customer")},
        "item": {r["full_name"]: r["id"] for r in harness.rows(cid, "service_item")},
        "payroll": {r["name"]: r["id"] for r in harness.rows(cid, "payroll_item")},
    }
    pay = world.ids["payroll"]
    harness.store.put_payroll_mapping(
        cid,
        [
            PayrollPair(
                team_member_id=world.ids["member"]["Owen Fitzgerald"],
                hour_type="regular",
                payroll_item_id=pay["Salary"],
            )
        ],
        [
            PayrollPair(
                team_member_id=None, hour_type="regular", payroll_item_id=pay["Hourly Regular"]
            ),
            PayrollPair(
                team_member_id=None, hour_type="overtime", payroll_item_id=pay["Overtime (x1.5)"]
            ),
        ],
        now=harness.clock.now(),
    )
    return world


ACTIVE_EMPLOYEES = (
    "Maria Alvarez",
    "James O'Connor",
    "Darnell Washington",
    "Sofia Nguyen",
    "Tyler Brooks",
    "Priya Raman",
    "Aiyana Begay",
    "Grace Holloway",
    "Owen Fitzgerald",
)


def approved_week(world: ExportWorld, members: tuple[str, ...] = ACTIVE_EMPLOYEES) -> list[int]:
    """Monday to Friday, 8 hours a day (Friday: 7h 45m 40s, rounded at export) on a job."""
    job = world.ids["customer"]["Abernathy, Claire:Kitchen Remodel"]
    item = world.ids["item"]["Labor:Carpentry"]
    ids = []
    for member in members:
        for n in range(5):
            seconds = 8 * 3600 if n < 4 else 7 * 3600 + 45 * 60 + 40
            ids.append(
                world.add(
                    member,
                    WEEK + timedelta(days=n),
                    duration_seconds=seconds,
                    customer_id=job,
                    service_item_id=item,
                    billable=True,
                    notes=f"day {n + 1}",
                )
            )
    world.approve()
    return ids


def check_exactly_once(world: ExportWorld) -> None:
    """QuickBooks holds exactly one transaction per exported entry, with the entry's values."""
    rows = {r["uuid"].upper(): r for r in world.entries() if not r["deleted"]}
    by_guid: dict[str, list[Any]] = {}
    for txn in world.qb_entries():
        by_guid.setdefault(txn.external_guid.upper(), []).append(txn)
    assert all(len(v) == 1 for v in by_guid.values()), {k: len(v) for k, v in by_guid.items()}
    exported = {k for k, r in rows.items() if r["state"] == "approved"}
    assert set(by_guid) == exported, (
        sorted(set(by_guid) - exported),
        sorted(exported - set(by_guid)),
    )
    members = {r["id"]: r for r in world.harness.rows(world.company_id, "team_member")}
    for guid, [txn] in by_guid.items():
        row = rows[guid]
        assert row["export_state"] == "exported" and row["locked"], row
        assert row["qb_txn_id"] == txn.txn_id
        assert row["qb_edit_sequence"] == txn.edit_sequence
        assert txn.txn_date.isoformat() == str(row["work_date"])
        assert txn.entity_ref.list_id == members[row["team_member_id"]]["qb_list_id"]
        assert txn.duration == timedelta(minutes=round_to_minutes(row["duration_seconds"]))
        assert txn.notes == row["notes"]
