"""Momentum flow: price momentum in ATRs and the volume-weighted direction of close-to-close moves."""

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
from mia_plugins.battle_navale.features.settings import MomentumFlowConfig as MomentumFlowConfig


class MomentumFlow(BarFeature):
    """Momentum ``roc_atr = (close - close[t - window]) / atr`` and flow ``Σ dc·v / Σ |dc|·v`` over ``window``.

    ``dc`` is the close-to-close change of each bar and ``v`` its volume, so ``flow`` in
    [-1, 1] is +1 when every up-move and no down-move carried volume.
    ``score = 0.5 + 0.25 * clip(roc_atr / roc_scale) + 0.25 * flow``.
    """

    name = "momentum_flow"
    outputs = ("score", "roc_atr", "flow", "atr")

    def __init__(self, config: MomentumFlowConfig | None = None) -> None:
        self.config = config or MomentumFlowConfig()
        self.warmup_bars = self.config.window + 1
        super().__init__()

    def _reset(self) -> None:
        n = self._window = self.config.window  # read on every bar: native fields, not attrs lookups
        self._roc_scale: float = self.config.roc_scale
        self._closes: deque[float] = deque(maxlen=n + 1)
        # RollingSum's running totals, inline for the three sums of one window: (signed moves, moves, tr)
        self._totals = (0.0, 0.0, 0.0)
        self._sums: deque[tuple[float, float, float]] = deque([self._totals], maxlen=n + 1)
        self._prev_close = NAN  # TrueRange, inline: the first bar's range is high - low
        self._count = 0

    def update(self, bar: Bar) -> Outputs:
        """Consume the next closed bar; every output's value (NaN during warm-up)."""
        n = self._window
        high, low, close, volume = bar.high, bar.low, bar.close, bar.volume
        closes = self._closes
        prev, self._prev_close = self._prev_close, close
        change = close - prev if closes else 0.0
        closes.append(close)
        count = self._count
        if count < n:
            count = self._count = count + 1
        tr = high - low if prev != prev else (prev if prev > high else high) - (prev if prev < low else low)
        signed_t, total_t, tr_t = self._totals
        totals = self._totals = (signed_t + change * volume, total_t + abs(change) * volume, tr_t + tr)
        sums = self._sums
        sums.append(totals)
        signed_0, total_0, tr_0 = sums[0]
        atr = (totals[2] - tr_0) / count
        total = totals[1] - total_0
        flow = (totals[0] - signed_0) / total if total > 0 else 0.0  # safe_div
        if len(closes) > n:
            roc = (close - closes[0]) / atr if atr > 0 else 0.0
            scaled = roc / self._roc_scale
            score = 0.5 + 0.25 * (-1.0 if scaled < -1.0 else 1.0 if scaled > 1.0 else scaled) + 0.25 * flow
        else:
            roc = score = NAN
        values = Outputs(self._names, (score, roc, flow, atr))
        return self._warm(values) if self._warming else values

    def _columns(self, bars: BarSeries) -> Mapping[str, FloatArray]:
        n = self.config.window
        close = bars.close
        count = np.minimum(np.arange(1, len(bars) + 1), n).astype(np.float64)
        change = np.diff(close, prepend=close[:1])
        atr = rolling_sum(true_range(bars.high, bars.low, close), n) / count
        flow = safe_div_array(rolling_sum(change * bars.volume, n), rolling_sum(np.abs(change) * bars.volume, n))
        roc = safe_div_array(close - lag(close, n), atr)
        score = 0.5 + 0.25 * np.clip(roc / self.config.roc_scale, -1, 1) + 0.25 * flow
        return {"score": score, "roc_atr": roc, "flow": flow, "atr": atr}
