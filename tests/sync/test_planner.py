"""The planner: when a company is due, which lists it imports, and the session's work items."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mappings import ImportOptions
from qbwc_server.sync import planner
from qbwc_server.sync.planner import (
    DELETED,
    JOBS_BY_KIND,
    LIST_JOBS,
    due_reason,
    needs_delete_confirmation,
    plan_session,
    recheck_due,
    wanted_lists,
)
from tests.sync.conftest import NOW, make_company

EVERY = timedelta(minutes=60)
ALL_KINDS = [job.kind for job in LIST_JOBS]
ALL_ON = ImportOptions(classes="show", import_vendors=True)


# ---------------------------------------------------------------------------- due_reason
@pytest.mark.parametrize(
    ("changes", "unfinished", "expected"),
    [
        pytest.param({}, False, "first sync", id="never-synced"),
        pytest.param(
            {"sync_requested_at": NOW}, True, "first sync", id="first-sync-beats-the-others"
        ),
        pytest.param(
            {"first_sync_at": NOW, "last_success_at": NOW, "sync_requested_at": NOW},
            False,
            "sync requested",
            id="sync-now",
        ),
        pytest.param(
            {"first_sync_at": NOW, "last_success_at": NOW},
            True,
            "unfinished work",
            id="unfinished-items",
        ),
        pytest.param(
            {"first_sync_at": NOW, "last_success_at": None},
            False,
            "scheduled",
            id="no-success-yet",
        ),
        pytest.param(
            {"first_sync_at": NOW, "last_success_at": NOW - EVERY},
            False,
            "scheduled",
            id="interval-elapsed",
        ),
        pytest.param(
            {"first_sync_at": NOW, "last_success_at": NOW - EVERY + planner.POLL_SLACK},
            False,
            "scheduled",
            id="one-minute-early-is-in-the-slack",
        ),
        pytest.param(
            {
                "first_sync_at": NOW,
                "last_success_at": NOW - EVERY + planner.POLL_SLACK + timedelta(seconds=1),
            },
            False,
            None,
            id="just-outside-the-slack",
        ),
        pytest.param(
            {"first_sync_at": NOW, "last_success_at": NOW - timedelta(minutes=5)},
            False,
            None,
            id="synced-recently",
        ),
    ],
)
def test_due_reason(changes: dict[str, object], unfinished: bool, expected: str | None) -> None:
    """A company is due for its first sync, a requested sync, unfinished work or its schedule."""
    company = make_company(**changes)
    assert due_reason(company, now=NOW, every=EVERY, unfinished=unfinished) == expected


def test_poll_slack_is_one_minute() -> None:
    """The scheduler forgives a Web Connector that polls up to one minute early."""
    assert timedelta(minutes=1) == planner.POLL_SLACK


# ---------------------------------------------------------------------------- wanted_lists
@pytest.mark.parametrize(
    ("changes", "kind", "wanted"),
    [
        ({"classes": "off"}, "classes", False),
        ({"classes": "show"}, "classes", True),
        ({"classes": "require"}, "classes", True),
        ({"service_items": "off"}, "service_items", False),
        ({"service_items": "show"}, "service_items", True),
        ({"service_items": "require"}, "service_items", True),
        ({"import_vendors": False}, "vendors", False),
        ({"import_vendors": True}, "vendors", True),
        ({"import_customers_jobs": False}, "customers", False),
        ({"import_customers_jobs": True}, "customers", True),
        ({"archive_existing_users": True}, "employees", True),
        ({"billable": "off", "export_time": False}, "employees", True),
    ],
)
def test_wanted_lists_follow_the_import_options(
    changes: dict[str, object], kind: str, wanted: bool
) -> None:
    """Each import option switches exactly its own list on or off; employees are always imported."""
    options = replace(ALL_ON, **changes)
    kinds = wanted_lists(options, country="US", disabled=())
    assert (kind in kinds) is wanted
    assert set(ALL_KINDS) - set(kinds) <= {kind}


def test_wanted_lists_defaults() -> None:
    """The default options import payroll items, service items, employees and customers."""
    kinds = wanted_lists(ImportOptions(), country="US", disabled=())
    assert kinds == ["payroll_items", "service_items", "employees", "customers"]


@pytest.mark.parametrize(
    ("country", "payroll"),
    [(None, True), ("US", True), ("CA", False), ("UK", False), ("AU", False)],
)
def test_payroll_items_only_in_us_editions(country: str | None, payroll: bool) -> None:
    """Payroll wage items are asked only of US editions (or before the country is known)."""
    kinds = wanted_lists(ALL_ON, country=country, disabled=())
    assert ("payroll_items" in kinds) is payroll
    assert [k for k in ALL_KINDS if k != "payroll_items"] == [
        k for k in kinds if k != "payroll_items"
    ]


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_point5_disabled_requests_stay_planned_for_a_recheck(kind: str) -> None:
    """A disabled request stays in the plan (the engine skips it unless a recheck is due) and
    its list leaves the deletions query."""
    kinds = wanted_lists(ALL_ON, country="US", disabled=(kind,))
    assert kinds == ALL_KINDS
    items = plan_session(kinds, disabled=(kind,))
    deleted = next(i for i in items if i.kind == "deleted")
    assert JOBS_BY_KIND[kind].del_type not in deleted.spec["types"]


def test_point5_recheck_when_the_product_changes_or_daily() -> None:
    """A disabled request is asked again when the product differs or a day has passed."""
    info = {"at": NOW.isoformat(), "product": "QuickBooks Pro 2023"}
    assert not recheck_due(info, product="QuickBooks Pro 2023", now=NOW + timedelta(hours=23))
    assert recheck_due(info, product="QuickBooks Enterprise 24", now=NOW)
    assert recheck_due(info, product=None, now=NOW + timedelta(days=1))
    assert recheck_due(None, product=None, now=NOW)
    assert recheck_due({"at": "garbage"}, product=None, now=NOW)


def test_dependency_order() -> None:
    """Classes, payroll items, service items, employees, vendors, then customers and jobs."""
    assert wanted_lists(ALL_ON, country="US", disabled=()) == [
        "classes",
        "payroll_items",
        "service_items",
        "employees",
        "vendors",
        "customers",
    ]


# ---------------------------------------------------------------------------- plan_session
ORDERED_SUBSETS = st.sets(st.sampled_from(ALL_KINDS)).map(
    lambda kinds: [k for k in ALL_KINDS if k in kinds]
)


@given(kinds=ORDERED_SUBSETS)
def test_plan_session_queues_the_lists_then_their_deletions(kinds: list[str]) -> None:
    """Items keep the lists' order with increasing positions; one final ListDeletedQuery asks
    for exactly the planned lists' ListDelTypes."""
    plan = plan_session(kinds)
    positions = [i.position for i in plan]
    assert positions == sorted(set(positions))
    if not kinds:
        assert plan == []
        return
    *lists, deleted = plan
    assert [i.kind for i in lists] == kinds and all(i.spec == {} for i in lists)
    assert deleted.kind == DELETED
    assert deleted.spec == {"types": sorted({JOBS_BY_KIND[k].del_type for k in kinds})}


def test_plan_session_for_every_list() -> None:
    """A full plan ends with one ListDeletedQuery naming every list type, sorted."""
    plan = plan_session(ALL_KINDS)
    assert [i.kind for i in plan] == [*ALL_KINDS, DELETED]
    assert plan[-1].spec["types"] == [
        "Class",
        "Customer",
        "Employee",
        "ItemService",
        "PayrollItemWage",
        "Vendor",
    ]


# ---------------------------------------------------------------------------- first-sync delete
@pytest.mark.parametrize(
    ("changes", "options", "local", "needed"),
    [
        pytest.param({}, ImportOptions(), 3, True, id="unconfirmed-first-sync"),
        pytest.param({}, ImportOptions(), 0, False, id="no-local-customers"),
        pytest.param(
            {"delete_confirmed_at": NOW}, ImportOptions(), 3, False, id="already-confirmed"
        ),
        pytest.param({"first_sync_at": NOW}, ImportOptions(), 3, False, id="after-first-sync"),
        pytest.param(
            {},
            ImportOptions(import_customers_jobs=False),
            3,
            False,
            id="customers-not-imported",
        ),
    ],
)
def test_needs_delete_confirmation(
    changes: dict[str, object], options: ImportOptions, local: int, needed: bool
) -> None:
    """Only a first sync that would remove local customers waits for an admin's `delete`."""
    company = make_company(**changes)
    assert needs_delete_confirmation(company, options, local_customers=local) is needed


def test_point_approved_time_waiting_is_a_due_reason() -> None:
    """Approved time (or an unresolved in-flight entry) makes a synced company due."""
    done = make_company(first_sync_at=NOW, last_success_at=NOW)
    every = timedelta(minutes=60)
    assert planner.due_reason(done, now=NOW, every=every, unfinished=False) is None
    waiting = planner.due_reason(done, now=NOW, every=every, unfinished=False, time_waiting=True)
    assert waiting == "approved time waiting"


def test_point_export_is_planned_after_the_lists_and_deletions() -> None:
    """The export item comes last, so its references are fresh; none without time waiting."""
    items = planner.plan_session(["employees", "customers"], export_time=True)
    assert [i.kind for i in items] == ["employees", "customers", "deleted", planner.EXPORT]
    assert items[-1].position > items[-2].position
    assert planner.EXPORT not in [i.kind for i in planner.plan_session(["employees"])]
    assert planner.offered_in(planner.EXPORT, "CA")
