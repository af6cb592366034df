"""Failures between the Web Connector, QuickBooks and the server: hresults, dropped
connections at every step, retransmits, stalls, expired iterators. Nothing is lost or doubled."""

from __future__ import annotations

import pytest

from qbwc_server.simulate import FakeQuickBooks, Fault
from tests.e2e.conftest import expected, expected_default


def test_hresult_mid_session_fails_one_item_and_continues(harness) -> None:
    """An hresult fails the request it answers, is stored with its fix, and the rest imports."""
    created = harness.add_company()
    qb = harness.quickbooks()
    transcript = harness.sync(
        created, qb, faults=[Fault(kind="hresult", at=3, hresult="0x80040402")]
    )
    assert transcript.outcome == "finished"
    pct = list(transcript.percentages)
    assert pct == sorted(pct) and pct[-1] == 100
    assert transcript.summary.endswith("; 1 error")
    errors = harness.rows(created.company.id, "sync_error")
    assert [(e["status_code"], e["request_type"]) for e in errors] == [("0x80040402", "employees")]
    assert errors[0]["fix"]
    snap = harness.snapshot(created.company.id)
    assert (
        snap["team_member"] == set()
        and snap["customer"] == expected_default(qb.company)["customer"]
    )
    company = harness.store.get_company(created.company.id)
    assert company.first_sync_at is None and "1 error" in (company.last_error or "")


def test_three_hresults_in_a_row_stop_the_session(harness) -> None:
    """Three hresults in a row end the update with a negative percentage and a sentence."""
    created = harness.add_company()
    qb = harness.quickbooks()
    faults = [Fault(kind="hresult", at=n, hresult="0x80040408") for n in (1, 2, 3)]
    transcript = harness.sync(created, qb, faults=faults)
    assert transcript.percentages[-1] < 0 and transcript.outcome == "stopped"
    assert "three requests in a row" in transcript.last_error
    harness.clock.advance(minutes=1)
    again = harness.sync(created, qb)
    assert again.outcome == "finished" and harness.snapshot(created.company.id) == expected_default(
        qb.company
    )


def test_point5_hresult_on_an_optional_request_is_asked_again(harness) -> None:
    """A parse error (hresult) on PayrollItemWageQuery is an error, never a disable: the next
    session asks for payroll items again."""
    created = harness.add_company()
    qb = harness.quickbooks()
    transcript = harness.sync(
        created, qb, faults=[Fault(kind="hresult", at=1, hresult="0x80040400")]
    )
    assert transcript.summary.endswith("1 error")
    assert harness.store.get_company(created.company.id).disabled_requests == ()
    harness.clock.advance(minutes=61)
    again = harness.sync(created, qb)
    assert any("PayrollItemWageQueryRq" in str(c.answer) for c in again.calls)


MESSAGE_SETS = 5  # payroll items, service items, employees, customers, deletions


@pytest.mark.parametrize("kind", ["drop_before_processing", "drop_after_commit"])
@pytest.mark.parametrize("at", range(1, MESSAGE_SETS + 1))
def test_session_killed_at_every_step_is_resumed(harness, kind: str, at: int) -> None:
    """A connection dropped at any step: the next session finishes, nothing lost or doubled."""
    created = harness.add_company()
    qb = harness.quickbooks()
    broken = harness.sync(created, qb, faults=[Fault(kind=kind, at=at)])
    assert broken.outcome != "finished"
    # The abandoned session holds the company until its ticket expires (busy meanwhile).
    assert harness.sync(created, qb).auth_status == "busy"
    harness.clock.advance(minutes=31)
    resumed = harness.sync(created, qb)
    assert resumed.outcome == "finished", resumed.last_error
    assert harness.snapshot(created.company.id) == expected_default(qb.company)
    rows = harness.rows(created.company.id, "customer")
    assert (
        len(rows)
        == len({r["qb_list_id"] for r in rows})
        == len(list(qb.company.records("Customer")))
    )
    assert harness.store.get_company(created.company.id).first_sync_at is not None


@pytest.mark.parametrize("operation", ["sendRequestXML", "receiveResponseXML"])
@pytest.mark.parametrize("at", [1, 4])
def test_retransmitted_calls_change_nothing(harness, operation: str, at: int) -> None:
    """A duplicated call gets the same answer and imports nothing twice."""
    created = harness.add_company()
    qb = harness.quickbooks()
    transcript = harness.sync(
        created, qb, faults=[Fault(kind="duplicate", operation=operation, at=at)]
    )
    assert transcript.outcome == "finished"
    assert harness.snapshot(created.company.id) == expected_default(qb.company)


class ForgetfulQuickBooks(FakeQuickBooks):
    """QuickBooks that loses its iterators after the n-th message set (status 3391 next)."""

    forget_after: int = 0

    def process(self, request_xml: str) -> str:
        answer = super().process(request_xml)
        if self.message_sets == self.forget_after:
            self.reset_iterators()
        return answer


def test_expired_iterator_restarts_the_list(harness) -> None:
    """3391 in the middle of a paged customer list restarts it; the store ends complete."""
    from qbwc_server.simulate import generate_company

    created = harness.add_company()
    company = generate_company(customers=300, jobs_per_customer=1, employees=3, clock=harness.clock)
    qb = ForgetfulQuickBooks(company, request_validator=harness.validator)
    qb.forget_after = 4  # payroll items, service items, employees, then the 1st customer page
    transcript = harness.connector(created, qb).run()
    assert transcript.outcome == "finished", transcript.last_error
    starts = [
        c
        for c in transcript.calls
        if 'iterator="Start"' in str(c.answer) and "Customer" in str(c.answer)
    ]
    assert len(starts) == 2
    errors = harness.rows(created.company.id, "sync_error")
    assert errors == [] and transcript.summary.endswith("no errors")
    assert (
        harness.snapshot(created.company.id)["customer"]
        == expected(company, ("customer",))["customer"]
    )


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_killed_session_resumes_on_postgresql(any_harness) -> None:
    """On PostgreSQL too, an answer lost after QuickBooks committed is re-imported once."""
    h = any_harness
    created = h.add_company()
    qb = h.quickbooks()
    assert h.sync(created, qb, faults=[Fault(kind="drop_after_commit", at=4)]).outcome != "finished"
    h.clock.advance(minutes=31)
    assert h.sync(created, qb).outcome == "finished"
    assert h.snapshot(created.company.id) == expected_default(qb.company)
