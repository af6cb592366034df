"""Tests of the pure qbxml package."""
