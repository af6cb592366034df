"""Helpers for driving the SOAP endpoint: zeep clients and raw envelope posting."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
import zeep
from zeep.transports import Transport

from tests.conftest import REFERENCE

WSDL_DIR = REFERENCE / "qbwc" / "wsdl"
WSDLS = {
    "intuit-troubleshoot": (
        WSDL_DIR / "intuit-TroubleshootWebServiceFS" / "QBWebConnectorSvc.wsdl",
        "TroubleshootWebServiceFSSoap",
    ),
    "qbwc-gem": (WSDL_DIR / "qbwc-gem" / "QBWebConnectorSvc.wsdl", "QBWebConnectorSvcSoap"),
}
TNS = "http://developer.intuit.com/"
SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"


def zeep_service(wsdl: Path | str, binding: str, address: str):
    """A zeep service proxy built from ``wsdl``, pointed at ``address``."""
    session = requests.Session()
    session.trust_env = False  # never a proxy: loopback only
    client = zeep.Client(str(wsdl), transport=Transport(session=session, timeout=30))
    return client.create_service(f"{{{TNS}}}{binding}", address)


@pytest.fixture(params=sorted(WSDLS))
def reference_client(request: pytest.FixtureRequest, live_url: str):
    """A zeep client built from one of Intuit's WSDL copies, talking to the live server."""
    wsdl, binding = WSDLS[request.param]
    return zeep_service(wsdl, binding, f"{live_url}/qbwc")


def post_envelope(url: str, body: bytes, action: str, timeout: float = 60) -> requests.Response:
    """POST raw SOAP bytes with a SOAPAction header, as the Web Connector does."""
    with requests.Session() as s:
        s.trust_env = False
        return s.post(
            url,
            data=body,
            headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{TNS}{action}"'},
            timeout=timeout,
        )


def envelope(operation: str, **params: str | int) -> bytes:
    """A SOAP 1.1 request envelope shaped like the Web Connector's."""
    from xml.sax.saxutils import escape

    inner = "".join(f"<{k}>{escape(str(v))}</{k}>" for k, v in params.items())
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<soap:Envelope xmlns:soap="{SOAP_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soap:Body>'
        f'<{operation} xmlns="{TNS}">{inner}</{operation}></soap:Body></soap:Envelope>'
    ).encode()


def empty_answer(request_xml: str, *, body: str = "") -> tuple[str, str]:
    """QuickBooks' "no match" answer (statusCode 1) to a one-request message set.

    :returns: (the request's Rs element name, the response document); ``body`` goes inside it.
    """
    import qbxml

    (spec,) = qbxml.parse_msgs_rq(request_xml.encode("utf-8")).requests
    rs = spec.RQ_NAME[: -len("Rq")] + "Rs"
    status = "0" if body else "1"
    text = (
        '<?xml version="1.0" ?><QBXML><QBXMLMsgsRs>'
        f'<{rs} requestID="{spec.request_id}" statusCode="{status}" statusSeverity="Info" '
        f'statusMessage="A query request did not find a matching object in QuickBooks">'
        f"{body}</{rs}></QBXMLMsgsRs></QBXML>"
    )
    return rs, text
