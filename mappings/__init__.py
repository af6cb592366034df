"""Pure mappings between QuickBooks records and store rows. Imports only ``qbxml``."""

from __future__ import annotations
