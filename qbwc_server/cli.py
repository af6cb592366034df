"""The ``qbtime`` console script (click). A composition root: builds settings and the store.

Errors are one line on stderr and a non-zero exit status.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from mappings import describe_options, options_to_dict

from . import (
    __version__,
    admin,
    cli_billing,
    cli_client,
    cli_firm,
    cli_log,
    cli_ops,
    cli_sync,
    cli_time,
    cli_user,
)
from .clitools import (
    BadInputError,
    check_instance_folder,
    check_listen_address,
    driver_missing,
    write_output,
)
from .clitools import errors_as_one_line as _errors_as_one_line
from .clitools import settings_of as _settings
from .clitools import store_of as _store
from .clock import SystemClock
from .errors import ConfigurationError
from .report import company_json, company_lines, company_report, when
from .settings import load_settings
from .store import SqlStore, make_engine, upgrade_schema

F = TypeVar("F", bound=Callable[..., Any])


CONNECTIONS_PER_THREAD = 4  # see default_connection_limit


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="qbtime")
@click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Instance folder (default: $QBTIME_HOME or ./instance).",
)
@click.pass_context
@_errors_as_one_line
def main(ctx: click.Context, home: Path | None) -> None:
    """qbtime-sync: a QuickBooks Web Connector sync server for time tracking."""
    overrides = {"home": home} if home else None
    ctx.ensure_object(dict)
    ctx.obj["settings"] = load_settings(overrides=overrides)


@main.command()
@click.pass_context
@_errors_as_one_line
def init(ctx: click.Context) -> None:
    """Create or upgrade the database and the installation's OwnerID."""
    settings = _settings(ctx)
    check_instance_folder(settings)
    try:
        engine = make_engine(settings.effective_database_url)
    except ImportError as exc:
        raise driver_missing(exc) from exc
    try:
        upgrade_schema(engine)
        installation = admin.init_installation(SqlStore(engine), SystemClock())
    finally:
        engine.dispose()
    click.echo(f"database ready: {settings.effective_database_url}")
    click.echo(f"OwnerID: {installation.owner_id}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535))
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64))
@click.option(
    "--connection-limit",
    type=click.IntRange(1, 10_000),
    help=f"Connections served at once; more wait to be accepted  [default: "
    f"{CONNECTIONS_PER_THREAD} per thread]",
)
@click.pass_context
@_errors_as_one_line
def serve(
    ctx: click.Context, host: str, port: int, threads: int, connection_limit: int | None
) -> None:
    """Serve the Web Connector endpoint (/qbwc) and the web pages with waitress."""
    import waitress

    from .app import create_app

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    settings = _settings(ctx)
    check_listen_address(host, port)
    app = create_app(settings, store=_store(ctx))
    from .scheduler import start_in_background

    ctx.call_on_close(start_in_background(_store(ctx), settings, SystemClock()))
    click.echo(f"qbtime-sync {__version__} serving http://{host}:{port}/qbwc", err=True)
    waitress.serve(
        app,
        host=host,
        port=port,
        threads=threads,
        connection_limit=connection_limit or default_connection_limit(threads),
        max_request_body_size=settings.max_body_bytes + 1024 * 1024,
        ident="qbtime-sync",
        **waitress_proxy_options(settings.trusted_proxies),
    )


def default_connection_limit(threads: int) -> int:
    """How many connections waitress serves at once by default: a few per thread.

    waitress's main loop asks every open connection whether it can read or write each time any
    of them is ready, so its cost per event grows with the connections it holds. With 200 Web
    Connectors calling at once and room for 1000 connections, that loop took a whole core and
    the server's CPU per sync session rose 3-6x (``python -m bench concurrent``: 0.25-0.30 s
    instead of 0.045 s; 100 connections, waitress's own default, 0.10 s). Connections past the
    limit wait in the listen backlog, which costs nothing, and are accepted as others finish;
    a call's own work is done by the threads anyway (issue #15).
    """
    return max(16, CONNECTIONS_PER_THREAD * threads)


def waitress_proxy_options(hops: int) -> dict[str, object]:
    """waitress' options for ``hops`` trusted reverse proxies (none: it drops X-Forwarded-*).

    waitress strips every X-Forwarded-* header unless told which proxy to trust; the app's
    ProxyFix then reads the same headers with the same hop count.
    """
    if hops <= 0:
        return {}
    return {
        "trusted_proxy": "*",
        "trusted_proxy_count": hops,
        "trusted_proxy_headers": "x-forwarded-for x-forwarded-proto x-forwarded-host",
        "clear_untrusted_proxy_headers": True,
    }


@main.group()
def company() -> None:
    """Add and manage client companies."""


@company.command("add")
@click.argument("name")
@click.option("--firm", default=None, help="The accounting firm that manages this company.")
@click.option("--username", default=None, help="QBWC username (default: derived from NAME).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
@_errors_as_one_line
def company_add(
    ctx: click.Context, name: str, firm: str | None, username: str | None, as_json: bool
) -> None:
    """Add a company; prints its id, QBWC username, password (shown once) and FileID."""
    created = admin.add_company(_store(ctx), SystemClock(), name, firm=firm, username=username)
    c = created.company
    if as_json:
        click.echo(json.dumps({**company_json(c), "password": created.password}))
        return
    click.echo(f"id:       {c.id}")
    click.echo(f"name:     {c.name}")
    click.echo(f"username: {c.qbwc_username}")
    click.echo(f"password: {created.password}")
    click.echo(f"file_id:  {c.file_id}")
    click.echo("The password is shown only now: type it into the Web Connector.", err=True)
    for other in created.same_name:
        click.echo(
            f"warning: company {other.id} is also named {other.name!r}; their .qwc files are told "
            f"apart by the AppName suffix ({c.id}); a different name is clearer for whoever "
            "works at the QuickBooks PC",
            err=True,
        )


@company.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.pass_context
@_errors_as_one_line
def company_list(ctx: click.Context, as_json: bool) -> None:
    """List the companies."""
    companies = _store(ctx).list_companies()
    if as_json:
        click.echo(json.dumps([company_json(c) for c in companies]))
        return
    if not companies:
        click.echo("no companies yet: add one with `qbtime company add NAME`", err=True)
    for c in companies:
        last = c.last_success_at.isoformat(timespec="seconds") if c.last_success_at else "never"
        click.echo(f"{c.id}\t{c.qbwc_username}\t{c.name}\t{c.firm_name or '-'}\tlast sync: {last}")


@company.command("qwc")
@click.argument("company_id", type=int)
@click.option(
    "--url",
    default=None,
    help="The server's public https URL, e.g. https://sync.example.com (default: public_url).",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.pass_context
@_errors_as_one_line
def company_qwc(ctx: click.Context, company_id: int, url: str | None, output: Path | None) -> None:
    """Write the company's .qwc file (to stdout, or to FILE with -o)."""
    text = admin.company_qwc(_store(ctx), _settings(ctx), company_id, url)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_output(output, text)
        click.echo(f"wrote {output}", err=True)


@company.command("password")
@click.argument("company_id", type=int)
@click.pass_context
@_errors_as_one_line
def company_password(ctx: click.Context, company_id: int) -> None:
    """Give the company a new QBWC password (shown once)."""
    password = admin.regenerate_password(_store(ctx), company_id)
    click.echo(password)
    click.echo(
        "Type the new password into the Web Connector; the old one no longer works.", err=True
    )


@company.command("token")
@click.argument("company_id", type=int)
@click.option("--label", default=None, help="What the token is for (shown in listings).")
@click.option(
    "--scope",
    type=click.Choice(admin.API_SCOPES),
    default="read",
    show_default=True,
    help="read; write: also create, edit and delete time; admin: also approve, unlock, map.",
)
@click.pass_context
@_errors_as_one_line
def company_token(ctx: click.Context, company_id: int, label: str | None, scope: str) -> None:
    """Create a REST API token for the company (shown once)."""
    created = admin.create_api_token(
        _store(ctx), SystemClock(), company_id, label=label, scope=scope
    )
    click.echo(created.token)
    click.echo(
        f"API token {created.view.id} ({scope}) for company {company_id}: it is shown only now and cannot "
        "be shown again (only its hash is stored). Send it as `Authorization: Bearer <token>`.",
        err=True,
    )


@company.command("show")
@click.argument("company_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
@_errors_as_one_line
def company_show(ctx: click.Context, company_id: int, as_json: bool) -> None:
    """Show a company: settings, import options, list counts and its last sync session."""
    details = admin.company_details(
        _store(ctx), company_id, settings=_settings(ctx), now=SystemClock().now()
    )
    if as_json:
        click.echo(json.dumps(company_report(details), sort_keys=True))
    else:
        click.echo("\n".join(company_lines(details)))


_YES_NO = "yes|no"
_LEVEL = "off|show|require"
_OPTION_FLAGS = (
    (
        "--archive-existing-users",
        _YES_NO,
        "First sync: archive local team members not in QuickBooks.",
    ),
    ("--import-customers-jobs", _YES_NO, "Import customers and jobs (fixed after the first sync)."),
    (
        "--assign-customers-to-all",
        _YES_NO,
        "Assign imported customers/jobs to every team member (fixed after the first sync).",
    ),
    ("--service-items", _LEVEL, "Import service items; show them on time, or require one."),
    ("--billable", _LEVEL, "Show the billable flag on time, or require it."),
    ("--classes", _LEVEL, "Import classes; show them on time, or require one."),
    ("--import-vendors", _YES_NO, "Import vendors as team members."),
    ("--export-time", _YES_NO, "Export approved time to QuickBooks."),
)


def _option_flags(fn: F) -> F:
    for flag, metavar, help_text in reversed(_OPTION_FLAGS):
        fn = click.option(flag, metavar=metavar, default=None, help=help_text)(fn)
    return fn


@company.command("options")
@click.argument("company_id", type=int)
@_option_flags
@click.option("--json", "as_json", is_flag=True, help="Print the options as one JSON object.")
@click.pass_context
@_errors_as_one_line
def company_options(
    ctx: click.Context, company_id: int, as_json: bool, **values: str | None
) -> None:
    """Show the company's import options, or change those given (validated, then saved)."""
    changes = {name: text for name, text in values.items() if text is not None}
    store = _store(ctx)
    if changes:
        opts = admin.set_import_options(store, company_id, changes)
    else:
        opts = admin.import_options(store, company_id)
    if as_json:
        click.echo(json.dumps(options_to_dict(opts), sort_keys=True))
        return
    for name, text in describe_options(opts):
        click.echo(f"{name + ':':<26}{text}")
    if changes:
        click.echo(f"saved {len(changes)} option(s) for company {company_id}", err=True)


@company.command("confirm-first-sync")
@click.argument("company_id", type=int)
@click.option(
    "--type",
    "typed",
    required=True,
    metavar="WORD",
    help="Type the word `delete` to confirm.",
)
@click.pass_context
@_errors_as_one_line
def company_confirm_first_sync(ctx: click.Context, company_id: int, typed: str) -> None:
    """Allow the first sync to remove local customers/jobs that QuickBooks does not know."""
    try:
        done = admin.confirm_first_sync(_store(ctx), SystemClock(), company_id, typed)
    except ConfigurationError as exc:
        raise BadInputError(str(exc)) from exc
    if done.state == "first_sync_done":
        click.echo(
            f"company {company_id} had its first sync on {when(done.at)}: nothing to confirm"
        )
        return
    if done.state == "already_confirmed":
        click.echo(f"company {company_id}: already confirmed on {when(done.at)}")
        return
    click.echo(
        f"company {company_id}: confirmed. The first sync will remove the local customers and "
        "jobs (projects) that QuickBooks does not know; those that time entries refer to are "
        "archived instead, so no time is lost."
    )


@company.command("unbind")
@click.argument("company_id", type=int)
@click.pass_context
@_errors_as_one_line
def company_unbind(ctx: click.Context, company_id: int) -> None:
    """Forget the company file the company is bound to; the next session binds its file."""
    was = admin.unbind_company(_store(ctx), company_id)
    if was is None:
        click.echo(f"company {company_id} was not bound to a company file; nothing changed")
        return
    click.echo(
        f"company {company_id} is no longer bound to {was}; the next session binds the company "
        "file it connects with"
    )


@main.command("sync-now")
@click.argument("company_id", type=int)
@click.pass_context
@_errors_as_one_line
def sync_now(ctx: click.Context, company_id: int) -> None:
    """Mark a company due: its next Web Connector poll syncs."""
    c = admin.request_sync(_store(ctx), SystemClock(), company_id)
    click.echo(f"company {c.id} ({c.name}) will sync at the Web Connector's next poll")


@main.command()
@click.option("--seconds-limit", default=30.0, show_default=True, help="Fail if slower than this.")
@_errors_as_one_line
def demo(seconds_limit: float) -> None:
    """Run a full simulated sync: a throwaway server, the sample company, a fake Web Connector."""
    from .demo import run_demo

    raise SystemExit(run_demo(click.echo, seconds_limit=seconds_limit))


# Topic modules (cli_<topic>.py, built on clitools) register their commands here, one line each:
# main.add_command(cli_<topic>.<group>) or company.add_command(cli_<topic>.<command>).
company.add_command(cli_ops.company_unlock)
company.add_command(cli_billing.company_billing)
company.add_command(cli_client.company_setup)
company.add_command(cli_client.company_payroll_settings)
company.add_command(cli_client.company_invite_admin)
main.add_command(cli_log.log_group)
main.add_command(cli_log.replay)
company.add_command(cli_sync.company_resync)
company.add_command(cli_sync.company_enable_request)
main.add_command(cli_user.user)
main.add_command(cli_firm.firm_group)
main.add_command(cli_time.time_group)
company.add_command(cli_time.company_tokens)
company.add_command(cli_time.company_revoke_token)
company.add_command(cli_time.company_payroll_map)


if __name__ == "__main__":  # python -m qbwc_server.cli
    main()
