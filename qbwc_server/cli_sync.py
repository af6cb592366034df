"""``qbtime company resync`` and ``qbtime company enable-request``: ways back for the sync engine.

Built on ``clitools``; registered in ``cli.py``. The functions under the commands take the store
and a clock, so tests call them as the commands do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from .clitools import BadInputError, errors_as_one_line, store_of
from .clock import SystemClock
from .sync.planner import DELETED, JOBS_BY_KIND

if TYPE_CHECKING:
    from .clock import Clock
    from .store import CompanyView, SqlStore

LIST_NAMES = tuple(JOBS_BY_KIND)


def _check_list(name: str, option: str) -> None:
    if name not in JOBS_BY_KIND:
        raise BadInputError(f"unknown {option} {name!r}: choose one of {', '.join(LIST_NAMES)}")


def resync(store: SqlStore, clock: Clock, company_id: int, list_name: str | None) -> CompanyView:
    """Forget the watermark of one list (or of all, deletions included) and mark the company
    due: its next session imports that list in full, as a first sync does but without the first
    sync's removals, and sweeps every list's ListIDs.

    :raises BadInputError: an unknown list name.
    """
    if list_name is not None:
        _check_list(list_name, "list")
    company = store.get_company(company_id)
    now = clock.now()
    store.clear_watermarks(company.id, None if list_name is None else [list_name])
    store.update_sync_state(company.id, now, sweep_requested=True)
    return store.update_company(company.id, sync_requested_at=now)


def enable_request(store: SqlStore, clock: Clock, company_id: int, name: str) -> CompanyView:
    """Take a request off the company's disabled list: the next session asks for it again.

    :raises BadInputError: an unknown request name, or one that is not disabled.
    """
    _check_list(name, "request")
    company = store.get_company(company_id)
    if name not in company.disabled_requests:
        shown = ", ".join(company.disabled_requests) or "none"
        raise BadInputError(f"{name} is not disabled for company {company.id} (disabled: {shown})")
    now = clock.now()
    state = store.get_sync_state(company.id)
    store.update_sync_state(
        company.id, now, disabled={k: v for k, v in state.disabled.items() if k != name}
    )
    remaining = [k for k in company.disabled_requests if k != name]
    return store.update_company(company.id, disabled_requests=remaining, sync_requested_at=now)


@click.command("resync")
@click.argument("company_id", type=int)
@click.option(
    "--list",
    "list_name",
    type=click.Choice(LIST_NAMES),
    default=None,
    help="Only this list (default: every list and the deletions).",
)
@click.pass_context
@errors_as_one_line
def company_resync(ctx: click.Context, company_id: int, list_name: str | None) -> None:
    """Import a list (or all) in full at the next sync, without the first sync's removals."""
    c = resync(store_of(ctx), SystemClock(), company_id, list_name)
    what = list_name.replace("_", " ") if list_name else f"every list and the {DELETED}"
    click.echo(
        f"company {c.id} ({c.name}): {what} will be imported in full at the Web Connector's "
        "next poll, and every list's ListIDs swept"
    )


@click.command("enable-request")
@click.argument("company_id", type=int)
@click.argument("name")
@click.pass_context
@errors_as_one_line
def company_enable_request(ctx: click.Context, company_id: int, name: str) -> None:
    """Ask QuickBooks again for a request disabled as "not in this edition"."""
    c = enable_request(store_of(ctx), SystemClock(), company_id, name)
    click.echo(f"company {c.id} ({c.name}): {name} will be asked for at the next sync")
