"""Time entries of a company: filters, approve/unapprove by date range and people, export state
and errors, unlock of exported entries (within 90 days, DESIGN section 7)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from werkzeug.wrappers import Response

from .access import bp, clock, company_or_404, services
from .forms import ActionForm, ApprovalForm

UNLOCK_DAYS = 90
ENTRIES_SHOWN = 500
STATES = ("draft", "submitted", "approved")
EXPORT_STATES = ("pending", "in_flight", "exported", "needs_update", "needs_delete", "error")


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat((text or "").strip()) if text and text.strip() else None
    except ValueError:
        return None


def _people(values: list[str]) -> tuple[int, ...]:
    return tuple(sorted({int(v) for v in values if v.isdigit() and int(v) < 2**63}))


@bp.get("/companies/<int:company_id>/time")
@login_required
def time_entries(company_id: int) -> str:
    """The company's time entries, filtered by dates, people, state and export state."""
    company = company_or_404(company_id)
    store = services().store
    args = request.args
    filters: dict[str, Any] = {
        "date_from": _date(args.get("from")),
        "date_to": _date(args.get("to")),
        "team_member_ids": _people(args.getlist("person")),
        "state": args.get("state") if args.get("state") in STATES else None,
        "export_state": args.get("export") if args.get("export") in EXPORT_STATES else None,
    }
    rows = store.time_entries_page(company_id, limit=ENTRIES_SHOWN, **filters)
    people = store.list_tree(company_id, "team_members")
    return render_template(
        "admin/time.html",
        company=company,
        rows=rows,
        people=people,
        filters=filters,
        states=STATES,
        export_states=EXPORT_STATES,
        form=ApprovalForm(),
        action=ActionForm(),
        unlock_from=clock().now().date() - timedelta(days=UNLOCK_DAYS),
        shown=ENTRIES_SHOWN,
    )


@bp.post("/companies/<int:company_id>/time/approval")
@login_required
def time_approval(company_id: int) -> Response | tuple[str, int]:
    """Approve (or unapprove) the entries of a date range, for some or all people."""
    company_or_404(company_id, write=True)
    form = ApprovalForm()
    start, end = _date(form.date_from.data), _date(form.date_to.data)
    approve = request.form.get("approve") != "no"
    if start is None or end is None or end < start:
        flash(
            "Give a date range (from and to, YYYY-MM-DD, from not after to); nothing changed.",
            "error",
        )
        return redirect(url_for("admin.time_entries", company_id=company_id))
    changed = services().store.set_time_approval(
        company_id,
        approve=approve,
        date_from=start,
        date_to=end,
        team_member_ids=_people(request.form.getlist("person")),
        now=clock().now(),
    )
    verb = "approved" if approve else "unapproved"
    flash(f"{changed} time entries {verb} ({start} to {end}).", "success")
    target = url_for("admin.time_entries", company_id=company_id)
    return redirect(f"{target}?from={start.isoformat()}&to={end.isoformat()}")


@bp.post("/companies/<int:company_id>/time/<int:entry_id>/unlock")
@login_required
def time_unlock(company_id: int, entry_id: int) -> Response:
    """Unlock one exported entry so it can be edited (it is then sent as a change)."""
    company_or_404(company_id, write=True)
    form = ActionForm()
    if not form.validate() or entry_id >= 2**63:
        abort(400)
    if services().store.get_time_entry(company_id, entry_id) is None:
        abort(404)  # another company's entry: as if it did not exist, like every other id
    today = clock().now().date()
    ok = services().store.unlock_time_entry(
        company_id, entry_id, not_before=today - timedelta(days=UNLOCK_DAYS), now=clock().now()
    )
    if ok:
        flash(f"Time entry {entry_id} is unlocked.", "success")
    else:
        flash(
            f"Time entry {entry_id} was not unlocked: it is not locked, or older than "
            f"{UNLOCK_DAYS} days.",
            "error",
        )
    return redirect(url_for("admin.time_entries", company_id=company_id))
