"""Sign-in, sign-out and password change (throttled like the Web Connector's authenticate)."""

from __future__ import annotations

import logging

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user
from werkzeug.wrappers import Response

from ... import accounts
from . import switch
from .access import SignedInUser, bp, clock, me, safe_next, services
from .forms import LoginForm, PasswordForm

log = logging.getLogger(__name__)

# pages a user with a one-time password may still open
_BEFORE_CHANGE = frozenset(
    {
        "admin.login",
        "admin.logout",
        "admin.password",
        "admin.static",
        "admin.choose_account",
        "admin.switch_account",
    }
)


@bp.before_app_request
def _one_time_password_first() -> Response | None:
    """A user signed in with a one-time password chooses their own before anything else."""
    if (
        request.blueprint == "admin"
        and current_user.is_authenticated
        and me().view.must_change_password
        and request.endpoint not in _BEFORE_CHANGE
    ):
        return redirect(url_for("admin.password"))
    return None


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | tuple[str, int] | str:
    """The sign-in page; five wrong passwords in 15 minutes lock an email out for a while."""
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
        if current_user.is_authenticated:
            return redirect(safe_next(form.next.data))
        return render_template("admin/login.html", form=form)
    if not form.validate():
        return render_template("admin/login.html", form=form), 400
    s = services()
    outcome = accounts.sign_in(
        s.store,
        s.settings,
        clock(),
        form.email.data or "",
        form.password.data or "",
        request.remote_addr or "",
    )
    if outcome.outcome == "throttled":
        log.warning("sign-in throttled for %r from %s", form.email.data, request.remote_addr)
        minutes = max(1, s.settings.login_failure_window_seconds // 60)
        error = (
            "Too many failed sign-ins for this email or from this address. Wait "
            f"{minutes} minutes and try again, or ask an owner for a new password."
        )
        return render_template("admin/login.html", form=form, error=error), 429
    if not outcome.users:
        log.info("sign-in refused for %r from %s", form.email.data, request.remote_addr)
        error = "That email and password do not match. Check both and try again."
        return render_template("admin/login.html", form=form, error=error), 401
    if len(outcome.users) > 1:  # the password opens several accounts: the user chooses one
        switch.sign_out()
        switch.remember_proven(outcome.users, form.next.data or "")
        return redirect(url_for("admin.choose_account"))
    user = outcome.users[0]
    login_user(SignedInUser(user))
    switch.remember_proven(outcome.users)
    if user.must_change_password:
        flash("Choose your own password to finish signing in.", "info")
        return redirect(url_for("admin.password"))
    return redirect(safe_next(form.next.data))


@bp.post("/logout")
@login_required
def logout() -> Response:
    """Sign out (a POST with CSRF, so another site cannot sign you out)."""
    switch.sign_out()
    flash("You are signed out.", "info")
    return redirect(url_for("admin.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password() -> Response | tuple[str, int] | str:
    """Change your own password; every other session of yours is signed out."""
    form = PasswordForm()
    user = me()
    if request.method == "GET":
        return render_template("admin/password.html", form=form)
    if not form.validate():
        return render_template("admin/password.html", form=form), 400
    updated, problem = accounts.change_password(
        services().store,
        clock(),
        user.view,
        current=form.current.data or "",
        new=form.new.data or "",
        repeat=form.repeat.data or "",
    )
    if updated is None:
        return render_template("admin/password.html", form=form, error=problem), 400
    login_user(SignedInUser(updated))
    switch.refresh_proven(updated)
    flash("Your password is changed; other sessions of yours are signed out.", "success")
    return redirect(url_for("admin.dashboard"))
