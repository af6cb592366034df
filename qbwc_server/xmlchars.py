"""Characters XML 1.0 forbids, removed from a UTF-8 SOAP body before it is parsed.

QuickBooks data holds control characters (a form feed pasted into a name, a vertical tab from an
import) that XML 1.0 does not allow, raw or as character references (section 2.2, production
Char). The Web Connector forwards them inside receiveResponseXML's answer, and one such character
would make the whole envelope unreadable. Removing them keeps the answer (the importer removes the
same characters from the qbXML it holds). Pure: no I/O.
"""

from __future__ import annotations

import re

# C0 controls other than tab, line feed and carriage return.
FORBIDDEN_BYTES = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
_FORBIDDEN_REF = re.compile(
    rb"&#(?:x0*(?:[0-8bBcCeEfF]|1[0-9a-fA-F])|0*(?:[0-8]|1[1-2]|1[4-9]|2[0-9]|3[01]));"
)
# The longest forbidden reference, "&#x0000001f;" and longer zero paddings aside, is short: a
# chunk's tail after its last "&" is kept for the next chunk when it could start one.
_CARRY = 16
UTF8_NAMES = frozenset({"utf-8", "utf_8", "ascii", "us-ascii"})


def strip_forbidden(data: bytes) -> bytes:
    """``data`` (UTF-8) without raw or referenced characters that XML 1.0 forbids."""
    if _FORBIDDEN_REF.search(data) is not None:
        data = _FORBIDDEN_REF.sub(b"", data)
    return data.translate(None, FORBIDDEN_BYTES)


class ForbiddenCharFilter:
    """Streams :func:`strip_forbidden` over chunks; a reference split between chunks is kept
    whole by carrying a short tail."""

    def __init__(self) -> None:
        self._tail = b""

    def feed(self, chunk: bytes) -> bytes:
        """The cleaned text of everything fed so far that is safe to pass on."""
        data = self._tail + chunk
        amp = data.rfind(b"&", max(0, len(data) - _CARRY))
        if amp >= 0 and b";" not in data[amp:]:
            data, self._tail = data[:amp], data[amp:]
        else:
            self._tail = b""
        return strip_forbidden(data)

    def close(self) -> bytes:
        """Whatever was carried at the end."""
        data, self._tail = self._tail, b""
        return strip_forbidden(data)
