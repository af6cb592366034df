"""The one lxml seam of qbxml: safe, streaming parsing of qbXML documents.

No other module in this package imports lxml. Every lxml error leaves this module as a
:class:`QbxmlSyntaxError` (with a line number) through :func:`_translate_errors`.

Safety: entity resolution and network access are off, DTDs are never loaded, and any DOCTYPE is
rejected, first by a scan of the prolog before lxml sees a byte and again through the parser's
``docinfo`` when the root starts, so billion-laughs and XXE documents fail fast without expanding
anything. Input is capped at ``max_bytes`` (default 256 MiB), counted as the parser reads.
``huge_tree`` stays off: libxml2 then caps a single text node at 10 MB and nesting at 256 levels,
limits no qbXML response comes near; a 100 MB response streams fine without it because the
limits are per node, not per document.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Iterator
from typing import IO, Final, Protocol

from lxml import etree  # type: ignore[import-untyped]

from .errors import QbxmlSyntaxError

__all__ = [
    "DEFAULT_MAX_BYTES",
    "END",
    "PI",
    "START",
    "Source",
    "XmlElement",
    "iter_events",
]

DEFAULT_MAX_BYTES: Final = 256 * 1024 * 1024
START: Final = 0
END: Final = 1
PI: Final = 2
_PROLOG_CHUNK = 64 * 1024
_ENCODING_DECL = re.compile(r"""^(\s*<\?xml\b[^>]*?)\s+encoding\s*=\s*["'][^"']*["']""")

Source = bytes | str | IO[bytes]


class XmlElement(Protocol):
    """The read-only view of a parsed element that the parsers use (an lxml element)."""

    @property
    def tag(self) -> str: ...

    @property
    def text(self) -> str | None: ...

    @property
    def sourceline(self) -> int | None: ...

    def get(self, key: str) -> str | None: ...

    def keys(self) -> list[str]: ...

    def __iter__(self) -> Iterator[XmlElement]: ...

    def __len__(self) -> int: ...


@contextlib.contextmanager
def _translate_errors() -> Iterator[None]:
    """Turn lxml and decoding errors into :class:`QbxmlSyntaxError`, keeping the line."""
    try:
        yield
    except etree.Error as exc:
        line = getattr(exc, "lineno", None)
        msg = str(getattr(exc, "msg", "") or exc).split("\n")[0][:200]
        raise QbxmlSyntaxError(f"not well-formed XML: {msg}", line=line) from exc
    except UnicodeError as exc:
        raise QbxmlSyntaxError("undecodable XML text") from exc


class _LimitedReader:
    """A file-like wrapper that replays a peeked prefix and enforces the byte limit."""

    def __init__(self, prefix: bytes, rest: IO[bytes], limit: int) -> None:
        self._prefix = prefix
        self._offset = 0
        self._rest = rest
        self._limit = limit
        self._count = 0

    def read(self, size: int = -1) -> bytes:
        if self._offset < len(self._prefix):
            end = len(self._prefix) if size < 0 else self._offset + size
            chunk = self._prefix[self._offset : end]
            self._offset += len(chunk)
        else:
            chunk = self._rest.read(size)
        self._count += len(chunk)
        if self._count > self._limit:
            raise QbxmlSyntaxError(f"document larger than the {self._limit}-byte limit")
        return chunk


def _check_prolog(head: bytes) -> None:
    """Reject a DOCTYPE (or any ``<!`` declaration) before the root element."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", errors="ignore")
    else:
        text = head.removeprefix(b"\xef\xbb\xbf").decode("latin-1")
    pos, end = 0, len(text)
    while pos < end:
        while pos < end and text[pos] in " \t\r\n\ufeff":
            pos += 1
        if text.startswith("<?", pos):
            close = text.find("?>", pos)
        elif text.startswith("<!--", pos):
            close = text.find("-->", pos)
        elif text.startswith("<!", pos):
            raise QbxmlSyntaxError("DOCTYPE and entity declarations are not allowed", line=1)
        else:
            return
        if close < 0:
            return  # prolog longer than the peeked chunk: the docinfo check still applies
        pos = close + 2


def _open(source: Source, limit: int) -> _LimitedReader:
    if isinstance(source, str):
        source = _ENCODING_DECL.sub(r"\1", source, count=1).encode("utf-8")
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        if len(data) > limit:
            raise QbxmlSyntaxError(f"document larger than the {limit}-byte limit")
        _check_prolog(data[:_PROLOG_CHUNK])
        return _LimitedReader(b"", io.BytesIO(data), limit)  # BytesIO shares, never copies
    if not hasattr(source, "read"):
        raise TypeError("source must be bytes, str or a binary file object")
    head = source.read(_PROLOG_CHUNK)
    if not isinstance(head, bytes):
        raise TypeError("file sources must be opened in binary mode")
    _check_prolog(head)
    return _LimitedReader(head, source, limit)


def _drop_pi(node: XmlElement) -> None:
    """Remove a processing instruction inside the document, keeping its tail text."""
    parent = node.getparent()  # type: ignore[attr-defined]
    if parent is None:
        return
    tail = node.tail  # type: ignore[attr-defined]
    if tail:
        prev = node.getprevious()  # type: ignore[attr-defined]
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(node)


def iter_events(
    source: Source, *, element_depth: int, max_bytes: int | None = None
) -> Iterator[tuple[int, int, XmlElement]]:
    """Stream ``(kind, depth, element)`` events; the root has depth 0.

    ``START`` comes for elements shallower than ``element_depth`` (attributes only), ``END``
    for elements at ``element_depth`` or shallower; at ``element_depth`` the element is complete.
    After the consumer resumes, an ended element is cleared and detached, so memory stays flat.
    ``PI`` events come for processing instructions before the root (depth -1; the element has
    ``target`` and ``text``).
    """
    limit = DEFAULT_MAX_BYTES if max_bytes is None else max_bytes
    stream = _open(source, limit)
    depth = -1
    with _translate_errors():
        context = etree.iterparse(
            stream,
            events=("start", "end", "pi"),
            remove_comments=True,
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=False,
        )
        for event, elem in context:
            if event == "start":
                depth += 1
                if depth == 0 and elem.getroottree().docinfo.doctype:
                    raise QbxmlSyntaxError("DOCTYPE is not allowed", line=elem.sourceline)
                if depth < element_depth:
                    yield START, depth, elem
            elif event == "end":
                if depth <= element_depth:
                    yield END, depth, elem
                    parent = elem.getparent()
                    if parent is not None:
                        elem.clear()
                        parent.remove(elem)
                depth -= 1
            elif depth < 0:
                yield PI, -1, elem
            else:
                _drop_pi(elem)
