"""Client set-up from the firm (issue 16): the set-up's overview (each step done or not, and
where to resume), the payroll settings step, and the client administrator step: designate a
team member or an email, invite them (a signed, single-use link that sets their password), and
tell the firm when they accept (a dashboard notice, and an email when SMTP is set)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from werkzeug.wrappers import Response

from mappings.firms import client_admin_problem
from mappings.payroll_settings import (
    PAY_PERIODS,
    WEEKDAYS,
    PayrollSettingsError,
    describe_settings,
    pay_period_of,
    read_settings_form,
    settings_to_form,
)

from ... import accounts, invite_links
from ... import client_setup as service
from ...errors import ConfigurationError, NotFoundError
from ...mail import mail_configured
from .access import bp, clock, company_or_404, me, not_found, secret_key, services
from .forms import ActionForm
from .setup import ENDPOINTS, wizard


# the set-up's overview ---------------------------------------------------------------------
@bp.get("/companies/<int:company_id>/setup")
@login_required
def setup_overview(company_id: int) -> str:
    """Every step of the set-up with when it was done, and a button to resume."""
    company = company_or_404(company_id, write=True)
    progress = service.setup_progress(services().store, company_id)
    resume = service.next_step(progress)
    return render_template(
        "admin/setup_overview.html",
        company=company,
        progress=[(ENDPOINTS[s.key], s.label, s.done_at) for s in progress],
        resume=ENDPOINTS[resume] if resume else None,
    )


# payroll settings --------------------------------------------------------------------------
def _payroll_page(company: Any, typed: dict[str, str], errors: dict[str, str], status: int) -> Any:
    settings = services().store.payroll_settings(company.id)
    today = clock().now().date()
    period = pay_period_of(settings, today) if settings.pay_period else None
    return wizard(
        "setup_payroll.html",
        company,
        "setup_payroll",
        status,
        form=ActionForm(),
        typed=typed,
        errors=errors,
        periods=PAY_PERIODS,
        weekdays=WEEKDAYS,
        described=describe_settings(settings),
        period=period,
    )


FIELDS = ("pay_period", "anchor", "week_start", "overtime", "daily_hours", "weekly_hours")


@bp.route("/companies/<int:company_id>/setup/payroll", methods=["GET", "POST"])
@login_required
def setup_payroll(company_id: int) -> Any:
    """Step 1: pay period and its anchor date, the week's first day, overtime rules."""
    company = company_or_404(company_id, write=True)
    store = services().store
    if request.method == "GET":
        return _payroll_page(company, settings_to_form(store.payroll_settings(company_id)), {}, 200)
    if not ActionForm().validate():
        abort(400)
    typed = {k: request.form.get(k, "")[:40] for k in FIELDS}
    try:
        settings = read_settings_form(typed)
    except PayrollSettingsError as exc:
        return _payroll_page(company, typed, exc.fields, 400)
    store.put_payroll_settings(company_id, settings, now=clock().now())
    flash("Payroll settings saved.", "success")
    return redirect(url_for("admin.setup_options", company_id=company_id))


# the client administrator ------------------------------------------------------------------
def _token_hash(signed: str) -> str | None:
    return invite_links.hash_of_signed(secret_key(), invite_links.CLIENT_ADMIN, signed)


def _link_context(company: Any) -> dict[str, str]:
    user = me()
    return {
        "sender": user.view.firm_name or company.name,
        "base_url": services().settings.public_url.strip() or request.host_url,
        "secret": secret_key(),
    }


def _members_with_email(company_id: int) -> list[Any]:
    members = services().store.list_tree(company_id, "team_members")
    return [m for m in members if getattr(m, "email", None) and getattr(m, "is_active", True)]


def _admin_page(
    company: Any,
    *,
    link: str | None = None,
    note: str = "",
    error: str | None = None,
    typed: dict[str, str] | None = None,
    status: int = 200,
) -> Any:
    store = services().store
    return wizard(
        "setup_client_admin.html",
        company,
        "setup_client_admin",
        status,
        form=ActionForm(),
        members=_members_with_email(company.id),
        invitations=store.client_admin_invitations(company.id, now=clock().now()),
        link=link,
        note=note,
        error=error,
        typed=typed or {},
        mail=mail_configured(services().settings),
    )


@bp.get("/companies/<int:company_id>/setup/client-admin")
@login_required
def setup_client_admin(company_id: int) -> Any:
    """Step 4: who administers the client's account, and their invitation."""
    return _admin_page(company_or_404(company_id, write=True))


def _chosen_person(company_id: int, typed: dict[str, str]) -> tuple[str, str, int | None]:
    """(email, name, team member id) the form names: a listed team member, else what was typed
    (``client_setup.invite_client_admin`` checks the email and the name).

    :raises ConfigurationError: the member is not one of those listed.
    """
    member = typed.get("member", "")
    if not member:
        return typed.get("email", ""), typed.get("name", ""), None
    found = next((m for m in _members_with_email(company_id) if str(m.id) == member), None)
    if found is None:
        raise ConfigurationError(
            "Choose one of the team members listed (with an email), or give an email."
        )
    return found.email, found.name, found.id


@bp.post("/companies/<int:company_id>/setup/client-admin/invite")
@login_required
def invite_client_admin(company_id: int) -> Any:
    """Invite the designated administrator (a team member, or anyone by email)."""
    company = company_or_404(company_id, write=True)
    typed = {k: request.form.get(k, "")[:254] for k in ("member", "email", "name")}
    user = me()
    try:
        email, name, member_id = _chosen_person(company_id, typed)
        made = service.invite_client_admin(
            services().store,
            services().settings,
            clock(),
            company_id,
            email=email,
            name=name,
            team_member_id=member_id,
            firm_id=user.view.firm_id,
            invited_by=user.view.email,
            **_link_context(company),
        )
    except ConfigurationError as exc:
        text = str(exc)
        error = text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")
        return _admin_page(company, error=error, typed=typed, status=400)
    except NotFoundError:
        not_found()
    return _admin_page(company, link=made.link, note=made.mail)


@bp.post("/companies/<int:company_id>/setup/client-admin/skip")
@login_required
def skip_client_admin(company_id: int) -> Response:
    """Go on without an administrator for now (the step can be resumed later)."""
    company_or_404(company_id, write=True)
    if not ActionForm().validate():
        abort(400)
    services().store.mark_company_setup(company_id, client_admin_done_at=clock().now())
    flash("No client administrator for now; invite one from the set-up at any time.", "info")
    return redirect(url_for("admin.setup_web_connector", company_id=company_id))


@bp.post("/companies/<int:company_id>/setup/client-admin/<int:invite_id>/resend")
@login_required
def resend_client_admin(company_id: int, invite_id: int) -> Any:
    """A new link for a pending or expired invitation (the old link stops working)."""
    company = company_or_404(company_id, write=True)
    renewed = service.renew_client_admin(
        services().store,
        services().settings,
        clock(),
        company_id,
        invite_id,
        **_link_context(company),
    )
    if renewed is None:
        not_found()
    return _admin_page(company, link=renewed.link, note=renewed.mail)


@bp.post("/companies/<int:company_id>/setup/client-admin/<int:invite_id>/revoke")
@login_required
def revoke_client_admin(company_id: int, invite_id: int) -> Response:
    """Withdraw a pending invitation."""
    company_or_404(company_id, write=True)
    if not services().store.revoke_client_admin_invitation(
        company_id, invite_id, now=clock().now()
    ):
        not_found()
    flash("The invitation is withdrawn; its link no longer works.", "success")
    return redirect(url_for("admin.setup_client_admin", company_id=company_id))


@bp.route("/client-admin/<signed>", methods=["GET", "POST"])
def accept_client_admin(signed: str) -> Any:
    """The invited administrator chooses a password; the link works once (no sign-in needed:
    the link is the proof, as a password reset link is)."""
    token_hash = _token_hash(signed)
    now = clock().now()
    store = services().store
    found = store.client_admin_invitation_by_token(token_hash, now=now) if token_hash else None
    form = ActionForm()
    if found is None:
        error = "This invitation link is not valid (it was replaced or mistyped)."
        return render_template("admin/client_admin_accept.html", error=error, invitation=None), 404
    context: dict[str, Any] = {"invitation": found, "form": form}
    closed = client_admin_problem(found.state)  # type: ignore[arg-type]
    if closed:
        return render_template("admin/client_admin_accept.html", error=closed, **context), 410
    if request.method == "GET":
        return render_template("admin/client_admin_accept.html", **context)
    if not form.validate():
        abort(400)
    new, repeat = request.form.get("new", ""), request.form.get("repeat", "")
    problem = accounts.check_first_password(found.email, new, repeat)
    if problem:
        return render_template("admin/client_admin_accept.html", error=problem, **context), 400
    accepted, problem = store.accept_client_admin_invitation(
        token_hash or "", password_hash=accounts.hash_password(new), now=now
    )
    if accepted is None:
        return render_template("admin/client_admin_accept.html", error=problem, **context), 409
    service.tell_the_inviter(services().settings, accepted)
    flash(
        f"You administer {accepted.company_name} now. Sign in with {accepted.email} and the "
        "password you chose.",
        "success",
    )
    return redirect(url_for("admin.login"))


@bp.post("/notices/client-admin/<int:invite_id>/dismiss")
@login_required
def dismiss_client_admin_notice(invite_id: int) -> Response:
    """Hide the dashboard's notice that a client's administrator accepted."""
    user = me()
    firms = services().store.visible_firm_ids(user.view.firm_id) if user.view.firm_id else ()
    if not services().store.dismiss_client_admin_notice(invite_id, firms, now=clock().now()):
        not_found()
    return redirect(url_for("admin.dashboard"))
