"""FakeQuickBooks' time tracking: TimeTrackingAdd/Mod/Query and TxnDel, with QuickBooks' checks.

Refs must name an active record of the right list (else 3140); PayrollItemWageRef is allowed
only for an employee who uses time data to create paychecks (3140), and such an employee needs
one (3150); a Mod needs an existing TxnID (3120) and its current EditSequence (3200); a date
on or before the company's closing date is refused (3171), as is changing or deleting an entry
someone has open in QuickBooks (3175).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import qbxml
from qbxml import Ref, Response, TimeTracking

from .company import ENTITY_KINDS, CompanyFile, ListKind
from .queries import page_or_all, records_response, status_response

if TYPE_CHECKING:
    from .iterators import IteratorStore

__all__ = ["answer_time_add", "answer_time_mod", "answer_time_query", "answer_txn_del"]

_REF_FIELDS: tuple[tuple[str, tuple[ListKind, ...], str], ...] = (
    ("entity_ref", ENTITY_KINDS, "Entity"),
    ("customer_ref", ("Customer",), "Customer"),
    ("item_service_ref", ("ItemService",), "Item"),
    ("class_ref", ("Class",), "Class"),
    ("payroll_item_wage_ref", ("PayrollItemWage",), "Payroll Item Wage"),
)
_FIELDS = [
    "txn_date",
    "entity_ref",
    "customer_ref",
    "item_service_ref",
    "duration",
    "class_ref",
    "payroll_item_wage_ref",
    "notes",
    "billable_status",
]
_INVALID_REF = (
    'There is an invalid reference to QuickBooks {label} "{ident}" in the Time Tracking.  '
    "QuickBooks error message: {reason}"
)
_NO_SUCH_RECORD = "Invalid argument.  The specified record does not exist in the list."
_NOT_FOUND = 'Object "{}" specified in the request cannot be found.'
_CLOSED = "The transaction date is on or before the closing date of the company file."
_IN_USE = 'The object "{}" is in use by another QuickBooks user or window.'


def _closed(company: CompanyFile, txn_date: Any) -> bool:
    return company.closing_date is not None and txn_date <= company.closing_date


class _Refused(Exception):
    def __init__(self, code: int, message: str) -> None:
        self.code, self.message = code, message
        super().__init__(message)


def _ident(ref: Ref) -> str:
    return ref.list_id or ref.full_name or ""


def _resolve(company: CompanyFile, fields: dict[str, Any]) -> dict[str, Any]:
    """Replace each Ref by a fresh one to an active record, or raise :class:`_Refused`."""
    out = dict(fields)
    records: dict[str, Any] = {}
    for field, kinds, label in _REF_FIELDS:
        ref = fields.get(field)
        if ref is None:
            continue
        record = company.resolve(ref, kinds)
        if record is None:
            reason = _NO_SUCH_RECORD
        elif not record.is_active:
            reason = "The name or item is inactive."
        else:
            out[field] = company.ref_to(record)
            records[field] = record
            continue
        raise _Refused(3140, _INVALID_REF.format(label=label, ident=_ident(ref), reason=reason))
    entity = records["entity_ref"]
    payroll = getattr(entity, "payroll", None)
    uses_time_data = (
        company.kind_of(entity.list_id) == "Employee"
        and payroll is not None
        and payroll.use_time_data_to_create_paychecks == "UseTimeData"
    )
    wage = fields.get("payroll_item_wage_ref")
    if wage is not None and not uses_time_data:
        reason = (
            "A payroll item can be used only for an employee who uses time data to create "
            "paychecks."
        )
        raise _Refused(
            3140, _INVALID_REF.format(label="Payroll Item Wage", ident=_ident(wage), reason=reason)
        )
    if wage is None and uses_time_data:
        raise _Refused(
            3150,
            'There is a missing element: "PayrollItemWageRef" (the employee uses time data to '
            "create paychecks).",
        )
    if out.get("billable_status") is None:
        billable = out.get("customer_ref") is not None and out.get("item_service_ref") is not None
        out["billable_status"] = "Billable" if billable else "NotBillable"
    return out


def _fresh(company: CompanyFile, entry: TimeTracking) -> TimeTracking:
    """The entry with each Ref's FullName as it is now (names may have changed since)."""
    changes: dict[str, Any] = {}
    for field, _kinds, _label in _REF_FIELDS:
        ref = getattr(entry, field)
        record = company.get(ref.list_id) if ref is not None and ref.list_id else None
        if record is not None:
            changes[field] = company.ref_to(record)
    return dataclasses.replace(entry, **changes)


def answer_time_add(company: CompanyFile, spec: qbxml.TimeTrackingAdd) -> Response:
    """Add a time entry; answers the new TimeTrackingRet."""
    try:
        fields = _resolve(company, {name: getattr(spec, name) for name in _FIELDS})
    except _Refused as exc:
        return status_response(spec, exc.code, exc.message)
    now = company.now()
    if _closed(company, fields["txn_date"] or now.date()):
        return status_response(spec, 3171, _CLOSED)
    entry = TimeTracking(
        txn_id=company.new_txn_id(),
        time_created=now,
        time_modified=now,
        edit_sequence=str(int(now.timestamp())),
        txn_number=company.next_txn_number(),
        external_guid=spec.external_guid,
        **{**fields, "txn_date": fields["txn_date"] or now.date()},
    )
    company.time_entries[entry.txn_id or ""] = entry
    return records_response(spec, [entry])


def answer_time_mod(company: CompanyFile, spec: qbxml.TimeTrackingMod) -> Response:
    """Modify a time entry; fields the request leaves out keep their value."""
    entry = company.time_entries.get(spec.txn_id)
    if entry is None:
        return status_response(spec, 3120, _NOT_FOUND.format(spec.txn_id))
    if spec.txn_id in company.open_txn_ids:
        return status_response(spec, 3175, _IN_USE.format(spec.txn_id))
    if spec.edit_sequence != entry.edit_sequence:
        return status_response(
            spec, 3200, f'The provided edit sequence "{spec.edit_sequence}" is out-of-date. '
        )
    wanted = {
        name: getattr(spec, name) if getattr(spec, name) is not None else getattr(entry, name)
        for name in _FIELDS
    }
    try:
        fields = _resolve(company, wanted)
    except _Refused as exc:
        return status_response(spec, exc.code, exc.message)
    if _closed(company, entry.txn_date) or _closed(company, fields["txn_date"]):
        return status_response(spec, 3171, _CLOSED)
    updated = dataclasses.replace(
        entry, **fields, **company.bump(entry.edit_sequence, entry.time_modified)
    )
    company.time_entries[spec.txn_id] = updated
    return records_response(spec, [updated])


def _entity_matches(company: CompanyFile, spec: qbxml.TimeTrackingQuery, entry: Any) -> bool:
    ref = _fresh(company, entry).entity_ref
    if spec.entity_list_ids:
        return ref is not None and ref.list_id in spec.entity_list_ids
    if spec.entity_full_names:
        names = {n.casefold() for n in spec.entity_full_names}
        return ref is not None and (ref.full_name or "").casefold() in names
    return True


def _query_matches(company: CompanyFile, spec: qbxml.TimeTrackingQuery, entry: Any) -> bool:
    modified = company.to_local_naive(entry.time_modified)
    if spec.from_modified_date is not None and modified < spec.from_modified_date:
        return False
    if spec.to_modified_date is not None and modified > spec.to_modified_date:
        return False
    if spec.from_txn_date is not None and entry.txn_date < spec.from_txn_date:
        return False
    if spec.to_txn_date is not None and entry.txn_date > spec.to_txn_date:
        return False
    return _entity_matches(company, spec, entry)


def answer_time_query(
    company: CompanyFile, iterators: IteratorStore, spec: qbxml.TimeTrackingQuery
) -> Response:
    """Time entries by TxnID, or by modified/transaction date range and entity."""
    if spec.txn_ids:
        found = [company.time_entries.get(t) for t in spec.txn_ids]
        missing = [t for t, e in zip(spec.txn_ids, found, strict=True) if e is None]
        entries = [_fresh(company, e) for e in found if e is not None]
        return records_response(spec, entries, missing=missing)

    def matched() -> list[str]:
        hits = [e for e in company.time_entries.values() if _query_matches(company, spec, e)]
        hits.sort(key=lambda e: (e.txn_date, e.txn_number))
        return [e.txn_id or "" for e in hits]

    def fetch(txn_id: str) -> TimeTracking | None:
        entry = company.time_entries.get(txn_id)
        return None if entry is None else _fresh(company, entry)

    return page_or_all(iterators, spec, matched, fetch)


def answer_txn_del(company: CompanyFile, spec: qbxml.TxnDel) -> Response:
    """Delete a time entry (the only transaction type the company file holds)."""
    if spec.txn_del_type != "TimeTracking" or spec.txn_id not in company.time_entries:
        return status_response(spec, 3120, _NOT_FOUND.format(spec.txn_id))
    if spec.txn_id in company.open_txn_ids:
        return status_response(spec, 3175, _IN_USE.format(spec.txn_id))
    if _closed(company, company.time_entries[spec.txn_id].txn_date):
        return status_response(spec, 3171, _CLOSED)
    del company.time_entries[spec.txn_id]
    result = qbxml.TxnDelResult(
        txn_del_type=spec.txn_del_type, txn_id=spec.txn_id, time_deleted=company.now()
    )
    return status_response(spec, 0, records=[result])
