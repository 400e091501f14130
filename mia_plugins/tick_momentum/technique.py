"""Tick momentum: net ticks travelled over a window, how directly, and the share of up-moves."""

from __future__ import annotations

from collections.abc import Mapping

import attrs
import numpy as np

from mia_core.calc.rolling import RollingSum, rolling_sum
from mia_core.calc.technique_base import Feature, FloatArray, safe_div, safe_div_array
from mia_core.market import Bar
from mia_core.series import BarSeries
from mia_core.validation import MAX_BARS, within


@attrs.frozen
class TickMomentumConfig:
    """Settings of ``tick_momentum``: the window in bars."""

    window: int = attrs.field(default=20, validator=within(2, MAX_BARS))


class TickMomentum(Feature):
    """Close-to-close moves in ticks over ``window`` bars.

    ``net_ticks`` = Σ moves; ``path_ticks`` = Σ |moves|; ``efficiency = net / path`` in
    [-1, 1] (0 without moves); ``up_share`` = up-moves / (up + down moves) in [0, 1]
    (0.5 without moves); ``score = 0.5 + 0.25 * efficiency + 0.25 * (2 * up_share - 1)``.
    """

    name = "tick_momentum"
    needs_intraday = True  # tick-by-tick moves: on daily bars it is day-to-day momentum, not order flow
    outputs = ("score", "net_ticks", "path_ticks", "efficiency", "up_share")

    def __init__(self, tick_size: float, config: TickMomentumConfig | None = None) -> None:
        self.config = config or TickMomentumConfig()
        self.tick_size = tick_size
        self.warmup_bars = self.config.window + 1
        super().__init__()

    def _reset(self) -> None:
        n = self.config.window
        self._prev: float | None = None
        self._net, self._path, self._ups, self._downs = RollingSum(n), RollingSum(n), RollingSum(n), RollingSum(n)

    def _step(self, bar: Bar) -> tuple[float, ...]:
        move = 0.0 if self._prev is None else (bar.close - self._prev) / self.tick_size
        self._prev = bar.close
        net, path = self._net.push(move), self._path.push(abs(move))
        ups = self._ups.push(1.0 if move > 0 else 0.0)
        downs = self._downs.push(1.0 if move < 0 else 0.0)
        efficiency = safe_div(net, path)
        up_share = safe_div(ups, ups + downs, 0.5)
        return 0.5 + 0.25 * efficiency + 0.25 * (2.0 * up_share - 1.0), net, path, efficiency, up_share

    def _columns(self, bars: BarSeries) -> Mapping[str, FloatArray]:
        n, close = self.config.window, bars.close
        move = np.diff(close, prepend=close[:1]) / self.tick_size
        net, path = rolling_sum(move, n), rolling_sum(np.abs(move), n)
        ups = rolling_sum(np.where(move > 0, 1.0, 0.0), n)
        downs = rolling_sum(np.where(move < 0, 1.0, 0.0), n)
        efficiency = safe_div_array(net, path)
        up_share = safe_div_array(ups, ups + downs, 0.5)
        score = 0.5 + 0.25 * efficiency + 0.25 * (2.0 * up_share - 1.0)
        return {"score": score, "net_ticks": net, "path_ticks": path, "efficiency": efficiency, "up_share": up_share}
