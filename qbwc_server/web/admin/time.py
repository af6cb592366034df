"""Time entries of a company: filters, approve/unapprove by date range and people, export state
and errors, unlock of exported entries (within 90 days, DESIGN section 7)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from werkzeug.wrappers import Response

from mappings.payroll_settings import PayrollSettings, pay_period_of, summarize_hours

from .access import bp, clock, company_or_404, services
from .forms import ActionForm, ApprovalForm

UNLOCK_DAYS = 90
ENTRIES_SHOWN = 500
SUMMARY_DAYS = 62  # the overtime summary covers at most about two months
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
    settings = store.payroll_settings(company_id)
    periods = _pay_periods(settings, clock().now().date())
    # the approval form defaults to the filter's dates, else the current pay period
    approve_range = (filters["date_from"], filters["date_to"])
    if approve_range == (None, None) and periods:
        approve_range = periods[0][1:]
    summary = _overtime_summary(store, company_id, settings, filters, periods)
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
        periods=periods,
        approve_range=approve_range,
        summary=summary,
    )


def _pay_periods(settings: PayrollSettings, today: date) -> list[tuple[str, date, date]]:
    """The current and the previous pay period, when the company has one set."""
    if settings.pay_period is None:
        return []
    start, end = pay_period_of(settings, today)
    before = pay_period_of(settings, start - timedelta(days=1))
    return [("Current pay period", start, end), ("Previous pay period", *before)]


def _overtime_summary(
    store: Any,
    company_id: int,
    settings: PayrollSettings,
    filters: dict[str, Any],
    periods: list[tuple[str, date, date]],
) -> dict[str, Any] | None:
    """Each person's hours in the filter's dates (else the current pay period), split by the
    company's overtime rules beside the hour types entered; None without rules or dates."""
    if settings.overtime_daily_minutes is None and settings.overtime_weekly_minutes is None:
        return None
    start, end = filters["date_from"], filters["date_to"]
    if start is None or end is None:
        if not periods:
            return None
        start, end = periods[0][1], periods[0][2]
    if end < start or (end - start).days > SUMMARY_DAYS:
        return None
    worked = store.worked_days(
        company_id, date_from=start, date_to=end, team_member_ids=filters["team_member_ids"]
    )
    names = {w.team_member_id: w.team_member for w in worked}
    split = summarize_hours(
        settings, [(w.team_member_id, w.day, w.hour_type, w.minutes) for w in worked]
    )
    rows = sorted(((names[k], v) for k, v in split.items()), key=lambda r: r[0])
    return {"start": start, "end": end, "rows": rows}


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
    today = clock().now().date()
    ok = services().store.unlock_time_entry(
        company_id, entry_id, not_before=today - timedelta(days=UNLOCK_DAYS), now=clock().now()
    )
    if ok:
        flash(f"Time entry {entry_id} is unlocked.", "success")
    else:
        flash(
            f"Time entry {entry_id} was not unlocked: it is not locked, not this company's, or "
            f"older than {UNLOCK_DAYS} days.",
            "error",
        )
    return redirect(url_for("admin.time_entries", company_id=company_id))
