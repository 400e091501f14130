"""Fixtures of the Sierra Chart tests."""

from __future__ import annotations

from .helpers import server

__all__ = ["server"]
