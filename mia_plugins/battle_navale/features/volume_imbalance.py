"""Volume imbalance: buying minus selling volume over a window, as a share of the window's volume."""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping

import numpy as np

from mia_core.calc.order_flow import FlowEstimator, estimate_delta
from mia_core.calc.outputs import Outputs
from mia_core.calc.rolling import rolling_sum
from mia_core.calc.technique_base import FloatArray, safe_div_array
from mia_core.market import Bar
from mia_core.series import BarSeries
from mia_plugins.battle_navale.features.base import BarFeature
from mia_plugins.battle_navale.features.settings import VolumeImbalanceConfig as VolumeImbalanceConfig


class VolumeImbalance(BarFeature):
    """``imbalance = Σ delta / Σ volume`` over ``window`` bars, in [-1, 1]; ``score = 0.5 + 0.5 * imbalance``.

    ``delta`` is ask minus bid volume, estimated where the bar lacks it (see
    ``mia_core.calc.order_flow``); ``estimated`` is 1.0 when any bar of the window was
    estimated. ``bar_imbalance`` is the current bar's delta over its volume.
    """

    name = "volume_imbalance"
    outputs = ("score", "imbalance", "bar_imbalance", "delta", "estimated")

    def __init__(self, config: VolumeImbalanceConfig | None = None) -> None:
        self.config = config or VolumeImbalanceConfig()
        self.warmup_bars = self.config.window
        super().__init__()

    def _reset(self) -> None:
        self._flow = FlowEstimator()
        # RollingSum's running totals, inline for the three sums of one window: (delta, volume, estimated)
        self._totals = (0.0, 0.0, 0.0)
        self._sums: deque[tuple[float, float, float]] = deque([self._totals], maxlen=self.config.window + 1)

    def update(self, bar: Bar) -> Outputs:
        """Consume the next closed bar; every output's value (NaN during warm-up)."""
        delta, estimated = self._flow.push(bar)
        volume = bar.volume
        d_t, v_t, e_t = self._totals
        totals = self._totals = (d_t + delta, v_t + volume, e_t + estimated)
        sums = self._sums
        sums.append(totals)
        d_0, v_0, e_0 = sums[0]
        window_volume = totals[1] - v_0
        imbalance = (totals[0] - d_0) / window_volume if window_volume > 0 else 0.0  # safe_div, then clip
        imbalance = -1.0 if imbalance < -1.0 else 1.0 if imbalance > 1.0 else imbalance
        bar_imbalance = delta / volume if volume > 0 else 0.0
        bar_imbalance = -1.0 if bar_imbalance < -1.0 else 1.0 if bar_imbalance > 1.0 else bar_imbalance
        any_estimated = 1.0 if totals[2] - e_0 > 0 else 0.0
        values = Outputs(self._names, (0.5 + 0.5 * imbalance, imbalance, bar_imbalance, delta, any_estimated))
        return self._warm(values) if self._warming else values

    def _columns(self, bars: BarSeries) -> Mapping[str, FloatArray]:
        n = self.config.window
        delta, estimated = estimate_delta(bars)
        imbalance = np.clip(safe_div_array(rolling_sum(delta, n), rolling_sum(bars.volume, n)), -1, 1)
        return {
            "score": 0.5 + 0.5 * imbalance,
            "imbalance": imbalance,
            "bar_imbalance": np.clip(safe_div_array(delta, bars.volume), -1, 1),
            "delta": delta,
            "estimated": np.where(rolling_sum(estimated, n) > 0, 1.0, 0.0),
        }
