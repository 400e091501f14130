"""Simple-moving-average crossover, incremental and vectorised."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import ClassVar

import attrs
import numpy as np
import numpy.typing as npt

from mia_core.market import Bar
from mia_core.series import BarSeries
from mia_core.signals import Direction, Signal
from mia_core.validation import BARS, MAX_BARS, within
from ports.context import StrategyContext

_LONG, _SHORT = Direction.LONG, Direction.SHORT  # read once (an Enum class's attributes are slow on 3.11)


def _check_windows(instance: SmaCrossConfig, attribute: attrs.Attribute[int], value: int) -> None:
    if value <= instance.fast:
        raise ValueError(f"slow ({value}) must be greater than fast ({instance.fast})")


@attrs.frozen
class SmaCrossConfig:
    """Settings of ``sma_cross``: the two window lengths, in bars."""

    fast: int = attrs.field(default=10, validator=BARS)
    slow: int = attrs.field(default=30, validator=[within(2, MAX_BARS), _check_windows])


class SmaCrossStrategy:
    """LONG when the fast SMA crosses above the slow one, SHORT when it crosses below.

    A cross is judged on closed bars only: at bar ``t`` the signal fires when
    ``fast[t] > slow[t]`` and the last non-zero difference before ``t`` was negative
    (and the mirror for SHORT): the rule of backtrader's ``CrossOver`` indicator, so
    touching without crossing is not a cross.
    """

    # why each direction fires, for on_bar's signals and the vectorised path's alike
    signal_reasons: ClassVar[Mapping[int, str]] = {1: "fast SMA crossed above slow", -1: "fast SMA crossed below slow"}

    def __init__(self, config: SmaCrossConfig, name: str = "sma_cross") -> None:
        self.name = name
        self.config = config
        self.reset()

    @property
    def warmup_bars(self) -> int:
        """Bars before the first possible cross: the slow average's window and one bar to compare with."""
        return self.config.slow + 1

    def reset(self) -> None:
        """Forget all bars."""
        fast, slow = self.config.fast, self.config.slow
        # Closes times 4 (exact: a power of two), so quarter-point prices are whole numbers. The last ``slow``
        # of them sit in a ring: ``_ring[_at]`` is the close leaving the slow window on the next bar and
        # ``_ring[_at - fast]`` (a negative index wraps) the one leaving the fast window (fast < slow).
        self._ring: list[float] = [0.0] * slow
        self._at = 0
        self._after = [*range(1, slow), 0]  # the slot after each one, round the ring
        self._count = 0  # closes seen, up to ``slow``
        self._previous_diff: float | None = None
        # While every close is on a quarter-point grid the window sums are whole numbers below 2**53, kept
        # exactly as running float sums: the same values as math.fsum over the windows, in O(1) per bar.
        self._exact = True
        self._sum_fast = self._sum_slow = 0.0
        self._largest = 2.0**52 / slow  # a scaled close above this could make a window sum inexact
        self._smallest = -self._largest
        self._fast_bars, self._slow_bars = fast, slow
        # set once both windows are full, the sums exact and a previous difference known: on_bar's short way
        self._warm = False

    def on_bar(self, bar: Bar, context: StrategyContext) -> Signal | None:
        """Update both averages with ``bar.close``; return a signal on a cross."""
        scaled = bar.close * 4.0
        # the usual bar: the same sums and comparisons as _on_bar, without the warm-up's tests (float
        # comparisons with float constants, one at a time, are the ones Python 3.11 runs fastest)
        if self._warm and scaled < self._largest and scaled > self._smallest and scaled.is_integer():
            ring = self._ring
            at = self._at
            fast_bars = self._fast_bars
            fast_sum = self._sum_fast = self._sum_fast + (scaled - ring[at - fast_bars])
            slow_sum = self._sum_slow = self._sum_slow + (scaled - ring[at])
            ring[at] = scaled
            self._at = self._after[at]
            # fast_sum / 4.0 / fast_bars - slow_sum / 4.0 / slow_bars, exactly: a power of two scales
            # every rounding alike (tests/decision/test_sma_cross_sums.py)
            diff = (fast_sum / fast_bars - slow_sum / self._slow_bars) * 0.25
            if diff != 0.0:
                previous: float = self._previous_diff  # type: ignore[assignment]  # known once warm
                self._previous_diff = diff
                if diff > 0.0:
                    if previous < 0.0:
                        return Signal(ts=bar.ts, source=self.name, direction=_LONG, reason=self.signal_reasons[1])
                elif previous > 0.0:
                    return Signal(ts=bar.ts, source=self.name, direction=_SHORT, reason=self.signal_reasons[-1])
            return None
        return self._on_bar(bar, scaled)

    def _on_bar(self, bar: Bar, scaled: float) -> Signal | None:
        """``on_bar`` during the warm-up, or with closes off the grid."""
        fast_bars, slow_bars = self._fast_bars, self._slow_bars
        ring, at, count = self._ring, self._at, self._count
        if self._exact and self._smallest < scaled < self._largest and scaled.is_integer():
            self._sum_fast += scaled - ring[at - fast_bars] if count >= fast_bars else scaled
            self._sum_slow += scaled - ring[at] if count >= slow_bars else scaled
        else:  # off the grid: fsum from now on
            self._exact = False
        ring[at] = scaled
        at = self._at = 0 if at + 1 == slow_bars else at + 1
        if count < slow_bars:
            count = self._count = count + 1
            if count < slow_bars:
                return None
        if self._exact:
            fast_sum, slow_sum = self._sum_fast, self._sum_slow
        else:  # the last fast_bars closes end just before ``at`` (math.fsum's sum is exact, in any order)
            fast_sum = math.fsum(ring[at - fast_bars:at] if at >= fast_bars else ring[at - fast_bars:] + ring[:at])
            slow_sum = math.fsum(ring)
        diff = (fast_sum / fast_bars - slow_sum / slow_bars) * 0.25
        previous = self._previous_diff
        if diff != 0 or previous is None:
            self._previous_diff = diff
        if previous is None:
            return None
        self._warm = self._exact
        if diff > 0 > previous:
            return Signal(ts=bar.ts, source=self.name, direction=_LONG, reason=self.signal_reasons[1])
        if diff < 0 < previous:
            return Signal(ts=bar.ts, source=self.name, direction=_SHORT, reason=self.signal_reasons[-1])
        return None

    def target_directions(self, bars: BarSeries) -> npt.NDArray[np.int8]:
        """Vectorised form: +1/-1 at bars where ``on_bar`` would signal LONG/SHORT, else 0."""
        close = bars.close
        out = np.zeros(len(close), dtype=np.int8)
        if len(close) <= self.config.slow:
            return out
        fast = _rolling_mean(close, self.config.fast)
        slow = _rolling_mean(close, self.config.slow)
        diff = fast - slow
        # the last non-zero difference strictly before each bar (zeros carry the previous value)
        filled = diff.copy()
        first = self.config.slow - 1
        marks = np.where((filled != 0) | (np.arange(len(filled)) == first), np.arange(len(filled)), 0)
        filled = filled[np.maximum.accumulate(marks)]
        prev = np.empty_like(filled)
        prev[0] = np.nan
        prev[1:] = filled[:-1]
        valid = np.arange(len(close)) >= self.config.slow
        out[valid & (diff > 0) & (prev < 0)] = 1
        out[valid & (diff < 0) & (prev > 0)] = -1
        return out


def _rolling_mean(values: npt.NDArray[np.float64], window: int) -> npt.NDArray[np.float64]:
    """Window means with the same rounding as ``math.fsum`` would give for prices on a tick grid.

    Prices on a binary-exact grid (0.25) sum exactly in float64 below 2**53 quarter
    ticks, so a cumulative sum of the scaled integers is exact and matches fsum.
    """
    out = np.full(len(values), np.nan)
    scaled = values * 4.0
    if np.all(scaled == np.round(scaled)) and np.abs(scaled).sum() < 2**52:
        sums = np.cumsum(scaled)
        window_sums = sums[window - 1 :] - np.concatenate(([0.0], sums[:-window]))
        out[window - 1 :] = window_sums / 4.0 / window
        return out
    kernel = np.lib.stride_tricks.sliding_window_view(values, window)
    out[window - 1 :] = np.array([math.fsum(row) for row in kernel]) / window
    return out
