"""The work queue, list watermarks and sync errors (DESIGN section 5)."""

from __future__ import annotations

from ._base import StoreBase


class QueueMixin(StoreBase):
    """Work items of a company's sessions, claimed one at a time."""
