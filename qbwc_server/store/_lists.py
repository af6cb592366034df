"""Lists imported from QuickBooks: batched lookups and upserts (DESIGN sections 6 and 12).

The sync engine asks for what the store has (``lookup_list_rows``), lets ``mappings`` plan the
changes, and hands the plan back (``apply_list_plan``): a few statements per batch, whatever its
size (one executemany ``INSERT ... ON CONFLICT`` per tree level of the batch). FullName and
sublevel of tree lists are derived from the parent chain (``_tree``), touching only the batch's
rows, the children waiting for them, their parents and the descendants of renamed rows.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from operator import attrgetter, methodcaller
from typing import Any, cast
from uuid import uuid4

from sqlalchemy import String, Table, bindparam, delete, exists, func, or_, select, update

from mappings import ListPlan, ListRow, LocalItem, LocalRow

from ._base import StoreBase
from ._bulk import analyze_once, select_in, update_by_id, upsert
from ._tree import TreeBatch, finish_tree, plan_tree
from .models import Customer, PayrollItem, QbClass, ServiceItem, TeamMember, TimeEntry

MODELS: dict[str, Any] = {
    "team_member": TeamMember,
    "customer": Customer,
    "service_item": ServiceItem,
    "qb_class": QbClass,
    "payroll_item": PayrollItem,
}
TREE_KINDS = frozenset({"customer", "service_item", "qb_class"})
CHUNK = 500  # ids per IN (...) list
LOOKUP_COLUMNS = ("id", "qb_list_id", "edit_sequence", "is_active", "archived", "deleted_in_qb")
PERSON_COLUMNS = ("first_name", "last_name", "email")
# Columns a too-long value may be cut in (with a notice); any other too-long value refuses the
# record, since it names or identifies it.
SOFT_COLUMNS = frozenset({"first_name", "last_name", "email", "company_name", "job_status"})
# The ListRow fields every list has (a too-long one always refuses the record).
TOP_FIELDS = ("qb_list_id", "edit_sequence", "name", "full_name", "parent_list_id")


@dataclass(frozen=True, slots=True, kw_only=True)
class RowProblem:
    """A value that did not fit its column: cut (``refused`` False) or the record refused."""

    list_id: str
    message: str
    refused: bool


def _limits(kind: str) -> dict[str, int]:
    table = _model(kind).__table__
    return {
        c.name: c.type.length
        for c in table.columns
        if isinstance(c.type, String) and c.type.length is not None
    }


def _model(kind: str) -> Any:
    try:
        return MODELS[kind]
    except KeyError:
        raise ValueError(f"unknown list kind {kind!r}") from None


def _chunks(values: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _json_earnings(earnings: Iterable[Sequence[object]]) -> list[dict[str, object]]:
    keys = ("payroll_item_list_id", "payroll_item_name", "rate", "rate_percent")
    return [dict(zip(keys, line, strict=True)) for line in earnings]


def _columns(
    kind: str,
    row: ListRow,
    now: datetime,
    tree: TreeBatch | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The store columns of one QuickBooks row (inactive rows are archived), then ``extra``."""
    cols: dict[str, Any] = {
        "qb_list_id": row.qb_list_id,
        "edit_sequence": row.edit_sequence,
        "qb_time_modified": row.qb_time_modified,
        "name": row.name,
        "is_active": row.is_active,
        "archived": not row.is_active,
        "deleted_in_qb": False,
        "updated_at": now,
    }
    if kind in TREE_KINDS:  # FullName, sublevel and parent as derived by _tree.plan_tree
        if tree is not None:
            _, full_name, sublevel = tree.values[row.qb_list_id]
            parent_id = tree.parent_id(row.qb_list_id)
        else:
            full_name, sublevel, parent_id = row.full_name, row.sublevel, None
        cols["full_name"] = full_name
        cols["parent_list_id"] = row.parent_list_id
        cols["sublevel"] = sublevel
        cols["parent_id"] = parent_id
    cols.update(row.values)
    if "payroll_earnings" in cols:
        cols["payroll_earnings"] = _json_earnings(cols["payroll_earnings"])
    if extra:
        cols.update(extra)
    return cols


_MEMBER = cast(Table, TeamMember.__table__)
_UNLINKED_MEMBERS = (
    select(*(_MEMBER.c[n] for n in (*LOOKUP_COLUMNS, *PERSON_COLUMNS)))
    .where(
        _MEMBER.c.company_id == bindparam("company_id"),
        _MEMBER.c.qb_list_id.is_(None),
        _MEMBER.c.archived.is_(False),
    )
    .order_by(_MEMBER.c.id)
)


def _local_row(kind: str, row: Any) -> LocalRow:
    person = kind == "team_member"
    return LocalRow(
        local_id=row.id,
        qb_list_id=row.qb_list_id,
        edit_sequence=row.edit_sequence,
        is_active=row.is_active,
        archived=row.archived,
        deleted_in_qb=row.deleted_in_qb,
        first_name=row.first_name if person else None,
        last_name=row.last_name if person else None,
        email=row.email if person else None,
    )


def _batch_fits(
    rows: Sequence[ListRow], top: Sequence[tuple[str, int]], limits: dict[str, int]
) -> bool:
    """Whether every text value of the batch fits its column (the common case), checked a
    column at a time with C-level loops (``map``); False sends the batch row by row."""
    try:
        for name, size in top:
            if max(map(len, filter(None, map(attrgetter(name), rows))), default=0) > size:
                return False
        values = list(map(attrgetter("values"), rows))
        keys = set().union(*map(methodcaller("keys"), values)) & limits.keys()
        for name in keys:
            if (
                max(map(len, filter(None, map(methodcaller("get", name), values))), default=0)
                > (limits[name])
            ):
                return False
    except TypeError:  # a value without a length (not text): the row-by-row check decides
        return False
    return True


def fit_rows(kind: str, rows: Sequence[ListRow]) -> tuple[list[ListRow], list[RowProblem]]:
    """Check every text value against its column's size before anything is written.

    A too-long value in a column of :data:`SOFT_COLUMNS` is cut to fit (a notice); any other
    refuses the record (an error), so one record never fails the batch on the database.
    """
    limits = _limits(kind)
    top = [(n, limits[n]) for n in TOP_FIELDS if n in limits]
    kept: list[ListRow] = []
    problems: list[RowProblem] = []
    if _batch_fits(rows, top, limits):
        return list(rows), problems
    for row in rows:
        too_long = [n for n, size in top if isinstance(v := getattr(row, n), str) and len(v) > size]
        if too_long:
            problems.append(
                RowProblem(
                    list_id=row.qb_list_id[:300],
                    message=f"{too_long[0]} is longer than {limits[too_long[0]]} characters",
                    refused=True,
                )
            )
            continue
        values = dict(row.values)
        cut = [
            n
            for n, v in values.items()
            if isinstance(v, str) and n in limits and len(v) > limits[n]
        ]
        hard = [n for n in cut if n not in SOFT_COLUMNS]
        if hard:
            problems.append(
                RowProblem(
                    list_id=row.qb_list_id,
                    message=f"{hard[0]} is longer than {limits[hard[0]]} characters",
                    refused=True,
                )
            )
            continue
        for n in cut:
            values[n] = values[n][: limits[n]]  # type: ignore[index]
            problems.append(
                RowProblem(
                    list_id=row.qb_list_id,
                    message=f"{n} was cut to its first {limits[n]} characters",
                    refused=False,
                )
            )
        kept.append(dataclasses.replace(row, values=values) if cut else row)
    return kept, problems


class ListsMixin(StoreBase):
    """Team members, customers/jobs, service items, classes and payroll items."""

    @staticmethod
    def fit_list_rows(kind: str, rows: Sequence[ListRow]) -> tuple[list[ListRow], list[RowProblem]]:
        """:func:`fit_rows`: rows cut to the column sizes, and the records refused."""
        return fit_rows(kind, rows)

    def lookup_list_rows(
        self, company_id: int, kind: str, list_ids: Sequence[str]
    ) -> dict[str, LocalRow]:
        """What the store has for these QuickBooks ListIDs, by ListID."""
        table = _model(kind).__table__
        person = kind == "team_member"
        columns = LOOKUP_COLUMNS + (PERSON_COLUMNS if person else ())
        found: dict[str, LocalRow] = {}
        with self._read() as s:  # a read: it leaves the unit's cached views alone
            conn = self._connection(s)
            for chunk in _chunks(sorted(set(list_ids))):
                for r in select_in(conn, table, columns, company_id, "qb_list_id", chunk):
                    found[r[1]] = LocalRow(
                        local_id=r[0],
                        qb_list_id=r[1],
                        edit_sequence=r[2],
                        is_active=bool(r[3]),  # SQLite's 0/1: no result processing here
                        archived=bool(r[4]),
                        deleted_in_qb=bool(r[5]),
                        first_name=r[6] if person else None,
                        last_name=r[7] if person else None,
                        email=r[8] if person else None,
                    )
        return found

    def unlinked_team_members(self, company_id: int) -> list[LocalRow]:
        """Local team members not linked to QuickBooks and not archived (link candidates)."""
        with self._read() as s:  # Core, a read: each batch of employees and vendors asks
            rows = self._run(s, _UNLINKED_MEMBERS, {"company_id": company_id})
            return [_local_row("team_member", r) for r in rows]

    def apply_list_plan(
        self, company_id: int, kind: str, plan: ListPlan, now: datetime, *, assign_to_all: bool
    ) -> None:
        """Write a reconcile plan in one transaction: batched inserts, updates and links.

        One ``executemany`` per statement with the same keys in every row, the values converted
        once per batch where they repeat (:mod:`._bulk`); for tree lists, parent links and
        FullNames are derived before the write for the batch's rows and the rows waiting for
        them (:mod:`._tree`).
        """
        table = _model(kind).__table__
        with self._tx(frozenset({table.name})) as s:  # the list's table only
            conn = self._connection(s)
            # Inserts and updates are one INSERT ... ON CONFLICT: an update's row is the one its
            # ListID names, and its company_id, created_at and assigned_to_all stay as they are.
            extra: dict[str, Any] = {"company_id": company_id, "created_at": now}
            if kind == "customer":
                extra["assigned_to_all"] = assign_to_all
            written = [*plan.inserts, *(r for _, r in plan.updates)]
            if kind not in TREE_KINDS:
                upsert(
                    conn,
                    table,
                    [_columns(kind, r, now, None, extra) for r in written],
                    tuple(extra),
                )
                if plan.links:
                    links = [{"_id": i, **_columns(kind, r, now)} for i, r in plan.links]
                    update_by_id(conn, table, links)
                analyze_once(conn, table, company_id, len(written), self._analyzed)
                return
            # Tree lists: FullName, sublevel and the parent link are derived first, so each row
            # is written once; a parent the batch inserts is written a level before its jobs.
            known = {r.qb_list_id: i for i, r in (*plan.updates, *plan.links)}
            tree = plan_tree(
                conn, table, company_id, [*written, *(r for _, r in plan.links)], known, CHUNK
            )
            by_id = {r.qb_list_id: r for r in written}
            for level in tree.levels:
                rows = [_columns(kind, by_id[i], now, tree, extra) for i in level if i in by_id]
                upsert(conn, table, rows, tuple(extra))
                new_parents = [i for i in level if i in tree.parents]
                for chunk in _chunks(new_parents):
                    for local_id, list_id in select_in(
                        conn, table, ("id", "qb_list_id"), company_id, "qb_list_id", chunk
                    ):
                        tree.ids[list_id] = local_id
            if plan.links:
                links = [{"_id": i, **_columns(kind, r, now, tree)} for i, r in plan.links]
                update_by_id(conn, table, links)
            finish_tree(conn, table, company_id, tree, now, CHUNK)
            analyze_once(conn, table, company_id, len(written), self._analyzed)

    def mark_deleted_in_qb(
        self, company_id: int, kind: str, list_ids: Sequence[str], now: datetime
    ) -> int:
        """Archive and flag rows deleted in QuickBooks (never hard-deleted); returns how many
        changed."""
        model = _model(kind)
        changed = 0
        with self._tx() as s:
            for chunk in _chunks(sorted(set(list_ids))):
                result = s.execute(
                    update(model)
                    .where(
                        model.company_id == company_id,
                        model.qb_list_id.in_(chunk),
                        model.deleted_in_qb.is_(False),
                    )
                    .values(archived=True, is_active=False, deleted_in_qb=True, updated_at=now)
                    .execution_options(synchronize_session=False)
                )
                changed += int(result.rowcount or 0)  # type: ignore[attr-defined]
        return changed

    # first sync ------------------------------------------------------------------------------
    def local_unlinked_customers(self, company_id: int) -> list[LocalItem]:
        """Local customers/projects QuickBooks does not know, and whether time refers to them."""
        with self._tx() as s:
            referenced = exists().where(TimeEntry.customer_id == Customer.id)
            rows = s.execute(
                select(Customer.id, referenced).where(
                    Customer.company_id == company_id,
                    Customer.qb_list_id.is_(None),
                    Customer.archived.is_(False),
                )
            )
            return [LocalItem(local_id=i, qb_list_id=None, referenced=bool(r)) for i, r in rows]

    def remove_customers(
        self, company_id: int, delete_ids: Sequence[int], archive_ids: Sequence[int], now: datetime
    ) -> None:
        """Delete local customers nothing refers to; archive the ones time entries refer to."""
        with self._tx() as s:
            if archive_ids:
                s.execute(
                    update(Customer)
                    .where(Customer.company_id == company_id, Customer.id.in_(archive_ids))
                    .values(archived=True, updated_at=now)
                )
            if delete_ids:
                s.execute(
                    update(Customer)
                    .where(Customer.company_id == company_id, Customer.parent_id.in_(delete_ids))
                    .values(parent_id=None)
                )
                s.execute(
                    delete(Customer).where(
                        Customer.company_id == company_id, Customer.id.in_(delete_ids)
                    )
                )

    def archive_unlinked_team_members(self, company_id: int, now: datetime) -> int:
        """Archive local team members not linked to QuickBooks (import option)."""
        with self._tx() as s:
            result = s.execute(
                update(TeamMember)
                .where(
                    TeamMember.company_id == company_id,
                    TeamMember.qb_list_id.is_(None),
                    TeamMember.archived.is_(False),
                )
                .values(archived=True, updated_at=now)
            )
            return int(result.rowcount or 0)  # type: ignore[attr-defined]

    # local records (created in the time-tracking service, before or besides QuickBooks) --------
    def add_local_team_member(
        self,
        company_id: int,
        *,
        first_name: str,
        last_name: str,
        email: str | None,
        now: datetime,
    ) -> int:
        """Create a team member that is not (yet) linked to QuickBooks; returns its id."""
        with self._tx() as s:
            row = TeamMember(
                company_id=company_id,
                name=f"{first_name} {last_name}".strip(),
                first_name=first_name,
                last_name=last_name,
                email=email,
                is_active=True,
                archived=False,
                deleted_in_qb=False,
                payroll_earnings=[],
                created_at=now,
                updated_at=now,
            )
            s.add(row)
            s.flush()
            return int(row.id)

    def add_local_customer(
        self, company_id: int, *, name: str, parent_id: int | None = None, now: datetime
    ) -> int:
        """Create a customer or project that QuickBooks does not know; returns its id."""
        with self._tx() as s:
            parent = s.get(Customer, parent_id) if parent_id else None
            full_name = f"{parent.full_name}:{name}" if parent else name
            row = Customer(
                company_id=company_id,
                name=name,
                full_name=full_name,
                parent_id=parent_id,
                sublevel=(parent.sublevel + 1) if parent else 0,
                is_job=parent is not None,
                is_active=True,
                archived=False,
                deleted_in_qb=False,
                assigned_to_all=False,
                created_at=now,
                updated_at=now,
            )
            s.add(row)
            s.flush()
            return int(row.id)

    def add_time_entry(
        self,
        company_id: int,
        *,
        team_member_id: int,
        work_date: date,
        duration_seconds: int,
        customer_id: int | None = None,
        now: datetime,
    ) -> int:
        """Record time worked (draft); returns its id."""
        with self._tx() as s:
            row = TimeEntry(
                company_id=company_id,
                uuid="{" + str(uuid4()).upper() + "}",
                team_member_id=team_member_id,
                work_date=work_date,
                duration_seconds=duration_seconds,
                customer_id=customer_id,
                created_at=now,
                updated_at=now,
            )
            s.add(row)
            s.flush()
            return int(row.id)

    def count_list_rows(self, company_id: int, kind: str) -> int:
        """How many rows of a list the company has (archived included)."""
        model = _model(kind)
        with self._tx() as s:
            query = select(func.count()).where(model.company_id == company_id)
            return int(s.scalar(query) or 0)

    # ID sweep --------------------------------------------------------------------------------
    def mark_swept(self, company_id: int, kind: str, list_ids: Sequence[str], at: datetime) -> None:
        """Note that QuickBooks still has these ListIDs (one page of an ID sweep)."""
        table = _model(kind).__table__
        with self._tx() as s:
            for chunk in _chunks(sorted(set(list_ids))):
                s.execute(
                    update(table)
                    .where(table.c.company_id == company_id, table.c.qb_list_id.in_(chunk))
                    .values(swept_at=at)
                )

    def archive_unswept(
        self, company_id: int, kind: str, started: datetime, now: datetime, *, role: str | None
    ) -> list[str]:
        """Archive, as a deletion would, the rows an ID sweep begun at ``started`` did not see.

        Rows written after the sweep began are left alone (QuickBooks' snapshot of ListIDs was
        taken at its start). ``role`` limits team members to employees or vendors.

        :returns: the ListIDs archived.
        """
        table = _model(kind).__table__
        c = table.c
        where = [
            c.company_id == company_id,
            c.qb_list_id.is_not(None),
            c.deleted_in_qb.is_(False),
            or_(c.swept_at.is_(None), c.swept_at < started),
            c.updated_at < started,
        ]
        if role is not None:
            where.append(c.qb_role == role)
        with self._tx() as s:
            gone = [str(r) for r in s.scalars(select(c.qb_list_id).where(*where))]
            for chunk in _chunks(gone):
                s.execute(
                    update(table)
                    .where(c.company_id == company_id, c.qb_list_id.in_(chunk))
                    .values(archived=True, is_active=False, deleted_in_qb=True, updated_at=now)
                )
        return gone
