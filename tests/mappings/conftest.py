"""Fixtures for the mappings tests: real qbXML responses parsed into records.

Records come from the captured and synthetic responses in ``fixtures/qbxml/`` and
``shared/reference/samples/``, and from the simulator's sample company (rendered to qbXML by
FakeQuickBooks, then parsed), which is the only source of Vendor, ItemService and Class rets.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import qbxml
from qbwc_server.simulate import FakeQuickBooks, load_sample_company
from tests.conftest import FIXTURES, REFERENCE

RESPONSE_FILES = sorted((FIXTURES / "qbxml").glob("*/*.xml")) + [
    REFERENCE / "samples" / "hotglue-qbwc-common-fixtures" / "customer-batch-valid.response.xml",
]
SYNTHETIC_MIXED = FIXTURES / "qbxml" / "QBXMLMsgsRs" / "synthetic_mixed.xml"

SAMPLE_QUERIES = {
    "employees": qbxml.EmployeeQuery,
    "vendors": qbxml.VendorQuery,
    "customers": qbxml.CustomerQuery,
    "service_items": qbxml.ItemServiceQuery,
    "classes": qbxml.ClassQuery,
    "payroll_items": qbxml.PayrollItemWageQuery,
}


def records_in(path: Path) -> list[qbxml.Record]:
    """Every record of a response document, in document order."""
    return [
        r for r in qbxml.iter_msgs_rs(path.read_bytes()) if not isinstance(r, qbxml.ResponseStatus)
    ]


@pytest.fixture(scope="session")
def sample_records() -> dict[str, list[qbxml.Record]]:
    """The sample company's lists (ActiveStatus All), by summary count key, via real qbXML."""
    quickbooks = FakeQuickBooks(load_sample_company())
    found: dict[str, list[qbxml.Record]] = {}
    for key, query in SAMPLE_QUERIES.items():
        request = qbxml.build_msgs_rq([query(request_id="1", active_status="All")], "16.0")
        (response,) = qbxml.parse_msgs_rs(quickbooks.process(request).encode("utf-8"))
        assert response.status.code == 0, response.status
        found[key] = list(response.records)
    return found
