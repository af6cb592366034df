"""Accountant access (issue 16): a company invites its accountant's firm by a signed, single-use
link that expires after 14 days (resend, revoke); the accountant accepts it into one of their
firm accounts; the primary admin removes a firm. Only a hash of the link's token is stored."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user
from werkzeug.wrappers import Response

from mappings.firms import invitation_lifetime, invitation_problem

from ... import accounts, invite_links
from ...errors import ConfigurationError
from ...mail import mail_configured, send_mail
from .access import SignedInUser, bp, clock, company_or_404, me, not_found, secret_key, services
from .forms import ActionForm, InviteForm


def _new_link() -> tuple[str, str]:
    """A signed link (absolute URL) and the hash of its token, which the store keeps."""
    signed, token_hash = invite_links.new_signed(secret_key(), invite_links.FIRM)
    return url_for("admin.accept_invitation", signed=signed, _external=True), token_hash


def _token_hash(signed: str) -> str | None:
    return invite_links.hash_of_signed(secret_key(), invite_links.FIRM, signed)


def is_primary_admin(company_id: int) -> bool:
    """Whether the signed-in user holds the company's primary-admin role (an owner or admin of
    the firm that holds it, or of the company itself when no firm does)."""
    user = me()
    if not user.can_write:
        return False
    holder = services().store.primary_admin_firm(company_id)
    if holder is None:
        return user.view.company_id == company_id
    return user.view.firm_id is not None and holder in services().store.visible_firm_ids(
        user.view.firm_id
    )


def _send(company_name: str, email: str, name: str, link: str) -> str:
    s = services().settings
    body = (
        f"Hello {name},\n\n{company_name} invites your firm to manage it in qbtime-sync.\n"
        f"Open this link within 14 days to accept (it works once):\n\n{link}\n"
    )
    result = send_mail(s, to=email, subject=f"{company_name} invites you", body=body, to_name=name)
    return result.detail


def _page(
    company_id: int,
    form: InviteForm,
    *,
    link: str | None = None,
    note: str = "",
    error: str | None = None,
    status: int = 200,
) -> tuple[str, int]:
    company = company_or_404(company_id)
    store = services().store
    firms = {r.id: r.name for r in store.list_firms()}
    html = render_template(
        "admin/accountant.html",
        company=company,
        form=form,
        action=ActionForm(),
        firms=[(f, firms[f]) for f in store.company_firm_ids(company_id)],
        holder=store.primary_admin_firm(company_id),
        invitations=store.invitations_of(company_id, now=clock().now()),
        primary=is_primary_admin(company_id),
        link=link,
        note=note,
        mail=mail_configured(services().settings),
        error=error,
    )
    return html, status


def _primary_or_403(company_id: int) -> None:
    company_or_404(company_id)
    if not is_primary_admin(company_id):
        abort(403)


@bp.get("/companies/<int:company_id>/accountant")
@login_required
def accountant(company_id: int) -> tuple[str, int]:
    """Accountant access: the company's firms and invitations."""
    return _page(company_id, InviteForm())


@bp.post("/companies/<int:company_id>/accountant/invite")
@login_required
def invite(company_id: int) -> tuple[str, int]:
    """Invite an accountant by email (the primary admin only)."""
    _primary_or_403(company_id)
    form = InviteForm()
    if not form.validate():
        return _page(company_id, form, error="Give the accountant's email and name.", status=400)
    try:
        email = accounts.check_email(form.email.data or "")
    except ConfigurationError as exc:
        return _page(company_id, form, error=f"{exc}.", status=400)
    name = " ".join((form.name.data or "").split())
    link, token_hash = _new_link()
    now = clock().now()
    services().store.add_invitation(
        company_id,
        email=email,
        name=name,
        token_hash=token_hash,
        expires_at=now + invitation_lifetime(),
        now=now,
    )
    note = _send(company_or_404(company_id).name, email, name, link)
    return _page(company_id, InviteForm(formdata=None), link=link, note=note)


@bp.post("/companies/<int:company_id>/accountant/<int:invitation_id>/resend")
@login_required
def resend_invitation(company_id: int, invitation_id: int) -> Response | tuple[str, int]:
    """A new link for a pending or expired invitation (the old link stops working)."""
    _primary_or_403(company_id)
    link, token_hash = _new_link()
    now = clock().now()
    renewed = services().store.renew_invitation(
        company_id,
        invitation_id,
        token_hash=token_hash,
        expires_at=now + invitation_lifetime(),
        now=now,
    )
    if renewed is None:
        not_found()
    note = _send(company_or_404(company_id).name, renewed.email, renewed.name, link)
    return _page(company_id, InviteForm(formdata=None), link=link, note=note)


@bp.post("/companies/<int:company_id>/accountant/<int:invitation_id>/revoke")
@login_required
def revoke_invitation(company_id: int, invitation_id: int) -> Response:
    """Withdraw a pending invitation."""
    _primary_or_403(company_id)
    if not services().store.revoke_invitation(company_id, invitation_id, now=clock().now()):
        not_found()
    flash("The invitation is withdrawn; its link no longer works.", "success")
    return redirect(url_for("admin.accountant", company_id=company_id))


@bp.post("/companies/<int:company_id>/accountant/firms/<int:firm_id>/remove")
@login_required
def remove_firm(company_id: int, firm_id: int) -> Response:
    """Remove a firm; the company's data stays, and the primary-admin role comes back."""
    _primary_or_403(company_id)
    if not services().store.remove_company_firm(company_id, firm_id):
        not_found()
    flash("The firm is removed; the company's data is kept.", "success")
    if not services().store.can_see_company(me().view, company_id):
        return redirect(url_for("admin.dashboard"))
    return redirect(url_for("admin.accountant", company_id=company_id))


def _anonymous_page(found: Any, signed: str, *, error: str | None = None, status: int = 200):
    """The invitation for someone not signed in: sign in, or create a firm account."""
    if found is None:
        error = "This invitation link is not valid (it was replaced or mistyped)."
        return render_template("admin/accept.html", error=error, invitation=None), 404
    company = services().store.get_company(found.company_id)
    html = render_template(
        "admin/accept.html",
        invitation=found,
        company=company,
        signed=signed,
        anonymous=True,
        action=ActionForm(),
        error=error or invitation_problem(found.state, (), 0),
    )
    return html, status if found.state == "pending" else 410


@bp.route("/invitations/<signed>/new-firm", methods=["POST"])
def accept_into_new_firm(signed: str) -> Response | tuple[str, int]:
    """Create a firm account (its owner: the invited email) and accept the invitation into it,
    for an accountant who has no account yet."""
    token_hash = _token_hash(signed)
    store = services().store
    now = clock().now()
    found = store.invitation_by_token(token_hash, now=now) if token_hash else None
    if found is None or found.state != "pending":
        return _anonymous_page(found, signed)
    firm = " ".join(request.form.get("firm_name", "").split())[:200]
    new, repeat = request.form.get("new", ""), request.form.get("repeat", "")
    problem = None
    if not firm:
        problem = "Give your firm's name."
    elif store.find_firm(firm) is not None:
        problem = (
            f"A firm account named {firm!r} exists already: sign in to it to accept, or choose "
            "another name."
        )
    else:
        problem = accounts.check_first_password(found.email, new, repeat)
    if problem:
        return _anonymous_page(found, signed, error=problem, status=400)
    made = store.add_admin_user(
        email=found.email,
        password_hash=accounts.hash_password(new),
        role="owner",
        firm_name=firm,
        company_id=None,
        now=now,
    )
    user = store.set_admin_password(
        made.id, password_hash=made.password_hash, one_time=False, now=now
    )
    refused = store.accept_invitation(token_hash or "", user.firm_id or 0, now=now)
    login_user(SignedInUser(user))
    if refused:
        flash(f"Your firm account {firm} is made, but: {refused}", "error")
        return redirect(url_for("admin.dashboard"))
    company = store.get_company(found.company_id)
    flash(f"Your firm account {firm} is made, and {company.name} joined it.", "success")
    return redirect(url_for("admin.overview", company_id=company.id))


@bp.route("/invitations/<signed>", methods=["GET", "POST"])
def accept_invitation(signed: str) -> Response | tuple[str, int]:
    """Accept an invitation into one of your firm accounts (connected ones included); not
    signed in, sign in first or create a firm account."""
    token_hash = _token_hash(signed)
    store = services().store
    now = clock().now()
    found = store.invitation_by_token(token_hash, now=now) if token_hash else None
    if not current_user.is_authenticated:
        if request.method == "POST":
            return redirect(url_for("admin.login", next=request.path))
        return _anonymous_page(found, signed)
    user = me()
    if user.view.firm_id is None:
        error = "Sign in with a firm account to accept an invitation."
        return render_template("admin/accept.html", error=error, invitation=None), 403
    if found is None:
        error = "This invitation link is not valid (it was replaced or mistyped)."
        return render_template("admin/accept.html", error=error, invitation=None), 404
    names = {r.id: r.name for r in store.list_firms()}
    choices = sorted(store.visible_firm_ids(user.view.firm_id), key=lambda f: names[f])
    company = store.get_company(found.company_id)
    context = {
        "invitation": found,
        "company": company,
        "choices": [(f, names[f]) for f in choices],
        "action": ActionForm(),
    }
    if request.method == "GET":
        return render_template("admin/accept.html", **context), 200
    wanted = request.form.get("firm", "")
    if not wanted.isdigit() or int(wanted) not in choices:
        return render_template(
            "admin/accept.html", error="Choose one of your accounts.", **context
        ), 400
    problem = store.accept_invitation(token_hash or "", int(wanted), now=now)
    if problem:
        return render_template("admin/accept.html", error=problem, **context), 409
    flash(f"{company.name} joined {names[int(wanted)]}.", "success")
    return redirect(url_for("admin.overview", company_id=company.id))
