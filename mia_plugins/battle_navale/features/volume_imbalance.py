"""Volume imbalance: buying minus selling volume over a window, as a share of the window's volume."""

from __future__ import annotations

from collections.abc import Mapping

import attrs
import numpy as np

from mia_core.calc.order_flow import FlowEstimator, estimate_delta
from mia_core.calc.rolling import RollingSum, rolling_sum
from mia_core.calc.technique_base import Feature, FloatArray, clip, safe_div, safe_div_array
from mia_core.market import Bar
from mia_core.series import BarSeries
from mia_core.validation import BARS


@attrs.frozen
class VolumeImbalanceConfig:
    """Settings of ``volume_imbalance``: the window in bars."""

    window: int = attrs.field(default=10, validator=BARS)


class VolumeImbalance(Feature):
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
        n = self.config.window
        self._flow = FlowEstimator()
        self._delta, self._volume, self._estimated = RollingSum(n), RollingSum(n), RollingSum(n)

    def _values(self, bar: Bar) -> dict[str, float]:
        delta, estimated = self._flow.push(bar)
        volume = bar.volume
        imbalance = clip(safe_div(self._delta.push(delta), self._volume.push(volume)))
        any_estimated = 1.0 if self._estimated.push(estimated) > 0 else 0.0
        bar_imbalance = clip(safe_div(delta, volume))
        return {"score": 0.5 + 0.5 * imbalance, "imbalance": imbalance, "bar_imbalance": bar_imbalance,
                "delta": delta, "estimated": any_estimated}

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
