"""Import options, each on and off, and the first sync's delete confirmation."""

from __future__ import annotations

from datetime import date

import pytest

from tests.e2e.conftest import expected


def _requests(transcript) -> str:
    return "".join(str(c.answer) for c in transcript.calls if c.operation == "sendRequestXML")


@pytest.mark.parametrize(
    ("option", "value", "rq", "kind"),
    [
        ("classes", "show", "ClassQueryRq", "qb_class"),
        ("classes", "off", "ClassQueryRq", "qb_class"),
        ("service_items", "require", "ItemServiceQueryRq", "service_item"),
        ("service_items", "off", "ItemServiceQueryRq", "service_item"),
        ("import_customers_jobs", "yes", "CustomerQueryRq", "customer"),
        ("import_customers_jobs", "no", "CustomerQueryRq", "customer"),
    ],
)
def test_list_options_decide_what_is_imported(harness, option, value, rq, kind) -> None:
    """A list is asked for and stored exactly when its option is on."""
    created = harness.add_company(**{option: value})
    qb = harness.quickbooks()
    transcript = harness.sync(created, qb)
    assert transcript.outcome == "finished"
    on = value not in ("off", "no")
    assert (rq in _requests(transcript)) is on
    got = harness.snapshot(created.company.id)[kind]
    assert got == (expected(qb.company, (kind,))[kind] if on else set())


@pytest.mark.parametrize("value", ["yes", "no"])
def test_vendors_as_team_members(harness, value: str) -> None:
    """Vendors become team members (role vendor) only with the option on."""
    created = harness.add_company(import_vendors=value)
    qb = harness.quickbooks()
    transcript = harness.sync(created, qb)
    vendors = {v.list_id for v in qb.company.records("Vendor")}
    rows = harness.rows(created.company.id, "team_member", "qb_role = 'vendor'")
    assert {r["qb_list_id"] for r in rows} == (vendors if value == "yes" else set())
    assert ("VendorQueryRq" in _requests(transcript)) is (value == "yes")
    if value == "yes":
        assert f"{len(vendors)} vendors" in transcript.summary


@pytest.mark.parametrize("value", ["yes", "no"])
def test_assign_customers_to_all(harness, value: str) -> None:
    """Imported customers/jobs are assigned to all team members only with the option on."""
    created = harness.add_company(assign_customers_to_all=value)
    harness.sync(created, harness.quickbooks())
    flags = {bool(r["assigned_to_all"]) for r in harness.rows(created.company.id, "customer")}
    assert flags == {value == "yes"}


@pytest.mark.parametrize("value", ["yes", "no"])
def test_archive_existing_users(harness, value: str) -> None:
    """Local team members QuickBooks does not know are archived by the first sync if chosen;
    a local member matching an employee by name and email is linked, never duplicated."""
    created = harness.add_company(archive_existing_users=value)
    qb = harness.quickbooks()
    employee = next(e for e in qb.company.records("Employee") if e.email and e.is_active)
    cid, now = created.company.id, harness.clock.now()
    match = harness.store.add_local_team_member(
        cid,
        first_name=employee.first_name.upper(),
        last_name=employee.last_name,
        email=employee.email,
        now=now,
    )
    stranger = harness.store.add_local_team_member(
        cid, first_name="Local", last_name="Only", email="local@example.com", now=now
    )
    assert harness.sync(created, qb).outcome == "finished"
    members = {r["id"]: r for r in harness.rows(cid, "team_member")}
    assert members[match]["qb_list_id"] == employee.list_id and not members[match]["archived"]
    assert len(members) == len(list(qb.company.records("Employee"))) + 1
    assert bool(members[stranger]["archived"]) is (value == "yes")


def test_first_sync_waits_for_the_delete_confirmation(harness) -> None:
    """With local customers QuickBooks does not know, the first sync asks for the typed
    confirmation; once given, unknown ones are deleted and ones with time archived."""
    created = harness.add_company()
    cid, now = created.company.id, harness.clock.now()
    idle = harness.store.add_local_customer(cid, name="Old local customer", now=now)
    busy = harness.store.add_local_customer(cid, name="Local project with time", now=now)
    member = harness.store.add_local_team_member(
        cid, first_name="A", last_name="B", email=None, now=now
    )
    harness.store.add_time_entry(
        cid,
        team_member_id=member,
        work_date=date(2026, 11, 2),
        duration_seconds=3600,
        customer_id=busy,
        now=now,
    )
    qb = harness.quickbooks()
    waiting = harness.sync(created, qb)
    assert waiting.message_sets == 0 and waiting.outcome != "finished"
    assert f"qbtime company confirm-first-sync {cid} --type delete" in waiting.last_error
    assert "2 local customers/projects" in waiting.last_error
    assert {r["id"] for r in harness.rows(cid, "customer")} == {idle, busy}
    company = harness.store.get_company(cid)
    assert company.first_sync_at is None and company.last_error == waiting.last_error

    harness.store.update_company(cid, delete_confirmed_at=harness.clock.now())
    harness.clock.advance(minutes=1)
    done = harness.sync(created, qb)
    assert done.outcome == "finished"
    rows = {r["id"]: r for r in harness.rows(cid, "customer")}
    assert idle not in rows and rows[busy]["archived"]
    assert len(rows) == len(list(qb.company.records("Customer"))) + 1


def test_no_confirmation_needed_without_local_customers(harness) -> None:
    """A company with no local customers syncs at once (nothing would be removed)."""
    created = harness.add_company()
    assert harness.sync(created, harness.quickbooks()).outcome == "finished"


def test_canadian_company_is_never_asked_for_payroll_wage_items(harness) -> None:
    """Outside the US, payroll wage items are skipped (a notice, not an error), then unplanned."""
    created = harness.add_company()
    qb = harness.quickbooks(country="CA")
    first = harness.sync(created, qb)
    assert first.outcome == "finished" and first.summary.endswith("no errors")
    assert "PayrollItemWageQueryRq" not in _requests(first)
    notices = harness.rows(created.company.id, "sync_error")
    assert [n["request_type"] for n in notices] == ["payroll_items"]
    assert harness.store.get_company(created.company.id).qb_country == "CA"
    harness.clock.advance(minutes=61)
    second = harness.sync(created, qb)
    assert second.outcome == "finished"
    assert len(harness.rows(created.company.id, "sync_error")) == 1


def test_a_list_switched_on_later_arrives_in_full(harness) -> None:
    """Turning on vendors after the first sync imports every vendor at the next sync."""
    from mappings import ImportOptions, change_options, options_to_dict

    created = harness.add_company()
    qb = harness.quickbooks()
    assert harness.sync(created, qb).outcome == "finished"
    options = change_options(ImportOptions(), {"import_vendors": "yes"}, first_sync_done=True)
    harness.store.update_company(created.company.id, import_options=options_to_dict(options))
    harness.clock.advance(minutes=61)
    later = harness.sync(created, qb)
    vendor_rq = next(r for r in _requests(later).split("<?xml")[1:] if "VendorQueryRq" in r)
    assert "<FromModifiedDate>" not in vendor_rq
    rows = harness.rows(created.company.id, "team_member", "qb_role = 'vendor'")
    assert {r["qb_list_id"] for r in rows} == {v.list_id for v in qb.company.records("Vendor")}
