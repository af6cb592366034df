"""Work items rendered into qbXML requests: incremental filters, iterators, and schema validity."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import lxml.etree
import pytest

import qbxml
from qbwc_server.store.views import WorkItemView
from qbwc_server.sync.engine import ON_ERROR
from qbwc_server.sync.planner import DELETED, JOBS_BY_KIND, LIST_JOBS, ListJob, plan_session
from qbwc_server.sync.requests import OVERLAP, build_request, local_text, since
from tests.simulate.conftest import assert_valid
from tests.sync.conftest import make_item

WATERMARK = "2026-11-02T04:00:00"
SINCE = datetime(2026, 11, 2, 3, 55)
ITERATOR = "{0b1c2d3e-4f50-4617-8899-aabbccddeeff}"
ITERATOR_KINDS = {"customers", "vendors", "service_items"}
ALL_TYPES = plan_session([job.kind for job in LIST_JOBS])[-1].spec["types"]


def item_for(kind: str, *, iterator_id: str | None = None) -> WorkItemView:
    spec: dict[str, object] = {"iterator_id": iterator_id} if iterator_id else {}
    if kind == DELETED:
        spec = {"types": ALL_TYPES}
    return make_item(kind, spec=spec, request_id="42.3")


def test_overlap_is_five_minutes() -> None:
    """Incremental queries overlap the previous import by five minutes."""
    assert timedelta(minutes=5) == OVERLAP


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (datetime(2026, 11, 2, 4, 0, 0, tzinfo=timezone(timedelta(hours=-5))), WATERMARK),
        (datetime(2026, 11, 2, 4, 0, 0, 999_999, tzinfo=UTC), WATERMARK),
        (datetime(2026, 3, 8, 2, 30, 5), "2026-03-08T02:30:05"),
    ],
)
def test_local_text_keeps_quickbooks_wall_clock(value: datetime, text: str) -> None:
    """A TimeModified is kept as QuickBooks' wall-clock time: no offset, no microseconds."""
    assert local_text(value) == text


@pytest.mark.parametrize(("watermark", "expected"), [(None, None), ("", None), (WATERMARK, SINCE)])
def test_since_is_the_watermark_minus_the_overlap(
    watermark: str | None, expected: datetime | None
) -> None:
    """FromModifiedDate is five minutes before the watermark, naive; no watermark, no filter."""
    assert since(watermark) == expected


@pytest.mark.parametrize("job", LIST_JOBS, ids=lambda j: j.kind)
@pytest.mark.parametrize("watermarks", [{}, {"other": WATERMARK}], ids=["empty", "other-list"])
def test_first_sync_asks_for_everything(job: ListJob, watermarks: dict[str, str]) -> None:
    """Without a watermark for its list the query has no date filter, only ActiveStatus All."""
    spec = build_request(item_for(job.kind), watermarks=watermarks, max_returned=500)
    assert isinstance(spec, job.query) and spec.request_id == "42.3"
    assert spec.active_status == "All" and spec.from_modified_date is None
    assert spec.to_modified_date is None and not spec.list_ids and not spec.full_names


@pytest.mark.parametrize("job", LIST_JOBS, ids=lambda j: j.kind)
def test_incremental_query_starts_five_minutes_before_the_watermark(job: ListJob) -> None:
    """With a watermark the query asks for records modified since five minutes before it."""
    watermarks = {job.kind: WATERMARK, DELETED: "2020-01-01T00:00:00"}
    spec = build_request(item_for(job.kind), watermarks=watermarks, max_returned=500)
    assert spec.from_modified_date == SINCE and spec.from_modified_date.tzinfo is None
    assert spec.active_status == "All"


@pytest.mark.parametrize("job", LIST_JOBS, ids=lambda j: j.kind)
def test_iterators_only_where_the_schema_has_them(job: ListJob) -> None:
    """Customer, Vendor and ItemService queries start an iterator with MaxReturned; the others
    ask for everything at once."""
    spec = build_request(item_for(job.kind), watermarks={}, max_returned=250)
    if job.kind in ITERATOR_KINDS:
        assert (spec.iterator, spec.iterator_id, spec.max_returned) == ("Start", None, 250)
    else:
        assert (spec.iterator, spec.iterator_id, spec.max_returned) == (None, None, None)


@pytest.mark.parametrize("kind", sorted(ITERATOR_KINDS))
def test_running_iterator_continues(kind: str) -> None:
    """An item with an iterator ID continues that iterator, with the same filters."""
    item = item_for(kind, iterator_id=ITERATOR)
    spec = build_request(item, watermarks={kind: WATERMARK}, max_returned=100)
    assert (spec.iterator, spec.iterator_id, spec.max_returned) == ("Continue", ITERATOR, 100)
    assert spec.from_modified_date == SINCE and spec.active_status == "All"


@pytest.mark.parametrize(("watermarks", "expected"), [({}, None), ({DELETED: WATERMARK}, SINCE)])
def test_deleted_query_names_the_planned_types(
    watermarks: dict[str, str], expected: datetime | None
) -> None:
    """The ListDeletedQuery asks for the planned ListDelTypes since its own watermark."""
    spec = build_request(item_for(DELETED), watermarks=watermarks, max_returned=500)
    assert isinstance(spec, qbxml.ListDeletedQuery) and spec.request_id == "42.3"
    assert spec.list_del_types == tuple(ALL_TYPES) and spec.from_deleted_date == expected


def test_request_id_falls_back_to_the_item_id() -> None:
    """An item not yet given a request ID is asked with its own id."""
    item = make_item("employees", item_id=5, request_id=None)
    assert build_request(item, watermarks={}, max_returned=500).request_id == "5"


# ---------------------------------------------------------------------------- schema validity
def every_request() -> list[object]:  # pytest.param objects
    """Every (kind, watermark, iterator) combination the engine can send."""
    cases = []
    for kind in [*JOBS_BY_KIND, DELETED]:
        modes = ["start", "continue"] if kind in ITERATOR_KINDS else ["plain"]
        for sync in ("first", "incremental"):
            for mode in modes:
                cases.append(pytest.param(kind, sync, mode, id=f"{kind}-{sync}-{mode}"))
    return cases


@pytest.mark.parametrize("version", ["13.0", "16.0"])
@pytest.mark.parametrize(("kind", "sync", "mode"), every_request())
def test_every_request_is_schema_valid(
    schemas: dict[str, lxml.etree.XMLSchema], version: str, kind: str, sync: str, mode: str
) -> None:
    """Each request the server can emit, rendered as the engine does, is valid against the
    official qbXML schema of its version, with the date written without a UTC offset."""
    item = item_for(kind, iterator_id=ITERATOR if mode == "continue" else None)
    watermarks = {kind: WATERMARK} if sync == "incremental" else {}
    spec = build_request(item, watermarks=watermarks, max_returned=500)
    document = qbxml.build_msgs_rq([spec], version, on_error=ON_ERROR)
    assert_valid(schemas[version], document)
    assert f'<?qbxml version="{version}"?>' in document
    assert 'onError="continueOnError"' in document
    if sync == "incremental":
        element = "FromDeletedDate" if kind == DELETED else "FromModifiedDate"
        assert f"<{element}>2026-11-02T03:55:00</{element}>" in document
    else:
        assert "FromModifiedDate" not in document and "FromDeletedDate" not in document
    if mode == "continue":
        assert f'iterator="Continue" iteratorID="{ITERATOR}"' in document
    elif mode == "start":
        assert 'iterator="Start"' in document and "<MaxReturned>500</MaxReturned>" in document
    else:
        assert "iterator" not in document and "MaxReturned" not in document


@pytest.mark.parametrize("version", ["13.0", "16.0"])
@pytest.mark.parametrize("types", [[t] for t in ALL_TYPES], ids=lambda t: t[0])
def test_deleted_query_for_one_type_is_schema_valid(
    schemas: dict[str, lxml.etree.XMLSchema], version: str, types: list[str]
) -> None:
    """A plan of one list asks ListDeletedQuery for that one type, also schema-valid."""
    item = make_item(DELETED, spec={"types": types})
    spec = build_request(item, watermarks={DELETED: WATERMARK}, max_returned=500)
    assert_valid(schemas[version], qbxml.build_msgs_rq([spec], version, on_error=ON_ERROR))


@pytest.mark.parametrize("kind", sorted(ITERATOR_KINDS))
def test_iterator_lists_can_be_asked_before_qbxml_5(kind: str) -> None:
    """A QuickBooks that speaks only qbXML 4.1 is asked for the whole list without an iterator
    (iterators exist only where the schema has them: from qbXML 5.0)."""
    spec = build_request(
        item_for(kind), watermarks={kind: WATERMARK}, max_returned=500, version="4.1"
    )
    document = qbxml.build_msgs_rq([spec], "4.1", on_error=ON_ERROR)
    assert "iterator" not in document and "MaxReturned" not in document


@pytest.mark.parametrize(
    ("watermark", "expected"),
    [
        ("2026-11-03T01:30:00", "2026-11-03T01:25:00"),  # a Tuesday: five minutes
        ("2026-11-01T01:30:00", "2026-11-01T00:25:00"),  # Sunday night: one hour more
        ("2026-11-01T04:10:00", "2026-11-01T04:05:00"),  # Sunday after the window
    ],
)
def test_overlap_widens_in_the_repeated_hour(watermark: str, expected: str) -> None:
    """Around the end of daylight saving the query looks back an extra hour."""
    from qbwc_server.sync.requests import since

    assert since(watermark).strftime("%Y-%m-%dT%H:%M:%S") == expected
