"""A tiny pure-Python element tree and serializer used to write qbXML (no lxml).

Builders and renderers assemble :class:`Node` trees in schema order; :func:`serialize` writes
them, checking that every text is legal XML 1.0 and, for requests sent to QuickBooks, that it
fits ISO-8859-1 (QuickBooks rejects other characters with a parse error, QBWC-NOTES A.3.1).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .errors import QbxmlValueError

__all__ = ["Node", "node", "serialize"]

_ILLEGAL_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_NOT_LATIN1 = re.compile("[^\x00-\xff]")
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTR_ESCAPES = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "\r": "&#13;",
        "\n": "&#10;",
        "\t": "&#9;",
    }
)


@dataclass(slots=True)
class Node:
    """One element: tag, attributes in insertion order, then either text or children."""

    tag: str
    text: str | None = None
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node] = field(default_factory=list)

    def add(self, child: Node | None) -> None:
        """Append ``child`` unless it is None (optional elements)."""
        if child is not None:
            self.children.append(child)

    def extend(self, children: Iterable[Node | None]) -> None:
        """Append every child that is not None."""
        for child in children:
            self.add(child)


def node(tag: str, text: str | None = None, /, *children: Node | None, **attrs: str) -> Node:
    """Build a :class:`Node`; None children are skipped."""
    result = Node(tag, text, dict(attrs))
    result.extend(children)
    return result


def _check(text: str, path: str, latin1: bool) -> None:
    if _ILLEGAL_XML.search(text) is not None:
        raise QbxmlValueError("character not allowed in XML 1.0", path=path, value=text)
    if latin1 and _NOT_LATIN1.search(text) is not None:
        raise QbxmlValueError(
            "QuickBooks accepts only ISO-8859-1 characters in requests", path=path, value=text
        )


def _write(item: Node, out: list[str], indent: str, path: str, latin1: bool) -> None:
    here = f"{path}/{item.tag}" if path else item.tag
    out.append(f"{indent}<{item.tag}")
    for name, value in item.attrs.items():
        _check(value, f"{here}/@{name}", latin1)
        out.append(f' {name}="{value.translate(_ATTR_ESCAPES)}"')
    if item.children:
        out.append(">\n")
        for child in item.children:
            _write(child, out, indent + "  ", here, latin1)
        out.append(f"{indent}</{item.tag}>\n")
    elif item.text is not None:
        _check(item.text, here, latin1)
        out.append(f">{item.text.translate(_TEXT_ESCAPES)}</{item.tag}>\n")
    else:
        out.append("/>\n")


def serialize(root: Node, *, declaration: str, pis: Sequence[str] = (), latin1: bool) -> str:
    """Write ``root`` as a document after the XML declaration and processing instructions."""
    out = [declaration, "\n"]
    for pi in pis:
        out.append(f"{pi}\n")
    _write(root, out, "", "", latin1)
    return "".join(out)
