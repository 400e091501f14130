"""Chicago wall-clock time of bars (the exchange's zone), cached per UTC hour; both forms agree exactly.

A bar stamped at its close ``ts`` covers the instants just before it, so its local
time is that of ``ts - 1`` ns: the minute bar stamped 08:30 belongs to 08:29.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np

from mia_core.series import IntArray

CHICAGO = ZoneInfo("America/Chicago")
HOUR_NS = 3600 * 10**9
MINUTE_NS = 60 * 10**9
MINUTES_PER_DAY = 1440


def _offset_ns(utc_hour: int) -> int:
    offset = dt.datetime.fromtimestamp(utc_hour * 3600, CHICAGO).utcoffset() or dt.timedelta(0)
    return int(offset.total_seconds()) * 10**9


class ChicagoMinutes:
    """Incremental: minute of the Chicago day (0 .. 1439) of a bar, one zone lookup per UTC hour."""

    __slots__ = ("_hour", "_offset")

    def __init__(self) -> None:
        self._hour = -1
        self._offset = 0

    def of(self, ts: int) -> int:
        """Minute of the local day of the bar stamped ``ts``."""
        instant = ts - 1
        hour = instant // HOUR_NS
        if hour != self._hour:
            self._hour, self._offset = hour, _offset_ns(hour)
        return ((instant + self._offset) // MINUTE_NS) % MINUTES_PER_DAY


def chicago_minutes(ts: IntArray) -> IntArray:
    """Vectorised :class:`ChicagoMinutes`."""
    instant = ts.astype(np.int64) - 1
    hours, inverse = np.unique(instant // HOUR_NS, return_inverse=True)
    offsets = np.array([_offset_ns(int(h)) for h in hours.tolist()], dtype=np.int64)
    return ((instant + offsets[inverse]) // MINUTE_NS) % MINUTES_PER_DAY
