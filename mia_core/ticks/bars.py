"""Bars with real bid/ask volume from a tape: time, tick, volume and range bars, vectorised with numpy."""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt

from mia_core.errors import DomainValueError
from mia_core.series import BarSeries
from mia_core.ticks.tape import Tape

NS = 1_000_000_000
Ints = npt.NDArray[np.int64]


@attrs.frozen(eq=False)
class TickBars:
    """Bars built from a tape: ``series`` (bid/ask volume from the trades' sides), the trades in each
    bar (``trade_count``) and the index of each bar's first trade in the tape (``first``)."""

    series: BarSeries
    trade_count: Ints
    first: Ints

    def __len__(self) -> int:
        return len(self.series)


def _positive(what: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise DomainValueError("tick bars", what, value, "must be a whole number of at least 1")
    return int(value)


def rising(ts: Ints) -> Ints:
    """``ts`` made strictly increasing: a time equal to (or before) the previous one becomes it + 1 ns.

    Bars closing on the same nanosecond (several tick bars inside one burst of trades stamped
    alike) keep their order; a BarSeries needs rising times.
    """
    if len(ts) < 2 or bool((np.diff(ts) > 0).all()):
        return ts
    index = np.arange(len(ts), dtype=np.int64)
    out: Ints = np.maximum.accumulate(ts - index) + index
    return out


def bars_at(tape: Tape, starts: Ints, ts: Ints | None = None) -> TickBars:
    """Bars whose first trades are at ``starts`` (ascending, starting at 0); stamped ``ts`` or at their last trade.

    Open, high, low, close of the trades' prices; volume the sum of sizes; ask volume the sizes
    traded by buyers (side +1), bid volume by sellers (side -1); a trade of unknown side counts
    in the volume only.
    """
    n = len(tape)
    if n == 0:
        empty = np.zeros(0)
        none = np.zeros(0, dtype=np.int64)
        series = BarSeries(tape.instrument, none, empty, empty, empty, empty, empty, empty, empty)
        return TickBars(series, none, none)
    ends = np.empty_like(starts)
    ends[:-1] = starts[1:] - 1
    ends[-1] = n - 1
    price, size, side = tape.price, tape.size, tape.side
    signed = np.add.reduceat(size * side, starts)  # ask - bid
    if bool(side.all()):  # every side known: ask + bid = volume
        volume = np.add.reduceat(size, starts)
        known = volume
    else:
        volume = np.add.reduceat(size, starts)
        known = np.add.reduceat(size * (side != 0), starts)
    stamps = rising(tape.ts[ends]) if ts is None else ts
    series = BarSeries(
        tape.instrument,
        stamps,
        price[starts],
        np.maximum.reduceat(price, starts),
        np.minimum.reduceat(price, starts),
        price[ends],
        volume,
        (known - signed) // 2,
        (known + signed) // 2,
    )
    return TickBars(series, ends - starts + 1, starts)


def time_bars(tape: Tape, seconds: int) -> TickBars:
    """Bars of ``seconds``: period ``[k·span, (k+1)·span)`` of UTC time, stamped at its end; no trade, no bar.

    A gap (a session's close to the next open, a halt) gives no empty bars.
    """
    span = _positive("seconds", seconds) * NS
    ts = tape.ts
    if not len(ts):
        return bars_at(tape, np.zeros(0, dtype=np.int64))
    first, last = int(ts[0]) // span, int(ts[-1]) // span
    if last - first < len(ts):  # fewer periods than trades: find where each period starts by bisection
        edges = np.searchsorted(ts, np.arange(first + 1, last + 1, dtype=np.int64) * span, side="left")
        starts = np.concatenate(([0], np.unique(edges[edges < len(ts)]))).astype(np.int64)
    else:
        period = ts // span
        starts = np.concatenate(([0], np.flatnonzero(period[1:] != period[:-1]) + 1)).astype(np.int64)
    return bars_at(tape, starts, (ts[starts] // span + 1) * span)


def tick_bars(tape: Tape, trades: int) -> TickBars:
    """Bars of ``trades`` trades each (the last one may hold fewer), stamped at their last trade."""
    starts = np.arange(0, len(tape), _positive("trades", trades), dtype=np.int64)
    return bars_at(tape, starts)


def volume_bars(tape: Tape, contracts: int) -> TickBars:
    """Bars closing on the trade that brings their volume to ``contracts`` or more (a trade is not split,
    so a bar may hold more; the next starts from zero); the last bar may hold fewer."""
    target = _positive("contracts", contracts)
    n = len(tape)
    cum = np.cumsum(tape.size)
    starts = []
    s = 0
    base = 0
    search = np.searchsorted
    while s < n:
        starts.append(s)
        s = int(search(cum, base + target, side="left")) + 1
        if s <= n:
            base = int(cum[s - 1])
    return bars_at(tape, np.array(starts, dtype=np.int64))


def range_bars(tape: Tape, ticks: int) -> TickBars:
    """Bars whose high - low stays within ``ticks`` ticks: the trade that would widen it beyond opens the next bar.

    A price jump larger than the range opens one bar at the new price (no bars are invented
    for the prices jumped over).
    """
    limit = _positive("ticks", ticks)
    price = tape.price
    if not len(price):
        return bars_at(tape, np.zeros(0, dtype=np.int64))
    # only a change of price can widen a bar: search the runs of equal prices (ES: one trade in ten or so)
    runs = np.concatenate(([0], np.flatnonzero(price[1:] != price[:-1]) + 1)).astype(np.int64)
    p = np.round(price[runs] / tape.instrument.tick_size).astype(np.int64)
    n = len(p)
    starts = []
    s = 0
    window = 64
    while s < n:
        starts.append(s)
        while True:
            seg = p[s:s + window]
            wide = (np.maximum.accumulate(seg) - np.minimum.accumulate(seg)) > limit
            j = int(wide.argmax())
            if wide[j]:
                window = max(64, 2 * j)
                s += j
                break
            if s + window >= n:
                s = n
                break
            window *= 2
    return bars_at(tape, runs[np.array(starts, dtype=np.int64)])
