"""Volatility regime: short ATR against long ATR, classified low / normal / high."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
import numpy as np

from mia_core.calc.rolling import RollingSum, TrueRange, rolling_sum, true_range
from mia_core.calc.technique_base import Feature, FloatArray, safe_div, safe_div_array
from mia_core.market import Bar
from mia_core.series import BarSeries
from mia_core.validation import BARS, MAX_BARS, RATIO, within

LOW, NORMAL, HIGH = 0.0, 1.0, 2.0


def _slow_after_fast(instance: Any, attribute: attrs.Attribute[int], value: int) -> None:
    if value <= instance.fast:
        raise ValueError(f"slow ({value}) must be greater than fast ({instance.fast})")


def _high_after_low(instance: Any, attribute: attrs.Attribute[float], value: float) -> None:
    if value <= instance.low_ratio:
        raise ValueError(f"high_ratio ({value}) must be greater than low_ratio ({instance.low_ratio})")


@attrs.frozen
class VolatilityRegimeConfig:
    """Settings of ``volatility_regime``: ATR windows in bars and the ratio thresholds."""

    fast: int = attrs.field(default=14, validator=BARS)
    slow: int = attrs.field(default=100, validator=[within(2, MAX_BARS), _slow_after_fast])
    low_ratio: float = attrs.field(default=0.8, validator=RATIO)
    high_ratio: float = attrs.field(default=1.25, validator=[RATIO, _high_after_low])


class VolatilityRegime(Feature):
    """``ratio = atr_fast / atr_slow`` (mean true ranges over ``fast`` and ``slow`` bars).

    ``regime`` 0 low (``ratio < low_ratio``), 1 normal, 2 high (``ratio > high_ratio``);
    ``ratio`` is 1 when the slow ATR is 0. Not directional: no score.
    """

    name = "volatility_regime"
    outputs = ("regime", "ratio", "atr_fast", "atr_slow")

    def __init__(self, config: VolatilityRegimeConfig | None = None) -> None:
        self.config = config or VolatilityRegimeConfig()
        self.warmup_bars = self.config.slow
        super().__init__()

    def _reset(self) -> None:
        self._fast, self._slow, self._tr = RollingSum(self.config.fast), RollingSum(self.config.slow), TrueRange()
        self._count = 0

    def _step(self, bar: Bar) -> tuple[float, ...]:
        cfg = self.config
        self._count += 1
        tr = self._tr.push(bar.high, bar.low, bar.close)
        fast = self._fast.push(tr) / min(self._count, cfg.fast)
        slow = self._slow.push(tr) / min(self._count, cfg.slow)
        ratio = safe_div(fast, slow, 1.0)
        regime = LOW if ratio < cfg.low_ratio else HIGH if ratio > cfg.high_ratio else NORMAL
        return regime, ratio, fast, slow

    def _columns(self, bars: BarSeries) -> Mapping[str, FloatArray]:
        cfg = self.config
        count = np.arange(1, len(bars) + 1)
        tr = true_range(bars.high, bars.low, bars.close)
        fast = rolling_sum(tr, cfg.fast) / np.minimum(count, cfg.fast)
        slow = rolling_sum(tr, cfg.slow) / np.minimum(count, cfg.slow)
        ratio = safe_div_array(fast, slow, 1.0)
        regime = np.where(ratio < cfg.low_ratio, LOW, np.where(ratio > cfg.high_ratio, HIGH, NORMAL))
        return {"regime": regime, "ratio": ratio, "atr_fast": fast, "atr_slow": slow}
