"""``qbtime company unlock ID``: lift the login lock that failed passwords put on a company.

Built on ``clitools``; registered in ``cli.py``. Must not import Flask request globals or spyne.
"""

from __future__ import annotations

import click

from . import admin
from .clitools import errors_as_one_line, settings_of, store_of
from .clock import SystemClock


@click.command("unlock")
@click.argument("company_id", type=int)
@click.pass_context
@errors_as_one_line
def company_unlock(ctx: click.Context, company_id: int) -> None:
    """Let the company's Web Connector log in again now, after too many wrong passwords."""
    store = store_of(ctx)
    details = admin.company_details(
        store, company_id, settings=settings_of(ctx), now=SystemClock().now()
    )
    forgotten = admin.unlock_company(store, company_id)
    name = f"company {company_id} ({details.company.qbwc_username})"
    if not details.login_locks:
        click.echo(
            f"{name} was not locked; forgot {forgotten} failed login(s). If the Web Connector "
            "still says 'Invalid password', the password in it is wrong: `qbtime company "
            f"password {company_id}` makes a new one"
        )
        return
    addresses = ", ".join(lock.address for lock in details.login_locks)
    click.echo(
        f"{name} is unlocked (it was locked for {addresses}); the Web Connector may log in "
        "again now with the right password"
    )
