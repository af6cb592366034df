"""The sample company (package data ``simulate/data/sample_company.json``, linked from
``fixtures/sample_company/company.json``) and a generator for big ones.

Both produce the same data shape, which :func:`populate` loads into a :class:`CompanyFile`:
classes, wage items, service items, employees with earnings, vendors, other names, customers
with nested ``jobs``, and time entries already in QuickBooks. Deterministic for a given seed.
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from qbxml import Ref, TimeTracking

from .company import Clock, CompanyFile

__all__ = [
    "SAMPLE_COMPANY_PATH",
    "generate_company",
    "generate_company_data",
    "load_sample_company",
    "populate",
    "sample_company_data",
]

# Package data, so an installed wheel syncs the same "Evergreen Builders" as a clone does.
SAMPLE_COMPANY_PATH = Path(__file__).resolve().parent / "data" / "sample_company.json"
_JOBS = [
    "Kitchen Remodel",
    "Bathroom Remodel",
    "Deck Addition",
    "Basement Finish",
    "Roof Replacement",
    "Window Replacement",
    "Tenant Improvement",
    "ADA Upgrades",
    "Storefront Repair",
    "Office Refresh",
]
_FIRST = [
    "Ava",
    "Ben",
    "Chloe",
    "Dev",
    "Emma",
    "Femi",
    "Gus",
    "Hana",
    "Ivan",
    "Jade",
    "Kai",
    "Lena",
    "Milo",
    "Nia",
    "Omar",
    "Pia",
    "Raj",
    "Sara",
    "Theo",
    "Uma",
]
_LAST = [
    "Adams",
    "Brooks",
    "Chen",
    "Diaz",
    "Evans",
    "Fox",
    "Garcia",
    "Hill",
    "Ito",
    "Jones",
    "Khan",
    "Lopez",
    "Moore",
    "Ng",
    "Ortiz",
    "Patel",
]


def _clock(clock: Clock | None) -> Clock:
    if clock is not None:
        return clock
    from qbwc_server.clock import SystemClock

    return SystemClock()


def sample_company_data(path: Path | None = None) -> dict[str, Any]:
    """The sample company's data (Evergreen Builders), or the data in ``path``.

    :raises FileNotFoundError: the file is missing (a broken installation).
    """
    data: dict[str, Any] = json.loads((path or SAMPLE_COMPANY_PATH).read_text(encoding="utf-8"))
    return data


def load_sample_company(*, clock: Clock | None = None, path: Path | None = None) -> CompanyFile:
    """A CompanyFile holding the sample construction company."""
    return populate(sample_company_data(path), clock=_clock(clock))


def _add_jobs(company: CompanyFile, parent: str, jobs: list[dict[str, Any]]) -> None:
    for job in jobs:
        record = company.add_job(
            parent,
            job["name"],
            job_status=job.get("job_status"),
            job_desc=job.get("job_desc"),
        )
        _add_jobs(company, record.list_id or "", job.get("jobs", []))
        if not job.get("active", True):
            company.deactivate(record.list_id or "")


def _inactive_last(company: CompanyFile, record: Any, item: dict[str, Any]) -> None:
    if not item.get("active", True):
        company.deactivate(record.list_id)


def populate(data: dict[str, Any], *, clock: Clock) -> CompanyFile:
    """Build a CompanyFile from sample-company data (see the module docstring)."""
    info = data.get("company", {})
    company = CompanyFile(
        clock=clock,
        name=info.get("name", "Sample Company"),
        legal_name=info.get("legal_name"),
        company_type=info.get("company_type"),
        path=info.get("path", CompanyFile.__init__.__kwdefaults__["path"]),  # type: ignore[index]
        utc_offset=timedelta(hours=info.get("utc_offset_hours", -5)),
    )
    for item in data.get("classes", []):
        rec = company.add("Class", name=item["name"], parent=item.get("parent"))
        _inactive_last(company, rec, item)
    for item in data.get("payroll_items", []):
        rec = company.add("PayrollItemWage", name=item["name"], wage_type=item["wage_type"])
        _inactive_last(company, rec, item)
    for item in data.get("service_items", []):
        price = Decimal(item["price"]) if item.get("price") else None
        rec = company.add(
            "ItemService",
            name=item["name"],
            parent=item.get("parent"),
            description=item.get("description"),
            price=price,
        )
        _inactive_last(company, rec, item)
    for item in data.get("employees", []):
        rec = company.add_employee(
            item["first_name"],
            item["last_name"],
            earnings=[(name, Decimal(rate)) for name, rate in item.get("earnings", [])],
            use_time_data=item.get("use_time_data", True),
            email=item.get("email"),
            phone=item.get("phone"),
            employee_type=item.get("employee_type"),
        )
        _inactive_last(company, rec, item)
    for item in data.get("vendors", []):
        rec = company.add(
            "Vendor",
            name=item["name"],
            company_name=item.get("company_name"),
            first_name=item.get("first_name"),
            last_name=item.get("last_name"),
            phone=item.get("phone"),
            is_vendor_eligible_for_1099=item.get("is_1099", False),
        )
        _inactive_last(company, rec, item)
    for item in data.get("other_names", []):
        rec = company.add("OtherName", name=item["name"])
        _inactive_last(company, rec, item)
    for item in data.get("customers", []):
        fields = {
            k: item.get(k) for k in ("company_name", "first_name", "last_name", "phone", "email")
        }
        rec = company.add_customer(item["name"], **fields)
        _add_jobs(company, rec.list_id or "", item.get("jobs", []))
        _inactive_last(company, rec, item)
    for item in data.get("time_entries", []):
        _add_time(company, item)
    return company


def _add_time(company: CompanyFile, item: dict[str, Any]) -> None:
    def ref(kind: str, name: str | None) -> Ref | None:
        if name is None:
            return None
        found = company.find(kind, name)  # type: ignore[arg-type]
        if found is None:
            raise ValueError(f"sample time entry refers to an unknown {kind} {name!r}")
        return company.ref_to(found)

    entity = next(
        (
            company.find(k, item["entity"])
            for k in ("Employee", "Vendor", "OtherName")
            if company.find(k, item["entity"]) is not None
        ),
        None,
    )
    if entity is None:
        raise ValueError(f"sample time entry for an unknown name {item['entity']!r}")
    now = company.now()
    entry = TimeTracking(
        txn_id=company.new_txn_id(),
        time_created=now,
        time_modified=now,
        edit_sequence=str(int(now.timestamp())),
        txn_number=company.next_txn_number(),
        txn_date=date.fromisoformat(item["date"]),
        entity_ref=company.ref_to(entity),
        customer_ref=ref("Customer", item.get("customer")),
        item_service_ref=ref("ItemService", item.get("item")),
        duration=timedelta(hours=float(item["hours"])),
        class_ref=ref("Class", item.get("class")),
        payroll_item_wage_ref=ref("PayrollItemWage", item.get("payroll_item")),
        notes=item.get("notes"),
        billable_status="Billable" if item.get("customer") and item.get("item") else "NotBillable",
    )
    company.time_entries[entry.txn_id or ""] = entry


def generate_company_data(
    *,
    customers: int = 100,
    jobs_per_customer: int = 2,
    employees: int = 20,
    vendors: int = 5,
    seed: int = 0,
) -> dict[str, Any]:
    """Data for a company of any size: N customers with k jobs each (some with sub-jobs),
    M hourly employees, vendors, and about 5% inactive records. Deterministic per seed."""
    rnd = random.Random(seed)
    wages = [
        ("Hourly Regular", "HourlyRegular"),
        ("Overtime (x1.5)", "HourlyOvertime"),
        ("Double Time (x2)", "HourlyOvertime"),
        ("Sick Hourly", "HourlySick"),
        ("Vacation Hourly", "HourlyVacation"),
    ]
    data: dict[str, Any] = {
        "format": 1,
        "company": {"name": f"Generated Company {seed}", "company_type": "Construction/Contractor"},
        "classes": [{"name": n} for n in ("Residential", "Commercial", "Overhead")],
        "payroll_items": [{"name": n, "wage_type": t} for n, t in wages],
        "service_items": [
            {"name": n, "price": p}
            for n, p in (
                ("Labor", "65.00"),
                ("Electrical", "95.00"),
                ("Plumbing", "92.00"),
                ("Cleanup", "45.00"),
            )
        ],
        "employees": [],
        "vendors": [],
        "customers": [],
        "time_entries": [],
    }
    for i in range(employees):
        rate = Decimal(rnd.randrange(1800, 4200)) / 100
        data["employees"].append(
            {
                "first_name": rnd.choice(_FIRST),
                "last_name": f"{rnd.choice(_LAST)} {i + 1}",
                "earnings": [
                    [n, str((rate * Decimal(m)).quantize(Decimal("0.01")))]
                    for (n, _), m in zip(wages, ("1", "1.5", "2", "1", "1"), strict=True)
                ],
                "use_time_data": rnd.random() < 0.9,
                "active": rnd.random() >= 0.05,
            }
        )
    for i in range(vendors):
        data["vendors"].append({"name": f"Vendor {i + 1:03d}", "active": i != 4})
    for i in range(customers):
        jobs = []
        for j in range(jobs_per_customer):
            job: dict[str, Any] = {
                "name": f"{_JOBS[(i + j) % len(_JOBS)]} {j + 1}",
                "job_status": "InProgress",
            }
            if rnd.random() < 0.2:
                job["jobs"] = [{"name": f"Phase {p}"} for p in (1, 2)]
            jobs.append(job)
        data["customers"].append(
            {"name": f"Customer {i + 1:06d}", "jobs": jobs, "active": rnd.random() >= 0.05}
        )
    return data


def generate_company(
    *,
    customers: int = 100,
    jobs_per_customer: int = 2,
    employees: int = 20,
    vendors: int = 5,
    seed: int = 0,
    clock: Clock | None = None,
) -> CompanyFile:
    """A CompanyFile of any size (see :func:`generate_company_data`)."""
    data = generate_company_data(
        customers=customers,
        jobs_per_customer=jobs_per_customer,
        employees=employees,
        vendors=vendors,
        seed=seed,
    )
    return populate(data, clock=_clock(clock))
