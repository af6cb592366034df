"""Client set-up from the command line (issue 16): ``qbtime company setup ID`` (each step and
where it resumes), ``qbtime company payroll-settings ID`` (show or change the pay period, week
start and overtime rules) and ``qbtime company invite-admin ID`` (the client administrator's
link, mailed when SMTP is set).

Built on ``clitools``; registered in ``cli.py``. Must not import Flask request globals or spyne.
"""

from __future__ import annotations

import json

import click

from mappings.payroll_settings import (
    PAY_PERIODS,
    WEEKDAYS,
    PayrollSettings,
    PayrollSettingsError,
    describe_settings,
    read_settings_form,
    settings_to_form,
)

from . import client_setup
from .clitools import errors_as_one_line, settings_of, store_of
from .clock import SystemClock
from .errors import ConfigurationError


@click.command("setup")
@click.argument("company_id", type=int)
@click.pass_context
@errors_as_one_line
def company_setup(ctx: click.Context, company_id: int) -> None:
    """Show each set-up step, when it was done, and where the set-up resumes."""
    progress = client_setup.setup_progress(store_of(ctx), company_id)
    for number, step in enumerate(progress, 1):
        when = f"done {step.done_at:%Y-%m-%d %H:%M} UTC" if step.done_at else "to do"
        click.echo(f"{number}. {step.label}: {when}")
    resume = client_setup.next_step(progress)
    label = dict(client_setup.STEPS).get(resume or "")
    click.echo(f"next: {label}" if label else "every step is done")


def _settings_json(settings: PayrollSettings) -> str:
    return json.dumps(
        {
            "pay_period": settings.pay_period,
            "anchor": settings.anchor.isoformat() if settings.anchor else None,
            "week_start": settings.week_start,
            "overtime_daily_minutes": settings.overtime_daily_minutes,
            "overtime_weekly_minutes": settings.overtime_weekly_minutes,
        },
        sort_keys=True,
    )


@click.command("payroll-settings")
@click.argument("company_id", type=int)
@click.option("--pay-period", type=click.Choice(sorted(PAY_PERIODS)), default=None)
@click.option("--anchor", default=None, help="The first day of a pay period (YYYY-MM-DD).")
@click.option("--week-start", type=click.Choice(WEEKDAYS), default=None)
@click.option("--overtime-daily", default=None, help="Overtime after these hours a day.")
@click.option("--overtime-weekly", default=None, help="Overtime after these hours a week.")
@click.option("--no-overtime", is_flag=True, help="Remove both overtime rules.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
@errors_as_one_line
def company_payroll_settings(
    ctx: click.Context,
    company_id: int,
    pay_period: str | None,
    anchor: str | None,
    week_start: str | None,
    overtime_daily: str | None,
    overtime_weekly: str | None,
    no_overtime: bool,
    as_json: bool,
) -> None:
    """Show the company's payroll settings, or change the ones given (the others stay)."""
    store = store_of(ctx)
    current = store.payroll_settings(company_id)
    form = settings_to_form(current)
    changes = {
        "pay_period": pay_period,
        "anchor": anchor,
        "week_start": week_start,
        "daily_hours": overtime_daily,
        "weekly_hours": overtime_weekly,
    }
    if no_overtime and (overtime_daily is not None or overtime_weekly is not None):
        raise ConfigurationError("give --no-overtime or overtime thresholds, not both")
    changed = no_overtime or any(v is not None for v in changes.values())
    if changed:
        form.update({k: v for k, v in changes.items() if v is not None})
        if overtime_daily is not None or overtime_weekly is not None:
            form["overtime"] = "rules"
        if no_overtime:
            form.update(overtime="none", daily_hours="", weekly_hours="")
        try:
            current = store.put_payroll_settings(
                company_id, read_settings_form(form), now=SystemClock().now()
            )
        except PayrollSettingsError as exc:
            raise ConfigurationError(
                "nothing was changed: "
                + "; ".join(f"{k.replace('_', '-')}: {v}" for k, v in exc.fields.items())
            ) from exc
    if as_json:
        click.echo(_settings_json(current))
        return
    for label, text in describe_settings(current):
        click.echo(f"{label}: {text}")


@click.command("invite-admin")
@click.argument("company_id", type=int)
@click.option("--email", required=True, help="The client administrator's email.")
@click.option("--name", required=True, help="Their name.")
@click.option("--by", "invited_by", default=None, help="Your email, to be told when they accept.")
@click.option(
    "--url",
    default=None,
    help="The server's public URL the link starts with (default: public_url).",
)
@click.pass_context
@errors_as_one_line
def company_invite_admin(
    ctx: click.Context,
    company_id: int,
    email: str,
    name: str,
    invited_by: str | None,
    url: str | None,
) -> None:
    """Invite the client's account administrator: prints the link that sets their password
    (works once, for 14 days); it is also mailed when SMTP is set."""
    settings = settings_of(ctx)
    store = store_of(ctx)
    base = (url or settings.public_url).strip()
    if not base:
        raise ConfigurationError(
            "give --url or set public_url: the link needs the server's address"
        )
    installation = store.get_installation()
    secret = settings.secret_key or (installation.secret_key if installation else "")
    company = store.get_company(company_id)
    made = client_setup.invite_client_admin(
        store,
        settings,
        SystemClock(),
        company_id,
        email=email,
        name=name,
        team_member_id=None,
        firm_id=store.firm_id_of(company_id),
        invited_by=invited_by or "qbtime CLI",
        sender=company.firm_name or company.name,
        base_url=base,
        secret=secret,
    )
    click.echo(made.link)
    click.echo(f"mail: {made.mail}")
