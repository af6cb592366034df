"""Admin user accounts, shared by ``qbtime user`` and the sign-in pages: one-time passwords,
password changes and throttled sign-in (DESIGN section 10). Must not import Flask or spyne.

People choose these passwords, so they are hashed with werkzeug's scrypt; failed sign-ins go in
the same ``login_failure`` table as the Web Connector's, keyed ``web:<email>`` so an email that
is also a QBWC username does not share its counter.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from werkzeug.security import check_password_hash, generate_password_hash

from .clock import Clock
from .errors import ConfigurationError, NotFoundError
from .settings import Settings
from .store import ROLES, AdminUserView, SqlStore
from .store._users import normalise_email

PASSWORD_MIN = 12
PASSWORD_MAX = 200
EMAIL_MAX = 254
FAILURE_PREFIX = "web:"
_EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# checked against when the email is unknown, so an unknown email takes as long as a wrong password
_DUMMY_HASH = generate_password_hash(secrets.token_urlsafe(16))


@dataclass(frozen=True, slots=True)
class NewPassword:
    """A user and the one-time password just made for them (shown once, never stored)."""

    user: AdminUserView
    password: str


SignInOutcome = Literal["ok", "refused", "throttled"]


@dataclass(frozen=True, slots=True)
class SignIn:
    """What a sign-in attempt came to; ``user`` only when ``outcome`` is ``ok``."""

    outcome: SignInOutcome
    user: AdminUserView | None = None


def one_time_password() -> str:
    """A random password for a first sign-in (about 96 bits)."""
    return secrets.token_urlsafe(12)


def hash_password(password: str) -> str:
    """The stored form of a password people type (werkzeug scrypt, salted)."""
    return generate_password_hash(password, method="scrypt")


def check_email(email: str) -> str:
    """The email as stored, or why it cannot be used.

    :raises ConfigurationError: not an email address, or too long.
    """
    email = normalise_email(email)
    if len(email) > EMAIL_MAX or not _EMAIL_RE.fullmatch(email):
        raise ConfigurationError(f"{email[:60]!r} is not an email address")
    return email


def add_user(
    store: SqlStore,
    clock: Clock,
    email: str,
    *,
    role: str,
    firm: str | None = None,
    company_id: int | None = None,
) -> NewPassword:
    """Create a user (and the firm, when it is new) with a one-time password.

    :raises ConfigurationError: a bad email or role, the email is taken, or not exactly one of
        firm and company.
    :raises NotFoundError: no company has that id.
    """
    email = check_email(email)
    if role not in ROLES:
        raise ConfigurationError(f"a role is one of {', '.join(ROLES)}, not {role!r}")
    firm_name = " ".join(firm.split()) if firm is not None else None
    if firm is not None and not firm_name:
        raise ConfigurationError("a firm needs a name")
    password = one_time_password()
    user = store.add_admin_user(
        email=email,
        password_hash=hash_password(password),
        role=role,
        firm_name=firm_name,
        company_id=company_id,
        now=clock.now(),
    )
    return NewPassword(user=user, password=password)


def reset_password(store: SqlStore, clock: Clock, email: str) -> NewPassword:
    """Give a user a new one-time password; their open sessions end.

    :raises NotFoundError: no user has that email.
    """
    user = store.find_admin_user(email)
    if user is None:
        raise NotFoundError(f"no user with the email {normalise_email(email)[:60]!r}")
    password = one_time_password()
    user = store.set_admin_password(
        user.id, password_hash=hash_password(password), one_time=True, now=clock.now()
    )
    return NewPassword(user=user, password=password)


def check_first_password(email: str, new: str, repeat: str) -> str | None:
    """Why ``new`` cannot be the password of a person with that email, or None when it can."""
    if new != repeat:
        return "The two new passwords differ."
    if len(new) < PASSWORD_MIN:
        return f"Choose a password of at least {PASSWORD_MIN} characters."
    if len(new) > PASSWORD_MAX:
        return f"A password is at most {PASSWORD_MAX} characters."
    if new.strip().lower() == normalise_email(email):
        return "Your password cannot be your email address."
    return None


def check_new_password(user: AdminUserView, new: str, repeat: str) -> str | None:
    """Why ``new`` cannot be the user's password, or None when it can."""
    problem = check_first_password(user.email, new, repeat)
    if problem:
        return problem
    if check_password_hash(user.password_hash, new):
        return "Choose a password different from the current one."
    return None


def change_password(
    store: SqlStore, clock: Clock, user: AdminUserView, *, current: str, new: str, repeat: str
) -> tuple[AdminUserView | None, str | None]:
    """Change a user's own password after checking the current one.

    :returns: the updated user, or None and the sentence saying what is wrong (nothing changes).
    """
    if not check_password_hash(user.password_hash, current):
        return None, "The current password is not right."
    problem = check_new_password(user, new, repeat)
    if problem:
        return None, problem
    return (
        store.set_admin_password(
            user.id, password_hash=hash_password(new), one_time=False, now=clock.now()
        ),
        None,
    )


def sign_in(
    store: SqlStore,
    settings: Settings,
    clock: Clock,
    email: str,
    password: str,
    address: str,
    account: str = "",
) -> SignIn:
    """Check an email and password, throttled per email and per address like authenticate.

    An email in several accounts signs in to the first whose password matches, or to
    ``account`` (a firm name) when given.

    Too many failures in ``login_failure_window_seconds`` refuse further attempts without
    checking the password; a success clears the failures of that email and address.
    """
    now = clock.now()
    key = FAILURE_PREFIX + normalise_email(email)[:96]
    since = now - timedelta(seconds=settings.login_failure_window_seconds)
    by_user, by_address = store.count_login_failures(username=key, address=address, since=since)
    if (
        by_user >= settings.login_failures_per_user
        or by_address >= settings.login_failures_per_address
    ):
        return SignIn("throttled")
    users = store.admin_users_with_email(email) if len(email) <= EMAIL_MAX else []
    if account:  # the account named on the sign-in page (an email in several accounts)
        users = [u for u in users if u.firm_name == account or str(u.company_id) == account]
    user = None
    candidates: list[AdminUserView | None] = list(users) or [None]
    for candidate in candidates:
        hashed = candidate.password_hash if candidate else _DUMMY_HASH
        if check_password_hash(hashed, password) and candidate is not None:
            user = candidate
            break
    if user is None:
        store.record_login_failure(username=key, address=address, now=now)
        return SignIn("refused")
    store.clear_login_failures(username=key, address=address)
    return SignIn("ok", user)
