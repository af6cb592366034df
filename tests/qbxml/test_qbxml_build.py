"""Request builders: schema validity, golden files, version refusals, input checks."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

import qbxml as q
from tests.qbxml.cases import GUID, REQUEST_CASES
from tests.qbxml.conftest import xsd_errors

CASE_IDS = sorted(REQUEST_CASES)


@pytest.mark.parametrize("version", ["13.0", "16.0"])
@pytest.mark.parametrize("case", CASE_IDS)
def test_every_request_validates_against_the_xsd(xsd, case, version):
    """Each builder output is valid against the official XSD of its version."""
    text = q.build_msgs_rq([REQUEST_CASES[case]], version)
    assert xsd_errors(xsd[version], text) == []


@pytest.mark.parametrize("version", ["13.0", "16.0"])
def test_a_message_set_of_all_requests_validates(xsd, version):
    """All request kinds together in one message set are valid, in order."""
    specs = [replace(s, request_id=str(i)) for i, s in enumerate(REQUEST_CASES.values())]
    text = q.build_msgs_rq(specs, version, on_error="continueOnError")
    assert xsd_errors(xsd[version], text) == []


@pytest.mark.parametrize("case", CASE_IDS)
def test_builder_output_matches_golden_file(golden, case):
    """Builder output equals its reviewed golden file (canonical XML)."""
    spec = REQUEST_CASES[case]
    golden(f"{spec.RQ_NAME}/{case}.xml", q.build_msgs_rq([spec], "13.0"))


def test_document_starts_with_both_processing_instructions():
    """The document opens with the XML declaration and the qbxml PI, then QBXML/QBXMLMsgsRq."""
    text = q.build_msgs_rq([REQUEST_CASES["host"]], "16.0", on_error="continueOnError")
    assert text.startswith(
        '<?xml version="1.0" encoding="utf-8"?>\n<?qbxml version="16.0"?>\n<QBXML>\n'
        '  <QBXMLMsgsRq onError="continueOnError">'
    )


@pytest.mark.parametrize("version", ["CA3.0", "UK2.0", "OZ2.0", "AU3.0", "1.0", "5.0"])
def test_old_and_country_versions_are_written_in_the_pi(version):
    """Prefixed versions before 6.0 appear verbatim in the qbxml PI."""
    text = q.build_msgs_rq([q.CustomerQuery(request_id="1", active_status="All")], version)
    assert f'<?qbxml version="{version}"?>' in text


@pytest.mark.parametrize(
    ("spec", "version", "path", "required"),
    [
        (REQUEST_CASES["time_add_full"], "8.0", "TimeTrackingAdd/ExternalGUID", "9.0"),
        (
            q.TimeTrackingAdd(
                request_id="1",
                entity_ref=q.Ref(full_name="J"),
                duration=timedelta(0),
                billable_status="Billable",
            ),
            "5.0",
            "TimeTrackingAdd/BillableStatus",
            "6.0",
        ),
        (REQUEST_CASES["time_mod"], "CA5.0", "TimeTrackingModRq", "6.0"),
        (REQUEST_CASES["list_deleted"], "1.1", "ListDeletedQueryRq", "2.0"),
        (REQUEST_CASES["preferences"], "1.0", "PreferencesQueryRq", "1.1"),
        (REQUEST_CASES["host_include"], "3.0", "HostQueryRq/IncludeRetElement", "4.0"),
        (REQUEST_CASES["company_fileid"], "1.1", "CompanyQueryRq/OwnerID", "2.0"),
        (REQUEST_CASES["vendor_iterator_start"], "4.1", "VendorQueryRq/@iterator", "5.0"),
        (
            q.CustomerQuery(request_id="1", include_ret_elements=("ClassRef",)),
            "11.0",
            "CustomerQueryRq/IncludeRetElement[ClassRef]",
            "12.0",
        ),
        (
            q.PayrollItemWageQuery(request_id="1", include_ret_elements=("OvertimeMultiplier",)),
            "13.0",
            "PayrollItemWageQueryRq/IncludeRetElement[OvertimeMultiplier]",
            "16.0",
        ),
        (
            q.TxnDel(request_id="1", txn_del_type="PayrollPriorPayment", txn_id="1-2"),
            "13.0",
            "TxnDelRq/TxnDelType",
            "16.0",
        ),
    ],
)
def test_fields_newer_than_the_version_are_refused(spec, version, path, required):
    """A request or field newer than the target version raises QbxmlVersionError naming it."""
    with pytest.raises(q.QbxmlVersionError) as info:
        q.build_msgs_rq([spec], version)
    assert info.value.path == path
    assert info.value.required == required
    assert isinstance(info.value, ValueError)


def test_payroll_txn_del_type_is_valid_for_16(xsd):
    """A TxnDelType that only 16.0 has validates against the 16.0 schema."""
    spec = q.TxnDel(request_id="1", txn_del_type="PayrollPriorPayment", txn_id="1-2")
    assert xsd_errors(xsd["16.0"], q.build_msgs_rq([spec], "16.0")) == []


@pytest.mark.parametrize(
    "make",
    [
        lambda: q.EmployeeQuery(request_id="1", iterator="Start"),
        lambda: q.ClassQuery(request_id="1", iterator_id="{x}"),
        lambda: q.OtherNameQuery(request_id="1", iterator="Continue"),
        lambda: q.CustomerQuery(request_id="1", iterator="Continue"),
        lambda: q.CustomerQuery(request_id="1", iterator="Start", iterator_id=GUID),
        lambda: q.CustomerQuery(request_id="", active_status="All"),
        lambda: q.CustomerQuery(request_id="x" * 51),
        lambda: q.CustomerQuery(request_id="1", list_ids=("1",), active_status="All"),
        lambda: q.CustomerQuery(request_id="1", list_ids=("1",), full_names=("a",)),
        lambda: q.CustomerQuery(
            request_id="1",
            name_filter=q.NameFilter(match_criterion="Contains", name="a"),
            name_range=q.NameRangeFilter(from_name="a"),
        ),
        lambda: q.CustomerQuery(request_id="1", max_returned=0),
        lambda: q.CustomerQuery(request_id="1", active_status="Some"),
        lambda: q.ClassQuery(request_id="1", owner_ids=("0",)),
        lambda: q.CompanyQuery(request_id="1", owner_ids=("not-a-guid",)),
        lambda: q.CustomerQuery(request_id="1", include_ret_elements=("NoSuchElement",)),
        lambda: q.ListDeletedQuery(request_id="1", list_del_types=()),
        lambda: q.ListDeletedQuery(request_id="1", list_del_types=("Nope",)),
        lambda: q.TimeTrackingAdd(request_id="1", entity_ref=q.Ref(), duration=timedelta(hours=1)),
        lambda: q.TimeTrackingAdd(
            request_id="1", entity_ref=q.Ref(full_name="J"), duration=timedelta(seconds=90)
        ),
        lambda: q.TimeTrackingAdd(
            request_id="1", entity_ref=q.Ref(full_name="J"), duration=-timedelta(hours=1)
        ),
        lambda: q.TimeTrackingAdd(
            request_id="1", entity_ref=q.Ref(full_name="J"), duration=timedelta(0), notes="x" * 4096
        ),
        lambda: q.TimeTrackingAdd(
            request_id="1",
            entity_ref=q.Ref(full_name="J"),
            duration=timedelta(0),
            external_guid="{nope}",
        ),
        lambda: q.TimeTrackingMod(
            request_id="1",
            txn_id="",
            edit_sequence="1",
            entity_ref=q.Ref(full_name="J"),
            duration=timedelta(0),
        ),
        lambda: q.TimeTrackingQuery(request_id="1", txn_ids=("1",), max_returned=5),
        lambda: q.TimeTrackingQuery(request_id="1", employee=None),  # type: ignore[call-arg]
        lambda: q.TxnDel(request_id="1", txn_id="1", txn_del_type="Nope"),
    ],
)
def test_misuse_is_refused_at_construction(make):
    """Invalid spec combinations raise ValueError/TypeError before anything is built."""
    with pytest.raises((ValueError, TypeError)):
        make()


def test_time_query_ranges_exclude_each_other():
    """Modified-date and transaction-date ranges cannot both be given (schema choice)."""
    from datetime import date, datetime

    with pytest.raises(ValueError, match="exclude"):
        q.TimeTrackingQuery(
            request_id="1", from_modified_date=datetime(2024, 1, 1), from_txn_date=date(2024, 1, 1)
        )


def test_modified_dates_are_written_without_offset():
    """An aware FromModifiedDate is sent as QuickBooks local wall time, without an offset."""
    text = q.build_msgs_rq([REQUEST_CASES["employee_incremental"]], "13.0")
    assert "<FromModifiedDate>2024-01-01T08:55:00</FromModifiedDate>" in text


@pytest.mark.parametrize(
    ("requests", "kwargs"),
    [
        ([], {}),
        ([q.HostQuery(request_id="1"), q.CompanyQuery(request_id="1")], {}),
        ([q.HostQuery(request_id="1")], {"on_error": "ignore"}),
    ],
)
def test_bad_message_sets_are_refused(requests, kwargs):
    """Empty sets, duplicate request IDs and unknown onError values raise ValueError."""
    with pytest.raises(ValueError, match="request|onError|on_error"):
        q.build_msgs_rq(requests, "13.0", **kwargs)


@pytest.mark.parametrize("text", ["Zoë 😀", "bell\x07"])
def test_text_quickbooks_cannot_read_is_refused(text):
    """Text outside ISO-8859-1 or XML 1.0 raises QbxmlValueError naming the element."""
    spec = q.TimeTrackingAdd(
        request_id="1", entity_ref=q.Ref(full_name="J"), duration=timedelta(0), notes=text
    )
    with pytest.raises(q.QbxmlValueError) as info:
        q.build_msgs_rq([spec], "13.0")
    assert info.value.path.endswith("TimeTrackingAdd/Notes")
    assert text not in str(info.value)
