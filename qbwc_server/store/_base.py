"""The store's transaction helper and its one error seam, shared by the SqlStore mixins."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ..errors import StoreError
from .engine import make_session_factory


@contextmanager
def map_store_errors() -> Iterator[None]:
    """Translate SQLAlchemy errors into StoreError (the store's one seam)."""
    try:
        yield
    except SQLAlchemyError as exc:
        raise StoreError(f"database error: {type(exc).__name__}") from exc


class StoreBase:
    """Holds the engine and opens short transactions; each mixin adds one concept's queries."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = make_session_factory(engine)

    @contextmanager
    def _tx(self) -> Iterator[Session]:
        with map_store_errors(), self._sessions.begin() as session:
            yield session

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
