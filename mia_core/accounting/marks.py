"""Batch marking: many bars' closes valued at once, exactly as one ``Portfolio.mark`` per bar."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

import numpy as np
import numpy.typing as npt

from mia_core.accounting.curve import Ticks  # followed tick columns: int32 when every value fits
from mia_core.accounting.lots import Lot
from mia_core.instruments import Instrument

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]


class Markable(Protocol):
    """What ``mark_many`` needs of a portfolio (``Portfolio`` is one; this module does not import it).

    ``mark`` values the position at one bar and refuses a bar that goes back in time or
    whose low is above its high; ``mark_ticks`` does the same for many bars, prices in
    ticks, trusting the caller to have checked them; ``last_mark_ns`` is the latest mark's
    time (UTC ns).
    """

    @property
    def instrument(self) -> Instrument:
        """The instrument whose tick size turns prices into ticks."""
        ...

    @property
    def last_mark_ns(self) -> int:
        """Timestamp of the latest mark."""
        ...

    def mark(self, ts: int, high: float, low: float, close: float) -> None:
        """Value the position at one bar (raises on a bar it refuses)."""
        ...

    def mark_ticks(self, ts: Ints, top: Ints, bottom: Ints, last: Ints) -> None:
        """``mark`` for each of many checked bars, prices in ticks."""
        ...


def first_invalid(ts: Ints, high: Floats, low: Floats, after_ts: int) -> int:
    """Index of the first mark ``Portfolio.mark`` would refuse (time going back, low above high), or -1."""
    if not len(ts):
        return -1
    back = ts[1:] < ts[:-1]
    inverted = low > high
    if ts[0] >= after_ts and not back.any() and not inverted.any():
        return -1
    bad = np.flatnonzero(np.concatenate(([ts[0] < after_ts], back)) | inverted)
    return int(bad[0])


def to_ticks(prices: Floats, tick_size: float) -> Ints:
    """``round(price / tick_size)`` per price (round half to even, as Python's ``round``)."""
    return np.rint(prices / tick_size).astype(np.int64)


TICKS32_LIMIT = 1 << 30  # |ticks| below this: int32, and the difference of any two still fits in int32


def follow_ticks(prices: Floats, tick_size: float) -> Ticks:
    """``to_ticks``, as int32 when every value is below :data:`TICKS32_LIMIT` in size, else int64.

    The columns a backtest follows stay alive for the whole run (three of a million
    bars: 12 MB instead of 24); the values are the same Python ints either way.
    """
    ticks = np.rint(prices / tick_size)
    if not len(ticks) or (ticks.min() > -TICKS32_LIMIT and ticks.max() < TICKS32_LIMIT):
        return ticks.astype(np.int32)
    return ticks.astype(np.int64)


def update_lots(lots: Iterable[Lot], qty: int, ts: Ints, top: Ticks, bottom: Ticks, last: Ticks, span: range) -> None:
    """Per-lot bars held and MAE/MFE in ticks over the marks ``span`` of the arrays, as ``Portfolio.mark`` does.

    ``span`` is a non-empty ``range(first, end)`` of indices (the arrays are not sliced:
    a backtest calls this once per round trip on the whole series' arrays). Single
    values and short runs are read through memoryviews (a Python int each, no numpy
    scalar), long runs reduced by numpy.
    """
    first, end = span.start, span.stop
    times, closes = ts.data, last.data  # memoryviews
    first_ts: int = times[first]
    for lot in lots:
        entry = lot.entry_ticks
        entry_ts = lot.entry_ts
        # Marks after the entry start at ``split``; on marks up to the entry only the close counts.
        if entry_ts < first_ts:
            split = first
        elif end - first == 1 or times[first + 1] > entry_ts:
            split = first + 1  # entered at the first mark's time (a fill on the run's first bar): no search
        else:
            split = first + int(np.searchsorted(ts[first:end], entry_ts, side="right"))
        worst = lot.mae
        best = lot.mfe
        if split > first and times[split - 1] == entry_ts:  # the entry bar's own close counts as held
            if split == first + 1 or first_ts == entry_ts:
                lot.bars += split - first
            else:
                lot.bars += split - first - int(np.searchsorted(ts[first:split], entry_ts, side="left"))
        if split == first + 1:
            close: int = closes[first]
            move = close - entry if qty > 0 else entry - close
            best = max(best, move)
            worst = max(worst, -move)
        elif split > first:
            run = last[first:split]  # int64 arithmetic whatever the column's width (an entry may exceed int32)
            moves = np.subtract(run, entry, dtype=np.int64) if qty > 0 else np.subtract(entry, run, dtype=np.int64)
            best = max(best, int(_highest(moves)))
            worst = max(worst, -int(_lowest(moves)))
        if split < end:
            lot.bars += end - split
            up, down = _range_max(top, split, end) - entry, entry - _range_min(bottom, split, end)
            adverse, favourable = (down, up) if qty > 0 else (up, down)
            worst = max(worst, adverse)
            best = max(best, favourable)
        lot.mae = worst
        lot.mfe = best


SHORT_RUN = 48  # up to this many values, max() over a memoryview beats numpy's reduce and its call overhead


def _range_max(column: Ticks, lo: int, hi: int) -> int:
    """``column[lo:hi].max()`` as a Python int (``hi > lo``)."""
    if hi - lo <= SHORT_RUN:
        return max(column.data[lo:hi])
    return int(_highest(column[lo:hi]))


def _range_min(column: Ticks, lo: int, hi: int) -> int:
    """``column[lo:hi].min()`` as a Python int (``hi > lo``)."""
    if hi - lo <= SHORT_RUN:
        return min(column.data[lo:hi])
    return int(_lowest(column[lo:hi]))


_highest = np.maximum.reduce  # the ufuncs themselves: ndarray.max adds a Python layer per call
_lowest = np.minimum.reduce


class FollowedBars:
    """The tick columns of a checked series a portfolio marks from by index (``Portfolio.follow``).

    It also keeps the span of bars marked since the open lots' excursions were last
    brought up to date: the excursions are worked out over the whole span at once,
    when a fill or a read needs them, instead of once per run of bars.
    """

    __slots__ = ("_end", "_first", "bottom", "close", "top", "ts")

    def __init__(self, ts: Ints, top: Ticks, bottom: Ticks, close: Ticks) -> None:
        self.ts, self.top, self.bottom, self.close = ts, top, bottom, close
        self._first = 0
        self._end = 0  # 0: no bar waits for the lots

    def add(self, lots: Iterable[Lot], quantity: int, first: int, end: int) -> None:
        """Bars ``first`` to ``end - 1`` were marked while ``lots`` (``quantity`` contracts) were open."""
        if self._end and self._end != first:  # not contiguous: the earlier span first
            self.settle(lots, quantity)
        if not self._end:
            self._first = first
        self._end = end

    def settle(self, lots: Iterable[Lot], quantity: int) -> None:
        """Bring ``lots``' excursions and bar counts up to date with the bars added since the last settle."""
        if not self._end:
            return
        span = range(self._first, self._end)
        self._end = 0
        if quantity:
            update_lots(lots, quantity, self.ts, self.top, self.bottom, self.close, span)


def mark_many(portfolio: Markable, ts: Ints, high: Floats, low: Floats, close: Floats) -> None:
    """Exactly ``portfolio.mark(ts[i], high[i], low[i], close[i])`` for each i in order, computed in bulk."""
    ts = np.ascontiguousarray(ts, dtype=np.int64)
    bad = first_invalid(ts, high, low, portfolio.last_mark_ns)
    if bad >= 0:
        mark_many(portfolio, ts[:bad], high[:bad], low[:bad], close[:bad])
        portfolio.mark(int(ts[bad]), float(high[bad]), float(low[bad]), float(close[bad]))  # raises
        ts, high, low, close = ts[bad + 1 :], high[bad + 1 :], low[bad + 1 :], close[bad + 1 :]
    size = portfolio.instrument.tick_size
    portfolio.mark_ticks(ts, to_ticks(high, size), to_ticks(low, size), to_ticks(close, size))
