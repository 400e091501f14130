"""The one control path to a running session: trip the catastrophe latch by hand, or re-arm it (the state file)."""

from __future__ import annotations

import time
from pathlib import Path

from adapters.risk.store import read_latch, write_latch
from mia_core.risk.catastrophe import MANUAL, LatchState


def manual_stop(path: Path, reason: str) -> LatchState | None:
    """Latch now (``manual``, ``reason``); a running session cancels, flattens and stops entries at its next event.

    Returns the latch as it was before.
    """
    before = read_latch(path)
    rearmed = before.rearmed_ns if before is not None else 0
    write_latch(path, LatchState(True, MANUAL, reason, time.time_ns(), rearmed))
    return before


def rearm(path: Path) -> LatchState | None:
    """Clear the latch: a running session resumes entries at its next event. Returns the latch as it was."""
    before = read_latch(path)
    write_latch(path, LatchState(False, "", "", 0, time.time_ns()))
    return before


def describe(before: LatchState | None) -> str:
    """``was latched by ...`` or ``was not latched``."""
    return f"was latched by {before.trigger} ({before.detail})" if before and before.latched else "was not latched"
