"""The wall clock for paper and live sessions."""

from __future__ import annotations

import time


class WallClock:
    """UTC wall-clock time in integer nanoseconds, never going backwards."""

    __slots__ = ("_last",)

    def __init__(self) -> None:
        self._last = 0

    def now_ns(self) -> int:
        """Current UTC time; repeats the last value if the system clock stepped back."""
        now = time.time_ns()
        if now < self._last:
            return self._last
        self._last = now
        return now
