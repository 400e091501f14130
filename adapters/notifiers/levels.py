"""Comparing alert levels, for the notifiers' ``min_level``."""

from __future__ import annotations

from mia_core.commands import AlertLevel

_ORDER = (AlertLevel.INFO, AlertLevel.WARNING, AlertLevel.CRITICAL)


def at_least(level: AlertLevel, minimum: AlertLevel) -> bool:
    """True when ``level`` is ``minimum`` or louder."""
    return _ORDER.index(level) >= _ORDER.index(minimum)
