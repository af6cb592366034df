"""``qbtime firm list|connect|disconnect``: firm accounts connected under one sign-in.

Built on clitools; must not import Flask request globals or spyne.
"""

from __future__ import annotations

import click

from .clitools import BadInputError, errors_as_one_line, store_of
from .clock import SystemClock
from .store import FirmRow, SqlStore


def _firm(store: SqlStore, name_or_id: str) -> FirmRow:
    found = store.find_firm(name_or_id)
    if found is None:
        raise BadInputError(f"no firm account named {name_or_id[:60]!r} (see `qbtime firm list`)")
    return found


@click.group("firm")
def firm_group() -> None:
    """Firm accounts and their connections (see docs/firms.md)."""


@firm_group.command("list")
@click.pass_context
@errors_as_one_line
def firm_list(ctx: click.Context) -> None:
    """List the firm accounts, their clients and what each is connected to."""
    rows = store_of(ctx).list_firms()
    if not rows:
        click.echo("no firm accounts yet: add one with `qbtime user add EMAIL --firm NAME ...`")
        return
    names = {r.id: r.name for r in rows}
    for r in rows:
        if r.primary_firm_id is None:
            primary = any(o.primary_firm_id == r.id for o in rows)
            link = "primary" if primary else "not connected"
        else:
            link = f"{r.mode} under {names[r.primary_firm_id]}"
        click.echo(f"{r.id}\t{r.name}\t{r.clients} clients\t{link}")


@firm_group.command("connect")
@click.argument("primary")
@click.argument("other")
@click.option("--separate", is_flag=True, help="Keep OTHER's clients separate (invisible).")
@click.pass_context
@errors_as_one_line
def firm_connect(ctx: click.Context, primary: str, other: str, separate: bool) -> None:
    """Connect firm account OTHER under PRIMARY (names or ids): their clients show together."""
    store = store_of(ctx)
    first, second = _firm(store, primary), _firm(store, other)
    if first.id == second.id:
        raise BadInputError("an account cannot be connected to itself")
    mode = "separate" if separate else "connected"
    store.connect_firms(first.id, {second.id: mode}, now=SystemClock().now())
    click.echo(f"{second.name}: {mode} under {first.name}")


@firm_group.command("disconnect")
@click.argument("other")
@click.pass_context
@errors_as_one_line
def firm_disconnect(ctx: click.Context, other: str) -> None:
    """Disconnect firm account OTHER; each account sees only its own clients again."""
    store = store_of(ctx)
    found = _firm(store, other)
    if not store.disconnect_firm(found.id):
        raise BadInputError(f"{found.name} is not connected to another account")
    click.echo(f"{found.name}: disconnected")
