"""Iterators page like QuickBooks: Start/Continue/Stop, remaining counts, 3391 when not valid."""

from __future__ import annotations

import pytest

import qbxml
from qbwc_server.simulate import ProcessRequestError
from tests.simulate.conftest import first

ITERABLE = {
    "CustomerQuery": lambda **kw: qbxml.CustomerQuery(active_status="All", **kw),
    "VendorQuery": lambda **kw: qbxml.VendorQuery(active_status="All", **kw),
    "ItemServiceQuery": lambda **kw: qbxml.ItemServiceQuery(active_status="All", **kw),
    "TimeTrackingQuery": lambda **kw: qbxml.TimeTrackingQuery(**kw),
}


def _page_through(ask, make, size: int) -> tuple[list[str], list[int]]:
    response = first(ask(make(request_id="1", iterator="Start", max_returned=size)))
    ids = [getattr(r, "list_id", None) or r.txn_id for r in response.records]
    remaining = [response.status.iterator_remaining_count]
    while response.status.iterator_remaining_count:
        response = first(
            ask(make(request_id="2", iterator="Continue", iterator_id=response.status.iterator_id))
        )
        assert response.status.code == 0
        ids += [getattr(r, "list_id", None) or r.txn_id for r in response.records]
        remaining.append(response.status.iterator_remaining_count)
    return ids, remaining


@pytest.mark.parametrize("query", sorted(ITERABLE))
@pytest.mark.parametrize("size", [1, 4, 500])
def test_pages_cover_everything_once(ask, query: str, size: int) -> None:
    """Paging with any MaxReturned returns every match exactly once, remaining counts falling to 0."""
    make = ITERABLE[query]
    everything = first(ask(make(request_id="9")))
    expected = [getattr(r, "list_id", None) or r.txn_id for r in everything.records]
    ids, remaining = _page_through(ask, make, size)
    assert ids == expected
    assert remaining[-1] == 0
    assert remaining == sorted(remaining, reverse=True)
    assert len(remaining) == max(1, -(-len(expected) // size))


def test_remaining_count_and_ret_count(ask) -> None:
    """The first page reports retCount = MaxReturned and the exact number still to come."""
    total = len(first(ask(qbxml.CustomerQuery(request_id="1", active_status="All"))).records)
    status = first(
        ask(
            qbxml.CustomerQuery(
                request_id="1", iterator="Start", max_returned=10, active_status="All"
            )
        )
    ).status
    assert (status.ret_count, status.iterator_remaining_count) == (10, total - 10)
    assert status.iterator_id and status.iterator_id.startswith("{")


@pytest.mark.parametrize(
    "how", ["reset", "end_session", "expiry", "exhausted", "unknown", "other query"]
)
def test_invalid_iterator_answers_3391(ask, quickbooks, qb_clock, how: str) -> None:
    """Continue on an iterator that is gone (reset, session end, expiry, exhausted) answers 3391."""
    size = 1000 if how == "exhausted" else 5
    start = first(ask(qbxml.CustomerQuery(request_id="1", iterator="Start", max_returned=size)))
    iterator_id = start.status.iterator_id or ""
    make = qbxml.CustomerQuery
    if how == "reset":
        quickbooks.reset_iterators()
    elif how == "end_session":
        quickbooks.end_session()
    elif how == "expiry":
        qb_clock.advance(minutes=31)
    elif how == "unknown":
        iterator_id = "{00000000-0000-4000-8000-000000000000}"
    elif how == "other query":
        make = qbxml.VendorQuery
    status = first(ask(make(request_id="2", iterator="Continue", iterator_id=iterator_id))).status
    assert status.code == 3391 and status.severity == "Error"
    assert iterator_id in status.message


def test_stop_closes_the_iterator(ask) -> None:
    """iterator=Stop closes a live iterator; a later Continue answers 3391."""
    start = first(ask(qbxml.VendorQuery(request_id="1", iterator="Start", max_returned=1)))
    iterator_id = start.status.iterator_id or ""
    assert (
        first(
            ask(qbxml.VendorQuery(request_id="2", iterator="Stop", iterator_id=iterator_id))
        ).status.code
        == 0
    )
    again = first(
        ask(qbxml.VendorQuery(request_id="3", iterator="Continue", iterator_id=iterator_id))
    )
    assert again.status.code == 3391


@pytest.mark.parametrize(
    "rq", ["EmployeeQueryRq", "ClassQueryRq", "PayrollItemWageQueryRq", "OtherNameQueryRq"]
)
def test_iterator_on_a_non_iterable_query_is_a_parse_error(quickbooks, rq: str) -> None:
    """An iterator attribute where the schema has none fails the message set with 0x80040400."""
    request = (
        '<?xml version="1.0"?><?qbxml version="13.0"?><QBXML><QBXMLMsgsRq onError="stopOnError">'
        f'<{rq} requestID="1" iterator="Start"><MaxReturned>5</MaxReturned></{rq}>'
        "</QBXMLMsgsRq></QBXML>"
    )
    with pytest.raises(ProcessRequestError) as caught:
        quickbooks.process(request)
    assert caught.value.hresult == "0x80040400"


def test_page_shows_current_state_of_snapshot(ask, quickbooks) -> None:
    """A record deleted after Start is skipped; one modified after Start is returned as it is now."""
    start = first(ask(qbxml.VendorQuery(request_id="1", iterator="Start", max_returned=1)))
    rest = first(
        ask(qbxml.VendorQuery(request_id="2", iterator="Start", max_returned=1))
    )  # a second iterator over the same snapshot
    second_id = first(ask(qbxml.VendorQuery(request_id="3"))).records[1].list_id
    quickbooks.company.modify(second_id, phone="(503) 555-9999")
    page = first(
        ask(
            qbxml.VendorQuery(
                request_id="4", iterator="Continue", iterator_id=start.status.iterator_id
            )
        )
    )
    assert page.records[0].phone == "(503) 555-9999"
    assert rest.status.iterator_id != start.status.iterator_id
