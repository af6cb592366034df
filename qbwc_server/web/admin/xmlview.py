"""qbXML for people: indented, escaped and highlighted as HTML spans, without parsing it (a log
may hold any text: nothing here resolves entities or trusts the markup)."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

SHOWN_CHARS = 200_000
_TOKEN = re.compile(r"<[^<>]*>|[^<]+|<")
_ATTR = re.compile(r'(\s+[\w:.-]+)(=)("[^"]*"|\'[^\']*\')')


def _tag(token: str) -> Markup:
    name_end = re.match(r"</?[?!]?[\w:.-]*", token)
    head = token[: name_end.end()] if name_end else token
    rest = token[len(head) :]
    parts = [Markup('<span class="tag">{}</span>').format(head)]
    pos = 0
    for m in _ATTR.finditer(rest):
        parts.append(escape(rest[pos : m.start()]))
        parts.append(
            Markup('{}{}<span class="attr">{}</span>').format(m.group(1), m.group(2), m.group(3))
        )
        pos = m.end()
    tail = rest[pos:]
    parts.append(Markup('<span class="tag">{}</span>').format(tail) if tail else Markup(""))
    return Markup("").join(parts)


def pretty_xml(text: str, *, limit: int = SHOWN_CHARS) -> tuple[Markup, bool]:
    """The text indented one level per element, as highlighted HTML.

    :returns: the HTML and whether the text was cut at ``limit`` characters.
    """
    cut = len(text) > limit
    text = text[:limit]
    lines: list[Markup] = []
    depth = 0
    pending_text: str | None = None
    for token in _TOKEN.findall(text):
        if token.startswith("<") and len(token) > 1 and token.endswith(">"):
            closing = token.startswith("</")
            selfish = token.endswith("/>") or token.startswith(("<?", "<!"))
            if closing:
                depth = max(0, depth - 1)
                if pending_text is not None and lines:
                    # <Name>text</Name> stays on one line
                    lines[-1] = (
                        lines[-1]
                        + Markup('<span class="text">{}</span>').format(pending_text)
                        + _tag(token)
                    )
                    pending_text = None
                    continue
            pending_text = None
            lines.append(Markup("  " * depth) + _tag(token))
            if not closing and not selfish:
                depth += 1
        elif token.strip():
            if lines and pending_text is None:
                pending_text = token.strip()
            else:
                lines.append(Markup("  " * depth + "{}").format(token.strip()))
    if pending_text is not None:
        lines.append(Markup("  " * depth + "{}").format(pending_text))
    return Markup("\n").join(lines), cut
