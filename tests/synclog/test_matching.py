"""Matching live requests to recorded ones by meaning, and rewriting the HCP answer's stamp."""

from __future__ import annotations

import qbxml
from qbwc_server import admin
from qbwc_server.cli_log import _qwc_ids
from qbwc_server.synclog.matching import NO_ANSWER_HRESULT, Matcher, Round, _parse
from qbwc_server.synclog.recorded import rewrite_hcp


def _rq(spec) -> str:
    return qbxml.build_msgs_rq([spec], "16.0", on_error="continueOnError")


def _rs(name: str, request_id: str) -> str:
    return (
        f'<?xml version="1.0" ?><QBXML><QBXMLMsgsRs><{name} requestID="{request_id}" '
        'statusCode="1" statusSeverity="Info" statusMessage="no match" /></QBXMLMsgsRs></QBXML>'
    )


def _round(i: int, spec, response: str = "", hresult: str = "") -> Round:
    request = _rq(spec)
    return Round(i, request, _parse(request), response, hresult, "")


def test_point_match_by_meaning_rewrites_request_ids() -> None:
    """A request equal but for its requestID gets the recorded response with the live id."""
    recorded = qbxml.EmployeeQuery(request_id="7.1", active_status="All")
    matcher = Matcher([_round(0, recorded, _rs("EmployeeQueryRs", "7.1"))])
    answer = matcher.answer(_rq(qbxml.EmployeeQuery(request_id="3.1", active_status="All")))
    assert 'requestID="3.1"' in answer.response and "7.1" not in answer.response
    matcher.finish()
    assert matcher.divergences == []


def test_point_order_filters_missing_and_unasked_are_divergences() -> None:
    """Another order, other filters, no recorded answer and unasked message sets each give
    one sentence; a recorded hresult is answered as an hresult."""
    rounds = [
        _round(
            0, qbxml.EmployeeQuery(request_id="1", active_status="All"), _rs("EmployeeQueryRs", "1")
        ),
        _round(1, qbxml.ClassQuery(request_id="2"), hresult="0x80040422"),
        _round(
            2, qbxml.VendorQuery(request_id="3", active_status="All"), _rs("VendorQueryRs", "3")
        ),
        _round(3, qbxml.ItemServiceQuery(request_id="4"), _rs("ItemServiceQueryRs", "4")),
    ]
    m = Matcher(rounds)
    assert m.answer(_rq(qbxml.ClassQuery(request_id="9"))).hresult == "0x80040422"
    assert "a different order" in m.divergences[-1]
    m.answer(_rq(qbxml.EmployeeQuery(request_id="10", active_status="ActiveOnly")))
    assert "asks for something else" in m.divergences[-1]
    assert "active_status 'All' in the log, 'ActiveOnly' now" in m.divergences[-1]
    missing = m.answer(_rq(qbxml.CustomerQuery(request_id="11")))
    assert missing.hresult == NO_ANSWER_HRESULT
    assert "CustomerQueryRq; the log has no answer for it" in m.divergences[-1]
    m.finish()
    assert m.divergences[-1].startswith("the server never asked for 2 message set(s)")


HCP = (
    "<CompanyRet><CompanyName>X</CompanyName><DataExtRet><OwnerID>{OLD-OWNER}</OwnerID>"
    "<DataExtName>FileID</DataExtName><DataExtType>STR255TYPE</DataExtType>"
    "<DataExtValue>{OLD-FILE}</DataExtValue></DataExtRet></CompanyRet>"
)


def test_point_hcp_carries_the_target_stamp() -> None:
    """The recorded FileID stamp becomes the target's OwnerID and FileID, or is removed."""
    out = rewrite_hcp(HCP, "{NEW-OWNER}", "{NEW-FILE}")
    assert "{NEW-OWNER}" in out and "{NEW-FILE}" in out and "OLD" not in out
    assert "DataExtRet" not in rewrite_hcp(HCP, None, None)


def test_point_qwc_gives_owner_and_file_id(sqlite_store, clock, settings, tmp_path) -> None:
    """``--qwc`` reads the target company's OwnerID and FileID from its .qwc file."""
    created = admin.add_company(sqlite_store, clock, "Target Co")
    path = tmp_path / "t.qwc"
    path.write_text(
        admin.company_qwc(sqlite_store, settings, created.company.id, "https://x.example")
    )
    owner = sqlite_store.get_installation()
    assert owner is not None
    assert _qwc_ids(path) == (owner.owner_id, created.company.file_id)
