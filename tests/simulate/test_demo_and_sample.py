"""``qbtime demo`` runs a full simulated sync quickly; the sample company and the generator."""

from __future__ import annotations

from collections import Counter

import pytest
from click.testing import CliRunner

from qbwc_server.cli import main
from qbwc_server.simulate import generate_company, generate_company_data, load_sample_company


def test_qbtime_demo_exits_0_and_prints_the_summary(tmp_path) -> None:
    """`qbtime demo` finishes a sync against the sample company (its speed: bench/)."""
    result = CliRunner().invoke(main, ["--home", str(tmp_path), "demo"])
    assert result.exit_code == 0, result.output
    assert "closeConnection said:" in result.output and "outcome: finished" in result.output
    assert "Evergreen Builders" in result.output


def test_sample_company_is_a_realistic_small_business(qb_clock) -> None:
    """About 15 employees with earnings, 5 vendors (2 with time), ~40 customers with jobs and
    sub-jobs, classes, service items, the hourly wage items, and some inactive records."""
    company = load_sample_company(clock=qb_clock)
    employees = list(company.records("Employee"))
    assert len(employees) == 15 and all(e.payroll.earnings for e in employees)
    vendors = list(company.records("Vendor"))
    with_time = {e.entity_ref.full_name for e in company.time_entries.values()} & {
        v.name for v in vendors
    }
    assert len(vendors) == 5 and len(with_time) == 2
    customers = list(company.records("Customer"))
    assert len([c for c in customers if c.sublevel == 0]) == 40
    assert {c.sublevel for c in customers} == {0, 1, 2}
    wage_types = Counter(w.wage_type for w in company.records("PayrollItemWage"))
    assert {"HourlyRegular", "HourlyOvertime", "HourlySick", "HourlyVacation"} <= set(wage_types)
    assert wage_types["HourlyOvertime"] == 2  # overtime and double time
    for kind in ("Employee", "Vendor", "Customer", "Class", "PayrollItemWage", "ItemService"):
        assert any(not r.is_active for r in company.records(kind)), kind
    assert list(company.records("Class")) and list(company.records("ItemService"))


def test_generator_is_deterministic_and_sized(qb_clock) -> None:
    """The generator gives N customers with k jobs each and M employees, the same for a seed."""
    assert generate_company_data(customers=30, seed=7) == generate_company_data(
        customers=30, seed=7
    )
    assert generate_company_data(customers=30, seed=7) != generate_company_data(
        customers=30, seed=8
    )
    company = generate_company(customers=50, jobs_per_customer=3, employees=12, clock=qb_clock)
    customers = list(company.records("Customer"))
    assert len([c for c in customers if c.sublevel == 0]) == 50
    assert len([c for c in customers if c.sublevel == 1]) == 150
    assert len(list(company.records("Employee"))) == 12


@pytest.mark.parametrize("customers", [2000])
def test_large_company_pages_quickly(qb_clock, customers: int) -> None:
    """A company with thousands of customers/jobs builds and pages by iterator (speed: bench/)."""
    import qbxml
    from qbwc_server.simulate import FakeQuickBooks

    qb = FakeQuickBooks(generate_company(customers=customers, jobs_per_customer=2, clock=qb_clock))
    request = qbxml.build_msgs_rq(
        [qbxml.CustomerQuery(request_id="1", iterator="Start", max_returned=500)], "13.0"
    )
    status = qbxml.parse_msgs_rs(qb.process(request).encode())[0].status
    assert status.ret_count == 500 and status.iterator_remaining_count > 5000
