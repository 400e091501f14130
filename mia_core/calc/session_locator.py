"""``SessionLocator``: where bars in time order fall in a ``SessionCalendar``, without a search inside a known day."""

from __future__ import annotations

from bisect import bisect_left

from mia_core.calc.session_calendar import _BEYOND, ASIA, CLOSED, LONDON, POST, RTH, SessionCalendar


class SessionLocator:
    """:meth:`SessionCalendar.locate` for bars in time order: the day found last is tried first (no search).

    Any ``ts`` is answered exactly as ``locate`` answers it; a bar outside the last day
    found (the next day, or a jump back) costs one binary search.
    """

    __slots__ = ("_after", "_bounds", "_calendar", "_day", "_until")

    def __init__(self, calendar: SessionCalendar) -> None:
        self._calendar = calendar
        self._day = -1
        self._after = self._until = 0  # the day found last holds the stamps in (after, until]
        self._bounds = (0, 0, 0, 0)

    def locate(self, ts: int) -> tuple[int, int]:
        """``(day, segment)`` of a bar stamped ``ts``, as :meth:`SessionCalendar.locate`."""
        if not self._after < ts <= self._until:
            self._find(ts)
        d = self._day
        opens, london, rth_open, rth_close = self._bounds
        if ts <= opens:
            return d, CLOSED
        if ts <= london:
            return d, ASIA
        if ts <= rth_open:
            return d, LONDON
        return d, RTH if ts <= rth_close else POST

    def _find(self, ts: int) -> None:
        opens, london, rth_open, rth_close, closes = self._calendar._lists  # the calendar's own lists, read only
        d = self._day = bisect_left(closes, ts)
        self._after = closes[d - 1] if d else -_BEYOND
        if d == len(closes):  # past the calendar: closed, whatever the time
            self._until, self._bounds = _BEYOND, (_BEYOND, _BEYOND, _BEYOND, _BEYOND)
        else:
            self._until, self._bounds = closes[d], (opens[d], london[d], rth_open[d], rth_close[d])
