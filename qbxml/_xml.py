"""The one lxml seam of qbxml: safe, streaming parsing of qbXML documents.

Two readers: :func:`iter_events` (every element down to a depth, for requests) and
:func:`iter_messages` (responses: lxml filters the events down to the root, the message
container and the known record elements, so Python sees two events per record, not two per
value). No other module in this package imports lxml. Every lxml error leaves this module as a
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
from typing import IO, Any, Final, Protocol

from lxml import etree  # type: ignore[import-untyped]

from .errors import QbxmlSyntaxError

__all__ = [
    "DEFAULT_MAX_BYTES",
    "END",
    "PI",
    "MSGS",
    "MSG_END",
    "MSG_START",
    "RECORD",
    "ROOT",
    "START",
    "Source",
    "XmlElement",
    "iter_events",
    "iter_messages",
]

DEFAULT_MAX_BYTES: Final = 256 * 1024 * 1024
START: Final = 0
END: Final = 1
PI: Final = 2
ROOT: Final = 10
MSGS: Final = 11
MSG_START: Final = 12
RECORD: Final = 13
MSG_END: Final = 14
_PROLOG_CHUNK = 64 * 1024
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
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


def _check_prolog(head: bytes) -> str | None:
    """Reject a DOCTYPE (or any ``<!`` declaration) before the root element.

    :returns: the root element's name as far as the head shows it, else None.
    """
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
            name = _NAME.match(text, pos + 1) if text.startswith("<", pos) else None
            return name[0] if name else None
        if close < 0:
            return None  # prolog longer than the peeked chunk: the docinfo check still applies
        pos = close + 2
    return None


def _open(source: Source, limit: int) -> tuple[_LimitedReader, str | None]:
    """A limited reader over ``source`` and the root element's name if the head shows it."""
    if isinstance(source, str):
        source = _ENCODING_DECL.sub(r"\1", source, count=1).encode("utf-8")
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        if len(data) > limit:
            raise QbxmlSyntaxError(f"document larger than the {limit}-byte limit")
        name = _check_prolog(data[:_PROLOG_CHUNK])
        return _LimitedReader(b"", io.BytesIO(data), limit), name  # BytesIO shares, never copies
    if not hasattr(source, "read"):
        raise TypeError("source must be bytes, str or a binary file object")
    head = source.read(_PROLOG_CHUNK)
    if not isinstance(head, bytes):
        raise TypeError("file sources must be opened in binary mode")
    return _LimitedReader(head, source, limit), _check_prolog(head)


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
    stream, _ = _open(source, limit)
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


def _check_doctype(elem: Any) -> None:
    if elem.getroottree().docinfo.doctype:
        raise QbxmlSyntaxError("DOCTYPE is not allowed", line=elem.sourceline)


def _detach(elem: Any) -> None:
    """Free a finished element: clear it and remove it (and what precedes it) from its parent."""
    elem.clear()
    parent = elem.getparent()
    if parent is not None:
        while parent[0] is not elem:
            del parent[0]
        del parent[0]


def _start_tag_cut(exc: Exception, elem: Any) -> bool:
    """Whether ``exc`` is libxml2's "Couldn't find end of Start Tag" for ``elem``: the answer
    ends inside that start tag. libxml2 has put the element in the tree (with the attributes
    read so far), but an event-by-event reader never saw it start."""
    code = getattr(exc, "code", None)
    return code == etree.ErrorTypes.ERR_GT_REQUIRED and len(elem) == 0 and not elem.text


def iter_messages(
    source: Source,
    *,
    root: str,
    container: str,
    records: frozenset[str],
    whole: frozenset[str] = frozenset(),
    max_bytes: int | None = None,
) -> Iterator[tuple[int, XmlElement]]:
    """Stream the messages of a response document as ``(kind, element)`` events.

    The document is ``root`` > ``container`` (depth 1, any number) > messages (depth 2, any
    tag) > records (depth 3). Events, in document order:

    - ``ROOT`` once, with the root element, at its start (when the first 64 KiB do not show
      the root's name and it is not ``root``: at the first event);
    - ``MSGS`` at the start of each ``container`` element directly under the root;
    - ``MSG_START`` for each message (its attributes are complete), before its records;
    - ``RECORD`` for each complete depth-3 element whose tag is in ``records`` (not inside a
      message whose tag is in ``whole``);
    - ``MSG_END`` for each complete message: the children that were not reported as records
      are still there (all of them for a ``whole`` message).

    Only the tags above reach Python: lxml builds each record, the consumer converts it, and
    it is then cleared and removed with everything before it, so memory stays flat. Unknown
    depth-3 elements are removed with the next record; a message of unknown elements only is
    kept until it ends.
    """
    limit = DEFAULT_MAX_BYTES if max_bytes is None else max_bytes
    stream, first = _open(source, limit)
    tags = {root, container, *records}
    if first is not None:
        tags.add(first)  # so a wrong root is reported at its start, before later errors
    # lxml elements (untyped): the root, the open container under it, the last MSG_START
    top: Any = None
    msgs: Any = None
    current: Any = None
    keep_whole = False  # whether ``current`` is reported whole, without RECORD events

    def finish_until(stop: Any) -> Iterator[tuple[int, XmlElement]]:
        """Report and free every message of ``msgs`` before ``stop`` (all with None)."""
        nonlocal current
        assert msgs is not None
        while len(msgs) and msgs[0] is not stop:
            msg = msgs[0]
            if msg is not current:
                yield MSG_START, msg
            yield MSG_END, msg
            current = None
            msg.clear()
            del msgs[0]

    with _translate_errors():
        context = etree.iterparse(
            stream,
            events=("start", "end"),
            tag=tuple(tags),
            remove_comments=True,
            remove_pis=True,
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=False,
        )
        events = iter(context)
        while True:
            try:
                event, elem = next(events)
            except StopIteration:
                break
            except etree.Error as exc:
                # Report what the event-by-event reader had reported before the error: the
                # messages that started (a truncated answer fails on its status first).
                if msgs is not None:
                    started = list(msgs)
                    if started and _start_tag_cut(exc, started[-1]):
                        del started[-1]  # its start tag never ended: it never started
                    for msg in started:
                        if msg is not current:
                            yield MSG_START, msg
                        if msg is not started[-1]:
                            yield MSG_END, msg
                raise
            if top is None:
                top = elem.getroottree().getroot()
                _check_doctype(top)
                yield ROOT, top
            if event == "start":
                if elem.tag == container and elem.getparent() is top:
                    msgs, current = elem, None
                    yield MSGS, elem
                continue
            parent = elem.getparent()
            if elem is msgs:
                yield from finish_until(None)
                msgs = None
                _detach(elem)
            elif parent is current and current is not None:  # the common case: one more record
                if keep_whole:
                    continue
                yield RECORD, elem
                elem.clear()
                while parent[0] is not elem:
                    del parent[0]
                del parent[0]
            elif parent is not None and msgs is not None and parent.getparent() is msgs:
                if msgs[0] is not parent:
                    yield from finish_until(parent)
                current, keep_whole = parent, parent.tag in whole
                yield MSG_START, parent
                if not keep_whole:
                    yield RECORD, elem
                    _detach(elem)
        if top is None:
            top = context.root
            _check_doctype(top)
            yield ROOT, top
