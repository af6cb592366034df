"""``qbtime company billing ID``: who is responsible for a company's subscription, since when,
its next billing date and the takeover history (issue 16; a record only).

Built on ``clitools``; registered in ``cli.py``. Must not import Flask request globals or spyne.
"""

from __future__ import annotations

import click

from mappings import billing as rules

from .clitools import errors_as_one_line, store_of
from .clock import SystemClock


@click.command("billing")
@click.argument("company_id", type=int)
@click.pass_context
@errors_as_one_line
def company_billing(ctx: click.Context, company_id: int) -> None:
    """Show the company's billing owner now and since when, and every takeover proposal."""
    record = store_of(ctx).billing_record(company_id)
    now = SystemClock().now()
    owner = record.owner(now.date())
    who = f"firm {owner.firm_id}" if owner.owner == "firm" else "client"
    click.echo(f"billing owner: {who} since {owner.since or 'not recorded'}")
    click.echo(f"next billing date: {record.billing_date(now.date())}")
    if not record.history:
        click.echo("history: none")
        return
    click.echo("history:")
    for c in record.history:
        state = rules.state_at(c, now)
        line = f"  #{c.id} {state}: proposed {c.proposed_at:%Y-%m-%d %H:%M} UTC by {c.proposed_by}"
        if c.decided_at:
            line += f"; answered {c.decided_at:%Y-%m-%d %H:%M} UTC by {c.decided_by}"
        if c.effective_on:
            line += f"; takes effect {c.effective_on}"
        click.echo(line)
