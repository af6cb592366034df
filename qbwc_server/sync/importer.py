"""Read one qbXML response as a stream and reconcile its records into the store, in batches.

For each ``…Rs`` the answer's records go through ``mappings`` (record -> row -> plan) and the
store applies each plan in one short transaction (DESIGN sections 6 and 12). Nothing one record
does fails the others: a record that cannot be read, mapped or stored becomes a sync error with
its ListID and holds its list's watermark (docs/sync.md section 4); records of a type the
request did not ask for are not imported; an answer that breaks off mid-way keeps what was read.
"""

from __future__ import annotations

import functools
import logging
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

import qbxml
from mappings import (
    ListPlan,
    ListRow,
    MappingError,
    count_key,
    plan_deletions,
    plan_list_changes,
    record_to_row,
)

from ..errors import StoreError
from . import messages
from .planner import DELETED, JOBS_BY_KIND, SWEEP_PREFIX
from .requests import CLOCK_SKEW, DST_MARGIN, local_text

if TYPE_CHECKING:
    from ..store import SqlStore
    from ..store.views import WorkItemView

log = logging.getLogger(__name__)

BATCH = 500
RECORD_FIX = "Open the record in QuickBooks, correct it, and run the update again."
# Characters XML 1.0 forbids (raw, or as character references) break the parser; QuickBooks
# data carries them (pasted text), so they are removed before reading: the C0 controls but tab,
# newline and carriage return (as bytes: in UTF-8 these bytes are never part of another
# character), and the non-characters and lone surrogates (only in non-ASCII text).
_CONTROL_BYTES = bytes(b for b in range(0x20) if b not in b"\t\n\r")
_NONCHAR = re.compile("[\ufffe\uffff\ud800-\udfff]")
_CHAR_REF = re.compile(rb"&#(x[0-9a-fA-F]+|[0-9]+);")


def _legal(code: int) -> bool:
    return (
        code in (0x9, 0xA, 0xD)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )


def clean_response(text: str) -> tuple[bytes, int]:
    """The response as UTF-8 without the characters XML 1.0 forbids; returns it and how many
    went. One pass in C for the common case (``bytes.translate``), not a regex over the text."""
    removed = 0
    if not text.isascii():  # (a flag of the str: no scan)
        text, removed = _NONCHAR.subn("", text)
    data = text.encode("utf-8")
    size = len(data)
    data = data.translate(None, _CONTROL_BYTES)
    removed += size - len(data)

    def ref(match: re.Match[bytes]) -> bytes:
        nonlocal removed
        raw = match[1]
        code = int(raw[1:], 16) if raw[:1] == b"x" else int(raw)  # (XML has no &#X)
        if _legal(code):
            return match[0]
        removed += 1
        return b""

    if b"&#" in data:
        data = _CHAR_REF.sub(ref, data)
    return data, removed


@functools.lru_cache(maxsize=64)  # asked once per record: a pure function of the kind
def accepted_records(kind: str) -> tuple[type, ...]:
    """The record types the answer to a work item of ``kind`` may import (any record for a
    kind the planner does not know)."""
    if kind == DELETED:
        return (qbxml.ListDeleted,)
    job = JOBS_BY_KIND.get(kind.removeprefix(SWEEP_PREFIX))
    return (job.record,) if job is not None else (object,)


def expected_rs(kind: str) -> str | None:
    """The ``…Rs`` element that answers a work item of ``kind``."""
    if kind == DELETED:
        return "ListDeletedQueryRs"
    job = JOBS_BY_KIND.get(kind.removeprefix(SWEEP_PREFIX))
    return job.query.RQ_NAME.removesuffix("Rq") + "Rs" if job is not None else None


@dataclass(slots=True)
class Answer:
    """One answered request: its work item, status, and what its records did.

    ``hold`` is the earliest TimeModified (local text) of a record that could not be stored,
    ``hold_all`` says such a record had no readable TimeModified: the list's watermark must not
    pass it. ``broken`` says why the answer could not be read to its end.
    """

    item: WorkItemView
    status: qbxml.ResponseStatus
    received: int = 0
    newest: str | None = None
    # The record stamp with the latest wall-clock time, formatted into ``newest`` when the
    # answer is read (formatting every record's stamp cost more than reading it).
    newest_stamp: datetime | None = None
    rows: list[ListRow] = field(default_factory=list)
    deleted: list[qbxml.ListDeleted] = field(default_factory=list)
    swept: list[str] = field(default_factory=list)
    hold: str | None = None
    hold_all: bool = False
    foreign: Counter[str] = field(default_factory=Counter)
    wrong_rs: bool = False
    broken: str | None = None

    def see(self, stamp: datetime) -> None:
        """Note a record's (aware) TimeModified for ``newest``."""
        newest = self.newest_stamp
        if stamp.year < 1000:  # strftime does not pad such years: compare their text
            text = local_text(stamp)
            self.newest = max(self.newest or text, text)
        elif newest is None:
            self.newest_stamp = stamp
        elif stamp.utcoffset() == newest.utcoffset():  # one offset: instants order as walls
            if stamp > newest:
                self.newest_stamp = stamp
        elif stamp.replace(tzinfo=None) > newest.replace(tzinfo=None):
            self.newest_stamp = stamp

    def finish(self) -> None:
        """Fold ``newest_stamp`` into ``newest`` (the local text the watermark keeps)."""
        if self.newest_stamp is not None:
            text = local_text(self.newest_stamp)
            self.newest = max(self.newest or text, text)
            self.newest_stamp = None

    def hold_at(self, stamp: str | None) -> None:
        if stamp is None:
            self.hold_all = True
        else:
            self.hold = min(self.hold or stamp, stamp)


class ResponseImporter:
    """Imports one receiveResponseXML body for a session.

    :param sent: the session's items waiting for an answer, by the ``requestID`` they were
        sent with; answers to anything else (a retransmitted response) are skipped.
    :param utc_offset_minutes: the company's UTC offset as QuickBooks writes it (None: not
        seen yet); a TimeModified without an offset is read in it. The importer updates it
        from the offsets it sees (``self.utc_offset_minutes``).
    """

    def __init__(
        self,
        *,
        store: SqlStore,
        company_id: int,
        session_id: int,
        sent: dict[str, WorkItemView],
        assign_to_all: bool,
        now: datetime,
        utc_offset_minutes: int | None = None,
    ) -> None:
        self.store = store
        self.company_id = company_id
        self.session_id = session_id
        self.sent = sent
        self.assign_to_all = assign_to_all
        self.now = now
        self.utc_offset_minutes = utc_offset_minutes
        self.counts: Counter[str] = Counter()
        self.record_errors = 0
        self.future: Counter[str] = Counter()
        self._future_example: dict[str, tuple[str, str]] = {}
        self._last_offset: timedelta | None = None  # the offset utc_offset_minutes is from

    # reading ------------------------------------------------------------------------------
    def run(self, text: str | bytes, *, max_bytes: int) -> list[Answer]:
        """Stream ``text``; returns the answers that belong to this session's sent items.

        An answer cut short by unreadable XML keeps the records read before the break; the
        answer being read is marked ``broken``. When nothing at all could be read, every sent
        item gets a ``broken`` answer.
        """
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        data, removed = clean_response(text)
        del text  # only the cleaned bytes are read
        answers: list[Answer] = []
        current: Answer | None = None
        try:
            for event in qbxml.iter_msgs_rs(data, max_bytes=max_bytes, lenient=True):
                if isinstance(event, qbxml.ResponseStatus):
                    self._flush(current)
                    item = self.sent.get(event.request_id or "")
                    current = Answer(item=item, status=event) if item is not None else None
                    if current is not None:
                        self._check_rs(current)
                        answers.append(current)
                elif current is not None:
                    self._add(current, event)
        except qbxml.QbxmlError as exc:
            log.warning("session %s: answer unreadable: %s", self.session_id, exc)
            self._flush(current)
            if current is not None:
                current.broken = str(exc)
            elif not answers:
                answers = [self._broken(item, str(exc)) for item in self.sent.values()]
        else:
            self._flush(current)
        if removed and answers:
            self._notice(
                answers[0],
                "chars",
                f"{removed} characters that XML does not allow (control characters) were "
                "removed from QuickBooks' answer.",
                "Nothing to do; remove the control characters from the record in QuickBooks "
                "to keep them out.",
                ref=None,
            )
        for answer in answers:
            answer.finish()
        self._report_future(answers)
        return answers

    def unanswered(self, item: WorkItemView) -> Answer:
        """The answer for a sent item the response did not include (it fails, asked again)."""
        label = item.kind.replace("_", " ")
        answer = self._broken(item, "no answer")
        answer.broken = messages.NO_ANSWER.format(list=label)
        return answer

    def _broken(self, item: WorkItemView, why: str) -> Answer:
        status = qbxml.ResponseStatus(
            request_id=item.request_id,
            rs_name=expected_rs(item.kind) or "",
            code=0,
            severity="Info",
        )
        return Answer(item=item, status=status, broken=why)

    def _check_rs(self, answer: Answer) -> None:
        wanted = expected_rs(answer.item.kind)
        if wanted is not None and answer.status.rs_name != wanted:
            answer.wrong_rs = True

    def _add(self, answer: Answer, event: qbxml.Record | qbxml.RetProblem) -> None:
        if isinstance(event, qbxml.RetNotice):
            self._ret_notice(answer, event)
            return
        if isinstance(event, qbxml.UnreadableRet):
            self._unreadable(answer, event)
            return
        if answer.wrong_rs or not isinstance(event, accepted_records(answer.item.kind)):
            answer.foreign[type(event).__name__] += 1
            return
        answer.received += 1
        if answer.item.kind.startswith(SWEEP_PREFIX):
            list_id = getattr(event, "list_id", None)
            if list_id:
                answer.swept.append(list_id)
            if len(answer.swept) >= BATCH:
                self._flush(answer)
            return
        if isinstance(event, qbxml.ListDeleted):
            answer.deleted.append(event)
            stamp = self._aware(event.time_deleted)
        else:
            try:
                row = record_to_row(event)
            except MappingError as exc:
                stamp = self._aware(getattr(event, "time_modified", None))
                answer.hold_at(local_text(stamp) if stamp else None)
                self._record_error(answer, str(exc), getattr(event, "list_id", None))
                return
            if row is None:
                return
            stamp = self._aware(row.qb_time_modified)
            if stamp is not row.qb_time_modified:
                row = replace(row, qb_time_modified=stamp)
            answer.rows.append(row)
        if stamp is not None:
            answer.see(stamp)
        if len(answer.rows) + len(answer.deleted) >= BATCH:
            self._flush(answer)

    def _aware(self, stamp: datetime | None) -> datetime | None:
        """A TimeModified with its offset; without one it is the company's local time."""
        if stamp is None:
            return None
        offset = stamp.utcoffset()
        if offset is not None:
            if offset != self._last_offset:
                self.utc_offset_minutes = int(offset.total_seconds() // 60)
                self._last_offset = offset
            return stamp
        minutes = self.utc_offset_minutes or 0
        return stamp.replace(tzinfo=timezone(timedelta(minutes=minutes)))

    # problems -----------------------------------------------------------------------------
    def _record_error(
        self, answer: Answer, message: str, ref: str | None, *, code: str | None = None
    ) -> None:
        self.record_errors += 1
        self.store.record_sync_error(
            company_id=self.company_id,
            session_id=self.session_id,
            work_item_id=answer.item.id,
            request_type=answer.status.rs_name,
            status_code=code,
            record_ref=ref,
            message=message,
            fix=RECORD_FIX,
            now=self.now,
        )

    def _notice(
        self, answer: Answer, code: str, message: str, fix: str, *, ref: str | None
    ) -> None:
        self.store.record_sync_error(
            company_id=self.company_id,
            session_id=self.session_id,
            work_item_id=answer.item.id,
            request_type=answer.status.rs_name,
            status_code=code,
            record_ref=ref,
            message=message,
            fix=fix,
            now=self.now,
        )

    def _unreadable(self, answer: Answer, problem: qbxml.UnreadableRet) -> None:
        answer.received += 1
        stamp = None
        if problem.time_modified:
            try:
                stamp = self._aware(qbxml.parse_datetime(problem.time_modified))
            except qbxml.QbxmlValueError:
                stamp = None
        answer.hold_at(local_text(stamp) if stamp else None)
        self._record_error(
            answer,
            f"A {problem.ret} could not be read and was not imported ({problem.message}); it "
            "is asked for again next time.",
            problem.list_id,
            code="unreadable",
        )

    def _ret_notice(self, answer: Answer, notice: qbxml.RetNotice) -> None:
        for note in notice.notes:
            what = "kept as it is" if note.kept else "left empty"
            self._notice(
                answer,
                "value",
                f"{notice.ret} {notice.list_id or ''}: {note.path.rsplit('/', 1)[-1]} has a value "
                f"this server does not know; it was {what}.",
                "Nothing to do; tell the qbtime-sync maintainers the QuickBooks version if this "
                "value should be understood.",
                ref=notice.list_id,
            )

    def _report_future(self, answers: list[Answer]) -> None:
        for rs_name, count in self.future.items():
            answer = next((a for a in answers if a.status.rs_name == rs_name), None)
            if answer is None:  # pragma: no cover - future rows come from one of the answers
                continue
            list_id, when = self._future_example[rs_name]
            self._notice(
                answer,
                "future",
                f"{count} record(s) carry a TimeModified later than now (for example {list_id} "
                f"at {when}): they were imported, and their date does not move the list's "
                "watermark.",
                "Nothing to do; such dates come from a computer whose clock was wrong when the "
                "record was saved.",
                ref=list_id,
            )

    # writing ------------------------------------------------------------------------------
    def _flush(self, answer: Answer | None) -> None:
        if answer is None:
            return
        if answer.rows:
            self._apply_rows(answer, answer.rows)
            answer.rows = []
        if answer.deleted:
            for kind, ids in plan_deletions(answer.deleted).items():
                changed = self.store.mark_deleted_in_qb(self.company_id, kind, ids, self.now)
                self.counts["deleted"] += changed
            answer.deleted = []
        if answer.swept:
            job = JOBS_BY_KIND[answer.item.kind.removeprefix(SWEEP_PREFIX)]
            started = answer.item.spec.get("started_at")
            at = datetime.fromisoformat(started) if isinstance(started, str) else self.now
            self.store.mark_swept(self.company_id, job.row_kind, answer.swept, at)
            answer.swept = []

    def _apply_rows(self, answer: Answer, rows: list[ListRow]) -> None:
        for kind in sorted({r.kind for r in rows}):
            batch, problems = self.store.fit_list_rows(kind, [r for r in rows if r.kind == kind])
            for problem in problems:
                if problem.refused:
                    row = next(r for r in rows if r.qb_list_id == problem.list_id)
                    stamp = row.qb_time_modified
                    answer.hold_at(local_text(stamp) if stamp else None)
                    self._record_error(
                        answer,
                        f"{problem.list_id}: {problem.message}; the record was not imported.",
                        problem.list_id,
                        code="too_long",
                    )
                else:
                    self._notice(
                        answer,
                        "cut",
                        f"{problem.list_id}: {problem.message}.",
                        "Nothing to do; shorten the value in QuickBooks to keep all of it.",
                        ref=problem.list_id,
                    )
            existing = self.store.lookup_list_rows(
                self.company_id, kind, [r.qb_list_id for r in batch]
            )
            unlinked = (
                self.store.unlinked_team_members(self.company_id) if kind == "team_member" else []
            )
            plan = plan_list_changes(batch, existing, unlinked)
            if plan.is_empty:
                continue
            try:
                # A savepoint: inside the call's one transaction a refused batch undoes only
                # itself, and is then stored row by row. The plan's writes are Core
                # statements (a plain SAVEPOINT does, not the ORM's nested transaction) and
                # repeatable (upserts by ListID, updates by id): on SQLite, where a failed
                # statement is undone alone, the row-by-row retry writes the rest again.
                with self.store.core_savepoint(repeatable=True):
                    self.store.apply_list_plan(
                        self.company_id, kind, plan, self.now, assign_to_all=self.assign_to_all
                    )
            except StoreError as exc:
                log.warning(
                    "company %s: batch of %s failed (%s); one by one", self.company_id, kind, exc
                )
                self._apply_one_by_one(answer, kind, plan)
                continue
            self._count(answer, plan)

    def _apply_one_by_one(self, answer: Answer, kind: str, plan: ListPlan) -> None:
        """A batch the database refused: store each row alone, so only the bad one fails."""
        singles = [ListPlan(inserts=(r,)) for r in plan.inserts]
        singles += [ListPlan(updates=(u,)) for u in plan.updates]
        singles += [ListPlan(links=(link,)) for link in plan.links]
        for single in singles:
            try:
                with self.store.core_savepoint():
                    self.store.apply_list_plan(
                        self.company_id, kind, single, self.now, assign_to_all=self.assign_to_all
                    )
            except StoreError as exc:
                row = (*single.inserts, *(r for _, r in (*single.updates, *single.links)))[0]
                stamp = row.qb_time_modified
                answer.hold_at(local_text(stamp) if stamp else None)
                self._record_error(
                    answer,
                    f"{row.qb_list_id} could not be stored ({exc}); it is asked for again next "
                    "time.",
                    row.qb_list_id,
                    code="store",
                )
                continue
            self._count(answer, single)

    def _count(self, answer: Answer, plan: ListPlan) -> None:
        limit = self.now + DST_MARGIN + CLOCK_SKEW
        for row in (*plan.inserts, *(r for _, r in plan.updates), *(r for _, r in plan.links)):
            self.counts[count_key(row)] += 1
            stamp = row.qb_time_modified
            if stamp is not None and stamp.tzinfo is not None and stamp > limit:
                rs = answer.status.rs_name
                self.future[rs] += 1
                self._future_example.setdefault(rs, (row.qb_list_id, local_text(stamp)))
