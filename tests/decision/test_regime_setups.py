"""Regime detector, state tracker and setups on hand-built bars."""

from __future__ import annotations

import numpy as np
import pytest

from mia_plugins.battle_navale.decision.regime import MarketRegime, RegimeConfig, classify, efficiency, volatility_ratio
from mia_plugins.battle_navale.decision.setups import RangeConfig, Setup, TrendConfig, range_setup, trend_setup
from mia_plugins.battle_navale.decision.state import FIELDS, MarketState, StatePeriods, StateTracker, state_arrays

PERIODS = StatePeriods(atr_period=3, volatility_period=6, efficiency_period=4, ma_period=4, channel_period=3)


def feed(closes: list[int], spread: int = 2) -> MarketState | None:
    tracker = StateTracker(PERIODS)
    state = None
    for c in closes:
        state = tracker.update(c, c + spread, c - spread, c)
    return state


def test_warm_up_length() -> None:
    tracker = StateTracker(PERIODS)
    got = [tracker.update(100, 102, 98, 100) for _ in range(PERIODS.warmup_bars)]
    assert all(s is None for s in got[:-1]) and got[-1] is not None


def test_straight_line_is_a_trend_zigzag_a_range_and_a_spike_volatile() -> None:
    line = feed([100 + 4 * i for i in range(10)])
    assert line is not None and efficiency(line) == 1.0 and line.drift == 1
    config = RegimeConfig(efficiency_period=4, volatility_period=6, volatile_ratio=1.6)
    assert classify(efficiency(line), volatility_ratio(line, PERIODS), config) is MarketRegime.TREND
    zigzag = feed([100, 104] * 5)
    assert zigzag is not None and efficiency(zigzag) == 0.0
    assert classify(efficiency(zigzag), volatility_ratio(zigzag, PERIODS), config) is MarketRegime.RANGE
    # zigzag true ranges are 6 (move 4 plus half-range 2); three bars of range 40 after: short ATR 40,
    # long ATR (3*6 + 3*40)/6 = 23
    tracker = StateTracker(PERIODS)
    for c in [100, 104] * 4:
        tracker.update(c, c + 2, c - 2, c)
    state = None
    for c in (100, 104, 100):
        state = tracker.update(c, c + 20, c - 20, c)
    assert state is not None and state.atr_sum == 120 and state.long_atr_sum == 138
    assert volatility_ratio(state, PERIODS) == pytest.approx((120 / 3) / (138 / 6))
    assert classify(efficiency(state), volatility_ratio(state, PERIODS), config) is MarketRegime.VOLATILE
    assert classify(0.2, 1.0, RegimeConfig(trend_efficiency=0.3, range_efficiency=0.15)) is MarketRegime.TRANSITION


def test_state_arrays_match_the_tracker_on_random_bars() -> None:
    rng = np.random.default_rng(5)
    c = 1000 + np.cumsum(rng.integers(-5, 6, 300))
    o = c + rng.integers(-3, 4, 300)
    h = np.maximum(o, c) + rng.integers(0, 4, 300)
    lo = np.minimum(o, c) - rng.integers(0, 4, 300)
    arrays = state_arrays(o, h, lo, c, PERIODS)
    tracker = StateTracker(PERIODS)
    for i in range(300):
        state = tracker.update(int(o[i]), int(h[i]), int(lo[i]), int(c[i]))
        if state is not None:
            for name in FIELDS:
                assert getattr(state, name) == arrays[name][i], (name, i)


def state(**values: int) -> MarketState:
    base = dict.fromkeys(FIELDS, 0)
    base.update(values)
    return MarketState.of(base)


def test_trend_setups() -> None:
    # up-drift, MA = 100 (ma_sum 400 over 4 bars)
    common = {"drift": 1, "ma_sum": 400, "prior_high": 110, "prior_low": 90, "prev_open": 104, "prev_close": 102,
              "prev_high": 105, "prev_low": 101}
    assert trend_setup(state(**common, close=111, low=105, high=111), 4, TrendConfig()) == (1, Setup.BREAKOUT)
    assert trend_setup(state(**common, close=103, low=100, high=104), 4, TrendConfig()) == (1, Setup.PULLBACK)
    assert trend_setup(state(**common, close=106, low=103, high=107), 4, TrendConfig()) == (1, Setup.CONTINUATION)
    assert trend_setup(state(**common, close=104, low=103, high=105), 4, TrendConfig()) == (0, Setup.NONE)
    off = TrendConfig(breakout=False)
    assert trend_setup(state(**common, close=111, low=105, high=111), 4, off) == (1, Setup.CONTINUATION)
    down = {**common, "drift": -1}
    assert trend_setup(state(**down, close=89, low=88, high=95), 4, TrendConfig()) == (-1, Setup.BREAKOUT)
    assert trend_setup(state(**down, close=99, low=97, high=100), 4, TrendConfig()) == (-1, Setup.PULLBACK)


def test_range_setups() -> None:
    # ATR = 12 / 3 = 4 ticks; fade zone 0.5 ATR = 2 ticks; mean-reversion band 1.5 ATR = 6 ticks from MA 100
    common = {"atr_sum": 12, "ma_sum": 400, "prior_high": 110, "prior_low": 90}
    config = RangeConfig(fade_zone_atr=0.5, mean_reversion_atr=1.5)
    assert range_setup(state(**common, close=111, open=108), 4, 3, config) == (1, Setup.RANGE_BREAKOUT)
    assert range_setup(state(**common, close=89, open=92), 4, 3, config) == (-1, Setup.RANGE_BREAKOUT)
    assert range_setup(state(**common, close=92, open=91), 4, 3, config) == (1, Setup.FADE)
    assert range_setup(state(**common, close=93, open=91), 4, 3, config) == (1, Setup.MEAN_REVERSION)
    assert range_setup(state(**common, close=108, open=109), 4, 3, config) == (-1, Setup.FADE)
    assert range_setup(state(**common, close=107, open=106), 4, 3, config) == (-1, Setup.MEAN_REVERSION)
    assert range_setup(state(**common, close=105, open=104), 4, 3, config) == (0, Setup.NONE)
