"""The Clock port: where "now" comes from."""

from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable
class Clock(Protocol):
    """A source of the current time, injected so backtests and tests control it.

    The backtest shell advances a manual clock to each event's timestamp; the live
    shell uses the wall clock. Components must never read the system time directly.
    """

    def now_ns(self) -> int:
        """Return the current instant as integer nanoseconds since the Unix epoch, UTC.

        Called whenever a component needs the time. Must be monotonic non-decreasing
        within a session and cheap (it is called on the per-bar path).
        """
        ...
