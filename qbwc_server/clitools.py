"""What every ``qbtime`` command module shares: one-line errors, the settings and the store.

Topic modules (``cli_*.py``) import these and define their commands; ``cli.py`` registers them.
Must not import Flask request globals or spyne.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from .errors import QbwcServerError

if TYPE_CHECKING:
    from .settings import Settings
    from .store import SqlStore

F = TypeVar("F", bound=Callable[..., Any])


def errors_as_one_line(fn: F) -> F:
    """Turn the server's own errors into click's one-line message and exit status 1."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except QbwcServerError as exc:
            raise click.ClickException(str(exc)) from exc

    return wrapper  # type: ignore[return-value]


class BadInputError(click.ClickException):
    """Input the command cannot take (a wrong confirmation word): one line, exit status 2."""

    exit_code = 2


def settings_of(ctx: click.Context) -> Settings:
    """The settings ``qbtime`` loaded for this invocation."""
    settings: Settings = ctx.obj["settings"]
    return settings


def store_of(ctx: click.Context) -> SqlStore:
    """The store, opened on first use and closed when the command ends."""
    if "store" not in ctx.obj:
        from .app import open_store

        ctx.obj["store"] = open_store(settings_of(ctx))
        ctx.call_on_close(ctx.obj["store"].dispose)
    store: SqlStore = ctx.obj["store"]
    return store
