"""Reads for the REST API and the CLI: paginated lists, sync sessions, API tokens."""

from __future__ import annotations

from ._base import StoreBase


class ReadsMixin(StoreBase):
    """Queries behind ``/api/v1`` and ``qbtime company show``."""
