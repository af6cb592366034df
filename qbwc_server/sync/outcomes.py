"""What a response's status means for its work item (DESIGN section 5), as data.

0 ok; 1 empty result; 500 partial; 3391 restarts the iteration; 3250/1030 and parse errors on an
optional request disable it for the company; other errors fail the item with the fix sentence.
Pure: the service applies the outcome to the store.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import qbxml

from ..store.views import WorkItemView
from .planner import JOBS_BY_KIND

PENDING, DONE, FAILED = "pending", "done", "failed"
ITERATOR_EXPIRED = 3391
MAX_RESTARTS = 3
# Feature not available in this edition or version (QBWC-NOTES A.3.8): drop the request.
NOT_IN_EDITION = frozenset({1030, 3250, 3251, 3260, 3261, 3262})
PARSE_ERROR_HRESULTS = frozenset({"0x80040400"})


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
        fix=f"Nothing to do: {kind.replace('_', ' ')} will not be requested from this company again.",
        counts_as_error=False,
    )


def decide(
    item: WorkItemView, status: qbxml.ResponseStatus, *, received: int, newest: str | None
) -> Outcome:
    """The outcome of one answered request.

    :param received: records read from this answer.
    :param newest: the latest TimeModified (or TimeDeleted) among them, local wall-clock text.
    """
    spec = dict(item.spec)
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
    watermark = spec["newest"] if isinstance(spec["newest"], str) else None
    return Outcome(state=DONE, spec=spec, watermark=watermark)


def decide_hresult(item: WorkItemView, info: qbxml.HresultInfo, message: str) -> Outcome:
    """The outcome of a request QuickBooks could not process at all (an hresult)."""
    if _optional(item) and info.hresult.lower() in PARSE_ERROR_HRESULTS:
        return Outcome(
            state=DONE,
            spec=dict(item.spec),
            problem=_disabled_notice(item.kind, info.hresult, message or info.cause),
            disable=True,
        )
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
