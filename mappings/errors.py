"""Exceptions raised by the mappings package; imports nothing but the standard library.

::

    MappingError(Exception)                 a record cannot become a store row       (message)
      ├─ UnknownReferenceError(MappingError, LookupError)
      │                                     a reference to a list object the store lacks
      │                                                                       (.kind, .list_id)
      └─ OptionsError(MappingError, ValueError)
                                            an unknown import option or a bad value   (.option)

Messages name list kinds, ListIDs and option names, never names, emails or other personal data.
"""

from __future__ import annotations

__all__ = ["MappingError", "OptionsError", "UnknownReferenceError"]


class MappingError(Exception):
    """Base class of every error the mappings package raises for bad input."""


class UnknownReferenceError(MappingError, LookupError):
    """A row refers to a list object (by ListID) that the store does not know."""

    def __init__(self, *, kind: str, list_id: str) -> None:
        self.kind = kind
        self.list_id = list_id
        super().__init__(f"unknown {kind} reference: ListID {list_id}")


class OptionsError(MappingError, ValueError):
    """An import option is unknown, has a bad value, or may no longer change."""

    def __init__(self, message: str, *, option: str) -> None:
        self.option = option
        super().__init__(f"{option}: {message}")
