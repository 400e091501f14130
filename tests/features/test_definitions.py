"""Each Battle Navale feature against values worked out by hand from its written definition (docs/features.md)."""

from __future__ import annotations

import pytest

from mia_core.calc.order_flow import FlowEstimator, estimate_delta
from mia_plugins.battle_navale.features.market_structure import MarketStructure, MarketStructureConfig
from mia_plugins.battle_navale.features.momentum_flow import MomentumFlow, MomentumFlowConfig
from mia_plugins.battle_navale.features.patterns import detect
from mia_plugins.battle_navale.features.price_action import PriceAction, PriceActionConfig
from mia_plugins.battle_navale.features.support_resistance import SupportResistance, SupportResistanceConfig
from mia_plugins.battle_navale.features.volume_imbalance import VolumeImbalance, VolumeImbalanceConfig
from mia_plugins.battle_navale.features.vwap_trend import VwapTrend, VwapTrendConfig

from .bars import last, series


def test_recorded_flow_is_ask_minus_bid_and_not_estimated() -> None:
    bars = series([(100, 101, 99, 100.5, 50, 20, 30)], flow=True)
    assert FlowEstimator().push(next(iter(bars))) == (10.0, 0.0)
    delta, estimated = estimate_delta(bars)
    assert delta.tolist() == [10.0] and estimated.tolist() == [0.0]


def test_flow_without_bid_ask_is_the_close_location_share_or_the_tick_rule() -> None:
    # close 9.5 in [8, 10]: (2*9.5 - 10 - 8) / 2 = 0.5 of 100 contracts bought net
    # bar 2 has no range and closes below 9.5: the tick rule signs its 40 contracts -1
    # bar 3 has no range and the same close: the last change still says -1
    bars = series([(9, 10, 8, 9.5, 100), (9, 9, 9, 9, 40), (9, 9, 9, 9, 10)])
    delta, estimated = estimate_delta(bars)
    assert delta.tolist() == [50.0, -40.0, -10.0]
    assert estimated.tolist() == [1.0, 1.0, 1.0]
    flow = FlowEstimator()
    assert [flow.push(b) for b in bars] == [(50.0, 1.0), (-40.0, 1.0), (-10.0, 1.0)]


def test_vwap_trend_by_hand() -> None:
    # window 2, slope over 1 bar; typical prices (h+l+c)/3: 100, 102, 104.5
    bars = series([(100, 101, 99, 100, 10), (101, 103, 101, 102, 30), (104, 105, 104, 104.5, 10)])
    got = last(VwapTrend(VwapTrendConfig(window=2, slope_bars=1)), bars)
    vwap2 = (102 * 30 + 100 * 10) / 40  # 101.5
    vwap3 = (104.5 * 10 + 102 * 30) / 40  # 102.625
    tr2, tr3 = 103 - 100, 105 - 102  # true ranges widened to the previous close
    atr = (tr2 + tr3) / 2
    assert got["vwap"] == pytest.approx(vwap3)
    assert got["atr"] == pytest.approx(atr)
    assert got["distance_atr"] == pytest.approx((104.5 - vwap3) / atr)
    assert got["slope_atr"] == pytest.approx((vwap3 - vwap2) / atr)
    expected = 0.5 + 0.25 * min((104.5 - vwap3) / atr / 2.0, 1) + 0.25 * min((vwap3 - vwap2) / atr, 1)
    assert got["score"] == pytest.approx(expected)


def test_volume_imbalance_by_hand() -> None:
    bars = series([(100, 101, 99, 100, 100, 70, 30), (100, 101, 99, 100, 50, 10, 40)], flow=True)
    got = last(VolumeImbalance(VolumeImbalanceConfig(window=2)), bars)
    assert got["imbalance"] == pytest.approx((-40 + 30) / 150)
    assert got["bar_imbalance"] == pytest.approx(30 / 50)
    assert got["score"] == pytest.approx(0.5 + 0.5 * (-10 / 150))
    assert got["estimated"] == 0.0


def test_volume_imbalance_flags_estimated_when_a_bar_of_the_window_lacks_flow() -> None:
    bars = series([(100, 101, 99, 101, 100), (100, 101, 99, 100, 50)])
    assert last(VolumeImbalance(VolumeImbalanceConfig(window=2)), bars)["estimated"] == 1.0


@pytest.mark.parametrize(
    ("previous", "current", "expected"),
    [
        ((101, 101.5, 99.5, 100), (99.75, 102, 99.25, 101.5), "engulfing+1 outside+1"),
        ((100, 101.5, 99.5, 101), (101.25, 101.75, 99.25, 99.75), "engulfing-1 outside-1"),
        ((100, 103, 97, 101), (100, 102, 98, 100.5), "inside"),
        ((100, 100.5, 99.5, 100), (100.5, 100.75, 97.75, 100.5), "pin+1 doji"),
        ((100, 100.5, 99.5, 100), (99.5, 102.25, 99.25, 99.5), "pin-1 doji"),
    ],
)
def test_patterns_by_hand(previous: tuple[float, ...], current: tuple[float, ...], expected: str) -> None:
    found = detect(*current, prev=previous)
    named = {"engulfing": found.engulfing, "outside": found.outside_bar, "inside": found.inside_bar,
             "pin": found.pin_bar, "doji": found.doji}
    wanted = dict.fromkeys(named, 0.0)
    for token in expected.split():
        name = token.rstrip("+-1")
        wanted[name] = -1.0 if token.endswith("-1") else 1.0
    assert named == wanted


def test_price_action_score_combines_patterns_and_close_location() -> None:
    # a bearish bar then a bullish engulfing that is also an outside bar closing at 101.5 in [99.5, 102]
    bars = series([(101, 101.5, 99.5, 100, 10), (99.75, 102, 99.5, 101.5, 10)])
    got = last(PriceAction(PriceActionConfig(memory=1)), bars)
    assert got["signal"] == 1.0  # clip(1 + 0 + 0.5)
    location = (2 * 101.5 - 102 - 99.5) / (102 - 99.5)
    assert got["close_location"] == pytest.approx(location)
    assert got["score"] == pytest.approx(0.5 + 0.25 * 1.0 + 0.25 * location)


def test_momentum_flow_by_hand() -> None:
    # closes 100, 101, 100.5, 102 with volumes 10, 20, 40, 10; window 3
    bars = series([(100, 100, 100, 100, 10), (100, 101, 100, 101, 20), (101, 101, 100.5, 100.5, 40),
                   (100.5, 102, 100.5, 102, 10)])
    got = last(MomentumFlow(MomentumFlowConfig(window=3)), bars)
    signed = 1 * 20 - 0.5 * 40 + 1.5 * 10
    absolute = 1 * 20 + 0.5 * 40 + 1.5 * 10
    atr = (1 + 0.5 + 1.5) / 3  # true ranges of the last three bars
    assert got["flow"] == pytest.approx(signed / absolute)
    assert got["atr"] == pytest.approx(atr)
    assert got["roc_atr"] == pytest.approx((102 - 100) / atr)
    assert got["score"] == pytest.approx(0.5 + 0.25 * min(2 / atr / 3.0, 1) + 0.25 * signed / absolute)


def test_support_resistance_uses_only_earlier_bars() -> None:
    rows = [(100, 102, 99, 101, 1), (101, 103, 100, 102, 1), (102, 102.5, 98, 99, 1), (99, 100, 99, 100, 1)]
    got = last(SupportResistance(SupportResistanceConfig(lookback=3)), series(rows))
    assert (got["support"], got["resistance"]) == (98.0, 103.0)
    atr = (3 + 4.5 + 1) / 3  # true ranges of the last three bars, widened to the previous close
    assert got["atr"] == pytest.approx(atr)
    assert got["distance_support_atr"] == pytest.approx(2 / atr)
    assert got["distance_resistance_atr"] == pytest.approx(3 / atr)
    assert got["nearest_atr"] == pytest.approx(2 / atr)
    assert got["score"] == pytest.approx(1 - 2 / 5)


def test_support_resistance_breakout_and_breakdown() -> None:
    base = [(100, 101, 99, 100, 1)] * 3
    up = last(SupportResistance(SupportResistanceConfig(lookback=3)), series([*base, (100, 102, 100, 101.5, 1)]))
    down = last(SupportResistance(SupportResistanceConfig(lookback=3)), series([*base, (100, 100, 98, 98.5, 1)]))
    assert up["score"] == 1.0 and up["distance_resistance_atr"] < 0
    assert down["score"] == 0.0 and down["distance_support_atr"] < 0


def zigzag(highs: list[float]) -> list[tuple[float, ...]]:
    return [(h - 0.5, h, h - 1, h - 0.5, 1) for h in highs]


def test_market_structure_confirms_swings_late_and_reads_higher_highs() -> None:
    # strength 1: a swing high is a high above its left neighbour and not below its right one
    highs = [10, 12, 11, 13, 12, 14, 13]
    feature = MarketStructure(MarketStructureConfig(strength=1))
    values = feature.compute(series(zigzag(highs)))
    # swing highs at bars 1 (12), 3 (13), 5 (14), each known one bar later
    assert values["swing_high"][2] == 12 and values["swing_high"][4] == 13 and values["swing_high"][6] == 14
    # swing lows (high - 1): bars 2 (10) and 4 (11), known at bars 3 and 5
    assert values["swing_low"][3] == 10 and values["swing_low"][5] == 11
    assert values["higher_high"][4] == 1.0 and values["trend"][5] == 1.0
    got = last(feature, series(zigzag(highs)))
    assert got["trend"] == 1.0 and got["higher_high"] == 1.0 and got["lower_low"] == 0.0
    # close 12.5 is between the last swing low (11) and high (14): no break
    assert got["break"] == 0.0 and got["score"] == 0.75


def test_market_structure_lower_lows_make_a_down_trend_and_a_break_below() -> None:
    highs = [20, 18, 19, 17, 18, 16, 15]
    got = last(MarketStructure(MarketStructureConfig(strength=1)), series(zigzag(highs)))
    assert got["trend"] == -1.0 and got["lower_low"] == 1.0
    # close 14.5 is below the last confirmed swing low (16): a break of structure down
    assert got["break"] == -1.0 and got["score"] == 0.0
