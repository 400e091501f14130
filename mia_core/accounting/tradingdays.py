"""CME trading-day boundaries and vectorised trading-day labels (17:00 Chicago rollover)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import numpy as np
import numpy.typing as npt

from mia_core.timeutil import CHICAGO, CME_ROLLOVER_HOUR, NS_PER_SECOND
from mia_core.wallclock import local_ns

NAT = np.iinfo(np.int64).min  # a missing timestamp (pandas' NaT as int64)


def cme_day_bounds(day: date) -> tuple[int, int]:
    """UTC ns ``[start, end)`` of CME trading day ``day``.

    The day opens at 17:00 America/Chicago on the previous calendar day and ends at
    17:00 Chicago on ``day`` itself, so ``cme_trading_day(ns) == day`` exactly when
    ``start <= ns < end``. Across a DST change the day is 23 or 25 hours long.
    """
    start = datetime.combine(day - timedelta(days=1), time(CME_ROLLOVER_HOUR), tzinfo=CHICAGO)
    end = datetime.combine(day, time(CME_ROLLOVER_HOUR), tzinfo=CHICAGO)
    return int(start.timestamp()) * NS_PER_SECOND, int(end.timestamp()) * NS_PER_SECOND


def cme_trading_days(ts: npt.ArrayLike) -> npt.NDArray[np.datetime64]:
    """CME trading day (``datetime64[D]``) of each UTC ns timestamp; vectorised ``cme_trading_day``.

    Converts to Chicago wall-clock time and shifts it by the hours left after the
    rollover, so any wall time at or after 17:00 lands on the next calendar date.
    """
    ns = np.asarray(ts, dtype=np.int64)
    if ns.size == 0:
        return np.empty(0, dtype="datetime64[D]")
    valid = ns != NAT
    wall = local_ns(ns[valid] if not valid.all() else ns, CHICAGO)
    shifted = (wall + (24 - CME_ROLLOVER_HOUR) * 3600 * NS_PER_SECOND).astype("datetime64[ns]")
    if valid.all():
        return shifted.astype("datetime64[D]")
    days = np.full(ns.shape, np.datetime64("NaT"), dtype="datetime64[D]")
    days[valid] = shifted.astype("datetime64[D]")
    return days
