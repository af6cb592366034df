"""Several companies and several Web Connectors: isolation, busy, file binding, big lists."""

from __future__ import annotations

import threading

import pytest

from qbwc_server import admin
from qbwc_server.simulate import Fault, generate_company, load_sample_company
from tests.e2e.conftest import expected


@pytest.mark.parametrize(
    "database_url", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_two_companies_sync_at_once_without_touching_each_other(any_harness) -> None:
    """Two companies syncing in parallel threads each get exactly their own company file."""
    harness = any_harness
    a, b = harness.add_company("Evergreen"), harness.add_company("Birchwood")
    qb_a = harness.quickbooks()
    other = generate_company(
        customers=60, jobs_per_customer=2, employees=8, clock=harness.clock, seed=7
    )
    qb_b = harness.quickbooks(other)
    results: dict[str, object] = {}

    def run(name, created, qb) -> None:
        results[name] = harness.connector(created, qb).run()

    threads = [
        threading.Thread(target=run, args=("a", a, qb_a)),
        threading.Thread(target=run, args=("b", b, qb_b)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert results["a"].outcome == results["b"].outcome == "finished"
    for created, qb in ((a, qb_a), (b, qb_b)):
        snap = harness.snapshot(created.company.id)
        assert snap["customer"] == expected(qb.company, ("customer",))["customer"]
        employees = {e.list_id for e in qb.company.records("Employee")}
        assert {r[0] for r in snap["team_member"]} == employees


def test_second_web_connector_of_the_same_company_is_busy(harness) -> None:
    """While one session is live, another Web Connector of the company is told busy."""
    created = harness.add_company()
    qb = harness.quickbooks()
    first = harness.connector(created, qb, faults=[Fault(kind="drop_before_processing", at=2)])
    assert first.run().outcome != "finished"
    second = harness.sync(created, harness.quickbooks())
    assert second.auth_status == "busy" and second.operations[-1] == "closeConnection"


def test_another_path_is_refused_by_the_web_connector_with_our_guidance(harness) -> None:
    """authenticate names the bound file; QBWC cannot open it while another file is open, and
    the recorded error names the bound file and the unbind command; unbinding lets it sync."""
    created = harness.add_company()
    qb = harness.quickbooks()
    assert harness.sync(created, qb).outcome == "finished"
    harness.clock.advance(minutes=61)
    other_file = load_sample_company(clock=harness.clock)
    other_file.path = r"C:\Users\Public\Documents\Other Company.QBW"
    other = harness.quickbooks(other_file)
    refused = harness.sync(created, other)
    assert refused.auth_status == qb.company.path and "connectionError" in refused.operations
    assert qb.company.path in refused.last_error
    assert f"qbtime company unbind {created.company.id}" in refused.last_error
    harness.store.update_company(created.company.id, bound_company_file=None, bound_file_stamp=None)
    harness.clock.advance(minutes=1)
    assert harness.sync(created, other).outcome == "finished"
    assert harness.store.get_company(created.company.id).bound_company_file == other_file.path


def test_another_companys_file_at_the_bound_path_is_refused(harness) -> None:
    """A file stamped by another company's .qwc at the bound path is refused by the server,
    naming the path and that company, before anything is imported."""
    a, b = harness.add_company("Evergreen"), harness.add_company("Birchwood")
    file_b = generate_company(customers=5, jobs_per_customer=1, employees=2, clock=harness.clock)
    file_a = load_sample_company(clock=harness.clock)
    file_b.path = file_a.path  # the accountant's one working path for every client
    qb_a, qb_b = harness.quickbooks(file_a), harness.quickbooks(file_b)
    assert harness.sync(a, qb_a).outcome == "finished"
    assert harness.sync(b, qb_b).outcome == "finished"
    before = harness.snapshot(a.company.id)
    harness.clock.advance(minutes=61)
    refused = harness.sync(a, qb_b)  # A's update while B's file sits at the path
    assert refused.outcome != "finished" and refused.message_sets == 0
    assert file_a.path in refused.last_error and "'Birchwood'" in refused.last_error
    assert harness.snapshot(a.company.id) == before
    assert harness.store.get_company(a.company.id).last_error == refused.last_error


def test_five_thousand_customers_are_paged_by_iterators(harness) -> None:
    """A big company arrives in MaxReturned pages with truthful, monotonic percentages."""
    company = generate_company(
        customers=5000, jobs_per_customer=0, employees=5, clock=harness.clock
    )
    created = harness.add_company()
    qb = harness.quickbooks(company)
    transcript = harness.sync(created, qb)
    assert transcript.outcome == "finished", transcript.last_error
    pages = [
        c
        for c in transcript.calls
        if c.operation == "sendRequestXML" and "CustomerQueryRq" in str(c.answer)
    ]
    assert len(pages) == 10 and all(
        "<MaxReturned>500</MaxReturned>" in str(p.answer) for p in pages
    )
    pct = list(transcript.percentages)
    assert pct == sorted(pct) and pct[-1] == 100 and pct.count(100) == 1
    assert len(set(pct)) >= 8  # the customer pages move the bar, not only whole lists
    snap = harness.snapshot(created.company.id)
    assert snap["customer"] == expected(company, ("customer",))["customer"]
    assert len(snap["customer"]) == 5000


def test_unknown_password_changes_nothing(harness) -> None:
    """A wrong password is nvu and opens no session."""
    created = harness.add_company()
    transcript = harness.sync(created, harness.quickbooks(), password="wrong-password")
    assert transcript.auth_status == "nvu"
    assert harness.store.list_sessions(created.company.id) == []
    assert isinstance(created, admin.NewCompany)
