"""qbXML versions: the ``<?qbxml version="X.Y"?>`` text, ordering, and version negotiation.

Before qbXML 6.0 non-US editions used prefixed versions (``CA3.0``, ``UK2.0``, ``OZ2.0``,
``AU3.0``); from 6.0 on one unified version serves every country (QBWC-NOTES A.3.7, Intuit sample
``USCDNUKCustomerQuery.vb``). Pure standard library.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "COUNTRY_PREFIXES",
    "SUPPORTED_VERSIONS",
    "QbxmlVersion",
    "choose_version",
    "parse_version",
]

CountryPrefix = Literal["", "CA", "UK", "OZ", "AU"]
COUNTRY_PREFIXES: tuple[CountryPrefix, ...] = ("", "CA", "UK", "OZ", "AU")
_VERSION_RE = re.compile(r"(CA|UK|OZ|AU)?(\d{1,2})\.(\d{1,2})")
_UNIFIED_FROM = 6


@dataclass(frozen=True, slots=True, order=True)
class QbxmlVersion:
    """A qbXML version; ordered by (major, minor, country prefix)."""

    major: int
    minor: int
    country: CountryPrefix = ""

    def __post_init__(self) -> None:
        if self.major < 1 or self.minor < 0:
            raise ValueError("qbXML versions start at 1.0")
        if self.country not in COUNTRY_PREFIXES:
            raise ValueError("unknown qbXML country prefix")
        if self.country and self.major >= _UNIFIED_FROM:
            raise ValueError("country-prefixed versions exist only before qbXML 6.0")

    def __str__(self) -> str:
        return f"{self.country}{self.major}.{self.minor}"

    @property
    def number(self) -> QbxmlVersion:
        """The same version without a country prefix (for feature comparisons)."""
        return QbxmlVersion(self.major, self.minor)

    def at_least(self, other: QbxmlVersion | str) -> bool:
        """Whether this version (ignoring the country prefix) is ``other`` or newer."""
        ref = parse_version(other) if isinstance(other, str) else other
        return (self.major, self.minor) >= (ref.major, ref.minor)


def parse_version(text: str) -> QbxmlVersion:
    """Parse ``13.0``, ``CA3.0`` or ``UK2.0`` into a :class:`QbxmlVersion`.

    :raises ValueError: for anything else, including a prefix on 6.0 or later.
    """
    m = _VERSION_RE.fullmatch(text.strip())
    if m is None:
        raise ValueError("not a qbXML version string")
    prefix: CountryPrefix = "" if m[1] is None else m[1]  # type: ignore[assignment]
    return QbxmlVersion(int(m[2]), int(m[3]), prefix)


SUPPORTED_VERSIONS: tuple[QbxmlVersion, ...] = tuple(
    parse_version(v)
    for v in [
        "1.0",
        "1.1",
        "2.0",
        "2.1",
        "3.0",
        "4.0",
        "4.1",
        "5.0",
        "6.0",
        "7.0",
        "8.0",
        "9.0",
        "10.0",
        "11.0",
        "12.0",
        "13.0",
        "14.0",
        "15.0",
        "16.0",
    ]
)


def _prefix_for(country: str, major: int) -> CountryPrefix:
    code = country.strip().upper()
    if major >= _UNIFIED_FROM or code in ("", "US"):
        return ""
    if code == "CA":
        return "CA"
    if code in ("UK", "GB"):
        return "UK"
    if code in ("AU", "OZ"):
        return "OZ" if major < 3 else "AU"
    return ""


def choose_version(
    host_supported: Iterable[str], country: str, maximum: QbxmlVersion | str = "16.0"
) -> QbxmlVersion:
    """Pick the highest version both QuickBooks (``HostRet/SupportedQBXMLVersion``) and we support.

    Unparseable entries in ``host_supported`` are ignored. For CA/UK/AU editions below 6.0 the
    prefixed form is returned, since those editions reject the US spelling.

    :raises ValueError: when there is no common version.
    """
    cap = parse_version(maximum) if isinstance(maximum, str) else maximum
    ours = {(v.major, v.minor) for v in SUPPORTED_VERSIONS}
    offered: set[tuple[int, int]] = set()
    for text in host_supported:
        try:
            v = parse_version(text)
        except ValueError:
            continue
        offered.add((v.major, v.minor))
    common = [mm for mm in offered & ours if mm <= (cap.major, cap.minor)]
    if not common:
        raise ValueError("QuickBooks and qbxml share no qbXML version")
    major, minor = max(common)
    return QbxmlVersion(major, minor, _prefix_for(country, major))
