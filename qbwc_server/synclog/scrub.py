"""Scrub: replace personal and business data in a sync log with stable pseudonyms.

One :class:`Scrubber` is used for a whole file, so a value gets the same pseudonym everywhere
and references still match (``Parent:Child`` full names keep their structure). It works on the
qbXML text with element-level substitutions: ListIDs, TxnIDs, EditSequences, times, statuses
and the XML structure are kept byte for byte, so a scrubbed file replays to the same shape.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from xml.sax.saxutils import escape, unescape

# element name -> pseudonym family
NAME_TAGS = frozenset(
    {
        "Name",
        "FirstName",
        "MiddleName",
        "LastName",
        "CompanyName",
        "LegalCompanyName",
        "FullName",
        "Salutation",
        "Suffix",
        "JobTitle",
        "Contact",
        "AltContact",
        "PrintAs",
    }
)
FAMILIES: dict[str, str] = {
    **dict.fromkeys(NAME_TAGS, "name"),
    **dict.fromkeys(("Email", "Cc"), "email"),
    **dict.fromkeys(("Phone", "AltPhone", "Fax", "Mobile", "Pager"), "phone"),
    **dict.fromkeys(("SSN", "EmployeeNumber", "AccountNumber", "ResaleNumber"), "number"),
    **dict.fromkeys(
        ("Notes", "Note", "Memo", "Desc", "JobDesc", "SalesDesc", "PurchaseDesc", "Comments"),
        "note",
    ),
    **dict.fromkeys(
        (
            "Rate",
            "RatePercent",
            "Amount",
            "Price",
            "PricePercent",
            "SalesPrice",
            "PurchaseCost",
            "Balance",
            "TotalBalance",
            "OpenBalance",
            "CreditLimit",
            "HourlyRate",
        ),
        "amount",
    ),
    "BirthDate": "date",
    "DataExtValue": "note",
}
ADDRESS_LEAVES = re.compile(r"<(\w+)>([^<]*)</\1>")
_LEAF = re.compile(r"<(?P<tag>" + "|".join(sorted(FAMILIES)) + r")>(?P<value>[^<]*)</(?P=tag)>")
_ADDRESS = re.compile(r"<(?P<tag>\w*(?:Address|AddressBlock))>(?P<body>.*?)</(?P=tag)>", re.S)
_DATA_EXT = re.compile(r"<DataExtRet>.*?</DataExtRet>", re.S)
_STATUS_MESSAGE = re.compile(r'(statusMessage=")([^"]*)(")')
_KEEP_EXT = "<DataExtName>FileID</DataExtName>"
MIN_FREE_TEXT = 3  # shorter originals are not searched for in free text (they would hit words)


class Scrubber:
    """Stable pseudonyms for one file: call :meth:`learn` on every text, then :meth:`xml` and
    :meth:`text` to write it."""

    def __init__(self) -> None:
        self._maps: dict[str, dict[str, str]] = {}
        self._free: re.Pattern[str] | None = None
        self._free_map: dict[str, str] = {}

    # pseudonyms ------------------------------------------------------------------------------
    def _pseudonym(self, family: str, value: str) -> str:
        """The pseudonym of an (unescaped) value; names are mapped segment by segment."""
        if family == "name" and ":" in value:
            return ":".join(self._pseudonym("name", part) for part in value.split(":"))
        if not value.strip():
            return value
        if family == "amount":
            return "0.00"
        if family == "date":
            return "1970-01-01"
        table = self._maps.setdefault(family, {})
        found = table.get(value)
        if found is None:
            n = len(table) + 1
            found = {
                "name": f"Name {n}",
                "email": f"person{n}@example.invalid",
                "phone": f"555-{n:04d}",
                "number": f"000-00-{n:04d}",
                "note": f"Note {n}",
                "address": f"Address {n}",
                "company": f"Company {n}",
                "user": f"user-{n}",
                "path": f"C:\\scrubbed\\company-{n}.qbw",
            }[family]
            table[value] = found
            self._free = None
        return found

    def company_name(self, value: str | None) -> str | None:
        """The company's own name (header, CompanyRet)."""
        return self._pseudonym("name", value) if value else value

    def username(self, value: str | None) -> str | None:
        """The QBWC username."""
        return self._pseudonym("user", value) if value else value

    def path(self, value: str | None) -> str | None:
        """A company file path; QuickBooks compares paths without case."""
        if not value:
            return value
        table = self._maps.setdefault("path", {})
        for original, fake in table.items():
            if original.casefold() == value.casefold():
                return fake
        return self._pseudonym("path", value)

    # qbXML -------------------------------------------------------------------------------------
    def _leaf(self, match: re.Match[str]) -> str:
        tag, raw = match.group("tag"), match.group("value")
        fake = self._pseudonym(FAMILIES[tag], unescape(raw))
        return f"<{tag}>{escape(fake)}</{tag}>"

    def _address(self, match: re.Match[str]) -> str:
        def leaf(m: re.Match[str]) -> str:
            if not m.group(2).strip():
                return m.group(0)
            return f"<{m.group(1)}>{escape(self._pseudonym('address', unescape(m.group(2))))}</{m.group(1)}>"

        return f"<{match.group('tag')}>{ADDRESS_LEAVES.sub(leaf, match.group('body'))}</{match.group('tag')}>"

    def _data_ext(self, match: re.Match[str]) -> str:
        block = match.group(0)
        return block if _KEEP_EXT in block else _LEAF.sub(self._leaf, block)

    def _status(self, match: re.Match[str]) -> str:
        text = self.text(unescape(match.group(2))) or ""
        return match.group(1) + escape(text, {'"': "&quot;"}) + match.group(3)

    def learn(self, xml: str) -> None:
        """Give every value of ``xml`` its pseudonym (before any free text is scrubbed)."""
        self.xml(xml, free_text=False)

    def xml(self, xml: str, *, free_text: bool = True) -> str:
        """``xml`` with every personal or business value replaced."""
        if not xml:
            return xml
        out = _DATA_EXT.sub(self._data_ext, xml)
        out = _ADDRESS.sub(self._address, out)
        out = _LEAF.sub(self._leaf, out)
        if free_text:
            out = _STATUS_MESSAGE.sub(self._status, out)
        return out

    # free text ---------------------------------------------------------------------------------
    def _pattern(self) -> tuple[re.Pattern[str] | None, dict[str, str]]:
        if self._free is None:
            mapping: dict[str, str] = {}
            for family, table in self._maps.items():
                if family == "amount":
                    continue
                for original, fake in table.items():
                    for variant in {original, escape(original)}:
                        if len(variant) >= MIN_FREE_TEXT:
                            mapping[variant] = fake
            self._free_map = mapping
            if mapping:
                alternatives = "|".join(
                    re.escape(k) for k in sorted(mapping, key=len, reverse=True)
                )
                self._free = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
        return self._free, self._free_map

    def text(self, value: str | None) -> str | None:
        """Free text (getLastError sentences, error messages): every learned value replaced."""
        if not value:
            return value
        pattern, mapping = self._pattern()
        if pattern is None:
            return value
        folded = {k.casefold(): v for k, v in mapping.items()}
        replace: Callable[[re.Match[str]], str] = lambda m: folded[m.group(0).casefold()]  # noqa: E731
        return pattern.sub(replace, value)
