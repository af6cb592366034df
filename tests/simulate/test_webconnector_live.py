"""The FakeWebConnector against the live server: the QBWC call sequence, authenticate's answers,
connectionError, scripted NoOp/postpone/client-version answers, and the 2008 parameter names."""

from __future__ import annotations

import pytest

from qbwc_server.simulate import FakeQuickBooks, FakeWebConnector
from qbwc_server.simulate.quickbooks import CANNOT_OPEN
from qbwc_server.testing import serve_in_thread
from tests.simulate.conftest import ScriptedServer, answer_envelope

OPENING = ("serverVersion", "clientVersion", "authenticate")
PARAMS_2008 = {  # parameter names of each operation in the recorded 2008 envelopes
    "serverVersion": (),
    "clientVersion": ("strVersion",),
    "authenticate": ("strUserName", "strPassword"),
    "sendRequestXML": (
        "ticket",
        "strHCPResponse",
        "strCompanyFileName",
        "qbXMLCountry",
        "qbXMLMajorVers",
        "qbXMLMinorVers",
    ),
    "receiveResponseXML": ("ticket", "response", "hresult", "message"),
    "getLastError": ("ticket",),
    "closeConnection": ("ticket",),
}


@pytest.fixture
def connect(live_url, sqlite_store, quickbooks):
    """Build a FakeWebConnector for a company of the live server."""

    def _connect(created, qb: FakeQuickBooks | None = None, **kw) -> FakeWebConnector:
        installation = sqlite_store.get_installation()
        kw.setdefault("password", created.password)
        return FakeWebConnector(
            f"{live_url}/qbwc",
            created.company.qbwc_username,
            kw.pop("password"),
            qb or quickbooks,
            owner_id=installation.owner_id,
            file_id=created.company.file_id,
            **kw,
        )

    return _connect


def test_full_sync_call_sequence(connect, companies, quickbooks, sqlite_store) -> None:
    """A due company syncs with exactly QBWC's sequence, HCP on the first sendRequestXML only."""
    created = companies.add()
    transcript = connect(created).run()
    ops = transcript.operations
    exchanges = (len(ops) - len(OPENING) - 1) // 2
    assert ops == (
        *OPENING,
        *("sendRequestXML", "receiveResponseXML") * exchanges,
        "closeConnection",
    )
    assert exchanges > 1 and transcript.outcome == "finished"
    assert transcript.percentages[-1] == 100 and list(transcript.percentages) == sorted(
        transcript.percentages
    )
    for call in transcript.calls:
        assert call.param_names == PARAMS_2008[call.operation] and call.http_status == 200
    send = transcript.calls[3]
    assert dict(send.params)["strHCPResponse"].startswith("<?xml")
    assert dict(send.params)["qbXMLMajorVers"] == 16
    assert transcript.summary and transcript.summary.startswith("Synced 15 employees")
    stamps = [d for d in quickbooks.company.data_ext if d.name == "FileID"]
    assert [d.value for d in stamps] == [created.company.file_id]
    assert sqlite_store.get_company(created.company.id).last_success_at is not None


def test_second_run_has_no_work(connect, companies) -> None:
    """After a finished sync the company is not due: authenticate says none, QBWC closes."""
    connector = connect(companies.add())
    assert connector.run().outcome == "finished"
    again = connector.run()
    assert again.outcome == "no_work" and again.auth_status == "none"
    assert again.operations == ("serverVersion", "clientVersion", "authenticate", "closeConnection")


def test_wrong_password_is_nvu(connect, companies) -> None:
    """A wrong password: authenticate answers nvu and QBWC calls closeConnection."""
    transcript = connect(companies.add(), password="wrong-password").run()
    assert transcript.outcome == "not_valid_user"
    assert transcript.operations[-1] == "closeConnection"
    assert dict(transcript.calls[2].params)["strPassword"] == "***"


def test_busy_while_another_session_is_live(connect, companies, quickbooks) -> None:
    """While a dropped session is still live, a second Web Connector is told busy."""
    from qbwc_server.simulate import Fault

    created = companies.add()
    assert (
        connect(created, faults=[Fault(kind="drop_before_processing")]).run().outcome == "dropped"
    )
    assert connect(created).run().outcome == "busy"


def test_connection_error_when_the_company_file_cannot_be_opened(
    connect, companies, quickbooks
) -> None:
    """QuickBooks cannot open the file: connectionError (answered done), getLastError, close."""
    quickbooks.open_error = CANNOT_OPEN
    transcript = connect(companies.add()).run()
    assert transcript.outcome == "connection_error"
    assert transcript.operations[3:] == ("connectionError", "getLastError", "closeConnection")
    assert transcript.calls[3].answer == "done"
    assert "0x80040403" in (transcript.last_error or "")


SCRIPTS = {
    "noop then work": (
        [
            ("clientVersion", ""),
            ("authenticate", ["T1", "", "", "300"]),
            ("sendRequestXML", ""),
            ("getLastError", "NoOp"),
            ("sendRequestXML", "HOST"),
            ("receiveResponseXML", 100),
            ("closeConnection", "OK"),
        ],
        "finished",
    ),
    "negative percent": (
        [
            ("clientVersion", ""),
            ("authenticate", ["T1", "", "", ""]),
            ("sendRequestXML", "HOST"),
            ("receiveResponseXML", -101),
            ("getLastError", "Stopped: fix this"),
            ("closeConnection", "OK"),
        ],
        "stopped",
    ),
    "postponed": (
        [("clientVersion", ""), ("authenticate", ["T1", "", "600", ""]), ("closeConnection", "OK")],
        "postponed",
    ),
    "client too old": ([("clientVersion", "E:Upgrade the Web Connector")], "client_refused"),
    "client warning": (
        [
            ("clientVersion", "W:Old"),
            ("authenticate", ["T1", "none", "", ""]),
            ("closeConnection", "OK"),
        ],
        "no_work",
    ),
}


@pytest.mark.parametrize("case", sorted(SCRIPTS))
def test_scripted_answers(quickbooks, case: str) -> None:
    """NoOp pauses then retries; a negative percent and getLastError stop; postpone, E: and W:."""
    import qbxml

    script, outcome = SCRIPTS[case]
    host = qbxml.build_msgs_rq([qbxml.HostQuery(request_id="1")], "13.0")
    answers = [answer_envelope("serverVersion", "scripted")]
    answers += [answer_envelope(op, host if r == "HOST" else r) for op, r in script]
    server = ScriptedServer(answers)
    pauses: list[float] = []
    with serve_in_thread(server) as url:
        transcript = FakeWebConnector(
            f"{url}/qbwc", "user", "pw", quickbooks, sleep=pauses.append
        ).run()
    assert transcript.outcome == outcome
    assert transcript.operations == ("serverVersion", *(op for op, _ in script))
    if case == "noop then work":
        assert pauses == [5.0] and transcript.min_run_every_seconds == 300
        assert dict(transcript.calls[5].params)["strHCPResponse"] == ""  # first call only
    if case == "postponed":
        assert transcript.postpone_seconds == 600
