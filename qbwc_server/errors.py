"""The server's exception tree. Protocol outcomes are data; these are for bad input and bugs.

::

    QbwcServerError
      ├─ AuthenticationFailed                      -> authenticate answers "nvu"
      ├─ UnknownTicketError(..., LookupError)      -> negative progress + getLastError text
      ├─ ConfigurationError(..., ValueError)       bad setting, URL or option given by an admin
      ├─ NotFoundError(..., LookupError)           no such company (CLI, API)
      ├─ InvalidInputError(..., ValueError)        bad time entry / mapping input (.fields)
      ├─ LockedError                               an exported entry refuses edits (unlock)
      └─ StoreError                                raised only by store/, wraps SQLAlchemyError
           └─ DatabaseUnavailableError             the database cannot be reached (or is locked)
"""

from __future__ import annotations


class QbwcServerError(Exception):
    """Base class of every error raised by ``qbwc_server``."""


class AuthenticationFailed(QbwcServerError):
    """Wrong password, unknown user or too many failed attempts."""


class UnknownTicketError(QbwcServerError, LookupError):
    """A QBWC call named a ticket that is unknown or expired."""


class ConfigurationError(QbwcServerError, ValueError):
    """A setting, URL or option an admin gave cannot be used; the message says why."""


class NotFoundError(QbwcServerError, LookupError):
    """The named object (company, session) does not exist."""


class StoreError(QbwcServerError):
    """The database failed; raised only by ``qbwc_server.store``."""


class DatabaseUnavailableError(StoreError):
    """The database could not be reached, timed out or stayed locked; trying later may work."""


class InvalidInputError(QbwcServerError, ValueError):
    """Input that cannot be stored; ``fields`` maps each bad field to why (API answers 422)."""

    def __init__(self, fields: dict[str, str]) -> None:
        self.fields = dict(fields)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.fields.items()))


class LockedError(QbwcServerError):
    """A time entry is exported (locked): unlock it before changing it (API answers 409)."""
