"""Fault injection against the live server: it answers sanely (no HTTP 500, terminal answers
for stale tickets) and the next update recovers."""

from __future__ import annotations

import pytest

from qbwc_server.simulate import FakeWebConnector, Fault
from qbwc_server.simulate.soapclient import SoapClient


@pytest.fixture
def connector_for(live_url, sqlite_store, quickbooks, clock):
    """A FakeWebConnector for a new due company; pauses move the server's clock."""

    def _make(companies, **kw) -> FakeWebConnector:
        created = companies.add()
        return FakeWebConnector(
            f"{live_url}/qbwc",
            created.company.qbwc_username,
            created.password,
            quickbooks,
            owner_id=sqlite_store.get_installation().owner_id,
            file_id=created.company.file_id,
            sleep=lambda seconds: clock.advance(seconds=seconds),
            **kw,
        )

    return _make


def _no_server_errors(transcript) -> None:
    assert all(call.http_status == 200 and call.error is None for call in transcript.calls)


@pytest.mark.parametrize("kind", ["drop_before_processing", "drop_after_commit"])
def test_dropped_session_expires_and_the_next_update_recovers(
    connector_for, companies, clock, kind
) -> None:
    """A dropped session keeps the company busy until its ticket expires; then a sync finishes."""
    connector = connector_for(companies)
    dropped = connector.run(faults=[Fault(kind=kind)])
    assert dropped.outcome == "dropped" and dropped.operations[-1] == "sendRequestXML"
    _no_server_errors(dropped)
    assert connector.run(faults=()).outcome == "busy"
    clock.advance(minutes=31)
    recovered = connector.run(faults=())
    assert recovered.outcome == "finished"
    _no_server_errors(recovered)


def test_hresult_instead_of_a_response(connector_for, companies) -> None:
    """An hresult is recorded as an error of that request; the session still ends cleanly."""
    transcript = connector_for(
        companies, faults=[Fault(kind="hresult", hresult="0x80040402")]
    ).run()
    _no_server_errors(transcript)
    receive = transcript.calls[4]
    assert (
        dict(receive.params)["hresult"] == "0x80040402" and dict(receive.params)["response"] == ""
    )
    assert transcript.outcome in ("finished", "stopped")
    assert transcript.summary and "1 error" in transcript.summary


@pytest.mark.parametrize("operation", ["sendRequestXML", "receiveResponseXML"])
def test_duplicated_calls_are_idempotent(connector_for, companies, operation) -> None:
    """A retransmitted call gets the same answer as the original."""
    fault = Fault(kind="duplicate", operation=operation)
    transcript = connector_for(companies, faults=[fault]).run()
    _no_server_errors(transcript)
    calls = transcript.calls
    twice = [(a, b) for a, b in zip(calls, calls[1:], strict=False) if a.operation == b.operation]
    assert len(twice) == 1
    first, again = twice[0]
    assert first.operation == operation and first.answer == again.answer
    assert transcript.outcome == "finished"


def test_stall_past_the_ticket_lifetime_gets_terminal_answers(connector_for, companies) -> None:
    """After a stall longer than the ticket TTL: negative percent, a getLastError sentence, close."""
    transcript = connector_for(companies, faults=[Fault(kind="stall", seconds=31 * 60)]).run()
    _no_server_errors(transcript)
    assert transcript.percentages == (-1,) and transcript.outcome == "stopped"
    assert transcript.operations[-2:] == ("getLastError", "closeConnection")
    assert "expired" in (transcript.last_error or "")


def test_stale_ticket_calls_get_terminal_answers(connector_for, companies, live_url) -> None:
    """Every callback with a finished session's ticket answers terminally, never a fault."""
    transcript = connector_for(companies).run()
    ticket = transcript.ticket
    client = SoapClient(f"{live_url}/qbwc", keep_alive=False)  # a connection per call
    assert (
        client.call(
            "receiveResponseXML",
            [("ticket", ticket), ("response", ""), ("hresult", ""), ("message", "")],
        )
        == -1
    )
    assert (
        client.call(
            "sendRequestXML",
            [
                ("ticket", ticket),
                ("strHCPResponse", ""),
                ("strCompanyFileName", ""),
                ("qbXMLCountry", "US"),
                ("qbXMLMajorVers", 13),
                ("qbXMLMinorVers", 0),
            ],
        )
        == ""
    )
    assert (
        client.call(
            "connectionError", [("ticket", ticket), ("hresult", "0x80040408"), ("message", "x")]
        )
        == "done"
    )
    assert client.call("getLastError", [("ticket", "no-such-ticket")])
