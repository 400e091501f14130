"""Momentum flow: price momentum in ATRs and the volume-weighted direction of close-to-close moves."""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping

import attrs
import numpy as np

from mia_core.calc.rolling import RollingSum, lag, rolling_sum, true_range
from mia_core.calc.technique_base import NAN, Feature, FloatArray, clip, safe_div, safe_div_array
from mia_core.market import Bar
from mia_core.series import BarSeries
from mia_core.validation import ATR_MULTIPLE, MAX_BARS, within


@attrs.frozen
class MomentumFlowConfig:
    """Settings of ``momentum_flow``: the window in bars and the ATR move that saturates momentum."""

    window: int = attrs.field(default=14, validator=within(2, MAX_BARS))
    roc_scale: float = attrs.field(default=3.0, validator=ATR_MULTIPLE)


class MomentumFlow(Feature):
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
        n = self.config.window
        self._closes: deque[float] = deque(maxlen=n + 1)
        self._signed_moves, self._total, self._tr = RollingSum(n), RollingSum(n), RollingSum(n)
        self._prev_close = NAN  # TrueRange, inline: the first bar's range is high - low
        self._count = 0

    def _values(self, bar: Bar) -> dict[str, float]:
        n = self.config.window
        high, low, close, volume = bar.high, bar.low, bar.close, bar.volume
        closes = self._closes
        prev, self._prev_close = self._prev_close, close
        change = close - prev if closes else 0.0
        closes.append(close)
        count = self._count
        if count < n:
            count = self._count = count + 1
        tr = high - low if prev != prev else max(high, prev) - min(low, prev)
        atr = self._tr.push(tr) / count
        flow = safe_div(self._signed_moves.push(change * volume), self._total.push(abs(change) * volume))
        roc = safe_div(close - closes[0], atr) if len(closes) > n else NAN
        score = 0.5 + 0.25 * clip(roc / self.config.roc_scale) + 0.25 * flow
        return {"score": score, "roc_atr": roc, "flow": flow, "atr": atr}

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
