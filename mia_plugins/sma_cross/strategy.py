"""Simple-moving-average crossover, incremental and vectorised."""

from __future__ import annotations

import math
from collections import deque
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
        # closes times 4 (exact: a power of two), so quarter-point prices are whole numbers
        self._fast: deque[float] = deque(maxlen=fast)
        self._slow: deque[float] = deque(maxlen=slow)
        self._previous_diff: float | None = None
        # While every close is on a quarter-point grid the window sums are whole numbers below 2**53, kept
        # exactly as running float sums: the same values as math.fsum over the windows, in O(1) per bar.
        self._exact = True
        self._sum_fast = self._sum_slow = 0.0
        self._largest = 2.0**52 / slow  # a scaled close above this could make a window sum inexact
        self._windows = (fast, slow)
        # set once both windows are full, the sums exact and a previous difference known: on_bar's short way
        self._warm = False

    def on_bar(self, bar: Bar, context: StrategyContext) -> Signal | None:
        """Update both averages with ``bar.close``; return a signal on a cross."""
        scaled = bar.close * 4.0
        fast, slow = self._fast, self._slow
        if self._warm:  # the usual bar: the same sums and comparisons as below, without the warm-up's tests
            largest = self._largest
            if -largest < scaled < largest and scaled.is_integer():
                fast_sum = self._sum_fast = self._sum_fast + (scaled - fast[0])
                slow_sum = self._sum_slow = self._sum_slow + (scaled - slow[0])
                fast.append(scaled)
                slow.append(scaled)
                fast_bars, slow_bars = self._windows
                diff = fast_sum / 4.0 / fast_bars - slow_sum / 4.0 / slow_bars
                previous: float = self._previous_diff  # type: ignore[assignment]  # known once warm
                if diff != 0:
                    self._previous_diff = diff
                    if diff > 0 > previous:
                        return Signal(ts=bar.ts, source=self.name, direction=_LONG,
                                      reason=self.signal_reasons[1])
                    if diff < 0 < previous:
                        return Signal(ts=bar.ts, source=self.name, direction=_SHORT,
                                      reason=self.signal_reasons[-1])
                return None
            self._warm = False
        return self._on_bar(bar, scaled, fast, slow)

    def _on_bar(self, bar: Bar, scaled: float, fast: deque[float], slow: deque[float]) -> Signal | None:
        """``on_bar`` during the warm-up, or with closes off the grid."""
        fast_bars, slow_bars = self._windows
        largest = self._largest
        if self._exact and -largest < scaled < largest and scaled.is_integer():
            self._sum_fast += scaled - fast[0] if len(fast) == fast_bars else scaled
            self._sum_slow += scaled - slow[0] if len(slow) == slow_bars else scaled
        else:  # off the grid: fsum from now on
            self._exact = False
        fast.append(scaled)
        slow.append(scaled)
        if len(slow) < slow_bars:
            return None
        if self._exact:
            fast_sum, slow_sum = self._sum_fast, self._sum_slow
        else:
            fast_sum, slow_sum = math.fsum(fast), math.fsum(slow)
        diff = fast_sum / 4.0 / fast_bars - slow_sum / 4.0 / slow_bars
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
