"""Parser safety: DTDs, entities, XXE, size limits and non-XML all fail fast as QbxmlSyntaxError."""

from __future__ import annotations

import io

import pytest

import qbxml as q

OK = b'<?xml version="1.0" ?><QBXML><QBXMLMsgsRs><HostQueryRs statusCode="0" statusSeverity="Info"/></QBXMLMsgsRs></QBXML>'
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<QBXML><QBXMLMsgsRs><HostQueryRs statusCode="0" statusSeverity="Info" statusMessage="&lol9;"/></QBXMLMsgsRs></QBXML>"""
XXE = b"""<?xml version="1.0"?><!DOCTYPE QBXML [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<QBXML><QBXMLMsgsRs><HostQueryRs statusCode="0" statusSeverity="Info" statusMessage="&xxe;"/></QBXMLMsgsRs></QBXML>"""
EXTERNAL_DTD = (
    b'<?xml version="1.0"?><!DOCTYPE QBXML SYSTEM "http://example.invalid/qbxml.dtd"><QBXML/>'
)
LONG_PROLOG = b"<!--" + b"x" * 70000 + b"-->" + BILLION_LAUGHS.split(b"?>", 1)[1]

CASES = {
    "billion-laughs": BILLION_LAUGHS,
    "xxe-file": XXE,
    "external-dtd": EXTERNAL_DTD,
    "doctype-after-long-comment": LONG_PROLOG,
    "undeclared-entity": OK.replace(b'statusSeverity="Info"', b'statusSeverity="&foo;"'),
    "not-xml": b"HTTP/1.1 500 Internal Server Error",
    "empty": b"",
    "truncated": OK[:-10],
    "utf16-doctype": '<?xml version="1.0" encoding="utf-16"?><!DOCTYPE QBXML [<!ENTITY a "b">]><QBXML/>'.encode(
        "utf-16"
    ),
}


@pytest.mark.parametrize("kind", ["bytes", "file"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_or_broken_input_raises_syntax_error_fast(name, kind):
    """Every hostile or broken document raises QbxmlSyntaxError (a hang is caught by
    the test timeout; speed lives in bench/)."""
    data = CASES[name]
    source = data if kind == "bytes" else io.BytesIO(data)
    with pytest.raises(q.QbxmlSyntaxError) as info:
        q.parse_msgs_rs(source)
    assert info.value.__cause__ is None or not isinstance(info.value.__cause__, q.QbxmlError)


def test_request_parser_rejects_dtds_too():
    """parse_msgs_rq applies the same safety rules."""
    with pytest.raises(q.QbxmlSyntaxError):
        q.parse_msgs_rq(XXE.replace(b"QBXMLMsgsRs", b"QBXMLMsgsRq"))


def test_syntax_errors_carry_the_line_number():
    """A malformed document reports the line of the problem."""
    doc = b'<?xml version="1.0" ?>\n<QBXML>\n<QBXMLMsgsRs>\n<HostQueryRs statusCode="0" statusSeverity="Info">\n</QBXML>'
    with pytest.raises(q.QbxmlSyntaxError) as info:
        q.parse_msgs_rs(doc)
    assert info.value.line == 5


@pytest.mark.parametrize("kind", ["bytes", "str", "file"])
def test_size_limit_is_enforced(kind):
    """Input larger than max_bytes raises QbxmlSyntaxError; at the limit it parses."""
    source = {"bytes": OK, "str": OK.decode(), "file": io.BytesIO(OK)}[kind]
    with pytest.raises(q.QbxmlSyntaxError, match="limit"):
        q.parse_msgs_rs(source, max_bytes=50)
    again = {"bytes": OK, "str": OK.decode(), "file": io.BytesIO(OK)}[kind]
    assert len(q.parse_msgs_rs(again, max_bytes=len(OK))) == 1


def test_declared_encoding_is_honoured_for_bytes_and_ignored_for_str():
    """Latin-1 bytes decode by their declaration; a str with a stale declaration still parses."""
    doc = '<?xml version="1.0" encoding="ISO-8859-1"?><QBXML><QBXMLMsgsRs><HostQueryRs statusCode="0" statusSeverity="Info" statusMessage="Café"/></QBXMLMsgsRs></QBXML>'
    assert q.parse_msgs_rs(doc.encode("latin-1"))[0].status.message == "Café"
    assert q.parse_msgs_rs(doc)[0].status.message == "Café"


def test_text_sources_must_be_binary_files():
    """A text-mode file is a programming error (TypeError), not a parse error."""
    with pytest.raises(TypeError):
        q.parse_msgs_rs(io.StringIO(OK.decode()))  # type: ignore[arg-type]
