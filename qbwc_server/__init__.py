"""qbtime-sync: a QuickBooks Web Connector compatible sync server for a time-tracking service."""

from __future__ import annotations

__version__ = "0.1.0"
