"""How the CLI shows a company: JSON objects and readable lines (no click, no I/O)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from mappings import check_to_json, describe_options, health_summary, options_to_dict

from .admin import CompanyDetails
from .store import CompanyView, to_json


def company_json(company: CompanyView) -> dict[str, Any]:
    """The company fields ``qbtime company add/list --json`` print."""
    return {
        "id": company.id,
        "name": company.name,
        "firm": company.firm_name,
        "username": company.qbwc_username,
        "file_id": company.file_id,
        "bound_company_file": company.bound_company_file,
        "sync_requested_at": company.sync_requested_at.isoformat()
        if company.sync_requested_at
        else None,
        "last_success_at": company.last_success_at.isoformat() if company.last_success_at else None,
        "last_error": company.last_error,
    }


def when(value: datetime | None, never: str = "never") -> str:
    """A time for people (seconds precision), or ``never``."""
    return value.isoformat(timespec="seconds") if value else never


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def company_report(details: CompanyDetails) -> dict[str, Any]:
    """``qbtime company show --json``: the company as one JSON-ready object."""
    c = details.company
    return {
        **company_json(c),
        "qb_product": c.qb_product,
        "qb_country": c.qb_country,
        "qbxml_version": c.qbxml_version,
        "first_sync_at": _iso(c.first_sync_at),
        "delete_confirmed_at": _iso(c.delete_confirmed_at),
        "last_error_at": _iso(c.last_error_at),
        "created_at": c.created_at.isoformat(),
        "import_options": options_to_dict(details.options),
        "health": [check_to_json(c) for c in details.health],
        "disabled_requests": list(c.disabled_requests),
        "counts": to_json(details.counts),
        "last_session": to_json(details.last_session),
        "login_locks": [
            {"address": lock.address, "failures": lock.failures, "until": lock.until.isoformat()}
            for lock in details.login_locks
        ],
        "time_export": {
            "states": details.export_states,
            "problems": [
                {
                    "id": e.id,
                    "work_date": e.work_date.isoformat(),
                    "export_state": e.export_state,
                    "export_error": e.export_error,
                }
                for e in details.export_problems
            ],
        },
    }


def _first_sync_line(c: CompanyView) -> str:
    if c.first_sync_at:
        return f"done {when(c.first_sync_at)}"
    if c.delete_confirmed_at:
        return f"not yet; removals confirmed {when(c.delete_confirmed_at)}"
    return f"not yet; removals not confirmed (`qbtime company confirm-first-sync {c.id} --type delete`)"


def _login_line(details: CompanyDetails) -> str:
    if not details.login_locks:
        return "not locked"
    locks = "; ".join(
        f"locked for {lock.address} until {when(lock.until)} ({lock.failures} failed logins)"
        for lock in details.login_locks
    )
    return f"{locks}: `qbtime company unlock {details.company.id}` lifts it now"


def _disabled_line(c: CompanyView) -> str:
    if not c.disabled_requests:
        return "no requests"
    names = ", ".join(c.disabled_requests)
    return (
        f"{names} (not in this edition; asked again daily and when the product changes; "
        f"`qbtime company enable-request {c.id} NAME` asks at the next sync)"
    )


def _time_export_lines(details: CompanyDetails, echo: Callable[[str], None]) -> None:
    states = ", ".join(f"{k} {v}" for k, v in sorted(details.export_states.items()))
    echo(f"time export:      {states or 'no time entries'}")
    for e in details.export_problems:
        echo(f"  entry {e.id} ({e.work_date.isoformat()}, {e.export_state}): {e.export_error}")


def _health_lines(details: CompanyDetails, echo: Callable[[str], None]) -> None:
    """The integration health checks (docs/health.md), each with what to change and where."""
    text, _ = health_summary(details.health)
    echo(f"health:           {text}")
    for check in details.health:
        where = "here" if check.where == "here" else "in QuickBooks"
        page = f" (page: {check.page})" if check.page else ""
        echo(f"  [{check.severity}] {check.code}: {check.title}")
        echo(f"    found: {check.found}")
        echo(f"    fix {where}{page}: {check.fix}")


def company_lines(details: CompanyDetails) -> list[str]:
    """``qbtime company show``: the company as readable lines."""
    lines: list[str] = []
    echo = lines.append
    c = details.company
    product = ", ".join(
        p
        for p in (
            c.qb_product,
            c.qb_country and f"country {c.qb_country}",
            c.qbxml_version and f"qbXML {c.qbxml_version}",
        )
        if p
    )
    rows = [
        ("name", c.name),
        ("firm", c.firm_name or "-"),
        ("username", c.qbwc_username),
        ("file_id", c.file_id),
        ("company file", c.bound_company_file or "not bound yet (the next session binds it)"),
        ("QuickBooks", product or "not seen yet"),
        ("first sync", _first_sync_line(c)),
        ("last success", when(c.last_success_at)),
        ("last error", f"{when(c.last_error_at)}: {c.last_error}" if c.last_error else "-"),
        ("sync requested", when(c.sync_requested_at, never="no")),
        ("login", _login_line(details)),
        ("disabled", _disabled_line(c)),
    ]
    echo(f"company {c.id}")
    for label, value in rows:
        echo(f"  {label + ':':<16}{value}")
    echo("import options:")
    for name, text in describe_options(details.options):
        echo(f"  {name + ':':<26}{text}")
    echo(f"lists:            {'total':>8}{'active':>8}{'archived':>10}{'deleted_in_qb':>15}")
    for kind, n in details.counts.items():
        echo(
            f"  {kind.replace('_', ' '):<16}{n.total:>8}{n.active:>8}{n.archived:>10}"
            f"{n.deleted_in_qb:>15}"
        )
        if n.parts:
            echo("    " + ", ".join(f"{k} {v}" for k, v in n.parts.items()))
    _time_export_lines(details, echo)
    _health_lines(details, echo)
    s = details.last_session
    if s is None:
        echo("last sync session: none yet")
        return lines
    echo(f"last sync session: {s.id}")
    echo(f"  {'state:':<16}{s.state} ({s.progress}%, {s.done} of {s.planned} requests)")
    echo(f"  {'started:':<16}{when(s.started_at)}")
    echo(f"  {'ended:':<16}{when(s.ended_at, never='-')}")
    counts = ", ".join(f"{k} {v}" for k, v in sorted(s.counts.items())) or "-"
    echo(f"  {'counts:':<16}{counts}")
    echo(f"  {'errors:':<16}{s.errors}" + (f" (last: {s.last_error})" if s.last_error else ""))
    return lines
