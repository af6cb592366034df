"""Turn a queued work item into its qbXML request spec, at send time (DESIGN section 5).

Incremental queries ask for ``ActiveStatus=All`` modified since the list's watermark minus an
overlap, written as QuickBooks local time without an offset (QuickBooks reads the offset wrongly
across DST; QBWC-NOTES A.3.5). Iterators exist only where the schema has them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import qbxml

from ..store.views import WorkItemView
from .planner import DELETED, JOBS_BY_KIND

OVERLAP = timedelta(minutes=5)
SUNDAY = 6
DST_WINDOW_END_HOUR = 4  # the repeated hour ends by 03:00 local; one hour of margin
LOCAL_FORMAT = "%Y-%m-%dT%H:%M:%S"


def local_text(value: datetime) -> str:
    """QuickBooks' wall-clock time of a TimeModified/TimeDeleted, as the watermark keeps it."""
    return value.replace(tzinfo=None, microsecond=0).strftime(LOCAL_FORMAT)


def since(watermark: str | None) -> datetime | None:
    """The FromModifiedDate for a watermark: five minutes earlier, naive local time.

    Daylight saving ends on a Sunday night (01:00-03:00 local in North America, Europe and
    Australia), when an hour of wall-clock times happens twice: a change in the second pass
    can read earlier than a watermark set in the first. A watermark in that window therefore
    looks back an hour more; the cost is re-reading, at most weekly, an hour of changes.
    """
    if not watermark:
        return None
    mark = datetime.strptime(watermark, LOCAL_FORMAT)
    if mark.weekday() == SUNDAY and mark.hour < DST_WINDOW_END_HOUR:
        return mark - OVERLAP - timedelta(hours=1)
    return mark - OVERLAP


ITERATORS_SINCE = "5.0"  # iteratorID/iteratorRemainingCount appear in qbXML 5.0


def build_request(
    item: WorkItemView, *, watermarks: dict[str, str], max_returned: int, version: str = "16.0"
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
            from_deleted_date=since(watermarks.get(DELETED)),
        )
    job = JOBS_BY_KIND[item.kind]
    iterator_id = item.spec.get("iterator_id")
    paging: dict[str, object] = {}
    if job.query.ITERATOR and qbxml.parse_version(version).at_least(ITERATORS_SINCE):
        paging["max_returned"] = max_returned
        if isinstance(iterator_id, str) and iterator_id:
            paging.update(iterator="Continue", iterator_id=iterator_id)
        else:
            paging["iterator"] = "Start"
    return job.query(  # type: ignore[return-value]
        request_id=request_id,
        active_status="All",
        from_modified_date=since(watermarks.get(item.kind)),
        **paging,  # type: ignore[arg-type]
    )
