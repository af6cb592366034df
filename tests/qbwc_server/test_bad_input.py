"""Bad input on the SOAP endpoint gets a SOAP fault or a clean 4xx, fast, and writes nothing;
large valid bodies (QuickBooks answers of tens of MB) go through."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from qbwc_server.app import create_app
from qbwc_server.store.models import Company, LoginFailure, SyncSession
from qbwc_server.testing import serve_in_thread
from tests.qbwc_server.conftest import empty_answer, envelope, post_envelope

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>
<authenticate xmlns="http://developer.intuit.com/"><strUserName>&lol9;</strUserName>
<strPassword>x</strPassword></authenticate></soap:Body></soap:Envelope>"""

XXE = b"""<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>
<authenticate xmlns="http://developer.intuit.com/"><strUserName>&x;</strUserName>
</authenticate></soap:Body></soap:Envelope>"""

BAD_BODIES = {
    "not-xml": b"this is not xml at all",
    "truncated": envelope("authenticate", strUserName="a", strPassword="b")[:-30],
    "not-soap": b"<?xml version='1.0'?><hello><world/></hello>",
    "soap12": b'<?xml version="1.0"?><env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body><serverVersion xmlns="http://developer.intuit.com/"/></env:Body></env:Envelope>',
    "unknown-operation": envelope("dropDatabase", ticket="x"),
    "wrong-namespace": envelope("authenticate").replace(
        b"http://developer.intuit.com/", b"http://localhost:8000//"
    ),
    "billion-laughs": BILLION_LAUGHS,
    "xxe": XXE,
    "utf16-doctype": '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "b">]><x/>'.encode(
        "utf-16"
    ),
    "bad-int": envelope("sendRequestXML", ticket="t", qbXMLMajorVers="thirteen", qbXMLMinorVers=0),
}


def _row_counts(store) -> tuple[int, int, int]:
    with store.engine.connect() as conn:
        return tuple(
            conn.scalar(select(func.count()).select_from(m))
            for m in (Company, SyncSession, LoginFailure)
        )  # type: ignore[return-value]


@pytest.mark.parametrize("name", sorted(BAD_BODIES))
def test_bad_body_is_refused_cleanly(name: str, live_url: str, sqlite_store) -> None:
    """A malformed, non-SOAP or hostile body gets a fault or 4xx quickly and writes nothing."""
    before = _row_counts(sqlite_store)
    started = time.monotonic()
    response = post_envelope(f"{live_url}/qbwc", BAD_BODIES[name], "authenticate")
    assert time.monotonic() - started < 10
    assert response.status_code in (400, 405, 413, 500)
    assert b"Fault" in response.content and b"Traceback" not in response.content
    assert b"root:" not in response.content
    assert _row_counts(sqlite_store) == before


def test_body_over_limit_is_413(tmp_path, sqlite_store, clock, tickets) -> None:
    """A body over max_body_bytes is refused with 413 before it is parsed."""
    from tests.conftest import make_settings

    settings = make_settings(tmp_path, "sqlite://", max_body_bytes=64 * 1024)
    app = create_app(settings, clock=clock, tickets=tickets, store=sqlite_store)
    big = envelope("receiveResponseXML", ticket="t", response="x" * 100_000, hresult="", message="")
    with serve_in_thread(app) as url:
        response = post_envelope(f"{url}/qbwc", big, "receiveResponseXML")
    assert response.status_code == 413 and b"limit" in response.content


def test_fifty_megabyte_response_goes_through(live_url: str, companies, sqlite_store) -> None:
    """A 50 MB receiveResponseXML (a big company's answer) is parsed and answered end to end."""
    from tests.qbwc_server.conftest import WSDLS, zeep_service

    created = companies.add()
    wsdl, binding = WSDLS["intuit-troubleshoot"]
    qbwc = zeep_service(wsdl, binding, f"{live_url}/qbwc")
    ticket = qbwc.authenticate(
        strUserName=created.company.qbwc_username, strPassword=created.password
    )[0]
    request = qbwc.sendRequestXML(ticket, "", "", "US", 13, 0)
    # The whole qbXML answer is ONE text node of the SOAP envelope: over libxml2's 10 MB default.
    item = (
        "<PayrollItemWageRet><ListID>80000001-1793610000</ListID><TimeCreated>2026-01-05T09:00:00-05:00"
        "</TimeCreated><TimeModified>2026-01-05T09:00:00-05:00</TimeModified><EditSequence>1793610000"
        "</EditSequence><Name>Hourly Regular</Name><IsActive>true</IsActive>"
        "<WageType>HourlyRegular</WageType></PayrollItemWageRet>"
    )
    pad = "".join(f"<UnknownPadding>{i:08d}{'p' * 160}</UnknownPadding>" for i in range(300_000))
    rs, response = empty_answer(request, body=item + pad)
    assert rs == "PayrollItemWageQueryRs"
    assert len(response) > 50 * 1024 * 1024
    body = envelope("receiveResponseXML", ticket=ticket, response=response, hresult="", message="")
    started = time.monotonic()
    answer = post_envelope(f"{live_url}/qbwc", body, "receiveResponseXML", timeout=120)
    assert answer.status_code == 200, answer.text[:500]
    assert b"<tns:receiveResponseXMLResult>20</tns:receiveResponseXMLResult>" in answer.content
    assert time.monotonic() - started < 60
    counts = sqlite_store.list_sessions(created.company.id)[0].counts
    assert counts == {"payroll_items": 1, "received": 1}
