"""Support and resistance: the prior window's extremes and the distance of close to the nearest one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import attrs
import numpy as np

from mia_core.calc.rolling import (
    RollingExtreme,
    RollingSum,
    TrueRange,
    lag,
    rolling_max,
    rolling_min,
    rolling_sum,
    true_range,
)
from mia_core.calc.technique_base import NAN, Feature, FloatArray, safe_div, safe_div_array
from mia_core.market import Bar
from mia_core.series import BarSeries
from mia_core.validation import MAX_BARS, within


@attrs.frozen
class SupportResistanceConfig:
    """Settings of ``support_resistance``: the look-back in bars that defines the levels, and the score's form.

    ``score_mode``: ``channel`` (1 above resistance, 0 below support, ``1 - position``
    inside: not monotone in the close) or ``room`` (``1 - position`` clipped to [0, 1]:
    monotone, 1 at or below support, 0 at or above resistance). Set ``lookback`` apart
    from the strategy's ``channel_period`` so that the levels are not the breakout's.
    """

    lookback: int = attrs.field(default=20, validator=within(2, MAX_BARS))
    score_mode: Literal["channel", "room"] = attrs.field(default="channel",
                                                        validator=attrs.validators.in_(("channel", "room")))


def _score(close: float, support: float, resistance: float, room: bool) -> float:
    if room:
        width = resistance - support
        return min(1.0, max(0.0, 1.0 - (close - support) / width)) if width > 0 else 0.5
    if close > resistance:
        return 1.0
    if close < support:
        return 0.0
    width = resistance - support
    return 1.0 - (close - support) / width if width > 0 else 0.5


class SupportResistance(Feature):
    """Support = lowest low, resistance = highest high of the ``lookback`` bars before this one.

    ``distance_support_atr = (close - support) / atr``, ``distance_resistance_atr =
    (resistance - close) / atr`` (negative once broken), ``nearest_atr`` the smaller of
    the two, ``atr`` the mean true range over ``lookback``. ``score``: 1 above resistance
    (breakout), 0 below support (breakdown), else ``1 - position`` in the channel, so a
    close at support (a bounce zone) scores 1 and a close at resistance 0.
    """

    name = "support_resistance"
    outputs = ("score", "support", "resistance", "distance_support_atr", "distance_resistance_atr", "nearest_atr",
               "atr")

    def __init__(self, config: SupportResistanceConfig | None = None) -> None:
        self.config = config or SupportResistanceConfig()
        self.warmup_bars = self.config.lookback + 1
        super().__init__()

    def _reset(self) -> None:
        n = self.config.lookback
        self._highs, self._lows = RollingExtreme(n), RollingExtreme(n, largest=False)
        self._tr, self._true_range = RollingSum(n), TrueRange()
        self._resistance = self._support = NAN
        self._count = 0

    def _step(self, bar: Bar) -> tuple[float, ...]:
        support, resistance = self._support, self._resistance
        self._count = min(self._count + 1, self.config.lookback)
        atr = self._tr.push(self._true_range.push(bar.high, bar.low, bar.close)) / self._count
        self._resistance, self._support = self._highs.push(bar.high), self._lows.push(bar.low)
        to_support = safe_div(bar.close - support, atr)
        to_resistance = safe_div(resistance - bar.close, atr)
        nearest = min(to_support, to_resistance)
        room = self.config.score_mode == "room"
        return (_score(bar.close, support, resistance, room), support, resistance, to_support, to_resistance, nearest,
                atr)

    def _columns(self, bars: BarSeries) -> Mapping[str, FloatArray]:
        n, close = self.config.lookback, bars.close
        count = np.minimum(np.arange(1, len(bars) + 1), n).astype(np.float64)
        atr = rolling_sum(true_range(bars.high, bars.low, close), n) / count
        resistance, support = lag(rolling_max(bars.high, n), 1), lag(rolling_min(bars.low, n), 1)
        to_support = safe_div_array(close - support, atr)
        to_resistance = safe_div_array(resistance - close, atr)
        width = resistance - support
        inside = np.where(width > 0, 1.0 - safe_div_array(close - support, width), 0.5)
        if self.config.score_mode == "room":
            score = np.where(width > 0, np.minimum(1.0, np.maximum(0.0, inside)), 0.5)
        else:
            score = np.where(close > resistance, 1.0, np.where(close < support, 0.0, inside))
        return {"score": score, "support": support, "resistance": resistance, "distance_support_atr": to_support,
                "distance_resistance_atr": to_resistance, "nearest_atr": np.minimum(to_support, to_resistance),
                "atr": atr}
