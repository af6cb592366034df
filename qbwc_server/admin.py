"""Admin operations on companies, shared by the CLI and the web pages."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from .clock import Clock
from .errors import ConfigurationError
from .qwc import QwcValues, braced_guid, render_qwc
from .settings import Settings, new_secret_key
from .store import CompanyView, InstallationView, SqlStore
from .sync import credentials

USERNAME_MAX = 40


@dataclass(frozen=True, slots=True)
class NewCompany:
    """A created company and its password, which is shown this once and never stored in clear."""

    company: CompanyView
    password: str


def new_guid() -> str:
    """A random GUID in braces."""
    return braced_guid(str(uuid.uuid4()))


def init_installation(store: SqlStore, clock: Clock) -> InstallationView:
    """Create the installation's OwnerID and secret key once; later calls keep them."""
    return store.ensure_installation(
        owner_id=new_guid(), secret_key=new_secret_key(), now=clock.now()
    )


def _username_base(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return (slug or "company")[: USERNAME_MAX - 4]


def add_company(
    store: SqlStore,
    clock: Clock,
    name: str,
    *,
    firm: str | None = None,
    username: str | None = None,
) -> NewCompany:
    """Create a company with a unique QBWC username, a generated password and a FileID.

    :raises ConfigurationError: an empty name, or a chosen username that is taken or invalid.
    """
    name = " ".join(name.split())
    if not name:
        raise ConfigurationError("a company needs a name")
    if len(name) > 200:
        raise ConfigurationError("company names are at most 200 characters")
    if username is not None and not re.fullmatch(r"[A-Za-z0-9._@-]{3,40}", username):
        raise ConfigurationError(
            "a QBWC username is 3-40 letters, digits, dots, dashes, underscores or @"
        )
    candidates = [username] if username else _candidates(store, _username_base(name))
    password = credentials.generate_password()
    company = store.add_company(
        name=name,
        firm_name=" ".join(firm.split()) if firm else None,
        username=candidates[0],
        password_hash=credentials.hash_password(password),
        file_id=new_guid(),
        now=clock.now(),
    )
    return NewCompany(company=company, password=password)


def _candidates(store: SqlStore, base: str) -> list[str]:
    taken = {c.qbwc_username for c in store.list_companies()}
    if base not in taken:
        return [base]
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return [f"{base}-{n}"]


def regenerate_password(store: SqlStore, company_id: int) -> str:
    """Give the company a new QBWC password; returns it (shown once)."""
    password = credentials.generate_password()
    store.update_company(company_id, password_hash=credentials.hash_password(password))
    return password


def request_sync(store: SqlStore, clock: Clock, company_id: int) -> CompanyView:
    """Mark the company due: its next Web Connector poll starts a sync."""
    return store.update_company(company_id, sync_requested_at=clock.now())


def company_qwc(store: SqlStore, settings: Settings, company_id: int, app_url: str) -> str:
    """The .qwc file for one company.

    :param app_url: the server's public base URL or its full ``/qbwc`` endpoint URL.
    :raises ConfigurationError: the URL would be refused by the Web Connector.
    """
    installation = store.get_installation()
    if installation is None:
        raise ConfigurationError("the installation is not initialised: run `qbtime init` first")
    company = store.get_company(company_id)
    url = app_url.strip().rstrip("/")
    if not url.endswith("/qbwc"):
        url += "/qbwc"
    return render_qwc(
        QwcValues(
            company_name=company.name,
            username=company.qbwc_username,
            owner_id=installation.owner_id,
            file_id=company.file_id,
            app_url=url,
            support_url=settings.support_url,
            run_every_n_minutes=settings.run_every_n_minutes,
        )
    )
