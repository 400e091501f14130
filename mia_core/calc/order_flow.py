"""Order flow of a bar: recorded bid/ask volume, or an estimate when the source has none.

Delta is buying minus selling volume (``ask_volume - bid_volume``). When a bar lacks
bid/ask volume (daily bars, most vendors' history) it is estimated:

- close location value: ``delta = volume * (2*close - high - low) / (high - low)``, i.e.
  the whole volume counts as buying at a close on the high and as selling at a close on
  the low;
- tick rule for a bar without range (``high == low``): the whole volume is signed by the
  last non-zero change of close (0 before any change).

Every output built on it carries an ``estimated`` flag (1.0 estimated, 0.0 recorded).
"""

from __future__ import annotations

import numpy as np

from mia_core.calc.technique_base import FloatArray
from mia_core.market import Bar
from mia_core.series import BarSeries


class FlowEstimator:
    """Incremental delta per bar: recorded when the bar has bid/ask volume, else estimated."""

    __slots__ = ("_prev_close", "_sign")

    def __init__(self) -> None:
        self._prev_close: float | None = None
        self._sign = 0.0

    def push(self, bar: Bar) -> tuple[float, float]:
        """The bar's ``(delta, estimated)``; ``estimated`` is 1.0 when derived, 0.0 when recorded."""
        close, prev = bar.close, self._prev_close
        if prev is not None and close != prev:
            self._sign = 1.0 if close > prev else -1.0
        self._prev_close = close
        bid, ask = bar.bid_volume, bar.ask_volume
        if bid is not None and ask is not None:
            return ask - bid, 0.0
        high, low = bar.high, bar.low
        span = high - low
        if span > 0:
            return bar.volume * ((2.0 * close - high - low) / span), 1.0
        return self._sign * bar.volume, 1.0


def tick_rule_sign(close: FloatArray) -> FloatArray:
    """Sign of the last non-zero change of close up to each bar (0 before the first change)."""
    change = np.sign(np.diff(close, prepend=close[:1]))
    marks = np.where(change != 0, np.arange(len(close)), 0)
    last = np.maximum.accumulate(marks) if len(close) else marks
    return np.where(last > 0, change[last], 0.0)


def estimate_delta(bars: BarSeries) -> tuple[FloatArray, FloatArray]:
    """Vectorised :class:`FlowEstimator`: ``(delta, estimated)`` arrays."""
    high, low, close, volume = bars.high, bars.low, bars.close, bars.volume
    span = high - low
    clv = (2.0 * close - high - low) / np.where(span > 0, span, 1.0)
    derived = np.where(span > 0, volume * clv, tick_rule_sign(close) * volume)
    if bars.bid_volume is None or bars.ask_volume is None:
        return derived, np.ones(len(bars))
    recorded = ~(np.isnan(bars.bid_volume) | np.isnan(bars.ask_volume))
    delta = np.where(recorded, bars.ask_volume - bars.bid_volume, derived)
    return delta, np.where(recorded, 0.0, 1.0)
