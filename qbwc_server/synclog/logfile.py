"""The sync log file: gzip-compressed JSON Lines, a header line then one line per exchange.

``export_session`` writes it from the store (optionally scrubbed); ``read_log`` reads it back
with one version check and refuses a truncated or corrupt file with the line number, before
anything is replayed. The format is documented in docs/synclog.md.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .. import __version__
from ..errors import QbwcServerError
from .recorder import QBXML_PARAMS, decompress_text
from .scrub import Scrubber

if TYPE_CHECKING:
    from ..store import ExchangeRecord, LoggedSession, SqlStore

FORMAT = "qbtime-synclog"
VERSION = 1
AUTH_WORDS = frozenset({"", "nvu", "none", "busy"})
EXCHANGE_KEYS = ("seq", "operation", "params", "answer", "error", "duration_ms", "at")


class LogFileError(QbwcServerError, ValueError):
    """A sync log file that cannot be read: wrong format, newer version, truncated or corrupt."""


@dataclass(frozen=True, slots=True, kw_only=True)
class LogExchange:
    """One recorded call: parameters in wire order (qbXML as text), the answer, the error."""

    seq: int
    operation: str
    params: list[list[Any]]
    answer: Any
    error: str | None
    duration_ms: int
    at: str

    def param(self, name: str) -> Any:
        """A parameter's value (None when the call did not have it)."""
        return next((v for k, v in self.params if k == name), None)

    @property
    def when(self) -> datetime:
        return datetime.fromisoformat(self.at)


@dataclass(frozen=True, slots=True, kw_only=True)
class SyncLog:
    """A whole log file, read and checked."""

    header: dict[str, Any]
    exchanges: tuple[LogExchange, ...] = field(default_factory=tuple)

    @property
    def company(self) -> dict[str, Any]:
        return dict(self.header.get("company") or {})

    @property
    def session(self) -> dict[str, Any]:
        return dict(self.header.get("session") or {})


# writing -------------------------------------------------------------------------------------------
def _exchange_line(row: ExchangeRecord, scrubber: Scrubber | None) -> dict[str, Any]:
    qbxml_name = QBXML_PARAMS.get(row.operation)
    params: list[list[Any]] = []
    for name, value in row.params:
        if name == qbxml_name:
            text = decompress_text(row.qbxml_in)
            value = scrubber.xml(text) if scrubber else text
        elif scrubber and name == "strUserName":
            value = scrubber.username(value if isinstance(value, str) else None)
        elif scrubber and name == "strCompanyFileName":
            value = scrubber.path(value if isinstance(value, str) else None)
        elif scrubber and isinstance(value, str) and name in ("message", "reason"):
            value = scrubber.text(value)
        params.append([name, value])
    answer: Any = row.answer
    if row.operation == "sendRequestXML":
        text = decompress_text(row.qbxml_out)
        answer = scrubber.xml(text) if scrubber else text
    elif scrubber and row.operation == "authenticate" and isinstance(answer, list):
        answer = [
            scrubber.path(a) if i == 1 and isinstance(a, str) and a not in AUTH_WORDS else a
            for i, a in enumerate(answer)
        ]
    elif scrubber and isinstance(answer, str):
        answer = scrubber.text(answer)
    return {
        "seq": row.seq,
        "operation": row.operation,
        "params": params,
        "answer": answer,
        "error": row.error,
        "duration_ms": row.duration_ms,
        "at": row.at.isoformat(),
    }


def _learn(store: SqlStore, session: LoggedSession, scrubber: Scrubber) -> None:
    """First pass of a scrubbed export: every value gets its pseudonym before anything is written,
    so free text (error messages) can be scrubbed of names that appear later in the file."""
    company = store.get_company(session.company_id)
    scrubber.company_name(company.name)
    scrubber.company_name(company.qb_company_name)
    scrubber.username(company.qbwc_username)
    scrubber.path(company.bound_company_file)
    scrubber.path(session.company_file)
    for row in store.iter_exchanges(session.id):
        for blob in (row.qbxml_in, row.qbxml_out):
            if blob:
                scrubber.learn(decompress_text(blob))
        for name, value in row.params:
            if name == "strCompanyFileName" and isinstance(value, str):
                scrubber.path(value)


def build_header(
    store: SqlStore, session: LoggedSession, *, now: datetime, scrubber: Scrubber | None
) -> dict[str, Any]:
    """The header line: format, versions, company, session, counts and the session's errors."""
    company = store.get_company(session.company_id)
    start = next(
        (r.context for r in store.iter_exchanges(session.id) if r.operation == "authenticate"),
        None,
    )
    errors = [
        {
            "request_type": e.request_type,
            "status_code": e.status_code,
            "record_ref": e.record_ref,
            "message": e.message,
            "fix": e.fix,
        }
        for e in store.list_session_errors(session.company_id, session.id).rows
    ]
    s = scrubber
    if s is not None:
        if start is not None:
            start = {**start, "bound_company_file": s.path(start.get("bound_company_file"))}  # type: ignore[arg-type]
        for e in errors:
            e["message"] = s.text(e["message"])
            e["record_ref"] = s.text(e["record_ref"])
            e["fix"] = s.text(e["fix"])
    return {
        "format": FORMAT,
        "version": VERSION,
        "server_version": __version__,
        "exported_at": now.isoformat(),
        "company": {
            "id": company.id,
            "name": s.company_name(company.name) if s else company.name,
            "qbwc_username": s.username(company.qbwc_username) if s else company.qbwc_username,
            "file_id": company.file_id,
            "qb_product": company.qb_product,
            "qb_country": company.qb_country,
        },
        "session": {
            "id": session.id,
            "state": session.state,
            "started_at": session.started_at.isoformat(),
            "ended_at": session.ended_at.isoformat() if session.ended_at else None,
            "company_file": s.path(session.company_file) if s else session.company_file,
            "last_error": s.text(session.last_error) if s else session.last_error,
            "exchanges": session.exchanges,
            "start": start,
        },
        "qbxml_version": session.qbxml_version,
        "counts": dict(session.counts),
        "error_count": session.errors,
        "errors": errors,
        "scrubbed": s is not None,
    }


def write_log(
    store: SqlStore, session_id: int, out: IO[bytes], *, now: datetime, scrub: bool = False
) -> int:
    """Write one session's log file to the binary stream ``out``; returns the exchange count.

    :raises NotFoundError: no session has that id.
    """
    session = store.get_logged_session(session_id)
    scrubber = Scrubber() if scrub else None
    if scrubber is not None:
        _learn(store, session, scrubber)
    header = build_header(store, session, now=now, scrubber=scrubber)
    n = 0
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0) as gz:
        gz.write(json.dumps(header, ensure_ascii=False).encode("utf-8") + b"\n")
        for row in store.iter_exchanges(session.id):
            line = _exchange_line(row, scrubber)
            gz.write(json.dumps(line, ensure_ascii=False).encode("utf-8") + b"\n")
            n += 1
    return n


def export_session(
    store: SqlStore, session_id: int, path: Path, *, now: datetime, scrub: bool = False
) -> int:
    """Write one session's log file to ``path`` (replaced only when complete)."""
    partial = path.with_name(path.name + ".partial")
    try:
        with partial.open("wb") as out:
            n = write_log(store, session_id, out, now=now, scrub=scrub)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return n


# reading -------------------------------------------------------------------------------------------
def _lines(path: Path) -> Iterator[tuple[int, bytes]]:
    number = 0
    try:
        with gzip.open(path, "rb") as gz:
            for number, line in enumerate(gz, start=1):
                yield number, line
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        where = f"line {number + 1}" if number else "the start"
        raise LogFileError(
            f"{path}: the file is truncated or corrupt at {where} ({exc}); "
            "ask for the file again (export it with `qbtime log export`)"
        ) from exc
    except OSError as exc:
        raise LogFileError(f"{path}: cannot be read ({exc.strerror or exc})") from exc


def _check_header(path: Path, header: Any) -> dict[str, Any]:
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        got = header.get("format") if isinstance(header, dict) else None
        raise LogFileError(
            f"{path}: not a qbtime sync log (format {got!r}, this version reads {FORMAT!r})"
        )
    version = header.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise LogFileError(f"{path}: line 1: the header has no format version")
    if version > VERSION:
        raise LogFileError(
            f"{path}: written by a newer qbtime-sync ({header.get('server_version')}, log format "
            f"version {version}); this is qbtime-sync {__version__}, which reads version "
            f"{VERSION}: upgrade qbtime-sync to replay it"
        )
    return header


def _exchange(path: Path, number: int, data: Any, previous: int) -> LogExchange:
    problem = None
    if not isinstance(data, dict):
        problem = "an exchange line must be a JSON object"
    elif missing := [k for k in EXCHANGE_KEYS if k not in data]:
        problem = f"missing {', '.join(missing)}"
    elif not isinstance(data["seq"], int) or data["seq"] <= previous:
        problem = f"seq must be a number above {previous}"
    elif not isinstance(data["operation"], str) or not isinstance(data["params"], list):
        problem = "operation must be text and params a list"
    elif not all(isinstance(p, list) and len(p) == 2 for p in data["params"]):
        problem = "each parameter must be a [name, value] pair"
    else:
        try:
            datetime.fromisoformat(str(data["at"]))
        except ValueError:
            problem = f"at is not a time: {data['at']!r}"
    if problem:
        raise LogFileError(f"{path}: line {number}: {problem}")
    return LogExchange(
        seq=data["seq"],
        operation=data["operation"],
        params=[list(p) for p in data["params"]],
        answer=data["answer"],
        error=data["error"],
        duration_ms=int(data["duration_ms"] or 0),
        at=str(data["at"]),
    )


def read_log(path: Path) -> SyncLog:
    """Read and check a whole log file.

    :raises LogFileError: wrong format or newer version (naming both), truncated or corrupt
        (naming the line).
    """
    header: dict[str, Any] | None = None
    exchanges: list[LogExchange] = []
    for number, line in _lines(path):
        try:
            data = json.loads(line)
        except ValueError as exc:
            if header is None and number == 1:
                raise LogFileError(f"{path}: not a qbtime sync log (line 1 is not JSON)") from exc
            raise LogFileError(f"{path}: line {number}: not valid JSON ({exc})") from exc
        if header is None:
            header = _check_header(path, data)
            continue
        exchanges.append(_exchange(path, number, data, exchanges[-1].seq if exchanges else 0))
    if header is None:
        raise LogFileError(f"{path}: the file is empty")
    expected = (header.get("session") or {}).get("exchanges")
    if isinstance(expected, int) and len(exchanges) < expected:
        raise LogFileError(
            f"{path}: line {len(exchanges) + 2}: the file ends after {len(exchanges)} of "
            f"{expected} exchanges (truncated)"
        )
    return SyncLog(header=header, exchanges=tuple(exchanges))
