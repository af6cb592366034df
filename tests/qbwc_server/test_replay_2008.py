"""Replay of a real 2008 Web Connector session: the recorded request envelopes are POSTed as raw
bytes with their SOAPAction headers; every answer is well-formed, in Intuit's namespace, and valid
against the WSDL's schema."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
from lxml import etree

from qbwc_server.sync import credentials
from tests.conftest import REFERENCE
from tests.qbwc_server.conftest import SOAP_NS, TNS, WSDL_DIR, post_envelope

SESSION = REFERENCE / "qbwc" / "soap-envelopes" / "consolibyte-quickbooks_log-2008"
REQUESTS = sorted(p for p in SESSION.glob("*_qbwc-to-server_*.xml") if p.name.count(".") == 1)


def _operation(path: Path) -> str:
    return path.stem.split("_", 2)[2]


@pytest.fixture(scope="module")
def wsdl_schema() -> etree.XMLSchema:
    """The XML schema embedded in Intuit's WSDL (the troubleshooting service copy)."""
    wsdl = etree.parse(str(WSDL_DIR / "intuit-TroubleshootWebServiceFS" / "QBWebConnectorSvc.wsdl"))
    schema = wsdl.find(".//{http://www.w3.org/2001/XMLSchema}schema")
    # the schema's QName attributes (type="tns:...") need the WSDL root's prefixes in scope
    standalone = etree.Element(schema.tag, attrib=dict(schema.attrib), nsmap=wsdl.getroot().nsmap)
    standalone.extend(copy.deepcopy(child) for child in schema)
    return etree.XMLSchema(standalone)


def test_the_recording_is_complete() -> None:
    """The reference session holds both QBWC sessions' requests (14 calls)."""
    assert [_operation(p) for p in REQUESTS][:6] == [
        "serverVersion",
        "clientVersion",
        "authenticate",
        "sendRequestXML",
        "getLastError",
        "closeConnection",
    ]
    assert len(REQUESTS) == 14


def test_replayed_session_gets_valid_answers(
    live_url, companies, sqlite_store, wsdl_schema
) -> None:
    """Each recorded request gets a well-formed, schema-valid answer in the right namespace."""
    created = companies.add("Test Company", username="api")
    # the recording logs in as api/password (the PHP framework's demo credentials)
    sqlite_store.update_company(
        created.company.id, password_hash=credentials.hash_password("password")
    )
    recorded_tickets = set()
    our_ticket = None
    for path in REQUESTS:
        operation = _operation(path)
        body = path.read_bytes()
        recorded = re.search(rb"<ticket>([^<]+)</ticket>", body)
        if recorded and our_ticket:
            recorded_tickets.add(recorded.group(1))
            body = body.replace(recorded.group(1), our_ticket.encode())
        if operation == "authenticate":
            # the second session of the recording starts after the first one ended
            sqlite_store.update_company(
                created.company.id,
                sync_requested_at=sqlite_store.get_company(created.company.id).created_at,
            )
        response = post_envelope(f"{live_url}/qbwc", body, operation)
        assert response.status_code == 200, (path.name, response.text[:300])
        doc = etree.fromstring(response.content)
        assert doc.tag == f"{{{SOAP_NS}}}Envelope"
        answer = doc.find(f"{{{SOAP_NS}}}Body")[0]
        assert answer.tag == f"{{{TNS}}}{operation}Response", path.name
        wsdl_schema.assertValid(answer)
        if operation == "authenticate":
            strings = answer.findall(f"{{{TNS}}}authenticateResult/{{{TNS}}}string")
            assert len(strings) == 4 and strings[1].text in (None, "")
            our_ticket = strings[0].text
        if operation == "sendRequestXML":
            qbxml_text = answer.findtext(f"{{{TNS}}}sendRequestXMLResult")
            # the recorded session runs qbXML 5.0 (QuickBooks Pro 2006)
            assert qbxml_text == "" or '<?qbxml version="5.0"?>' in qbxml_text
    assert recorded_tickets, "the replay substituted the recorded tickets with live ones"
