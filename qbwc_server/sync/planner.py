"""The planner: is a company due, and which requests does its session send, in what order.

Pure: it reads the company's record and options and returns decisions as data; the service
writes the plan into the queue (DESIGN section 5). Imports no store or web code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import qbxml
from mappings import ImportOptions

from ..store.views import CompanyView, NewWorkItem

DELETED = "deleted"
# An ID sweep of a list is a work item of kind "sweep:<list kind>" (section 7 of docs/sync.md).
SWEEP_PREFIX = "sweep:"
# Time export (sync/export.py): after every list import, so its references are fresh.
EXPORT = "export_time"
EXPORT_KINDS = frozenset({EXPORT})
# Slack so a Web Connector polling every N minutes is not refused for being a few seconds early.
POLL_SLACK = timedelta(minutes=1)
# A request disabled as "not in this edition" is asked again after this long.
RECHECK_DISABLED = timedelta(days=1)


@dataclass(frozen=True, slots=True, kw_only=True)
class ListJob:
    """One list the engine imports: its queue kind, mappings kind, query, record type and
    ListDelType; ``role`` tells team members of employees and vendors apart."""

    kind: str
    row_kind: str
    query: type[qbxml.ListQuery]
    record: type
    del_type: str
    optional: bool = False
    role: str | None = None


# Dependency order (DESIGN section 5): classes and payroll items before the employees whose
# earnings refer to them, service items before time, customers and their jobs last.
LIST_JOBS: tuple[ListJob, ...] = (
    ListJob(
        kind="classes",
        row_kind="qb_class",
        query=qbxml.ClassQuery,
        record=qbxml.QbClass,
        del_type="Class",
    ),
    ListJob(
        kind="payroll_items",
        row_kind="payroll_item",
        query=qbxml.PayrollItemWageQuery,
        record=qbxml.PayrollItemWage,
        del_type="PayrollItemWage",
        optional=True,
    ),
    ListJob(
        kind="service_items",
        row_kind="service_item",
        query=qbxml.ItemServiceQuery,
        record=qbxml.ItemService,
        del_type="ItemService",
    ),
    ListJob(
        kind="employees",
        row_kind="team_member",
        query=qbxml.EmployeeQuery,
        record=qbxml.Employee,
        del_type="Employee",
        role="employee",
    ),
    ListJob(
        kind="vendors",
        row_kind="team_member",
        query=qbxml.VendorQuery,
        record=qbxml.Vendor,
        del_type="Vendor",
        role="vendor",
    ),
    ListJob(
        kind="customers",
        row_kind="customer",
        query=qbxml.CustomerQuery,
        record=qbxml.Customer,
        del_type="Customer",
    ),
)
JOBS_BY_KIND = {job.kind: job for job in LIST_JOBS}


def due_reason(
    company: CompanyView,
    *,
    now: datetime,
    every: timedelta,
    unfinished: bool,
    time_waiting: bool = False,
) -> str | None:
    """Why the company should sync now, or None when it has nothing to do.

    :param time_waiting: approved time (or an unresolved in-flight entry) waits for export.
    """
    if company.first_sync_at is None:
        return "first sync"
    if company.sync_requested_at is not None:
        return "sync requested"
    if unfinished:
        return "unfinished work"
    if time_waiting:
        return "approved time waiting"
    if company.last_success_at is None or now - company.last_success_at >= every - POLL_SLACK:
        return "scheduled"
    return None


def offered_in(kind: str, country: str | None) -> bool:
    """Whether QuickBooks of ``country`` (None: not known yet) has this list at all.

    Payroll wage items exist in US editions only (qbXML On-Screen Reference).
    """
    return kind != "payroll_items" or country in (None, "US")


def wanted_lists(
    options: ImportOptions, *, country: str | None, disabled: tuple[str, ...] = ()
) -> list[str]:
    """The lists this company imports, in dependency order.

    Disabled requests stay in the plan: the engine skips them once it knows from the HCP
    response whether the product changed (:func:`recheck_due`).
    """
    wanted = {
        "classes": options.classes != "off",
        "payroll_items": True,
        "service_items": options.service_items != "off",
        "employees": True,
        "vendors": options.import_vendors,
        "customers": options.import_customers_jobs,
    }
    return [job.kind for job in LIST_JOBS if wanted[job.kind] and offered_in(job.kind, country)]


def plan_session(
    kinds: list[str],
    *,
    disabled: tuple[str, ...] = (),
    sweep: bool = False,
    export_time: bool = False,
) -> list[NewWorkItem]:
    """The session's work items: each list, one ListDeletedQuery for the types not disabled,
    then (``sweep``) an ID sweep of each list, then the time export when the company exports
    approved time (last, so its references are fresh)."""
    items = [NewWorkItem(kind=k, position=10 * (n + 1)) for n, k in enumerate(kinds)]
    types = sorted({JOBS_BY_KIND[k].del_type for k in kinds if k not in disabled})
    position = 10 * (len(kinds) + 1)
    if types:
        items.append(NewWorkItem(kind=DELETED, position=position, spec={"types": types}))
    if sweep:
        items.extend(
            NewWorkItem(kind=SWEEP_PREFIX + k, position=position + 10 * (n + 1))
            for n, k in enumerate(kinds)
        )
    if export_time:
        items.append(NewWorkItem(kind=EXPORT, position=position + 10 * (len(kinds) + 1)))
    return items


def sweep_due(
    last_sweep_at: datetime | None, requested: bool, *, now: datetime, every: timedelta
) -> bool:
    """Whether this session sweeps the lists' ListIDs (every ``sweep_days``, or after resync)."""
    return requested or last_sweep_at is None or now - last_sweep_at >= every


def recheck_due(
    info: object, *, product: str | None, now: datetime, every: timedelta = RECHECK_DISABLED
) -> bool:
    """Whether a disabled request is asked again: the product changed, or ``every`` passed.

    :param info: what was kept when it was disabled (``{"at": iso time, "product": name}``);
        anything unreadable counts as due.
    """
    if not isinstance(info, dict):
        return True
    at, was = info.get("at"), info.get("product")
    if not isinstance(at, str):
        return True
    try:
        since = datetime.fromisoformat(at)
    except ValueError:
        return True
    return (product is not None and product != was) or now - since >= every


def needs_delete_confirmation(
    company: CompanyView, options: ImportOptions, *, local_customers: int
) -> bool:
    """The first sync would remove local customers/projects and nobody has confirmed it."""
    return (
        company.first_sync_at is None
        and options.import_customers_jobs
        and company.delete_confirmed_at is None
        and local_customers > 0
    )
