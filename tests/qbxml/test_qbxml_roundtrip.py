"""Round trips: record -> Ret -> record, spec -> request -> spec, both schema-valid."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import qbxml as q
from tests.qbxml import strategies as s
from tests.qbxml.cases import REQUEST_CASES
from tests.qbxml.conftest import FIXTURES, SAMPLES, xsd_errors

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SINGLE = {"HostQueryRs", "CompanyQueryRs", "PreferencesQueryRs", "TimeTrackingAddRs", "TxnDelRs"}


def _status(rs_name: str, **kw) -> q.ResponseStatus:
    return q.ResponseStatus(
        request_id="r1", rs_name=rs_name, code=0, severity="Info", message="Status OK", **kw
    )


@FAST
@given(data=st.data())
@pytest.mark.parametrize("rs_name", sorted(s.RECORDS_BY_RS))
def test_rendered_records_parse_back_and_validate(xsd, rs_name, data):
    """render_msgs_rs then parse_msgs_rs gives the records back; the XML is 13.0/16.0-valid."""
    size = 1 if rs_name in SINGLE else 3
    records = tuple(data.draw(st.lists(s.RECORDS_BY_RS[rs_name], min_size=1, max_size=size)))
    response = q.Response(status=_status(rs_name), records=records)
    for version in ("13.0", "16.0"):
        text = q.render_msgs_rs([response], version)
        assert xsd_errors(xsd[version], text) == []
        assert q.parse_msgs_rs(text) == (response,)


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("QBXMLMsgsRs/*.xml")), ids=lambda p: p.stem)
def test_real_responses_survive_render_and_parse(xsd, path):
    """Records parsed from real responses render schema-valid and parse back equal."""
    responses = q.parse_msgs_rs(path.read_bytes())
    text = q.render_msgs_rs(responses, "16.0")
    assert xsd_errors(xsd["16.0"], text) == []
    assert q.parse_msgs_rs(text) == responses


def test_iterator_and_ret_count_attributes_are_rendered_where_allowed(xsd):
    """Iterator-capable Rs carry iterator attributes; others refuse them."""
    ok = q.Response(
        status=_status(
            "CustomerQueryRs",
            ret_count=1,
            iterator_id="{eb05f701-e727-472f-8ade-6753c4f67a46}",
            iterator_remaining_count=4,
        ),
        records=(q.Customer(name="A"),),
    )
    text = q.render_msgs_rs([ok], "13.0")
    assert 'iteratorRemainingCount="4"' in text
    assert xsd_errors(xsd["13.0"], text) == []
    bad = q.Response(status=_status("EmployeeQueryRs", iterator_remaining_count=4))
    with pytest.raises(ValueError, match="iterators"):
        q.render_msgs_rs([bad], "13.0")


@pytest.mark.parametrize(
    "response",
    [
        q.Response(status=_status("NoSuchQueryRs")),
        q.Response(status=_status("CustomerQueryRs"), records=(q.Employee(),)),
        q.Response(status=_status("HostQueryRs"), records=(q.Host(), q.Host())),
        q.Response(status=_status("HostQueryRs", ret_count=1)),
        q.Response(
            status=_status("PreferencesQueryRs"), records=(q.Preferences(is_using_estimates=True),)
        ),
        q.Response(status=_status("TxnDelRs"), records=(q.Host(),)),
    ],
)
def test_render_refuses_responses_the_schema_cannot_hold(response):
    """Unknown Rs names, wrong record kinds, extra records and partial groups raise ValueError."""
    with pytest.raises(ValueError):  # noqa: PT011 - several distinct messages
        q.render_msgs_rs([response], "16.0")


def test_render_leaves_out_fields_newer_than_the_version():
    """For qbXML 8.0 ExternalGUID of a time entry (9.0) and a customer ClassRef (12.0) vanish."""
    entry = q.TimeTracking(
        txn_id="1",
        external_guid="{6B29FC40-CA47-1067-B31D-00DD010662DA}",
        billable_status="Billable",
    )
    customer = q.Customer(name="A", class_ref=q.Ref(full_name="X"))
    text = q.render_msgs_rs(
        [
            q.Response(status=_status("TimeTrackingQueryRs"), records=(entry,)),
            q.Response(status=_status("CustomerQueryRs"), records=(customer,)),
        ],
        "8.0",
    )
    assert "ExternalGUID" not in text
    assert "ClassRef" not in text
    assert "BillableStatus" in text
    with pytest.raises(q.QbxmlVersionError):
        q.render_msgs_rs([q.Response(status=_status("TimeTrackingModRs"))], "5.0")


@pytest.mark.parametrize("case", sorted(REQUEST_CASES))
def test_built_requests_parse_back_to_the_same_spec(case):
    """parse_msgs_rq(build_msgs_rq(spec)) gives the spec back, with version and onError."""
    spec = REQUEST_CASES[case]
    parsed = q.parse_msgs_rq(q.build_msgs_rq([spec], "13.0", on_error="continueOnError"))
    assert parsed == q.MsgsRq(
        version=q.parse_version("13.0"), on_error="continueOnError", requests=(spec,)
    )


@FAST
@given(specs=st.lists(s.request_specs, min_size=1, max_size=4))
def test_any_request_spec_round_trips_and_validates(xsd, specs):
    """Random valid specs build schema-valid 16.0 requests that parse back equal."""
    specs = [
        replace(spec, request_id=f"{i}-{spec.request_id}"[:50]) for i, spec in enumerate(specs)
    ]
    text = q.build_msgs_rq(specs, "16.0")
    assert xsd_errors(xsd["16.0"], text) == []
    assert q.parse_msgs_rq(text).requests == tuple(specs)


@pytest.mark.parametrize(
    "path",
    [
        SAMPLES / "synthetic-validated" / "requests_all_target_queries.xml",
        SAMPLES / "synthetic-validated" / "TimeTrackingAddRq.xml",
        SAMPLES / "intuit-sdk-xmlfiles" / "EmployeeQueryRq.xml",
        SAMPLES / "intuit-sdk-xmlfiles" / "HostQueryRq.xml",
        SAMPLES / "intuit-sdk-xmlfiles" / "PayrollItemWageQueryRq.xml",
        SAMPLES / "qbwc-qbxml-gem-fixtures" / "requests" / "customer_query_iterator_rq.xml",
    ],
    ids=lambda p: p.stem,
)
def test_real_request_samples_parse_and_rebuild_valid(xsd, path):
    """Sample requests parse into specs that rebuild into schema-valid documents."""
    parsed = q.parse_msgs_rq(path.read_bytes())
    assert parsed.requests
    text = q.build_msgs_rq(list(parsed.requests), parsed.version, on_error=parsed.on_error)  # type: ignore[arg-type]
    assert xsd_errors(xsd["13.0"], text) == []
    assert q.parse_msgs_rq(text) == parsed


def test_unknown_requests_raise_or_are_kept():
    """Unmodelled request types raise QbxmlStructureError, or become UnsupportedRequest items."""
    data = (SAMPLES / "intuit-sdk-xmlfiles" / "AccountQueryRq.xml").read_bytes()
    with pytest.raises(q.QbxmlStructureError) as info:
        q.parse_msgs_rq(data)
    assert info.value.path.endswith("AccountQueryRq")
    kept = q.parse_msgs_rq(data, unknown="keep")
    assert [type(r) for r in kept.requests] == [q.UnsupportedRequest]


@pytest.mark.parametrize(
    ("doc", "error"),
    [
        ('<QBXML><QBXMLMsgsRq onError="stopOnError"/></QBXML>', q.QbxmlStructureError),
        ('<?qbxml version="13.0"?><QBXML><QBXMLMsgsRq/></QBXML>', q.QbxmlStructureError),
        ('<?qbxml version="x"?><QBXML/>', q.QbxmlValueError),
        (
            '<?qbxml version="13.0"?><QBXML><QBXMLMsgsRq onError="stopOnError"><CustomerQueryRq requestID="1">'
            "<ActiveStatus>All</ActiveStatus><MaxReturned>5</MaxReturned></CustomerQueryRq></QBXMLMsgsRq></QBXML>",
            q.QbxmlStructureError,
        ),
        (
            '<?qbxml version="13.0"?><QBXML><QBXMLMsgsRq onError="stopOnError"><EmployeeQueryRq requestID="1" iterator="Start"/>'
            "</QBXMLMsgsRq></QBXML>",
            q.QbxmlStructureError,
        ),
        (
            '<?qbxml version="8.0"?><QBXML><QBXMLMsgsRq onError="stopOnError"><TimeTrackingAddRq requestID="1"><TimeTrackingAdd>'
            "<EntityRef><FullName>J</FullName></EntityRef><Duration>PT1H</Duration>"
            "<ExternalGUID>{6B29FC40-CA47-1067-B31D-00DD010662DA}</ExternalGUID></TimeTrackingAdd></TimeTrackingAddRq>"
            "</QBXMLMsgsRq></QBXML>",
            q.QbxmlVersionError,
        ),
    ],
    ids=["no-pi", "no-onerror", "bad-version", "out-of-order", "iterator-not-allowed", "too-new"],
)
def test_request_parser_is_as_strict_as_quickbooks(doc, error):
    """Missing PI/onError, wrong order, schema-illegal iterators and too-new fields are refused."""
    with pytest.raises(error):
        q.parse_msgs_rq(doc)


@pytest.mark.parametrize(
    "path",
    sorted((SAMPLES / "synthetic-validated" / "should-fail").glob("*.xml")),
    ids=lambda p: p.stem,
)
def test_should_fail_samples_stay_invalid_and_are_refused(xsd, path):
    """The negative samples fail both XSDs, and the request parser refuses them too."""
    data = path.read_bytes()
    for version in ("13.0", "16.0"):
        assert xsd_errors(xsd[version], data)
    with pytest.raises(q.QbxmlError):
        q.parse_msgs_rq(data)
