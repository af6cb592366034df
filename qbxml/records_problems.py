"""What the lenient response parser reports instead of failing a whole answer on one record.

``iter_msgs_rs(..., lenient=True)`` yields :class:`UnreadableRet` for a Ret element that cannot
be turned into a record at all, and :class:`RetNotice` after a record whose unreadable values were
kept as text (enumerations) or dropped (other types). Pure standard library.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["RetNotice", "RetProblem", "UnreadableRet", "ValueNote"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ValueNote:
    """One value of a record that did not fit its qbXML type.

    :param kept: the value was kept as text (an enumeration value this parser does not know);
        otherwise the field was left empty.
    """

    path: str
    value: str | None
    message: str
    kept: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class RetNotice:
    """The record before this notice was read, but some of its values were not as the schema says."""

    ret: str
    list_id: str | None
    notes: tuple[ValueNote, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class UnreadableRet:
    """A Ret element that could not be read; its ListID (or TxnID) and TimeModified text when
    they were readable, so the caller can name the record and ask for it again."""

    ret: str
    list_id: str | None
    time_modified: str | None
    message: str


RetProblem = UnreadableRet | RetNotice
