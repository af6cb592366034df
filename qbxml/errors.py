"""Exceptions raised by the qbxml package; imports nothing but the standard library.

::

    QbxmlError(Exception)
      ├─ QbxmlSyntaxError       not well-formed, DTD or entity present, too large   (.line)
      ├─ QbxmlStructureError    missing/unexpected element or request            (.path)
      └─ QbxmlValueError(QbxmlError, ValueError)
           │                    bad date/duration/amount/bool/GUID text          (.path, .value)
           └─ QbxmlVersionError  element newer than the message set's version     (.required)

Messages name element paths and versions, never raw qbXML or personal data; the offending text
is kept on ``.value`` for callers that choose to log it.
"""

from __future__ import annotations

__all__ = [
    "QbxmlError",
    "QbxmlStructureError",
    "QbxmlSyntaxError",
    "QbxmlValueError",
    "QbxmlVersionError",
]


class QbxmlError(Exception):
    """Base class of every error the qbxml package raises for bad input."""


class QbxmlSyntaxError(QbxmlError):
    """The document is not acceptable XML (malformed, has a DTD, or is too large)."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        self.line = line
        where = f" (line {line})" if line is not None else ""
        super().__init__(f"{message}{where}")


class QbxmlStructureError(QbxmlError):
    """An element is missing, unexpected, out of order, or of an unknown kind."""

    def __init__(self, message: str, *, path: str) -> None:
        self.path = path
        super().__init__(f"{path}: {message}")


class QbxmlValueError(QbxmlError, ValueError):
    """The text of an element or attribute is not a valid value of its qbXML type."""

    def __init__(self, message: str, *, path: str = "", value: str | None = None) -> None:
        self.path = path
        self.value = value
        super().__init__(f"{path}: {message}" if path else message)


class QbxmlVersionError(QbxmlValueError):
    """A request or element needs a newer qbXML version than the message set declares."""

    def __init__(self, *, path: str, version: str, required: str) -> None:
        self.required = required
        super().__init__(
            f"needs qbXML {required} or later, the message set is {version}",
            path=path,
            value=version,
        )
