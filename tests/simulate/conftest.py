"""Fixtures for the simulator tests: a FakeQuickBooks on the sample company, the qbXML XSDs,
and a helper that asks FakeQuickBooks for parsed responses."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import lxml.etree
import pytest

import qbxml
from qbwc_server.simulate import FakeQuickBooks, load_sample_company
from qbwc_server.testing import FixedClock
from tests.conftest import REFERENCE

SCHEMA_DIR = REFERENCE / "qbxml-schema"
XSD_PATHS = {
    "13.0": SCHEMA_DIR / "v13.0" / "qbxmlops130.xsd",
    "16.0": SCHEMA_DIR / "v16.0" / "qbxmlops160.xsd",
}
OWNER_ID = "{6d1f4b8e-2c57-4a0e-9a53-5b0c1f2e9d11}"


@pytest.fixture(scope="session")
def schemas() -> dict[str, lxml.etree.XMLSchema]:
    """The 13.0 and 16.0 qbXML schemas, loaded once per test session."""
    return {v: lxml.etree.XMLSchema(lxml.etree.parse(str(p))) for v, p in XSD_PATHS.items()}


def assert_valid(schema: lxml.etree.XMLSchema, document: str) -> None:
    """Fail with the schema's first errors unless ``document`` is valid."""
    tree = lxml.etree.fromstring(document.encode("utf-8"))
    if not schema.validate(tree):
        errors = "; ".join(str(e) for e in list(schema.error_log)[:3])
        pytest.fail(f"not schema-valid: {errors}")


@pytest.fixture
def qb_clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def quickbooks(qb_clock: FixedClock) -> FakeQuickBooks:
    """FakeQuickBooks with the sample company open."""
    return FakeQuickBooks(load_sample_company(clock=qb_clock))


Ask = Callable[..., tuple[qbxml.Response, ...]]


@pytest.fixture
def ask(quickbooks: FakeQuickBooks) -> Ask:
    """Send request specs as one message set; returns the parsed responses."""

    def _ask(
        *specs: qbxml.RequestSpec, version: str = "13.0", on_error: str = "stopOnError"
    ) -> tuple[qbxml.Response, ...]:
        text = quickbooks.process(qbxml.build_msgs_rq(specs, version, on_error=on_error))  # type: ignore[arg-type]
        return qbxml.parse_msgs_rs(text.encode("utf-8"))

    return _ask


def first(responses: tuple[qbxml.Response, ...]) -> qbxml.Response:
    assert len(responses) == 1
    return responses[0]


@pytest.fixture
def reference_envelopes() -> Path:
    return REFERENCE / "qbwc" / "soap-envelopes" / "consolibyte-quickbooks_log-2008"


# ---------------------------------------------------------------------------- scripted servers
class ScriptedServer:
    """A WSGI app answering each SOAP call with the next scripted (operation, envelope) pair."""

    def __init__(self, answers: list[tuple[str, bytes]]) -> None:
        self.answers = list(answers)
        self.seen: list[tuple[str, bytes]] = []

    def __call__(self, environ, start_response):
        action = environ.get("HTTP_SOAPACTION", "").strip('"').rsplit("/", 1)[-1]
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        self.seen.append((action, body))
        if not self.answers or self.answers[0][0] != action:
            start_response("500 Internal Server Error", [("Content-Type", "text/plain")])
            return [f"unexpected {action}".encode()]
        _, answer = self.answers.pop(0)
        start_response("200 OK", [("Content-Type", "text/xml; charset=utf-8")])
        return [answer]


def answer_envelope(operation: str, result: str | int | list[str]) -> tuple[str, bytes]:
    """A server answer shaped like the 2008 PHP server's (``ns1:`` prefixed)."""
    from xml.sax.saxutils import escape

    if isinstance(result, list):
        inner = "".join(f"<ns1:string>{escape(s)}</ns1:string>" for s in result)
    else:
        inner = escape(str(result))
    body = (
        '<?xml version="1.0" encoding="UTF-8"?> <SOAP-ENV:Envelope '
        'xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns:ns1="http://developer.intuit.com/"><SOAP-ENV:Body>'
        f"<ns1:{operation}Response><ns1:{operation}Result>{inner}</ns1:{operation}Result>"
        f"</ns1:{operation}Response></SOAP-ENV:Body></SOAP-ENV:Envelope>"
    )
    return operation, body.encode()


def parse_request(body: bytes) -> tuple[str, list[tuple[str, str]]]:
    """(operation, [(parameter, text)]) of a SOAP request envelope."""
    root = lxml.etree.fromstring(body)
    (wrapper,) = root.find("{http://schemas.xmlsoap.org/soap/envelope/}Body")
    assert lxml.etree.QName(wrapper).namespace == "http://developer.intuit.com/"
    params = [(lxml.etree.QName(p).localname, p.text or "") for p in wrapper]
    return lxml.etree.QName(wrapper).localname, params
