"""The firm dashboard and the company pages: overview with Sync now, team members, customers and
jobs, service items, classes, payroll items and sync sessions."""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required
from werkzeug.wrappers import Response

from mappings import Check, health_summary

from ... import admin
from ...errors import ConfigurationError
from ...store import CompanyStatus
from ...store.views_log import ExchangeRecord
from ...sync import planner
from ...synclog.digest import digest_line, exchange_digest
from ...synclog.logfile import write_log
from ...synclog.recorder import decompress_text
from .access import bp, clock, company_or_404, me, services
from .forms import ActionForm, NewCompanyForm
from .xmlview import pretty_xml

SESSIONS_PER_PAGE = 50
SESSION_ERRORS_SHOWN = 1000
FILTERS = {
    "all": "All companies",
    "attention": "Needs attention",
    "syncing": "Syncing now",
    "due": "Due",
    "never": "Never synced",
    "firm_billed": "Billed by firm",
}


HEALTH_PAGES = {
    "options": ("admin.setup_options", "Import options", True),
    "payroll-settings": ("admin.setup_payroll", "Payroll settings", True),
    "team-members": ("admin.list_team_members", "Team members", False),
    "payroll-mapping": ("admin.payroll_mapping", "Payroll mapping", False),
    "time": ("admin.time_entries", "Time entries", False),
    "sessions": ("admin.sessions", "Sync sessions", False),
}
"""A health check's page key -> (endpoint, link text, needs write access)."""


@dataclass(frozen=True, slots=True)
class Badge:
    """A status word and its colour class (``ok``, ``warn``, ``bad``, ``info``, ``muted``)."""

    text: str
    tone: str


def status_badge(row: CompanyStatus) -> Badge:
    """The one word the dashboard shows for a company's sync status."""
    c = row.company
    if row.live_session_progress is not None:
        return Badge(f"syncing {row.live_session_progress}%", "info")
    if c.last_error_at and (c.last_success_at is None or c.last_error_at >= c.last_success_at):
        return Badge("last sync failed", "bad")
    if c.first_sync_at is None:
        return Badge("never synced", "muted")
    if row.blocked_entries:
        return Badge("entries blocked", "warn")
    return Badge("in sync", "ok")


def due_text(row: CompanyStatus) -> str | None:
    """Why the next Web Connector poll will sync this company, or None."""
    every = timedelta(minutes=services().settings.run_every_n_minutes)
    return planner.due_reason(
        row.company, now=clock().now(), every=every, unfinished=row.unfinished_work
    )


def health_link(check: Check, company_id: int) -> tuple[str, str] | None:
    """(url, text) of the page here a health check's fix (or its alternative) is on, if the user
    may open it; None when the page does not exist in this installation."""
    if check.page not in HEALTH_PAGES:
        return None
    endpoint, text, write = HEALTH_PAGES[check.page]
    if endpoint not in current_app.view_functions or (write and not me().can_write):
        return None
    return url_for(endpoint, company_id=company_id), text


def _health(company_ids: list[int]) -> dict[int, tuple[Check, ...]]:
    return admin.company_health(
        services().store, company_ids, settings=services().settings, now=clock().now()
    )


def _matches(row: CompanyStatus, badge: Badge, due: str | None, wanted: str) -> bool:
    if wanted == "attention":
        return badge.tone in ("bad", "warn") or row.blocked_entries > 0
    if wanted == "syncing":
        return row.live_session_progress is not None
    if wanted == "due":
        return due is not None
    if wanted == "never":
        return row.company.first_sync_at is None
    return True


def _live_since() -> datetime:
    """Open sessions silent since before this have expired (the ticket time-to-live)."""
    return clock().now() - timedelta(seconds=services().settings.ticket_ttl_seconds)


@bp.get("/")
@login_required
def dashboard() -> str:
    """Every client company the user may see, with its sync status; search and filter."""
    user = me()
    query = " ".join(request.args.get("q", "").split())[:100]
    wanted = request.args.get("status", "all")
    if wanted not in FILTERS:
        wanted = "all"
    rows: list[dict[str, Any]] = []
    everything = services().store.company_statuses(user.view, live_since=_live_since())
    billed: set[int] = set()
    if wanted == "firm_billed":  # issue 16: the billing owner resolved for today
        records = services().store.billing_records(r.company.id for r in everything)
        today = clock().now().date()
        billed = {i for i, rec in records.items() if rec.owner(today).owner == "firm"}
    health = _health([r.company.id for r in everything])  # issue 16: health at a glance
    for row in everything:
        badge, due = status_badge(row), due_text(row)
        if query and query.lower() not in row.company.name.lower():
            continue
        if wanted == "firm_billed" and row.company.id not in billed:
            continue
        if wanted != "firm_billed" and not _matches(row, badge, due, wanted):
            continue
        checks = health.get(row.company.id, ())
        text, tone = health_summary(checks)
        rows.append(
            {
                "status": row,
                "badge": badge,
                "due": due,
                "health": Badge(text, tone),
                "health_titles": "; ".join(c.title for c in checks),
            }
        )
    labels: dict[int, str] = {}
    notices: list[Any] = []
    if user.view.firm_id is not None:
        firms = services().store.visible_firm_ids(user.view.firm_id)
        # issue 16: the clients' administrators who accepted the firm's invitation
        notices = services().store.client_admin_notices(firms, now=clock().now())
        if len(firms) > 1:  # connected accounts: label each client with its account
            ids = [r.company.id for r in everything]
            labels = services().store.account_labels(ids, firms)
    return render_template(
        "admin/dashboard.html",
        labels=labels,
        notices=notices,
        action=ActionForm(),
        rows=rows,
        total=len(everything),
        query=query,
        wanted=wanted,
        filters=FILTERS,
    )


@bp.route("/companies/new", methods=["GET", "POST"])
@login_required
def new_company() -> Response | tuple[str, int] | str:
    """Add a client company to the user's firm, then walk the set-up wizard."""
    user = me()
    if not user.can_add_companies:
        abort(403)
    form = NewCompanyForm()
    if request.method == "GET":
        return render_template("admin/new_company.html", form=form)
    if not form.validate():
        return render_template("admin/new_company.html", form=form), 400
    try:
        made = admin.add_company(
            services().store, clock(), form.name.data or "", firm=user.view.firm_name
        )
    except ConfigurationError as exc:
        return render_template("admin/new_company.html", form=form, error=str(exc)), 400
    if form.primary_admin.data:
        services().store.set_primary_admin_firm(made.company.id, user.view.firm_id)
    flash(f"{made.company.name} is added. Set up its payroll settings.", "success")
    return redirect(url_for("admin.setup_payroll", company_id=made.company.id))


@bp.get("/companies/<int:company_id>")
@login_required
def overview(company_id: int) -> str:
    """A company's status, list counts, health checks and last sessions, with Sync now."""
    company = company_or_404(company_id)
    store = services().store
    details = admin.company_details(store, company_id)
    (status,) = store.company_statuses(me().view, live_since=_live_since(), company_id=company_id)
    checks = _health([company_id]).get(company_id, ())
    return render_template(
        "admin/overview.html",
        company=company,
        details=details,
        status=status,
        state=status_badge(status),
        due=due_text(status),
        sessions=store.list_sync_sessions(company_id, limit=5).rows,
        setup=store.get_company_setup(company_id),
        form=ActionForm(),
        billing_pending=store.billing_record(company_id).pending(clock().now()),
        health=[(c, health_link(c, company_id)) for c in checks],
        health_badge=Badge(*health_summary(checks)),
    )


@bp.post("/companies/<int:company_id>/sync-now")
@login_required
def sync_now(company_id: int) -> Response:
    """Mark the company due: its next Web Connector poll syncs."""
    company_or_404(company_id, write=True)
    c = admin.request_sync(services().store, clock(), company_id)
    flash(
        f"{c.name} will sync at the Web Connector's next poll (or click Update Selected in the "
        "Web Connector now).",
        "success",
    )
    return redirect(url_for("admin.overview", company_id=company_id))


LIST_PAGES = {
    "team-members": ("team_members", "Team members"),
    "customers": ("customers", "Customers and jobs"),
    "service-items": ("service_items", "Service items"),
    "classes": ("classes", "Classes"),
    "payroll-items": ("payroll_items", "Payroll items"),
}


ROWS_PER_PAGE = 500


def _list_view(segment: str) -> Any:
    kind, title = LIST_PAGES[segment]

    @login_required
    def view(company_id: int) -> str:
        company = company_or_404(company_id)
        text = request.args.get("page", "1")
        number = int(text) if text.isdigit() and 0 < int(text) < 10**6 else 1
        rows = services().store.list_tree(
            company_id, kind, offset=(number - 1) * ROWS_PER_PAGE, limit=ROWS_PER_PAGE + 1
        )
        return render_template(
            f"admin/list_{kind}.html",
            company=company,
            rows=rows[:ROWS_PER_PAGE],
            title=title,
            segment=segment,
            page=number,
            more=len(rows) > ROWS_PER_PAGE,
            first=(number - 1) * ROWS_PER_PAGE + 1,
        )

    view.__name__ = f"list_{kind}"
    view.__doc__ = f"The company's {title.lower()}, {ROWS_PER_PAGE} rows a page."
    return view


for _segment in LIST_PAGES:
    bp.add_url_rule(f"/companies/<int:company_id>/{_segment}", view_func=_list_view(_segment))


@bp.get("/companies/<int:company_id>/sessions")
@login_required
def sessions(company_id: int) -> str:
    """The company's sync sessions, newest first, with counts and errors."""
    company = company_or_404(company_id)
    before = request.args.get("before", "")
    before_id = int(before) if before.isdigit() and 0 < int(before) < 2**63 else None
    page = services().store.list_sync_sessions(
        company_id, before_id=before_id, limit=SESSIONS_PER_PAGE
    )
    return render_template("admin/sessions.html", company=company, page=page)


EXCHANGES_PER_PAGE = 100
OPEN_BELOW_CHARS = 4000


def _exchange_view(row: ExchangeRecord) -> dict[str, Any]:
    """One recorded call for the page: what it did in a line, its parameters and its qbXML."""
    xml = []
    for label, data in (
        ("qbXML sent to QuickBooks", row.qbxml_out),
        ("qbXML from QuickBooks", row.qbxml_in),
    ):
        text = decompress_text(data)
        if text:
            html, cut = pretty_xml(text)
            xml.append(
                {
                    "label": label,
                    "html": html,
                    "cut": cut,
                    "size": len(text),
                    "open": len(text) < OPEN_BELOW_CHARS,
                }
            )
    params = [(str(k), v) for k, v in row.params if v is not None]
    return {"row": row, "digest": digest_line(exchange_digest(row)), "params": params, "xml": xml}


@bp.get("/companies/<int:company_id>/sessions/<int:session_id>")
@login_required
def session_detail(company_id: int, session_id: int) -> str:
    """One session: its counts, progress, the errors recorded during it and every exchange of
    its sync log, with the qbXML pretty-printed (collapsed when large)."""
    company = company_or_404(company_id)
    store = services().store
    session = store.get_sync_session(company_id, session_id) if session_id < 2**63 else None
    if session is None:
        abort(404)
    errors = store.list_session_errors(company_id, session_id, limit=SESSION_ERRORS_SHOWN)
    text = request.args.get("page", "1")
    number = int(text) if text.isdigit() and 0 < int(text) < 10**6 else 1
    start = (number - 1) * EXCHANGES_PER_PAGE
    rows = list(
        itertools.islice(store.iter_exchanges(session_id), start, start + EXCHANGES_PER_PAGE + 1)
    )
    return render_template(
        "admin/session.html",
        company=company,
        session=session,
        errors=errors,
        exchanges=[_exchange_view(r) for r in rows[:EXCHANGES_PER_PAGE]],
        page=number,
        more=len(rows) > EXCHANGES_PER_PAGE,
    )


@bp.get("/companies/<int:company_id>/sessions/<int:session_id>/log")
@login_required
def session_log(company_id: int, session_id: int) -> Response:
    """The session's sync log file (gzip JSON Lines, docs/synclog.md); ``scrub=yes`` replaces
    personal data with stable pseudonyms so it can be shared."""
    company_or_404(company_id)
    store = services().store
    if session_id >= 2**63 or store.get_sync_session(company_id, session_id) is None:
        abort(404)
    scrub = request.args.get("scrub", "no") == "yes"
    body = io.BytesIO()
    write_log(store, session_id, body, now=clock().now(), scrub=scrub)
    name = f"qbtime-sync-company{company_id}-session{session_id}{'-scrubbed' if scrub else ''}"
    return Response(
        body.getvalue(),
        mimetype="application/gzip",
        headers={"Content-Disposition": f'attachment; filename="{name}.jsonl.gz"'},
    )
