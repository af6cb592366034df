"""mappings.payroll_grid: what applies per employee and hour type, the candidates, the gaps, and
reading the page's form back (pure)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mappings.payroll_grid import (
    SHOWN_HOUR_TYPES,
    GridItem,
    GridMember,
    build_grid,
    cell_field,
    default_field,
    read_grid_form,
)

REGULAR = GridItem(id=1, name="Hourly Regular", list_id="L1", wage_type="HourlyRegular")
OVERTIME = GridItem(id=2, name="Hourly Overtime", list_id="L2", wage_type="HourlyOvertime")
SICK = GridItem(id=3, name="Sick Hourly", list_id="L3", wage_type="HourlySick")
OLD = GridItem(id=4, name="Old Rate", list_id="L4", active=False)
ITEMS = (REGULAR, OVERTIME, SICK, OLD)
ANN = GridMember(id=10, name="Ann", uses_time_data=True, earned_list_ids=frozenset({"L1", "L2"}))
BOB = GridMember(id=11, name="Bob", uses_time_data=True, earned_list_ids=frozenset())
CAL = GridMember(id=12, name="Cal", uses_time_data=False, earned_list_ids=frozenset({"L1"}))


def _cell(grid, member_id: int, hour_type: str):
    row = next(r for r in grid.rows if r.member.id == member_id)
    return next(c for c in row.cells if c.hour_type == hour_type)


def test_own_mapping_then_default_then_gap() -> None:
    grid = build_grid((ANN, BOB, CAL), ITEMS, {(10, "overtime"): (2, False)}, {"regular": 1})
    assert grid.hour_types == SHOWN_HOUR_TYPES
    ann_reg, ann_ot = _cell(grid, 10, "regular"), _cell(grid, 10, "overtime")
    assert (ann_reg.own, ann_reg.applies, ann_reg.from_default, ann_reg.gap) == (
        None,
        1,
        True,
        False,
    )
    assert (ann_ot.own, ann_ot.applies, ann_ot.from_default, ann_ot.gap) == (2, 2, False, False)
    assert _cell(grid, 10, "doubletime").gap  # uses time data, nothing applies
    assert _cell(grid, 11, "regular").applies == 1 and _cell(grid, 11, "overtime").gap
    # Cal's paychecks do not use time data: no item is sent, so nothing is a gap
    assert not any(c.gap for c in next(r for r in grid.rows if r.member.id == 12).cells)
    assert grid.gaps == 3


def test_an_inactive_item_that_applies_is_a_gap_too() -> None:
    """An item made inactive in QuickBooks after it was mapped blocks the export as well."""
    grid = build_grid((ANN,), ITEMS, {(10, "regular"): (4, False)}, {"overtime": 4})
    assert _cell(grid, 10, "regular").gap and _cell(grid, 10, "overtime").gap
    assert _cell(grid, 10, "regular").candidates == (2, 1, 4)  # kept so the page shows it


def test_candidates_are_the_active_earned_items_and_a_forced_current_one() -> None:
    grid = build_grid((ANN, BOB), ITEMS, {(11, "regular"): (3, True)}, {})
    assert _cell(grid, 10, "regular").candidates == (2, 1)  # by name: Hourly Overtime, Regular
    forced = _cell(grid, 11, "regular")
    assert forced.candidates == (3,) and forced.forced  # kept, though Bob earns nothing
    assert _cell(grid, 11, "overtime").candidates == ()
    assert grid.default_candidates == (2, 1, 3)  # every active item, never the inactive one
    earned_inactive = GridMember(
        id=13, name="Dee", uses_time_data=True, earned_list_ids=frozenset({"L4"})
    )
    assert _cell(build_grid((earned_inactive,), ITEMS, {}, {}), 13, "regular").candidates == ()


def test_hour_types_of_mappings_defaults_and_entries_are_shown() -> None:
    grid = build_grid(
        (ANN,), ITEMS, {(10, "pto:vacation"): (1, False)}, {"pto:sick": 3}, hour_types={"pto:jury"}
    )
    assert grid.hour_types == (*SHOWN_HOUR_TYPES, "pto:sick", "pto:vacation", "pto:jury")
    assert grid.defaults["pto:sick"] == 3 and grid.defaults["regular"] is None


def test_form_sets_clears_and_keeps() -> None:
    grid = build_grid((ANN, BOB), ITEMS, {(10, "overtime"): (2, False)}, {"regular": 1})
    form = {
        cell_field(10, "regular"): "1",  # new own mapping
        cell_field(10, "overtime"): "",  # back to the default
        cell_field(11, "regular"): "",  # unchanged (the default)
        default_field("regular"): "3",  # default changed
        default_field("overtime"): "",  # unchanged (none)
    }
    changes, errors = read_grid_form(grid, form)
    assert errors == {}
    assert changes.set_members == ((10, "regular", 1),)
    assert changes.set_defaults == (("regular", 3),)
    assert changes.clear == ((10, "overtime"),)
    cleared, _ = read_grid_form(grid, {default_field("regular"): ""})
    assert cleared.clear == ((None, "regular"),) and cleared
    nothing, errors = read_grid_form(grid, {cell_field(10, "overtime"): "2"})
    assert not nothing and errors == {}


def test_form_refuses_what_the_grid_does_not_offer() -> None:
    grid = build_grid((ANN, BOB), ITEMS, {}, {})
    bad = {
        cell_field(10, "regular"): "3",  # not in Ann's earnings
        cell_field(11, "regular"): "x",  # not an id
        default_field("overtime"): "4",  # inactive item
        cell_field(99, "regular"): "1",  # another company's member
        default_field("weekend"): "1",  # no such hour type
        cell_field(10, "overtime"): "1",  # fine on its own, but nothing is applied
    }
    changes, errors = read_grid_form(grid, bad)
    assert not changes
    assert set(errors) == set(bad) - {cell_field(10, "overtime")}
    assert "reload the page" in errors[cell_field(10, "regular")]
    assert "no such team member" in errors[cell_field(99, "regular")]


_ids = st.integers(min_value=1, max_value=6)
_hours = st.sampled_from(("regular", "overtime", "doubletime", "pto:sick"))


@given(
    st.dictionaries(
        st.tuples(st.sampled_from((10, 11, 12)), _hours), st.tuples(_ids, st.booleans())
    ),
    st.dictionaries(_hours, _ids),
    st.dictionaries(st.text(max_size=20), st.text(max_size=6), max_size=6),
)
def test_any_form_gives_changes_within_the_grid_or_errors(mappings, defaults, form) -> None:
    """Whatever is posted, the changes only name the grid's members, hour types and offered
    items, and nothing is changed when any field is wrong."""
    items = [GridItem(id=i, name=f"Item {i}", list_id=f"L{i}", active=i != 6) for i in range(1, 7)]
    members = [
        GridMember(
            id=m, name=f"M{m}", uses_time_data=m != 12, earned_list_ids=frozenset({"L1", "L2"})
        )
        for m in (10, 11, 12)
    ]
    grid = build_grid(members, items, mappings, defaults)
    changes, errors = read_grid_form(grid, form)
    if errors:
        assert not changes
    for member, hour_type, item in changes.set_members:
        assert item in _cell(grid, member, hour_type).candidates
    for hour_type, item in changes.set_defaults:
        assert item in grid.default_candidates and hour_type in grid.hour_types
    for member, hour_type in changes.clear:
        assert hour_type in grid.hour_types and member in (None, 10, 11, 12)
    for row in grid.rows:
        for cell in row.cells:
            usable = cell.applies is not None and grid.items[cell.applies].active
            assert cell.gap == (row.member.uses_time_data and not usable)
