"""The installed MIA's version, for ``mia --version`` and the report's header."""

from __future__ import annotations

from importlib import metadata


def mia_version() -> str:
    """The installed mia-trading version ("unknown" when run from an uninstalled tree)."""
    try:
        return metadata.version("mia-trading")
    except metadata.PackageNotFoundError:
        return "unknown"
