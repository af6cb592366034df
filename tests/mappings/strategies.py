"""Hypothesis strategies for mappings: list rows, local rows, import options, and a dict model
of the store that applies a ListPlan the way DESIGN section 6 says the store does."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st

from mappings import (
    LEVELS,
    LIST_KINDS,
    ImportOptions,
    ListPlan,
    ListRow,
    LocalRow,
)

# Small pools, so that duplicate ListIDs and name/email matches actually happen.
list_ids = st.sampled_from([f"8000{i:04X}-1700000000" for i in range(10)])
edit_sequences = st.none() | st.sampled_from(["1", "9", "10", "0010", "1700000000", "abc", "B2"])
_offsets = st.sampled_from([UTC, timezone(timedelta(hours=-5)), timezone(timedelta(hours=10))])
_moments = st.datetimes(datetime(2020, 1, 1), datetime(2020, 1, 3)).map(
    lambda d: d.replace(second=0, microsecond=0)
)
times_modified = (
    st.none()
    | st.builds(lambda d, tz: d.replace(tzinfo=tz), _moments, _offsets)
    | _moments  # QuickBooks omits the offset sometimes; qbxml then gives a naive datetime
)
# A few people, each spelled with varying case and spaces, so that links and ambiguity happen.
_PEOPLE = [("Ann", "Lee", "ann@x.example"), ("Bo", "Kim", "bo@x.example"), ("Ann", "Lee", "")]


def _spell(text: str | None, how: int) -> str | None:
    if text is None:
        return None
    return [text, text.upper(), f" {text.lower()} "][how]


people = st.builds(
    lambda person, how: tuple(_spell(part, how) for part in person),
    st.sampled_from(_PEOPLE),
    st.integers(0, 2),
)
names = st.sampled_from(["Alpha", "Beta", "Gamma:Delta"])


def _values(kind: str) -> st.SearchStrategy[dict[str, Any]]:
    if kind == "team_member":
        earnings = st.lists(
            st.tuples(st.none() | list_ids, st.none() | names, st.just("25.00"), st.none()),
            max_size=2,
        ).map(tuple)
        return st.builds(
            lambda person, rest: {
                "first_name": person[0],
                "last_name": person[1],
                "email": person[2],
                **rest,
            },
            people,
            st.fixed_dictionaries(
                {
                    "qb_role": st.sampled_from(["employee", "vendor"]),
                    "uses_time_data_for_paychecks": st.none() | st.booleans(),
                    "payroll_earnings": earnings,
                }
            ),
        )
    if kind == "customer":
        return st.fixed_dictionaries(
            {
                "company_name": st.none() | names,
                "email": st.none() | st.just("ann@x.example"),
                "job_status": st.none() | st.just("InProgress"),
                "is_job": st.booleans(),
            }
        )
    if kind == "service_item":
        return st.fixed_dictionaries(
            {"description": st.none() | names, "price": st.none() | st.just("45.00")}
        )
    if kind == "payroll_item":
        return st.fixed_dictionaries({"wage_type": st.none() | st.just("HourlyRegular")})
    return st.just({})


_VALUES = {kind: _values(kind) for kind in LIST_KINDS}


def list_rows(kinds: Sequence[str] = LIST_KINDS) -> st.SearchStrategy[ListRow]:
    """ListRows of one of ``kinds`` with values shaped like the mapping functions' output."""
    kind_strategy = st.sampled_from(kinds)
    parents = st.none() | list_ids
    sublevels = st.integers(0, 2)

    @st.composite
    def rows(draw: st.DrawFn) -> ListRow:
        kind = draw(kind_strategy)
        name = draw(names)
        return ListRow(
            kind=kind,  # type: ignore[arg-type]
            qb_list_id=draw(list_ids),
            edit_sequence=draw(edit_sequences),
            qb_time_modified=draw(times_modified),
            name=name,
            full_name=name,
            is_active=draw(st.booleans()),
            parent_list_id=draw(parents),
            sublevel=draw(sublevels),
            values=draw(_VALUES[kind]),
        )

    return rows()


# A batch of incoming rows: team members often, so that linking is exercised.
incoming_rows = st.lists(
    list_rows(("team_member", "team_member", "customer", "qb_class")), max_size=10
)
unique_rows = st.lists(list_rows(), max_size=8).map(
    lambda rows: list({r.qb_list_id: r for r in rows}.values())
)


@st.composite
def local_rows(draw: st.DrawFn, *, linked: bool) -> LocalRow:
    """A store row: linked (with a ListID) or an unlinked local team member."""
    first, last, email = draw(people)
    return LocalRow(
        local_id=0,  # numbered by the caller
        qb_list_id=draw(list_ids) if linked else None,
        edit_sequence=draw(edit_sequences) if linked else None,
        is_active=draw(st.booleans()),
        archived=draw(st.sampled_from([False, False, True])),
        deleted_in_qb=draw(st.booleans()) if linked else False,
        first_name=first,
        last_name=last,
        email=email,
    )


@st.composite
def stores(draw: st.DrawFn) -> ModelStore:
    """A model store holding some linked rows (unique ListIDs) and some unlinked members."""
    drawn = draw(st.lists(local_rows(linked=True), max_size=6))
    linked = list({r.qb_list_id: r for r in drawn}.values())
    unlinked = draw(st.lists(local_rows(linked=False), min_size=1, max_size=4))
    return ModelStore([*linked, *unlinked])


options = st.builds(
    ImportOptions,
    archive_existing_users=st.booleans(),
    import_customers_jobs=st.booleans(),
    assign_customers_to_all=st.booleans(),
    service_items=st.sampled_from(LEVELS),
    billable=st.sampled_from(LEVELS),
    classes=st.sampled_from(LEVELS),
    import_vendors=st.booleans(),
    export_time=st.booleans(),
)


class ModelStore:
    """A dict of LocalRow by local_id that applies plans as DESIGN section 6 describes."""

    def __init__(self, rows: Iterable[LocalRow] = ()) -> None:
        self.rows: dict[int, LocalRow] = {}
        for row in rows:
            self._put(dataclasses.replace(row, local_id=len(self.rows) + 1))

    def _put(self, row: LocalRow) -> None:
        self.rows[row.local_id] = row

    def existing(self, incoming: Iterable[ListRow]) -> dict[str, LocalRow]:
        """The store's rows for the incoming ListIDs, keyed by ListID."""
        wanted = {r.qb_list_id for r in incoming}
        return {r.qb_list_id: r for r in self.rows.values() if r.qb_list_id in wanted}

    def unlinked(self) -> list[LocalRow]:
        """Local rows without a ListID that are not archived."""
        return [r for r in self.rows.values() if r.qb_list_id is None and not r.archived]

    def _write(self, local_id: int, row: ListRow) -> None:
        values = row.values
        self._put(
            LocalRow(
                local_id=local_id,
                qb_list_id=row.qb_list_id,
                edit_sequence=row.edit_sequence,
                is_active=row.is_active,
                archived=not row.is_active,
                deleted_in_qb=False,
                first_name=values.get("first_name"),  # type: ignore[arg-type]
                last_name=values.get("last_name"),  # type: ignore[arg-type]
                email=values.get("email"),  # type: ignore[arg-type]
            )
        )

    def apply(self, plan: ListPlan) -> None:
        """Insert, update and link as the plan says."""
        for row in plan.inserts:
            self._write(max(self.rows, default=0) + 1, row)
        for local_id, row in (*plan.updates, *plan.links):
            self._write(local_id, row)
