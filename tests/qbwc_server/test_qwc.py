"""The .qwc file: golden output, QBWC's URL rules, escaping."""

from __future__ import annotations

import os
import re

import pytest
from lxml import etree

from qbwc_server.errors import ConfigurationError
from qbwc_server.qwc import QwcValues, braced_guid, render_qwc
from tests.conftest import FIXTURES

GOLDEN = FIXTURES / "golden" / "qwc"
VALUES = QwcValues(
    company_name="Acme Builders & Sons <West>",
    username="acme-builders",
    owner_id="6f1c1a2e-9f3b-4c55-8d0e-2a9b7c4d1e01",
    file_id="{0B7A4C2D-55E1-4F3A-9C8B-7D6E5F4A3B21}",
    app_url="https://sync.example.com/qbwc",
    support_url="",
    run_every_n_minutes=60,
)


def _canonical(text: str) -> bytes:
    parser = etree.XMLParser(remove_blank_text=True)
    return etree.tostring(etree.fromstring(text.encode(), parser), method="c14n2")


def test_golden_qwc() -> None:
    """The rendered .qwc matches the reviewed golden file (canonical XML comparison)."""
    text = render_qwc(VALUES)
    golden = GOLDEN / "acme.qwc"
    if os.environ.get("QBTIME_UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert _canonical(text) == _canonical(golden.read_text(encoding="utf-8"))


def test_qwc_fields() -> None:
    """Names carry the company, GUIDs have braces, AppSupport is on the AppURL's host."""
    doc = etree.fromstring(render_qwc(VALUES).encode())
    assert doc.findtext("AppName") == "qbtime-sync - Acme Builders & Sons <West>"
    assert doc.findtext("AppUniqueName") == "qbtime-sync-acme-builders"
    assert doc.findtext("OwnerID") == "{6F1C1A2E-9F3B-4C55-8D0E-2A9B7C4D1E01}"
    assert doc.findtext("FileID") == "{0B7A4C2D-55E1-4F3A-9C8B-7D6E5F4A3B21}"
    assert doc.findtext("AppSupport") == "https://sync.example.com/support"
    assert doc.findtext("QBType") == "QBFS" and doc.findtext("UserName") == "acme-builders"
    assert doc.findtext("Scheduler/RunEveryNMinutes") == "60"


def test_localhost_may_use_http() -> None:
    """QBWC accepts http only for localhost."""
    from dataclasses import replace

    doc = etree.fromstring(
        render_qwc(replace(VALUES, app_url="http://localhost:8080/qbwc")).encode()
    )
    assert doc.findtext("AppURL") == "http://localhost:8080/qbwc"
    assert doc.findtext("AppSupport") == "http://localhost:8080/support"


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://sync.example.com/qbwc", "https"),
        ("https://192.168.1.10/qbwc", "IP address"),
        ("https://[::1]/qbwc", "IP address"),
        ("http://127.0.0.1:8080/qbwc", "IP address"),
        ("ftp://sync.example.com/qbwc", "http(s)"),
        ("sync.example.com/qbwc", "http(s)"),
        ("https://user:pw@sync.example.com/qbwc", "password"),
    ],
)
def test_urls_qbwc_would_refuse(url: str, why: str) -> None:
    """A URL the Web Connector would refuse is refused with a clear reason."""
    from dataclasses import replace

    with pytest.raises(ConfigurationError, match=re.escape(why)):
        render_qwc(replace(VALUES, app_url=url))


def test_support_url_on_another_host_is_refused() -> None:
    """AppSupport must share AppURL's host (QBWC1000)."""
    from dataclasses import replace

    with pytest.raises(ConfigurationError, match="same host"):
        render_qwc(replace(VALUES, support_url="https://help.other.com/"))


@pytest.mark.parametrize(
    "bad", ["", "not-a-guid", "{1234}", "0B7A4C2D-55E1-4F3A-9C8B-7D6E5F4A3BZZ"]
)
def test_bad_guids_are_refused(bad: str) -> None:
    """Only real GUIDs go into a .qwc."""
    with pytest.raises(ConfigurationError):
        braced_guid(bad)


@pytest.mark.parametrize(
    ("given", "app_url", "support"),
    [
        ("https://h.example.com", "https://h.example.com/qbwc", "https://h.example.com/support"),
        ("https://h.example.com/", "https://h.example.com/qbwc", "https://h.example.com/support"),
        (
            "https://h.example.com/qbwc",
            "https://h.example.com/qbwc",
            "https://h.example.com/support",
        ),
        (
            "https://h.example.com/qbwc/",
            "https://h.example.com/qbwc",
            "https://h.example.com/support",
        ),
        (
            "https://h.example.com:8443/qb/",
            "https://h.example.com:8443/qb/qbwc",
            "https://h.example.com:8443/qb/support",
        ),
        (
            "https://h.example.com:8443/qb/qbwc",
            "https://h.example.com:8443/qb/qbwc",
            "https://h.example.com:8443/qb/support",
        ),
        (
            "https://H.Example.com/a/b",
            "https://h.example.com/a/b/qbwc",
            "https://h.example.com/a/b/support",
        ),
        ("http://localhost:8080", "http://localhost:8080/qbwc", "http://localhost:8080/support"),
    ],
)
def test_point_qwc_url_table(given: str, app_url: str, support: str) -> None:
    """Every URL in the .qwc keeps the server's path prefix: AppURL ends in /qbwc, AppSupport
    is /support beside it (without the prefix the Web Connector reports QBWC1003)."""
    from qbwc_server.qwc import server_urls

    urls = server_urls(given)
    assert (urls.app_url, urls.support_url) == (app_url, support)
    from dataclasses import replace

    doc = etree.fromstring(render_qwc(replace(VALUES, app_url=urls.app_url)).encode())
    assert (doc.findtext("AppURL"), doc.findtext("AppSupport")) == (app_url, support)


@pytest.mark.parametrize(
    "url",
    [
        "https://h.example.com/qbwc?x=1",
        "https://h.example.com/?x=1",
        "https://h.example.com/qbwc#top",
        "https://h.example.com/qbwc?",
    ],
)
def test_point_qwc_refuses_query_and_fragment(url: str) -> None:
    """A query string or fragment is refused with a sentence, never glued before /qbwc."""
    from qbwc_server.qwc import server_urls

    with pytest.raises(ConfigurationError, match="query string or fragment"):
        server_urls(url)


def test_point_qwc_ends_with_a_newline() -> None:
    """The rendered file ends with a newline after </QBWCXML>."""
    assert render_qwc(VALUES).endswith("</QBWCXML>\n")


def test_point_app_name_suffix_survives_truncation() -> None:
    """A long company name is cut so the duplicate suffix stays whole within 80 characters."""
    from dataclasses import replace

    doc = etree.fromstring(
        render_qwc(replace(VALUES, company_name="A" * 200, app_name_suffix=" (12)")).encode()
    )
    name = doc.findtext("AppName")
    assert name is not None and len(name) == 80 and name.endswith("A (12)")


def test_point_qwc_asks_for_write_access() -> None:
    """IsReadOnly stays false, so turning export on later needs no new authorisation."""
    assert etree.fromstring(render_qwc(VALUES).encode()).findtext("IsReadOnly") == "false"
