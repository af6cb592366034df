"""The store's transaction helper and its one error seam, shared by the SqlStore mixins."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm import Session

from ..errors import DatabaseUnavailableError, NotFoundError, StoreError
from .engine import READ_ONLY, make_session_factory

V = TypeVar("V")


@contextmanager
def map_store_errors() -> Iterator[None]:
    """Translate SQLAlchemy errors into StoreError (the store's one seam).

    A database that cannot be reached, times out or stays locked (OperationalError, a lost
    connection, a full pool) becomes DatabaseUnavailableError: trying again later may work.
    """
    try:
        yield
    except SQLAlchemyError as exc:
        unreachable = isinstance(exc, OperationalError | PoolTimeoutError) or (
            isinstance(exc, DBAPIError) and exc.connection_invalidated
        )
        kind = DatabaseUnavailableError if unreachable else StoreError
        raise kind(f"database error: {type(exc).__name__}") from exc


class StoreBase:
    """Holds the engine and opens short transactions; each mixin adds one concept's queries."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = make_session_factory(engine)

    @contextmanager
    def _tx(self) -> Iterator[Session]:
        with map_store_errors(), self._sessions.begin() as session:
            yield session

    @contextmanager
    def _read(self) -> Iterator[Session]:
        """A transaction that only reads: on SQLite a deferred ``BEGIN`` (a WAL snapshot) instead
        of ``BEGIN IMMEDIATE``, so lookups done on every SOAP call neither wait for nor block
        the writer (see ``engine.READ_ONLY``)."""
        with map_store_errors(), self._sessions.begin() as session:
            session.connection(execution_options={READ_ONLY: True})
            yield session

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def _update(
        self,
        model: type[Any],
        row_id: int,
        allowed: frozenset[str],
        changes: Mapping[str, Any],
        view: Callable[[Any], V],
    ) -> V:
        """Set some columns of one row and return its view, built inside the transaction.

        :raises ValueError: a column that may not be changed this way.
        :raises NotFoundError: no row has that id.
        """
        unknown = set(changes) - allowed
        if unknown:
            raise ValueError(f"cannot update {model.__tablename__} fields {sorted(unknown)}")
        with self._tx() as s:
            if changes and self.engine.dialect.update_returning:
                # One statement (UPDATE ... RETURNING) instead of a SELECT and an UPDATE: the
                # session and queue updates run several times per SOAP call.
                row = s.scalars(
                    update(model)
                    .where(model.id == row_id)
                    .values(**changes)
                    .returning(model)
                    .execution_options(synchronize_session=False)
                ).first()
            else:  # SQLite before 3.35 has no RETURNING
                row = s.get(model, row_id)
                if row is not None:
                    for key, value in changes.items():
                        setattr(row, key, value)
                    s.flush()
            if row is None:
                raise NotFoundError(f"no {model.__tablename__} with id {row_id}")
            return view(row)
