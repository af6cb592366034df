"""Replay a sync log: offline into a scratch store, or live against a running server.

Both act as the Web Connector (the simulator's FakeWebConnector) over a :class:`RecordedQuickBooks`.
Offline, the server is this version's own app on a scratch store, called in-process with the
log's clock; live, it is whatever answers at ``--against``. The report says whether the replay
reproduced the recorded outcome and, if not, every divergence in plain words.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from werkzeug.test import Client

from .. import admin
from ..settings import Settings
from ..simulate import FakeWebConnector, SessionTranscript
from ..simulate.soapclient import TNS, USER_AGENT, HttpAnswer, SoapClient
from .logfile import SyncLog
from .recorded import RecordedQuickBooks

if TYPE_CHECKING:
    from ..store import SqlStore

OK, DIVERGED = 0, 1
REPLAY_URL = "http://replay.invalid/qbwc"
INCREMENTAL_ALONE = (
    "this log is an incremental sync and the scratch store did not hold the company's lists "
    "from before it, so its counts cannot match: replay the company's earlier logs first into "
    "the same --db, or compare only the requests above"
)


@dataclass(slots=True)
class ReplayReport:
    """What a replay did, compared with what the log recorded."""

    mode: str
    outcome: str
    summary: str | None
    recorded_summary: str | None
    percent: int | None
    recorded_percent: int | None
    divergences: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    recorded_counts: dict[str, int] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)
    message_sets: int = 0

    @property
    def reproduced(self) -> bool:
        return not self.divergences

    @property
    def exit_code(self) -> int:
        return OK if self.reproduced else DIVERGED

    def as_json(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "reproduced": self.reproduced,
            "outcome": self.outcome,
            "summary": self.summary,
            "recorded_summary": self.recorded_summary,
            "percent": self.percent,
            "recorded_percent": self.recorded_percent,
            "counts": self.counts,
            "recorded_counts": self.recorded_counts,
            "errors": self.errors,
            "message_sets": self.message_sets,
            "divergences": self.divergences,
        }


class ReplayClock:
    """The log's time: moved to each recorded call's time as the replay reaches it."""

    def __init__(self, start: datetime) -> None:
        self._now = start

    def now(self) -> datetime:
        return self._now

    def move_to(self, at: datetime) -> None:
        if at > self._now:
            self._now = at


class WsgiSoapClient(SoapClient):
    """The Web Connector's SOAP client, posting to a WSGI app in-process (no socket)."""

    def __init__(self, app: Any, before: Callable[[str], None]) -> None:
        super().__init__(REPLAY_URL)
        self._client = Client(app)
        self._before = before

    def post(self, operation: str, body: bytes) -> HttpAnswer:
        self._before(operation)
        response = self._client.post(
            "/qbwc",
            data=body,
            headers={
                "User-Agent": USER_AGENT,
                "Content-Type": "text/xml; charset=utf-8",
                "SOAPAction": f'"{TNS}{operation}"',
            },
        )
        return HttpAnswer(response.status_code, response.get_data())


def _last(log: SyncLog, operation: str) -> Any:
    found = [e.answer for e in log.exchanges if e.operation == operation]
    return found[-1] if found else None


def _compare(report: ReplayReport, log: SyncLog, transcript: SessionTranscript) -> None:
    d = report.divergences
    if transcript.outcome in ("no_work", "not_valid_user", "busy", "postponed"):
        d.insert(
            0,
            {
                "no_work": "the server had no work for the company (authenticate answered "
                "none): make it due with `qbtime sync-now COMPANY_ID` and replay again",
                "not_valid_user": "the server refused the user name and password (nvu)",
                "busy": "the company has another live session (busy): wait for it to end",
                "postponed": "the server postponed the update",
            }[transcript.outcome],
        )
    if report.recorded_percent is not None and report.percent != report.recorded_percent:
        d.append(
            f"the final percentage is {report.percent} now, {report.recorded_percent} in the log"
        )
    if (report.recorded_summary or None) != (report.summary or None):
        d.append(f"the summary is {report.summary!r} now, {report.recorded_summary!r} in the log")


def _report(mode: str, log: SyncLog, qb: RecordedQuickBooks, t: SessionTranscript) -> ReplayReport:
    qb.matcher.finish()
    recorded_percent = _last(log, "receiveResponseXML")
    report = ReplayReport(
        mode=mode,
        outcome=t.outcome,
        summary=t.summary,
        recorded_summary=_last(log, "closeConnection"),
        percent=t.percentages[-1] if t.percentages else None,
        recorded_percent=recorded_percent if isinstance(recorded_percent, int) else None,
        divergences=list(qb.divergences),
        recorded_counts={k: int(v) for k, v in (log.header.get("counts") or {}).items()},
        message_sets=t.message_sets,
    )
    _compare(report, log, t)
    return report


# live ----------------------------------------------------------------------------------------------
def replay_live(
    log: SyncLog,
    url: str,
    username: str,
    password: str,
    *,
    owner_id: str | None = None,
    file_id: str | None = None,
    progress: Callable[[], None] | None = None,
    timeout: float = 300.0,
) -> ReplayReport:
    """Act as the Web Connector against ``url`` (a server's ``/qbwc``) with the log's answers."""
    qb = RecordedQuickBooks(log, file_id=file_id, progress=progress)
    connector = FakeWebConnector(
        url, username, password, qb, owner_id=owner_id, file_id=file_id, timeout=timeout
    )
    transcript = connector.run()
    return _report("live", log, qb, transcript)


# offline -------------------------------------------------------------------------------------------
def _max_returned(log: SyncLog, default: int) -> int:
    for r in RecordedQuickBooks(log).matcher.rounds:
        for spec in r.specs:
            value = getattr(spec, "max_returned", None)
            if isinstance(value, int):
                return value
    return default


def _when(value: object) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


def _prepare_company(
    store: SqlStore, log: SyncLog, clock: ReplayClock
) -> tuple[admin.NewCompany, bool]:
    """The scratch company: the log's (continued when ``--db`` already has it) or a new one
    seeded with the session's start state (options, binding, watermarks)."""
    username = str(log.company.get("qbwc_username") or "replay")
    found = store.find_company_by_username(username)
    if found is not None:
        password = admin.regenerate_password(store, found.id)
        return admin.NewCompany(company=store.get_company(found.id), password=password), False
    created = admin.add_company(
        store, clock, str(log.company.get("name") or "Replayed company"), username=username
    )
    start = dict(log.session.get("start") or {})
    changes: dict[str, Any] = {
        "import_options": dict(start.get("import_options") or {}),  # type: ignore[call-overload]
        "disabled_requests": list(start.get("disabled_requests") or []),  # type: ignore[call-overload]
        "bound_company_file": start.get("bound_company_file") or None,
        "qb_country": start.get("qb_country") or None,
        "qbxml_version": start.get("qbxml_version") or None,
    }
    for key in ("first_sync_at", "last_success_at", "sync_requested_at", "delete_confirmed_at"):
        changes[key] = _when(start.get(key))
    store.update_company(created.company.id, **changes)
    for kind, value in dict(start.get("watermarks") or {}).items():  # type: ignore[call-overload]
        store.set_watermark(created.company.id, str(kind), str(value), clock.now())
    state = start.get("sync_state")
    if isinstance(state, dict):  # (logs from before it was recorded: learnt on the way)
        store.update_sync_state(
            created.company.id,
            clock.now(),
            utc_offset_minutes=state.get("utc_offset_minutes"),
            disabled=dict(state.get("disabled") or {}),
            last_sweep_at=_when(state.get("last_sweep_at")),
            sweep_requested=bool(state.get("sweep_requested")),
        )
    return created, True


@contextmanager
def scratch_store(db_url: str | None) -> Iterator[tuple[SqlStore, str]]:
    """A migrated store: ``db_url``'s, or a temporary SQLite file removed afterwards."""
    from ..store import SqlStore, make_engine, upgrade_schema

    with tempfile.TemporaryDirectory(prefix="qbtime-replay-") as tmp:
        url = db_url or f"sqlite:///{Path(tmp) / 'replay.sqlite3'}"
        store = SqlStore(make_engine(url))
        try:
            upgrade_schema(store.engine)
            yield store, tmp
        finally:
            store.dispose()


def replay_offline(
    log: SyncLog,
    *,
    db_url: str | None = None,
    progress: Callable[[], None] | None = None,
) -> ReplayReport:
    """Feed the log's answers through this version's server into a scratch store."""
    from ..app import create_app

    start = log.exchanges[0].when if log.exchanges else datetime(2000, 1, 1, tzinfo=UTC)
    clock = ReplayClock(start - timedelta(seconds=1))
    with scratch_store(db_url) as (store, tmp):
        installation = admin.init_installation(store, clock)
        created, fresh = _prepare_company(store, log, clock)
        seeded = dict(log.session.get("start") or {})
        incremental_alone = fresh and bool(seeded.get("first_sync_at"))
        company_id = created.company.id
        if store.get_company(company_id).sync_requested_at is None:
            store.update_company(company_id, sync_requested_at=clock.now())
        settings = Settings(
            home=Path(tmp),
            database_url=str(store.engine.url),
            record_exchanges=False,
            max_returned=_max_returned(log, Settings().max_returned),
        )
        app = create_app(settings, clock=clock, store=store)
        pending = list(log.exchanges)

        def before(operation: str) -> None:
            # the log's time of the next recorded call of this operation (serverVersion and
            # clientVersion are not recorded: they leave the clock where it is)
            at = next((i for i, ex in enumerate(pending) if ex.operation == operation), None)
            if at is not None:
                clock.move_to(pending[at].when)
                del pending[: at + 1]

        qb = RecordedQuickBooks(log, file_id=created.company.file_id, progress=progress)
        connector = FakeWebConnector(
            REPLAY_URL,
            created.company.qbwc_username,
            created.password,
            qb,
            owner_id=installation.owner_id,
            file_id=created.company.file_id,
            sleep=lambda s: clock.move_to(clock.now() + timedelta(seconds=s)),
        )
        connector.client = WsgiSoapClient(app, before)
        transcript = connector.run()
        report = _report("offline", log, qb, transcript)
        session = store.list_logged_sessions(company_id=company_id, limit=1)
        if session:
            s = session[0]
            report.counts = dict(s.counts)
            report.errors = [
                {
                    "request_type": e.request_type,
                    "status_code": e.status_code,
                    "record_ref": e.record_ref,
                    "message": e.message,
                    "fix": e.fix,
                }
                for e in store.list_session_errors(company_id, s.id).rows
            ]
        _compare_store(report, log)
        if incremental_alone and report.divergences:
            report.divergences.append(INCREMENTAL_ALONE)
    return report


def _compare_store(report: ReplayReport, log: SyncLog) -> None:
    if report.counts != report.recorded_counts:
        keys = sorted(set(report.counts) | set(report.recorded_counts))
        diffs = [
            f"{k} {report.counts.get(k, 0)} now, {report.recorded_counts.get(k, 0)} in the log"
            for k in keys
            if report.counts.get(k, 0) != report.recorded_counts.get(k, 0)
        ]
        report.divergences.append("the counts differ: " + "; ".join(diffs))
    recorded = sorted(
        (str(e.get("request_type")), str(e.get("status_code")))
        for e in log.header.get("errors") or []
    )
    now = sorted((str(e["request_type"]), str(e["status_code"])) for e in report.errors)
    if recorded != now:
        report.divergences.append(
            "the errors differ: "
            + (", ".join(f"{t} {c}" for t, c in now) or "none")
            + " now, "
            + (", ".join(f"{t} {c}" for t, c in recorded) or "none")
            + " in the log"
        )
