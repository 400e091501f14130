"""Support and resistance: the prior window's extremes and the distance of close to the nearest one."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Mapping
from typing import Final

import numpy as np

from mia_core.calc.outputs import Outputs
from mia_core.calc.rolling import lag, rolling_max, rolling_min, rolling_sum, true_range
from mia_core.calc.technique_base import NAN, FloatArray, safe_div_array
from mia_core.compiled import runs_compiled
from mia_core.market import Bar
from mia_core.series import BarSeries
from mia_plugins.battle_navale.features.base import BarFeature
from mia_plugins.battle_navale.features.settings import SupportResistanceConfig as SupportResistanceConfig

#: True when this module runs compiled (setup.py): a loop over the window then beats a call to max() or min()
COMPILED: Final = runs_compiled(__file__)


def _highest(values: deque[float]) -> float:
    """``max(values)`` of finite values, as a loop (compiled, it needs no call)."""
    top = -math.inf
    for value in values:
        if value > top:
            top = value
    return top


def _lowest(values: deque[float]) -> float:
    """``min(values)`` of finite values, as a loop (compiled, it needs no call)."""
    bottom = math.inf
    for value in values:
        if value < bottom:
            bottom = value
    return bottom


def _score(close: float, support: float, resistance: float, room: bool) -> float:
    if room:
        width = resistance - support
        return min(1.0, max(0.0, 1.0 - (close - support) / width)) if width > 0 else 0.5
    if close > resistance:
        return 1.0
    if close < support:
        return 0.0
    width = resistance - support
    return 1.0 - (close - support) / width if width > 0 else 0.5


class SupportResistance(BarFeature):
    """Support = lowest low, resistance = highest high of the ``lookback`` bars before this one.

    ``distance_support_atr = (close - support) / atr``, ``distance_resistance_atr =
    (resistance - close) / atr`` (negative once broken), ``nearest_atr`` the smaller of
    the two, ``atr`` the mean true range over ``lookback``. ``score``: 1 above resistance
    (breakout), 0 below support (breakdown), else ``1 - position`` in the channel, so a
    close at support (a bounce zone) scores 1 and a close at resistance 0.
    """

    name = "support_resistance"
    outputs = ("score", "support", "resistance", "distance_support_atr", "distance_resistance_atr", "nearest_atr",
               "atr")

    def __init__(self, config: SupportResistanceConfig | None = None) -> None:
        self.config = config or SupportResistanceConfig()
        self.warmup_bars = self.config.lookback + 1
        super().__init__()

    def _reset(self) -> None:
        n = self._lookback = self.config.lookback  # read on every bar: a native field, not an attrs lookup
        # the window's highs and lows with their extremes kept (scanned again only when the extreme leaves)
        self._highs: deque[float] = deque(maxlen=n)
        self._lows: deque[float] = deque(maxlen=n)
        self._top, self._bottom = -math.inf, math.inf
        self._trs: deque[float] = deque([0.0], maxlen=n + 1)  # RollingSum's running totals of the true range
        self._prev_close = NAN  # TrueRange, inline: the first bar's range is high - low
        self._resistance = self._support = NAN
        self._count = 0
        self._room = self.config.score_mode == "room"

    def update(self, bar: Bar) -> Outputs:
        """Consume the next closed bar; every output's value (NaN during warm-up)."""
        support, resistance = self._support, self._resistance
        high, low, close = bar.high, bar.low, bar.close
        n = self._lookback
        count = self._count
        if count < n:
            count = self._count = count + 1
        prev, self._prev_close = self._prev_close, close
        tr = high - low if prev != prev else (prev if prev > high else high) - (prev if prev < low else low)
        trs = self._trs
        total = trs[-1] + tr
        trs.append(total)
        atr = (total - trs[0]) / count
        self._resistance, self._support = self._extremes(high, low)
        if atr > 0:  # safe_div
            to_support, to_resistance = (close - support) / atr, (resistance - close) / atr
        else:
            to_support = to_resistance = 0.0
        nearest = to_resistance if to_resistance < to_support else to_support
        values = Outputs(self._names, (_score(close, support, resistance, self._room), support, resistance, to_support,
                                       to_resistance, nearest, atr))
        return self._warm(values) if self._warming else values

    def _extremes(self, high: float, low: float) -> tuple[float, float]:
        """The highest high and lowest low of the last ``lookback`` bars, this one included."""
        highs, lows = self._highs, self._lows
        leaving_high, leaving_low = (highs[0], lows[0]) if len(highs) == self._lookback else (NAN, NAN)
        highs.append(high)
        lows.append(low)
        top, bottom = self._top, self._bottom
        if high >= top:
            top = self._top = high
        elif leaving_high == top:  # the highest leaves the window
            top = self._top = _highest(highs) if COMPILED else max(highs)
        if low <= bottom:
            bottom = self._bottom = low
        elif leaving_low == bottom:
            bottom = self._bottom = _lowest(lows) if COMPILED else min(lows)
        return top, bottom

    def _columns(self, bars: BarSeries) -> Mapping[str, FloatArray]:
        n, close = self.config.lookback, bars.close
        count = np.minimum(np.arange(1, len(bars) + 1), n).astype(np.float64)
        atr = rolling_sum(true_range(bars.high, bars.low, close), n) / count
        resistance, support = lag(rolling_max(bars.high, n), 1), lag(rolling_min(bars.low, n), 1)
        to_support = safe_div_array(close - support, atr)
        to_resistance = safe_div_array(resistance - close, atr)
        width = resistance - support
        inside = np.where(width > 0, 1.0 - safe_div_array(close - support, width), 0.5)
        if self.config.score_mode == "room":
            score = np.where(width > 0, np.minimum(1.0, np.maximum(0.0, inside)), 0.5)
        else:
            score = np.where(close > resistance, 1.0, np.where(close < support, 0.0, inside))
        return {"score": score, "support": support, "resistance": resistance, "distance_support_atr": to_support,
                "distance_resistance_atr": to_resistance, "nearest_atr": np.minimum(to_support, to_resistance),
                "atr": atr}
