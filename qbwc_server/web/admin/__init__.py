"""The admin web pages (DESIGN sections 1, 9 and 10): sign-in, the firm dashboard, the company
set-up wizard with the .qwc download, and the company pages. Server-rendered Jinja2, no
JavaScript; every state change is a POST with a Flask-WTF CSRF token. Must not import spyne.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from . import (
    auth,
    billing,
    client_setup,
    company,
    errors,
    firms,
    invitations,
    payroll,
    setup,
    time,
)
from .access import bp, load_user

if TYPE_CHECKING:
    from flask import Flask

    from ...settings import Settings

__all__ = ["bp", "init_admin"]

# the view modules add their routes to ``bp`` when imported
_VIEWS = (auth, billing, client_setup, company, errors, firms, invitations, payroll, setup, time)


def init_admin(app: Flask, settings: Settings) -> None:
    """Set up sessions, CSRF and the admin blueprint on ``app``.

    Cookies are HttpOnly and SameSite=Lax, and Secure when ``public_url`` is https. CSRF is
    checked for the admin blueprint's POSTs only (``WTF_CSRF_CHECK_DEFAULT`` off), so the REST
    API's bearer-token clients are not asked for a browser token.
    """
    secure = settings.public_url.strip().lower().startswith("https://")
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure,
        SESSION_COOKIE_NAME="qbtime_session",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=secure,
        WTF_CSRF_CHECK_DEFAULT=False,
        WTF_CSRF_TIME_LIMIT=8 * 3600,
        WTF_CSRF_SSL_STRICT=secure,
    )
    login = LoginManager()
    login.login_view = "admin.login"
    login.login_message = "Sign in to see that page."
    login.login_message_category = "info"
    login.session_protection = "basic"
    login.user_loader(load_user)
    login.init_app(app)
    csrf = CSRFProtect()
    csrf.init_app(app)
    app.extensions["qbtime_csrf"] = csrf
    app.register_blueprint(bp)
    errors.register(app)
