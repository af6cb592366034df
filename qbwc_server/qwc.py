"""The .qwc file the Web Connector loads: rendered from ``qbtime.qwc.template`` per company.

QBWC's rules (QBWC Programmer's Guide, Table 4-1 and Appendix A): AppURL must be https unless the
host is localhost (QBWC1010/1051), hosts must not be IP addresses (QBWC1001/1002), AppSupport must
be on the same domain as AppURL (QBWC1000), GUIDs in braces, one FileID per company file. The
Web Connector keys its applications by AppName, so two companies must never share one.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from importlib import resources
from string import Template
from urllib.parse import urlsplit, urlunsplit
from xml.sax.saxutils import escape

from .errors import ConfigurationError

TEMPLATE_NAME = "qbtime.qwc.template"
APP_NAME_MAX = 80
APP_NAME_PREFIX = "qbtime-sync - "
ENDPOINT = "/qbwc"
SUPPORT = "/support"


@dataclass(frozen=True, slots=True, kw_only=True)
class QwcValues:
    """What one company's .qwc needs."""

    company_name: str
    username: str
    owner_id: str
    file_id: str
    app_url: str
    support_url: str
    run_every_n_minutes: int
    app_name_suffix: str = ""
    """Appended to the AppName when another company has the same name (`` (2)``)."""


def braced_guid(value: str) -> str:
    """A GUID in the ``{XXXXXXXX-...}`` form QBWC's samples use."""
    inner = value.strip().strip("{}").upper()
    parts = inner.split("-")
    if [len(p) for p in parts] != [8, 4, 4, 4, 12] or any(
        c not in "0123456789ABCDEF" for c in inner.replace("-", "")
    ):
        raise ConfigurationError(f"{value!r} is not a GUID")
    return "{" + inner + "}"


def check_app_url(url: str) -> str:
    """Return ``url`` normalised, or explain why the Web Connector would refuse it.

    :raises ConfigurationError: not http(s), no host, an IP address host, http on a
        non-localhost host, a user name or password, a query string or a fragment.
    """
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        raise ConfigurationError(f"{url!r} is not an http(s) URL with a host name")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        raise ConfigurationError(
            f"the Web Connector refuses IP address hosts (QBWC1001): use a host name instead of {host}"
        )
    if parts.scheme != "https" and host != "localhost":
        raise ConfigurationError(
            f"the Web Connector requires https unless the host is localhost (QBWC1010): {url!r}"
        )
    if parts.username or parts.password:
        raise ConfigurationError("the AppURL must not contain a user name or password")
    if parts.query or parts.fragment or url.strip().endswith(("?", "#")):
        raise ConfigurationError(
            f"{url!r} has a query string or fragment: give the server's base URL without "
            "'?...' or '#...' (the Web Connector posts to the URL exactly as written)"
        )
    path = parts.path or "/"
    return urlunsplit((parts.scheme, parts.netloc.lower(), path, "", ""))


@dataclass(frozen=True, slots=True)
class ServerUrls:
    """The AppURL (the SOAP endpoint) and the default AppSupport URL under the same prefix."""

    app_url: str
    support_url: str


def server_urls(url: str) -> ServerUrls:
    """Split a server URL into its ``/qbwc`` endpoint and its ``/support`` page.

    ``url`` is the server's base URL (``https://h``, ``https://h:8443/qb/``) or its endpoint
    (``https://h/qb/qbwc``); a path prefix is kept for both URLs, since a server behind a proxy
    path answers ``/support`` under the same prefix (AppSupport without it fails: QBWC1003).

    :raises ConfigurationError: a URL the Web Connector would refuse (see :func:`check_app_url`).
    """
    checked = urlsplit(check_app_url(url))
    prefix = checked.path.rstrip("/")
    if prefix.endswith(ENDPOINT):
        prefix = prefix[: -len(ENDPOINT)]
    base = (checked.scheme, checked.netloc)
    return ServerUrls(
        app_url=urlunsplit((*base, prefix + ENDPOINT, "", "")),
        support_url=urlunsplit((*base, prefix + SUPPORT, "", "")),
    )


def support_url_for(app_url: str, support_url: str = "") -> str:
    """The AppSupport URL: the given one if it is on the AppURL's host, else ``/support`` beside
    the AppURL's ``/qbwc`` (same path prefix).

    :raises ConfigurationError: a support URL on another host (QBWC1000).
    """
    if not support_url:
        return server_urls(app_url).support_url
    checked = check_app_url(support_url)
    app = urlsplit(app_url)
    if urlsplit(checked).hostname != app.hostname:
        raise ConfigurationError(
            "AppSupport must be on the same host as AppURL (QBWC1000): "
            f"{urlsplit(checked).hostname} is not {app.hostname}"
        )
    return checked


def app_name_for(company_name: str, *, suffix: str = "") -> str:
    """The AppName the Web Connector lists (and keys applications by): at most 80 characters,
    the suffix (`` (2)``, which tells companies of the same name apart) always kept whole."""
    name = " ".join(company_name.split())
    return f"{APP_NAME_PREFIX}{name}"[: APP_NAME_MAX - len(suffix)].rstrip() + suffix


def _template() -> Template:
    text = resources.files("qbwc_server").joinpath(TEMPLATE_NAME).read_text(encoding="utf-8")
    return Template(text)


def render_qwc(values: QwcValues) -> str:
    """The .qwc XML for one company.

    :raises ConfigurationError: the URL would be refused by the Web Connector, or a GUID is bad.
    """
    app_url = check_app_url(values.app_url)
    support = support_url_for(app_url, values.support_url)
    if values.run_every_n_minutes < 1:
        raise ConfigurationError("RunEveryNMinutes must be at least 1")
    name = " ".join(values.company_name.split())
    fields = {
        "app_name": app_name_for(name, suffix=values.app_name_suffix),
        "app_unique_name": f"qbtime-sync-{values.username}",
        "app_url": app_url,
        "app_description": f"Time tracking sync for {name}"[:APP_NAME_MAX],
        "app_support": support,
        "username": values.username,
        "owner_id": braced_guid(values.owner_id),
        "file_id": braced_guid(values.file_id),
        "minutes": str(values.run_every_n_minutes),
    }
    return _template().substitute({k: escape(v) for k, v in fields.items()})
