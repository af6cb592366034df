"""What each response status, hresult and iterator page means for a work item, and progress."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import qbxml
from qbwc_server.sync import outcomes
from qbwc_server.sync.outcomes import (
    DONE,
    FAILED,
    MAX_RESTARTS,
    PENDING,
    decide,
    decide_hresult,
    item_fraction,
    percent,
)
from qbwc_server.sync.requests import clock_ceiling, since
from tests.sync.conftest import NOW, make_item, make_status

EARLY, LATE = "2026-11-02T04:00:00", "2026-11-02T05:30:00"
ITERATOR = "{0b1c2d3e-4f50-4617-8899-aabbccddeeff}"


# ---------------------------------------------------------------------------- success
@pytest.mark.parametrize(
    ("code", "received"),
    [pytest.param(0, 3, id="ok"), pytest.param(500, 2, id="partial-warn")],
)
def test_answer_with_records_finishes_the_item(code: int, received: int) -> None:
    """Status 0 (and Warn 500) finish the item and move the watermark to the newest record."""
    outcome = decide(make_item(), make_status(code), received=received, newest=LATE)
    assert outcome.state == DONE and outcome.problem is None and not outcome.disable
    assert outcome.watermark == LATE
    assert outcome.spec == {
        "newest": LATE,
        "fetched": received,
        "iterator_id": None,
        "remaining": 0,
    }


def test_empty_result_is_not_an_error() -> None:
    """Status 1 (nothing matched) finishes the item without moving the watermark."""
    status = make_status(1, message="A query request did not find a matching object")
    outcome = decide(make_item(), status, received=0, newest=None)
    assert outcome.state == DONE and outcome.problem is None
    assert outcome.watermark is None and outcome.spec["fetched"] == 0


def test_empty_last_page_keeps_the_newest_of_earlier_pages() -> None:
    """An iterator whose last page is empty still moves the watermark to its earlier pages' newest."""
    item = make_item(spec={"iterator_id": ITERATOR, "newest": LATE, "fetched": 10, "remaining": 0})
    outcome = decide(item, make_status(1), received=0, newest=None)
    assert outcome.state == DONE and outcome.watermark == LATE


# ---------------------------------------------------------------------------- iterators
def test_iterator_page_with_more_to_come_stays_pending() -> None:
    """A page with iteratorRemainingCount > 0 keeps the item pending with the iterator state."""
    status = make_status(0, iterator_id=ITERATOR, remaining=120)
    outcome = decide(make_item(), status, received=30, newest=EARLY)
    assert outcome.state == PENDING and outcome.watermark is None and outcome.problem is None
    assert outcome.spec == {
        "iterator_id": ITERATOR,
        "fetched": 30,
        "remaining": 120,
        "newest": EARLY,
    }


def test_iterator_pages_accumulate_until_finished() -> None:
    """Pages add up; the last one finishes the item with the newest TimeModified of all pages."""
    item = make_item()
    pages = [(30, 70, LATE), (30, 40, EARLY), (40, 0, EARLY)]
    for received, remaining, newest in pages:
        status = make_status(0, iterator_id=ITERATOR, remaining=remaining)
        outcome = decide(item, status, received=received, newest=newest)
        item = make_item(state=outcome.state, spec=outcome.spec)
    assert outcome.state == DONE and outcome.watermark == LATE
    assert outcome.spec["fetched"] == 100 and outcome.spec["iterator_id"] is None
    assert outcome.spec["remaining"] == 0


def test_expired_iterator_restarts_the_query() -> None:
    """Status 3391 clears the iterator and asks again from the start, counting the restart."""
    item = make_item(spec={"iterator_id": ITERATOR, "fetched": 60, "remaining": 40, "newest": LATE})
    outcome = decide(item, make_status(3391), received=0, newest=None)
    assert outcome.state == PENDING and outcome.problem is None and outcome.watermark is None
    assert outcome.spec == {
        "iterator_id": None,
        "fetched": 0,
        "remaining": 0,
        "restarts": 1,
        "newest": LATE,
    }


def test_iterator_restarts_are_limited() -> None:
    """After MAX_RESTARTS restarts, another 3391 fails the item with the fix sentence."""
    item = make_item()
    for n in range(1, MAX_RESTARTS + 1):
        outcome = decide(item, make_status(3391), received=0, newest=None)
        assert outcome.state == PENDING and outcome.spec["restarts"] == n
        item = make_item(spec=outcome.spec)
    outcome = decide(item, make_status(3391, message="expired"), received=0, newest=None)
    assert outcome.state == FAILED and outcome.spec["restarts"] == MAX_RESTARTS + 1
    assert outcome.problem is not None and outcome.problem.code == "3391"
    assert outcome.problem.fix == qbxml.describe_status(3391).fix
    assert outcome.problem.counts_as_error


# ---------------------------------------------------------------------------- errors
@pytest.mark.parametrize("code", sorted(outcomes.NOT_IN_EDITION))
def test_feature_missing_on_an_optional_request_disables_it(code: int) -> None:
    """3250/1030 and friends on payroll items: done, disabled, a notice that is not an error."""
    item = make_item("payroll_items")
    status = make_status(code, rs_name="PayrollItemWageQueryRs", message="not supported")
    outcome = decide(item, status, received=0, newest=None)
    assert outcome.state == DONE and outcome.disable and outcome.watermark is None
    problem = outcome.problem
    assert problem is not None and not problem.counts_as_error and problem.code == str(code)
    assert "payroll items" in problem.message and "not supported" in problem.message
    assert "asked for again when the QuickBooks product changes" in problem.fix


@pytest.mark.parametrize("kind", ["customers", "employees", "classes", "deleted"])
@pytest.mark.parametrize("code", [1030, 3250])
def test_feature_missing_on_a_required_request_fails_it(kind: str, code: int) -> None:
    """The same codes on a request the sync cannot do without fail the item, counted as an error."""
    outcome = decide(make_item(kind), make_status(code), received=0, newest=None)
    assert outcome.state == FAILED and not outcome.disable
    assert outcome.problem is not None and outcome.problem.counts_as_error


@pytest.mark.parametrize("code", [3000, 3100, 3120, 3170, 3200, 3260])
@pytest.mark.parametrize("message", ["QuickBooks says no", ""])
def test_other_errors_fail_the_item_with_the_fix(code: int, message: str) -> None:
    """Other Error statuses fail the item: QuickBooks' message (or the code's meaning) and fix."""
    info = qbxml.describe_status(code)
    outcome = decide(
        make_item("employees"), make_status(code, message=message), received=0, newest=None
    )
    assert outcome.state == FAILED and outcome.watermark is None and not outcome.disable
    problem = outcome.problem
    assert problem is not None and problem.code == str(code) and problem.counts_as_error
    assert problem.message == (message or info.meaning) and problem.fix == info.fix


# ---------------------------------------------------------------------------- hresults
PARSE_ERROR = "0x80040400"


@pytest.mark.parametrize("hresult", [PARSE_ERROR, "0X80040400", "80040400"])
def test_point5_parse_error_on_payroll_items_is_an_error_not_a_disable(hresult: str) -> None:
    """An hresult on the payroll item query fails it with the fix and never disables it: the
    next session asks again."""
    info = qbxml.describe_hresult(hresult)
    outcome = decide_hresult(make_item("payroll_items", spec={"a": 1}), info, "")
    assert outcome.state == FAILED and not outcome.disable and outcome.spec == {"a": 1}
    assert outcome.problem is not None and outcome.problem.counts_as_error
    assert info.cause in outcome.problem.message


@pytest.mark.parametrize("code", [3260, 3261, 3262, 3263])
def test_point5_permission_answers_are_errors_asked_again(code: int) -> None:
    """Permission answers on payroll items (personal data, subscription ...) record an error with
    QuickBooks' fix and do not disable the request; the rest of the sync still completes."""
    status = make_status(code, rs_name="PayrollItemWageQueryRs", message="no access")
    outcome = decide(make_item("payroll_items"), status, received=0, newest=None)
    assert outcome.state == DONE and not outcome.disable and outcome.watermark is None
    assert outcome.problem is not None and outcome.problem.counts_as_error
    assert outcome.problem.fix == qbxml.describe_status(code).fix


@pytest.mark.parametrize(
    ("kind", "hresult"),
    [
        ("customers", PARSE_ERROR),
        ("employees", PARSE_ERROR),
        ("payroll_items", "0x80040408"),
        ("payroll_items", "0x80040401"),
        ("customers", "0x8004040A"),
    ],
)
@pytest.mark.parametrize("message", ["from QBWC", ""])
def test_other_hresults_fail_the_item_with_the_fix(kind: str, hresult: str, message: str) -> None:
    """Any other hresult fails the item with the hresult's fix sentence."""
    info = qbxml.describe_hresult(hresult)
    outcome = decide_hresult(make_item(kind), info, message)
    assert outcome.state == FAILED and not outcome.disable
    problem = outcome.problem
    assert problem is not None and problem.counts_as_error and problem.code == info.hresult
    assert problem.message == (message or info.cause) and problem.fix == info.fix


# ---------------------------------------------------------------------------- progress
def test_percent_of_nothing_planned_is_done() -> None:
    """A session with no work items is finished."""
    assert percent([], 0) == 100


@pytest.mark.parametrize(
    ("states", "expected"),
    [
        (["pending", "pending", "pending", "pending"], 0),
        (["done", "sent", "pending", "pending"], 25),
        (["done", "failed", "sent", "pending"], 50),
        (["done", "done", "done", "sent"], 75),
        (["done", "failed", "done", "failed"], 100),
    ],
)
def test_percent_counts_resolved_items(states: list[str], expected: int) -> None:
    """Progress is the share of done or failed items; 100 only when all are resolved."""
    items = [make_item(item_id=n, state=s) for n, s in enumerate(states)]
    assert percent(items, 0) == expected


def test_percent_never_goes_back() -> None:
    """A lower share than last reported keeps the previous percentage."""
    items = [make_item(item_id=1, state="done"), make_item(item_id=2, state="pending")]
    assert percent(items, 80) == 80


def test_percent_is_99_until_every_item_is_resolved() -> None:
    """Even a nearly finished iterator does not report 100 before the item is done."""
    spec = {"iterator_id": ITERATOR, "fetched": 999, "remaining": 1}
    items = [make_item(item_id=1, state="done"), make_item(item_id=2, state="pending", spec=spec)]
    assert percent(items, 0) == 99
    assert percent(items, 99) == 99


@pytest.mark.parametrize(
    ("spec", "fraction"),
    [
        ({}, 0.0),
        ({"iterator_id": ITERATOR, "fetched": 50, "remaining": 150}, 0.25),
        ({"iterator_id": ITERATOR, "fetched": 0, "remaining": 0}, 0.0),
        ({"iterator_id": None, "fetched": 50, "remaining": 150}, 0.0),
        ({"fetched": None, "remaining": None}, 0.0),
    ],
)
def test_iterator_fraction(spec: dict[str, object], fraction: float) -> None:
    """A running iterator counts as the fetched share of what QuickBooks said it holds."""
    assert item_fraction(make_item(state="pending", spec=spec)) == fraction


def test_percent_uses_iterator_fractions() -> None:
    """Half of one of two items fetched is 25 percent."""
    spec = {"iterator_id": ITERATOR, "fetched": 100, "remaining": 100}
    items = [
        make_item(item_id=1, state="pending", spec=spec),
        make_item(item_id=2, state="pending"),
    ]
    assert percent(items, 0) == 25


# One step of an item's life in a session: sent, an iterator page, a 3391 restart, or resolved.
STEPS = st.one_of(
    st.just(("sent", {})),
    st.tuples(st.integers(0, 500), st.integers(0, 500)).map(
        lambda fr: ("pending", {"iterator_id": ITERATOR, "fetched": fr[0], "remaining": fr[1]})
    ),
    st.just(("pending", {"iterator_id": None, "fetched": 0, "remaining": 0, "restarts": 1})),
    st.sampled_from([("done", {}), ("failed", {})]),
)


@given(
    count=st.integers(1, 6),
    updates=st.lists(st.tuples(st.integers(0, 5), STEPS), max_size=40),
    finish=st.booleans(),
)
def test_percent_is_monotonic_and_100_only_when_all_resolved(
    count: int, updates: list[tuple[int, tuple[str, dict[str, object]]]], finish: bool
) -> None:
    """Any sequence of item updates reports non-decreasing percentages in 0..100, and 100
    exactly when every item is done or failed."""
    items = [make_item(item_id=n, state="pending") for n in range(count)]
    if finish:
        updates = [*updates, *((n, ("done", {})) for n in range(count))]
    previous = 0
    for index, (state, spec) in updates:
        n = index % count
        if items[n].state in (DONE, FAILED):
            continue  # resolved items stay resolved
        items[n] = make_item(item_id=n, state=state, spec=spec)
        now = percent(items, previous)
        assert previous <= now <= 100
        assert (now == 100) == all(i.state in (DONE, FAILED) for i in items)
        previous = now
    if finish:
        assert previous == 100


# ---------------------------------------------------------------------------- issue 9 watermarks
def test_point1_watermark_never_passes_the_lists_start() -> None:
    """An iterated list finishing with edits newer than its start gets the start's ceiling,
    not the newest TimeModified it saw."""
    item = make_item(spec={"started_at": NOW.isoformat(), "iterator_id": "it", "fetched": 500})
    ceiling = clock_ceiling(NOW, -300)
    outcome = decide(
        item, make_status(0), received=10, newest="2026-11-02T04:11:00", ceiling=ceiling
    )
    assert outcome.state == DONE and outcome.watermark == ceiling < "2026-11-02T04:11:00"
    older = decide(item, make_status(0), received=1, newest="2026-10-01T00:00:00", ceiling=ceiling)
    assert older.watermark == "2026-10-01T00:00:00"


def test_point2_future_dated_record_is_capped_and_deletions_take_the_ceiling() -> None:
    """A TimeModified two years ahead cannot become a watermark; the deletions query's
    watermark is its own ceiling, whatever it returned."""
    ceiling = clock_ceiling(NOW, None)
    assert ceiling <= "2026-11-01T20:45:00"  # UTC-12, less the margins
    item = make_item(spec={"started_at": NOW.isoformat()})
    outcome = decide(
        item, make_status(0), received=1, newest="2028-11-02T04:00:00", ceiling=ceiling
    )
    assert outcome.watermark == ceiling
    deleted = decide(
        make_item("deleted"),
        make_status(0, rs_name="ListDeletedQueryRs"),
        received=0,
        newest=None,
        ceiling=ceiling,
    )
    assert deleted.watermark == ceiling


def test_point2_a_stored_future_watermark_is_lowered_in_the_request() -> None:
    """A watermark an older version set in the future is read as QuickBooks' clock now."""
    ceiling = "2026-11-02T02:00:00"
    assert since("2028-01-01T00:00:00", ceiling) == since(ceiling)
    assert since("2026-11-01T10:00:00", ceiling) == since("2026-11-01T10:00:00")


def test_point3_a_record_that_was_not_stored_holds_the_watermark() -> None:
    """A refused record's TimeModified bounds the watermark; one without a date keeps the old."""
    item = make_item(spec={"started_at": NOW.isoformat()})
    kw = {"received": 3, "newest": "2026-11-01T10:00:00", "ceiling": "2026-11-02T02:00:00"}
    held = decide(item, make_status(0), hold="2026-10-15T08:00:00", **kw)
    assert held.watermark == "2026-10-15T08:00:00"
    kept = decide(item, make_status(0), hold_all=True, **kw)
    assert kept.state == DONE and kept.watermark is None
