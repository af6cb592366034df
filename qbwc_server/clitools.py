"""What every ``qbtime`` command module shares: one-line errors, the settings and the store.

Topic modules (``cli_*.py``) import these and define their commands; ``cli.py`` registers them.
Every failure ends in one line on stderr: exit status 1, or 2 for usage errors (click's own and
:class:`BadInputError`). Must not import Flask request globals or spyne.
"""

from __future__ import annotations

import errno
import functools
import os
import re
import socket
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from .errors import ConfigurationError, QbwcServerError, StoreError
from .store._base import map_store_errors

if TYPE_CHECKING:
    from .settings import Settings
    from .store import SqlStore

F = TypeVar("F", bound=Callable[..., Any])

DEBUG_VARIABLE = "QBTIME_DEBUG"
_SQLITE_URL = re.compile(r"sqlite(?:\+\w+)?:///(?P<path>[^?]*)")
_URL_PASSWORD = re.compile(r"(?P<head>://[^:/@]*:)[^@/]*@")


def errors_as_one_line(fn: F) -> F:
    """Turn every failure of a command into click's one-line message and exit status 1.

    The server's own errors carry their sentence; file-system and network errors are named with
    the path or address; an unexpected exception (a bug) still ends in one line, and
    ``QBTIME_DEBUG=1`` shows its traceback.
    """

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            with map_store_errors():
                return fn(*args, **kwargs)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise  # click's own outcomes: it prints them (or nothing) with their exit status
        except StoreError as exc:
            raise click.ClickException(database_sentence(exc)) from exc
        except QbwcServerError as exc:
            raise click.ClickException(str(exc)) from exc
        except OSError as exc:
            raise click.ClickException(os_error_sentence(exc)) from exc
        except Exception as exc:
            if os.environ.get(DEBUG_VARIABLE):
                raise
            raise click.ClickException(
                f"qbtime failed unexpectedly ({type(exc).__name__}: {_first_line(exc)}); this is "
                f"a bug: please report it, with the traceback {DEBUG_VARIABLE}=1 shows"
            ) from exc

    return wrapper  # type: ignore[return-value]


class BadInputError(click.ClickException):
    """Input the command cannot take (a wrong confirmation word): one line, exit status 2."""

    exit_code = 2


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0].strip() if text else type(exc).__name__


def os_error_sentence(exc: OSError) -> str:
    """A file-system error as one sentence naming the path and what to do."""
    where = f" {exc.filename}" if exc.filename else ""
    why = exc.strerror or _first_line(exc)
    return f"cannot use{where}: {why}; check the path and that this user may write there"


def safe_url(url: str) -> str:
    """A database URL with its password replaced by ``***``."""
    return _URL_PASSWORD.sub(r"\g<head>***@", url)


def sqlite_file(url: str) -> Path | None:
    """The file of an SQLite URL, or None (another database, or in memory)."""
    m = _SQLITE_URL.fullmatch(url.split("?", 1)[0])
    if m is None:
        return None
    path = m["path"]
    if not path or path == ":memory:" or path.startswith("file:"):
        return None
    return Path(path)


def database_sentence(exc: StoreError) -> str:
    """What went wrong with the database, in one sentence with its fix."""
    detail = _first_line(exc.__cause__ or exc)
    orig = getattr(exc.__cause__, "orig", None)
    if orig is not None:
        detail = _first_line(orig)
    ctx = click.get_current_context(silent=True)
    settings = ctx.obj.get("settings") if ctx is not None and ctx.obj else None
    url = settings.effective_database_url if settings is not None else ""
    path = sqlite_file(url) if url else None
    if path is not None and ("readonly" in detail or "unable to open" in detail):
        return (
            f"the database file {path} cannot be written ({detail}): make its folder and file "
            "writable for this user, or choose another instance folder with --home or QBTIME_HOME"
        )
    target = f" at {safe_url(url)}" if url else ""
    return (
        f"the database{target} cannot be used ({detail}): check that the server is running and "
        "reachable and that database_url (QBTIME_DATABASE_URL) is right"
    )


def settings_of(ctx: click.Context) -> Settings:
    """The settings ``qbtime`` loaded for this invocation."""
    settings: Settings = ctx.obj["settings"]
    return settings


def require_database(settings: Settings) -> None:
    """Refuse, before anything is created, to open an SQLite database file that does not exist.

    :raises ConfigurationError: the file (or the instance folder holding it) is missing.
    """
    path = sqlite_file(settings.effective_database_url)
    if path is None or path.is_file():
        return
    if path.parent == settings.home.resolve() and not settings.home.is_dir():
        raise ConfigurationError(
            f"there is no instance folder at {settings.home.resolve()}: run `qbtime init` to "
            "create it, or point --home (QBTIME_HOME) at an existing one"
        )
    raise ConfigurationError(f"there is no database at {path}: run `qbtime init` first")


def check_instance_folder(settings: Settings) -> None:
    """Create the SQLite database's folder (the instance folder) if needed and check it is
    writable, for ``qbtime init``; other databases need nothing here.

    :raises ConfigurationError: it cannot be created or written.
    """
    path = sqlite_file(settings.effective_database_url)
    if path is None:
        return
    folder = path.parent.resolve()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise ConfigurationError(
            f"cannot write to the instance folder {folder} ({exc.strerror or exc}): make it "
            "writable for this user, or choose another with --home or QBTIME_HOME"
        ) from exc


def driver_missing(exc: ImportError) -> ConfigurationError:
    """The sentence for a database URL whose driver is not installed."""
    return ConfigurationError(
        f"the database URL needs a driver that is not installed ({exc.name}): "
        "pip install 'qbtime-sync[postgres]' for PostgreSQL"
    )


def store_of(ctx: click.Context) -> SqlStore:
    """The store, opened on first use and closed when the command ends.

    :raises ConfigurationError: the database does not exist yet (nothing is created then) or
        its schema is not current: both say to run ``qbtime init``.
    """
    if "store" not in ctx.obj:
        from .app import open_store

        settings = settings_of(ctx)
        require_database(settings)
        try:
            with map_store_errors():
                ctx.obj["store"] = open_store(settings)
        except ImportError as exc:
            raise driver_missing(exc) from exc
        ctx.call_on_close(ctx.obj["store"].dispose)
    store: SqlStore = ctx.obj["store"]
    return store


def write_output(path: Path, text: str) -> None:
    """Write a command's output file, or say in one line why it cannot be written.

    :raises click.ClickException: the folder is missing or not writable, or the path is a folder.
    """
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(
            f"cannot write {path} ({exc.strerror or exc}): choose a writable file with -o"
        ) from exc


def check_listen_address(host: str, port: int) -> None:
    """Fail early, in one sentence, when ``serve`` could not listen on ``host:port``.

    Binds and closes a socket the way waitress will (SO_REUSEADDR on POSIX), so a port in use or
    a host name that does not resolve to this machine is reported before anything starts.

    :raises click.ClickException: the host is unknown or not local, or the port is taken.
    """
    try:
        infos = socket.getaddrinfo(
            host, port, socket.AF_UNSPEC, socket.SOCK_STREAM, 0, socket.AI_PASSIVE
        )
    except (socket.gaierror, UnicodeError) as exc:
        raise click.ClickException(
            f"cannot listen on host {host!r}: it is not an address or a known host name "
            "(use 127.0.0.1 for this machine only, or 0.0.0.0 for every interface)"
        ) from exc
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        if os.name == "posix":
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise click.ClickException(
                    f"port {port} on {host} is already in use (another qbtime serve?): stop that "
                    "program or choose another port with --port"
                ) from exc
            raise click.ClickException(
                f"cannot listen on {host}:{port} ({exc.strerror or exc}): use an address of this "
                "machine (127.0.0.1 or 0.0.0.0) and a port above 1023 unless running as root"
            ) from exc
