"""The payroll item mapping grid: team member x hour type, what applies, and the gaps.

Pure (DESIGN section 7): the store gives plain facts (:class:`GridMember`, :class:`GridItem`,
the mapping and the defaults); :func:`build_grid` says, per employee and hour type, which wage
item the time export would send (their own mapping, else the company default), which items
they may be given (the active wage items among their QuickBooks earnings), and where nothing
applies although their paychecks use time data: a gap, whose time the export blocks.
:func:`read_grid_form` turns the admin page's form back into changes, checking every value
against the grid, so a tampered or stale form changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

__all__ = [
    "GAP_FIX",
    "SHOWN_HOUR_TYPES",
    "Cell",
    "Grid",
    "GridChanges",
    "GridItem",
    "GridMember",
    "GridRow",
    "build_grid",
    "cell_field",
    "default_field",
    "read_grid_form",
]

SHOWN_HOUR_TYPES: Final = ("regular", "overtime", "doubletime")
"""Hour types always shown; others (``pto:<code>``) appear once mapped or used."""
GAP_FIX: Final = (
    "Choose one of their wage items, or set a company default for this hour type; if the list "
    "is empty, add an hourly wage item to the employee's earnings in QuickBooks (Employee "
    "Center > the employee > Payroll Info > Earnings) and sync."
)


@dataclass(frozen=True, slots=True, kw_only=True)
class GridMember:
    """An employee as the grid needs them (vendors are not paid through payroll)."""

    id: int
    name: str
    uses_time_data: bool
    earned_list_ids: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True, kw_only=True)
class GridItem:
    """A payroll wage item; only active ones may be chosen."""

    id: int
    name: str
    list_id: str | None
    active: bool = True
    wage_type: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Cell:
    """One employee's hour type.

    :ivar own: their own mapping's item id (None: the company default applies).
    :ivar applies: the item the export sends for this hour type (None: none).
    :ivar candidates: the item ids the page offers: their earnings' active wage items, and
        their current item even when it is not among them (a forced mapping).
    :ivar gap: their paychecks use time data and no item applies, or the one that applies is
        inactive (made inactive or deleted in QuickBooks since): that time is blocked.
    """

    hour_type: str
    own: int | None
    forced: bool
    applies: int | None
    from_default: bool
    candidates: tuple[int, ...]
    gap: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class GridRow:
    member: GridMember
    cells: tuple[Cell, ...]

    @property
    def gaps(self) -> int:
        return sum(c.gap for c in self.cells)


@dataclass(frozen=True, slots=True, kw_only=True)
class Grid:
    hour_types: tuple[str, ...]
    rows: tuple[GridRow, ...]
    defaults: Mapping[str, int | None]
    default_candidates: tuple[int, ...]
    items: Mapping[int, GridItem]

    @property
    def gaps(self) -> int:
        return sum(r.gaps for r in self.rows)

    def item_name(self, item_id: int | None) -> str:
        item = self.items.get(item_id or 0)
        return item.name if item else ""


@dataclass(frozen=True, slots=True, kw_only=True)
class GridChanges:
    """What a saved form changes: pairs to set and pairs to clear (member None: a default)."""

    set_members: tuple[tuple[int, str, int], ...] = ()
    set_defaults: tuple[tuple[str, int], ...] = ()
    clear: tuple[tuple[int | None, str], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.set_members or self.set_defaults or self.clear)


def _hour_types(
    mappings: Mapping[tuple[int, str], tuple[int, bool]], defaults: Mapping[str, int]
) -> tuple[str, ...]:
    extra = {h for _, h in mappings} | set(defaults)
    return SHOWN_HOUR_TYPES + tuple(sorted(extra - set(SHOWN_HOUR_TYPES)))


def build_grid(
    members: Iterable[GridMember],
    items: Iterable[GridItem],
    mappings: Mapping[tuple[int, str], tuple[int, bool]],
    defaults: Mapping[str, int],
    *,
    hour_types: Iterable[str] = (),
) -> Grid:
    """The grid of ``members`` (in the order given) by hour type.

    :param mappings: (member id, hour type) -> (item id, forced).
    :param defaults: hour type -> the company default's item id.
    :param hour_types: more hour types to show (those of the company's time entries).
    """
    by_id = {i.id: i for i in items}
    active = [i for i in by_id.values() if i.active]
    usable = {i.id for i in active}
    by_list_id = {i.list_id: i.id for i in active if i.list_id}
    shown = _hour_types(mappings, defaults)
    shown += tuple(sorted(set(hour_types) - set(shown)))
    rows = []
    for member in members:
        earned = sorted(
            {by_list_id[x] for x in member.earned_list_ids if x in by_list_id},
            key=lambda i: (by_id[i].name.casefold(), i),
        )
        cells = []
        for hour_type in shown:
            own, forced = mappings.get((member.id, hour_type), (None, False))
            applies = own if own is not None else defaults.get(hour_type)
            candidates = tuple(earned) + ((own,) if own is not None and own not in earned else ())
            cells.append(
                Cell(
                    hour_type=hour_type,
                    own=own,
                    forced=forced,
                    applies=applies,
                    from_default=own is None and applies is not None,
                    candidates=candidates,
                    gap=member.uses_time_data and (applies is None or applies not in usable),
                )
            )
        rows.append(GridRow(member=member, cells=tuple(cells)))
    return Grid(
        hour_types=shown,
        rows=tuple(rows),
        defaults={h: defaults.get(h) for h in shown},
        default_candidates=tuple(
            i.id for i in sorted(active, key=lambda i: (i.name.casefold(), i.id))
        ),
        items=by_id,
    )


def cell_field(member_id: int, hour_type: str) -> str:
    """The form field of one cell."""
    return f"cell-{member_id}-{hour_type}"


def default_field(hour_type: str) -> str:
    """The form field of one company default."""
    return f"default-{hour_type}"


def _choice(text: str, allowed: Iterable[int]) -> tuple[int | None, str | None]:
    """'' -> None (the default / no default); else an allowed item id."""
    text = text.strip()
    if not text:
        return None, None
    if not text.isdigit() or int(text) not in set(allowed):
        return None, "not one of the items offered for this cell; reload the page and choose again"
    return int(text), None


def read_grid_form(grid: Grid, form: Mapping[str, str]) -> tuple[GridChanges, dict[str, str]]:
    """The changes a submitted form asks for, or the errors (field name -> reason).

    Cells and defaults missing from the form keep what they have. Unknown ``cell-``/``default-``
    fields (another company's member, a made-up hour type) are errors: the form was tampered
    with or is stale. With any error, no change is returned.
    """
    errors: dict[str, str] = {}
    set_members: list[tuple[int, str, int]] = []
    set_defaults: list[tuple[str, int]] = []
    clear: list[tuple[int | None, str]] = []
    known = {default_field(h) for h in grid.hour_types}
    for hour_type in grid.hour_types:
        name = default_field(hour_type)
        if name not in form:
            continue
        chosen, problem = _choice(form[name], grid.default_candidates)
        if problem:
            errors[name] = problem
        elif chosen != grid.defaults.get(hour_type):
            if chosen is None:
                clear.append((None, hour_type))
            else:
                set_defaults.append((hour_type, chosen))
    for row in grid.rows:
        for cell in row.cells:
            name = cell_field(row.member.id, cell.hour_type)
            known.add(name)
            if name not in form:
                continue
            chosen, problem = _choice(form[name], cell.candidates)
            if problem:
                errors[name] = problem
            elif chosen != cell.own:
                if chosen is None:
                    clear.append((row.member.id, cell.hour_type))
                else:
                    set_members.append((row.member.id, cell.hour_type, chosen))
    for name in form:
        if name.startswith(("cell-", "default-")) and name not in known:
            errors[name] = "no such team member or hour type in this company's grid"
    if errors:
        return GridChanges(), errors
    return (
        GridChanges(
            set_members=tuple(set_members), set_defaults=tuple(set_defaults), clear=tuple(clear)
        ),
        {},
    )
