"""Issue #9: no lost edits during long imports, no company stuck on one bad record or a missing
answer. Each test drives the real server over HTTP with the simulator and names its point."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest

from qbwc_server.simulate import FakeQuickBooks, generate_company
from tests.e2e.conftest import expected_default, live_only


def _first_sync(harness, qb=None, **options):
    created = harness.add_company(**options)
    qb = qb or harness.quickbooks()
    transcript = harness.sync(created, qb)
    assert transcript.outcome == "finished", transcript.last_error
    return created, qb


def _errors(harness, company_id: int, code: str | None = None) -> list[dict]:
    rows = harness.rows(company_id, "sync_error")
    return [r for r in rows if code is None or r["status_code"] == code]


def _customer(company, **where):
    return next(
        c
        for c in company.records("Customer")
        if c.is_active and all(getattr(c, k) == v for k, v in where.items())
    )


# ---------------------------------------------------------------------------- point 1
@pytest.mark.timeout(1500)
def test_point1_edits_and_additions_during_a_long_first_sync_are_not_lost(
    harness_for, sqlite_url
) -> None:
    """The first sync of a 20k-customer company, with edits to records on pages already fetched
    and on pages still to come and additions during the iteration, loses none of them."""
    harness = harness_for(sqlite_url, max_returned=1000)  # 20 pages
    company = generate_company(
        customers=20_000, jobs_per_customer=0, employees=5, clock=harness.clock
    )
    ordered = sorted(company.records("Customer"), key=lambda r: company.display_name(r).casefold())
    early, late = ordered[10], ordered[-10]  # on the first page, and on the last
    done: set[str] = set()

    def during(qb: FakeQuickBooks, n: int) -> None:
        pages = qb.request_counts["CustomerQueryRq"]
        if pages == 1 and "early" not in done:  # page 1 fetched: change it, add records
            done.add("early")
            harness.clock.advance(minutes=1)
            qb.company.modify(early.list_id, email="changed-after-its-page@example.com")
            qb.company.add_customer("AAA Added During Import")
            qb.company.add_customer("zzz Added During Import")
        if pages == 10 and "late" not in done:  # more than 5 minutes later, a later page
            done.add("late")
            harness.clock.advance(minutes=10)
            qb.company.modify(late.list_id, email="changed-before-its-page@example.com")

    qb = harness.quickbooks(company, before_process=during)
    created = harness.add_company()
    first = harness.sync(created, qb)
    assert first.outcome == "finished", first.last_error
    assert done == {"early", "late"}
    harness.clock.advance(minutes=61)
    second = harness.sync(created, qb)
    assert second.outcome == "finished", second.last_error
    assert harness.snapshot(created.company.id) == expected_default(qb.company)
    rows = harness.rows(created.company.id, "customer", f"qb_list_id = '{early.list_id}'")
    assert rows[0]["email"] == "changed-after-its-page@example.com"


def test_point1_watermark_stays_below_the_lists_start(harness) -> None:
    """A list's watermark never passes QuickBooks' clock when its first request ran."""
    created, qb = _first_sync(harness)
    marks = harness.store.get_watermarks(created.company.id)
    items = harness.rows(created.company.id, "work_item")
    for item in items:
        spec = item["spec"] if isinstance(item["spec"], dict) else json.loads(item["spec"])
        started = spec.get("started_at")
        if item["kind"] in marks and started:
            local = qb.company.to_local_naive(
                __import__("datetime").datetime.fromisoformat(started)
            ).isoformat(timespec="seconds")
            assert marks[item["kind"]] <= local


# ---------------------------------------------------------------------------- point 2
def test_point2_future_dated_record_does_not_move_the_watermark(any_harness) -> None:
    """A record dated two years ahead is imported and reported once, and later edits and
    deletions are still found (on SQLite and PostgreSQL)."""
    harness = any_harness
    qb = harness.quickbooks()
    company = qb.company
    future = _customer(company, sublevel=0)
    company.set_time_modified(future.list_id, harness.clock.now() + timedelta(days=730))
    created, _ = _first_sync(harness, qb)
    assert len(_errors(harness, created.company.id, "future")) == 1
    for mark in harness.store.get_watermarks(created.company.id).values():
        assert mark < (harness.clock.now() + timedelta(days=1)).isoformat()
    harness.clock.advance(minutes=61)
    other = next(c for c in company.records("Customer") if c.list_id != future.list_id)
    company.modify(other.list_id, email="edited-later@example.com")
    from tests.e2e.test_incremental import _unused

    gone = _unused(qb, "ItemService")
    second = harness.sync(created, qb)
    assert second.outcome == "finished", second.last_error
    snap = harness.snapshot(created.company.id)
    assert live_only(snap) == expected_default(company)
    assert {r[0] for r in snap["service_item"] if r[4]} == {gone.list_id}
    assert len(_errors(harness, created.company.id, "future")) == 1  # reported once


# ---------------------------------------------------------------------------- point 3
LONG_EMAIL = ("a" * 40 + "\U0001f600@example.com, ") * 18  # several addresses, non-BMP


def test_point3_long_values_and_odd_characters_are_stored_or_isolated(any_harness) -> None:
    """Text at QuickBooks' maximum (1023-character emails with non-BMP characters), beyond it,
    an unknown JobStatus, a control character and a record the store cannot take: every other
    record imports, the bad one is a sync error with its ListID, and it is asked for again."""
    harness = any_harness
    qb = harness.quickbooks()
    company = qb.company
    at_max = _customer(company, sublevel=0)
    company.modify(at_max.list_id, email=LONG_EMAIL[:1023])
    beyond = next(c for c in company.records("Customer") if c.list_id != at_max.list_id)
    company.modify(beyond.list_id, email="b" * 1500)
    odd = _customer(company, sublevel=1)
    refused = next(
        c
        for c in company.records("Customer")
        if c.list_id not in (at_max.list_id, beyond.list_id, odd.list_id) and c.sublevel == 0
    )
    fix = {"on": True}

    def mangle(answer: str) -> str:
        if not fix["on"]:
            return answer
        # QuickBooks data with a control character, written as a character reference (which
        # the SOAP envelope carries as &amp;#11;); the raw form is test_point3_raw_control_...
        answer = answer.replace(f"<Name>{odd.name}</Name>", f"<Name>{odd.name}&#11;</Name>")
        answer = re.sub(
            r"<JobStatus>\w+</JobStatus>", "<JobStatus>OnHold</JobStatus>", answer, count=1
        )
        return answer.replace(f"<Name>{refused.name}</Name>", f"<Name>{'N' * 250}</Name>")

    qb.answer_filter = mangle
    created = harness.add_company()
    first = harness.sync(created, qb)
    assert first.outcome == "finished", first.last_error
    cid = created.company.id
    rows = {r["qb_list_id"]: r for r in harness.rows(cid, "customer")}
    assert rows[at_max.list_id]["email"] == LONG_EMAIL[:1023]
    assert rows[beyond.list_id]["email"] == "b" * 1023
    assert rows[odd.list_id]["name"] == odd.name
    assert "OnHold" in {r["job_status"] for r in rows.values()}
    assert refused.list_id not in rows
    too_long = _errors(harness, cid, "too_long")
    assert [e["record_ref"] for e in too_long] == [refused.list_id] and too_long[0]["fix"]
    assert {"cut", "value", "chars"} <= {e["status_code"] for e in _errors(harness, cid)}
    want = expected_default(company)
    want["customer"] = {r for r in want["customer"] if r[0] != refused.list_id}
    assert harness.snapshot(cid) == want
    # The refused record held the watermark: once QuickBooks' data is fine, it arrives.
    fix["on"] = False
    harness.clock.advance(minutes=61)
    second = harness.sync(created, qb)
    assert second.outcome == "finished"
    assert harness.snapshot(cid) == expected_default(company)


def test_point3_raw_control_character_in_a_response_does_not_break_the_envelope(harness) -> None:
    """A raw U+000C in QuickBooks' answer (as the Web Connector forwards it) still imports."""
    qb = harness.quickbooks()
    odd = _customer(qb.company, sublevel=0)
    qb.answer_filter = lambda a: a.replace(
        f"<Name>{odd.name}</Name>", f"<Name>{odd.name}\x0c</Name>"
    )
    created = harness.add_company()
    transcript = harness.sync(created, qb)
    assert transcript.outcome == "finished"
    assert harness.snapshot(created.company.id) == expected_default(qb.company)


# ---------------------------------------------------------------------------- point 4
@pytest.mark.parametrize(
    "hcp",
    [
        "",
        '<QBXML><QBXMLMsgsRs><CompanyQueryRs requestID="1" statusCode="3000" '
        'statusSeverity="Error" statusMessage="failed"/></QBXMLMsgsRs></QBXML>',
        "this is not qbXML",
    ],
    ids=["empty", "company-query-failed", "not-qbxml"],
)
def test_point4_missing_hcp_answer_does_not_lock_out_a_bound_company(harness, hcp: str) -> None:
    """With no readable FileID stamp a bound company syncs on its path check, and a later
    session with the stamp still finds it."""
    created, qb = _first_sync(harness)
    assert harness.store.get_company(created.company.id).bound_file_stamp
    harness.clock.advance(minutes=61)
    real = qb.hcp_response
    qb.hcp_response = lambda owner_id=None: hcp  # type: ignore[method-assign]
    transcript = harness.sync(created, qb)
    assert transcript.outcome == "finished", transcript.last_error
    qb.hcp_response = real  # type: ignore[method-assign]
    harness.clock.advance(minutes=61)
    assert harness.sync(created, qb).outcome == "finished"


# ---------------------------------------------------------------------------- point 5
def _status(answer: str, rs: str, code: int, message: str) -> str:
    return re.sub(
        rf"<{rs} requestID=\"([^\"]+)\".*?(</{rs}>|/>)",
        lambda m: (
            f'<{rs} requestID="{m[1]}" statusCode="{code}" statusSeverity="Error" '
            f'statusMessage="{message}"/>'
        ),
        answer,
        flags=re.S,
    )


def test_point5_personal_data_refusal_is_an_error_asked_again(harness) -> None:
    """3261 on PayrollItemWageQuery: the first sync completes with one error, payroll items
    are not disabled, and the next session asks for them again."""
    qb = harness.quickbooks()
    qb.answer_filter = lambda a: _status(
        a, "PayrollItemWageQueryRs", 3261, "No permission for personal data"
    )
    created = harness.add_company()
    first = harness.sync(created, qb)
    assert first.outcome == "finished" and first.summary.endswith("1 error")
    company = harness.store.get_company(created.company.id)
    assert company.disabled_requests == () and company.first_sync_at is not None
    qb.answer_filter = None
    harness.clock.advance(minutes=61)
    second = harness.sync(created, qb)
    assert second.summary.startswith("Synced") and "payroll item" in second.summary


def test_point5_not_in_edition_is_rechecked_when_the_product_changes(harness) -> None:
    """1030 disables payroll items; the same product does not ask again within a day, another
    product does, and the request is enabled again when it answers."""
    qb = harness.quickbooks()
    qb.answer_filter = lambda a: _status(a, "PayrollItemWageQueryRs", 1030, "not supported")
    created = harness.add_company()
    assert harness.sync(created, qb).summary.endswith("no errors")
    cid = created.company.id
    assert harness.store.get_company(cid).disabled_requests == ("payroll_items",)
    qb.answer_filter = None
    harness.clock.advance(minutes=61)
    harness.sync(created, qb)
    assert qb.request_counts["PayrollItemWageQueryRq"] == 1  # not asked again
    import dataclasses

    qb.host = dataclasses.replace(qb.host, product_name="QuickBooks Enterprise Solutions 24.0")
    harness.clock.advance(minutes=61)
    third = harness.sync(created, qb)
    assert qb.request_counts["PayrollItemWageQueryRq"] == 2
    assert harness.store.get_company(cid).disabled_requests == ()
    assert "payroll item" in third.summary


def test_point5_disabled_requests_are_rechecked_daily(harness) -> None:
    """A disabled request is asked again once a day even when nothing changed."""
    qb = harness.quickbooks()
    qb.answer_filter = lambda a: _status(a, "PayrollItemWageQueryRs", 3250, "not enabled")
    created = harness.add_company()
    harness.sync(created, qb)
    harness.clock.advance(hours=25)
    harness.sync(created, qb)
    assert qb.request_counts["PayrollItemWageQueryRq"] == 2


# ---------------------------------------------------------------------------- point 7
def test_point7_refused_session_changes_nothing_on_the_company(harness) -> None:
    """A session refused for another company file leaves country, product and name alone."""
    created, qb = _first_sync(harness)
    before = harness.store.get_company(created.company.id)
    other_file = generate_company(customers=3, clock=harness.clock)
    other_file.path = r"C:\Users\Public\Documents\Intuit\QuickBooks\Company Files\other.qbw"
    other_file.name = "Another Company Ltd"
    other = harness.quickbooks(other_file, country="CA", product="QuickBooks Pro 2023 Canada")
    harness.clock.advance(minutes=61)
    transcript = harness.sync(created, other)
    assert transcript.outcome != "finished"
    after = harness.store.get_company(created.company.id)
    assert (after.qb_country, after.qb_product, after.qb_company_name, after.qbxml_version) == (
        before.qb_country,
        before.qb_product,
        before.qb_company_name,
        before.qbxml_version,
    )


# ---------------------------------------------------------------------------- point 8
def test_point8_records_of_another_type_are_not_imported(harness) -> None:
    """A CustomerRet inside the payroll item answer is not imported; a sync error names the
    request."""
    qb = harness.quickbooks()
    stray = (
        "<CustomerRet><ListID>DEADBEEF-1</ListID><TimeCreated>2026-01-01T00:00:00-05:00"
        "</TimeCreated><TimeModified>2026-01-01T00:00:00-05:00</TimeModified><EditSequence>1"
        "</EditSequence><Name>Stray Customer</Name><FullName>Stray Customer</FullName>"
        "<IsActive>true</IsActive><Sublevel>0</Sublevel></CustomerRet>"
    )
    qb.answer_filter = lambda a: re.sub(
        r"(<PayrollItemWageQueryRs[^>]*>)", lambda m: m[1] + stray, a, count=1
    )
    created = harness.add_company()
    transcript = harness.sync(created, qb)
    assert transcript.outcome == "finished"
    cid = created.company.id
    assert harness.rows(cid, "customer", "qb_list_id = 'DEADBEEF-1'") == []
    wrong = _errors(harness, cid, "wrong_type")
    assert len(wrong) == 1 and "payroll items" in wrong[0]["message"]
    assert "1 Customer" in wrong[0]["message"]


def test_point8_answer_broken_mid_way_fails_only_its_list(harness) -> None:
    """An answer cut off mid-way keeps what was read, fails its own list with a sentence that
    names it, and the session goes on instead of answering -1."""
    qb = harness.quickbooks()
    cut = {"done": False}

    def break_customers(answer: str) -> str:
        if "CustomerQueryRs" in answer and not cut["done"]:
            cut["done"] = True
            return answer[: len(answer) // 2]
        return answer

    qb.answer_filter = break_customers
    created = harness.add_company()
    transcript = harness.sync(created, qb)
    assert min(transcript.percentages) >= 0 and transcript.outcome == "finished"
    cid = created.company.id
    session = harness.rows(cid, "sync_session")[-1]
    assert "customers" in session["last_error"]
    assert 0 < len(harness.rows(cid, "customer")) < len(list(qb.company.records("Customer")))
    harness.clock.advance(minutes=61)
    assert harness.sync(created, qb).outcome == "finished"
    assert harness.snapshot(cid) == expected_default(qb.company)


# ---------------------------------------------------------------------------- point 9
def test_point9_resync_reimports_a_list_in_full(harness) -> None:
    """After `qbtime company resync ID --list customers` the next session asks for every
    customer again (no FromModifiedDate), so a change an old watermark hid arrives."""
    from qbwc_server import cli_sync

    created, qb = _first_sync(harness)
    company = qb.company
    hidden = _customer(company, sublevel=0)
    company.modify(hidden.list_id, email="hidden-by-a-bad-watermark@example.com")
    company.set_time_modified(hidden.list_id, harness.clock.now() - timedelta(days=30))
    harness.clock.advance(minutes=61)
    harness.sync(created, qb)
    assert harness.snapshot(created.company.id) != expected_default(company)
    cli_sync.resync(harness.store, harness.clock, created.company.id, "customers")
    harness.clock.advance(minutes=1)
    transcript = harness.sync(created, qb)
    customer_rq = next(
        str(c.answer)
        for c in transcript.calls
        if c.operation == "sendRequestXML" and "CustomerQueryRq" in str(c.answer)
    )
    assert "<FromModifiedDate>" not in customer_rq
    assert harness.snapshot(created.company.id) == expected_default(company)


# ---------------------------------------------------------------------------- point 10
def test_point10_time_modified_without_offset_is_company_local_time(harness) -> None:
    """TimeModified values without a UTC offset are stored as the company's local time."""
    qb = harness.quickbooks()
    created, _ = _first_sync(harness, qb)
    harness.clock.advance(minutes=61)
    target = _customer(qb.company, sublevel=0)
    changed = qb.company.modify(target.list_id, email="naive@example.com")
    qb.answer_filter = lambda a: re.sub(
        r"(<TimeModified>[0-9T:-]{19})[+-]\d\d:\d\d(</TimeModified>)", r"\1\2", a
    )
    transcript = harness.sync(created, qb)
    assert transcript.outcome == "finished", transcript.last_error
    row = harness.rows(created.company.id, "customer", f"qb_list_id = '{target.list_id}'")[0]
    stored = row["qb_time_modified"]
    if isinstance(stored, str):
        stored = datetime.fromisoformat(stored)
    if stored.tzinfo is None:
        stored = stored.replace(tzinfo=UTC)
    assert stored == changed.time_modified
    assert row["email"] == "naive@example.com"


# ---------------------------------------------------------------------------- point 11
def test_point11_renamed_parent_reaches_jobs_quickbooks_did_not_send(any_harness) -> None:
    """A customer renamed in QuickBooks renames its jobs and sub-jobs in the store even when
    QuickBooks does not send them again."""
    harness = any_harness
    created, qb = _first_sync(harness)
    company = qb.company
    parent = next(
        c
        for c in company.records("Customer")
        if c.sublevel == 0 and any(company.children(j.list_id) for j in company.children(c.list_id))
    )
    harness.clock.advance(minutes=61)
    before = {r.list_id: r.time_modified for r in company.records("Customer")}
    company.modify(parent.list_id, name="Renamed Parent LLC")
    for record in list(company.records("Customer")):  # real QuickBooks may leave them alone
        if record.list_id != parent.list_id and record.time_modified != before[record.list_id]:
            company.set_time_modified(record.list_id, before[record.list_id])
    transcript = harness.sync(created, qb)
    assert transcript.outcome == "finished"
    names = {
        r["qb_list_id"]: (r["full_name"], r["sublevel"])
        for r in harness.rows(created.company.id, "customer")
    }
    for record in company.records("Customer"):
        assert names[record.list_id] == (record.full_name, record.sublevel)
    assert any(n.startswith("Renamed Parent LLC:") and lvl == 2 for n, lvl in names.values())


# ---------------------------------------------------------------------------- point 12
def test_point12_records_gone_without_a_deletion_are_archived_by_the_sweep(any_harness) -> None:
    """A record QuickBooks no longer has, and whose deletion is not in ListDeleted, is archived
    by the ID sweep after sweep_days; the sweep asks for ListIDs only."""
    harness = any_harness
    created, qb = _first_sync(harness)
    from tests.e2e.test_incremental import _unused

    gone = _unused(qb, "Customer")
    qb.company.deleted.clear()  # the deletion history was purged (or it was a merge)
    harness.clock.advance(minutes=61)
    harness.sync(created, qb)
    row = harness.rows(created.company.id, "customer", f"qb_list_id = '{gone.list_id}'")[0]
    assert not row["deleted_in_qb"]
    harness.clock.advance(days=7)
    transcript = harness.sync(created, qb)
    assert transcript.outcome == "finished", transcript.last_error
    sweeps = [
        str(c.answer)
        for c in transcript.calls
        if c.operation == "sendRequestXML" and "<IncludeRetElement>ListID" in str(c.answer)
    ]
    assert any("CustomerQueryRq" in s for s in sweeps)
    snap = harness.snapshot(created.company.id)
    assert {r[0] for r in snap["customer"] if r[4]} == {gone.list_id}
    assert live_only(snap) == expected_default(qb.company)
    assert "1 deletion" in transcript.summary
