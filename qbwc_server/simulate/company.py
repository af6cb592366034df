"""The in-memory company file behind FakeQuickBooks: lists, time entries, deletions and stamps.

Records are qbxml's frozen dataclasses, keyed by ListID/TxnID; ids, EditSequence and
TimeCreated/TimeModified are generated in QuickBooks' shapes from a clock the caller controls.
Imports qbxml only (the simulator behaves like the outside world: never the store).
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta, timezone
from typing import Any

import qbxml
from qbxml import Customer, DataExt, Employee, Ref, TimeTracking
from qbxml.records import UseTimeData

from .lists import (
    DERIVED_FIELDS,
    ENTITY_KINDS,
    GENERATED_FIELDS,
    HIERARCHICAL_KINDS,
    LIST_KINDS,
    Clock,
    CompanyError,
    ListKind,
    ListRecord,
    name_key,
)

__all__ = [
    "ENTITY_KINDS",
    "HIERARCHICAL_KINDS",
    "LIST_KINDS",
    "Clock",
    "CompanyError",
    "CompanyFile",
    "ListKind",
    "ListRecord",
]


class CompanyFile:
    """One QuickBooks company file in memory.

    :param clock: the time source; TimeCreated/TimeModified are written in ``utc_offset``.
    :param path: the company file's path, as QBWC reports it (``strCompanyFileName``).
    """

    def __init__(
        self,
        *,
        clock: Clock,
        name: str = "Sample Company",
        path: str = r"C:\Users\Public\Documents\Intuit\QuickBooks\Company Files\sample.qbw",
        utc_offset: timedelta = timedelta(hours=-5),
        legal_name: str | None = None,
        company_type: str | None = None,
        preferences: qbxml.Preferences | None = None,
    ) -> None:
        self.clock = clock
        self.name = name
        self.path = path
        self.tz = timezone(utc_offset)
        self.legal_name = legal_name or name
        self.company_type = company_type
        self.preferences = preferences or qbxml.Preferences(
            is_using_account_numbers=False,
            is_requiring_accounts=True,
            is_using_class_tracking=True,
            is_using_audit_trail=True,
            is_assigning_journal_entry_numbers=True,
            first_day_of_week="Monday",
            is_automatic_login_allowed=True,
            is_personal_data_access_allowed=False,
        )
        self.data_ext: list[DataExt] = []
        self._lists: dict[ListKind, dict[str, Any]] = {kind: {} for kind in LIST_KINDS}
        self._kind_of: dict[str, ListKind] = {}
        self._names: dict[tuple[str, str], str] = {}  # (namespace, folded name) -> ListID
        self.time_entries: dict[str, TimeTracking] = {}
        # Company > Set Closing Date: adds and changes on or before it are refused (3171).
        self.closing_date: date | None = None
        # TxnIDs someone has open in QuickBooks: changes and deletions are refused (3175).
        self.open_txn_ids: set[str] = set()
        self.deleted: list[qbxml.ListDeleted] = []
        self._list_seq = itertools.count(0x80000001)
        self._txn_seq = itertools.count(0x1A2)
        self._txn_number = itertools.count(1)

    # ids and time ---------------------------------------------------------------------------
    def now(self) -> datetime:
        """The clock's time in the company's local offset, whole seconds."""
        return self.clock.now().astimezone(self.tz).replace(microsecond=0)

    def to_local_naive(self, value: datetime) -> datetime:
        """An aware datetime as the naive local time QuickBooks compares filters against."""
        return value.astimezone(self.tz).replace(tzinfo=None)

    def new_list_id(self) -> str:
        """A ListID like ``80000001-1211236622`` (hex sequence, creation time)."""
        return f"{next(self._list_seq):X}-{int(self.now().timestamp())}"

    def new_txn_id(self) -> str:
        """A TxnID like ``1A2-1211236622``."""
        return f"{next(self._txn_seq):X}-{int(self.now().timestamp())}"

    def next_txn_number(self) -> int:
        return next(self._txn_number)

    def bump(self, old_sequence: str | None, old_modified: datetime | None) -> dict[str, Any]:
        """New EditSequence and TimeModified: both strictly change on every change."""
        now = self.now()
        if old_modified is not None and now <= old_modified:
            now = old_modified + timedelta(seconds=1)
        sequence = int(now.timestamp())
        if old_sequence is not None and old_sequence.isdigit():
            sequence = max(sequence, int(old_sequence) + 1)
        return {"time_modified": now, "edit_sequence": str(sequence)}

    # lookups --------------------------------------------------------------------------------
    def records(self, kind: ListKind) -> Iterator[Any]:
        """Every record of one list, in creation order."""
        return iter(self._lists[kind].values())

    def kind_of(self, list_id: str) -> ListKind | None:
        return self._kind_of.get(list_id)

    def get(self, list_id: str) -> Any | None:
        """The record with this ListID in any list, or None."""
        kind = self._kind_of.get(list_id)
        return None if kind is None else self._lists[kind].get(list_id)

    def display_name(self, record: Any) -> str:
        """FullName for hierarchical lists, Name for the others."""
        return str(getattr(record, "full_name", None) or record.name)

    def find(self, kind: ListKind, name: str) -> Any | None:
        """The record of ``kind`` whose FullName (or Name) is ``name``, case-insensitively."""
        list_id = self._names.get(name_key(kind, name))
        return self._lists[kind].get(list_id) if list_id is not None else None

    def resolve(self, ref: Ref | None, kinds: Iterable[ListKind]) -> Any | None:
        """The record a ``*Ref`` points at, among ``kinds``: by ListID, else by FullName."""
        if ref is None:
            return None
        kinds = tuple(kinds)
        if ref.list_id:
            kind = self._kind_of.get(ref.list_id)
            return self._lists[kind][ref.list_id] if kind in kinds else None
        for kind in kinds:
            found = self.find(kind, ref.full_name or "")
            if found is not None:
                return found
        return None

    def ref_to(self, record: Any) -> Ref:
        """A fresh Ref (current ListID and FullName) to a record."""
        return Ref(list_id=record.list_id, full_name=self.display_name(record))

    def children(self, list_id: str) -> list[Any]:
        """The direct sub-records (jobs, sub-classes, sub-items) of a record."""
        kind = self._kind_of.get(list_id)
        if kind not in HIERARCHICAL_KINDS:
            return []
        return [
            r
            for r in self._lists[kind].values()
            if r.parent_ref and r.parent_ref.list_id == list_id
        ]

    def _descendants(self, list_id: str) -> Iterator[Any]:
        for child in self.children(list_id):
            yield child
            yield from self._descendants(child.list_id)

    # mutations ------------------------------------------------------------------------------
    def _check_name(self, kind: ListKind, name: str, full_name: str, exclude: str | None) -> None:
        if not name or len(name) > 41:
            raise CompanyError(f'The name "{name}" is empty or too long.', status_code=3070)
        holder = self._names.get(name_key(kind, full_name))
        if holder is not None and holder != exclude:
            raise CompanyError(
                f'The name "{full_name}" of the list element is already in use.', status_code=3100
            )

    def _index(self, kind: ListKind, old: Any | None, new: Any | None) -> None:
        if old is not None:
            self._names.pop(name_key(kind, self.display_name(old)), None)
        if new is not None:
            self._names[name_key(kind, self.display_name(new))] = new.list_id

    def add(self, kind: ListKind, *, name: str, parent: str | None = None, **fields: Any) -> Any:
        """Add a list record (QuickBooks assigns its ListID, times and EditSequence).

        :param parent: ListID or FullName of the parent (jobs, sub-classes, sub-items).
        :raises CompanyError: 3100 name in use, 3140 unknown parent.
        """
        extra = set(fields) & (GENERATED_FIELDS | DERIVED_FIELDS)
        if extra:
            raise TypeError(f"{sorted(extra)[0]} is set by the company file")
        hierarchy: dict[str, Any] = {}
        full_name = name
        if kind in HIERARCHICAL_KINDS:
            parent_rec = None
            if parent is not None:
                parent_rec = self.resolve(Ref(list_id=parent), [kind]) or self.find(kind, parent)
                if parent_rec is None:
                    raise CompanyError(f'Parent "{parent}" not found.', status_code=3140)
                full_name = f"{parent_rec.full_name}:{name}"
            hierarchy = {
                "full_name": full_name,
                "parent_ref": self.ref_to(parent_rec) if parent_rec else None,
                "sublevel": parent_rec.sublevel + 1 if parent_rec else 0,
            }
        elif parent is not None:
            raise TypeError(f"{kind} records have no parent")
        self._check_name(kind, name, full_name, None)
        now = self.now()
        fields.setdefault("is_active", True)
        record = LIST_KINDS[kind](
            list_id=self.new_list_id(),
            time_created=now,
            time_modified=now,
            edit_sequence=str(int(now.timestamp())),
            name=name,
            **hierarchy,
            **fields,
        )
        self._lists[kind][record.list_id] = record
        self._kind_of[record.list_id] = kind
        self._index(kind, None, record)
        return record

    def add_customer(self, name: str, **fields: Any) -> Customer:
        """Add a customer (sublevel 0)."""
        return self.add("Customer", name=name, **fields)  # type: ignore[no-any-return]

    def add_job(self, parent: str, name: str, **fields: Any) -> Customer:
        """Add a job (or sub-job) under a customer or job, given by ListID or FullName."""
        return self.add("Customer", name=name, parent=parent, **fields)  # type: ignore[no-any-return]

    def add_employee(
        self,
        first_name: str,
        last_name: str,
        *,
        earnings: Iterable[tuple[str, Any]] = (),
        use_time_data: bool = True,
        **fields: Any,
    ) -> Employee:
        """Add an employee; ``earnings`` are (wage item ListID or name, hourly rate) pairs."""
        lines = []
        for item, rate in earnings:
            wage = self.get(item) or self.find("PayrollItemWage", item)
            if wage is None:
                raise CompanyError(f'Payroll item "{item}" not found.', status_code=3140)
            lines.append(qbxml.Earning(payroll_item_wage_ref=self.ref_to(wage), rate=rate))
        use: UseTimeData = "UseTimeData" if use_time_data else "DoNotUseTimeData"
        payroll = qbxml.EmployeePayroll(
            pay_period=fields.pop("pay_period", "Weekly"),
            earnings=tuple(lines),
            use_time_data_to_create_paychecks=use,
        )
        name = fields.pop("name", None) or f"{first_name} {last_name}"
        return self.add(  # type: ignore[no-any-return]
            "Employee",
            name=name,
            first_name=first_name,
            last_name=last_name,
            payroll=payroll,
            **fields,
        )

    def modify(self, list_id: str, **changes: Any) -> Any:
        """Change fields of a list record; EditSequence and TimeModified move on.

        Renaming a parent renames its sub-records' FullName too, as QuickBooks does.

        :raises CompanyError: 3120 unknown ListID, 3100 name in use.
        """
        record, kind = self._existing(list_id)
        extra = set(changes) & (GENERATED_FIELDS | DERIVED_FIELDS)
        if extra:
            raise TypeError(f"{sorted(extra)[0]} is set by the company file")
        if "name" in changes and changes["name"] != record.name:
            name = changes["name"]
            full_name = name
            if kind in HIERARCHICAL_KINDS and record.parent_ref is not None:
                full_name = f"{record.parent_ref.full_name}:{name}"
                changes["full_name"] = full_name
            elif kind in HIERARCHICAL_KINDS:
                changes["full_name"] = name
            self._check_name(kind, name, full_name, list_id)
        updated = self._store(record, kind, changes)
        if "full_name" in changes:
            self._rename_descendants(updated)
        return updated

    def _store(self, record: Any, kind: ListKind, changes: dict[str, Any]) -> Any:
        updated = dataclasses.replace(
            record, **changes, **self.bump(record.edit_sequence, record.time_modified)
        )
        self._lists[kind][record.list_id] = updated
        self._index(kind, record, updated)
        return updated

    def _rename_descendants(self, parent: Any) -> None:
        kind = self._kind_of[parent.list_id]
        for child in self.children(parent.list_id):
            updated = self._store(
                child,
                kind,
                {
                    "full_name": f"{parent.full_name}:{child.name}",
                    "parent_ref": self.ref_to(parent),
                },
            )
            self._rename_descendants(updated)

    def set_time_modified(self, list_id: str, when: datetime) -> Any:
        """Give a record a TimeModified of the caller's choosing, as a record saved while the
        PC's clock was wrong has (future dates are common in real files); EditSequence moves on.
        """
        record, kind = self._existing(list_id)
        sequence = str(int(record.edit_sequence or 0) + 1)
        updated = dataclasses.replace(
            record, time_modified=when.astimezone(self.tz), edit_sequence=sequence
        )
        self._lists[kind][list_id] = updated
        return updated

    def deactivate(self, list_id: str) -> Any:
        """Make a record inactive; a customer's jobs (and sub-items, sub-classes) go with it."""
        record, kind = self._existing(list_id)
        for child in list(self._descendants(list_id)):
            if child.is_active:
                self._store(child, kind, {"is_active": False})
        return self._store(record, kind, {"is_active": False}) if record.is_active else record

    def reactivate(self, list_id: str) -> Any:
        """Make a record active again (its sub-records stay as they are)."""
        record, kind = self._existing(list_id)
        return record if record.is_active else self._store(record, kind, {"is_active": True})

    def delete(self, list_id: str) -> qbxml.ListDeleted:
        """Delete a list record; it then shows in ListDeletedQuery.

        :raises CompanyError: 3120 unknown ListID; 3170 the record has sub-records or is used by
            a time entry or an employee's earnings (QuickBooks refuses to delete those).
        """
        record, kind = self._existing(list_id)
        if self.children(list_id) or self._in_use(list_id):
            raise CompanyError(
                f'The object "{self.display_name(record)}" cannot be deleted: it is in use.',
                status_code=3170,
            )
        del self._lists[kind][list_id]
        del self._kind_of[list_id]
        self._index(kind, record, None)
        gone = qbxml.ListDeleted(
            list_del_type=kind,
            list_id=list_id,
            time_created=record.time_created,
            time_deleted=self.now(),
            full_name=self.display_name(record),
        )
        self.deleted.append(gone)
        return gone

    def _in_use(self, list_id: str) -> bool:
        for entry in self.time_entries.values():
            refs = (
                entry.entity_ref,
                entry.customer_ref,
                entry.item_service_ref,
                entry.class_ref,
                entry.payroll_item_wage_ref,
            )
            if any(r is not None and r.list_id == list_id for r in refs):
                return True
        for emp in self._lists["Employee"].values():
            earnings = emp.payroll.earnings if emp.payroll else ()
            if any(e.payroll_item_wage_ref.list_id == list_id for e in earnings):
                return True
        return False

    def _existing(self, list_id: str) -> tuple[Any, ListKind]:
        kind = self._kind_of.get(list_id)
        if kind is None:
            raise CompanyError(
                f'Object "{list_id}" specified in the request cannot be found.', status_code=3120
            )
        return self._lists[kind][list_id], kind

    def stamp_data_ext(self, owner_id: str, name: str, value: str) -> None:
        """Set a private company DataExt (QBWC stamps ``FileID`` under the .qwc's OwnerID)."""
        self.data_ext = [
            d
            for d in self.data_ext
            if not (d.name == name and (d.owner_id or "").casefold() == owner_id.casefold())
        ]
        self.data_ext.append(DataExt(owner_id=owner_id, name=name, value=value))

    def company_record(self) -> qbxml.Company:
        """The ``CompanyRet`` of this file, every DataExt included (queries filter by owner)."""
        return qbxml.Company(
            is_sample_company=False,
            company_name=self.name,
            legal_company_name=self.legal_name,
            company_type=self.company_type,
            data_ext=tuple(self.data_ext),
        )
