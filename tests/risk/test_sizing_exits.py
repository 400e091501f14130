"""Sizing from account risk and stop distance, and the stop's moves (break-even, trailing), hand-computed on ES."""

from __future__ import annotations

import pytest

from mia_core.instruments import ES
from mia_core.market import Bar
from mia_core.risk.exits import OpenTrade, next_stop
from mia_core.risk.sizing import AverageTrueRange, EntryPlan, PositionConfig, plan_entry

EQUITY = 10_000_000  # $100,000: 0.5% is $500
ON = PositionConfig(enabled=True, volatility_adjust=False)


def plan(direction: int = 1, atr: float | None = 2.0, norm: float | None = None, hint: float | None = None,
         config: PositionConfig = ON) -> EntryPlan | str:
    return plan_entry(config, ES, direction, 5000.0, EQUITY, atr, norm, hint)


def test_two_contracts_when_a_2_atr_stop_risks_200_dollars_each() -> None:
    # ATR 2.0 -> stop 4.0 points = 16 ticks = $200/contract; $500 / $200 = 2.5 -> 2
    assert plan() == EntryPlan(2, 4996.0, 5008.0, 16, plan().reason)  # type: ignore[union-attr]


def test_one_contract_short_with_stop_above_and_target_at_2r_below() -> None:
    # ATR 3.0 -> 6 points = 24 ticks = $300; $500 / $300 -> 1; target 48 ticks = 12 points below
    result = plan(direction=-1, atr=3.0)
    assert isinstance(result, EntryPlan)
    assert (result.quantity, result.stop_loss, result.take_profit) == (1, 5006.0, 4988.0)


def test_stop_distance_rounds_up_to_whole_ticks() -> None:
    # 2 x 2.1 = 4.2 points = 16.8 ticks -> 17 ticks (4.25 points): $212.50 -> 2 contracts
    result = plan(atr=2.1)
    assert isinstance(result, EntryPlan)
    assert (result.quantity, result.stop_loss, result.take_profit, result.risk_ticks) == (2, 4995.75, 5008.5, 17)


def test_the_cap_holds_whatever_the_budget_allows() -> None:
    # ATR 0.5 -> 1 point = 4 ticks = $50: the budget allows 10, the cap is 2
    result = plan(atr=0.5)
    assert isinstance(result, EntryPlan) and result.quantity == 2
    three = plan(atr=0.5, config=PositionConfig(enabled=True, max_contracts=3, volatility_adjust=False))
    assert isinstance(three, EntryPlan) and three.quantity == 3


def test_no_entry_when_one_contract_risks_more_than_the_budget() -> None:
    # ATR 10 -> 20 points = $1,000 per contract > $500
    result = plan(atr=10.0)
    assert isinstance(result, str) and "$1,000.00" in result
    assert isinstance(plan(atr=None), str)


def test_volatility_above_its_norm_shrinks_the_size() -> None:
    adjusted = PositionConfig(enabled=True, volatility_adjust=True)
    # factor norm/atr = 1/2 -> budget $250 -> 1 contract at $200
    result = plan(atr=2.0, norm=1.0, config=adjusted)
    assert isinstance(result, EntryPlan) and result.quantity == 1
    calm = plan(atr=2.0, norm=4.0, config=adjusted)  # never enlarges
    assert isinstance(calm, EntryPlan) and calm.quantity == 2


def test_a_signal_stop_on_the_losing_side_sets_the_distance() -> None:
    # 2 points = 8 ticks = $100 -> 5, capped at 2; target 16 ticks
    result = plan(hint=4998.0)
    assert isinstance(result, EntryPlan)
    assert (result.quantity, result.stop_loss, result.take_profit) == (2, 4998.0, 5004.0)
    wrong_side = plan(hint=5001.0)  # above a long entry: ignored, ATR stop used
    assert isinstance(wrong_side, EntryPlan) and wrong_side.stop_loss == 4996.0


def test_wilder_atr_by_hand() -> None:
    atr = AverageTrueRange(period=3, lookback=9)
    for high, low, close in [(10, 8, 9), (11, 9, 10), (12, 9, 11)]:
        atr.update(high, low, close)
    assert atr.value == pytest.approx((2 + 2 + 3) / 3)
    atr.update(15, 11, 14)  # TR = max(4, |15-11|, |11-11|) = 4
    assert atr.value == pytest.approx((7 / 3 * 2 + 4) / 3)


def bar(close: float, high: float | None = None, low: float | None = None) -> Bar:
    return Bar(ES, 1, close, high or close, low or close, close, 1)


LONG = OpenTrade(direction=1, entry=5000.0, risk_ticks=16, best=5000.0)
BE_ONLY = PositionConfig(enabled=True, trailing_atr=None, break_even_at_r=1.0)
TRAIL_ONLY = PositionConfig(enabled=True, trailing_atr=2.0, break_even_at_r=None)


def test_break_even_after_one_r() -> None:
    short_of_1r = OpenTrade(1, 5000.0, 16, best=5003.75)
    assert next_stop(BE_ONLY, ES, short_of_1r, bar(5003.0), 4996.0, None) is None
    at_1r = OpenTrade(1, 5000.0, 16, best=5004.0)
    assert next_stop(BE_ONLY, ES, at_1r, bar(5003.0), 4996.0, None) == 5000.0
    # an entry off the grid (average of fills) goes to the next tick on the winning side
    odd = OpenTrade(1, 5000.1, 16, best=5005.0)
    assert next_stop(BE_ONLY, ES, odd, bar(5004.0), 4996.0, None) == 5000.25
    short = OpenTrade(-1, 5000.0, 16, best=4996.0)
    assert next_stop(BE_ONLY, ES, short, bar(4997.0), 5004.0, None) == 5000.0


def test_trailing_only_tightens_and_stays_behind_the_close() -> None:
    # close 5010, 2 x ATR 1.0 -> 5008
    assert next_stop(TRAIL_ONLY, ES, LONG, bar(5010.0), 4996.0, 1.0) == 5008.0
    assert next_stop(TRAIL_ONLY, ES, LONG, bar(5009.0), 5008.0, 1.0) is None  # would loosen to 5007
    assert next_stop(TRAIL_ONLY, ES, LONG, bar(5010.25), 5008.0, 1.05) is None  # 5008.15 floors to 5008: no move
    short = OpenTrade(-1, 5000.0, 16, best=4990.0)
    assert next_stop(TRAIL_ONLY, ES, short, bar(4990.0), 5004.0, 1.0) == 4992.0


def test_break_even_is_skipped_when_the_close_is_already_below_it() -> None:
    spiked = OpenTrade(1, 5000.0, 16, best=5006.0)
    assert next_stop(BE_ONLY, ES, spiked, bar(4999.0), 4996.0, None) is None
