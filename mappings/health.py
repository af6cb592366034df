"""Integration health checks of a company (issue 16): facts in, the problems and their fixes out.

Pure standard library (no ``qbxml`` package root, no I/O): the store gathers :class:`HealthFacts`
(plain values, read from the last HCP response, the company's settings and the imported lists)
and :func:`check_health` says what is wrong, what was found, what to change and where (in
QuickBooks or here, with the page). A check clears itself when its cause is gone: nothing is
stored, every call computes the checks again. See ``docs/health.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, Literal

from .options import ImportOptions
from .time_export import EXTERNAL_GUID_SINCE

__all__ = [
    "CHECK_CODES",
    "HOURLY_PREFIX",
    "NAMES_SHOWN",
    "SCHEDULE_FACTOR",
    "Check",
    "HealthEmployee",
    "HealthFacts",
    "HealthSession",
    "Severity",
    "Where",
    "check_health",
    "check_to_json",
    "health_summary",
]

Severity = Literal["error", "warning"]
Where = Literal["QuickBooks", "here"]

CHECK_CODES: Final = (
    "week_start",
    "class_tracking",
    "no_hourly_item",
    "no_time_data",
    "unlinked_time",
    "company_file_changed",
    "edition_changed",
    "qbxml_too_old",
    "no_recent_sync",
)
"""Every check, in the order they are reported."""
HOURLY_PREFIX: Final = "Hourly"
"""Hourly wage types: ``HourlyRegular``, ``HourlyOvertime``, ``HourlySick``, ``HourlyVacation``
(qbXML ``PayrollItemWageRet/WageType``); the ``Salary*`` types, ``Bonus`` and ``Commission`` are
not hourly."""
SCHEDULE_FACTOR: Final = 3
"""No successful sync for this many times the schedule is a problem."""
NAMES_SHOWN: Final = 10
"""Names listed in a check's text; :attr:`Check.names` holds all of them."""


@dataclass(frozen=True, slots=True, kw_only=True)
class HealthEmployee:
    """A QuickBooks employee who has time waiting to be exported."""

    name: str
    uses_time_data: bool | None
    """``UseTimeDataToCreatePaychecks`` (None: QuickBooks did not say)."""
    has_hourly_item: bool
    """An active hourly wage item is among their QuickBooks earnings."""


@dataclass(frozen=True, slots=True, kw_only=True)
class HealthSession:
    """What a Web Connector session reported about QuickBooks (its first sendRequestXML)."""

    company_file: str | None
    file_stamp: str | None
    product: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class HealthFacts:
    """Everything the checks read about one company, as plain values."""

    company_id: int = 0
    week_start: str = "Monday"
    """The company's week start here (``Company.week_start``)."""
    options: ImportOptions = ImportOptions()
    qb_first_day_of_week: str | None = None
    """``PreferencesRet/TimeTrackingPreferences/FirstDayOfWeek`` of the last HCP response."""
    qb_class_tracking: bool | None = None
    """``PreferencesRet/AccountingPreferences/IsUsingClassTracking`` of the last HCP response."""
    employees: tuple[HealthEmployee, ...] = ()
    """QuickBooks employees with time waiting to be exported."""
    payroll_items_known: bool = True
    """Wage items were imported (without any, an employee's earnings cannot be judged)."""
    unlinked_with_approved_time: tuple[tuple[str, int], ...] = ()
    """(name, approved entries not yet exported) of team members not linked to QuickBooks."""
    bound_company_file: str | None = None
    bound_file_stamp: str | None = None
    last_session: HealthSession | None = None
    """The latest session that reached QuickBooks (sent its HCP response)."""
    bound_product: str | None = None
    """The QuickBooks product the company was bound under (None: bound before it was kept)."""
    previous_product: str | None = None
    """The QuickBooks product of the last successful session before :attr:`last_session`; what
    the check compares with when :attr:`bound_product` is unknown."""
    qbxml_version: str | None = None
    """The qbXML version negotiated with QuickBooks."""
    last_success_at: datetime | None = None
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Check:
    """One problem: what was found, what to change and where.

    :ivar where: ``QuickBooks`` (change it in the company file, then sync) or ``here`` (these
        pages, the CLI or the API).
    :ivar page: the page of these admin pages the fix or its alternative is on (``options``,
        ``payroll-settings``, ``team-members``, ``payroll-mapping``, ``time``, ``sessions``,
        ``overview``), or None.
    """

    code: str
    severity: Severity
    title: str
    found: str
    fix: str
    where: Where
    page: str | None = None
    names: tuple[str, ...] = ()


def _names(names: Sequence[str]) -> str:
    shown = ", ".join(names[:NAMES_SHOWN])
    more = len(names) - NAMES_SHOWN
    return f"{shown} and {more} more" if more > 0 else shown


def _people(n: int) -> str:
    return "1 employee" if n == 1 else f"{n} employees"


def _folded(text: str | None) -> str:
    return (text or "").strip().casefold()


def _guid(text: str | None) -> str:
    return (text or "").strip().strip("{}").casefold()


def _version(text: str | None) -> tuple[int, int] | None:
    """``13.0`` -> (13, 0); a country prefix (``CA3.0``) and bad text give None."""
    parts = (text or "").strip().split(".")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        return None
    return int(parts[0]), int(parts[1])


def _week_start(f: HealthFacts) -> Check | None:
    qb = f.qb_first_day_of_week
    if not qb or qb == f.week_start:
        return None
    return Check(
        code="week_start",
        severity="warning",
        title="QuickBooks' work week starts on another day",
        found=f"QuickBooks' first day of the work week is {qb}; this company's week starts on "
        f"{f.week_start}, so weekly overtime and timesheet weeks would not line up.",
        fix=f"Edit > Preferences > Time & Expenses > Company Preferences, set "
        f"First Day of Work Week to {f.week_start}, then sync. If QuickBooks is right, change "
        f"the week start to {qb} in this company's payroll settings here instead (or "
        f"`qbtime company payroll-settings {f.company_id} --week-start {qb}`).",
        where="QuickBooks",
        page="payroll-settings",
    )


def _class_tracking(f: HealthFacts) -> Check | None:
    level = f.options.classes
    if level == "off" or f.qb_class_tracking is not False:
        return None
    return Check(
        code="class_tracking",
        severity="error" if level == "require" else "warning",
        title="Class tracking is off in QuickBooks",
        found=f"Classes are {'required' if level == 'require' else 'shown'} on time here, but "
        "class tracking is off in QuickBooks: it keeps no class on the time it receives.",
        fix="Edit > Preferences > Accounting > Company Preferences, tick Use "
        "class tracking for transactions, then sync. If you do not track classes, set Classes "
        "to off in this company's import options here.",
        where="QuickBooks",
        page="options",
    )


def _no_hourly(f: HealthFacts) -> Check | None:
    if not f.options.export_time or not f.payroll_items_known:
        return None
    names = tuple(e.name for e in f.employees if not e.has_hourly_item)
    if not names:
        return None
    return Check(
        code="no_hourly_item",
        severity="warning",
        title="Employees without an hourly wage item",
        found=f"{_people(len(names))} with time to export have no hourly wage item in their "
        f"QuickBooks earnings: {_names(names)}.",
        fix="Employee Center > the employee > Payroll Info > Earnings, add an "
        "hourly wage item (such as Hourly Regular), then sync; then choose it for them on the "
        "payroll mapping page here if the company default does not apply.",
        where="QuickBooks",
        page="payroll-mapping",
        names=names,
    )


def _no_time_data(f: HealthFacts) -> Check | None:
    if not f.options.export_time:
        return None
    names = tuple(e.name for e in f.employees if e.uses_time_data is False)
    if not names:
        return None
    return Check(
        code="no_time_data",
        severity="warning",
        title="Paychecks do not use time data",
        found=f"{_people(len(names))} with time to export have Use time data to create "
        f"paychecks off in QuickBooks, so their exported hours will not reach their paychecks: "
        f"{_names(names)}.",
        fix="Employee Center > the employee > Payroll Info, tick Use time data "
        "to create paychecks, then sync.",
        where="QuickBooks",
        names=names,
    )


def _unlinked(f: HealthFacts) -> Check | None:
    rows = f.unlinked_with_approved_time
    if not rows:
        return None
    names = tuple(name for name, _ in rows)
    entries = sum(n for _, n in rows)
    people = "1 team member" if len(rows) == 1 else f"{len(rows)} team members"
    return Check(
        code="unlinked_time",
        severity="error" if f.options.export_time else "warning",
        title="Approved time of team members not in QuickBooks",
        found=f"{people} with approved time ({entries} "
        f"{'entry' if entries == 1 else 'entries'}) are not linked to a QuickBooks employee or "
        f"vendor, so their time cannot be exported: {_names(names)}.",
        fix="Add each of them as an employee (or as a vendor, with vendors "
        "imported) with the same first name, last name and email as here, then sync: the sync "
        "links them. See them on the team members page here.",
        where="QuickBooks",
        page="team-members",
        names=names,
    )


def _company_file(f: HealthFacts) -> Check | None:
    last = f.last_session
    bound = f.bound_company_file
    if not bound or last is None or not last.company_file:
        return None
    if _folded(last.company_file) != _folded(bound):
        found = (
            f"The Web Connector last opened {last.company_file}, but this company is bound to "
            f"{bound}; that session was refused."
        )
    elif (
        f.bound_file_stamp
        and last.file_stamp
        and _guid(last.file_stamp) != _guid(f.bound_file_stamp)
    ):
        found = (
            f"The company file at {bound} is not the one this company was bound to: it carries "
            "another FileID (a copy of another company's file, or a restored backup of one); "
            "that session was refused."
        )
    else:
        return None
    return Check(
        code="company_file_changed",
        severity="error",
        title="Another company file than the bound one",
        found=found,
        fix=f"Open {bound} before the Web Connector runs, then sync. If the "
        "company file really moved, an administrator runs `qbtime company unbind "
        f"{f.company_id}` and syncs again.",
        where="QuickBooks",
        page="sessions",
    )


def _edition(f: HealthFacts) -> Check | None:
    last = f.last_session
    now_product = last.product if last else None
    before = f.bound_product or f.previous_product
    if not now_product or not before or _folded(now_product) == _folded(before):
        return None
    if f.bound_product:
        found = f"The last sync ran under {now_product}; the company was bound under {before}."
        accept = (
            f"an administrator runs `qbtime company unbind {f.company_id}`: the next sync binds "
            f"the company again, under {now_product}"
        )
    else:
        found = f"The last sync ran under {now_product}; the one before it under {before}."
        accept = f"nothing to change: the check clears after the next sync under {now_product}"
    return Check(
        code="edition_changed",
        severity="warning",
        title="The QuickBooks edition changed",
        found=found + " Another edition may lack features this company uses (payroll items, "
        "classes).",
        fix=f"If QuickBooks was upgraded on purpose, {accept}. If not, run the Web Connector "
        f"on the computer with {before}.",
        where="QuickBooks",
        page="sessions",
    )


def _qbxml(f: HealthFacts) -> Check | None:
    version = _version(f.qbxml_version)
    if not f.options.export_time or version is None or version >= EXTERNAL_GUID_SINCE:
        return None
    return Check(
        code="qbxml_too_old",
        severity="warning",
        title="QuickBooks is too old for ExternalGUID",
        found=f"QuickBooks speaks qbXML {f.qbxml_version}; exported time carries its "
        "ExternalGUID from qbXML 9.0 on. Until then each entry's id rides in its Notes as a "
        "[qbtime:...] marker, which anyone editing the entry in QuickBooks can remove.",
        fix="Update to QuickBooks 2010 or later (qbXML 9.0 or newer, Help > "
        "Update QuickBooks Desktop), then sync.",
        where="QuickBooks",
    )


def _no_recent_sync(f: HealthFacts, now: datetime, every: timedelta) -> Check | None:
    since = f.last_success_at or f.created_at
    if since is None or now - since <= every * SCHEDULE_FACTOR:
        return None
    hours = (now - since).total_seconds() / 3600
    age = f"{hours:.0f} hours" if hours < 48 else f"{hours / 24:.0f} days"
    what = (
        f"The last successful sync was {age} ago"
        if f.last_success_at
        else f"No successful sync in the {age} since the company was added"
    )
    minutes = int(every.total_seconds() // 60)
    return Check(
        code="no_recent_sync",
        severity="error",
        title="No successful sync for a while",
        found=f"{what}; the Web Connector should sync every {minutes} minutes.",
        fix="On the QuickBooks computer: start the Web Connector with this company's "
        "application ticked for Auto-Run, and make sure QuickBooks can open the company file; "
        "the last sessions here show why a sync failed.",
        where="QuickBooks",
        page="sessions",
    )


def check_health(facts: HealthFacts, *, now: datetime, every: timedelta) -> tuple[Check, ...]:
    """The company's problems in :data:`CHECK_CODES` order; empty when all is well.

    :param now: the clock's time (aware, like the facts' times).
    :param every: the Web Connector's schedule (``RunEveryNMinutes``).
    """
    found = (
        _week_start(facts),
        _class_tracking(facts),
        _no_hourly(facts),
        _no_time_data(facts),
        _unlinked(facts),
        _company_file(facts),
        _edition(facts),
        _qbxml(facts),
        _no_recent_sync(facts, now, every),
    )
    return tuple(c for c in found if c is not None)


def health_summary(checks: Sequence[Check]) -> tuple[str, str]:
    """The dashboard's word and tone: ``("OK", "ok")``, or the number of problems, ``bad``
    when one is an error, else ``warn``."""
    if not checks:
        return "OK", "ok"
    text = "1 problem" if len(checks) == 1 else f"{len(checks)} problems"
    return text, "bad" if any(c.severity == "error" for c in checks) else "warn"


def check_to_json(check: Check) -> dict[str, object]:
    """One check as the API and ``qbtime company show --json`` give it."""
    return {
        "code": check.code,
        "severity": check.severity,
        "title": check.title,
        "found": check.found,
        "fix": check.fix,
        "where": check.where,
        "page": check.page,
        "names": list(check.names),
    }
