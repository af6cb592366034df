"""Message sets: onError stop/continue, parse and version failures as hresults, mutations."""

from __future__ import annotations

import pytest

import qbxml
from qbwc_server.simulate import CompanyError, FakeQuickBooks, ProcessRequestError, generate_company

GOOD = qbxml.EmployeeQuery(request_id="1")
BAD = qbxml.TxnDel(request_id="2", txn_id="FFFF-1")  # 3120
LATER = qbxml.VendorQuery(request_id="3")


@pytest.mark.parametrize(
    ("on_error", "answered"),
    [
        ("stopOnError", ["1", "2"]),
        ("rollbackOnError", ["1", "2"]),
        ("continueOnError", ["1", "2", "3"]),
    ],
)
def test_on_error(ask, on_error: str, answered: list[str]) -> None:
    """stopOnError ends the message set at the first error; continueOnError answers everything."""
    responses = ask(GOOD, BAD, LATER, on_error=on_error)
    assert [r.status.request_id for r in responses] == answered
    assert responses[1].status.code == 3120


def test_stop_on_error_also_stops_on_warnings(ask) -> None:
    """A status-500 warning stops a stopOnError message set too (qbwc/qbwc#54)."""
    warn = qbxml.EmployeeQuery(request_id="1", list_ids=("80009999-1",))
    assert [r.status.code for r in ask(warn, LATER)] == [500]


BROKEN = {
    "out of order": '<EmployeeQueryRq requestID="1"><ActiveStatus>All</ActiveStatus><MaxReturned>2</MaxReturned></EmployeeQueryRq>',
    "unknown element": '<EmployeeQueryRq requestID="1"><Colour>red</Colour></EmployeeQueryRq>',
    "unknown request": '<InvoiceTeleportRq requestID="1"/>',
    "newer than the version": '<TimeTrackingModRq requestID="1"><TimeTrackingMod><TxnID>1</TxnID><EditSequence>1</EditSequence><EntityRef><FullName>A</FullName></EntityRef><Duration>PT1H0M</Duration></TimeTrackingMod></TimeTrackingModRq>',
    "not XML": "<EmployeeQueryRq",
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_unparseable_request_fails_with_0x80040400(quickbooks: FakeQuickBooks, case: str) -> None:
    """A request QuickBooks cannot parse fails the whole message set with hresult 0x80040400."""
    version = "5.0" if case == "newer than the version" else "13.0"
    text = (
        f'<?xml version="1.0"?><?qbxml version="{version}"?><QBXML>'
        f'<QBXMLMsgsRq onError="continueOnError">{BROKEN[case]}</QBXMLMsgsRq></QBXML>'
    )
    with pytest.raises(ProcessRequestError) as caught:
        quickbooks.process(text)
    assert caught.value.hresult == "0x80040400"
    assert (
        caught.value.message
        == "QuickBooks found an error when parsing the provided XML text stream."
    )


def test_unsupported_version_fails_with_0x80040423(qb_clock) -> None:
    """A qbXML version this QuickBooks does not know fails with 0x80040423."""
    old = FakeQuickBooks(
        generate_company(customers=1, employees=1, clock=qb_clock), versions=("12.0", "13.0")
    )
    assert str(old.max_version) == "13.0"
    with pytest.raises(ProcessRequestError) as caught:
        old.process(qbxml.build_msgs_rq([GOOD], "16.0"))
    assert caught.value.hresult == "0x80040423"


def test_modify_bumps_edit_sequence_and_time_modified_even_within_a_second(quickbooks) -> None:
    """Every change moves EditSequence and TimeModified forward, even on a frozen clock."""
    company = quickbooks.company
    record = next(company.records("Employee"))
    first = company.modify(record.list_id, phone="1")
    second = company.modify(record.list_id, phone="2")
    assert int(record.edit_sequence) < int(first.edit_sequence) < int(second.edit_sequence)
    assert record.time_modified < first.time_modified < second.time_modified
    assert second.time_created == record.time_created and second.list_id == record.list_id


def test_ids_have_quickbooks_shapes(quickbooks) -> None:
    """ListIDs look like 80000001-1211236622 and TxnIDs like 1A2-1211236622."""
    import re

    company = quickbooks.company
    assert all(re.fullmatch(r"[0-9A-F]{8}-\d{10}", r.list_id) for r in company.records("Customer"))
    assert all(re.fullmatch(r"[0-9A-F]+-\d{10}", t) for t in company.time_entries)


def test_deactivating_a_customer_deactivates_its_jobs(quickbooks) -> None:
    """Making a customer inactive makes its jobs and sub-jobs inactive, as QuickBooks does."""
    company = quickbooks.company
    customer = company.find("Customer", "Baptiste, Jean")
    company.deactivate(customer.list_id)
    family = [r for r in company.records("Customer") if r.full_name.startswith("Baptiste, Jean")]
    assert len(family) > 1 and not any(r.is_active for r in family)


@pytest.mark.parametrize(
    ("action", "code"),
    [
        ("name in use", 3100),
        ("job name in use", 3100),
        ("delete parent", 3170),
        ("delete used", 3170),
        ("unknown", 3120),
    ],
)
def test_mutations_refused_like_quickbooks(quickbooks, action: str, code: int) -> None:
    """Mutations QuickBooks would refuse raise CompanyError with its status code."""
    company = quickbooks.company
    baptiste = company.find("Customer", "Baptiste, Jean")
    attempts = {
        "name in use": lambda: company.add("Vendor", name="maria alvarez"),  # shared with employees
        "job name in use": lambda: company.add_job(
            baptiste.list_id, company.children(baptiste.list_id)[0].name
        ),
        "delete parent": lambda: company.delete(baptiste.list_id),
        "delete used": lambda: company.delete(
            company.find("PayrollItemWage", "Hourly Regular").list_id
        ),
        "unknown": lambda: company.modify("80009999-1", name="x"),
    }
    with pytest.raises(CompanyError) as caught:
        attempts[action]()
    assert caught.value.status_code == code


def test_time_entry_durations_render_with_seconds(quickbooks) -> None:
    """Durations come back in QuickBooks' own PT{h}H{m}M{s}S form."""
    answer = quickbooks.process(
        qbxml.build_msgs_rq([qbxml.TimeTrackingQuery(request_id="1")], "13.0")
    )
    assert "<Duration>PT8H0M0S</Duration>" in answer and "<Duration>PT6H30M0S</Duration>" in answer
