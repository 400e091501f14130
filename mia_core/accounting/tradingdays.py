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


DAYS_BLOCK = 1 << 16  # timestamps converted at a time: a few MB of temporaries, not eight bytes of each per point


def cme_trading_days(ts: npt.ArrayLike) -> npt.NDArray[np.datetime64]:
    """CME trading day (``datetime64[D]``) of each UTC ns timestamp; vectorised ``cme_trading_day``.

    Converts to Chicago wall-clock time and shifts it by the hours left after the
    rollover, so any wall time at or after 17:00 lands on the next calendar date; a
    block of :data:`DAYS_BLOCK` timestamps at a time, into the one result array.
    """
    ns = np.asarray(ts, dtype=np.int64)
    flat = ns.ravel()
    days = np.empty(flat.shape, dtype="datetime64[D]")
    for lo in range(0, flat.size, DAYS_BLOCK):
        hi = min(flat.size, lo + DAYS_BLOCK)
        days[lo:hi] = _days(flat[lo:hi])
    return days.reshape(ns.shape)


def _days(ns: npt.NDArray[np.int64]) -> npt.NDArray[np.datetime64]:
    valid = ns != NAT
    wall = local_ns(ns[valid] if not valid.all() else ns, CHICAGO)
    shifted = (wall + (24 - CME_ROLLOVER_HOUR) * 3600 * NS_PER_SECOND).astype("datetime64[ns]")
    if valid.all():
        return shifted.astype("datetime64[D]")
    days = np.full(ns.shape, np.datetime64("NaT"), dtype="datetime64[D]")
    days[valid] = shifted.astype("datetime64[D]")
    return days
