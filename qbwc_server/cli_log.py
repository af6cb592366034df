"""``qbtime log list|show|export|purge`` and ``qbtime replay FILE``: the sync log for support staff.

Built on ``clitools``; registered in ``cli.py``. See docs/synclog.md.
"""

from __future__ import annotations

import io
import json
import re
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import click

from .clitools import BadInputError, errors_as_one_line, settings_of, store_of
from .clock import SystemClock
from .store import to_json


@click.group("log")
def log_group() -> None:
    """Sync logs: every exchange of every session (docs/synclog.md)."""


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return f"{n} B"  # pragma: no cover


@log_group.command("list")
@click.option("--company", "company_id", type=int, default=None, help="Only this company's.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of objects.")
@click.pass_context
@errors_as_one_line
def log_list(ctx: click.Context, company_id: int | None, limit: int, as_json: bool) -> None:
    """Sessions newest first, with their outcome, counts, errors and log size."""
    sessions = store_of(ctx).list_logged_sessions(company_id=company_id, limit=limit)
    rows: list[dict[str, Any]] = []
    for s in sessions:
        end = s.ended_at or s.last_seen_at
        rows.append(
            {
                "id": s.id,
                "company_id": s.company_id,
                "company": s.company_name,
                "started_at": s.started_at.isoformat(),
                "duration_seconds": round((end - s.started_at).total_seconds(), 1),
                "outcome": s.state,
                "counts": dict(s.counts),
                "errors": s.errors,
                "exchanges": s.exchanges,
                "log_bytes": s.log_bytes,
            }
        )
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        click.echo("no sync sessions")
        return
    for r in rows:
        counts = ", ".join(f"{k} {v}" for k, v in r["counts"].items() if k != "received")
        click.echo(
            f"{r['id']:>6}  company {r['company_id']} ({r['company']})  {r['started_at']}  "
            f"{r['duration_seconds']}s  {r['outcome']}  {counts or 'nothing imported'}  "
            f"{r['errors']} errors  {r['exchanges']} exchanges  {_size(r['log_bytes'])}"
        )


@log_group.command("show")
@click.argument("session_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
@errors_as_one_line
def log_show(ctx: click.Context, session_id: int, as_json: bool) -> None:
    """Each exchange of a session in order with a one-line digest, then the errors."""
    from .synclog.digest import digest_line, exchange_digest

    store = store_of(ctx)
    session = store.get_logged_session(session_id)
    exchanges = []
    for row in store.iter_exchanges(session_id):
        exchanges.append(
            {
                "seq": row.seq,
                "operation": row.operation,
                "duration_ms": row.duration_ms,
                "at": row.at.isoformat(),
                **exchange_digest(row),
            }
        )
    errors = store.list_session_errors(session.company_id, session_id).rows
    if as_json:
        data = {
            "session": to_json(session),
            "exchanges": exchanges,
            "errors": [to_json(e) for e in errors],
        }
        click.echo(json.dumps(data, indent=2))
        return
    click.echo(
        f"session {session.id} of company {session.company_id} ({session.company_name}): "
        f"{session.state}, {session.exchanges} exchanges"
    )
    for e in exchanges:
        digest = {k: v for k, v in e.items() if k not in ("seq", "operation", "duration_ms", "at")}
        click.echo(
            f"{e['seq']:>4}  {e['operation']:<20} {e['duration_ms']:>6} ms  {digest_line(digest)}"
        )
    if errors:
        click.echo(f"{len(errors)} error(s):")
        for err in errors:
            click.echo(f"  {err.request_type} {err.status_code}: {err.message} Fix: {err.fix}")
    else:
        click.echo("no errors")


@log_group.command("export")
@click.argument("session_id", type=int)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--scrub", is_flag=True, help="Replace personal and business data by pseudonyms.")
@click.pass_context
@errors_as_one_line
def log_export(ctx: click.Context, session_id: int, output: Path, scrub: bool) -> None:
    """Write one session's log file (gzip JSON Lines) to FILE."""
    from .synclog import export_session

    n = export_session(store_of(ctx), session_id, output, now=SystemClock().now(), scrub=scrub)
    note = " (scrubbed)" if scrub else ""
    click.echo(f"wrote {output}{note}: session {session_id}, {n} exchanges")


@log_group.command("purge")
@click.option(
    "--older-than",
    "days",
    type=click.IntRange(0, None),
    default=None,
    help="Days to keep (default: the log_retention_days setting).",
)
@click.pass_context
@errors_as_one_line
def log_purge(ctx: click.Context, days: int | None) -> None:
    """Delete recorded exchanges older than the retention; sessions and errors stay."""
    keep = settings_of(ctx).log_retention_days if days is None else days
    before = SystemClock().now() - timedelta(days=keep)
    n = store_of(ctx).purge_exchanges(before=before)
    click.echo(f"purged {n} exchanges recorded before {before.isoformat(timespec='seconds')}")


# replay --------------------------------------------------------------------------------------------
def _qwc_ids(path: Path) -> tuple[str | None, str | None]:
    text = path.read_text(encoding="utf-8", errors="replace")
    found = [re.search(rf"<{tag}>\s*([^<\s]+)\s*</{tag}>", text) for tag in ("OwnerID", "FileID")]
    return found[0].group(1) if found[0] else None, found[1].group(1) if found[1] else None


def _print_report(report: Any, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(report.as_json(), indent=2))
        return
    click.echo(f"replayed {report.message_sets} message sets ({report.mode}): {report.outcome}")
    if report.summary:
        click.echo(f"summary: {report.summary}")
    if report.mode == "offline":
        changes = ", ".join(f"{k} {v}" for k, v in report.counts.items()) or "nothing"
        click.echo(f"created/updated/archived: {changes}")
        for e in report.errors:
            click.echo(
                f"error {e['request_type']} {e['status_code']}: {e['message']} Fix: {e['fix']}"
            )
    if report.reproduced:
        click.echo("the replay reproduces the recorded outcome")
        return
    click.echo(f"the replay differs from the log in {len(report.divergences)} way(s):")
    for d in report.divergences:
        click.echo(f"  - {d}")


@click.command("replay")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--db", "db_url", default=None, help="Scratch database URL (default: temporary).")
@click.option("--against", "url", default=None, help="A running server's /qbwc URL.")
@click.option("--user", default=None, help="QBWC username of the target company (--against).")
@click.option("--password", default=None, help="Its password (--against).")
@click.option(
    "--qwc",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="The target company's .qwc: its OwnerID and FileID stamp the HCP answer.",
)
@click.option("--owner-id", default=None, help="The target installation's OwnerID.")
@click.option("--file-id", default=None, help="The target company's FileID.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def replay(
    file: Path,
    db_url: str | None,
    url: str | None,
    user: str | None,
    password: str | None,
    qwc: Path | None,
    owner_id: str | None,
    file_id: str | None,
    as_json: bool,
) -> None:
    """Replay a sync log file offline (scratch store) or live (--against URL).

    Exit 0 when the replay reproduces the recorded outcome, 1 when it differs (every divergence
    is printed), 2 when the file cannot be read.
    """
    from .synclog import LogFileError, read_log, replay_live, replay_offline
    from .synclog.matching import rounds_of

    try:
        log = read_log(file)
    except LogFileError as exc:
        raise BadInputError(str(exc)) from exc
    if url and not (user and password):
        raise BadInputError("--against needs --user and --password (the target company's)")
    if qwc is not None:
        owner_id, file_id = (owner_id or _qwc_ids(qwc)[0]), (file_id or _qwc_ids(qwc)[1])
    show_bar = sys.stdout.isatty() and not as_json
    with click.progressbar(
        length=len(rounds_of(log)), label="replaying", file=None if show_bar else io.StringIO()
    ) as bar:
        step = lambda: bar.update(1)  # noqa: E731
        if url:
            report = replay_live(
                log,
                url,
                user or "",
                password or "",
                owner_id=owner_id,
                file_id=file_id,
                progress=step,
            )
        else:
            report = replay_offline(log, db_url=db_url, progress=step)
    _print_report(report, as_json)
    raise SystemExit(report.exit_code)
