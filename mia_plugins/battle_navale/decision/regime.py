"""The market regime detector: TREND, RANGE, VOLATILE or TRANSITION at each bar.

Read off two numbers of :mod:`mia_plugins.battle_navale.decision.state`:

- the volatility ratio, short ATR over long ATR:
  ``(atr_sum * volatility_period) / (long_atr_sum * atr_period)``;
- Kaufman's efficiency ratio ``net / path`` over ``efficiency_period`` bars
  (1: a straight line, 0: no net progress).

Rules, first match wins: volatility ratio above ``volatile_ratio`` is VOLATILE;
efficiency at least ``trend_efficiency`` is TREND; efficiency at most
``range_efficiency`` is RANGE; anything between is TRANSITION.
"""

from __future__ import annotations

import enum

import attrs
import numpy as np
import numpy.typing as npt

from mia_core.errors import DomainValueError
from mia_core.validation import FRACTION, MAX_BARS, RATIO, within
from mia_plugins.battle_navale.decision.state import IntArray, MarketState, StatePeriods

FloatArray = npt.NDArray[np.float64]


class MarketRegime(enum.IntEnum):
    """The four regimes; the integer values are the codes used in arrays and signal components."""

    TRANSITION = 0
    TREND = 1
    RANGE = 2
    VOLATILE = 3


@attrs.frozen(slots=True)
class RegimeConfig:
    """Thresholds and windows of the regime detector."""

    efficiency_period: int = attrs.field(default=20, validator=within(2, MAX_BARS))
    trend_efficiency: float = attrs.field(default=0.30, validator=FRACTION)
    range_efficiency: float = attrs.field(default=0.15, validator=FRACTION)
    volatility_period: int = attrs.field(default=100, validator=within(2, MAX_BARS))
    volatile_ratio: float = attrs.field(default=1.6, validator=RATIO)

    def __attrs_post_init__(self) -> None:
        if self.range_efficiency > self.trend_efficiency:
            raise DomainValueError(
                "RegimeConfig", "range_efficiency", self.range_efficiency, "must not exceed trend_efficiency"
            )


def efficiency(state: MarketState) -> float:
    """Kaufman's efficiency ratio of the state (0 when price did not move at all)."""
    return state.net / state.path if state.path else 0.0


def volatility_ratio(state: MarketState, periods: StatePeriods) -> float:
    """Short ATR over long ATR (1 when the long window saw no range at all)."""
    denominator = state.long_atr_sum * periods.atr_period
    return (state.atr_sum * periods.volatility_period) / denominator if denominator else 1.0


def classify(efficiency_ratio: float, vol_ratio: float, config: RegimeConfig) -> MarketRegime:
    """The regime of one bar from its efficiency and volatility ratios."""
    if vol_ratio > config.volatile_ratio:
        return MarketRegime.VOLATILE
    if efficiency_ratio >= config.trend_efficiency:
        return MarketRegime.TREND
    if efficiency_ratio <= config.range_efficiency:
        return MarketRegime.RANGE
    return MarketRegime.TRANSITION


def efficiency_array(state: dict[str, IntArray]) -> FloatArray:
    """The vectorised :func:`efficiency`."""
    path = state["path"]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = state["net"] / path
    return np.where(path != 0, ratio, 0.0)


def volatility_ratio_array(state: dict[str, IntArray], periods: StatePeriods) -> FloatArray:
    """The vectorised :func:`volatility_ratio`."""
    denominator = state["long_atr_sum"] * periods.atr_period
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = (state["atr_sum"] * periods.volatility_period) / denominator
    return np.where(denominator != 0, ratio, 1.0)


def classify_array(efficiency_ratio: FloatArray, vol_ratio: FloatArray, config: RegimeConfig) -> npt.NDArray[np.int8]:
    """The vectorised :func:`classify`: ``MarketRegime`` codes."""
    out = np.full(len(efficiency_ratio), int(MarketRegime.TRANSITION), dtype=np.int8)
    out[efficiency_ratio <= config.range_efficiency] = int(MarketRegime.RANGE)
    out[efficiency_ratio >= config.trend_efficiency] = int(MarketRegime.TREND)
    out[vol_ratio > config.volatile_ratio] = int(MarketRegime.VOLATILE)
    return out
