"""Entry setups of the trend strategy and the range strategy, in both forms.

Trend strategy (trades with the ``drift``, the sign of the move over the efficiency
window), first match wins:

- BREAKOUT: close beyond the prior channel (above ``prior_high`` in an up-drift);
- PULLBACK: the bar reached the moving average and closed back on the drift's side of it;
- CONTINUATION: after a bar against the drift, close beyond that bar's extreme, on
  the drift's side of the moving average.

Range strategy, first match wins:

- RANGE_BREAKOUT: close beyond the prior channel (either way);
- FADE: close within ``fade_zone_atr`` ATRs of the channel's low (high), on a bar that
  closed up (down): buy support, sell resistance;
- MEAN_REVERSION: close more than ``mean_reversion_atr`` ATRs below (above) the moving
  average: buy (sell) for a return to the mean.

All comparisons are made on integer ticks multiplied out (no division), so the
incremental and vectorised forms agree exactly.
"""

from __future__ import annotations

import enum

import numpy as np
import numpy.typing as npt

from mia_plugins.battle_navale.decision.settings import RangeConfig as RangeConfig
from mia_plugins.battle_navale.decision.settings import TrendConfig as TrendConfig
from mia_plugins.battle_navale.decision.state import IntArray, MarketState

Int8Array = npt.NDArray[np.int8]


class Setup(enum.IntEnum):
    """Which setup fired; the integer values are the codes used in arrays and components."""

    NONE = 0
    BREAKOUT = 1
    PULLBACK = 2
    CONTINUATION = 3
    FADE = 4
    MEAN_REVERSION = 5
    RANGE_BREAKOUT = 6

    @property
    def is_reversal(self) -> bool:
        """True for the range strategy's counter-move setups (fade, mean reversion)."""
        return self in (Setup.FADE, Setup.MEAN_REVERSION)


NO_SETUP = (0, Setup.NONE)


def trend_setup(s: MarketState, ma_period: int, config: TrendConfig) -> tuple[int, Setup]:
    """(direction, setup) of the trend strategy at state ``s``; (0, NONE) when nothing fires."""
    d = s.drift
    if d == 0:
        return NO_SETUP
    c = s.close
    above = c * ma_period > s.ma_sum
    below = c * ma_period < s.ma_sum
    if d > 0:
        if config.breakout and c > s.prior_high:
            return 1, Setup.BREAKOUT
        if config.pullback and s.low * ma_period <= s.ma_sum and above:
            return 1, Setup.PULLBACK
        if config.continuation and c > s.prev_high and s.prev_close < s.prev_open and above:
            return 1, Setup.CONTINUATION
        return NO_SETUP
    if config.breakout and c < s.prior_low:
        return -1, Setup.BREAKOUT
    if config.pullback and s.high * ma_period >= s.ma_sum and below:
        return -1, Setup.PULLBACK
    if config.continuation and c < s.prev_low and s.prev_close > s.prev_open and below:
        return -1, Setup.CONTINUATION
    return NO_SETUP


def range_setup(s: MarketState, ma_period: int, atr_period: int, config: RangeConfig) -> tuple[int, Setup]:
    """(direction, setup) of the range strategy at state ``s``; (0, NONE) when nothing fires."""
    c = s.close
    if config.range_breakout:
        if c > s.prior_high:
            return 1, Setup.RANGE_BREAKOUT
        if c < s.prior_low:
            return -1, Setup.RANGE_BREAKOUT
    if config.fade:
        zone = config.fade_zone_atr * s.atr_sum
        if (c - s.prior_low) * atr_period <= zone and c > s.open:
            return 1, Setup.FADE
        if (s.prior_high - c) * atr_period <= zone and c < s.open:
            return -1, Setup.FADE
    if config.mean_reversion:
        band = config.mean_reversion_atr * (s.atr_sum * ma_period)
        deviation = (c * ma_period - s.ma_sum) * atr_period
        if deviation < -band:
            return 1, Setup.MEAN_REVERSION
        if deviation > band:
            return -1, Setup.MEAN_REVERSION
    return NO_SETUP


def _put(direction: Int8Array, setup: Int8Array, mask: npt.NDArray[np.bool_], d: int, code: Setup) -> None:
    free = mask & (setup == 0)
    direction[free] = d
    setup[free] = int(code)


def trend_setup_arrays(s: dict[str, IntArray], ma_period: int, config: TrendConfig) -> tuple[Int8Array, Int8Array]:
    """The vectorised :func:`trend_setup`: direction and setup code per bar."""
    n = len(s["close"])
    direction, setup = np.zeros(n, dtype=np.int8), np.zeros(n, dtype=np.int8)
    c, ma = s["close"], s["ma_sum"]
    up, down = s["drift"] > 0, s["drift"] < 0
    above, below = c * ma_period > ma, c * ma_period < ma
    if config.breakout:
        _put(direction, setup, up & (c > s["prior_high"]), 1, Setup.BREAKOUT)
        _put(direction, setup, down & (c < s["prior_low"]), -1, Setup.BREAKOUT)
    if config.pullback:
        _put(direction, setup, up & (s["low"] * ma_period <= ma) & above, 1, Setup.PULLBACK)
        _put(direction, setup, down & (s["high"] * ma_period >= ma) & below, -1, Setup.PULLBACK)
    if config.continuation:
        pause_down = s["prev_close"] < s["prev_open"]
        pause_up = s["prev_close"] > s["prev_open"]
        _put(direction, setup, up & (c > s["prev_high"]) & pause_down & above, 1, Setup.CONTINUATION)
        _put(direction, setup, down & (c < s["prev_low"]) & pause_up & below, -1, Setup.CONTINUATION)
    return direction, setup


def range_setup_arrays(
    s: dict[str, IntArray], ma_period: int, atr_period: int, config: RangeConfig
) -> tuple[Int8Array, Int8Array]:
    """The vectorised :func:`range_setup`: direction and setup code per bar."""
    n = len(s["close"])
    direction, setup = np.zeros(n, dtype=np.int8), np.zeros(n, dtype=np.int8)
    c = s["close"]
    if config.range_breakout:
        _put(direction, setup, c > s["prior_high"], 1, Setup.RANGE_BREAKOUT)
        _put(direction, setup, c < s["prior_low"], -1, Setup.RANGE_BREAKOUT)
    if config.fade:
        zone = config.fade_zone_atr * s["atr_sum"]
        _put(direction, setup, ((c - s["prior_low"]) * atr_period <= zone) & (c > s["open"]), 1, Setup.FADE)
        _put(direction, setup, ((s["prior_high"] - c) * atr_period <= zone) & (c < s["open"]), -1, Setup.FADE)
    if config.mean_reversion:
        band = config.mean_reversion_atr * (s["atr_sum"] * ma_period)
        deviation = (c * ma_period - s["ma_sum"]) * atr_period
        _put(direction, setup, deviation < -band, 1, Setup.MEAN_REVERSION)
        _put(direction, setup, deviation > band, -1, Setup.MEAN_REVERSION)
    return direction, setup
