"""Helpers: .scid/.depth files written in Sierra Chart's binary layouts by adapters.sierra.files.writer."""

from __future__ import annotations

import os
from pathlib import Path

from adapters.sierra.files.writer import tick

T0 = 1_764_599_400_000_000_000  # 2025-12-01 14:30:00 UTC (08:30 Chicago)
S = 1_000_000_000


def ticks_rows(start: int = T0) -> list[tuple]:
    """Five trades over two minutes: 3 buys and 2 sells, one split CME trade."""
    return [
        tick(start + 1 * S, 6850.25, 3, bid=6850.0, ask=6850.25, buyer=True),
        tick(start + 20 * S, 6850.0, 2, bid=6850.0, ask=6850.25, buyer=False),
        tick(start + 59 * S, 6850.5, 4, bid=6850.25, ask=6850.5, buyer=True, marker="first"),
        tick(start + 59 * S + 1000, 6850.75, 1, bid=6850.5, ask=6850.75, buyer=True, marker="last"),
        tick(start + 61 * S, 6849.75, 6, bid=6849.75, ask=6850.0, buyer=False),
    ]


def make_old(path: Path) -> Path:
    """Mark ``path`` as written an hour ago (not being appended to)."""
    old = path.stat().st_mtime - 3600
    os.utime(path, (old, old))
    return path
