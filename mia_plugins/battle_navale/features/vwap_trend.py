"""VWAP trend: where close sits against a rolling volume-weighted average price, and where that VWAP heads."""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping

import attrs
import numpy as np

from mia_core.calc.rolling import RollingSum, lag, rolling_sum, true_range
from mia_core.calc.technique_base import NAN, Feature, FloatArray, clip, safe_div, safe_div_array
from mia_core.market import Bar
from mia_core.series import BarSeries
from mia_core.validation import ATR_MULTIPLE, BARS, MAX_BARS, within


@attrs.frozen
class VwapTrendConfig:
    """Settings of ``vwap_trend``: windows in bars and the ATR distances that saturate the score."""

    window: int = attrs.field(default=20, validator=within(2, MAX_BARS))
    slope_bars: int = attrs.field(default=5, validator=BARS)
    distance_scale: float = attrs.field(default=2.0, validator=ATR_MULTIPLE)
    slope_scale: float = attrs.field(default=1.0, validator=ATR_MULTIPLE)


class VwapTrend(Feature):
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
        n = self.config.window
        self._pv, self._tp, self._v, self._tr = RollingSum(n), RollingSum(n), RollingSum(n), RollingSum(n)
        self._prev_close = NAN  # TrueRange, inline: the first bar's range is high - low
        self._vwaps: deque[float] = deque(maxlen=self.config.slope_bars + 1)
        self._count = 0

    def _values(self, bar: Bar) -> dict[str, float]:
        cfg = self.config
        count = self._count
        if count < cfg.window:
            count = self._count = count + 1
        high, low, close, volume = bar.high, bar.low, bar.close, bar.volume
        tp3 = high + low + close
        pv = self._pv.push(tp3 * volume)
        tp = self._tp.push(tp3)
        v = self._v.push(volume)
        prev, self._prev_close = self._prev_close, close
        tr = high - low if prev != prev else max(high, prev) - min(low, prev)
        atr = self._tr.push(tr) / count
        vwap = pv / (3.0 * v) if v > 0 else tp / (3.0 * count)
        vwaps = self._vwaps
        vwaps.append(vwap)
        old = vwaps[0] if len(vwaps) > cfg.slope_bars else NAN
        distance = safe_div(close - vwap, atr)
        slope = safe_div(vwap - old, atr)
        score = 0.5 + 0.25 * clip(distance / cfg.distance_scale) + 0.25 * clip(slope / cfg.slope_scale)
        return {"score": score, "vwap": vwap, "distance_atr": distance, "slope_atr": slope, "atr": atr}

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
