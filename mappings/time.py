"""Time entries as clients send them (REST API JSON, CSV rows): parsed and checked, field by field.

Pure standard library (``zoneinfo`` reads the system's IANA database, no I/O of ours). Every bad
field is named in :class:`EntryInputError`; references (team member, customer ...) are row ids
that the store checks against the company.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import MappingError

__all__ = [
    "ENTRY_FIELDS",
    "EXPORT_STATES",
    "HOUR_TYPE_HELP",
    "MAX_DAY_SECONDS",
    "MAX_NOTES",
    "STATES",
    "UNLOCK_DAYS",
    "EntryInput",
    "EntryInputError",
    "check_hour_type",
    "parse_entry_input",
    "round_to_minutes",
]

STATES: Final = ("draft", "submitted", "approved")
EXPORT_STATES: Final = (
    "pending",
    "in_flight",
    "exported",
    "needs_update",
    "needs_delete",
    "error",
    "blocked",
)
MAX_DAY_SECONDS: Final = 24 * 3600
MAX_NOTES: Final = 4000  # QuickBooks keeps 4095; room for the Notes marker below qbXML 9.0
MAX_EXTERNAL_ID: Final = 100
UNLOCK_DAYS: Final = 90  # how far back an admin may unlock exported entries
HOUR_TYPE_HELP: Final = "regular, overtime, doubletime or pto:<code> (letters, digits, - or _)"
_HOUR_TYPE_RE = re.compile(r"(regular|overtime|doubletime|pto:[a-z0-9_-]{1,30})")
_REF_FIELDS: Final = ("team_member_id", "customer_id", "service_item_id", "class_id")
ENTRY_FIELDS: Final = (
    "team_member_id",
    "work_date",
    "duration_seconds",
    "start",
    "end",
    "time_zone",
    "customer_id",
    "service_item_id",
    "class_id",
    "hour_type",
    "notes",
    "billable",
    "external_id",
)


class EntryInputError(MappingError, ValueError):
    """A time entry cannot be taken as given; ``fields`` maps each bad field to why."""

    def __init__(self, fields: Mapping[str, str]) -> None:
        self.fields = dict(fields)
        super().__init__("; ".join(f"{k}: {v}" for k, v in sorted(self.fields.items())))


@dataclass(frozen=True, slots=True, kw_only=True)
class EntryInput:
    """The fields a client gave, checked; ``given`` lists which were present (for PATCH)."""

    values: Mapping[str, object] = field(default_factory=dict)
    given: frozenset[str] = frozenset()


def round_to_minutes(seconds: int) -> int:
    """Whole minutes QuickBooks gets for ``seconds``: the nearest minute, half a minute up."""
    return (seconds + 30) // 60


def check_hour_type(value: object) -> str | None:
    """The reason ``value`` is not an hour type, or None when it is one."""
    if isinstance(value, str) and _HOUR_TYPE_RE.fullmatch(value):
        return None
    return f"must be {HOUR_TYPE_HELP}"


def _ref(value: object) -> tuple[int | None, str | None]:
    if value is None:
        return None, None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        return None, "must be a row id (a positive whole number) or null"
    return value, None


def _date(value: object) -> tuple[date | None, str | None]:
    if not isinstance(value, str):
        return None, "must be a date YYYY-MM-DD"
    try:
        return date.fromisoformat(value), None
    except ValueError:
        return None, "must be a date YYYY-MM-DD"


def _instant(value: object, zone: ZoneInfo | None) -> tuple[datetime | None, str | None]:
    if not isinstance(value, str):
        return None, "must be a date and time, e.g. 2026-11-02T08:00"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None, "must be a date and time, e.g. 2026-11-02T08:00"
    if moment.tzinfo is None:
        if zone is None:
            return None, "needs a UTC offset, or give time_zone"
        moment = moment.replace(tzinfo=zone)
    return moment, None


def _zone(value: object) -> tuple[ZoneInfo | None, str | None]:
    if value is None:
        return None, None
    if not isinstance(value, str) or not value or len(value) > 64:
        return None, "must be an IANA time zone name such as America/Chicago"
    try:
        return ZoneInfo(value), None
    except (ZoneInfoNotFoundError, ValueError):
        return None, "must be an IANA time zone name such as America/Chicago"


def _check_scalars(data: Mapping[str, object], out: dict[str, object], bad: dict[str, str]) -> None:
    for name in _REF_FIELDS:
        if name in data:
            out[name], problem = _ref(data[name])
            if problem:
                bad[name] = problem
    if "hour_type" in data:
        problem = check_hour_type(data["hour_type"])
        if problem:
            bad["hour_type"] = problem
        out["hour_type"] = data["hour_type"]
    if "notes" in data:
        notes = data["notes"]
        if notes is not None and not isinstance(notes, str):
            bad["notes"] = "must be text or null"
        elif isinstance(notes, str) and len(notes) > MAX_NOTES:
            bad["notes"] = f"must be at most {MAX_NOTES} characters"
        out["notes"] = notes or None
    if "billable" in data:
        if not isinstance(data["billable"], bool):
            bad["billable"] = "must be true or false"
        out["billable"] = data["billable"]
    if "external_id" in data:
        ext = data["external_id"]
        if ext is not None and (
            not isinstance(ext, str) or not ext.strip() or len(ext) > MAX_EXTERNAL_ID
        ):
            bad["external_id"] = f"must be text of 1 to {MAX_EXTERNAL_ID} characters, or null"
        out["external_id"] = ext


def _check_time(data: Mapping[str, object], out: dict[str, object], bad: dict[str, str]) -> None:
    timed = "start" in data or "end" in data
    if timed:
        zone, problem = _zone(data.get("time_zone"))
        if problem:
            bad["time_zone"] = problem
        start, p1 = _instant(data.get("start"), zone)
        end, p2 = _instant(data.get("end"), zone)
        if p1:
            bad["start"] = p1
        if p2:
            bad["end"] = p2
        if "duration_seconds" in data:
            bad["duration_seconds"] = "give duration_seconds or start and end, not both"
        if start is None or end is None:
            return
        if end <= start:
            bad["end"] = "must be later than start"
            return
        local = start.astimezone(zone) if zone is not None else start
        out.update(
            start_at=start,
            end_at=end,
            time_zone=data.get("time_zone"),
            duration_seconds=int((end - start).total_seconds()),
            work_date=local.date(),
        )
        if "work_date" in data:
            given, _ = _date(data["work_date"])
            if given != local.date():
                bad["work_date"] = "must be the local date of start (or be left out)"
        return
    if "time_zone" in data and data["time_zone"] is not None:
        bad["time_zone"] = "is only used with start and end"
    if "work_date" in data:
        out["work_date"], problem = _date(data["work_date"])
        if problem:
            bad["work_date"] = problem
    if "duration_seconds" in data:
        seconds = data["duration_seconds"]
        if isinstance(seconds, bool) or not isinstance(seconds, int):
            bad["duration_seconds"] = "must be a whole number of seconds"
        elif not 0 < seconds <= MAX_DAY_SECONDS:
            bad["duration_seconds"] = "must be more than 0 and at most 86400 (24 hours)"
        else:
            out["duration_seconds"] = seconds
            out.update(start_at=None, end_at=None, time_zone=None)


def parse_entry_input(data: object, *, partial: bool = False) -> EntryInput:
    """Check one entry's JSON object; ``partial`` (PATCH) lets required fields be left out.

    :raises EntryInputError: naming every bad or missing field.
    """
    if not isinstance(data, Mapping):
        raise EntryInputError({"(entry)": "must be a JSON object"})
    bad: dict[str, str] = {}
    unknown = sorted(str(k) for k in data if k not in ENTRY_FIELDS)
    for name in unknown:
        bad[name] = "is not a time entry field"
    if partial and "external_id" in data:
        bad["external_id"] = "cannot be changed"
    out: dict[str, object] = {}
    _check_scalars(data, out, bad)
    _check_time(data, out, bad)
    if not partial:
        for name in ("team_member_id", "work_date", "duration_seconds"):
            if data.get(name) is None and name not in out and name not in bad:
                timed = "start" in data or "end" in data
                if name != "team_member_id" and timed:
                    continue
                bad[name] = (
                    "is required (or give start and end)"
                    if name != "team_member_id"
                    else "is required"
                )
        out.setdefault("hour_type", "regular")
        out.setdefault("billable", False)
    if "team_member_id" in data and data["team_member_id"] is None:
        bad["team_member_id"] = "is required"
    if bad:
        raise EntryInputError(bad)
    return EntryInput(values=out, given=frozenset(out))
