"""The equity curve of a portfolio: one point per mark, recorded now or computed later in bulk.

A backtest marks every bar, but between two fills the position, cash and cost do not
change, so each bar's equity is ``cash - cost + close * quantity * tick value``: a
line over the closes. :meth:`EquityCurve.defer` records only that (a run of bar indices
into a price series and the constants of the line), and the points are computed for
all deferred runs at once, with numpy, when anything reads the curve or its peak. The
points are exactly those of one ``Portfolio.mark`` per bar.
"""

from __future__ import annotations

from array import array

import numpy as np
import numpy.typing as npt

Ints = npt.NDArray[np.int64]
Ticks = npt.NDArray[np.int32] | npt.NDArray[np.int64]  # close ticks of a followed series (marks.follow_ticks)
SETTLE_EVERY = 65_536  # deferred bars computed at once, at most (a few MB of temporaries)
_NO_PRICES = np.empty(0, dtype=np.int64)


class EquityCurve:
    """Timestamps (UTC ns), equity (cents) and signed position of each mark, in order."""

    __slots__ = ("_closes", "_deferred", "_equity", "_held", "_position", "_runs", "_shared", "_span", "_span_end",
                 "_span_first", "_times", "_ts", "peak")

    def __init__(self, initial_cents: int) -> None:
        self._ts = array("q")
        self._equity = array("q")
        # the signed position as runs: ``_position[k]`` held for ``_held[k]`` points in a row (it changes only at
        # fills, so a million points are a few tens of thousands of runs instead of 8 MB)
        self._position = array("q")
        self._held = array("q")
        self.peak = initial_cents  # highest equity recorded (deferred runs count once computed)
        self._times: Ints = _NO_PRICES
        self._closes: Ticks = _NO_PRICES
        # deferred runs, five numbers each: first index, end index, quantity, cash - cost (cents), slope
        self._runs = array("q")
        self._deferred = 0  # bars in the deferred runs
        # the latest points' times as bars ``_span_first`` to ``_span_end - 1`` of a followed series' own times, not
        # copied: a backtest that marks every bar keeps no second copy of its series' timestamps
        self._span: Ints = _NO_PRICES
        self._span_first = 0
        self._span_end = 0
        self._shared = False  # read-only views of the buffers were handed out: copy them before the next write

    def _unshare(self) -> None:
        """New buffers for the next write: an ``array`` cannot grow while numpy views of it live."""
        self._ts = self._ts[:]
        self._equity = self._equity[:]
        self._shared = False

    def _flush_span(self) -> None:
        """Copy the span's times into the curve's own buffer (a point that is not the span's next bar follows)."""
        if self._span_end > self._span_first:
            if self._shared:
                self._unshare()
            self._ts.frombytes(self._span[self._span_first : self._span_end].tobytes())
        self._span = _NO_PRICES
        self._span_first = self._span_end = 0

    def append(self, ts: int, equity: int, quantity: int) -> None:
        """One point, now (after any deferred runs)."""
        if self._runs:
            self.settle()
        if self._span_end:
            self._flush_span()
        if self._shared:
            self._unshare()
        self._ts.append(ts)
        self._equity.append(equity)
        self._hold(quantity, 1)
        if equity > self.peak:
            self.peak = equity

    def extend(self, ts: Ints, closes: Ints, quantity: int, base: int, tick_value: int) -> int:
        """A point per ``ts`` at ``base + closes * quantity * tick_value``, now; returns the last equity."""
        if self._runs:
            self.settle()
        if self._span_end:
            self._flush_span()
        if self._shared:
            self._unshare()
        count = len(ts)
        self._ts.frombytes(ts.tobytes())
        self._hold(quantity, count)
        if not quantity:
            self._equity.extend(array("q", (base,)) * count)
            self.peak = max(self.peak, base)
            return base
        values = closes * (quantity * tick_value)
        values += base
        self._equity.frombytes(values.tobytes())
        self.peak = max(self.peak, int(values.max()))
        return int(values[-1])

    def follow(self, ts: Ints, closes: Ticks) -> None:
        """The price series (int64 ns and close ticks, int32 or int64) that :meth:`defer` indexes into."""
        if self._runs:
            self.settle()
        self._times = ts
        self._closes = closes

    def defer(self, first: int, end: int, quantity: int, base: int, tick_value: int) -> None:
        """Points for bars ``first`` to ``end - 1`` of the followed series, computed later.

        A run that continues the previous one with the same constants extends it.
        """
        runs = self._runs
        if runs and runs[-4] == first and runs[-3] == quantity and runs[-2] == base:
            runs[-4] = end
        else:
            runs.extend((first, end, quantity, base, quantity * tick_value))
        self._deferred += end - first
        if self._deferred >= SETTLE_EVERY:  # bounds the temporary arrays of one settle
            self.settle()

    def settle(self) -> None:
        """Compute the deferred runs' points, all at once, and fold them into the curve and its peak."""
        runs = self._runs
        if not runs:
            return
        self._runs = array("q")
        self._deferred = 0
        first, end, quantity, base, slope = np.frombuffer(runs, dtype=np.int64).reshape(-1, 5).T
        lengths = end - first
        total = int(lengths.sum())
        if not total:
            return
        if self._shared:
            self._unshare()
        starts = np.cumsum(lengths) - lengths
        index = np.arange(total, dtype=np.int64) + np.repeat(first - starts, lengths)
        equity = self._closes[index] * np.repeat(slope, lengths)
        equity += np.repeat(base, lengths)
        self._add_times(first, end, index)
        self._equity.frombytes(equity.tobytes())
        self._position.frombytes(quantity.tobytes())  # a run per deferred run (consecutive ones may repeat a value)
        self._held.frombytes(lengths.tobytes())
        self.peak = max(self.peak, int(equity.max()))

    def _add_times(self, first: Ints, end: Ints, index: Ints) -> None:
        """The settled runs' times: a longer span when they continue it bar after bar, else copied."""
        times = self._times
        if not bool(np.array_equal(first[1:], end[:-1])):  # gaps between the runs: copy their times
            self._flush_span()
            self._ts.frombytes(times[index].tobytes())
            return
        lo, hi = int(first[0]), int(end[-1])
        if not (self._span is times and self._span_end == lo):
            self._flush_span()
            self._span, self._span_first = times, lo
        self._span_end = hi

    def _hold(self, quantity: int, count: int) -> None:
        """``count`` more points at ``quantity`` contracts."""
        if not count:
            return
        held = self._held
        if held and self._position[-1] == quantity:
            held[-1] += count
        else:
            self._position.append(quantity)
            held.append(count)

    def times(self) -> Ints:
        """Every point's timestamp (UTC ns), read-only; later points do not change it.

        When every point so far is a bar of one followed series, in order and without a
        gap, this is a view of that series' own times (no copy).
        """
        self.settle()
        if self._span_end and not self._ts:
            view = self._span[self._span_first : self._span_end]
            view.flags.writeable = False
            return view
        self._flush_span()
        return self._view(self._ts)

    def equity(self) -> Ints:
        """Every point's equity (cents), read-only; later points do not change it."""
        self.settle()
        return self._view(self._equity)

    def positions(self) -> Ints:
        """Every point's signed position, read-only; later points do not change it (a new array each call)."""
        self.settle()
        if not self._held:
            return np.empty(0, dtype=np.int64)
        values = np.repeat(np.array(self._position, dtype=np.int64), np.array(self._held, dtype=np.int64))
        values.flags.writeable = False
        return values

    def _view(self, buffer: array[int]) -> Ints:
        """``buffer`` as a read-only array sharing its memory (no copy of a million points).

        The curve keeps writing to new buffers afterwards (:meth:`_unshare`), so the view
        stays what it was when handed out.
        """
        if not buffer:
            return np.empty(0, dtype=np.int64)
        self._shared = True
        view = np.frombuffer(buffer, dtype=np.int64)
        view.flags.writeable = False
        return view
