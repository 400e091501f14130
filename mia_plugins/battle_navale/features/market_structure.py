"""Market structure: confirmed swing highs and lows, higher highs / lower lows, and breaks of structure."""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from itertools import islice
from typing import Final

import numpy as np

from mia_core.calc.outputs import Outputs
from mia_core.calc.rolling import rolling_max, rolling_min
from mia_core.calc.technique_base import NAN, FloatArray
from mia_core.compiled import runs_compiled
from mia_core.market import Bar
from mia_core.series import BarSeries
from mia_plugins.battle_navale.features.base import BarFeature
from mia_plugins.battle_navale.features.settings import MarketStructureConfig as MarketStructureConfig


def _last_two(confirmed: np.ndarray, values: FloatArray) -> tuple[FloatArray, FloatArray]:
    """The latest and the previous pivot value known at each bar (NaN before there is one)."""
    found = values[confirmed]
    count = np.cumsum(confirmed)
    padded = np.concatenate(([np.nan, np.nan], found))
    return padded[count + 1], padded[count]


#: True when this module runs compiled (setup.py): a loop that stops early then beats max() over the window
COMPILED: Final = runs_compiled(__file__)


def _peak(window: deque[float], center: float, k: int) -> bool:
    """``center >= max(window) and center > max(window[:k])``, stopping at the first value that says no."""
    return all(value <= center and (i >= k or value != center) for i, value in enumerate(window))


def _peak_below(window: deque[float], center: float, k: int) -> bool:
    """``center <= min(window) and center < min(window[:k])``, stopping at the first value that says no."""
    return all(value >= center and (i >= k or value != center) for i, value in enumerate(window))


class MarketStructure(BarFeature):
    """Swing points of ``strength`` k, confirmed k bars after they form (so never looked ahead).

    Bar ``i`` is a swing high when its high exceeds the k highs before it and is not
    exceeded by the k highs after it (mirror for swing lows); it becomes known at bar
    ``i + k``. With the latest (1) and previous (2) confirmed swings:
    ``higher_high = sh1 > sh2``, ``lower_low = sl1 < sl2``, ``trend`` +1 when
    ``sh1 > sh2`` and ``sl1 > sl2``, -1 when ``sh1 < sh2`` and ``sl1 < sl2``, else 0;
    ``break`` +1 when close is above ``sh1``, -1 below ``sl1`` (0 when both or neither);
    ``score = 0.5 + 0.25 * trend + 0.25 * break``. Swing levels are NaN until one is confirmed.
    """

    name = "market_structure"
    outputs = ("score", "trend", "higher_high", "lower_low", "break", "swing_high", "swing_low")

    def __init__(self, config: MarketStructureConfig | None = None) -> None:
        self.config = config or MarketStructureConfig()
        self.warmup_bars = 2 * self.config.strength + 1
        super().__init__()

    def _reset(self) -> None:
        self._k: int = self.config.strength  # read on every bar: a native field, not an attrs lookup
        size = 2 * self._k + 1
        self._highs: deque[float] = deque(maxlen=size)
        self._lows: deque[float] = deque(maxlen=size)
        self._sh1 = self._sh2 = self._sl1 = self._sl2 = NAN

    def update(self, bar: Bar) -> Outputs:
        """Consume the next closed bar; every output's value (NaN during warm-up)."""
        k = self._k
        highs, lows = self._highs, self._lows
        highs.append(bar.high)
        lows.append(bar.low)
        if len(highs) == 2 * k + 1:
            # a swing high is not exceeded in the window (the k after it included) and exceeds the k before it
            high, low = highs[k], lows[k]
            if _peak(highs, high, k) if COMPILED else high >= max(highs) and high > max(islice(highs, k)):
                self._sh2, self._sh1 = self._sh1, high
            if _peak_below(lows, low, k) if COMPILED else low <= min(lows) and low < min(islice(lows, k)):
                self._sl2, self._sl1 = self._sl1, low
        sh1, sh2, sl1, sl2 = self._sh1, self._sh2, self._sl1, self._sl2
        trend = 1.0 if sh1 > sh2 and sl1 > sl2 else -1.0 if sh1 < sh2 and sl1 < sl2 else 0.0
        close = bar.close
        brk = (1.0 if close > sh1 else 0.0) - (1.0 if close < sl1 else 0.0)
        higher_high, lower_low = 1.0 if sh1 > sh2 else 0.0, 1.0 if sl1 < sl2 else 0.0
        values = Outputs(self._names, (0.5 + 0.25 * trend + 0.25 * brk, trend, higher_high, lower_low, brk, sh1, sl1))
        return self._warm(values) if self._warming else values

    def _columns(self, bars: BarSeries) -> Mapping[str, FloatArray]:
        k, n = self.config.strength, len(bars)
        high, low, close = bars.high, bars.low, bars.close
        t = np.arange(n)
        ready = t >= 2 * k
        rmax, rmin = rolling_max(high, k), rolling_min(low, k)
        cand = np.maximum(t - k, 0)
        left = np.maximum(t - k - 1, 0)
        is_high = ready & (high[cand] > rmax[left]) & (high[cand] >= rmax)
        is_low = ready & (low[cand] < rmin[left]) & (low[cand] <= rmin)
        sh1, sh2 = _last_two(is_high, high[cand])
        sl1, sl2 = _last_two(is_low, low[cand])
        trend = np.where((sh1 > sh2) & (sl1 > sl2), 1.0, np.where((sh1 < sh2) & (sl1 < sl2), -1.0, 0.0))
        brk = np.where(close > sh1, 1.0, 0.0) - np.where(close < sl1, 1.0, 0.0)
        return {"score": 0.5 + 0.25 * trend + 0.25 * brk, "trend": trend, "higher_high": np.where(sh1 > sh2, 1.0, 0.0),
                "lower_low": np.where(sl1 < sl2, 1.0, 0.0), "break": brk, "swing_high": sh1, "swing_low": sl1}
