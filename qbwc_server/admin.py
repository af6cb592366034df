"""Admin operations on companies, shared by the CLI and the web pages."""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from mappings import (
    Check,
    ImportOptions,
    OptionsError,
    change_options,
    check_health,
    options_from_dict,
    options_to_dict,
)

from .clock import Clock
from .errors import ConfigurationError
from .qwc import QwcValues, braced_guid, render_qwc, server_urls
from .settings import Settings, new_secret_key
from .store import (
    ApiTokenView,
    CompanyView,
    InstallationView,
    ListCounts,
    ListName,
    SessionRecord,
    SqlStore,
)
from .store.views_time import TimeEntryRecord
from .sync import credentials
from .sync.hcp import read_hcp_preferences

USERNAME_MAX = 40
API_TOKEN_PREFIX = "qbt_"
API_TOKEN_LABEL_MAX = 100
DELETE_WORD = "delete"


@dataclass(frozen=True, slots=True)
class NewCompany:
    """A created company and its password, which is shown this once and never stored in clear."""

    company: CompanyView
    password: str
    same_name: tuple[CompanyView, ...] = ()
    """Older companies with the same name (``company add`` warns about them)."""


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
    same_name = tuple(c for c in store.list_companies() if _same_name(c.name, name))
    candidates = [username] if username else _candidates(store, _username_base(name))
    password = credentials.generate_password()
    company = store.add_company(
        name=name,
        firm_name=" ".join(firm.split()) if firm else None,
        username=candidates[0],
        password_hash=credentials.GeneratedPasswords.of(store).hash(password),
        file_id=new_guid(),
        now=clock.now(),
    )
    return NewCompany(company=company, password=password, same_name=same_name)


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
    hashed = credentials.GeneratedPasswords.of(store).hash(password)
    store.update_company(company_id, password_hash=hashed)
    return password


def request_sync(store: SqlStore, clock: Clock, company_id: int) -> CompanyView:
    """Mark the company due: its next Web Connector poll starts a sync."""
    return store.update_company(company_id, sync_requested_at=clock.now())


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def app_name_suffix(store: SqlStore, company: CompanyView) -> str:
    """`` (ID)`` when an older company has the same name, else ``""``.

    The Web Connector keys applications by AppName: a second company's ``.qwc`` with the same
    AppName would replace the first one's application. The oldest company keeps the plain name
    so its ``.qwc`` never changes; the id is what ``qbtime company qwc ID`` was given.
    """
    older = [
        c for c in store.list_companies() if c.id < company.id and _same_name(c.name, company.name)
    ]
    return f" ({company.id})" if older else ""


def company_qwc(
    store: SqlStore, settings: Settings, company_id: int, app_url: str | None = None
) -> str:
    """The .qwc file for one company.

    :param app_url: the server's public base URL or its full ``/qbwc`` endpoint URL (a path
        prefix is kept); ``None`` uses the ``public_url`` setting.
    :raises ConfigurationError: no URL, or a URL the Web Connector would refuse.
    """
    installation = store.get_installation()
    if installation is None:
        raise ConfigurationError("the installation is not initialised: run `qbtime init` first")
    company = store.get_company(company_id)
    url = (app_url or "").strip() or settings.public_url.strip()
    if not url:
        raise ConfigurationError(
            "no server URL: give --url https://your-host (the address the Web Connector reaches "
            "this server at) or set public_url in settings.toml"
        )
    return render_qwc(
        QwcValues(
            company_name=company.name,
            username=company.qbwc_username,
            owner_id=installation.owner_id,
            file_id=company.file_id,
            app_url=server_urls(url).app_url,
            support_url=settings.support_url,
            run_every_n_minutes=settings.run_every_n_minutes,
            app_name_suffix=app_name_suffix(store, company),
        )
    )


# API tokens ----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class NewApiToken:
    """A created API token; the token is shown this once, only its SHA-256 hash is stored."""

    token: str
    view: ApiTokenView


API_SCOPES = ("read", "write", "admin")


def create_api_token(
    store: SqlStore,
    clock: Clock,
    company_id: int,
    *,
    label: str | None = None,
    scope: str = "read",
) -> NewApiToken:
    """Make a bearer token for the company's REST API (256 random bits, prefixed ``qbt_``).

    ``scope``: ``read`` (lists and time), ``write`` (also create, edit and delete time) or
    ``admin`` (also approve, unapprove, unlock and payroll mapping); each includes the ones
    before it.

    :raises ConfigurationError: the label is longer than 100 characters, or an unknown scope.
    :raises NotFoundError: no company has that id.
    """
    if scope not in API_SCOPES:
        raise ConfigurationError(f"a token scope is one of {', '.join(API_SCOPES)}")
    label = " ".join(label.split()) if label else None
    if label and len(label) > API_TOKEN_LABEL_MAX:
        raise ConfigurationError(f"a token label is at most {API_TOKEN_LABEL_MAX} characters")
    token = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    view = store.create_api_token(
        company_id=company_id,
        token_hash=credentials.hash_ticket(token),
        label=label or None,
        now=clock.now(),
        scope=scope,
    )
    return NewApiToken(token=token, view=view)


# login locks ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class LoginLock:
    """Too many failed logins for a username from one address: authenticate answers ``nvu``
    to it, even with the right password, until ``until``."""

    address: str
    failures: int
    until: datetime


def login_locks(
    store: SqlStore, settings: Settings, company: CompanyView, now: datetime
) -> tuple[LoginLock, ...]:
    """The locks on the company's QBWC username now, one per address, soonest end first.

    The Web Connector is refused while ``login_failures_per_user`` failures of the username
    from that address lie within the last ``login_failure_window_seconds``, so the lock ends
    when the oldest of the newest that many failures leaves the window.
    """
    window = timedelta(seconds=settings.login_failure_window_seconds)
    limit = max(settings.login_failures_per_user, 1)
    by_address: dict[str, list[datetime]] = {}
    for address, at in store.list_login_failures(
        username=company.qbwc_username, since=now - window
    ):
        by_address.setdefault(address, []).append(at)
    locks = [
        LoginLock(address=address, failures=len(times), until=times[-limit] + window)
        for address, times in by_address.items()
        if len(times) >= limit
    ]
    return tuple(sorted(locks, key=lambda lock: (lock.until, lock.address)))


def unlock_company(store: SqlStore, company_id: int) -> int:
    """Forget the failed logins of the company's QBWC username, from every address, so the
    Web Connector may log in again at once; returns how many were forgotten.

    :raises NotFoundError: no company has that id.
    """
    company = store.get_company(company_id)
    return store.delete_login_failures(username=company.qbwc_username)


# company details and options -----------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CompanyDetails:
    """Everything ``qbtime company show`` prints."""

    company: CompanyView
    options: ImportOptions
    counts: dict[ListName, ListCounts]
    last_session: SessionRecord | None
    login_locks: tuple[LoginLock, ...] = ()
    export_states: dict[str, int] = field(default_factory=dict)
    export_problems: list[TimeEntryRecord] = field(default_factory=list)
    health: tuple[Check, ...] = ()


def _options(company: CompanyView) -> ImportOptions:
    try:
        return options_from_dict(company.import_options)
    except OptionsError as exc:
        raise ConfigurationError(
            f"company {company.id} has unreadable import options: {exc}"
        ) from exc


def company_details(
    store: SqlStore,
    company_id: int,
    *,
    settings: Settings | None = None,
    now: datetime | None = None,
) -> CompanyDetails:
    """The company, its import options, per-list counts, its last sync session and, given the
    settings and the time, the login locks on its username and its health checks.

    :raises NotFoundError: no company has that id.
    """
    company = store.get_company(company_id)
    sessions = store.list_sync_sessions(company_id, limit=1)
    locks = login_locks(store, settings, company, now) if settings and now else ()
    health = (
        company_health(store, [company_id], settings=settings, now=now).get(company_id, ())
        if settings and now
        else ()
    )
    states, problems = store.export_summary(company_id)
    return CompanyDetails(
        company=company,
        options=_options(company),
        counts=store.company_counts(company_id),
        last_session=sessions.rows[0] if sessions.rows else None,
        login_locks=locks,
        export_states=states,
        export_problems=problems,
        health=health,
    )


def company_health(
    store: SqlStore, company_ids: Iterable[int], *, settings: Settings, now: datetime
) -> dict[int, tuple[Check, ...]]:
    """The integration health checks of each company (issue 16; ``docs/health.md``): the
    store's facts completed with the preferences of the last HCP response, checked against the
    Web Connector's schedule. Unknown ids are left out; an empty tuple means all is well.
    """
    every = timedelta(minutes=settings.run_every_n_minutes)
    out: dict[int, tuple[Check, ...]] = {}
    for company_id, found in store.health_inputs(company_ids).items():
        prefs = read_hcp_preferences(found.hcp_response)
        facts = replace(
            found.facts,
            qb_first_day_of_week=prefs.first_day_of_week,
            qb_class_tracking=prefs.class_tracking,
        )
        out[company_id] = check_health(facts, now=now, every=every)
    return out


def import_options(store: SqlStore, company_id: int) -> ImportOptions:
    """The company's import options (defaults for those never set).

    :raises NotFoundError: no company has that id.
    """
    return _options(store.get_company(company_id))


def set_import_options(
    store: SqlStore, company_id: int, changes: Mapping[str, str]
) -> ImportOptions:
    """Validate and save option changes typed by an admin (``{"billable": "require"}``).

    :raises ConfigurationError: an unknown option, a bad value, or a change to an option that is
        fixed after the first sync (nothing is saved then).
    :raises NotFoundError: no company has that id.
    """

    def change(current: Mapping[str, object], first_sync_done: bool) -> dict[str, object]:
        try:
            opts = change_options(
                options_from_dict(current), changes, first_sync_done=first_sync_done
            )
        except OptionsError as exc:
            raise ConfigurationError(_option_message(exc)) from exc
        return options_to_dict(opts)

    return options_from_dict(store.change_import_options(company_id, change))


def _option_message(exc: OptionsError) -> str:
    """``import-customers-jobs: fixed after the first sync``: the option as the CLI spells it."""
    text = str(exc).removeprefix(f"{exc.option}: ")
    return f"{exc.option.replace('_', '-')}: {text}; nothing changed"


# first sync and binding ----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class FirstSyncConfirmation:
    """The outcome of :func:`confirm_first_sync`: ``state`` and the time it concerns."""

    state: str  # confirmed | already_confirmed | first_sync_done
    at: datetime | None


def confirm_first_sync(
    store: SqlStore, clock: Clock, company_id: int, typed: str
) -> FirstSyncConfirmation:
    """Let the first sync remove local customers/jobs QuickBooks does not know.

    :param typed: what the admin typed; it must be the word ``delete`` (case and surrounding
        spaces do not matter).
    :raises ConfigurationError: another word was typed (nothing changes).
    :raises NotFoundError: no company has that id.
    """
    if typed.strip().lower() != DELETE_WORD:
        raise ConfigurationError(
            f"type the word {DELETE_WORD!r} to confirm (got {typed.strip()[:20]!r}); nothing changed"
        )
    state, at = store.confirm_first_sync_delete(company_id, now=clock.now())
    return FirstSyncConfirmation(state=state, at=at)


def unbind_company(store: SqlStore, company_id: int) -> str | None:
    """Forget the company file the company is bound to; returns that file's path (or None).

    The next session binds whatever company file it connects with.

    :raises NotFoundError: no company has that id.
    """
    before = store.get_company(company_id)
    store.update_company(
        company_id, bound_company_file=None, bound_file_stamp=None, bound_qb_product=None
    )
    return before.bound_company_file
