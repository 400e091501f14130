"""Give memory freed after a large load back to the operating system."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import sys
from collections.abc import Callable


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or ``None`` on a C library without it (macOS, musl)."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        trim: Callable[[int], int] = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return None
    return trim


def release_unused_memory() -> None:
    """Return free heap pages held by Arrow's pool and by the C allocator.

    Reading and validating a million-bar file leaves tens of megabytes of freed but
    still mapped heap (pandas temporaries, Arrow buffers); a backtest that follows
    would otherwise add its own peak on top of it (docs/performance.md).
    """
    arrow = sys.modules.get("pyarrow")  # only when something read with Arrow (not imported for it)
    if arrow is not None:
        arrow.default_memory_pool().release_unused()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
