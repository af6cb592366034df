"""Connected firm accounts (issue 16): connect other firm accounts under one sign-in, choose the
primary, review and confirm, disconnect. The pending choices live in the signed session cookie
until "Connect my accounts"; nothing is stored before that."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_login import login_required
from werkzeug.security import check_password_hash
from werkzeug.wrappers import Response

from ...errors import ConfigurationError
from ...store import FirmRow
from .access import bp, clock, me, not_found, services

_KEY = "firm_connect"


def _my_firm() -> int:
    """The signed-in user's firm account (company users have none: 404); writers only."""
    user = me()
    if user.view.firm_id is None:
        not_found()
    if not user.can_write:
        abort(403)
    return user.view.firm_id


def _group(firm: int) -> tuple[int, list[FirmRow]]:
    """The primary and the accounts of ``firm``'s connection group that its users may see and
    act on: an account kept separate sees only itself (not its primary's other accounts, their
    clients or their counts), so it can neither connect itself nor take the group over."""
    primary_id, group = services().store.connection_group(firm)
    own = next(r for r in group if r.id == firm)
    if own.mode == "separate":
        return firm, [own]
    return primary_id, group


def _pending() -> dict[str, str]:
    found = session.get(_KEY, {}).get("pending", {})
    return dict(found)


def _primary(default: int) -> int:
    return int(session.get(_KEY, {}).get("primary", default))


def _save(pending: dict[str, str], primary: int) -> None:
    session[_KEY] = {"pending": pending, "primary": primary}


def _page(error: str | None = None, status: int = 200) -> tuple[str, int]:
    firm = _my_firm()
    store = services().store
    primary_id, group = _group(firm)
    firms = {r.id: r for r in store.list_firms()}
    pending = {int(k): v for k, v in _pending().items() if int(k) in firms}
    in_group = {r.id for r in group} if len(group) > 1 else {firm}
    listed = [
        (i, n)
        for i, n in store.firm_accounts_of(me().view.email)
        if i not in in_group and i not in pending
    ]
    choices = sorted(in_group | set(pending))
    html = render_template(
        "admin/firms.html",
        group=group if len(group) > 1 else [],
        primary_id=primary_id,
        pending=[(firms[i], m) for i, m in pending.items()],
        listed=listed,
        choices=[firms[i] for i in choices],
        chosen=_primary(primary_id),
        error=error,
        typed=request.form,
    )
    return html, status


@bp.get("/firms")
@login_required
def firms() -> tuple[str, int]:
    """Your firm accounts: the connected ones, and the form to connect another."""
    return _page()


@bp.post("/firms/add")
@login_required
def firms_add() -> Response | tuple[str, int]:
    """Confirm another account by signing in to it, and choose connect or keep separate."""
    firm = _my_firm()
    store = services().store
    name = " ".join((request.form.get("other") or request.form.get("account") or "").split())
    mode = request.form.get("mode", "")
    if mode not in ("connected", "separate"):
        return _page("Choose 'Connect these clients' or 'Keep this account separate'.", 400)
    found: FirmRow | None = store.find_firm(name) if name else None
    user = None
    if found is not None:
        user = next(
            (u for u in store.admin_users_with_email(me().view.email) if u.firm_id == found.id),
            None,
        )
    password = request.form.get("password", "")
    if found is None or user is None or not check_password_hash(user.password_hash, password):
        return _page("That account and password do not match. Check both and try again.", 400)
    if found.id == firm:
        return _page("That is the account you are signed in to.", 400)
    pending = _pending()
    pending[str(found.id)] = mode
    _save(pending, _primary(_group(firm)[0]))
    flash(f"{found.name} is confirmed. Add another or review.", "success")
    return redirect(url_for("admin.firms"))


@bp.post("/firms/primary")
@login_required
def firms_primary() -> Response | tuple[str, int]:
    """Choose which account is the primary one."""
    firm = _my_firm()
    wanted = request.form.get("primary", "")
    _, group = _group(firm)
    # an account kept separate is never the primary: everyone connected sees the primary's clients
    allowed = {r.id for r in group if r.mode != "separate"} | {firm}
    allowed |= {int(k) for k, mode in _pending().items() if mode == "connected"}
    if not wanted.isdigit() or int(wanted) not in allowed:
        return _page("Choose the primary account from the list.", 400)
    _save(_pending(), int(wanted))
    return redirect(url_for("admin.firms"))


@bp.get("/firms/review")
@login_required
def firms_review() -> Response | str:
    """The accounts as they will be connected: confirm or go back."""
    firm = _my_firm()
    store = services().store
    primary_id, group = _group(firm)
    pending = {int(k): v for k, v in _pending().items()}
    if not pending and _primary(primary_id) == primary_id:
        flash("Confirm another account first.", "info")
        return redirect(url_for("admin.firms"))
    names = {r.id: r for r in store.list_firms()}
    plan = {r.id: r.mode or "connected" for r in group} | {firm: "connected"} | pending
    primary = _primary(primary_id)
    rows = [(names[i], "primary" if i == primary else m) for i, m in sorted(plan.items())]
    return render_template("admin/firms_review.html", rows=rows)


@bp.post("/firms/confirm")
@login_required
def firms_confirm() -> Response | tuple[str, int]:
    """Connect my accounts: store the connections chosen."""
    firm = _my_firm()
    store = services().store
    primary_id, group = _group(firm)
    plan = {r.id: r.mode or "connected" for r in group} | {firm: "connected"}
    plan |= {int(k): v for k, v in _pending().items()}
    primary = _primary(primary_id)
    plan.pop(primary, None)
    try:
        store.connect_firms(primary, plan, now=clock().now())
    except ConfigurationError as exc:
        return _page(f"The accounts cannot be connected: {exc}.", 400)
    session.pop(_KEY, None)
    flash("Your accounts are connected.", "success")
    return redirect(url_for("admin.dashboard"))


@bp.post("/firms/<int:firm_id>/disconnect")
@login_required
def firms_disconnect(firm_id: int) -> Response:
    """Disconnect one account of your group (404 for any other)."""
    firm = _my_firm()
    store = services().store
    _, group = _group(firm)
    own = group[0].primary_firm_id is not None and firm_id == firm  # a separate one leaves
    if not own and (firm_id not in {r.id for r in group} or len(group) < 2):
        not_found()
    store.disconnect_firm(firm_id)
    flash("The account is disconnected.", "success")
    return redirect(url_for("admin.firms"))


@bp.post("/firms/cancel")
@login_required
def firms_cancel() -> Response:
    """Forget the accounts confirmed so far."""
    _my_firm()
    session.pop(_KEY, None)
    return redirect(url_for("admin.firms"))
