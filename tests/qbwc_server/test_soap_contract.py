"""Contract: zeep clients built from Intuit's WSDL copies, and from the served ?wsdl, call every
operation of a server listening on a loopback port."""

from __future__ import annotations

import pytest
import requests
from lxml import etree

from tests.qbwc_server.conftest import TNS, empty_answer, zeep_service


def test_full_session_through_reference_wsdl(reference_client, companies) -> None:
    """serverVersion, clientVersion, authenticate, send/receive, getLastError, closeConnection."""
    created = companies.add()
    qbwc = reference_client
    assert qbwc.serverVersion().startswith("qbtime-sync")
    assert qbwc.clientVersion(strVersion="2.3.0.215") in ("", None)
    ticket, status, *_ = qbwc.authenticate(
        strUserName=created.company.qbwc_username, strPassword=created.password
    )
    assert ticket and status in ("", None)
    request = qbwc.sendRequestXML(
        ticket=ticket,
        strHCPResponse="",
        strCompanyFileName=r"C:\Company.QBW",
        qbXMLCountry="US",
        qbXMLMajorVers=13,
        qbXMLMinorVers=0,
    )
    percentages = []
    while True:
        assert request.startswith('<?xml version="1.0"') and "QueryRq" in request
        _, response = empty_answer(request)
        percentages.append(
            qbwc.receiveResponseXML(ticket=ticket, response=response, hresult="", message="")
        )
        if percentages[-1] == 100:
            break
        request = qbwc.sendRequestXML(ticket, "", "", "", 0, 0)
    assert percentages == sorted(percentages) and len(percentages) > 1
    assert qbwc.getLastError(ticket=ticket)
    summary = qbwc.closeConnection(ticket=ticket)
    assert "no errors" in summary


def test_connection_error_through_reference_wsdl(reference_client, companies) -> None:
    """connectionError answers done and getLastError explains the hresult."""
    created = companies.add()
    ticket = reference_client.authenticate(
        strUserName=created.company.qbwc_username, strPassword=created.password
    )[0]
    answer = reference_client.connectionError(
        ticket=ticket, hresult="0x80040408", message="Could not start QuickBooks."
    )
    assert answer == "done"
    assert "0x80040408" in reference_client.getLastError(ticket=ticket)


def test_served_wsdl_has_all_eleven_operations(live_url: str) -> None:
    """GET /qbwc?wsdl serves a WSDL in Intuit's namespace that zeep reads, with 11 operations."""
    with requests.Session() as s:
        s.trust_env = False
        text = s.get(f"{live_url}/qbwc?wsdl", timeout=30).content
    doc = etree.fromstring(text)
    assert doc.get("targetNamespace") == TNS
    ops = {op.get("name") for op in doc.iter("{http://schemas.xmlsoap.org/wsdl/}operation")}
    assert ops == {
        "serverVersion",
        "clientVersion",
        "authenticate",
        "sendRequestXML",
        "receiveResponseXML",
        "connectionError",
        "getLastError",
        "closeConnection",
        "getInteractiveURL",
        "interactiveDone",
        "interactiveRejected",
    }


@pytest.fixture
def served_client(live_url: str):
    return zeep_service(f"{live_url}/qbwc?wsdl", "QBWebConnectorSvc", f"{live_url}/qbwc")


def test_served_wsdl_client_calls_every_operation(served_client, companies) -> None:
    """A zeep client built from the served WSDL reaches all 11 operations."""
    created = companies.add()
    c = served_client
    assert c.serverVersion().startswith("qbtime-sync")
    assert c.clientVersion(strVersion="1.0.0.0").startswith("E:")
    assert c.clientVersion(strVersion="2.0.0.116").startswith("W:")
    ticket = c.authenticate(
        strUserName=created.company.qbwc_username, strPassword=created.password
    )[0]
    assert "QueryRq" in c.sendRequestXML(ticket, "", "", "US", 16, 0)
    assert 0 < c.receiveResponseXML(ticket, "", "0x80040400", "parse error") < 100
    assert "0x80040400" in c.getLastError(ticket)
    assert c.connectionError(ticket, "0x80040401", "Could not access QuickBooks.") == "done"
    assert c.closeConnection(ticket)
    assert c.getInteractiveURL(wcTicket=ticket, sessionID="s") in ("", None)
    assert c.interactiveDone(wcTicket=ticket) == "Done"
    assert "interactive" in c.interactiveRejected(wcTicket=ticket, reason="user said no")
