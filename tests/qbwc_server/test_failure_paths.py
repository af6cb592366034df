"""What the Web Connector shows after each authenticate outcome and each failure (issue 10,
points 1-3): one test per row of the table in docs/protocol.md, over real HTTP."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from qbwc_server.simulate.soapclient import SoapClient
from qbwc_server.sync import messages

HCP = ""
FILE = r"C:\Company Files\acme.qbw"


class Qbwc:
    """The Web Connector's calls, answered as plain values ("" stays "")."""

    def __init__(self, url: str) -> None:
        # a connection per call: these tests make calls out of a session's order and never close
        self.client = SoapClient(f"{url}/qbwc", keep_alive=False)

    def authenticate(self, user: str, password: str) -> list[str]:
        answer = self.client.call(
            "authenticate", [("strUserName", user), ("strPassword", password)]
        )
        assert isinstance(answer, list)
        return answer

    def send(self, ticket: str, company_file: str = "") -> str:
        answer = self.client.call(
            "sendRequestXML",
            [
                ("ticket", ticket),
                ("strHCPResponse", HCP),
                ("strCompanyFileName", company_file),
                ("qbXMLCountry", "US"),
                ("qbXMLMajorVers", 13),
                ("qbXMLMinorVers", 0),
            ],
        )
        assert isinstance(answer, str)
        return answer

    def receive(self, ticket: str, response: str = "", hresult: str = "", message: str = "") -> int:
        answer = self.client.call(
            "receiveResponseXML",
            [
                ("ticket", ticket),
                ("response", response),
                ("hresult", hresult),
                ("message", message),
            ],
        )
        assert isinstance(answer, int)
        return answer

    def connection_error(self, ticket: str, hresult: str, message: str) -> str:
        return str(
            self.client.call(
                "connectionError", [("ticket", ticket), ("hresult", hresult), ("message", message)]
            )
        )

    def last_error(self, ticket: str) -> str:
        return str(self.client.call("getLastError", [("ticket", ticket)]))

    def close(self, ticket: str) -> str:
        return str(self.client.call("closeConnection", [("ticket", ticket)]))


@pytest.fixture
def qbwc(live_url: str) -> Qbwc:
    return Qbwc(live_url)


@pytest.fixture
def service(app):
    return app.extensions["qbtime"].qbwc


@contextmanager
def database_gone(store, db_file: Path) -> Iterator[None]:
    """The SQLite file disappears (a lost disk, a removed volume) and comes back afterwards."""
    store.engine.dispose()
    hidden = db_file.with_name(db_file.name + ".away")
    os.replace(db_file, hidden)
    try:
        yield
    finally:
        store.engine.dispose()
        for stray in db_file.parent.glob(db_file.name + "*"):
            if stray != hidden:
                stray.unlink()
        os.replace(hidden, db_file)


@pytest.fixture
def db_file(sqlite_url: str) -> Path:
    return Path(sqlite_url.removeprefix("sqlite:///"))


def _login(qbwc: Qbwc, created) -> str:
    ticket, status, _, _ = qbwc.authenticate(created.company.qbwc_username, created.password)
    assert status in ("", created.company.bound_company_file or "")
    return ticket


# --------------------------------------------------------------------------- authenticate rows
def test_point2_row_none_says_when_the_next_sync_is_due(qbwc, companies) -> None:
    """`none`: closeConnection says no data exchange was required, why, and when it is due."""
    created = companies.add(due=False)
    ticket, status, _, _ = qbwc.authenticate(created.company.qbwc_username, created.password)
    assert status == "none"
    line = qbwc.close(ticket)
    assert line.startswith("No data exchange required: the last update finished at ")
    assert "nothing is due until 2026-11-02 09:59 UTC (every 60 minutes)" in line
    assert f"qbtime sync-now {created.company.id}" in line
    assert qbwc.last_error(ticket) == line


def test_point2_row_nvu_says_the_password_was_not_accepted(qbwc, companies) -> None:
    """`nvu`: closeConnection says the login was not accepted, the same for an unknown user."""
    created = companies.add()
    wrong = qbwc.authenticate(created.company.qbwc_username, created.password + "x")
    unknown = qbwc.authenticate("nobody-at-all", "whatever-password")
    assert wrong[1] == unknown[1] == "nvu"
    assert qbwc.close(wrong[0]) == qbwc.close(unknown[0]) == messages.NVU_CLOSE
    assert "not accepted" in messages.NVU_CLOSE and "exist" not in messages.NVU_CLOSE


def test_point2_row_throttled_says_the_login_was_not_checked(qbwc, companies, settings) -> None:
    """`nvu` from the throttle: closeConnection says too many failures, and how long to wait."""
    created = companies.add()
    user = created.company.qbwc_username
    for _ in range(settings.login_failures_per_user):
        qbwc.authenticate(user, "wrong-password-000")
    ticket, status, _, _ = qbwc.authenticate(user, created.password)
    assert status == "nvu"
    assert qbwc.close(ticket) == messages.THROTTLED_CLOSE.format(minutes=15)


def test_point2_row_busy_says_another_update_is_running(qbwc, companies) -> None:
    """`busy`: closeConnection says another update of this company is running."""
    created = companies.add()
    first = _login(qbwc, created)
    ticket, status, _, _ = qbwc.authenticate(created.company.qbwc_username, created.password)
    assert status == "busy"
    assert qbwc.close(ticket) == messages.BUSY_CLOSE
    assert qbwc.send(first) != ""  # the running session is untouched


def test_point2_row_forged_refusal_ticket_is_unknown(qbwc, companies) -> None:
    """A refused ticket whose signature does not match is just an unknown ticket."""
    created = companies.add(due=False)
    ticket = qbwc.authenticate(created.company.qbwc_username, created.password)[0]
    forged = ticket.rsplit(".", 1)[0].replace(".none.", ".busy.") + "." + "0" * 24
    assert qbwc.close(forged) == messages.UNKNOWN_TICKET_CLOSE


@pytest.mark.allow_error_logs
def test_point3_database_down_at_authenticate_answers_none_with_postpone(
    qbwc, companies, sqlite_store, db_file
) -> None:
    """A database outage during authenticate is `none` with a postpone, not a wrong password,
    and closeConnection says the server could not reach its database."""
    created = companies.add()
    with database_gone(sqlite_store, db_file):
        ticket, status, postpone, _ = qbwc.authenticate(
            created.company.qbwc_username, created.password
        )
        assert status == "none" and postpone == "600"
        assert qbwc.close(ticket) == messages.DATABASE_ERROR
    assert qbwc.close(ticket) == messages.DATABASE_ERROR  # the same once the database is back


@pytest.mark.allow_error_logs
def test_point3_internal_error_at_authenticate_does_not_accuse_the_user(
    qbwc, companies, service, monkeypatch
) -> None:
    """An unexpected failure inside authenticate answers `none` with a postpone and says so."""
    created = companies.add()

    def broken(*args, **kwargs):
        raise RuntimeError("planner bug")

    monkeypatch.setattr(service.engine, "plan", broken)
    ticket, status, postpone, _ = qbwc.authenticate(created.company.qbwc_username, created.password)
    assert status == "none" and postpone == "600"
    assert qbwc.close(ticket) == messages.AUTH_FAILED_INTERNALLY


# --------------------------------------------------------------------------- session rows
def test_point2_row_accepted_session_summarises(qbwc, companies) -> None:
    """An accepted session that ran everything closes with the summary, no errors."""
    from tests.qbwc_server.conftest import empty_answer

    created = companies.add()
    ticket = _login(qbwc, created)
    progress = 0
    while progress < 100:
        request = qbwc.send(ticket)
        assert request
        progress = qbwc.receive(ticket, empty_answer(request)[1])
    assert qbwc.close(ticket) == "Up to date; no errors"


def test_point2_row_closed_early_resumes_next_time(qbwc, companies) -> None:
    """A session closed before its work finished says so, and that it resumes."""
    created = companies.add()
    ticket = _login(qbwc, created)
    qbwc.send(ticket)
    line = qbwc.close(ticket)
    assert line == "Up to date; no errors" + messages.NOT_FINISHED_SUFFIX
    assert qbwc.close(ticket) == line  # closeConnection repeated answers the same


def test_point2_row_connection_error_is_reported(qbwc, companies) -> None:
    """After connectionError, getLastError and closeConnection name the hresult and its fix."""
    created = companies.add()
    ticket = _login(qbwc, created)
    assert qbwc.connection_error(ticket, "0x80040408", "Could not start QuickBooks.") == "done"
    text = qbwc.last_error(ticket)
    assert text.startswith("The Web Connector could not open QuickBooks (0x80040408)")
    assert qbwc.close(ticket) == messages.UPDATE_STOPPED.format(error=text)


def test_point2_row_three_hresults_are_reported(qbwc, companies) -> None:
    """After three hresults in a row the session stops and closeConnection says why."""
    created = companies.add()
    ticket = _login(qbwc, created)
    answers = []
    for _ in range(3):
        assert qbwc.send(ticket)
        answers.append(qbwc.receive(ticket, hresult="0x80040400", message="parse error"))
    assert answers[-1] < 0 and all(a >= 0 for a in answers[:-1])
    text = qbwc.last_error(ticket)
    assert text.startswith("QuickBooks failed three requests in a row")
    assert qbwc.close(ticket) == messages.UPDATE_STOPPED.format(error=text)


def test_point2_row_refused_company_file_is_reported(qbwc, companies, sqlite_store) -> None:
    """A session refused for opening another company file closes naming both files."""
    created = companies.add()
    sqlite_store.update_company(created.company.id, bound_company_file=FILE)
    ticket, status, _, _ = qbwc.authenticate(created.company.qbwc_username, created.password)
    assert status == FILE
    assert qbwc.send(ticket, r"C:\Company Files\other.qbw") == ""
    text = qbwc.last_error(ticket)
    assert "other.qbw" in text and "acme.qbw" in text
    line = qbwc.close(ticket)
    assert line == messages.UPDATE_STOPPED.format(error=text)
    assert "Up to date" not in line


def test_point2_row_unreadable_answer_is_reported(qbwc, companies) -> None:
    """An answer that is not qbXML fails its own request only (issue 9 point 8): the session goes
    on, and getLastError and closeConnection name the list that could not be read."""
    created = companies.add()
    ticket = _login(qbwc, created)
    assert qbwc.send(ticket)
    assert 0 <= qbwc.receive(ticket, "this is not qbXML") < 100
    text = qbwc.last_error(ticket)
    assert "could not be read" in text and "asked for again" in text
    line = qbwc.close(ticket)
    assert "Up to date" not in line
    assert text in line


def test_point2_row_blocked_first_sync_is_reported(qbwc, companies, sqlite_store, clock) -> None:
    """A first sync waiting for the removal confirmation says so on both lines."""
    created = companies.add()
    sqlite_store.add_local_customer(created.company.id, name="Local Only", now=clock.now())
    ticket = _login(qbwc, created)
    assert qbwc.send(ticket) == ""
    text = qbwc.last_error(ticket)
    assert "confirm-first-sync" in text
    assert qbwc.close(ticket) == text


def test_point2_row_unknown_ticket(qbwc) -> None:
    """An unknown ticket gets terminal answers and says to run the update again."""
    ticket = "00000000-0000-4000-8000-000000000999"
    assert qbwc.send(ticket) == ""
    assert qbwc.receive(ticket) < 0
    assert qbwc.connection_error(ticket, "0x80040408", "x") == "done"
    assert "unknown or has expired" in qbwc.last_error(ticket)
    assert qbwc.close(ticket) == messages.UNKNOWN_TICKET_CLOSE


@pytest.mark.allow_error_logs
@pytest.mark.parametrize("operation", ["send", "receive"])
def test_point1_database_down_during_a_call_is_reported(
    operation: str, qbwc, companies, sqlite_store, db_file
) -> None:
    """A database outage during a call: getLastError and closeConnection say the server could
    not reach its database, never "No error"."""
    created = companies.add()
    ticket = _login(qbwc, created)
    if operation == "receive":
        assert qbwc.send(ticket)
    with database_gone(sqlite_store, db_file):
        if operation == "send":
            assert qbwc.send(ticket) == ""
        else:
            assert qbwc.receive(ticket, "<QBXML/>") < 0
        assert qbwc.last_error(ticket) == messages.DATABASE_ERROR
        assert qbwc.close(ticket) == messages.DATABASE_ERROR


@pytest.mark.allow_error_logs
def test_point1_internal_error_during_a_call_is_recorded(
    qbwc, companies, service, monkeypatch, sqlite_store
) -> None:
    """An unexpected failure in sendRequestXML is recorded: getLastError and closeConnection
    say the server hit a problem, the session and the company carry the sentence."""
    created = companies.add()
    ticket = _login(qbwc, created)

    def broken(session):
        raise RuntimeError("engine bug")

    monkeypatch.setattr(service.engine, "next_request", broken)
    assert qbwc.send(ticket) == ""
    assert qbwc.last_error(ticket) == messages.INTERNAL_ERROR
    assert qbwc.close(ticket) == messages.UPDATE_STOPPED.format(error=messages.INTERNAL_ERROR)
    session = sqlite_store.list_sessions(created.company.id)[0]
    assert session.state == "failed" and session.last_error == messages.INTERNAL_ERROR
    assert sqlite_store.get_company(created.company.id).last_error == messages.INTERNAL_ERROR


@pytest.mark.allow_error_logs
def test_point1_failure_during_an_outage_is_reported_after_it(
    qbwc, companies, sqlite_store, db_file
) -> None:
    """A call that failed while the database was gone is still reported once it is back: the
    sentence is stored then, and closeConnection says the update stopped."""
    created = companies.add()
    ticket = _login(qbwc, created)
    with database_gone(sqlite_store, db_file):
        assert qbwc.send(ticket) == ""
    assert qbwc.last_error(ticket) == messages.DATABASE_ERROR
    assert qbwc.close(ticket) == messages.UPDATE_STOPPED.format(error=messages.DATABASE_ERROR)
    session = sqlite_store.list_sessions(created.company.id)[0]
    assert session.state == "failed" and session.last_error == messages.DATABASE_ERROR
