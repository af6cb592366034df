"""Choosing an account (issue 16): an email in several firm or company accounts whose password
opened more than one chooses which to open, and may switch among them later.

What the password proved is kept in the session as a short-lived signed value (the email and
each matching user's id and session version), so a choice can only open an account whose
password was typed; any other account of the email asks for its own password, throttled like
sign-in. Must not import spyne.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.wrappers import Response

from ... import accounts
from ...store import AdminUserView
from ...store._users import normalise_email
from .access import SignedInUser, bp, clock, me, safe_next, services
from .forms import ActionForm

log = logging.getLogger(__name__)

KEY = "qbtime_accounts"
_SALT = "qbtime-account-choice"
# the chooser right after the password was typed; switching later, as long as a CSRF token lives
CHOOSE_SECONDS = 5 * 60
SWITCH_SECONDS = 8 * 3600


@dataclass(frozen=True, slots=True)
class Account:
    """One account of the email, as the chooser lists it."""

    user: AdminUserView
    label: str
    proven: bool


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key or "", salt=_SALT)


def remember_proven(
    users: tuple[AdminUserView, ...] | list[AdminUserView],
    nxt: str = "",
    proved_at: int | None = None,
) -> None:
    """Keep the accounts this sign-in proved (signed, with the time of the proof)."""
    pairs = [[u.id, u.session_version] for u in users]
    email = normalise_email(users[0].email)
    if proved_at is None:
        proved_at = int(clock().now().timestamp())  # the app's clock, so tests can age it
    session[KEY] = _serializer().dumps({"e": email, "u": pairs, "n": nxt, "t": proved_at})


def forget_proven() -> None:
    session.pop(KEY, None)


def _proof(max_age: int) -> dict[str, Any] | None:
    signed = session.get(KEY)
    if not isinstance(signed, str):
        return None
    try:
        data = _serializer().loads(signed)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("t"), int):
        return None
    age = clock().now().timestamp() - data["t"]
    return data if 0 <= age <= max_age else None


def proven_users(max_age: int) -> tuple[list[AdminUserView], str]:
    """The users the signed value still proves (same email, same session version) and the page
    to go to afterwards; nothing when it is missing, forged or older than ``max_age``."""
    data = _proof(max_age)
    if data is None:
        return [], ""
    store = services().store
    found = []
    for pair in data.get("u", []):
        user_id, version = int(pair[0]), int(pair[1])
        view = store.get_admin_user(user_id)
        if (
            view is not None
            and view.session_version == version
            and normalise_email(view.email) == data.get("e")
        ):
            found.append(view)
    return found, str(data.get("n", ""))


def _label(user: AdminUserView) -> str:
    if user.firm_name:
        return user.firm_name
    if user.company_id is not None:
        return services().store.get_company(user.company_id).name
    return user.email


def _open(user: AdminUserView, nxt: str) -> Response:
    login_user(SignedInUser(user))
    log.info("user %s opened account %s", user.id, user.firm_id or user.company_id)
    if user.must_change_password:
        flash("Choose your own password to finish signing in.", "info")
        return redirect(url_for("admin.password"))
    return redirect(safe_next(nxt))


@bp.route("/login/account", methods=["GET", "POST"])
def choose_account() -> Response | tuple[str, int]:
    """Which account to open: only those whose password was just typed (a CSRF POST)."""
    users, nxt = proven_users(CHOOSE_SECONDS)
    if len(users) < 2 and current_user.is_authenticated:
        return redirect(url_for("admin.switch_account"))
    if not users:
        flash("Sign in again to choose an account.", "info")
        return redirect(url_for("admin.login"))
    choices = sorted((Account(u, _label(u), True) for u in users), key=lambda a: a.label.lower())
    if request.method == "POST":
        wanted = request.form.get("account", "")
        chosen = next((a.user for a in choices if str(a.user.id) == wanted), None)
        if chosen is not None:
            return _open(chosen, nxt)
        status = 400
        error: str | None = "Choose one of the accounts listed."
    else:
        status, error = 200, None
    html = render_template(
        "admin/choose_account.html", accounts=choices, action=ActionForm(), error=error
    )
    return html, status


def _all_accounts() -> list[Account]:
    user = me()
    proven = {u.id for u in proven_users(SWITCH_SECONDS)[0]} | {user.view.id}
    return sorted(
        (
            Account(u, _label(u), u.id in proven)
            for u in services().store.admin_users_with_email(user.view.email)
        ),
        key=lambda a: a.label.lower(),
    )


@bp.route("/account/switch", methods=["GET", "POST"])
@login_required
def switch_account() -> Response | tuple[str, int]:
    """Switch to another account of your email: one your password opened at sign-in, or any
    other after typing its password."""
    choices = _all_accounts()
    error: str | None = None
    status = 200
    if request.method == "POST":
        wanted = request.form.get("account", "")
        chosen = next((a for a in choices if str(a.user.id) == wanted), None)
        if chosen is None:
            error, status = "Choose one of the accounts listed.", 400
        elif chosen.proven:
            return _open(chosen.user, "")
        else:
            result = _prove(chosen.user)
            if isinstance(result, Response):
                return result
            error, status = result
    html = render_template(
        "admin/switch_account.html",
        accounts=choices,
        current_id=me().view.id,
        action=ActionForm(),
        error=error,
    )
    return html, status


def _prove(target: AdminUserView) -> Response | tuple[str, int]:
    """Open ``target`` once its own password is typed (throttled like sign-in)."""
    s = services()
    outcome = accounts.sign_in(
        s.store,
        s.settings,
        clock(),
        target.email,
        request.form.get("password", "")[: accounts.PASSWORD_MAX],
        request.remote_addr or "",
        user_ids={target.id},
    )
    if outcome.outcome == "throttled":
        minutes = max(1, s.settings.login_failure_window_seconds // 60)
        return f"Too many failed sign-ins. Wait {minutes} minutes and try again.", 429
    if outcome.user is None:
        return "That password does not open this account. Check it and try again.", 401
    current = me().view
    already = [u for u in proven_users(SWITCH_SECONDS)[0] if u.id not in (target.id, current.id)]
    remember_proven([current, *already, outcome.user])
    return _open(outcome.user, "")


@bp.app_context_processor
def _account_links() -> dict[str, Any]:
    """Whether the header offers "Switch account" (the email belongs to several accounts)."""

    def several_accounts() -> bool:
        if not current_user.is_authenticated:
            return False
        return len(services().store.admin_users_with_email(me().view.email)) > 1

    return {"several_accounts": several_accounts}


def refresh_proven(updated: AdminUserView) -> None:
    """After a password change: the proof still covers the account whose password changed."""
    data = _proof(SWITCH_SECONDS)
    if data is not None:
        others = [u for u in proven_users(SWITCH_SECONDS)[0] if u.id != updated.id]
        remember_proven([updated, *others], str(data.get("n", "")), int(data["t"]))


def sign_out() -> None:
    """Sign out and forget which accounts were proven."""
    logout_user()
    forget_proven()
