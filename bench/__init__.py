"""Benchmarks: one module per measurement, each with ``main()``, run by ``python -m bench``."""

from __future__ import annotations
