"""One frozen Settings object, layered: defaults < instance/settings.toml < QBTIME_* environment."""

from __future__ import annotations

import dataclasses
import os
import secrets
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from .errors import ConfigurationError

ENV_PREFIX = "QBTIME_"


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """Installation-wide settings; per-company values live in the database."""

    home: Path = Path("instance")
    database_url: str = ""
    public_url: str = ""
    support_url: str = ""
    secret_key: str = ""
    max_returned: int = 500
    export_batch_size: int = 50
    ticket_ttl_seconds: int = 30 * 60
    max_body_bytes: int = 256 * 1024 * 1024
    run_every_n_minutes: int = 60
    log_retention_days: int = 90
    min_client_version: str = "2.0.0.0"
    recommended_client_version: str = "2.1.0.30"
    login_failures_per_user: int = 5
    login_failures_per_address: int = 20
    login_failure_window_seconds: int = 15 * 60
    log_qbxml: bool = False
    trusted_proxies: int = 0
    session_takeover_seconds: int = 120
    large_body_bytes: int = 1024 * 1024
    max_large_bodies: int = 2
    record_exchanges: bool = True
    sweep_days: int = 7
    # outgoing mail (invitations, notices); with no smtp_host the pages show links to copy
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = ""
    smtp_starttls: bool = True
    smtp_timeout_seconds: int = 20

    @property
    def effective_database_url(self) -> str:
        """The database URL, defaulting to an SQLite file in the instance folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.home / 'qbtime.sqlite3').resolve()}"

    def replace(self, **changes: Any) -> Settings:
        """A copy with some values changed (tests use this)."""
        return dataclasses.replace(self, **changes)


def _coerce(name: str, raw: Any, default: Any) -> Any:
    try:
        if isinstance(default, bool):
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in {"1", "true", "yes", "on"}:
                return True
            if text in {"0", "false", "no", "off", ""}:
                return False
            raise ValueError(text)
        if isinstance(default, int):
            return int(raw)
        if isinstance(default, Path):
            return Path(str(raw))
        return str(raw)
    except ValueError as exc:
        raise ConfigurationError(f"setting {name!r} has an invalid value {raw!r}") from exc


def load_settings(
    environ: Mapping[str, str] | None = None, *, overrides: Mapping[str, Any] | None = None
) -> Settings:
    """Build the Settings: defaults, then ``<home>/settings.toml``, then ``QBTIME_*`` variables.

    :param environ: the environment to read (``os.environ`` when None).
    :param overrides: values that win over everything (CLI options).
    :raises ConfigurationError: an unknown key or a value of the wrong type.
    """
    environ = os.environ if environ is None else environ
    defaults = Settings()
    names = {f.name: getattr(defaults, f.name) for f in fields(Settings)}
    values: dict[str, Any] = {}
    home = Path(environ.get(ENV_PREFIX + "HOME", str(defaults.home)))
    if overrides and "home" in overrides:
        home = Path(overrides["home"])
    values["home"] = home
    file = home / "settings.toml"
    if file.is_file():
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigurationError(f"{file}: {exc}") from exc
        for key, raw in data.items():
            if key not in names or key == "home":
                raise ConfigurationError(f"{file}: unknown setting {key!r}")
            values[key] = _coerce(key, raw, names[key])
    for name, default in names.items():
        env_name = ENV_PREFIX + name.upper()
        if name != "home" and env_name in environ:
            values[name] = _coerce(name, environ[env_name], default)
    for key, raw in (overrides or {}).items():
        if key not in names:
            raise ConfigurationError(f"unknown setting {key!r}")
        values[key] = _coerce(key, raw, names[key])
    settings = Settings(**values)
    if settings.max_body_bytes < 1024:
        raise ConfigurationError("max_body_bytes must be at least 1024")
    if settings.trusted_proxies < 0:
        raise ConfigurationError("trusted_proxies must be 0 or more (the number of proxy hops)")
    if settings.large_body_bytes < 64 * 1024:
        raise ConfigurationError("large_body_bytes must be at least 65536")
    if settings.max_large_bodies < 1:
        raise ConfigurationError("max_large_bodies must be at least 1")
    return settings


def new_secret_key() -> str:
    """A random secret key for signing cookies."""
    return secrets.token_urlsafe(32)
