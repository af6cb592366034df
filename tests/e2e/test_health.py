"""Integration health checks against the simulator's company (issue 16): each check is raised by
a real sync (or by time passing), then cleared by the fix and a sync, read through the REST API
of the live server."""

from __future__ import annotations

import dataclasses
import json
import urllib.request
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

import qbxml
from qbwc_server import admin
from tests.e2e.export_world import WEEK, ExportWorld, build_world


def _health(world: ExportWorld, token: str) -> dict[str, Any]:
    url = f"{world.harness.url}/api/v1/companies/{world.company_id}/health"
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=30) as answer:
        return json.loads(answer.read())["data"]


def _codes(world: ExportWorld, token: str) -> set[str]:
    return {c["code"] for c in _health(world, token)["checks"]}


def _prefs(world: ExportWorld, **changes: Any) -> None:
    company = world.qb.company
    company.preferences = dataclasses.replace(company.preferences, **changes)


def _payroll(world: ExportWorld, name: str, **changes: Any) -> None:
    """Change an employee's payroll info in QuickBooks."""
    company = world.qb.company
    employee = next(e for e in company.records("Employee") if e.name == name)
    company.modify(employee.list_id, payroll=dataclasses.replace(employee.payroll, **changes))


def _draft(world: ExportWorld, member: str) -> None:
    """A draft entry: time the member will export once approved (this sync does not send it)."""
    world.add(member, WEEK, notes="health check")


# --- each case: (options, raise it, the fix), the sync in between is the test's --------------
def _week_start_raise(world: ExportWorld) -> None:
    _prefs(world, first_day_of_week="Sunday")


def _week_start_fix(world: ExportWorld) -> None:
    _prefs(world, first_day_of_week="Monday")


def _classes_raise(world: ExportWorld) -> None:
    _prefs(world, is_using_class_tracking=False)


def _classes_fix(world: ExportWorld) -> None:
    _prefs(world, is_using_class_tracking=True)


def _hourly_raise(world: ExportWorld) -> None:
    _draft(world, "Owen Fitzgerald")  # salaried: only Salary wage items in his earnings


def _hourly_fix(world: ExportWorld) -> None:
    company = world.qb.company
    owen = next(e for e in company.records("Employee") if e.name == "Owen Fitzgerald")
    hourly = company.find("PayrollItemWage", "Hourly Regular")
    line = qbxml.Earning(payroll_item_wage_ref=company.ref_to(hourly), rate=Decimal("40.00"))
    _payroll(world, "Owen Fitzgerald", earnings=(*owen.payroll.earnings, line))


def _time_data_raise(world: ExportWorld) -> None:
    _draft(world, "Maria Alvarez")
    _payroll(world, "Maria Alvarez", use_time_data_to_create_paychecks="DoNotUseTimeData")


def _time_data_fix(world: ExportWorld) -> None:
    _payroll(world, "Maria Alvarez", use_time_data_to_create_paychecks="UseTimeData")


def _unlinked_raise(world: ExportWorld) -> None:
    member = world.store.add_local_team_member(
        world.company_id,
        first_name="Nadia",
        last_name="Petrova",
        email="nadia.petrova@example.com",
        now=world.harness.clock.now(),
    )
    world.ids["member"]["Nadia Petrova"] = member
    world.add("Nadia Petrova", WEEK)
    world.approve()


def _unlinked_fix(world: ExportWorld) -> None:
    world.qb.company.add_employee(
        "Nadia",
        "Petrova",
        email="nadia.petrova@example.com",
        earnings=[("Hourly Regular", Decimal("30.00"))],
    )


def _file_raise(world: ExportWorld) -> None:
    # Another company's file copied to this company's path: the same path, another FileID.
    other = world.harness.add_company("Other Books")
    other_qb = world.harness.quickbooks()
    assert world.harness.sync(other, other_qb).outcome == "finished"
    world.saved_qb = world.qb  # type: ignore[attr-defined]
    world.qb = world.harness.quickbooks(other_qb.company)


def _file_fix(world: ExportWorld) -> None:
    world.qb = world.saved_qb  # type: ignore[attr-defined]


def _edition_raise(world: ExportWorld) -> None:
    world.qb = world.harness.quickbooks(
        world.qb.company, product="QuickBooks Enterprise Solutions 24.0"
    )


def _edition_fix(world: ExportWorld) -> None:
    """Upgraded on purpose: unbinding lets the next sync bind the company under the new one."""
    assert world.harness.store.get_company(world.company_id).bound_qb_product
    admin.unbind_company(world.harness.store, world.company_id)


def _qbxml_raise(world: ExportWorld) -> None:
    harness = world.harness

    # Only the 13.0 and 16.0 schemas are at hand (see test_export.py): 8.0 requests are checked
    # against 13.0, whose elements are a superset for these requests.
    def validate_8(xml: str) -> bool:
        return harness.validator(xml.replace('<?qbxml version="8.0"?>', '<?qbxml version="13.0"?>'))

    world.qb = harness.quickbooks(world.qb.company, versions=("8.0",))
    world.qb.request_validator = validate_8


def _qbxml_fix(world: ExportWorld) -> None:
    world.qb = world.harness.quickbooks(world.qb.company)


def _stale_raise(world: ExportWorld) -> None:
    world.harness.clock.advance(minutes=3 * 60 + 1)  # the schedule is every 60 minutes


def _stale_fix(world: ExportWorld) -> None:
    """The fix is a working Web Connector: the sync below is it."""


Step = Callable[[ExportWorld], None]
CASES: list[tuple[str, dict[str, str], Step, Step, bool]] = [
    # code, import options, raise, fix, whether raising needs a sync
    ("week_start", {}, _week_start_raise, _week_start_fix, True),
    ("class_tracking", {"classes": "show"}, _classes_raise, _classes_fix, True),
    ("no_hourly_item", {}, _hourly_raise, _hourly_fix, False),
    ("no_time_data", {}, _time_data_raise, _time_data_fix, True),
    ("unlinked_time", {}, _unlinked_raise, _unlinked_fix, False),
    ("company_file_changed", {}, _file_raise, _file_fix, True),
    ("edition_changed", {}, _edition_raise, _edition_fix, True),
    ("qbxml_too_old", {}, _qbxml_raise, _qbxml_fix, True),
    ("no_recent_sync", {}, _stale_raise, _stale_fix, False),
]


@pytest.mark.parametrize(
    ("code", "options", "raise_it", "fix", "needs_sync"), CASES, ids=[c[0] for c in CASES]
)
def test_check_is_raised_then_cleared_by_the_fix_and_a_sync(
    harness, code: str, options: dict[str, str], raise_it: Step, fix: Step, needs_sync: bool
) -> None:
    """The synced sample company is healthy; the cause raises exactly its check (with the fix
    and where to make it); after the fix and a sync the company is healthy again."""
    world = build_world(harness, **options)
    token = admin.create_api_token(harness.store, harness.clock, world.company_id).token
    assert _health(world, token) == {
        "company_id": world.company_id,
        "ok": True,
        "summary": "OK",
        "checked_at": harness.clock.now().isoformat(),
        "checks": [],
    }
    raise_it(world)
    if needs_sync:
        harness.clock.advance(minutes=61)
        world.sync()
    found = _health(world, token)
    assert [c["code"] for c in found["checks"]] == [code], found
    [check] = found["checks"]
    assert found["ok"] is False and found["summary"] == "1 problem"
    assert check["where"] in ("QuickBooks", "here") and check["fix"] and check["found"]

    fix(world)
    harness.clock.advance(minutes=61)
    transcript = world.sync()
    assert transcript.outcome in ("finished", "no_work"), transcript.last_error
    assert _codes(world, token) == set(), _health(world, token)
