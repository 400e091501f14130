"""Trading sessions as plain arrays: the pure side of the exchange calendar (built by ``adapters.calendars``).

A trading day ``d`` runs from ``open[d]`` to ``close[d]`` (UTC ns, the Globex session)
and is cut into four segments, each containing the bar close stamps in
``(start, end]``: 0 Asia ``(open, london]``, 1 London ``(london, rth_open]``,
2 New York regular hours ``(rth_open, rth_close]``, 3 post-close ``(rth_close, close]``.
Bars stamped outside every session (halts, holidays, weekends) are segment 4, closed.
"""

from __future__ import annotations

from bisect import bisect_left

import attrs
import numpy as np
import numpy.typing as npt

from mia_core.errors import DomainValueError
from mia_core.series import IntArray

ASIA, LONDON, RTH, POST, CLOSED = 0, 1, 2, 3, 4
SEGMENT_NAMES = ("asia", "london", "rth", "post", "closed")
_BEYOND = 2**64  # later than any int64 nanosecond stamp


def _ints(values: object) -> IntArray:
    return np.ascontiguousarray(values, dtype=np.int64)


def _bools(values: object) -> npt.NDArray[np.bool_]:
    return np.ascontiguousarray(values, dtype=np.bool_)


@attrs.frozen(eq=False)
class SessionCalendar:
    """Trading days of one exchange calendar, ascending (see the module docstring)."""

    source: str
    open: IntArray = attrs.field(converter=_ints)
    london: IntArray = attrs.field(converter=_ints)
    rth_open: IntArray = attrs.field(converter=_ints)
    rth_close: IntArray = attrs.field(converter=_ints)
    close: IntArray = attrs.field(converter=_ints)
    early_close: npt.NDArray[np.bool_] = attrs.field(converter=_bools)
    _lists: tuple[list[int], ...] = attrs.field(init=False, repr=False)
    _early: list[bool] = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        n = len(self.open)
        for name in ("london", "rth_open", "rth_close", "close", "early_close"):
            if len(getattr(self, name)) != n:
                got = len(getattr(self, name))
                raise DomainValueError("SessionCalendar", name, got, f"length differs from open ({n})")
        order = (self.open <= self.london) & (self.london <= self.rth_open) & (self.rth_open <= self.rth_close)
        bad = np.flatnonzero(~(order & (self.rth_close <= self.close) & (self.open < self.close)))
        if bad.size:
            raise DomainValueError("SessionCalendar", f"day[{int(bad[0])}]", int(self.open[bad[0]]),
                                   "times must satisfy open <= london <= rth_open <= rth_close <= close")
        if n > 1 and np.any(self.open[1:] < self.close[:-1]):
            raise DomainValueError("SessionCalendar", "open", "overlap", "a session opens before the previous closes")
        columns = (self.open, self.london, self.rth_open, self.rth_close, self.close)
        object.__setattr__(self, "_lists", tuple(a.tolist() for a in columns))
        object.__setattr__(self, "_early", self.early_close.tolist())

    def __len__(self) -> int:
        return len(self.open)

    def locate(self, ts: int) -> tuple[int, int]:
        """``(day, segment)`` of a bar stamped ``ts``: the first day closing at or after it and the segment.

        ``day`` is ``len(self)`` past the calendar's last day (segment CLOSED).
        """
        opens, london, rth_open, rth_close, closes = self._lists
        d = bisect_left(closes, ts)
        if d == len(closes) or ts <= opens[d]:
            return d, CLOSED
        if ts <= london[d]:
            return d, ASIA
        if ts <= rth_open[d]:
            return d, LONDON
        return d, RTH if ts <= rth_close[d] else POST

    def is_early_close(self, day: int) -> bool:
        """Whether trading day ``day`` closes early (False past the calendar)."""
        return day < len(self._early) and self._early[day]

    def locate_all(self, ts: IntArray) -> tuple[IntArray, IntArray]:
        """Vectorised :meth:`locate`."""
        n = len(self.close)
        day = np.searchsorted(self.close, ts, side="left").astype(np.int64)
        d = np.minimum(day, max(n - 1, 0))
        segment = np.full(len(ts), CLOSED, dtype=np.int64)
        if n == 0:
            return day, segment
        inside = (day < n) & (ts > self.open[d])
        segment = np.where(ts <= self.london[d], ASIA, np.where(ts <= self.rth_open[d], LONDON,
                           np.where(ts <= self.rth_close[d], RTH, POST)))
        return day, np.where(inside, segment, CLOSED).astype(np.int64)
