"""The integration health checks (issue 16): each check's cause raises it, with the fix and
where to make it; a healthy company has none; properties over generated facts."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mappings import (
    CHECK_CODES,
    Check,
    HealthEmployee,
    HealthFacts,
    HealthSession,
    ImportOptions,
    check_health,
    check_to_json,
    health_summary,
)
from mappings.health import NAMES_SHOWN
from tests.mappings import strategies as s

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
EVERY = timedelta(minutes=60)
FILE = r"C:\Company Files\acme.qbw"
STAMP = "{6F1A7C2E-0B3D-4E5F-8A9B-1C2D3E4F5A6B}"
PRO, ENTERPRISE = "QuickBooks Pro 2023", "QuickBooks Enterprise Solutions 24.0"
EXPORT = ImportOptions(export_time=True)
GOOD_SESSION = HealthSession(company_file=FILE, file_stamp=STAMP, product=PRO)


def healthy(**changes: object) -> HealthFacts:
    """A synced company with nothing wrong, then ``changes``."""
    base = HealthFacts(
        company_id=7,
        week_start="Monday",
        options=EXPORT,
        qb_first_day_of_week="Monday",
        qb_class_tracking=True,
        employees=(
            HealthEmployee(name="Maria Alvarez", uses_time_data=True, has_hourly_item=True),
        ),
        bound_company_file=FILE,
        bound_file_stamp=STAMP,
        last_session=GOOD_SESSION,
        previous_product=PRO,
        qbxml_version="16.0",
        last_success_at=NOW - timedelta(minutes=30),
        created_at=NOW - timedelta(days=30),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def codes(facts: HealthFacts) -> list[str]:
    return [c.code for c in check_health(facts, now=NOW, every=EVERY)]


def only(facts: HealthFacts) -> Check:
    [check] = check_health(facts, now=NOW, every=EVERY)
    return check


SALARIED = HealthEmployee(name="Owen Fitzgerald", uses_time_data=True, has_hourly_item=False)
NO_TIME_DATA = HealthEmployee(name="Aiyana Begay", uses_time_data=False, has_hourly_item=True)

CAUSES = {
    "week_start": healthy(qb_first_day_of_week="Sunday"),
    "class_tracking": healthy(options=ImportOptions(classes="show"), qb_class_tracking=False),
    "no_hourly_item": healthy(employees=(SALARIED,)),
    "no_time_data": healthy(employees=(NO_TIME_DATA,)),
    "unlinked_time": healthy(unlinked_with_approved_time=(("Nadia Petrova", 3),)),
    "company_file_changed": healthy(
        last_session=HealthSession(company_file=r"C:\other.qbw", file_stamp=None, product=PRO)
    ),
    "edition_changed": healthy(last_session=dataclasses.replace(GOOD_SESSION, product=ENTERPRISE)),
    "qbxml_too_old": healthy(qbxml_version="8.0"),
    "no_recent_sync": healthy(last_success_at=NOW - timedelta(hours=3, minutes=1)),
}


def test_a_healthy_company_has_no_check() -> None:
    """Nothing wrong: no check, and the dashboard says OK."""
    assert check_health(healthy(), now=NOW, every=EVERY) == ()
    assert health_summary(()) == ("OK", "ok")


def test_every_check_has_a_cause_here() -> None:
    """The table below covers every check code, in the order they are reported."""
    assert tuple(CAUSES) == CHECK_CODES


@pytest.mark.parametrize("code", CHECK_CODES)
def test_each_cause_raises_its_check_with_the_fix_and_where(code: str) -> None:
    """A cause raises exactly its check, saying what was found, what to change and where."""
    check = only(CAUSES[code])
    assert check.code == code
    assert check.where in ("QuickBooks", "here")
    assert check.severity in ("error", "warning")
    assert check.title and check.found and check.fix
    assert check_to_json(check)["code"] == code


def test_found_names_people_and_the_values() -> None:
    """The texts name the values compared and the people concerned."""
    assert "Sunday" in only(CAUSES["week_start"]).found
    assert "Monday" in only(CAUSES["week_start"]).fix
    hourly = only(CAUSES["no_hourly_item"])
    assert "Owen Fitzgerald" in hourly.found and hourly.names == ("Owen Fitzgerald",)
    assert only(CAUSES["no_time_data"]).names == ("Aiyana Begay",)
    unlinked = only(CAUSES["unlinked_time"])
    assert "Nadia Petrova" in unlinked.found and "3 entries" in unlinked.found
    assert unlinked.severity == "error" and unlinked.page == "team-members"
    changed = only(CAUSES["company_file_changed"])
    assert r"C:\other.qbw" in changed.found and FILE in changed.fix
    assert "qbtime company unbind 7" in changed.fix
    edition = only(CAUSES["edition_changed"])
    assert ENTERPRISE in edition.found and PRO in edition.found
    assert "8.0" in only(CAUSES["qbxml_too_old"]).found
    assert "3 hours" in only(CAUSES["no_recent_sync"]).found


def test_export_off_silences_the_export_checks() -> None:
    """Payroll and ExternalGUID checks apply only while export is on; unlinked time is then a
    warning, not an error."""
    off = ImportOptions(export_time=False)
    for code in ("no_hourly_item", "no_time_data", "qbxml_too_old"):
        assert codes(dataclasses.replace(CAUSES[code], options=off)) == []
    unlinked = only(dataclasses.replace(CAUSES["unlinked_time"], options=off))
    assert unlinked.severity == "warning"


@pytest.mark.parametrize(("level", "severity"), [("show", "warning"), ("require", "error")])
def test_class_tracking_severity_follows_the_level(level: str, severity: str) -> None:
    """Required classes make class tracking off an error; shown ones a warning; off nothing."""
    facts = healthy(options=ImportOptions(classes=level), qb_class_tracking=False)  # type: ignore[arg-type]
    assert only(facts).severity == severity
    assert codes(healthy(options=ImportOptions(classes="off"), qb_class_tracking=False)) == []
    assert codes(healthy(options=ImportOptions(classes="show"), qb_class_tracking=None)) == []


def test_unknown_facts_raise_nothing() -> None:
    """What QuickBooks did not say is not a problem: no preferences, no session, no product,
    no payroll items imported, no use-time-data answer, an unreadable version."""
    assert codes(healthy(qb_first_day_of_week=None, qb_class_tracking=None)) == []
    assert codes(healthy(last_session=None, previous_product=None)) == []
    assert codes(healthy(previous_product=None)) == []
    assert codes(healthy(employees=(SALARIED,), payroll_items_known=False)) == []
    none = HealthEmployee(name="X", uses_time_data=None, has_hourly_item=True)
    assert codes(healthy(employees=(none,))) == []
    assert codes(healthy(qbxml_version=None)) == codes(healthy(qbxml_version="CA3.0")) == []


def test_file_checks_need_a_binding_and_compare_paths_case_insensitively() -> None:
    """Unbound: no file check; the same path in other case is the same file; another FileID at
    the bound path is a changed file."""
    other = HealthSession(company_file=r"C:\other.qbw", file_stamp=None, product=PRO)
    assert codes(healthy(bound_company_file=None, last_session=other)) == []
    upper = dataclasses.replace(GOOD_SESSION, company_file=FILE.upper())
    assert codes(healthy(last_session=upper)) == []
    copy = dataclasses.replace(GOOD_SESSION, file_stamp="{00000000-0000-0000-0000-000000000001}")
    assert "another FileID" in only(healthy(last_session=copy)).found
    assert codes(healthy(last_session=dataclasses.replace(GOOD_SESSION, file_stamp=None))) == []


def test_never_synced_counts_from_when_the_company_was_added() -> None:
    """A company that never synced is stale three schedules after it was added."""
    fresh = healthy(last_success_at=None, created_at=NOW - timedelta(hours=2))
    assert codes(fresh) == []
    old = healthy(last_success_at=None, created_at=NOW - timedelta(days=3))
    check = only(old)
    assert "since the company was added" in check.found and "3 days" in check.found


def test_many_names_are_shortened_in_the_text_but_all_kept() -> None:
    """Past :data:`NAMES_SHOWN` names the text says how many more; ``names`` has them all."""
    people = tuple(
        HealthEmployee(name=f"Person {i:02}", uses_time_data=False, has_hourly_item=True)
        for i in range(NAMES_SHOWN + 3)
    )
    check = only(healthy(employees=people))
    assert len(check.names) == NAMES_SHOWN + 3 and "and 3 more" in check.found
    assert f"{NAMES_SHOWN + 3} employees" in check.found


def test_summary_counts_and_tone() -> None:
    """The dashboard word: the number of problems, bad when one is an error, else warn."""
    warning = only(CAUSES["week_start"])
    error = only(CAUSES["no_recent_sync"])
    assert health_summary([warning]) == ("1 problem", "warn")
    assert health_summary([warning, error]) == ("2 problems", "bad")


# --- properties ---------------------------------------------------------------------------------
weekdays = st.sampled_from(
    ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
)
files = st.sampled_from([FILE, FILE.upper(), r"C:\other.qbw", ""])
products = st.none() | st.sampled_from([PRO, ENTERPRISE, PRO.upper()])
employees = st.builds(
    HealthEmployee,
    name=st.sampled_from(["Ann", "Bo", "Cy"]),
    uses_time_data=st.none() | st.booleans(),
    has_hourly_item=st.booleans(),
)
facts = st.builds(
    HealthFacts,
    company_id=st.integers(1, 10),
    week_start=weekdays,
    options=s.options,
    qb_first_day_of_week=st.none() | weekdays,
    qb_class_tracking=st.none() | st.booleans(),
    employees=st.lists(employees, max_size=4).map(tuple),
    payroll_items_known=st.booleans(),
    unlinked_with_approved_time=st.lists(
        st.tuples(st.sampled_from(["Dee", "Eli"]), st.integers(1, 5)), max_size=2
    ).map(tuple),
    bound_company_file=st.none() | files,
    bound_file_stamp=st.none() | st.just(STAMP),
    last_session=st.none()
    | st.builds(
        HealthSession,
        company_file=st.none() | files,
        file_stamp=st.none() | st.sampled_from([STAMP, STAMP.lower(), "{OTHER}"]),
        product=products,
    ),
    previous_product=products,
    qbxml_version=st.none() | st.sampled_from(["8.0", "9.0", "13.0", "16.0", "x"]),
    last_success_at=st.none()
    | st.just(NOW - timedelta(hours=1))
    | st.just(NOW - timedelta(days=2)),
    created_at=st.none() | st.just(NOW - timedelta(days=40)),
)


@given(facts)
def test_checks_come_in_code_order_once_each(f: HealthFacts) -> None:
    """Checks are unique, in :data:`CHECK_CODES` order, and each says where to fix it."""
    found = check_health(f, now=NOW, every=EVERY)
    order = [CHECK_CODES.index(c.code) for c in found]
    assert order == sorted(set(order))
    assert all(c.where in ("QuickBooks", "here") and c.fix and c.found for c in found)
    text, tone = health_summary(found)
    assert (text == "OK") is (not found) and tone in ("ok", "warn", "bad")


@given(facts)
def test_removing_each_cause_clears_its_check(f: HealthFacts) -> None:
    """A check clears itself when its cause is gone, and clearing one leaves the others."""
    cured = dataclasses.replace(
        f,
        qb_first_day_of_week=f.week_start,
        qb_class_tracking=True,
        employees=tuple(
            dataclasses.replace(e, uses_time_data=True, has_hourly_item=True) for e in f.employees
        ),
        unlinked_with_approved_time=(),
    )
    before = set(codes(f))
    after = set(codes(cured))
    gone = {"week_start", "class_tracking", "no_hourly_item", "no_time_data", "unlinked_time"}
    assert not after & gone
    assert after == before - gone


@given(facts, st.permutations(range(4)))
def test_employee_order_does_not_change_which_checks_are_raised(f: HealthFacts, order) -> None:
    """The checks depend on who is concerned, not on the order the store lists them."""
    shuffled = tuple(f.employees[i] for i in order if i < len(f.employees))
    again = dataclasses.replace(f, employees=shuffled)
    assert codes(again) == codes(f)


def test_the_edition_is_compared_with_the_one_bound_under() -> None:
    """With the binding's product known, a session under another edition raises the check
    whatever the session before it ran under, and the fix says how to bind again; the same
    product as at binding raises nothing."""
    moved = dataclasses.replace(GOOD_SESSION, product=ENTERPRISE)
    check = only(healthy(last_session=moved, bound_product=PRO, previous_product=ENTERPRISE))
    assert check.code == "edition_changed" and "bound under " + PRO in check.found
    assert "qbtime company unbind 7" in check.fix
    assert codes(healthy(bound_product=PRO, previous_product=ENTERPRISE)) == []
