"""Registers the elite techniques with MIA (entry point ``elite_techniques`` in group ``mia``)."""

from __future__ import annotations

from collections.abc import Iterable

from ports.components import ComponentSpec
from ports.hookspecs import hookimpl


@hookimpl
def mia_register_techniques() -> Iterable[ComponentSpec]:
    """The elite bar techniques."""
    return []
