"""Bad input on the SOAP endpoint gets a SOAP fault or a clean 4xx, fast, and writes nothing;
large valid bodies (QuickBooks answers of tens of MB) go through."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from qbwc_server.app import create_app
from qbwc_server.store.models import Company, LoginFailure, SyncSession
from qbwc_server.testing import serve_in_thread
from tests.qbwc_server.conftest import empty_answer, envelope, post_envelope
from tests.qbwc_server.test_failure_paths import Qbwc

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
    """A malformed, non-SOAP or hostile body gets a fault or 4xx and writes nothing."""
    before = _row_counts(sqlite_store)
    response = post_envelope(f"{live_url}/qbwc", BAD_BODIES[name], "authenticate")
    assert response.status_code in (400, 404, 405, 413), response.content[:300]
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
    answer = post_envelope(f"{live_url}/qbwc", body, "receiveResponseXML", timeout=120)
    assert answer.status_code == 200, answer.text[:500]
    assert b"<tns:receiveResponseXMLResult>20</tns:receiveResponseXMLResult>" in answer.content
    counts = sqlite_store.list_sessions(created.company.id)[0].counts
    assert counts == {"payroll_items": 1, "received": 1}


# ------------------------------------------------------------------ issue 10, points 5, 6, 7, 9
SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
PASSWORD = "s3cret-password-in-the-body"
MALFORMED = {
    "empty": (b"", "text/xml; charset=utf-8"),
    "invalid-utf8-byte": (
        envelope("authenticate", strUserName="a", strPassword=PASSWORD).replace(
            b"<strUserName>a<", b"<strUserName>\xff<"
        ),
        "text/xml; charset=utf-8",
    ),
    "charset-bogus": (
        envelope("authenticate", strUserName="a", strPassword=PASSWORD),
        "text/xml; charset=bogus",
    ),
    "empty-soap-body": (
        f'<soap:Envelope xmlns:soap="{SOAP_NS}"><soap:Body/></soap:Envelope>'.encode(),
        "text/xml; charset=utf-8",
    ),
    "utf16-sent-as-utf8": (
        envelope("authenticate", strUserName="a", strPassword=PASSWORD)
        .decode()
        .replace('encoding="utf-8"', 'encoding="utf-16"')
        .encode("utf-16"),
        "text/xml; charset=utf-8",
    ),
    "multipart-without-content-id": (
        b"--b\r\nContent-Type: text/xml\r\n\r\n"
        + envelope("authenticate", strUserName="a", strPassword=PASSWORD)
        + b"\r\n--b--\r\n",
        'multipart/related; boundary="b"; type="text/xml"',
    ),
}


def _post(url: str, body: bytes, content_type: str, action: str = "authenticate"):
    import requests

    with requests.Session() as s:
        s.trust_env = False
        return s.post(
            f"{url}/qbwc",
            data=body,
            headers={
                "Content-Type": content_type,
                "SOAPAction": f'"http://developer.intuit.com/{action}"',
            },
            timeout=120,
        )


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_point7_malformed_request_is_a_client_fault(
    name: str, live_url: str, sqlite_store, caplog
) -> None:
    """Each malformed request gets a SOAP Client fault with HTTP 400, one WARNING line without
    the body, no traceback, and writes nothing."""
    body, content_type = MALFORMED[name]
    before = _row_counts(sqlite_store)
    caplog.clear()
    response = _post(live_url, body, content_type)
    assert response.status_code == 400, response.content[:300]
    assert response.headers["Content-Type"].startswith("text/xml")
    assert b"<faultcode>soap11env:Client" in response.content
    records = caplog.get_records("call")
    assert any(r.levelname == "WARNING" and "refused" in r.getMessage() for r in records)
    assert not any(r.exc_info or r.levelno >= 40 for r in records)
    assert not any(PASSWORD in r.getMessage() for r in records)
    assert _row_counts(sqlite_store) == before


HIDDEN_DOCTYPES = {
    "behind-a-70k-comment": (
        b'<?xml version="1.0"?><!--' + b"x" * 70_000 + b"-->" + BILLION_LAUGHS.split(b"?>", 1)[1]
    ),
    "utf16-without-bom": BILLION_LAUGHS.decode().encode("utf-16-le"),
    "utf16be-without-bom": BILLION_LAUGHS.decode().encode("utf-16-be"),
    "blank-then-utf16": ("\n\n" + BILLION_LAUGHS.decode()).encode("utf-16-le"),
}


@pytest.mark.parametrize("name", sorted(HIDDEN_DOCTYPES))
def test_point6_hidden_doctype_is_refused(name: str, live_url: str, sqlite_store) -> None:
    """A DOCTYPE behind a long comment or in UTF-16 without a byte order mark is refused
    before parsing, and nothing is written."""
    before = _row_counts(sqlite_store)
    response = post_envelope(f"{live_url}/qbwc", HIDDEN_DOCTYPES[name], "authenticate")
    assert response.status_code == 400
    assert b"Client" in response.content
    assert b"DTD" in response.content or b"prolog" in response.content
    assert _row_counts(sqlite_store) == before


def test_point6_doctype_found_after_parsing_too(live_url: str) -> None:
    """A DOCTYPE the guard cannot see (EBCDIC text) is refused by the parser check in soap.py."""
    body = XXE.decode().replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="cp037"?>')
    response = post_envelope(f"{live_url}/qbwc", body.encode("cp037"), "authenticate")
    assert response.status_code == 400
    assert b"Client" in response.content and b"root:" not in response.content


def test_point6_guard_reads_the_prolog_in_every_encoding() -> None:
    """has_doctype sees a DOCTYPE behind any prolog length and in UTF-8/16/32, BOM or not."""
    from qbwc_server.soapguard import has_doctype, prolog_problem

    doc = '<?xml version="1.0"?><!-- c --><?pi x?>\n<!DOCTYPE d [<!ENTITY x "y">]><d/>'
    for encoding in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "utf-16"):
        assert has_doctype(doc.encode(encoding)), encoding
    assert not has_doctype(envelope("serverVersion"))
    assert not has_doctype(envelope("serverVersion").decode().encode("utf-16"))
    assert prolog_problem("<!--" + "x" * 10, complete=False) == "The XML prolog is too long."
    assert prolog_problem("<!--" + "x" * 10, complete=True) is None


def _big_receive(ticket: str, size: int) -> bytes:
    pad = "p" * size
    return envelope("receiveResponseXML", ticket=ticket, response=pad, hresult="", message="")


class _LazyBody:
    """A WSGI input stream of ``head`` followed by ``size`` bytes of padding and ``tail``, made
    as it is read (never held whole), counting what was read."""

    def __init__(self, head: bytes, size: int, tail: bytes) -> None:
        self.parts = [head, size, tail]
        self.read_bytes = 0

    def read(self, n: int = -1) -> bytes:
        out = b""
        while self.parts and (n < 0 or len(out) < n):
            part = self.parts[0]
            want = n - len(out) if n >= 0 else 1 << 20
            if isinstance(part, int):
                take = min(part, want)
                out += b"p" * take
                self.parts[0] = part - take
                if not self.parts[0]:
                    self.parts.pop(0)
            else:
                out += part[:want]
                self.parts[0] = part[want:]
                if not self.parts[0]:
                    self.parts.pop(0)
        self.read_bytes += len(out)
        return out


def _guard_call(size: int, *, live: bool) -> tuple[_LazyBody, int, int]:
    """POST a receiveResponseXML of about ``size`` bytes through the SOAP guard, directly as WSGI.

    :returns: the input stream, the byte count the app behind the guard read, and the peak
        memory Python allocated meanwhile (bytes).
    """
    import tracemalloc

    from qbwc_server.soapguard import SoapGuard

    head, tail = _big_receive("00000000-0000-4000-8000-000000000999", 0).split(b"</response>")
    tail = b"</response>" + tail
    body = _LazyBody(head, size, tail)
    seen = [0]

    def app(environ, start_response):
        stream = environ["wsgi.input"]
        while chunk := stream.read(1 << 20):
            seen[0] += len(chunk)
        start_response("200 OK", [("Content-Type", "text/xml")])
        return [b"ok"]

    guard = SoapGuard(app, max_body_bytes=200 * 2**20, is_live_ticket=lambda ticket: live)
    environ = {
        "REQUEST_METHOD": "POST",
        "CONTENT_LENGTH": str(len(head) + size + len(tail)),
        "CONTENT_TYPE": "text/xml; charset=utf-8",
        "wsgi.input": body,
    }
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        assert list(guard(environ, lambda status, headers: None)) == [b"ok"]
        return body, seen[0], tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()


def test_point5_large_body_with_unknown_ticket_is_not_parsed(live_url: str, sqlite_store) -> None:
    """A 60 MB receiveResponseXML with an unknown ticket is answered -1 over HTTP and writes
    nothing."""
    body = _big_receive("00000000-0000-4000-8000-000000000999", 60 * 1024 * 1024)
    before = _row_counts(sqlite_store)
    response = post_envelope(f"{live_url}/qbwc", body, "receiveResponseXML", timeout=120)
    assert response.status_code == 200
    assert b"<tns:receiveResponseXMLResult>-1</tns:receiveResponseXMLResult>" in response.content
    assert _row_counts(sqlite_store) == before


def test_point5_guard_memory_unknown_and_live_ticket() -> None:
    """The guard reads only the first MB of a 60 MB body whose ticket names no live session and
    passes on the call without its payload, in a bounded couple of MB; a live ticket's body is
    passed on whole, spooled to disk, also in bounded memory (bench/bench_body_memory.py measures
    the whole server's RSS)."""
    size = 60 * 1024 * 1024
    unknown, passed_on, peak_unknown = _guard_call(size, live=False)
    assert unknown.read_bytes <= 1024 * 1024 + 1 and passed_on < 1024
    live, passed_on, peak_live = _guard_call(size, live=True)
    assert live.read_bytes > size and passed_on > size
    print(
        f"\nguard peak Python memory, 60 MB body: unknown ticket {peak_unknown / 2**20:.1f} MB, "
        f"live ticket {peak_live / 2**20:.1f} MB"
    )
    assert peak_unknown < 8 * 2**20 and peak_live < 16 * 2**20


def test_point5_large_body_without_ticket_is_refused(live_url: str, sqlite_store, caplog) -> None:
    """A 5 MB authenticate (no ticket, so no session) is refused with 413 before parsing, and
    neither the store nor the log grows by the username."""
    body = envelope("authenticate", strUserName="u" * 5 * 1024 * 1024, strPassword="x")
    before = _row_counts(sqlite_store)
    caplog.clear()
    response = post_envelope(f"{live_url}/qbwc", body, "authenticate")
    assert response.status_code == 413 and b"live sync session" in response.content
    assert _row_counts(sqlite_store) == before
    assert all(len(r.getMessage()) < 500 for r in caplog.get_records("call"))


def test_point5_large_bodies_are_admitted_a_few_at_a_time(
    tmp_path, sqlite_store, clock, tickets, companies, monkeypatch
) -> None:
    """With max_large_bodies = 1, a second large answer arriving while one is being imported
    waits for the slot, and gets 503 (retry later) when it does not free in time."""
    import threading

    from qbwc_server import soapguard
    from tests.conftest import make_settings

    settings = make_settings(tmp_path, "sqlite://", large_body_bytes=64 * 1024, max_large_bodies=1)
    app = create_app(settings, clock=clock, tickets=tickets, store=sqlite_store)
    service = app.extensions["qbtime"].qbwc
    release, entered = threading.Event(), threading.Event()
    real = service.engine.take_response

    def slow(session, response):
        entered.set()
        release.wait(30)
        return real(session, response)

    monkeypatch.setattr(service.engine, "take_response", slow)
    monkeypatch.setattr(soapguard, "LARGE_BODY_WAIT_SECONDS", 0.5)
    a, b = companies.add("Alpha"), companies.add("Beta")
    with serve_in_thread(app) as url:
        qbwc = Qbwc(url)
        ta = qbwc.authenticate(a.company.qbwc_username, a.password)[0]
        tb = qbwc.authenticate(b.company.qbwc_username, b.password)[0]
        qbwc.send(ta), qbwc.send(tb)
        first: list = []
        worker = threading.Thread(
            target=lambda: first.append(
                post_envelope(f"{url}/qbwc", _big_receive(ta, 100_000), "receiveResponseXML")
            )
        )
        worker.start()
        assert entered.wait(30)
        second = post_envelope(f"{url}/qbwc", _big_receive(tb, 100_000), "receiveResponseXML")
        release.set()
        worker.join(30)
    assert second.status_code == 503 and b"Server.Busy" in second.content
    assert first[0].status_code == 200


def test_point9_client_values_in_logs_are_capped_and_escaped(
    live_url: str, companies, caplog
) -> None:
    """A long username and an hresult or message with newlines cannot flood or forge log lines."""
    created = companies.add()
    qbwc = Qbwc(live_url)
    caplog.clear()
    qbwc.authenticate("x" * 500_000, "y")
    qbwc.authenticate("evil\n2026-11-02 09:00:00 INFO forged: admin logged in", "y")
    ticket = qbwc.authenticate(created.company.qbwc_username, created.password)[0]
    assert qbwc.send(ticket)
    qbwc.receive(ticket, hresult="0x80040400\nINFO forged", message="m" * 100_000 + "\nforged")
    qbwc.connection_error(ticket, "0x80040408\r\nforged", "bad\nforged")
    mine = [r for r in caplog.get_records("call") if r.name.startswith("qbwc_server")]
    assert mine
    for record in mine:
        text = record.getMessage()
        assert "\n" not in text and "\r" not in text, text
        assert len(text) < 1000
