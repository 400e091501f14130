"""Give memory freed after a large load back to the operating system, and keep large buffers out of the heap."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import sys
from collections.abc import Callable

M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter (malloc.h)
MMAP_THRESHOLD = 1 << 20  # blocks of 1 MiB or more get pages of their own, given back when freed


@functools.cache
def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        return ctypes.CDLL(name)
    except OSError:
        return None


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or ``None`` on a C library without it (macOS, musl)."""
    libc = _libc()
    trim: Callable[[int], int] | None = getattr(libc, "malloc_trim", None)
    return trim


@functools.cache
def _mallopt() -> Callable[[int, int], int] | None:
    """glibc's ``mallopt``, or ``None`` on a C library without it."""
    libc = _libc()
    option: Callable[[int, int], int] | None = getattr(libc, "mallopt", None)
    return option


def pin_mmap_threshold(mallopt: Callable[[int, int], int] | None) -> bool:
    """Fix glibc's mmap threshold at :data:`MMAP_THRESHOLD`; True when the C library took it.

    glibc raises the threshold (up to 32 MiB) each time a block it had mapped is freed,
    and a load frees many column-sized ones; from then on every buffer a run grows
    (the equity curve's arrays, the journal's list, dict tables) is carved out of the
    heap, and each time one moves it leaves a hole that is never given back: ~50 MB of
    the 1M-bar bench's peak (docs/performance.md). A fixed threshold keeps such
    buffers in mappings of their own, which ``realloc`` grows in place and ``free``
    returns.
    """
    return bool(mallopt is not None and mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD))


def keep_large_blocks_mapped() -> None:
    """Pin glibc's mmap threshold (:func:`pin_mmap_threshold`), where the C library has ``mallopt``."""
    pin_mmap_threshold(_mallopt())


def release_unused_memory() -> None:
    """Return free heap pages held by Arrow's pool and by the C allocator, and pin the mmap threshold.

    Reading and validating a million-bar file leaves tens of megabytes of freed but
    still mapped heap (pandas temporaries, Arrow buffers); a backtest that follows
    would otherwise add its own peak on top of it (docs/performance.md).
    """
    arrow = sys.modules.get("pyarrow")  # only when something read with Arrow (not imported for it)
    if arrow is not None:
        arrow.default_memory_pool().release_unused()
    keep_large_blocks_mapped()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
