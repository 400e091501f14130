"""Price action: recent candlestick patterns and where bars close within their ranges."""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping

import numpy as np

from mia_core.calc.outputs import Outputs
from mia_core.calc.rolling import rolling_sum
from mia_core.calc.technique_base import FloatArray, safe_div_array
from mia_core.market import Bar
from mia_core.series import BarSeries
from mia_plugins.battle_navale.features.base import BarFeature
from mia_plugins.battle_navale.features.patterns import detect_arrays, found_patterns
from mia_plugins.battle_navale.features.settings import PriceActionConfig as PriceActionConfig


class PriceAction(BarFeature):
    """``score = 0.5 + 0.25 * clip(Σ signal over memory bars) + 0.25 * mean close location over memory bars``.

    ``signal`` is the patterns detector's net direction of a bar
    (``mia_plugins.battle_navale.features.patterns``); close location is ``(2c - h - l) / (h - l)`` in
    [-1, 1] (0 for a bar without range). The pattern flags of the current bar are
    outputs too.
    """

    name = "price_action"
    outputs = ("score", "signal", "close_location", "engulfing", "pin_bar", "inside_bar", "outside_bar", "doji")

    def __init__(self, config: PriceActionConfig | None = None) -> None:
        self.config = config or PriceActionConfig()
        self.warmup_bars = self.config.memory + 1
        super().__init__()

    def _reset(self) -> None:
        self._memory: int = self.config.memory  # read on every bar: a native field, not an attrs lookup
        self._prev: tuple[float, float, float, float] | None = None
        # RollingSum's running totals, inline for the two sums of one window: (signal, close location)
        self._totals = (0.0, 0.0)
        self._sums: deque[tuple[float, float]] = deque([self._totals], maxlen=self.config.memory + 1)

    def update(self, bar: Bar) -> Outputs:
        """Consume the next closed bar; every output's value (NaN during warm-up)."""
        o, h, lo, c = bar.open, bar.high, bar.low, bar.close
        engulfing, pin, inside, outside, doji = found_patterns(o, h, lo, c, self._prev)
        self._prev = (o, h, lo, c)
        span = h - lo
        location = (2.0 * c - h - lo) / span if span > 0 else 0.0
        signal = engulfing + pin + 0.5 * outside
        signal = -1.0 if signal < -1.0 else 1.0 if signal > 1.0 else signal  # BarPatterns.signal
        s_t, l_t = self._totals
        totals = self._totals = (s_t + signal, l_t + location)
        sums = self._sums
        sums.append(totals)
        s_0, l_0 = sums[0]
        recent = totals[0] - s_0
        mean_location = (totals[1] - l_0) / self._memory
        score = 0.5 + 0.25 * (-1.0 if recent < -1.0 else 1.0 if recent > 1.0 else recent) + 0.25 * (
            -1.0 if mean_location < -1.0 else 1.0 if mean_location > 1.0 else mean_location)
        values = Outputs(self._names, (score, signal, location, engulfing, pin, inside, outside, doji))
        return self._warm(values) if self._warming else values

    def _columns(self, bars: BarSeries) -> Mapping[str, FloatArray]:
        o, h, lo, c = bars.open, bars.high, bars.low, bars.close
        found = detect_arrays(o, h, lo, c)
        location = safe_div_array(2.0 * c - h - lo, h - lo)
        recent = np.clip(rolling_sum(found["signal"], self.config.memory), -1, 1)
        mean_location = np.clip(rolling_sum(location, self.config.memory) / self.config.memory, -1, 1)
        return {"score": 0.5 + 0.25 * recent + 0.25 * mean_location, "close_location": location, **found}
