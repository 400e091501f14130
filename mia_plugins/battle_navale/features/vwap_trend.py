"""VWAP trend: where close sits against a rolling volume-weighted average price, and where that VWAP heads."""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping

import numpy as np

from mia_core.calc.outputs import Outputs
from mia_core.calc.rolling import lag, rolling_sum, true_range
from mia_core.calc.technique_base import NAN, FloatArray, safe_div_array
from mia_core.market import Bar
from mia_core.series import BarSeries
from mia_plugins.battle_navale.features.base import BarFeature
from mia_plugins.battle_navale.features.settings import VwapTrendConfig as VwapTrendConfig


class VwapTrend(BarFeature):
    """Rolling VWAP of typical price over ``window`` bars; distance and slope in ATRs.

    ``vwap = sum((h+l+c) * v) / (3 * sum(v))`` (the mean typical price when the window
    traded nothing); ``atr`` is the mean true range over ``window``;
    ``distance_atr = (close - vwap) / atr``; ``slope_atr = (vwap - vwap[t - slope_bars]) / atr``;
    ``score = 0.5 + 0.25 * clip(distance_atr / distance_scale) + 0.25 * clip(slope_atr / slope_scale)``.
    """

    name = "vwap_trend"
    outputs = ("score", "vwap", "distance_atr", "slope_atr", "atr")

    def __init__(self, config: VwapTrendConfig | None = None) -> None:
        self.config = config or VwapTrendConfig()
        self.warmup_bars = self.config.window + self.config.slope_bars
        super().__init__()

    def _reset(self) -> None:
        cfg = self.config  # the settings update reads, kept as native fields (an attrs read costs a lookup per bar)
        self._window: int = cfg.window
        self._slope_bars: int = cfg.slope_bars
        self._distance_scale: float = cfg.distance_scale
        self._slope_scale: float = cfg.slope_scale
        # RollingSum's running totals, inline for the four sums of one window: (pv, tp, v, tr) after each bar
        self._totals = (0.0, 0.0, 0.0, 0.0)
        self._sums: deque[tuple[float, float, float, float]] = deque([self._totals], maxlen=self.config.window + 1)
        self._prev_close = NAN  # TrueRange, inline: the first bar's range is high - low
        self._vwaps: deque[float] = deque(maxlen=self.config.slope_bars + 1)
        self._count = 0

    def update(self, bar: Bar) -> Outputs:
        """Consume the next closed bar; every output's value (NaN during warm-up)."""
        count = self._count
        if count < self._window:
            count = self._count = count + 1
        high, low, close, volume = bar.high, bar.low, bar.close, bar.volume
        tp3 = high + low + close
        prev, self._prev_close = self._prev_close, close
        tr = high - low if prev != prev else (prev if prev > high else high) - (prev if prev < low else low)
        pv_t, tp_t, v_t, tr_t = self._totals
        totals = self._totals = (pv_t + tp3 * volume, tp_t + tp3, v_t + volume, tr_t + tr)
        sums = self._sums
        sums.append(totals)
        pv_0, tp_0, v_0, tr_0 = sums[0]
        atr = (totals[3] - tr_0) / count
        v = totals[2] - v_0
        vwap = (totals[0] - pv_0) / (3.0 * v) if v > 0 else (totals[1] - tp_0) / (3.0 * count)
        vwaps = self._vwaps
        vwaps.append(vwap)
        old = vwaps[0] if len(vwaps) > self._slope_bars else NAN
        distance = (close - vwap) / atr if atr > 0 else 0.0  # safe_div
        slope = (vwap - old) / atr if atr > 0 else 0.0
        d, s = distance / self._distance_scale, slope / self._slope_scale  # each clipped to [-1, 1] below
        score = 0.5 + 0.25 * (-1.0 if d < -1.0 else 1.0 if d > 1.0 else d) + 0.25 * (
            -1.0 if s < -1.0 else 1.0 if s > 1.0 else s)
        values = Outputs(self._names, (score, vwap, distance, slope, atr))
        return self._warm(values) if self._warming else values

    def _columns(self, bars: BarSeries) -> Mapping[str, FloatArray]:
        n, cfg = self.config.window, self.config
        count = np.minimum(np.arange(1, len(bars) + 1), n).astype(np.float64)
        tp3 = bars.high + bars.low + bars.close
        pv = rolling_sum(tp3 * bars.volume, n)
        tp = rolling_sum(tp3, n)
        v = rolling_sum(bars.volume, n)
        atr = rolling_sum(true_range(bars.high, bars.low, bars.close), n) / count
        vwap = np.where(v > 0, pv / (3.0 * np.where(v > 0, v, 1.0)), tp / (3.0 * count))
        distance = safe_div_array(bars.close - vwap, atr)
        slope = safe_div_array(vwap - lag(vwap, cfg.slope_bars), atr)
        score = 0.5 + 0.25 * np.clip(distance / cfg.distance_scale, -1, 1)
        score = score + 0.25 * np.clip(slope / cfg.slope_scale, -1, 1)
        return {"score": score, "vwap": vwap, "distance_atr": distance, "slope_atr": slope, "atr": atr}
