"""Smart money: large-lot bars (volume spikes) and absorption (heavy volume that does not move price)."""

from __future__ import annotations

from collections.abc import Mapping

import attrs
import numpy as np

from mia_core.calc.order_flow import FlowEstimator, estimate_delta
from mia_core.calc.rolling import RollingSum, TrueRange, lag, rolling_sum, true_range
from mia_core.calc.technique_base import Feature, FloatArray, clip, safe_div, safe_div_array
from mia_core.market import Bar
from mia_core.series import BarSeries
from mia_core.validation import MAX_BARS, RATIO, within


@attrs.frozen
class SmartMoneyConfig:
    """Settings of ``smart_money``: windows in bars and the volume and range thresholds."""

    window: int = attrs.field(default=20, validator=within(2, MAX_BARS))
    memory: int = attrs.field(default=5, validator=within(1, 1000))
    large_ratio: float = attrs.field(default=2.0, validator=RATIO)
    absorption_ratio: float = attrs.field(default=1.5, validator=RATIO)
    narrow_range: float = attrs.field(default=0.6, validator=RATIO)


def _sign(x: float) -> float:
    return 1.0 if x > 0 else -1.0 if x < 0 else 0.0


class SmartMoney(Feature):
    """Bars whose volume stands out against the ``window`` bars before them.

    ``volume_ratio`` = volume / mean volume of the previous ``window`` bars (1 when
    they traded nothing). ``large_lot`` is 1.0 when ``volume_ratio >= large_ratio``
    (bars carry no trade sizes, so a large lot shows as a volume spike).
    ``absorption`` is +1 when ``volume_ratio >= absorption_ratio``, the true range is at
    most ``narrow_range`` × the previous ``window`` bars' mean true range, delta is
    negative (aggressive selling) and the bar still closed at or above its open (buyers
    absorbed it); -1 for the mirror; 0 otherwise. A bar's event is its absorption, else
    0.5 × the sign of delta on a large lot; ``score = 0.5 + 0.5 * clip(Σ events over
    memory bars)``. Delta is estimated where bars lack bid/ask volume (``estimated``
    1.0), and an estimated delta takes the sign of the close location, so absorption
    is rarer and less telling on such bars.
    """

    name = "smart_money"
    outputs = ("score", "volume_ratio", "large_lot", "absorption", "estimated")

    def __init__(self, config: SmartMoneyConfig | None = None) -> None:
        self.config = config or SmartMoneyConfig()
        self.warmup_bars = self.config.window + 1
        super().__init__()

    def _reset(self) -> None:
        cfg = self.config
        self._flow, self._tr = FlowEstimator(), TrueRange()
        self._volume, self._range, self._events = RollingSum(cfg.window), RollingSum(cfg.window), RollingSum(cfg.memory)
        self._prev_volume = self._prev_range = 0.0
        self._bars = 0

    def _step(self, bar: Bar) -> tuple[float, ...]:
        cfg = self.config
        delta, estimated = self._flow.push(bar)
        tr = self._tr.push(bar.high, bar.low, bar.close)
        seen = min(self._bars, cfg.window)
        mean_volume = self._prev_volume / seen if seen else 0.0
        mean_range = self._prev_range / seen if seen else 0.0
        self._prev_volume, self._prev_range = self._volume.push(bar.volume), self._range.push(tr)
        self._bars += 1
        ratio = safe_div(bar.volume, mean_volume, 1.0)
        large = 1.0 if ratio >= cfg.large_ratio else 0.0
        absorption = 0.0
        if ratio >= cfg.absorption_ratio and tr <= cfg.narrow_range * mean_range:
            if delta < 0 and bar.close >= bar.open:
                absorption = 1.0
            elif delta > 0 and bar.close <= bar.open:
                absorption = -1.0
        event = absorption if absorption != 0 else 0.5 * large * _sign(delta)
        score = 0.5 + 0.5 * clip(self._events.push(event))
        return score, ratio, large, absorption, estimated

    def _columns(self, bars: BarSeries) -> Mapping[str, FloatArray]:
        cfg = self.config
        delta, estimated = estimate_delta(bars)
        tr = true_range(bars.high, bars.low, bars.close)
        seen = np.minimum(np.arange(len(bars)), cfg.window)
        mean_volume = safe_div_array(lag(rolling_sum(bars.volume, cfg.window), 1, 0.0), seen.astype(np.float64))
        mean_range = safe_div_array(lag(rolling_sum(tr, cfg.window), 1, 0.0), seen.astype(np.float64))
        ratio = safe_div_array(bars.volume, mean_volume, 1.0)
        large = np.where(ratio >= cfg.large_ratio, 1.0, 0.0)
        quiet = (ratio >= cfg.absorption_ratio) & (tr <= cfg.narrow_range * mean_range)
        absorption = np.where(quiet & (delta < 0) & (bars.close >= bars.open), 1.0,
                              np.where(quiet & (delta > 0) & (bars.close <= bars.open), -1.0, 0.0))
        event = np.where(absorption != 0, absorption, 0.5 * large * np.sign(delta))
        score = 0.5 + 0.5 * np.clip(rolling_sum(event, cfg.memory), -1, 1)
        return {"score": score, "volume_ratio": ratio, "large_lot": large, "absorption": absorption,
                "estimated": estimated}
