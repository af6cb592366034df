"""``qbtime user add|list|password``: admin users of the web pages and their roles.

Built on clitools; must not import Flask request globals or spyne.
"""

from __future__ import annotations

import json

import click

from . import accounts
from .clitools import BadInputError, errors_as_one_line, store_of
from .clock import SystemClock
from .store import ROLES, AdminUserView


def _scope(user: AdminUserView) -> str:
    if user.firm_id is not None:
        return f"firm {user.firm_name}"
    return f"company {user.company_id}"


@click.group()
def user() -> None:
    """Admin users of the web pages (sign in at /login)."""


@user.command("add")
@click.argument("email")
@click.option("--firm", default=None, help="The firm whose companies the user manages.")
@click.option("--company", "company_id", type=int, default=None, help="One company's id.")
@click.option("--role", type=click.Choice(ROLES), required=True, help="What the user may do.")
@click.pass_context
@errors_as_one_line
def user_add(
    ctx: click.Context, email: str, firm: str | None, company_id: int | None, role: str
) -> None:
    """Create a user (and the firm, if it is new); prints a one-time password."""
    if (firm is None) == (company_id is None):
        raise BadInputError("give either --firm NAME or --company ID")
    made = accounts.add_user(
        store_of(ctx), SystemClock(), email, role=role, firm=firm, company_id=company_id
    )
    click.echo(f"user {made.user.email}: {made.user.role} of {_scope(made.user)}")
    click.echo(f"password: {made.password}")
    click.echo("(shown once; the user chooses a new password at the first sign-in)", err=True)


@user.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON array.")
@click.pass_context
@errors_as_one_line
def user_list(ctx: click.Context, as_json: bool) -> None:
    """List the users, their roles and what they manage."""
    users = store_of(ctx).list_admin_users()
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "email": u.email,
                        "role": u.role,
                        "firm": u.firm_name,
                        "company_id": u.company_id,
                        "must_change_password": u.must_change_password,
                        "created_at": u.created_at.isoformat(),
                    }
                    for u in users
                ]
            )
        )
        return
    if not users:
        click.echo("no users yet: add one with `qbtime user add EMAIL --firm NAME --role owner`")
        return
    for u in users:
        note = " (one-time password not changed yet)" if u.must_change_password else ""
        click.echo(f"{u.email}\t{u.role}\t{_scope(u)}{note}")


@user.command("password")
@click.argument("email")
@click.pass_context
@errors_as_one_line
def user_password(ctx: click.Context, email: str) -> None:
    """Give a user a new one-time password; their signed-in sessions end."""
    made = accounts.reset_password(store_of(ctx), SystemClock(), email)
    click.echo(f"user {made.user.email}: new one-time password")
    click.echo(f"password: {made.password}")
