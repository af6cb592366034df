"""Lists imported from QuickBooks: batched lookups and upserts (DESIGN sections 6 and 12)."""

from __future__ import annotations

from ._base import StoreBase


class ListsMixin(StoreBase):
    """Team members, customers/jobs, service items, classes and payroll items."""
