"""``qbtime time import|list|approve|unapprove|unlock`` and ``qbtime company tokens|revoke-token|
payroll-map`` (issue 13). Built on clitools; registered in cli.py. Must not import Flask request
globals or spyne.

People name things here (team members, customers/jobs, items, classes, payroll items by Name or
FullName, case ignored); the REST API takes row ids.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import click

from mappings.time import (
    ENTRY_FIELDS,
    STATES,
    UNLOCK_DAYS,
    EntryInput,
    EntryInputError,
    parse_entry_input,
)

from .clitools import BadInputError, errors_as_one_line, store_of
from .clock import SystemClock
from .errors import InvalidInputError
from .store import to_json
from .store.views_time import PayrollPair

MAX_SHOWN = 20
# CSV column -> the entry field it fills (names are resolved to row ids).
_REF_COLUMNS = {
    "team_member": "team_member_id",
    "team_member_id": "team_member_id",
    "customer": "customer_id",
    "customer_id": "customer_id",
    "service_item": "service_item_id",
    "service_item_id": "service_item_id",
    "class": "class_id",
    "class_id": "class_id",
}
_WHAT = {
    "team_member_id": "team member",
    "customer_id": "customer or job",
    "service_item_id": "service item",
    "class_id": "class",
    "payroll_item_id": "payroll item",
}
_TRUE, _FALSE = {"yes", "true", "1", "y"}, {"no", "false", "0", "n", ""}


def _lookup(index: dict[str, dict[str, int | None]], field: str, name: str) -> int:
    """The row id a name means, or BadInputError naming what is wrong."""
    found = index[field].get(name.strip().casefold(), 0)
    if found is None:
        raise ValueError(f"more than one {_WHAT[field]} is named {name!r}: use the FullName")
    if found == 0:
        raise ValueError(f"no {_WHAT[field]} named {name!r}")
    return found


def _row_values(
    row: dict[str, str], index: dict[str, dict[str, int | None]], bad: dict[str, str]
) -> dict[str, object]:
    data: dict[str, object] = {}
    for column, text in row.items():
        if column is None or text is None:
            bad["(row)"] = "has more cells than the header"
            continue
        column = column.strip()
        text = text.strip()
        if column in _REF_COLUMNS:
            field = _REF_COLUMNS[column]
            if text:
                try:
                    data[field] = _lookup(index, field, text)
                except ValueError as exc:
                    bad[column] = str(exc)
        elif column == "duration_seconds":
            if text:
                data[column] = int(text) if text.isdigit() else text
        elif column == "billable":
            if text.casefold() not in _TRUE | _FALSE:
                bad[column] = "must be yes or no"
            data[column] = text.casefold() in _TRUE
        elif column in ENTRY_FIELDS:
            if text:
                data[column] = text
        else:
            bad[column] = "is not a time entry column"
    return data


def read_csv(path: Path, index: dict[str, dict[str, int | None]]) -> list[EntryInput]:
    """Every row of ``path`` as an entry, or BadInputError listing each bad row and field.

    Rows are numbered as a spreadsheet shows them: the header is row 1.
    """
    problems: list[str] = []
    entries: list[EntryInput] = []
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames:
            raise BadInputError(f"{path}: the file is empty; the first row names the columns")
        for number, row in enumerate(reader, start=2):
            bad: dict[str, str] = {}
            data = _row_values(row, index, bad)
            try:
                entries.append(parse_entry_input(data))
            except EntryInputError as exc:
                bad.update({k: v for k, v in exc.fields.items() if k not in bad})
            problems += [f"row {number}, {field}: {why}" for field, why in sorted(bad.items())]
    if problems:
        shown = problems[:MAX_SHOWN]
        more = len(problems) - len(shown)
        tail = [f"... and {more} more"] if more else []
        raise BadInputError(
            "\n".join([*shown, *tail, f"nothing was imported from {path}: fix the rows above"])
        )
    return entries


@click.group("time")
def time_group() -> None:
    """Import, list, approve and unlock time entries."""


@time_group.command("import")
@click.argument("company_id", type=int)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
@errors_as_one_line
def time_import(ctx: click.Context, company_id: int, file: Path) -> None:
    """Import time entries from a CSV file, all or none (header row: the API's field names)."""
    store = store_of(ctx)
    store.get_company(company_id)
    entries = read_csv(file, store.name_index(company_id))
    if not entries:
        raise BadInputError(f"{file}: no rows below the header; nothing to import")
    try:
        results = store.create_time_entries(
            company_id,
            entries,
            now=SystemClock().now(),
            labels=[f"row {n}, " for n in range(2, len(entries) + 2)],
        )
    except InvalidInputError as exc:
        raise BadInputError(
            "\n".join([*(f"{k}: {v}" for k, v in exc.fields.items()), "nothing was imported"])
        ) from exc
    created = sum(1 for _, new in results if new)
    click.echo(
        f"imported {created} time entr{'y' if created == 1 else 'ies'} into company {company_id}"
        + (
            f" ({len(results) - created} already there by external_id)"
            if created < len(results)
            else ""
        )
    )


def _day(text: str | None, name: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadInputError(f"{name} must be a date YYYY-MM-DD, not {text!r}") from None


@time_group.command("list")
@click.argument("company_id", type=int)
@click.option("--from", "date_from", default=None, help="First work date (YYYY-MM-DD).")
@click.option("--to", "date_to", default=None, help="Last work date (YYYY-MM-DD).")
@click.option("--state", type=click.Choice(STATES), default=None)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.pass_context
@errors_as_one_line
def time_list(
    ctx: click.Context,
    company_id: int,
    date_from: str | None,
    date_to: str | None,
    state: str | None,
    as_json: bool,
) -> None:
    """List time entries with their approval and export state (and any export error)."""
    store = store_of(ctx)
    store.get_company(company_id)
    rows: list[Any] = []
    after = None
    while True:
        page = store.list_time_entries(
            company_id,
            after_id=after,
            limit=1000,
            date_from=_day(date_from, "--from"),
            date_to=_day(date_to, "--to"),
            state=state,
        )
        rows += page.rows
        if page.next_after is None:
            break
        after = page.next_after
    if as_json:
        click.echo(json.dumps(to_json(rows)))
        return
    if not rows:
        click.echo("no time entries", err=True)
    for r in rows:
        hours = f"{r.duration_seconds / 3600:.2f}h"
        line = f"{r.id}\t{r.work_date}\tmember {r.team_member_id}\t{hours}\t{r.hour_type}\t{r.state}\t{r.export_state}"
        click.echo(line + (f"\t{r.export_error}" if r.export_error else ""))


def _members(store: Any, company_id: int, names: Sequence[str]) -> list[int] | None:
    if not names:
        return None
    index = store.name_index(company_id)
    try:
        return [_lookup(index, "team_member_id", n) for n in names]
    except ValueError as exc:
        raise BadInputError(f"--member: {exc}") from None


def _range_command(name: str, help_text: str) -> Any:
    def command(
        ctx: click.Context, company_id: int, date_from: str, date_to: str, member: tuple[str, ...]
    ) -> None:
        store = store_of(ctx)
        store.get_company(company_id)
        start, end = _day(date_from, "--from"), _day(date_to, "--to")
        assert start is not None and end is not None
        if start > end:
            raise BadInputError("--to must not be before --from")
        members = _members(store, company_id, member)
        now = SystemClock().now()
        if name == "unlock":
            earliest = now.date() - timedelta(days=UNLOCK_DAYS)
            if start < earliest:
                raise BadInputError(
                    f"unlocking goes back at most {UNLOCK_DAYS} days (to {earliest})"
                )
            changed = store.unlock_entries(
                company_id, date_from=start, date_to=end, member_ids=members, now=now
            )
        else:
            changed = store.set_approval(
                company_id,
                date_from=start,
                date_to=end,
                member_ids=members,
                approve=name == "approve",
                now=now,
            )
        click.echo(f"{name}: {changed} time entr{'y' if changed == 1 else 'ies'} changed")

    command.__name__ = f"time_{name}"
    command.__doc__ = help_text
    command = errors_as_one_line(command)
    command = click.pass_context(command)  # type: ignore[arg-type]
    for option in (
        click.option("--member", multiple=True, help="A team member's name (repeatable)."),
        click.option("--to", "date_to", required=True, help="Last work date (YYYY-MM-DD)."),
        click.option("--from", "date_from", required=True, help="First work date (YYYY-MM-DD)."),
        click.argument("company_id", type=int),
    ):
        command = option(command)
    return time_group.command(name)(command)


_range_command("approve", "Approve draft and submitted entries of the dates (and members).")
_range_command("unapprove", "Take approval back from entries not yet exported.")
_range_command("unlock", "Unlock exported entries (at most 90 days back) so they can be edited.")


# company commands ---------------------------------------------------------------------------
@click.command("tokens")
@click.argument("company_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.pass_context
@errors_as_one_line
def company_tokens(ctx: click.Context, company_id: int, as_json: bool) -> None:
    """List the company's API tokens: id, label, scope, created, last used."""
    store = store_of(ctx)
    store.get_company(company_id)
    tokens = store.list_api_tokens(company_id)
    if as_json:
        click.echo(json.dumps(to_json(tokens)))
        return
    if not tokens:
        click.echo(f"company {company_id} has no API tokens", err=True)
    for t in tokens:
        used = t.last_used_at.isoformat(timespec="seconds") if t.last_used_at else "never"
        created = t.created_at.isoformat(timespec="seconds")
        click.echo(f"{t.id}\t{t.label or '-'}\t{t.scope}\tcreated {created}\tlast used {used}")


@click.command("revoke-token")
@click.argument("company_id", type=int)
@click.argument("token_id", type=int)
@click.pass_context
@errors_as_one_line
def company_revoke_token(ctx: click.Context, company_id: int, token_id: int) -> None:
    """Revoke one of the company's API tokens (it stops working at once)."""
    store = store_of(ctx)
    store.get_company(company_id)
    if not store.revoke_api_token(company_id, token_id):
        raise BadInputError(
            f"company {company_id} has no API token {token_id}: see `qbtime company tokens {company_id}`"
        )
    click.echo(f"API token {token_id} of company {company_id} revoked")


def _grid(store: Any, company_id: int) -> dict[str, Any]:
    """The mapping grid (``mappings.payroll_grid``, as the admin page shows it) for the shell:
    own items by name, the company default's in brackets, None where no item is sent."""
    grid = store.payroll_grid(company_id)
    hour_types = sorted(grid.hour_types)
    rows = []
    for row in grid.rows:
        cells: dict[str, str | None] = {}
        for cell in row.cells:
            if cell.own is not None:
                cells[cell.hour_type] = grid.item_name(cell.own)
            elif cell.applies is not None and row.member.uses_time_data:
                cells[cell.hour_type] = f"({grid.item_name(cell.applies)})"
            else:
                cells[cell.hour_type] = None
        rows.append(
            {"member": row.member.name, "uses_time_data": row.member.uses_time_data, "cells": cells}
        )
    defaults = {h: grid.item_name(i) for h, i in grid.defaults.items() if i is not None}
    return {"hour_types": hour_types, "defaults": defaults, "members": rows}


@click.command("payroll-map")
@click.argument("company_id", type=int)
@click.option("--member", default=None, help="A team member's name (default: the company default).")
@click.option("--hour-type", default=None, help="regular, overtime, doubletime or pto:<code>.")
@click.option("--item", default=None, help="The payroll wage item's name.")
@click.option(
    "--force", is_flag=True, help="Accept an item the employee does not earn in QuickBooks."
)
@click.option("--show", is_flag=True, help="Show the mapping grid (member x hour type).")
@click.option("--json", "as_json", is_flag=True, help="With --show: print one JSON object.")
@click.pass_context
@errors_as_one_line
def company_payroll_map(
    ctx: click.Context,
    company_id: int,
    member: str | None,
    hour_type: str | None,
    item: str | None,
    force: bool,
    show: bool,
    as_json: bool,
) -> None:
    """Map a member's (or the company's default) hour type to a payroll wage item, or --show."""
    store = store_of(ctx)
    store.get_company(company_id)
    if not show:
        if not hour_type or not item:
            raise BadInputError("give --hour-type and --item (or --show)")
        index = store.name_index(company_id)
        try:
            item_id = _lookup(index, "payroll_item_id", item)
            member_id = _lookup(index, "team_member_id", member) if member else None
        except ValueError as exc:
            raise BadInputError(str(exc)) from None
        pair = PayrollPair(
            team_member_id=member_id, hour_type=hour_type, payroll_item_id=item_id, force=force
        )
        try:
            store.put_payroll_mapping(
                company_id,
                [pair] if member_id else [],
                [] if member_id else [pair],
                now=SystemClock().now(),
            )
        except InvalidInputError as exc:
            raise BadInputError("; ".join(exc.fields.values())) from exc
        who = member or "the company default"
        click.echo(f"{who}: {hour_type} hours go to payroll item {item!r}")
    grid = _grid(store, company_id)
    if as_json:
        click.echo(json.dumps(grid, sort_keys=True))
        return
    if not show:
        return
    types = grid["hour_types"]
    click.echo("\t".join(["member", *types]))
    click.echo("\t".join(["(default)", *(grid["defaults"].get(h) or "-" for h in types)]))
    for row in grid["members"]:
        cells = [
            row["cells"][h] or ("MISSING" if row["uses_time_data"] and h == "regular" else "-")
            for h in types
        ]
        click.echo("\t".join([row["member"], *cells]))
    click.echo(
        "(item) = the company default; MISSING = regular hours of an employee whose paychecks "
        "use time data have no item, so their time is blocked at export",
        err=True,
    )
