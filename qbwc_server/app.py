"""Composition root: ``create_app(settings)`` builds the store, the QBWC service and the Flask app,
with the SOAP endpoint mounted at ``/qbwc``."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import Flask
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.middleware.proxy_fix import ProxyFix

from .clock import Clock, RandomTicketSource, SystemClock, TicketSource
from .errors import ConfigurationError
from .settings import Settings, load_settings
from .soap import make_soap_wsgi
from .soapguard import SoapGuard
from .store import SqlStore, current_revision, head_revision, make_engine
from .sync.service import QbwcService
from .synclog.recorder import RecordingService

log = logging.getLogger(__name__)

SOAP_PATH = "/qbwc"


@dataclass(frozen=True, slots=True)
class Services:
    """What the web layer reaches through ``app.extensions["qbtime"]``."""

    settings: Settings
    store: SqlStore
    qbwc: QbwcService


def open_store(settings: Settings, *, require_current: bool = True) -> SqlStore:
    """Connect to the configured database.

    :raises ConfigurationError: the schema is missing or older than this version
        (``qbtime init`` creates or upgrades it).
    """
    store = SqlStore(make_engine(settings.effective_database_url))
    if require_current:
        have, want = current_revision(store.engine), head_revision()
        if have != want:
            store.dispose()
            raise ConfigurationError(
                f"the database schema is at {have or 'nothing'}, this version needs {want}: "
                "run `qbtime init` first"
            )
    return store


def create_app(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    tickets: TicketSource | None = None,
    store: SqlStore | None = None,
) -> Flask:
    """Build the Flask app with the QBWC SOAP endpoint at ``/qbwc``.

    :param settings: defaults to ``load_settings()`` (instance file and ``QBTIME_*``).
    :param clock: time source (tests pass a fixed clock).
    :param tickets: ticket source.
    :param store: an existing store (tests share one); else opened from the settings.
    """
    settings = settings or load_settings()
    store = store or open_store(settings)
    installation = store.get_installation()
    if installation is None:
        raise ConfigurationError("the installation is not initialised: run `qbtime init` first")
    service = RecordingService(
        store=store,
        settings=settings,
        clock=clock or SystemClock(),
        tickets=tickets or RandomTicketSource(),
    )
    app = Flask(__name__)
    app.config.update(SECRET_KEY=settings.secret_key or installation.secret_key)
    app.extensions["qbtime"] = Services(settings=settings, store=store, qbwc=service)

    from .web import api_company as _api_company  # noqa: F401  (adds its route to api_bp)
    from .web import api_setup as _api_setup  # noqa: F401  (adds its route to api_bp)
    from .web import log_api  # noqa: F401 - adds the sync log route to the api blueprint
    from .web.admin import init_admin
    from .web.api import bp as api_bp
    from .web.support import bp as support_bp

    app.register_blueprint(support_bp)
    app.register_blueprint(api_bp)
    init_admin(app, settings)  # after the API: its error pages defer to the API's JSON errors
    soap = SoapGuard(
        make_soap_wsgi(service, max_body_bytes=settings.max_body_bytes),
        max_body_bytes=settings.max_body_bytes,
        large_body_bytes=settings.large_body_bytes,
        max_large_bodies=settings.max_large_bodies,
        is_live_ticket=service.is_live_ticket,
    )
    app.wsgi_app = DispatcherMiddleware(app.wsgi_app, {SOAP_PATH: soap})  # type: ignore[method-assign]
    hops = settings.trusted_proxies
    if hops:
        # Behind `hops` reverse proxies the peer is the nearest proxy: the client address (for
        # login throttling), scheme and host come from the X-Forwarded-* headers they add.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops
        )
    return app
