"""What a response's status means for its work item (DESIGN section 5), as data.

0 ok; 1 empty result; 500 partial; 3391 restarts the iteration; 1030/3250/3251 ("not in this
edition") on an optional request disable it for the company until the product changes or a day
passes; permission answers (3260-3263) and hresults fail the item with the fix sentence, and it
is asked again next session. Pure: the service applies the outcome to the store.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import qbxml

from ..store.views import WorkItemView
from .planner import DELETED as DELETED_KIND
from .planner import JOBS_BY_KIND

PENDING, DONE, FAILED = "pending", "done", "failed"
ITERATOR_EXPIRED = 3391
MAX_RESTARTS = 3
# Feature not available in this edition or version (QBWC-NOTES A.3.8): drop the request.
# 3260-3263 (permission, personal data, payroll subscription, read-only) are the user's to fix:
# they fail the item and it is asked again.
NOT_IN_EDITION = frozenset({1030, 3250, 3251})


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    """One error or notice to store against the item."""

    code: str
    message: str
    fix: str
    counts_as_error: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class Outcome:
    """The item's next state, its new spec, and what else the service must do."""

    state: str
    spec: dict[str, object] = field(default_factory=dict)
    watermark: str | None = None
    problem: Problem | None = None
    disable: bool = False


def _count(spec: dict[str, object], key: str) -> int:
    """A counter kept in an item's spec (JSON: missing or null reads as 0)."""
    value = spec.get(key)
    return value if isinstance(value, int) else 0


def _optional(item: WorkItemView) -> bool:
    job = JOBS_BY_KIND.get(item.kind)
    return job is not None and job.optional


def _later(a: object, b: str | None) -> str | None:
    texts = [t for t in (a, b) if isinstance(t, str) and t]
    return max(texts) if texts else None


def _disabled_notice(kind: str, code: str, message: str) -> Problem:
    return Problem(
        code=code,
        message=f"QuickBooks does not offer {kind.replace('_', ' ')} in this edition: {message}",
        fix=f"Nothing to do: {kind.replace('_', ' ')} are asked for again when the QuickBooks "
        "product changes and once a day; `qbtime company enable-request` asks at the next sync.",
        counts_as_error=False,
    )


PERMISSION = frozenset({3260, 3261, 3262, 3263})


def watermark_of(spec: dict[str, object], *, kind: str, ceiling: str | None) -> str | None:
    """The watermark a finished list proves (docs/sync.md section 3), or None to keep the old.

    The newest TimeModified seen, but never past ``ceiling`` (QuickBooks' clock when the list's
    first request ran) nor past a record that could not be stored (``hold``); a failed record
    without a readable TimeModified (``hold_all``) keeps the old watermark. The deletions query
    is not iterated: every deletion up to its run was returned, so its ceiling is its watermark.
    """
    if spec.get("hold_all"):
        return None
    newest = spec.get("newest")
    mark = ceiling if kind == DELETED_KIND else (newest if isinstance(newest, str) else None)
    for bound in (ceiling, spec.get("hold")):
        if mark is not None and isinstance(bound, str) and bound < mark:
            mark = bound
    return mark


def decide(
    item: WorkItemView,
    status: qbxml.ResponseStatus,
    *,
    received: int,
    newest: str | None,
    hold: str | None = None,
    hold_all: bool = False,
    ceiling: str | None = None,
) -> Outcome:
    """The outcome of one answered request.

    :param received: records read from this answer.
    :param newest: the latest TimeModified (or TimeDeleted) among them, local wall-clock text.
    :param hold: the earliest TimeModified of a record of this answer that was not stored;
        ``hold_all``: such a record had none.
    :param ceiling: QuickBooks' clock (local text, an underestimate) when the list's first
        request was sent.
    """
    spec = dict(item.spec)
    if hold is not None:
        spec["hold"] = min(hold, str(spec.get("hold") or hold))
    if hold_all:
        spec["hold_all"] = True
    if status.is_error:
        info = qbxml.describe_status(status.code)
        code = str(status.code)
        if status.code == ITERATOR_EXPIRED:
            restarts = _count(spec, "restarts") + 1
            spec.update(iterator_id=None, restarts=restarts, fetched=0, remaining=0)
            if restarts <= MAX_RESTARTS:
                return Outcome(state=PENDING, spec=spec)
        if _optional(item) and status.code in NOT_IN_EDITION:
            return Outcome(
                state=DONE,
                spec=spec,
                problem=_disabled_notice(item.kind, code, status.message),
                disable=True,
            )
        if _optional(item) and status.code in PERMISSION:
            # The user can fix this (the fix says how): an error now, asked again next session,
            # and the rest of the sync (a first sync too) still completes.
            return Outcome(
                state=DONE,
                spec=spec,
                problem=Problem(code=code, message=status.message or info.meaning, fix=info.fix),
            )
        return Outcome(
            state=FAILED,
            spec=spec,
            problem=Problem(code=code, message=status.message or info.meaning, fix=info.fix),
        )
    spec["newest"] = _later(spec.get("newest"), newest)
    spec["fetched"] = _count(spec, "fetched") + received
    remaining = status.iterator_remaining_count or 0
    if status.iterator_id and remaining > 0:
        spec.update(iterator_id=status.iterator_id, remaining=remaining)
        return Outcome(state=PENDING, spec=spec)
    spec.update(iterator_id=None, remaining=0)
    watermark = watermark_of(spec, kind=item.kind, ceiling=ceiling)
    return Outcome(state=DONE, spec=spec, watermark=watermark)


def decide_hresult(item: WorkItemView, info: qbxml.HresultInfo, message: str) -> Outcome:
    """The outcome of a request QuickBooks could not process at all (an hresult): the item
    fails and is asked again next session (an hresult never disables a request for good)."""
    return Outcome(
        state=FAILED,
        spec=dict(item.spec),
        problem=Problem(code=info.hresult, message=message or info.cause, fix=info.fix),
    )


def item_fraction(item: WorkItemView) -> float:
    """How much of an item is finished: 1 when resolved, the fetched share of an iterator."""
    if item.state in (DONE, FAILED):
        return 1.0
    fetched, remaining = _count(item.spec, "fetched"), _count(item.spec, "remaining")
    if item.spec.get("iterator_id") and fetched + remaining > 0:
        return fetched / (fetched + remaining)
    return 0.0


def percent(items: list[WorkItemView], previous: int) -> int:
    """Progress 0..100: never below ``previous``, 100 only when every item is resolved."""
    if not items:
        return 100
    finished = all(i.state in (DONE, FAILED) for i in items)
    if finished:
        return 100
    share = sum(item_fraction(i) for i in items) / len(items)
    return min(99, max(previous, int(100 * share)))
