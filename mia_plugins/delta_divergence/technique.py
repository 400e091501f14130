"""Delta divergence: where price sits in its recent range against where cumulative delta sits in its own."""

from __future__ import annotations

from collections.abc import Mapping

import attrs
import numpy as np

from mia_core.calc.order_flow import FlowEstimator, estimate_delta
from mia_core.calc.rolling import RollingExtreme, RollingSum, rolling_max, rolling_min, rolling_sum
from mia_core.calc.technique_base import Feature, FloatArray
from mia_core.market import Bar
from mia_core.series import BarSeries
from mia_core.validation import MAX_BARS, within


@attrs.frozen
class DeltaDivergenceConfig:
    """Settings of ``delta_divergence``: the window in bars."""

    window: int = attrs.field(default=20, validator=within(2, MAX_BARS))


def _position(value: float, low: float, high: float) -> float:
    return (value - low) / (high - low) if high > low else 0.5


def _position_array(value: FloatArray, low: FloatArray, high: FloatArray) -> FloatArray:
    width = high - low
    return np.where(width > 0, (value - low) / np.where(width > 0, width, 1.0), 0.5)


class DeltaDivergence(Feature):
    """Price against cumulative delta over ``window`` bars.

    ``cum_delta`` is the running sum of each bar's delta (recorded or estimated, see
    ``mia_core.calc.order_flow``). ``price_position`` is close's place in the window's
    close range, ``delta_position`` cum_delta's place in its own range (each 0 at the
    low .. 1 at the high, 0.5 without range). ``divergence = delta_position -
    price_position`` in [-1, 1]: positive when buying outpaces price (bullish
    divergence), negative when price rises without delta behind it (bearish);
    ``score = 0.5 + 0.5 * divergence``; ``estimated`` is 1.0 when any bar of the window
    had estimated delta.
    """

    name = "delta_divergence"
    outputs = ("score", "divergence", "price_position", "delta_position", "cum_delta", "estimated")

    def __init__(self, config: DeltaDivergenceConfig | None = None) -> None:
        self.config = config or DeltaDivergenceConfig()
        self.warmup_bars = self.config.window
        super().__init__()

    def _reset(self) -> None:
        n = self.config.window
        self._flow = FlowEstimator()
        self._cum = 0.0
        self._close_hi, self._close_lo = RollingExtreme(n), RollingExtreme(n, largest=False)
        self._cum_hi, self._cum_lo = RollingExtreme(n), RollingExtreme(n, largest=False)
        self._estimated = RollingSum(n)

    def _step(self, bar: Bar) -> tuple[float, ...]:
        delta, estimated = self._flow.push(bar)
        self._cum += delta
        cum, close = self._cum, bar.close
        price = _position(close, self._close_lo.push(close), self._close_hi.push(close))
        flow = _position(cum, self._cum_lo.push(cum), self._cum_hi.push(cum))
        any_estimated = 1.0 if self._estimated.push(estimated) > 0 else 0.0
        divergence = flow - price
        return 0.5 + 0.5 * divergence, divergence, price, flow, cum, any_estimated

    def _columns(self, bars: BarSeries) -> Mapping[str, FloatArray]:
        n, close = self.config.window, bars.close
        delta, estimated = estimate_delta(bars)
        cum = np.cumsum(delta)
        price = _position_array(close, rolling_min(close, n), rolling_max(close, n))
        flow = _position_array(cum, rolling_min(cum, n), rolling_max(cum, n))
        divergence = flow - price
        return {"score": 0.5 + 0.5 * divergence, "divergence": divergence, "price_position": price,
                "delta_position": flow, "cum_delta": cum,
                "estimated": np.where(rolling_sum(estimated, n) > 0, 1.0, 0.0)}
