"""FakeQuickBooks' answers validate against the qbXML 13.0 and 16.0 schemas, for every request."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest

import qbxml
from qbwc_server.simulate import FakeQuickBooks
from tests.simulate.conftest import OWNER_ID, assert_valid

Factory = Callable[[FakeQuickBooks], list[qbxml.RequestSpec]]


def _emp(qb: FakeQuickBooks) -> qbxml.Ref:
    return qbxml.Ref(full_name="Maria Alvarez")


def _time_add(qb: FakeQuickBooks, request_id: str = "1") -> qbxml.TimeTrackingAdd:
    return qbxml.TimeTrackingAdd(
        request_id=request_id,
        txn_date=date(2026, 10, 30),
        entity_ref=_emp(qb),
        customer_ref=qbxml.Ref(full_name="Baptiste, Jean"),
        item_service_ref=qbxml.Ref(full_name="Labor:Framing"),
        duration=timedelta(hours=7, minutes=30),
        class_ref=qbxml.Ref(full_name="Residential"),
        payroll_item_wage_ref=qbxml.Ref(full_name="Hourly Regular"),
        notes="Framed the north wall",
        billable_status="Billable",
        external_guid="{0f8fad5b-d9cb-469f-a165-70867728950e}",
    )


def _an_entry(qb: FakeQuickBooks) -> qbxml.TimeTracking:
    return next(iter(qb.company.time_entries.values()))


def _deleted(qb: FakeQuickBooks) -> list[qbxml.RequestSpec]:
    qb.company.delete(qb.company.add_customer("Short-lived Customer").list_id)
    return [qbxml.ListDeletedQuery(request_id="1", list_del_types=("Customer", "Vendor"))]


REQUESTS: dict[str, Factory] = {
    "HostQuery": lambda qb: [qbxml.HostQuery(request_id="1")],
    "CompanyQuery": lambda qb: [qbxml.CompanyQuery(request_id="1", owner_ids=(OWNER_ID,))],
    "PreferencesQuery": lambda qb: [qbxml.PreferencesQuery(request_id="1")],
    "EmployeeQuery": lambda qb: [qbxml.EmployeeQuery(request_id="1", active_status="All")],
    "VendorQuery": lambda qb: [
        qbxml.VendorQuery(request_id="1", iterator="Start", max_returned=2, owner_ids=("0",))
    ],
    "CustomerQuery": lambda qb: [
        qbxml.CustomerQuery(request_id="1", iterator="Start", max_returned=25, active_status="All")
    ],
    "ClassQuery": lambda qb: [qbxml.ClassQuery(request_id="1", active_status="All")],
    "PayrollItemWageQuery": lambda qb: [qbxml.PayrollItemWageQuery(request_id="1")],
    "ItemServiceQuery": lambda qb: [qbxml.ItemServiceQuery(request_id="1", active_status="All")],
    "OtherNameQuery": lambda qb: [qbxml.OtherNameQuery(request_id="1")],
    "ListDeletedQuery": _deleted,
    "TimeTrackingAdd": lambda qb: [_time_add(qb)],
    "TimeTrackingMod": lambda qb: [
        qbxml.TimeTrackingMod(
            request_id="1",
            txn_id=_an_entry(qb).txn_id or "",
            edit_sequence=_an_entry(qb).edit_sequence or "",
            entity_ref=_an_entry(qb).entity_ref or _emp(qb),
            duration=timedelta(hours=3),
            notes="corrected",
        )
    ],
    "TimeTrackingQuery": lambda qb: [
        qbxml.TimeTrackingQuery(request_id="1", iterator="Start", max_returned=3)
    ],
    "TxnDel": lambda qb: [qbxml.TxnDel(request_id="1", txn_id=_an_entry(qb).txn_id or "")],
    "errors and no-match": lambda qb: [
        qbxml.EmployeeQuery(request_id="1", list_ids=("80000999-1",)),
        qbxml.CustomerQuery(request_id="2", iterator="Continue", iterator_id=OWNER_ID),
        qbxml.OtherNameQuery(request_id="3", full_names=("Nobody",)),
        qbxml.TxnDel(request_id="4", txn_id="FFFF-1"),
        qbxml.TimeTrackingMod(
            request_id="5",
            txn_id="FFFF-1",
            edit_sequence="1",
            entity_ref=_emp(qb),
            duration=timedelta(hours=1),
        ),
        qbxml.VendorQuery(
            request_id="6", name_filter=qbxml.NameFilter(match_criterion="StartsWith", name="zzz")
        ),
    ],
}


@pytest.mark.parametrize("version", ["13.0", "16.0"])
@pytest.mark.parametrize("request_type", sorted(REQUESTS))
def test_answers_are_schema_valid(quickbooks, schemas, request_type: str, version: str) -> None:
    """Every request type gets a response that the version's qbXML schema accepts."""
    specs = REQUESTS[request_type](quickbooks)
    answer = quickbooks.process(qbxml.build_msgs_rq(specs, version, on_error="continueOnError"))
    assert_valid(schemas[version], answer)
    responses = qbxml.parse_msgs_rs(answer.encode())
    assert [r.status.request_id for r in responses] == [s.request_id for s in specs]


@pytest.mark.parametrize("version", ["13.0", "16.0"])
def test_hcp_response_is_schema_valid(quickbooks, schemas, version: str) -> None:
    """QBWC's HostQuery+CompanyQuery+PreferencesQuery answer validates, with requestIDs 0/1/2."""
    quickbooks.company.stamp_data_ext(OWNER_ID, "FileID", "{11111111-2222-4333-8444-555555555555}")
    hcp = quickbooks.hcp_response(OWNER_ID)
    assert_valid(schemas[version], hcp)
    responses = qbxml.parse_msgs_rs(hcp.encode())
    assert [r.status.request_id for r in responses] == ["0", "1", "2"]
    company = responses[1].records[0]
    assert isinstance(company, qbxml.Company)
    assert [(d.name, d.value) for d in company.data_ext] == [
        ("FileID", "{11111111-2222-4333-8444-555555555555}")
    ]


def test_strict_mode_checks_requests_against_the_schema(quickbooks, schemas) -> None:
    """With an XSD request validator, a schema-valid request is answered as usual."""
    import lxml.etree

    quickbooks.request_validator = lambda text: schemas["13.0"].validate(
        lxml.etree.fromstring(text.encode("latin-1", "replace"))
    )
    specs = [
        factory(quickbooks)[0]
        for factory in (REQUESTS["EmployeeQuery"], REQUESTS["TimeTrackingAdd"])
    ]
    renumbered = [specs[0], _time_add(quickbooks, "2")]
    answer = quickbooks.process(qbxml.build_msgs_rq(renumbered, "13.0"))
    assert [r.status.code for r in qbxml.parse_msgs_rs(answer.encode())] == [0, 0]
