"""The sync log's queries: record an exchange, list logged sessions, read a session's exchanges
in order, purge old exchanges. Session summaries and sync errors are never purged."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Select, Table, bindparam, delete, func, insert, select
from sqlalchemy.orm import Session

from ..errors import NotFoundError
from ._base import StoreBase
from .models import Company, SyncExchange, SyncSession
from .views_log import ExchangeRecord, LoggedSession, NewExchange


def _exchange(row: SyncExchange) -> ExchangeRecord:
    return ExchangeRecord(
        id=row.id,
        session_id=row.session_id,
        seq=row.seq,
        operation=row.operation,
        params=[list(p) for p in row.params or []],
        qbxml_in=row.qbxml_in,
        answer=row.answer,
        qbxml_out=row.qbxml_out,
        error=row.error,
        duration_ms=row.duration_ms,
        raw_bytes=row.raw_bytes,
        stored_bytes=row.stored_bytes,
        at=row.at,
        context=dict(row.context) if row.context is not None else None,
    )


_EXCHANGE = cast(Table, SyncExchange.__table__)
_VALUES = (
    "company_id", "session_id", "operation", "params", "qbxml_in", "answer", "qbxml_out",
    "error", "duration_ms", "raw_bytes", "stored_bytes", "context", "at",
)  # fmt: skip


def _record_with_next_seq(of_session: bool) -> Any:
    """INSERT ... SELECT max(seq) + 1 ... RETURNING seq: one exchange with the next sequence
    number of its session (``of_session``) or of its company's session-less calls; the values
    are bind parameters named as the columns, with ``w_session_id``/``w_company_id``."""
    where = (
        _EXCHANGE.c.session_id == bindparam("w_session_id")
        if of_session
        else (_EXCHANGE.c.company_id == bindparam("w_company_id"))
        & _EXCHANGE.c.session_id.is_(None)
    )
    next_seq = func.coalesce(func.max(_EXCHANGE.c.seq), 0) + 1
    columns = [bindparam(f"v_{k}", type_=_EXCHANGE.c[k].type) for k in _VALUES]
    return (
        insert(_EXCHANGE)
        .from_select([*_VALUES, "seq"], select(*columns, next_seq).where(where))
        .returning(_EXCHANGE.c.seq)
    )


_RECORD = {of_session: _record_with_next_seq(of_session) for of_session in (True, False)}


class LogMixin(StoreBase):
    """``sync_exchange``: written by ``synclog.RecordingService``, read by export and the CLI."""

    def record_exchange(self, new: NewExchange) -> int:
        """Store one call with the next sequence number of its session (or of the company's
        session-less calls); returns that number."""
        stored = len(new.qbxml_in or b"") + len(new.qbxml_out or b"")
        values: dict[str, object] = {
            "company_id": new.company_id,
            "session_id": new.session_id,
            "operation": new.operation,
            "params": new.params,
            "qbxml_in": new.qbxml_in,
            "answer": new.answer,
            "qbxml_out": new.qbxml_out,
            "error": new.error,
            "duration_ms": new.duration_ms,
            "raw_bytes": new.raw_bytes,
            "stored_bytes": stored,
            "context": dict(new.context) if new.context is not None else None,
            "at": new.at,
        }
        with self._tx(frozenset({"sync_exchange"})) as s:
            if self.engine.dialect.insert_returning:
                # One Core statement (issue #15), built once: INSERT ... SELECT max(seq) + 1
                # ... RETURNING, instead of an ORM SELECT and INSERT; every SOAP call writes one.
                of_session = new.session_id is not None
                params = {f"v_{k}": v for k, v in values.items()}
                params["w_session_id" if of_session else "w_company_id"] = (
                    new.session_id if of_session else new.company_id
                )
                return int(self._run(s, _RECORD[of_session], params).scalar_one())
            # SQLite before 3.35: two Core statements (core_savepoint holds the recorder's)
            where = (
                _EXCHANGE.c.session_id == new.session_id
                if new.session_id is not None
                else (_EXCHANGE.c.company_id == new.company_id) & _EXCHANGE.c.session_id.is_(None)
            )
            next_seq = func.coalesce(func.max(_EXCHANGE.c.seq), 0) + 1
            seq = int(self._run(s, select(next_seq).where(where)).scalar() or 1)
            self._run(s, insert(_EXCHANGE), {**values, "seq": seq})
            return seq

    @staticmethod
    def _logged(s: Session, query: Select[SyncSession]) -> list[LoggedSession]:
        stats = (
            select(
                SyncExchange.session_id,
                func.count().label("n"),
                func.coalesce(func.sum(SyncExchange.stored_bytes), 0).label("stored"),
                func.coalesce(func.sum(SyncExchange.raw_bytes), 0).label("raw"),
            )
            .group_by(SyncExchange.session_id)
            .subquery()
        )
        rows = s.execute(
            query.add_columns(Company.name, stats.c.n, stats.c.stored, stats.c.raw)
            .join(Company, Company.id == SyncSession.company_id)
            .outerjoin(stats, stats.c.session_id == SyncSession.id)
        )
        out = []
        for row, company_name, n, stored, raw in rows:
            out.append(
                LoggedSession(
                    id=row.id,
                    company_id=row.company_id,
                    company_name=company_name,
                    state=row.state,
                    started_at=row.started_at,
                    ended_at=row.ended_at,
                    last_seen_at=row.last_seen_at,
                    counts=dict(row.counts or {}),
                    errors=row.errors,
                    last_error=row.last_error,
                    qbxml_version=row.qbxml_version,
                    company_file=row.company_file,
                    exchanges=int(n or 0),
                    log_bytes=int(stored or 0),
                    raw_bytes=int(raw or 0),
                    state_data=dict(row.state_data or {}),
                )
            )
        return out

    def list_logged_sessions(
        self, *, company_id: int | None = None, limit: int = 20
    ) -> list[LoggedSession]:
        """Sessions newest first, with their exchange count and log size."""
        if limit < 1:
            raise ValueError("limit must be at least 1")
        query = select(SyncSession)
        if company_id is not None:
            query = query.where(SyncSession.company_id == company_id)
        query = query.order_by(SyncSession.id.desc()).limit(limit)
        with self._tx() as s:
            return self._logged(s, query)

    def get_logged_session(self, session_id: int) -> LoggedSession:
        """One session with its log figures.

        :raises NotFoundError: no session has that id.
        """
        with self._tx() as s:
            found = self._logged(s, select(SyncSession).where(SyncSession.id == session_id))
        if not found:
            raise NotFoundError(f"no sync session with id {session_id}")
        return found[0]

    def iter_exchanges(self, session_id: int) -> Iterator[ExchangeRecord]:
        """The session's exchanges by sequence number, fetched a few at a time."""
        last = 0
        while True:
            with self._tx() as s:
                rows = list(
                    s.scalars(
                        select(SyncExchange)
                        .where(SyncExchange.session_id == session_id, SyncExchange.seq > last)
                        .order_by(SyncExchange.seq)
                        .limit(20)
                    )
                )
                batch = [_exchange(r) for r in rows]
            if not batch:
                return
            yield from batch
            last = batch[-1].seq

    def count_exchanges(self, *, company_id: int | None = None) -> int:
        """How many exchanges are recorded (for one company or all)."""
        query = select(func.count()).select_from(SyncExchange)
        if company_id is not None:
            query = query.where(SyncExchange.company_id == company_id)
        with self._tx() as s:
            return int(s.scalar(query) or 0)

    def purge_exchanges(self, *, before: datetime) -> int:
        """Delete exchanges recorded before ``before``; returns how many. Sessions and sync
        errors stay."""
        with self._tx() as s:
            result = s.execute(delete(SyncExchange).where(SyncExchange.at < before))
            return int(result.rowcount or 0)  # type: ignore[attr-defined]
