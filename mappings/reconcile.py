"""Reconcile plans (DESIGN section 6): what the store must insert, update, link or remove.

Pure: the store looks up :class:`LocalRow`/:class:`LocalItem` values, these functions decide,
and the store applies the plan. Imports only the standard library and ``qbxml.records_txn``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from types import MappingProxyType

from qbxml.records_txn import ListDeleted

from .lists import ListKind, ListRow

__all__ = [
    "ListPlan",
    "LocalItem",
    "LocalRow",
    "deleted_kind",
    "plan_deletions",
    "plan_first_sync_removals",
    "plan_list_changes",
]

# ListDelType -> the kind of row it deletes; other ListDelTypes are not imported.
_DELETED_KINDS: Mapping[str, ListKind] = MappingProxyType(
    {
        "Employee": "team_member",
        "Vendor": "team_member",
        "Customer": "customer",
        "ItemService": "service_item",
        "Class": "qb_class",
        "PayrollItemWage": "payroll_item",
    }
)


@dataclass(frozen=True, slots=True, kw_only=True)
class LocalRow:
    """What the store already has for a list row (by ``qb_list_id``, or an unlinked member)."""

    local_id: int
    qb_list_id: str | None
    edit_sequence: str | None
    is_active: bool
    archived: bool
    deleted_in_qb: bool
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ListPlan:
    """The changes one batch of incoming rows asks for; every tuple is sorted by ListID.

    Applying it: an insert stores the row with ``archived = not is_active``; an update or a
    link writes the row's fields, ``archived = not is_active`` and ``deleted_in_qb = False``.
    """

    inserts: tuple[ListRow, ...] = ()
    updates: tuple[tuple[int, ListRow], ...] = ()
    links: tuple[tuple[int, ListRow], ...] = ()
    unchanged: int = 0

    @property
    def is_empty(self) -> bool:
        """True when nothing is inserted, updated or linked."""
        return not (self.inserts or self.updates or self.links)


def _sequence_key(edit_sequence: str | None) -> tuple[int, int, str]:
    # EditSequence is a decimal number in every QuickBooks response seen; compare those
    # numerically (without int(), which refuses very long digit strings), any other text as a
    # string and above numbers, so that the order is total and "newest" never depends on order.
    if edit_sequence is None:
        return (0, 0, "")
    if edit_sequence.isascii() and edit_sequence.isdigit():
        digits = edit_sequence.lstrip("0")
        return (1, len(digits), digits)
    return (2, 0, edit_sequence)


def _time_key(modified: datetime | None) -> tuple[int, datetime]:
    # Without an offset QuickBooks means its local time; treat it as UTC only to keep the
    # comparison defined (one response never mixes the two forms).
    if modified is None:
        return (0, datetime.min.replace(tzinfo=UTC))
    if modified.tzinfo is None:
        modified = modified.replace(tzinfo=UTC)
    return (1, modified)


def _is_newer(row: ListRow, than: ListRow) -> bool:
    """Later TimeModified, then greater EditSequence; repr breaks the last ties (other fields
    differing), so that collapsing duplicates gives the same row in any input order."""
    key = (_time_key(row.qb_time_modified), _sequence_key(row.edit_sequence))
    other = (_time_key(than.qb_time_modified), _sequence_key(than.edit_sequence))
    if key != other:
        return key > other
    return row != than and repr(row) > repr(than)


def _collapse(incoming: Iterable[ListRow]) -> list[ListRow]:
    """One row per ListID (the newest), sorted by ListID."""
    newest: dict[str, ListRow] = {}
    for row in incoming:
        seen = newest.get(row.qb_list_id)
        if seen is None or _is_newer(row, seen):
            newest[row.qb_list_id] = row
    return [newest[list_id] for list_id in sorted(newest)]


def _person_key(first: object, last: object, email: object) -> tuple[str, str, str] | None:
    """Normalised (first, last, email), or None without an email (such rows never link)."""

    def norm(value: object) -> str:
        return value.strip().casefold() if isinstance(value, str) else ""

    key = (norm(first), norm(last), norm(email))
    return key if key[2] else None


def _plan_links(candidates: Sequence[ListRow], unlinked: Sequence[LocalRow]) -> dict[str, int]:
    """ListID -> local_id for team member rows that match exactly one unlinked local member.

    ``candidates`` are sorted by ListID, so when several rows match one local member the
    smallest ListID gets it.
    """
    by_person: dict[tuple[str, str, str], list[int]] = {}
    for local in unlinked:
        if local.qb_list_id is None and not local.archived:
            key = _person_key(local.first_name, local.last_name, local.email)
            if key is not None:
                by_person.setdefault(key, []).append(local.local_id)
    links: dict[str, int] = {}
    taken: set[int] = set()
    for row in candidates:
        values = row.values
        key = _person_key(values.get("first_name"), values.get("last_name"), values.get("email"))
        matches = by_person.get(key, []) if key is not None else []
        if len(matches) == 1 and matches[0] not in taken:
            taken.add(matches[0])
            links[row.qb_list_id] = matches[0]
    return links


def plan_list_changes(
    incoming: Sequence[ListRow],
    existing: Mapping[str, LocalRow],
    unlinked: Sequence[LocalRow] = (),
) -> ListPlan:
    """Decide how the store takes in ``incoming`` rows (QuickBooks is the master for lists).

    A row whose ListID the store has is unchanged when its EditSequence and IsActive are the
    same and it is not flagged deleted in QuickBooks, else updated. A new team member row whose
    normalised first name, last name and (non-empty) email match exactly one unlinked local
    member links to it; other new rows are inserted. Duplicate ListIDs (a restarted iterator
    sends rows again) collapse to the newest, so the plan does not depend on input order.

    :param existing: the store's rows for the incoming ListIDs it found, keyed by ListID.
    :param unlinked: local team members without a ListID; archived ones are ignored.
    """
    inserts: list[ListRow] = []
    updates: list[tuple[int, ListRow]] = []
    new_members: list[ListRow] = []
    unchanged = 0
    rows = _collapse(incoming)
    for row in rows:
        local = existing.get(row.qb_list_id)
        if local is None:
            if row.kind == "team_member":
                new_members.append(row)
            else:
                inserts.append(row)
        elif (
            local.edit_sequence == row.edit_sequence
            and local.is_active == row.is_active
            and not local.deleted_in_qb
        ):
            unchanged += 1
        else:
            updates.append((local.local_id, row))
    links_by_id = _plan_links(new_members, unlinked)
    links = [(links_by_id[r.qb_list_id], r) for r in new_members if r.qb_list_id in links_by_id]
    inserts.extend(r for r in new_members if r.qb_list_id not in links_by_id)
    inserts.sort(key=lambda r: r.qb_list_id)
    return ListPlan(
        inserts=tuple(inserts), updates=tuple(updates), links=tuple(links), unchanged=unchanged
    )


def deleted_kind(list_del_type: str) -> ListKind | None:
    """The row kind a ``ListDelType`` deletes, or None for types this project does not import."""
    return _DELETED_KINDS.get(list_del_type)


def plan_deletions(deleted: Iterable[ListDeleted]) -> dict[ListKind, tuple[str, ...]]:
    """ListIDs to archive and flag ``deleted_in_qb``, per kind (sorted, unique).

    Only kinds with at least one ListID appear; records of other ListDelTypes, or without a
    ListID, are skipped.
    """
    found: dict[ListKind, set[str]] = {}
    for record in deleted:
        kind = deleted_kind(record.list_del_type or "")
        if kind is not None and record.list_id:
            found.setdefault(kind, set()).add(record.list_id)
    return {kind: tuple(sorted(ids)) for kind, ids in sorted(found.items())}


@dataclass(frozen=True, slots=True, kw_only=True)
class LocalItem:
    """A local customer or project, and whether any time entry refers to it."""

    local_id: int
    qb_list_id: str | None
    referenced: bool


def plan_first_sync_removals(
    local: Sequence[LocalItem],
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """``(delete_ids, archive_ids)`` for local items QuickBooks does not know (no ListID).

    Items that time entries refer to are archived, never deleted, so no time is lost. Run
    only after an admin confirmed the first sync. Both tuples are sorted.
    """
    unknown = [item for item in local if item.qb_list_id is None]
    archive_ids = {item.local_id for item in unknown if item.referenced}
    delete_ids = {item.local_id for item in unknown} - archive_ids
    return tuple(sorted(delete_ids)), tuple(sorted(archive_ids))
