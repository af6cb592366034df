"""Streaming response parser over real captured responses, the 2008 QBWC log and OSR extracts."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

import qbxml as q
from qbxml._ret_parse import RET_TABLES
from tests.qbxml.conftest import FIXTURES, QBWC_LOG, SAMPLES

FIXTURE_FILES = sorted(FIXTURES.glob("*/*.xml"))
EST = timezone(timedelta(hours=-5))


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_fixture_parses_with_one_status_per_rs(path):
    """Each captured response parses; statuses match the Rs elements in the file."""
    data = path.read_bytes()
    responses = q.parse_msgs_rs(data)
    rs_names = re.findall(rb"<(\w+Rs)\b", data)
    assert [r.status.rs_name.encode() for r in responses] == [
        n for n in rs_names if n != b"QBXMLMsgsRs"
    ]


def test_hcp_response_from_the_real_qbwc_log():
    """The 2008 strHCPResponse gives Host, Company (FileID DataExt) and Preferences records."""
    data = (QBWC_LOG / "07_qbwc-to-server_sendRequestXML.strHCPResponse.qbxml.xml").read_bytes()
    host_rs, company_rs, prefs_rs = q.parse_msgs_rs(data)
    assert host_rs.status == q.ResponseStatus(
        request_id="0", rs_name="HostQueryRs", code=0, severity="Info", message="Status OK"
    )
    (host,) = host_rs.records
    assert host == q.Host(
        product_name="QuickBooks Pro 2006",
        major_version="16",
        minor_version="0",
        country="US",
        supported_versions=("1.0", "1.1", "2.0", "2.1", "3.0", "4.0", "4.1", "5.0"),
        is_automatic_login=False,
        qb_file_mode="SingleUser",
    )
    (company,) = company_rs.records
    assert isinstance(company, q.Company)
    assert company.company_name == "Test Company"
    file_id = [e for e in company.data_ext if e.name == "FileID"]
    assert file_id == [
        q.DataExt(
            owner_id="{68b5925b-4347-4784-e58d-35a2d190962f}",
            name="FileID",
            type="STR255TYPE",
            value="{ee032e95-47f7-2564-096f-2d4545fcb021}",
        )
    ]
    (prefs,) = prefs_rs.records
    assert isinstance(prefs, q.Preferences)
    assert (prefs.is_using_class_tracking, prefs.first_day_of_week) == (False, "Monday")
    assert prefs.is_personal_data_access_allowed is False
    assert q.choose_version(host.supported_versions, host.country or "") == q.parse_version("5.0")


def test_customer_ret_inside_an_add_response_is_parsed():
    """A CustomerRet inside CustomerAddRs (real 2008 capture) becomes a Customer record."""
    (resp,) = q.parse_msgs_rs(
        (FIXTURES / "CustomerAddRs" / "qbwc2008_one_customer.xml").read_bytes()
    )
    (customer,) = resp.records
    assert customer == q.Customer(
        list_id="F0000-1215265593",
        time_created=datetime(2008, 7, 5, 9, 46, 33, tzinfo=EST),
        time_modified=datetime(2008, 7, 5, 9, 46, 33, tzinfo=EST),
        edit_sequence="1215265593",
        name="Shannon 171 Daniels",
        full_name="Shannon 171 Daniels",
        is_active=True,
        sublevel=0,
        first_name="Shannon 171",
        middle_name="R",
        last_name="Daniels",
        phone="1.860.634.1602",
        balance=Decimal("0.00"),
        total_balance=Decimal("0.00"),
        job_status="None",
    )


def test_iterator_attributes_are_read():
    """iteratorID and iteratorRemainingCount come through on the status."""
    (resp,) = q.parse_msgs_rs((FIXTURES / "CustomerQueryRs" / "qbwc_gem_iterator.xml").read_bytes())
    assert resp.status.iterator_id == "{eb05f701-e727-472f-8ade-6753c4f67a46}"
    assert resp.status.iterator_remaining_count == 18
    assert all(isinstance(r, q.Customer) for r in resp.records)
    assert resp.records


def test_synthetic_mixed_response_covers_payroll_jobs_and_errors():
    """Payroll earnings, a job's ParentRef, a wage type, ListDeleted, TimeTracking and statuses."""
    responses = q.parse_msgs_rs((FIXTURES / "QBXMLMsgsRs" / "synthetic_mixed.xml").read_bytes())
    by_id = {r.status.request_id: r for r in responses}
    employee = by_id["1"].records[0]
    assert isinstance(employee, q.Employee)
    assert employee.payroll is not None
    assert employee.payroll.use_time_data_to_create_paychecks == "UseTimeData"
    assert employee.payroll.earnings == (
        q.Earning(
            payroll_item_wage_ref=q.Ref(list_id="10000-1", full_name="Regular Pay"),
            rate=Decimal("25.00"),
        ),
    )
    job = by_id["3"].records[0]
    assert isinstance(job, q.Customer)
    assert (job.full_name, job.sublevel, job.job_status) == ("Acme Corp:Job 1", 1, "InProgress")
    assert job.parent_ref == q.Ref(list_id="80000009-1700000000", full_name="Acme Corp")
    wage = by_id["5"].records[0]
    assert isinstance(wage, q.PayrollItemWage)
    assert wage.wage_type == "HourlyRegular"
    deleted = by_id["7"].records[0]
    assert isinstance(deleted, q.ListDeleted)
    assert deleted.list_del_type == "Customer"
    entry = by_id["8"].records[0]
    assert isinstance(entry, q.TimeTracking)
    assert (entry.duration, entry.txn_date) == (timedelta(hours=7, minutes=30), date(2024, 3, 15))
    assert by_id["2"].status.is_no_match
    assert not by_id["2"].records
    assert by_id["4"].status.is_error
    assert by_id["4"].status.code == 3120


def test_order_tolerance_and_per_request_errors():
    """A reconstructed response with out-of-order children parses; the 3100 status is data."""
    responses = q.parse_msgs_rs(
        (FIXTURES / "CustomerAddRs" / "hotglue_batch_mixed.xml").read_bytes()
    )
    first = responses[0].records[0]
    assert isinstance(first, q.Customer)
    assert first.company_name == "Valid first"
    assert first.sublevel == 0
    assert any(r.status.code == 3100 and r.status.is_error for r in responses)


@pytest.mark.parametrize("name", ["AccountQueryRs", "SalesReceiptAddRs"])
def test_unknown_rs_types_yield_status_only(name):
    """Rs types the library does not model still give their status, with no records."""
    (path,) = (FIXTURES / name).glob("*.xml")
    responses = q.parse_msgs_rs(path.read_bytes())
    assert responses
    assert all(not r.records for r in responses)
    assert responses[0].status.rs_name == name


@pytest.mark.parametrize("kind", ["bytes", "str", "file"])
def test_sources_may_be_bytes_str_or_binary_files(kind):
    """The same document parses from bytes, str and a binary file object."""
    data = (FIXTURES / "QBXMLMsgsRs" / "synthetic_mixed.xml").read_bytes()
    source = {"bytes": data, "str": data.decode(), "file": io.BytesIO(data)}[kind]
    assert q.parse_msgs_rs(source) == q.parse_msgs_rs(data)


def test_iter_yields_status_before_records_in_document_order():
    """iter_msgs_rs streams each status and then its records."""
    items = list(
        q.iter_msgs_rs((FIXTURES / "CustomerQueryRs" / "qbwc_gem_iterator.xml").read_bytes())
    )
    assert isinstance(items[0], q.ResponseStatus)
    assert all(isinstance(i, q.Customer) for i in items[1:])


def test_txn_del_response_becomes_a_record():
    """TxnDelRs carries its fields directly; they become a TxnDelResult."""
    doc = (
        '<?xml version="1.0" ?><QBXML><QBXMLMsgsRs><TxnDelRs requestID="d" statusCode="0" '
        'statusSeverity="Info" statusMessage="Status OK"><TxnDelType>TimeTracking</TxnDelType>'
        "<TxnID>1F-1</TxnID><TimeDeleted>2024-03-16T10:00:00-05:00</TimeDeleted></TxnDelRs>"
        "</QBXMLMsgsRs></QBXML>"
    )
    (resp,) = q.parse_msgs_rs(doc)
    assert resp.records == (
        q.TxnDelResult(
            txn_del_type="TimeTracking",
            txn_id="1F-1",
            time_deleted=datetime(2024, 3, 16, 10, tzinfo=EST),
        ),
    )


def _osr_ret_children(path, ret):
    text = path.read_text()
    block = text[text.index(f"<{ret}>", text.index("<QBXMLMsgsRs")) :]
    block = block[: block.index(f"</{ret}>")]
    return set(re.findall(r"<(\w+)[ >]", block))


@pytest.mark.parametrize(
    ("extract", "ret"),
    [
        ("HostQuery", "HostRet"),
        ("CompanyQuery", "CompanyRet"),
        ("EmployeeQuery", "EmployeeRet"),
        ("VendorQuery", "VendorRet"),
        ("CustomerQuery", "CustomerRet"),
        ("ClassQuery", "ClassRet"),
        ("PayrollItemWageQuery", "PayrollItemWageRet"),
        ("ItemServiceQuery", "ItemServiceRet"),
        ("ListDeletedQuery", "ListDeletedRet"),
        ("TimeTrackingQuery", "TimeTrackingRet"),
    ],
)
def test_parser_tables_name_only_elements_of_the_osr_ret(extract, ret):
    """Every element the parser reads for a Ret exists in Intuit's OSR sample of that Ret."""
    osr = _osr_ret_children(SAMPLES / "osr-extracts-qbxmlops140" / f"{extract}.ops140.xml", ret)
    _, table = RET_TABLES[ret]
    names: set[str] = set()
    stack = [table]
    while stack:
        current = stack.pop()
        for tag, spec in current.items():
            names.add(tag)
            if isinstance(spec, dict):
                stack.append(spec)
    assert names <= osr


def test_osr_extracts_with_placeholder_values_raise_the_library_error():
    """OSR samples hold type names (DATETIMETYPE) as values: parsing fails with QbxmlValueError."""
    path = SAMPLES / "osr-extracts-qbxmlops140" / "CustomerQuery.ops140.xml"
    text = path.read_text()
    response = "<QBXML>" + text[text.index("<QBXMLMsgsRs") :]
    with pytest.raises(q.QbxmlError):
        q.parse_msgs_rs(response.replace('= "', '="'))


@pytest.mark.parametrize(
    ("doc", "error"),
    [
        (
            "<QBXML><QBXMLMsgsRs><HostQueryRs statusSeverity='Info'/></QBXMLMsgsRs></QBXML>",
            q.QbxmlStructureError,
        ),
        (
            "<QBXML><QBXMLMsgsRs><HostQueryRs statusCode='0'/></QBXMLMsgsRs></QBXML>",
            q.QbxmlStructureError,
        ),
        (
            "<QBXML><QBXMLMsgsRs><HostQueryRs statusCode='x' statusSeverity='Info'/></QBXMLMsgsRs></QBXML>",
            q.QbxmlValueError,
        ),
        (
            "<QBXML><QBXMLMsgsRs><HostQueryRs statusCode='0' statusSeverity='Bad'/></QBXMLMsgsRs></QBXML>",
            q.QbxmlValueError,
        ),
        ("<QBXML/>", q.QbxmlStructureError),
        ("<Other/>", q.QbxmlStructureError),
        (
            "<QBXML><QBXMLMsgsRs><TimeTrackingQueryRs statusCode='0' statusSeverity='Info'>"
            "<TimeTrackingRet><Duration>7.5</Duration></TimeTrackingRet></TimeTrackingQueryRs></QBXMLMsgsRs></QBXML>",
            q.QbxmlValueError,
        ),
        (
            "<QBXML><QBXMLMsgsRs><CompanyQueryRs statusCode='0' statusSeverity='Info'><CompanyRet>"
            "<DataExtRet><DataExtValue>x</DataExtValue></DataExtRet></CompanyRet></CompanyQueryRs></QBXMLMsgsRs></QBXML>",
            q.QbxmlStructureError,
        ),
    ],
)
def test_structural_problems_raise_library_errors(doc, error):
    """Missing status attributes, a wrong root or bad values raise the matching QbxmlError."""
    with pytest.raises(error):
        q.parse_msgs_rs(doc)


def test_value_errors_name_the_path_not_the_text():
    """A bad value's error names the element path; the text is kept on .value only."""
    doc = (
        "<QBXML><QBXMLMsgsRs><CustomerQueryRs statusCode='0' statusSeverity='Info'><CustomerRet>"
        "<TimeCreated>secret-text</TimeCreated></CustomerRet></CustomerQueryRs></QBXMLMsgsRs></QBXML>"
    )
    with pytest.raises(q.QbxmlValueError) as info:
        q.parse_msgs_rs(doc)
    assert info.value.path == "QBXML/QBXMLMsgsRs/CustomerQueryRs/CustomerRet/TimeCreated"
    assert info.value.value == "secret-text"
    assert "secret-text" not in str(info.value)
