"""Pure qbXML: build requests, parse responses into typed records.

Imports nothing of this project and no I/O framework; lxml only inside ``qbxml/_xml.py``.
"""

from __future__ import annotations
