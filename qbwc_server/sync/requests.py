"""Turn a queued work item into its qbXML request spec, at send time (DESIGN section 5).

Incremental queries ask for ``ActiveStatus=All`` modified since the list's watermark minus an
overlap, written as QuickBooks local time without an offset (QuickBooks reads the offset wrongly
across DST; QBWC-NOTES A.3.5). Iterators exist only where the schema has them. The watermark
rule (never past QuickBooks' clock when the list started) is :func:`clock_ceiling`'s; the
argument is in docs/sync.md section 3.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import qbxml

from ..store.views import WorkItemView
from .planner import DELETED, JOBS_BY_KIND, SWEEP_PREFIX

OVERLAP = timedelta(minutes=5)
# How far the Web Connector PC's clock may lag the server's before an edit could be missed.
CLOCK_SKEW = timedelta(minutes=15)
# QuickBooks writes a wrong UTC offset across daylight-saving changes (QBWC-NOTES A.3.5).
DST_MARGIN = timedelta(hours=1)
# With no offset seen yet, the earliest local time anywhere (UTC-12) is a safe estimate.
EARLIEST_OFFSET = timedelta(hours=-12)
SUNDAY = 6
DST_WINDOW_END_HOUR = 4  # the repeated hour ends by 03:00 local; one hour of margin
LOCAL_FORMAT = "%Y-%m-%dT%H:%M:%S"


def local_text(value: datetime) -> str:
    """QuickBooks' wall-clock time of a TimeModified/TimeDeleted, as the watermark keeps it."""
    return value.replace(tzinfo=None, microsecond=0).strftime(LOCAL_FORMAT)


def clock_ceiling(at: datetime, offset_minutes: int | None) -> str:
    """A wall-clock time QuickBooks' clock had certainly reached when the server's read ``at``.

    ``at`` is the server's (aware) time; ``offset_minutes`` the company's UTC offset as
    QuickBooks writes it on TimeModified (None: not seen yet, then UTC-12 is assumed). The
    estimate is lowered by the daylight-saving margin and the allowed clock skew, so it errs
    early: a watermark at or below it costs a few re-read records, never a missed edit.
    """
    if offset_minutes is None:
        local = at + EARLIEST_OFFSET
    else:
        local = at + timedelta(minutes=offset_minutes) - DST_MARGIN
    return local_text(local - CLOCK_SKEW)


def since(watermark: str | None, ceiling: str | None = None) -> datetime | None:
    """The FromModifiedDate for a watermark: five minutes earlier, naive local time.

    Daylight saving ends on a Sunday night (01:00-03:00 local in North America, Europe and
    Australia), when an hour of wall-clock times happens twice: a change in the second pass
    can read earlier than a watermark set in the first. A watermark in that window therefore
    looks back an hour more; the cost is re-reading, at most weekly, an hour of changes.

    A watermark later than ``ceiling`` (QuickBooks' clock now, see :func:`clock_ceiling`) was
    set from a future-dated record by an older version: the ceiling is used instead.
    """
    if not watermark:
        return None
    if ceiling is not None and watermark > ceiling:
        watermark = ceiling
    mark = datetime.strptime(watermark, LOCAL_FORMAT)
    if mark.weekday() == SUNDAY and mark.hour < DST_WINDOW_END_HOUR:
        return mark - OVERLAP - timedelta(hours=1)
    return mark - OVERLAP


ITERATORS_SINCE = "5.0"  # iteratorID/iteratorRemainingCount appear in qbXML 5.0


def build_request(
    item: WorkItemView,
    *,
    watermarks: dict[str, str],
    max_returned: int,
    version: str = "16.0",
    ceiling: str | None = None,
) -> qbxml.RequestSpec:
    """The request for ``item`` (its ``request_id`` is the one just claimed).

    Before qbXML 5.0 there are no iterators, and a MaxReturned alone would cut the list short
    while its watermark moved on, so such QuickBooks get the whole list in one answer.
    """
    request_id = item.request_id or str(item.id)
    if item.kind == DELETED:
        types = item.spec.get("types")
        return qbxml.ListDeletedQuery(
            request_id=request_id,
            list_del_types=tuple(str(t) for t in types) if isinstance(types, list) else (),
            from_deleted_date=since(watermarks.get(DELETED), ceiling),
        )
    job = JOBS_BY_KIND[item.kind]
    paging = _paging(job.query, item, max_returned, version)
    return job.query(  # type: ignore[return-value]
        request_id=request_id,
        active_status="All",
        from_modified_date=since(watermarks.get(item.kind), ceiling),
        **paging,  # type: ignore[arg-type]
    )


def _paging(
    job_query: type[qbxml.ListQuery], item: WorkItemView, max_returned: int, version: str
) -> dict[str, object]:
    paging: dict[str, object] = {}
    iterator_id = item.spec.get("iterator_id")
    if job_query.ITERATOR and qbxml.parse_version(version).at_least(ITERATORS_SINCE):
        paging["max_returned"] = max_returned
        if isinstance(iterator_id, str) and iterator_id:
            paging.update(iterator="Continue", iterator_id=iterator_id)
        else:
            paging["iterator"] = "Start"
    return paging


def build_sweep_request(
    item: WorkItemView, *, max_returned: int, version: str = "16.0"
) -> qbxml.RequestSpec:
    """An ID sweep's request: every record of the list (active or not), ListID only, iterated
    where the schema allows (docs/sync.md section 7)."""
    job = JOBS_BY_KIND[item.kind.removeprefix(SWEEP_PREFIX)]
    return job.query(  # type: ignore[return-value]
        request_id=item.request_id or str(item.id),
        active_status="All",
        include_ret_elements=("ListID",),
        **_paging(job.query, item, max_returned, version),  # type: ignore[arg-type]
    )
