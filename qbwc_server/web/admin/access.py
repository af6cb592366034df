"""Who is signed in and what they may reach: the blueprint, the user loader, and the checks every
company page makes (a company outside the user's firm or company is a 404, whatever the URL).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, NoReturn

from flask import Blueprint, abort, current_app, request, url_for
from flask_login import UserMixin, current_user

from ...store import AdminUserView, CompanyView

if TYPE_CHECKING:
    from ...app import Services
    from ...clock import Clock

bp = Blueprint(
    "admin",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/admin-static",
)

WRITE_ROLES = frozenset({"owner", "admin"})


def services() -> Services:
    """The app's store, settings and QBWC service (the admin pages' one use of current_app)."""
    found: Services = current_app.extensions["qbtime"]
    return found


def secret_key() -> str:
    """The key the app signs cookies and invitation links with."""
    key = current_app.secret_key or ""
    return key.decode() if isinstance(key, bytes) else key


def clock() -> Clock:
    """The app's clock."""
    return services().qbwc.clock


@dataclass(eq=False)
class SignedInUser(UserMixin):  # type: ignore[misc]
    """The Flask-Login user: an admin user's record.

    The session stores ``<id>:<session_version>``; a password change bumps the version, so a
    session made with the old password no longer loads.
    """

    view: AdminUserView

    def get_id(self) -> str:
        return f"{self.view.id}:{self.view.session_version}"

    @property
    def can_write(self) -> bool:
        """Owners and admins change things; support staff only read."""
        return self.view.role in WRITE_ROLES

    @property
    def can_add_companies(self) -> bool:
        """Firm owners and admins add client companies to their firm."""
        return self.can_write and self.view.firm_id is not None


def load_user(user_id: str) -> SignedInUser | None:
    """Flask-Login's loader: the user, unless the session is from before a password change."""
    number, _, version = user_id.partition(":")
    if not (number.isdigit() and version.isdigit()):
        return None
    view = services().store.get_admin_user(int(number))
    if view is None or view.session_version != int(version):
        return None
    return SignedInUser(view)


def me() -> SignedInUser:
    """The signed-in user (views behind ``login_required`` only)."""
    user: SignedInUser = current_user._get_current_object()
    return user


def safe_next(target: str | None) -> str:
    """Only a path on this site: never another host (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("admin.dashboard")


def not_found() -> NoReturn:
    abort(404)


def company_or_404(company_id: int, *, write: bool = False) -> CompanyView:
    """The company, if the user's role covers it; else 404 (the same as a company that does not
    exist, so no one learns another firm's company ids).

    :param write: the page changes something or hands out credentials: support gets 403.
    """
    user = me()
    store = services().store
    if company_id > 2**63 - 1 or not store.can_see_company(user.view, company_id):
        not_found()
    if write and not user.can_write:
        abort(403)
    return store.get_company(company_id)


def protect_csrf() -> None:
    """Check the CSRF token of every state-changing request to the admin pages (400 if not)."""
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        current_app.extensions["qbtime_csrf"].protect()


bp.before_request(protect_csrf)


@bp.after_request
def _headers(response):  # type: ignore[no-untyped-def]
    """Pages are private and never framed; no script runs (there is none)."""
    response.headers.setdefault("Cache-Control", "no-store")
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    )
    return response
