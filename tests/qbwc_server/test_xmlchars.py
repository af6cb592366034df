"""Characters XML 1.0 forbids are removed from SOAP bodies, raw or as references, in any chunking."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from qbwc_server.xmlchars import FORBIDDEN_BYTES, ForbiddenCharFilter, strip_forbidden


def test_point3_raw_and_referenced_forbidden_characters_are_removed() -> None:
    """Raw C0 controls and their decimal or hex references go; tab, LF, CR and text stay."""
    body = b"<a>x\x0cy&#12;z&#x0B;&#x1f;&#0009;\t\n\r&#10;&#x41;&amp;\x00</a>"
    cleaned = strip_forbidden(body)
    assert cleaned == b"<a>xyz&#0009;\t\n\r&#10;&#x41;&amp;</a>"
    assert etree.fromstring(cleaned).text == "xyz\t\t\n\n\nA&"


_pieces = st.lists(
    st.sampled_from(
        [b"&#12;", b"&#x0c;", b"&#x000C;", b"&#65;", b"&amp;", b"&", b";", b"#", b"x", b"\x0c"]
        + [bytes([b]) for b in b"abc<>\t"]
    ),
    max_size=60,
)


@given(_pieces, st.lists(st.integers(min_value=1, max_value=7), min_size=1, max_size=20))
def test_point3_streamed_cleaning_equals_whole_cleaning(pieces, cuts) -> None:
    """Feeding the body in chunks of any size gives what cleaning it whole gives."""
    data = b"".join(pieces)
    out, pos, i = [], 0, 0
    chars = ForbiddenCharFilter()
    while pos < len(data):
        size = cuts[i % len(cuts)]
        out.append(chars.feed(data[pos : pos + size]))
        pos, i = pos + size, i + 1
    out.append(chars.close())
    assert b"".join(out) == strip_forbidden(data)
    assert not set(b"".join(out)) & set(FORBIDDEN_BYTES)
