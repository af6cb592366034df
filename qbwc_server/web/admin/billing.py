"""The company's Billing page (issue 16): who is responsible for the subscription and since
when, the next billing date, the history, and the firm's takeover proposal that the client's
primary admin confirms or refuses. A record only: nothing here moves money."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from werkzeug.wrappers import Response

from mappings import billing as rules

from ...errors import NotFoundError
from ...mail import send_mail
from ...store import BillingRecord, CompanyView
from .access import bp, clock, company_or_404, me, services
from .forms import ActionForm

ACTIONS = ("confirm", "refuse", "withdraw")


def side_of(company_id: int) -> rules.Side:
    """Which side the signed-in user acts for on this company."""
    user = me()
    if user.view.company_id == company_id and user.view.role == "owner":
        return "client_primary"
    firm_id = services().store.firm_id_of(company_id)
    if user.can_write and firm_id is not None and user.view.firm_id == firm_id:
        return "firm_writer"
    return "other"


def pending_notice(company_id: int) -> rules.BillingChange | None:
    """The proposal waiting for an answer (the overview shows a notice for it)."""
    return services().store.billing_record(company_id).pending(clock().now())


def _page(company: CompanyView, record: BillingRecord, status: int = 200, **extra: object):  # type: ignore[no-untyped-def]
    now = clock().now()
    today = now.date()
    store = services().store
    return (
        render_template(
            "admin/billing.html",
            company=company,
            owner=record.owner(today),
            billing_date=record.billing_date(today),
            history=[(c, rules.state_at(c, now), rules.expires_at(c)) for c in record.history],
            pending=record.pending(now),
            scheduled=rules.scheduled(record.history, today),
            side=side_of(company.id),
            primary_admins=store.primary_admins(company.id),
            form=ActionForm(),
            date_value=extra.pop("date_value", record.billing_date(today).isoformat()),
            **extra,
        ),
        status,
    )


@bp.get("/companies/<int:company_id>/billing")
@login_required
def billing(company_id: int):  # type: ignore[no-untyped-def]
    """The billing owner now and since when, the billing date, pending proposal, history."""
    company = company_or_404(company_id)
    return _page(company, services().store.billing_record(company_id))


def _check_form() -> None:
    if not ActionForm().validate():
        abort(400)


@bp.post("/companies/<int:company_id>/billing/propose")
@login_required
def billing_propose(company_id: int) -> Response | tuple[str, int]:
    """The firm proposes to take over the billing; the primary admin is told by email."""
    company = company_or_404(company_id, write=True)
    _check_form()
    store = services().store
    try:
        rules.check_may("propose", side_of(company_id))
    except rules.BillingRuleError as exc:
        return _page(company, store.billing_record(company_id), 403, error=exc.reason)
    try:
        store.propose_billing(company_id, by=me().view.email, now=clock().now())
    except NotFoundError:  # the company has no firm
        abort(404)
    except rules.BillingRuleError as exc:
        return _page(company, store.billing_record(company_id), 400, error=exc.reason)
    admins = store.primary_admins(company_id)
    if not admins:
        flash(
            f"Proposed. {company.name} has no primary admin (an owner user of the company) to "
            "confirm it: add one, or the proposal expires in 48 hours.",
            "error",
        )
    for email in admins:
        link = url_for("admin.billing", company_id=company_id, _external=True)
        result = send_mail(
            services().settings,
            to=email,
            subject=f"{me().view.firm_name} proposes to take over the billing of {company.name}",
            body=(
                f"{me().view.firm_name} proposes to become responsible for the subscription of "
                f"{company.name}. Confirm or refuse within 48 hours on the Billing page:\n\n"
                f"{link}\n\nNothing changes if you do not answer.\n"
            ),
        )
        if not result.sent:
            flash(f"No email to {email}: {result.detail}.", "info")
    if admins:
        flash("Proposed. The client's primary admin can confirm or refuse for 48 hours.", "success")
    return redirect(url_for("admin.billing", company_id=company_id))


@bp.post("/companies/<int:company_id>/billing/<int:change_id>/<action>")
@login_required
def billing_decide(company_id: int, change_id: int, action: str) -> Response | tuple[str, int]:
    """Confirm or refuse (the client's primary admin), or withdraw (the firm), a proposal."""
    company = company_or_404(company_id)
    if action not in ACTIONS or change_id >= 2**63:
        abort(404)
    _check_form()
    store = services().store
    decision: rules.Action = action  # type: ignore[assignment]
    try:
        rules.check_may(decision, side_of(company_id))
    except rules.BillingRuleError as exc:
        return _page(company, store.billing_record(company_id), 403, error=exc.reason)
    try:
        done = store.decide_billing(
            company_id, change_id, action=decision, by=me().view.email, now=clock().now()
        )
    except rules.BillingRuleError as exc:
        return _page(company, store.billing_record(company_id), 400, error=exc.reason)
    except NotFoundError:  # a proposal of another company: as if it did not exist
        abort(404)
    if done.state == "confirmed":
        flash(
            f"Confirmed: the firm is responsible for billing from {done.effective_on}.", "success"
        )
    else:
        flash(f"The proposal is {done.state}.", "success")
    return redirect(url_for("admin.billing", company_id=company_id))


@bp.post("/companies/<int:company_id>/billing/date")
@login_required
def billing_date(company_id: int) -> Response | tuple[str, int]:
    """The primary admin sets the company's next billing date."""
    company = company_or_404(company_id)
    _check_form()
    store = services().store
    if side_of(company_id) != "client_primary":
        abort(403)
    text = request.form.get("next_billing_date", "").strip()[:40]
    try:
        day = date.fromisoformat(text)
    except ValueError:
        day = None
    if day is None or day <= clock().now().date():
        error = "Give the next billing date as YYYY-MM-DD, after today; nothing changed."
        return _page(company, store.billing_record(company_id), 400, error=error, date_value=text)
    store.set_next_billing_date(company_id, day)
    flash(f"The next billing date is {day}.", "success")
    return redirect(url_for("admin.billing", company_id=company_id))
