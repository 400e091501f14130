"""Rolling references of the score: median put/call ratio and median 30-day volatility by session.

One value per CME trading day (the day's last snapshot wins). A reference is the median
over the previous ``sessions`` trading days, strictly before the snapshot's own day, once
at least ``min_sessions`` days are known; until then the configured value is used.
"""

from __future__ import annotations

import statistics
from collections import OrderedDict
from datetime import date

from mia_core.timeutil import cme_trading_day


class SessionReferences:
    """Per-session put/call ratios and volatilities seen so far, and their rolling medians."""

    def __init__(self, pcr_sessions: int, vol_sessions: int, min_sessions: int) -> None:
        self.pcr_sessions, self.vol_sessions, self.min_sessions = pcr_sessions, vol_sessions, min_sessions
        self._pcr: OrderedDict[date, float] = OrderedDict()
        self._vol: OrderedDict[date, float] = OrderedDict()

    def record(self, ts: int, pcr: float | None, vol: float | None) -> None:
        """Remember the values of a snapshot taken at ``ts`` for its trading day."""
        day = cme_trading_day(ts)
        for store, value, keep in ((self._pcr, pcr, self.pcr_sessions), (self._vol, vol, self.vol_sessions)):
            if value is None or value != value or value <= 0:
                continue
            store[day] = value
            store.move_to_end(day)
            while len(store) > keep + 1:  # the current day may be among them
                store.popitem(last=False)

    def _median(self, store: OrderedDict[date, float], day: date, sessions: int) -> float | None:
        values = [v for d, v in store.items() if d < day][-sessions:]
        return statistics.median(values) if len(values) >= self.min_sessions else None

    def pcr(self, ts: int) -> float | None:
        """Median put/call ratio of the sessions before ``ts``'s, or ``None`` with too little history."""
        return self._median(self._pcr, cme_trading_day(ts), self.pcr_sessions)

    def vol(self, ts: int) -> float | None:
        """Median 30-day volatility of the sessions before ``ts``'s, or ``None`` with too little history."""
        return self._median(self._vol, cme_trading_day(ts), self.vol_sessions)
