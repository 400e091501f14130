"""Bar-derived quantities the decision layer needs, in integer ticks, in both forms.

Everything is computed from prices converted to whole ticks, so window sums are exact
integers: the incremental tracker (running sums, constant work per bar) and the
vectorised arrays (cumulative sums) give bit-identical results, and every ratio built
from them is the same float in both forms.

Per bar ``t`` (windows end at ``t`` unless said otherwise):

- ``tr``: true range, ``max(high, prev close) - min(low, prev close)`` (first bar: high - low);
- ``atr_sum``: sum of ``tr`` over ``atr_period`` bars; ``long_atr_sum`` over ``volatility_period``;
- ``net``: ``|close[t] - close[t - efficiency_period]|``; ``path``: sum of ``|close[i] - close[i-1]|``
  over the same span (so ``net / path`` is Kaufman's efficiency ratio);
- ``drift``: the sign of ``close[t] - close[t - efficiency_period]``;
- ``ma_sum``: sum of closes over ``ma_period`` bars;
- ``prior_high``/``prior_low``: highest high / lowest low of the ``channel_period`` bars
  before ``t`` (bar ``t`` excluded);
- ``prev_*``: the previous bar's open, high, low and close.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import numpy as np
import numpy.typing as npt

from mia_core.compiled import runs_compiled
from mia_plugins.battle_navale.decision.settings import StatePeriods as StatePeriods

IntArray = npt.NDArray[np.int64]
#: True when this module runs compiled (setup.py): a loop over the channel then beats a call to max() or min()
COMPILED: Final = runs_compiled(__file__)
#: the fields of :class:`MarketState`, in the order its constructor takes them
FIELDS = (
    "open", "high", "low", "close", "prev_open", "prev_high", "prev_low", "prev_close",
    "atr_sum", "long_atr_sum", "net", "path", "drift", "ma_sum", "prior_high", "prior_low",
)


class MarketState:
    """The tracked quantities at one bar (see the module docstring); prices in ticks."""

    __slots__ = FIELDS

    def __init__(
        self, open: int, high: int, low: int, close: int, prev_open: int, prev_high: int, prev_low: int,
        prev_close: int, atr_sum: int, long_atr_sum: int, net: int, path: int, drift: int, ma_sum: int,
        prior_high: int, prior_low: int,
    ) -> None:
        self.open, self.high, self.low, self.close = open, high, low, close
        self.prev_open, self.prev_high, self.prev_low, self.prev_close = prev_open, prev_high, prev_low, prev_close
        self.atr_sum, self.long_atr_sum, self.net, self.path = atr_sum, long_atr_sum, net, path
        self.drift, self.ma_sum, self.prior_high, self.prior_low = drift, ma_sum, prior_high, prior_low

    @classmethod
    def of(cls, values: Mapping[str, int]) -> MarketState:
        """The state with ``values[name]`` for each of :data:`FIELDS`."""
        return cls(*(values[name] for name in FIELDS))


class StateTracker:
    """The incremental form: feed bars' tick prices one by one; constant work per bar.

    Window sums are running integer totals (exact); the prior channel's extremes are
    kept and the window scanned again only when its extreme leaves it.
    """

    def __init__(self, periods: StatePeriods) -> None:
        self.periods = periods
        self.reset()

    def reset(self) -> None:
        """Forget every bar."""
        p = self.periods
        # each window a ring of its length, zeros while it fills (so the value leaving a sum is 0 until it is full);
        # bar k (0-based) writes slot k % length (the moves, one fewer, slot (k - 1) % length)
        self._trs, self._long_trs = [0] * p.atr_period, [0] * p.volatility_period
        self._moves, self._ma = [0] * p.efficiency_period, [0] * p.ma_period
        self._tr_sum = self._long_tr_sum = self._move_sum = self._ma_sum = 0
        self._closes = [0] * p.efficiency_period  # the close a bar replaces is efficiency_period bars older
        self._highs, self._lows = [0] * p.channel_period, [0] * p.channel_period
        self._top = self._bottom = 0  # max(self._highs), min(self._lows) once they hold a bar
        self._prev: tuple[int, int, int, int] | None = None
        self._seen = 0
        self._warmup = p.warmup_bars

    def update(self, o: int, h: int, lo: int, c: int) -> MarketState | None:
        """Consume one bar (tick prices); the state at this bar, or None during warm-up."""
        prev = self._prev
        self._prev = (o, h, lo, c)
        k = self._seen
        if prev is None:
            tr = h - lo
        else:
            pc = prev[3]
            tr = (h if h > pc else pc) - (lo if lo < pc else pc)
            move = c - pc if c > pc else pc - c
            moves = self._moves
            j = (k - 1) % len(moves)
            self._move_sum += move - moves[j]
            moves[j] = move
        ring = self._trs
        j = k % len(ring)
        tr_sum = self._tr_sum = self._tr_sum + tr - ring[j]
        ring[j] = tr
        ring = self._long_trs
        j = k % len(ring)
        long_tr_sum = self._long_tr_sum = self._long_tr_sum + tr - ring[j]
        ring[j] = tr
        ring = self._ma
        j = k % len(ring)
        ma_sum = self._ma_sum = self._ma_sum + c - ring[j]
        ring[j] = c
        ring = self._closes
        j = k % len(ring)
        old_close = ring[j]  # a real close once a state is returned (warmup_bars > efficiency_period)
        ring[j] = c
        self._seen = k + 1
        state = None
        top, bottom = self._top, self._bottom
        if prev is not None and k + 1 >= self._warmup:
            change = c - old_close
            pvo, pvh, pvl, pvc = prev
            state = MarketState(o, h, lo, c, pvo, pvh, pvl, pvc, tr_sum, long_tr_sum, abs(change), self._move_sum,
                                (change > 0) - (change < 0), ma_sum, top, bottom)
        self._channel(k, h, lo, top, bottom)
        return state

    def _channel(self, k: int, h: int, lo: int, top: int, bottom: int) -> None:
        """Add bar ``k`` to the channel window, its extremes kept."""
        highs, lows = self._highs, self._lows
        j = k % len(highs)
        full = k >= len(highs)
        leaving_high, leaving_low = highs[j], lows[j]
        highs[j], lows[j] = h, lo
        if not k or h >= top:
            self._top = h
        elif full and leaving_high == top:  # the highest leaves the window
            self._top = highest(highs) if COMPILED else max(highs)
        if not k or lo <= bottom:
            self._bottom = lo
        elif full and leaving_low == bottom:
            self._bottom = lowest(lows) if COMPILED else min(lows)


def highest(values: list[int]) -> int:
    """``max(values)`` of a list that is not empty, as a loop (compiled, it needs no call)."""
    top = values[0]
    for value in values:
        if value > top:
            top = value
    return top


def lowest(values: list[int]) -> int:
    """``min(values)`` of a list that is not empty, as a loop (compiled, it needs no call)."""
    bottom = values[0]
    for value in values:
        if value < bottom:
            bottom = value
    return bottom


def _window_sums(values: IntArray, length: int) -> IntArray:
    sums = np.cumsum(values)
    out = sums.copy()
    out[length:] = sums[length:] - sums[:-length]
    return out


def _shifted(values: IntArray, by: int) -> IntArray:
    out = np.zeros_like(values)
    if by < len(values):
        out[by:] = values[: len(values) - by]
    return out


def _prior_extreme(values: IntArray, length: int, highest: bool) -> IntArray:
    out = np.zeros_like(values)
    if len(values) > length:
        windows = np.lib.stride_tricks.sliding_window_view(values[:-1], length)
        out[length:] = windows.max(axis=1) if highest else windows.min(axis=1)
    return out


def state_arrays(o: IntArray, h: IntArray, lo: IntArray, c: IntArray, periods: StatePeriods) -> dict[str, IntArray]:
    """The vectorised form: one array per ``MarketState`` field (meaningless before warm-up)."""
    n = len(c)
    prev_close = _shifted(c, 1)
    tr = np.maximum(h, prev_close) - np.minimum(lo, prev_close)
    if n:
        tr[0] = h[0] - lo[0]
    moves = np.abs(c - prev_close)
    if n:
        moves[0] = 0
    change = c - _shifted(c, periods.efficiency_period)
    return {
        "open": o, "high": h, "low": lo, "close": c,
        "prev_open": _shifted(o, 1), "prev_high": _shifted(h, 1), "prev_low": _shifted(lo, 1), "prev_close": prev_close,
        "atr_sum": _window_sums(tr, periods.atr_period),
        "long_atr_sum": _window_sums(tr, periods.volatility_period),
        "net": np.abs(change),
        "path": _window_sums(moves, periods.efficiency_period),
        "drift": np.sign(change),
        "ma_sum": _window_sums(c, periods.ma_period),
        "prior_high": _prior_extreme(h, periods.channel_period, True),
        "prior_low": _prior_extreme(lo, periods.channel_period, False),
    }


def warm(n: int, periods: StatePeriods) -> npt.NDArray[np.bool_]:
    """True at the bars where the tracker returns a state."""
    return np.arange(n) >= max(periods.warmup_bars - 1, 1)
