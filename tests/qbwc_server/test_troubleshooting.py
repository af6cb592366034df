"""Issue 11, troubleshooting: docs/troubleshooting.md and /support are the code's own tables, and
they cover the messages a user meets in the field."""

from __future__ import annotations

import os
import re

import pytest
import requests
from lxml import html

import qbxml
from qbwc_server import troubleshoot
from tests.conftest import ROOT
from tests.qbwc_server.conftest import WSDLS, zeep_service

DOCS = ROOT / "docs" / "troubleshooting.md"
FIELD_QBWC_CODES = ("QBWC1012", "QBWC1013", "QBWC1039", "QBWC1042", "QBWC1048", "QBWC1085")
FIELD_HRESULTS = (
    "0x80040400",
    "0x80040408",
    "0x80040410",
    "0x80040416",
    "0x8004041D",
    "0x80040420",
    "0x80040422",
)


def _generated_block(text: str) -> str:
    start = text.index(troubleshoot.DOCS_BEGIN)
    end = text.index(troubleshoot.DOCS_END) + len(troubleshoot.DOCS_END) + 1
    return text[start:end]


def test_point_troubleshooting_docs_are_the_code_tables() -> None:
    """The tables in docs/troubleshooting.md are exactly what troubleshoot.py generates from
    qbxml's hresult and status tables (QBTIME_UPDATE_GOLDEN=1 rewrites them)."""
    text = DOCS.read_text(encoding="utf-8")
    generated = troubleshoot.troubleshooting_markdown()
    if os.environ.get("QBTIME_UPDATE_GOLDEN"):
        DOCS.write_text(text.replace(_generated_block(text), generated), encoding="utf-8")
        text = DOCS.read_text(encoding="utf-8")
    assert _generated_block(text) == generated


def test_point_troubleshooting_covers_the_field_messages() -> None:
    """Every code seen in the field has a row with a cause and a fix: the Web Connector's codes
    (QBWC1039 with both meanings, the certificate errors), the hresults and the statusCodes."""
    block = _generated_block(DOCS.read_text(encoding="utf-8"))
    for code in FIELD_QBWC_CODES:
        assert f"| {code} |" in block, code
    assert len([r for r in troubleshoot.qbwc_rows() if r.code == "QBWC1039"]) == 2
    assert "certificate" in block and "SSL/TLS secure channel" in block
    for code in FIELD_HRESULTS:
        info = qbxml.describe_hresult(code)
        assert info.known, code
        assert f"| `{code}` | {info.message} | {info.cause} | {info.fix} |" in block
    from qbxml.status import STATUS_CODES

    for status in STATUS_CODES:
        info = qbxml.describe_status(status)
        assert f"| `{status}` | {info.severity} | {info.meaning} | {info.fix} |" in block
    for row in (*troubleshoot.qbwc_rows(), *troubleshoot.hresult_rows()):
        assert row.cause.strip() and row.fix.strip(), row.code


def test_point_get_last_error_says_what_the_docs_say(live_url: str, companies) -> None:
    """After connectionError 0x80040408 the server's getLastError names the cause and the fix
    of that hresult's docs row, word for word."""
    created = companies.add()
    wsdl, binding = WSDLS["intuit-troubleshoot"]
    qbwc = zeep_service(wsdl, binding, f"{live_url}/qbwc")
    ticket = qbwc.authenticate(
        strUserName=created.company.qbwc_username, strPassword=created.password
    )[0]
    assert qbwc.connectionError(ticket=ticket, hresult="0x80040408", message="x") == "done"
    said = qbwc.getLastError(ticket=ticket)
    (row,) = [r for r in troubleshoot.hresult_rows() if r.code == "0x80040408"]
    assert row.cause in said and row.fix in said
    assert f"| `0x80040408` | {row.message} | {row.cause} | {row.fix} |" in DOCS.read_text()


def test_point_support_page_shows_the_table(live_url: str) -> None:
    """/support (the .qwc's AppSupport page) answers 200 with every row of the tables, instead
    of pointing at a folder the person at the QuickBooks PC cannot reach."""
    session = requests.Session()
    session.trust_env = False
    answer = session.get(f"{live_url}/support", timeout=10)
    assert answer.status_code == 200
    page = html.fromstring(answer.content)
    rows = {
        tuple(" ".join(td.text_content().split()) for td in tr.findall("td"))
        for tr in page.iter("tr")
        if tr.findall("td")
    }
    for row in (
        *troubleshoot.qbwc_rows(),
        *troubleshoot.hresult_rows(),
        *troubleshoot.status_rows(),
    ):
        assert (row.code, row.message, row.cause, row.fix) in rows, row.code
    assert not re.search(r"docs/</code>|project's <code>docs", answer.text)


@pytest.mark.parametrize("code", FIELD_HRESULTS)
def test_point_support_page_links_each_field_hresult(live_url: str, code: str) -> None:
    """Each field hresult has an anchor on /support (``/support#0x80040408``)."""
    session = requests.Session()
    session.trust_env = False
    page = html.fromstring(session.get(f"{live_url}/support", timeout=10).content)
    assert page.get_element_by_id(code) is not None
