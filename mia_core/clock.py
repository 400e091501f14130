"""A manual clock: time moves only when told (backtests and tests)."""

from __future__ import annotations

from mia_core.errors import DomainValueError


class ManualClock:
    """Clock set by its driver; refuses to move backwards."""

    __slots__ = ("_now",)

    def __init__(self, start_ns: int = 0) -> None:
        self._now = start_ns

    def now_ns(self) -> int:
        """The instant last set."""
        return self._now

    def advance_to(self, ns: int) -> None:
        """Move to ``ns``; earlier than now is an error."""
        if ns < self._now:
            raise DomainValueError("ManualClock", "now_ns", ns, f"earlier than the current {self._now}")
        self._now = ns
