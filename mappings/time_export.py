"""Approved time -> QuickBooks: pre-flight rules, TimeTrackingAdd/Mod fields, answers explained.

Pure: imports only ``qbxml``'s record modules (DESIGN section 7). The store gathers
:class:`ExportEntry` facts; :func:`preflight` says whether an entry may go, and why not, with
the fix; :func:`add_fields` and :func:`mod_fields` give the request's fields; :func:`explain_status` turns
a QuickBooks statusCode into the cause and the fix the admin sees.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from qbxml.records import Ref

from .time import MAX_DAY_SECONDS, round_to_minutes

__all__ = [
    "EXTERNAL_GUID_SINCE",
    "Block",
    "ExportEntry",
    "ExportRules",
    "MemberFacts",
    "RefFacts",
    "add_fields",
    "choose_payroll_item",
    "explain_status",
    "marker_of",
    "mod_fields",
    "notes_marker",
    "preflight",
]

EXTERNAL_GUID_SINCE: Final = (9, 0)
_MARKER_RE = re.compile(r"\[qbtime:(\{[0-9A-Fa-f-]{36}\})\]")


@dataclass(frozen=True, slots=True, kw_only=True)
class RefFacts:
    """A list row a time entry refers to, as the store knows it."""

    row_id: int
    list_id: str | None
    name: str
    active: bool = True
    deleted_in_qb: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class MemberFacts(RefFacts):
    """The team member: employee or vendor (``role``), and whether payroll uses its time."""

    role: str | None = None
    uses_time_data: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class ExportEntry:
    """One approved entry with everything pre-flight and the request builders need."""

    entry_id: int
    uuid: str
    work_date: date
    duration_seconds: int
    hour_type: str
    notes: str | None
    billable: bool
    member: MemberFacts
    customer: RefFacts | None = None
    service_item: RefFacts | None = None
    qb_class: RefFacts | None = None
    payroll_item: RefFacts | None = None
    day_total_seconds: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class ExportRules:
    """The company's ``require`` levels that pre-flight enforces."""

    require_class: bool = False
    require_service_item: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Block:
    """Why an entry is not sent, and what the admin does about it."""

    code: str
    message: str
    fix: str

    @property
    def text(self) -> str:
        """The stored ``export_error``: the cause and the fix in one sentence pair."""
        return f"{self.message} Fix: {self.fix}"


def choose_payroll_item(
    hour_type: str, member_map: Mapping[str, int], defaults: Mapping[str, int]
) -> int | None:
    """The payroll item row id for a member's hours of ``hour_type``: theirs, else the default."""
    return member_map.get(hour_type, defaults.get(hour_type))


def _ref_block(kind: str, ref: RefFacts | None) -> Block | None:
    if ref is None:
        return None
    if ref.list_id is None:
        return Block(
            code="unlinked_" + kind.replace(" ", "_"),
            message=f"The {kind} {ref.name!r} exists only here, not in QuickBooks.",
            fix=f"Choose a {kind} imported from QuickBooks, or add it in QuickBooks and sync.",
        )
    if ref.deleted_in_qb:
        return Block(
            code="deleted_" + kind.replace(" ", "_"),
            message=f"The {kind} {ref.name!r} was deleted in QuickBooks.",
            fix=f"Choose another {kind} for this entry.",
        )
    if not ref.active:
        return Block(
            code="inactive_" + kind.replace(" ", "_"),
            message=f"The {kind} {ref.name!r} is inactive (archived) in QuickBooks.",
            fix=f"Make it active again in QuickBooks and sync, or choose another {kind}.",
        )
    return None


def _member_block(entry: ExportEntry) -> Block | None:
    member = entry.member
    if member.list_id is None:
        return Block(
            code="unlinked_member",
            message=f"The team member {member.name!r} is not linked to a QuickBooks employee "
            "or vendor.",
            fix="Add the person in QuickBooks (same first name, last name and email) and sync: "
            "the import links them.",
        )
    role = "vendor" if member.role == "vendor" else "employee"
    if member.deleted_in_qb or not member.active:
        return Block(
            code=f"archived_{role}",
            message=f"The {role} {member.name!r} is inactive or deleted in QuickBooks.",
            fix=f"Make the {role} active again in QuickBooks and sync.",
        )
    if role == "employee" and member.uses_time_data and entry.payroll_item is None:
        return Block(
            code="no_payroll_item",
            message=f"No payroll item is mapped for {member.name!r} and hour type "
            f"{entry.hour_type!r}; QuickBooks needs one because this employee's paychecks use "
            "time data.",
            fix=f"Map one: qbtime company payroll-map ID --member {member.name!r} --hour-type "
            f"{entry.hour_type} --item NAME (or a company default without --member).",
        )
    return None


def preflight(entry: ExportEntry, rules: ExportRules) -> Block | None:
    """The first reason ``entry`` cannot be exported, or None when it may be sent."""
    minutes = round_to_minutes(entry.duration_seconds)
    if minutes == 0:
        return Block(
            code="zero_duration",
            message="The entry is shorter than half a minute; QuickBooks keeps whole minutes.",
            fix="Correct the duration, or delete the entry.",
        )
    if entry.day_total_seconds > MAX_DAY_SECONDS or entry.duration_seconds > MAX_DAY_SECONDS:
        hours = round(max(entry.day_total_seconds, entry.duration_seconds) / 3600, 2)
        return Block(
            code="over_24_hours",
            message=f"{entry.member.name!r} has {hours} hours on {entry.work_date.isoformat()}, "
            "more than 24.",
            fix="Correct the entries of that day; none of them is exported until then.",
        )
    block = _member_block(entry)
    if block is not None:
        return block
    if entry.billable and (entry.customer is None or entry.service_item is None):
        return Block(
            code="billable_incomplete",
            message="A billable entry needs a customer or job and a service item.",
            fix="Add the customer/job and service item, or mark the entry not billable.",
        )
    if rules.require_service_item and entry.service_item is None:
        return Block(
            code="service_item_required",
            message="This company requires a service item on every entry.",
            fix="Choose a service item for the entry.",
        )
    if rules.require_class and entry.qb_class is None:
        return Block(
            code="class_required",
            message="This company requires a class on every entry.",
            fix="Choose a class for the entry.",
        )
    for kind, ref in (
        ("customer or job", entry.customer),
        ("service item", entry.service_item),
        ("class", entry.qb_class),
        ("payroll item", entry.payroll_item),
    ):
        block = _ref_block(kind, ref)
        if block is not None:
            return block
    return None


def notes_marker(uuid: str) -> str:
    """The tag written into Notes below qbXML 9.0, where TimeTrackingAdd has no ExternalGUID."""
    return f"[qbtime:{uuid}]"


def marker_of(notes: str | None) -> str | None:
    """The entry uuid a Notes marker names, if the notes carry one."""
    found = _MARKER_RE.search(notes or "")
    return found.group(1) if found else None


def _ref(facts: RefFacts | None) -> Ref | None:
    return Ref(list_id=facts.list_id) if facts is not None and facts.list_id else None


def _fields(entry: ExportEntry, *, guid_supported: bool) -> dict[str, object]:
    notes = entry.notes
    if not guid_supported:
        notes = f"{notes} {notes_marker(entry.uuid)}" if notes else notes_marker(entry.uuid)
    member = entry.member
    payroll = entry.payroll_item if member.uses_time_data and member.role != "vendor" else None
    return {
        "txn_date": entry.work_date,
        "entity_ref": Ref(list_id=member.list_id),
        "customer_ref": _ref(entry.customer),
        "item_service_ref": _ref(entry.service_item),
        "duration": timedelta(minutes=round_to_minutes(entry.duration_seconds)),
        "class_ref": _ref(entry.qb_class),
        "payroll_item_wage_ref": _ref(payroll),
        "notes": notes,
        "billable_status": "Billable" if entry.billable else "NotBillable",
    }


def add_fields(entry: ExportEntry, *, guid_supported: bool) -> dict[str, object]:
    """The ``TimeTrackingAdd`` fields (schema order) of an entry that passed :func:`preflight`.

    :param guid_supported: qbXML 9.0 or later: the uuid goes out as ExternalGUID; older
        versions carry it as a marker in Notes instead.
    """
    fields = _fields(entry, guid_supported=guid_supported)
    if guid_supported:
        fields["external_guid"] = entry.uuid
    return fields


def mod_fields(entry: ExportEntry, *, guid_supported: bool) -> dict[str, object]:
    """The ``TimeTrackingMod`` fields replacing an exported transaction with the entry's values
    (TimeTrackingMod has no ExternalGUID; below 9.0 the Notes marker is kept)."""
    return _fields(entry, guid_supported=guid_supported)


_EXPLAINED: Final[Mapping[int, tuple[str, str]]] = {
    3140: (
        "QuickBooks refused a reference: a customer/job, service item, class or payroll item "
        "was deleted or made inactive in QuickBooks, or the payroll item does not suit this "
        "person.",
        "Reactivate the record in QuickBooks (or choose another one) and sync; for a payroll "
        "item, map one the employee has (qbtime company payroll-map).",
    ),
    3150: (
        "QuickBooks needs a payroll item for this employee, whose paychecks use time data.",
        "Map a payroll item for the employee and hour type (qbtime company payroll-map).",
    ),
    3171: (
        "The entry's date is on or before the company file's closing date.",
        "Move the closing date in QuickBooks (Company > Set Closing Date), or change the "
        "entry's date, then sync.",
    ),
    3175: (
        "The time entry is open (in use) in QuickBooks.",
        "Close it in QuickBooks; the next sync sends it again.",
    ),
    3176: (
        "The time entry is in use by another QuickBooks user.",
        "Ask them to close it; the next sync sends it again.",
    ),
    3180: (
        "QuickBooks could not save the entry (another user may be editing it).",
        "Try again later; the next sync sends it again.",
    ),
    3200: (
        "The entry changed in QuickBooks since it was exported, and the retry failed too.",
        "The next sync reads it again and sends the update.",
    ),
}


def explain_status(code: int, message: str) -> Block:
    """The cause and fix of a QuickBooks error on a time entry (QuickBooks Time support pages)."""
    cause, fix = _EXPLAINED.get(
        code,
        (
            f"QuickBooks refused the entry: {message.strip() or 'no message'}",
            "Correct the entry or the QuickBooks record it names; the next sync sends it again.",
        ),
    )
    if code in _EXPLAINED and message.strip():
        cause = f"{cause} (QuickBooks: {message.strip()})"
    return Block(code=str(code), message=cause, fix=fix)
