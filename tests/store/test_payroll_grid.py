"""The payroll mapping grid's read and clearing mappings, on SQLite and PostgreSQL (issue 14),
with the simulator's sample company imported the way the importer does."""

from __future__ import annotations

import pytest

from qbwc_server.errors import InvalidInputError
from qbwc_server.store import SqlStore
from qbwc_server.store.views_time import PayrollPair
from qbwc_server.testing import FixedClock
from tests.store.conftest import add_company
from tests.store.test_lists import apply, read, sample_rows


@pytest.fixture
def sample(store: SqlStore, clock: FixedClock) -> int:
    company = add_company(store, clock)
    rows = sample_rows()
    for kind in ("payroll_item", "team_member"):
        apply(store, company, rows[kind], clock.now())
    return company


def test_grid_rows_are_the_active_employees_with_their_earned_items(
    store: SqlStore, sample: int
) -> None:
    members = read(store, sample, "team_member").values()
    items = {i.qb_list_id: i.id for i in read(store, sample, "payroll_item").values()}
    employees = sorted(
        (m for m in members if m.qb_role == "employee" and m.is_active), key=lambda m: m.name
    )
    grid = store.payroll_grid(sample)
    assert [r.member.id for r in grid.rows] == [m.id for m in employees]
    assert employees and any(m.payroll_earnings for m in employees)
    for row, member in zip(grid.rows, employees, strict=True):
        earned = {items[e["payroll_item_list_id"]] for e in member.payroll_earnings}
        assert set(row.cells[0].candidates) == earned, member.name
        assert row.member.uses_time_data == bool(member.uses_time_data_for_paychecks)
    assert set(grid.default_candidates) <= set(items.values())


def test_set_then_clear_own_mappings_and_defaults(
    store: SqlStore, clock: FixedClock, sample: int
) -> None:
    grid = store.payroll_grid(sample)
    row = next(r for r in grid.rows if r.cells[0].candidates)
    item = row.cells[0].candidates[0]
    store.put_payroll_mapping(
        sample,
        [PayrollPair(team_member_id=row.member.id, hour_type="regular", payroll_item_id=item)],
        [PayrollPair(team_member_id=None, hour_type="overtime", payroll_item_id=item)],
        now=clock.now(),
    )
    cell = store.payroll_grid(sample).rows[grid.rows.index(row)].cells[0]
    assert (cell.own, cell.applies, cell.gap) == (item, item, False)
    store.put_payroll_mapping(
        sample, [], [], clear=[(row.member.id, "regular"), (None, "overtime")], now=clock.now()
    )
    assert store.get_payroll_mapping(sample).mappings == ()
    assert store.get_payroll_mapping(sample).defaults == ()
    with pytest.raises(InvalidInputError) as refused:
        store.put_payroll_mapping(sample, [], [], clear=[(None, "weekend")], now=clock.now())
    assert "clear[0].hour_type" in refused.value.fields


def test_clear_never_touches_another_company(
    store: SqlStore, clock: FixedClock, sample: int
) -> None:
    other = add_company(store, clock, "Other Co")
    item = store.payroll_grid(sample).default_candidates[0]
    default = PayrollPair(team_member_id=None, hour_type="regular", payroll_item_id=item)
    store.put_payroll_mapping(sample, [], [default], now=clock.now())
    store.put_payroll_mapping(other, [], [], clear=[(None, "regular")], now=clock.now())
    assert store.get_payroll_mapping(sample).defaults == (default,)
