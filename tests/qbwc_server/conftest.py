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


class ServedInstance:
    """A real `qbtime serve` process on a fresh instance folder, with some companies added."""

    def __init__(self, home: Path, env: dict[str, str]) -> None:
        import json
        import os
        import subprocess
        import sys

        from tests.conftest import _free_port

        self.home = home
        self.env = {**os.environ, "QBTIME_HOME": str(home), **env}
        self.cli = [sys.executable, "-m", "qbwc_server.cli"]
        self._run("init")
        self.companies: list[dict] = []
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._json = json
        self.process: subprocess.Popen | None = None

    def _run(self, *args: str) -> str:
        import subprocess

        done = subprocess.run(
            [*self.cli, *args], env=self.env, check=True, capture_output=True, text=True
        )
        return done.stdout

    def add_company(self, name: str, *, due: bool = True) -> dict:
        added = self._json.loads(self._run("company", "add", name, "--json"))
        if due:
            self._run("sync-now", str(added["id"]))
        self.companies.append(added)
        return added

    def start(self) -> None:
        import subprocess
        import time

        self.process = subprocess.Popen(
            [*self.cli, "serve", "--port", str(self.port)],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        with requests.Session() as session:
            session.trust_env = False
            for _ in range(200):
                try:
                    if session.get(f"{self.url}/support", timeout=2).status_code == 200:
                        return
                except requests.ConnectionError:
                    time.sleep(0.1)
        raise RuntimeError("qbtime serve did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def served(tmp_path: Path):
    """Make `qbtime serve` instances; each is stopped at the end of the test."""
    made: list[ServedInstance] = []

    def make(**env: str) -> ServedInstance:
        instance = ServedInstance(tmp_path / f"instance{len(made)}", env)
        made.append(instance)
        return instance

    yield make
    for instance in made:
        instance.stop()


def authenticate_raw(url: str, user: str, password: str, headers: dict[str, str] | None = None):
    """authenticate over HTTP with extra headers; returns the four strings."""
    from qbwc_server.simulate.soapclient import read_answer

    with requests.Session() as s:
        s.trust_env = False
        response = s.post(
            f"{url}/qbwc",
            data=envelope("authenticate", strUserName=user, strPassword=password),
            headers={
                "Content-Type": "text/xml; charset=utf-8",
                "SOAPAction": f'"{TNS}authenticate"',
                **(headers or {}),
            },
            timeout=30,
        )
    assert response.status_code == 200, response.text[:300]
    return read_answer("authenticate", response.content)
