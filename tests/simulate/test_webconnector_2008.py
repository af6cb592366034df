"""The FakeWebConnector's calls match the real 2008 Web Connector session, call for call.

A scripted server replays the recorded server answers of both sessions; the connector's requests
must then have the recorded operations, order, parameter names and parameter shapes.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import qbxml
from qbwc_server.simulate import CompanyFile, FakeQuickBooks, FakeWebConnector
from qbwc_server.testing import serve_in_thread
from tests.simulate.conftest import ScriptedServer, parse_request

_FILE = re.compile(r"(\d\d)_(qbwc-to-server|server-to-qbwc)_(\w+)\.xml")


def _recorded_sessions(folder: Path) -> list[list[tuple[str, list[tuple[str, str]], bytes]]]:
    """[(operation, request params, recorded server answer)] per session, split at serverVersion."""
    requests, answers = {}, {}
    for path in sorted(folder.iterdir()):
        m = _FILE.fullmatch(path.name)
        if m is None:
            continue  # the extracted .qbxml.xml companions
        (requests if m[2] == "qbwc-to-server" else answers)[int(m[1])] = path.read_bytes()
    sessions: list[list] = []
    for number in sorted(requests):
        operation, params = parse_request(requests[number])
        if operation == "serverVersion":
            sessions.append([])
        sessions[-1].append((operation, params, answers[number + 1]))
    return sessions


def _shape(name: str, value: str) -> str:
    if name in ("qbXMLMajorVers", "qbXMLMinorVers"):
        return "int" if re.fullmatch(r"-?\d+", value) else "not-int"
    return "empty" if not value.strip() else "text"


@pytest.fixture
def recorded(reference_envelopes: Path):
    sessions = _recorded_sessions(reference_envelopes)
    assert [len(s) for s in sessions] == [6, 8]
    return sessions


@pytest.fixture
def quickbooks_2006(qb_clock) -> FakeQuickBooks:
    """QuickBooks Pro 2006 (qbXML up to 5.0) with the recorded company file open."""
    company = CompanyFile(
        clock=qb_clock, name="Test Company", path=r"C:\KPALMER\QBW\Test Company.QBW"
    )
    versions = ("1.0", "1.1", "2.0", "2.1", "3.0", "4.0", "4.1", "5.0")
    return FakeQuickBooks(
        company, product="QuickBooks Pro 2006", major_version="16", versions=versions
    )


@pytest.mark.parametrize("session", [0, 1])
def test_call_sequence_matches_the_2008_session(recorded, quickbooks_2006, session: int) -> None:
    """Same operations, order, parameter names and shapes as the recorded QBWC 2.0 session."""
    script = recorded[session]
    server = ScriptedServer([(op, answer) for op, _params, answer in script])
    with serve_in_thread(server) as url:
        connector = FakeWebConnector(
            f"{url}/qbwc", "api", "password", quickbooks_2006, qbwc_version="2.0.0.116"
        )
        transcript = connector.run()
    sent = [parse_request(body) for _action, body in server.seen]
    assert [op for op, _ in sent] == [op for op, _p, _a in script]
    for (op, params), (_op, recorded_params, _a) in zip(sent, script, strict=True):
        assert [n for n, _ in params] == [n for n, _ in recorded_params], op
        mine = {n: _shape(n, v) for n, v in params}
        theirs = {n: _shape(n, v) for n, v in recorded_params}
        if op == "receiveResponseXML":
            # QuickBooks 2006 ran the recorded CustomerAdd; FakeQuickBooks does not simulate list
            # adds, so it fails the set with 0x80040400: an hresult instead of a response.
            assert mine["hresult"] == mine["message"] == "text" and mine["response"] == "empty"
            continue
        assert mine == theirs, op
        for name in (
            "ticket",
            "strVersion",
            "strUserName",
            "strPassword",
            "strCompanyFileName",
            "qbXMLCountry",
            "qbXMLMajorVers",
            "qbXMLMinorVers",
        ):
            if name in theirs:
                assert dict(params)[name] == dict(recorded_params)[name], (op, name)
    assert transcript.outcome == "stopped"  # sendRequestXML "" -> getLastError -> closeConnection
    assert transcript.summary == "Complete!"


def test_hcp_response_has_the_recorded_shape(recorded, quickbooks_2006) -> None:
    """The simulated strHCPResponse has the same Rs elements and requestIDs as the recorded one."""
    recorded_hcp = dict(recorded[0][3][1])["strHCPResponse"]
    ours = quickbooks_2006.hcp_response("{68b5925b-4347-4784-e58d-35a2d190962f}")

    def shape(text: str) -> list[tuple[str, str | None, str]]:
        return [
            (r.status.rs_name, r.status.request_id, type(r.records[0]).__name__)
            for r in qbxml.parse_msgs_rs(text.encode())
        ]

    assert shape(ours) == shape(recorded_hcp)
    host = qbxml.parse_msgs_rs(ours.encode())[0].records[0]
    assert host.supported_versions[-1] == "5.0" and host.product_name == "QuickBooks Pro 2006"
