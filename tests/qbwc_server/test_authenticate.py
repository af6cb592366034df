"""authenticate: good, wrong password, unknown user, no work, busy, throttled; stale tickets."""

from __future__ import annotations

import pytest

from qbwc_server.settings import Settings
from tests.qbwc_server.conftest import WSDLS, zeep_service


@pytest.fixture
def qbwc(live_url: str):
    wsdl, binding = WSDLS["intuit-troubleshoot"]
    return zeep_service(wsdl, binding, f"{live_url}/qbwc")


def _auth(qbwc, user: str, password: str) -> list[str]:
    # zeep reads an empty <string></string> as None; the raw envelope tests check the wire form.
    return [s or "" for s in qbwc.authenticate(strUserName=user, strPassword=password)]


def test_good_login_opens_a_session(qbwc, companies) -> None:
    """A due company with the right password gets a ticket and "" (use the open company file)."""
    created = companies.add()
    ticket, status, postpone, every_min = _auth(
        qbwc, created.company.qbwc_username, created.password
    )
    assert len(ticket) == 36 and status == "" and postpone == "" and every_min == ""


def test_wrong_password_is_nvu(qbwc, companies) -> None:
    """A wrong password answers nvu, still with four strings and a random ticket."""
    created = companies.add()
    answer = _auth(qbwc, created.company.qbwc_username, created.password + "x")
    assert answer[1] == "nvu" and len(answer) == 4 and answer[0]


def test_unknown_user_is_nvu(qbwc, companies) -> None:
    """An unknown user answers nvu exactly like a wrong password."""
    companies.add()
    answer = _auth(qbwc, "nobody", "whatever-password")
    assert answer[1] == "nvu" and len(answer) == 4 and answer[2:] == ["", ""]


def test_no_work_is_none(qbwc, companies) -> None:
    """A company that is not due answers none."""
    created = companies.add(due=False)
    assert _auth(qbwc, created.company.qbwc_username, created.password)[1] == "none"


def test_second_connector_of_same_company_is_busy(qbwc, companies) -> None:
    """While a session of the company is live, another authenticate answers busy."""
    created = companies.add()
    user, password = created.company.qbwc_username, created.password
    assert _auth(qbwc, user, password)[1] == ""
    assert _auth(qbwc, user, password)[1] == "busy"


def test_busy_ends_when_the_session_expires(qbwc, companies, clock) -> None:
    """A session idle for longer than the ticket lifetime no longer blocks the company."""
    created = companies.add()
    user, password = created.company.qbwc_username, created.password
    first = _auth(qbwc, user, password)[0]
    clock.advance(minutes=31)
    assert _auth(qbwc, user, password)[1] == ""
    assert qbwc.receiveResponseXML(ticket=first, response="", hresult="", message="") < 0


def test_other_companies_are_not_busy(qbwc, companies) -> None:
    """Two companies sync at the same time."""
    a, b = companies.add("Alpha"), companies.add("Beta")
    assert _auth(qbwc, a.company.qbwc_username, a.password)[1] == ""
    assert _auth(qbwc, b.company.qbwc_username, b.password)[1] == ""


def test_failed_logins_are_throttled(qbwc, companies, settings: Settings) -> None:
    """After too many failures from one address, even the right password answers nvu."""
    created = companies.add()
    user = created.company.qbwc_username
    for _ in range(settings.login_failures_per_user):
        assert _auth(qbwc, user, "wrong-password-000")[1] == "nvu"
    assert _auth(qbwc, user, created.password)[1] == "nvu"


def test_throttle_window_passes(qbwc, companies, clock, settings: Settings) -> None:
    """Once the failure window has passed the right password works again."""
    created = companies.add()
    user = created.company.qbwc_username
    for _ in range(settings.login_failures_per_user):
        _auth(qbwc, user, "wrong-password-000")
    clock.advance(seconds=settings.login_failure_window_seconds + 1)
    assert _auth(qbwc, user, created.password)[1] == ""


def test_a_success_clears_earlier_failures(qbwc, companies, settings: Settings) -> None:
    """Failures before a successful login do not count towards the next throttle."""
    created = companies.add(due=False)
    user = created.company.qbwc_username
    for _ in range(settings.login_failures_per_user - 1):
        _auth(qbwc, user, "wrong-password-000")
    assert _auth(qbwc, user, created.password)[1] == "none"
    for _ in range(settings.login_failures_per_user - 1):
        _auth(qbwc, user, "wrong-password-000")
    assert _auth(qbwc, user, created.password)[1] == "none"


def test_tickets_are_stored_hashed(qbwc, companies, sqlite_store) -> None:
    """The database never holds a ticket in clear."""
    from sqlalchemy import text

    created = companies.add()
    ticket = _auth(qbwc, created.company.qbwc_username, created.password)[0]
    with sqlite_store.engine.connect() as conn:
        stored = [r[0] for r in conn.execute(text("select ticket_hash from sync_session"))]
    assert stored and ticket not in stored and all(len(h) == 64 for h in stored)


@pytest.mark.parametrize("ticket", ["", "not-a-ticket", "00000000-0000-4000-8000-000000000999"])
def test_unknown_ticket_gets_terminal_answers(qbwc, ticket: str) -> None:
    """Every ticket-taking method answers an unknown ticket cleanly, never with a fault."""
    assert qbwc.sendRequestXML(
        ticket=ticket,
        strHCPResponse="",
        strCompanyFileName="",
        qbXMLCountry="US",
        qbXMLMajorVers=13,
        qbXMLMinorVers=0,
    ) in ("", None)
    assert qbwc.receiveResponseXML(ticket=ticket, response="", hresult="", message="") < 0
    assert qbwc.connectionError(ticket=ticket, hresult="0x80040408", message="x") == "done"
    assert "unknown or has expired" in qbwc.getLastError(ticket=ticket)
    assert "unknown or expired" in qbwc.closeConnection(ticket=ticket)


def test_expired_ticket_gets_terminal_answers(qbwc, companies, clock) -> None:
    """A ticket idle for more than 30 minutes is treated as unknown on every method."""
    created = companies.add()
    ticket = _auth(qbwc, created.company.qbwc_username, created.password)[0]
    clock.advance(minutes=30, seconds=1)
    assert qbwc.receiveResponseXML(ticket=ticket, response="", hresult="", message="") < 0
    assert "unknown or has expired" in qbwc.getLastError(ticket=ticket)
    assert "unknown or expired" in qbwc.closeConnection(ticket=ticket)
