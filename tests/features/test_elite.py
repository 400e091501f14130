"""The elite techniques against values worked out by hand from their definitions (docs/features.md)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mia_core.calc.chicago_time import ChicagoMinutes, chicago_minutes
from mia_core.instruments import ES
from mia_core.market import BookSide, DepthAction, DepthUpdate
from mia_plugins.delta_divergence.technique import DeltaDivergence, DeltaDivergenceConfig
from mia_plugins.order_book_imbalance.analyzer import OrderBookImbalanceAnalyzer
from mia_plugins.order_book_imbalance.imbalance import OrderBookImbalanceConfig
from mia_plugins.session_optimizer.technique import SessionOptimizer, SessionOptimizerConfig
from mia_plugins.smart_money.technique import SmartMoney, SmartMoneyConfig
from mia_plugins.tick_momentum.technique import TickMomentum, TickMomentumConfig
from mia_plugins.volatility_regime.technique import VolatilityRegime, VolatilityRegimeConfig

from .bars import at, bar, last, series


def test_tick_momentum_by_hand() -> None:
    rows = [(100, 100, 100, 100, 1), (100, 100.25, 100, 100.25, 1), (100.25, 100.5, 100.25, 100.5, 1),
            (100.5, 100.5, 100.25, 100.25, 1)]
    got = last(TickMomentum(0.25, TickMomentumConfig(window=3)), series(rows))
    assert (got["net_ticks"], got["path_ticks"]) == (1.0, 3.0)
    assert got["efficiency"] == pytest.approx(1 / 3) and got["up_share"] == pytest.approx(2 / 3)
    assert got["score"] == pytest.approx(0.5 + 0.25 / 3 + 0.25 / 3)


def test_volatility_regime_turns_high_when_ranges_widen() -> None:
    quiet, wide = (100, 100.5, 99.5, 100, 1), (100, 101.5, 98.5, 100, 1)
    config = VolatilityRegimeConfig(fast=2, slow=4)
    got = last(VolatilityRegime(config), series([quiet] * 4 + [wide] * 2))
    assert (got["atr_fast"], got["atr_slow"]) == (3.0, 2.0)
    assert got["ratio"] == 1.5 and got["regime"] == 2.0
    calm = last(VolatilityRegime(config), series([wide] * 4 + [quiet] * 2))
    assert calm["ratio"] == 0.5 and calm["regime"] == 0.0
    assert last(VolatilityRegime(config), series([quiet] * 6))["regime"] == 1.0


def test_delta_divergence_price_up_delta_down_is_bearish() -> None:
    # closes rise bar after bar while sellers dominate every bar (recorded bid/ask volume)
    rows = [(100 + i, 100.5 + i, 99.5 + i, 100 + i, 100, 60, 40) for i in range(4)]
    got = last(DeltaDivergence(DeltaDivergenceConfig(window=4)), series(rows, flow=True))
    assert got["cum_delta"] == -80.0
    assert (got["price_position"], got["delta_position"]) == (1.0, 0.0)
    assert got["divergence"] == -1.0 and got["score"] == 0.0 and got["estimated"] == 0.0


def test_chicago_minutes_follow_daylight_saving() -> None:
    clock = ChicagoMinutes()
    stamps = [at("2024-03-08 14:31"), at("2024-03-11 13:31"), at("2024-11-04 14:31")]
    assert [clock.of(t) for t in stamps] == [8 * 60 + 30] * 3
    assert chicago_minutes(np.array(stamps)).tolist() == [8 * 60 + 30] * 3


def test_session_optimizer_weights_hours_by_their_activity() -> None:
    # 09:xx Chicago bars move 2 points, 10:xx bars 1 point: hour weights 2/1.5 and 1/1.5
    nine = [(100, 101, 99, 100, 1)] * 2
    ten = [(100, 100.5, 99.5, 100, 1)] * 2
    stamps = [at("2024-03-05 15:10"), at("2024-03-05 15:20"), at("2024-03-05 16:10"), at("2024-03-05 16:20")]
    feature = SessionOptimizer(SessionOptimizerConfig(memory=10, min_weight=0.8))
    values = feature.compute(series(nine + ten, stamps=stamps))
    assert values["hour"].tolist() == [9.0, 9.0, 10.0, 10.0]
    assert values["hour_weight"][-1] == pytest.approx(1 / 1.5)
    assert values["trade_ok"].tolist() == [1.0, 1.0, 0.0, 0.0]
    assert values["segment"].tolist() == [2.0] * 4 and values["session_weight"][-1] == 1.0
    got = last(feature, series(nine + ten, stamps=stamps))
    assert got["hour_weight"] == pytest.approx(1 / 1.5)


def test_smart_money_absorption_by_hand() -> None:
    calm = [(100, 100.5, 99.5, 100, 100, 50, 50)] * 20
    # three times the mean volume, half the mean range, sellers hit the bid 200 to 100, yet it closes up
    absorbed = (100, 100.25, 99.75, 100.25, 300, 200, 100)
    got = last(SmartMoney(SmartMoneyConfig(window=20, memory=1)), series([*calm, absorbed], flow=True))
    assert got["volume_ratio"] == 3.0 and got["large_lot"] == 1.0
    assert got["absorption"] == 1.0 and got["score"] == 1.0 and got["estimated"] == 0.0
    pushed = (100, 100.5, 99.5, 100.5, 300, 200, 100)  # a full range: a large lot of selling, no absorption
    got = last(SmartMoney(SmartMoneyConfig(window=20, memory=1)), series([*calm, pushed], flow=True))
    assert got["absorption"] == 0.0 and got["score"] == 0.25


def depth(ts: int, side: BookSide, level: int, action: DepthAction, price: float, size: float) -> DepthUpdate:
    return DepthUpdate(instrument=ES, ts=ts, side=side, level=level, action=action, price=price, size=size)


def test_order_book_imbalance_from_depth_then_the_flagged_bar_estimate() -> None:
    analyzer = OrderBookImbalanceAnalyzer(OrderBookImbalanceConfig(levels=5, window=1, stale_seconds=60))
    t = at("2024-03-05 15:00")
    bid, ask, insert, delete = BookSide.BID, BookSide.ASK, DepthAction.INSERT, DepthAction.DELETE
    analyzer.on_event(depth(t, bid, 0, insert, 99.75, 5))
    analyzer.on_event(depth(t, bid, 0, insert, 100.0, 10))  # pushes 99.75 to level 1
    values = analyzer.on_event(depth(t, ask, 0, insert, 100.25, 5))
    assert values == {"score": 0.75, "imbalance": 0.5, "estimated": 0.0}  # (15 - 5) / 20
    assert analyzer.book.sides[bid] == [(100.0, 10), (99.75, 5)]
    assert analyzer.on_event(depth(t, bid, 0, delete, 100.0, 0))["imbalance"] == 0.0  # (5 - 5) / 10
    # a bar 30 s after the last depth update still reads the book ...
    fresh = analyzer.on_event(bar(t + 30 * 10**9, 100, 101, 99, 100.5))
    assert fresh is not None and fresh["estimated"] == 0.0
    # ... two minutes after it, the wick estimate: lower wick 1, upper wick 0.5, range 2
    stale = analyzer.on_event(bar(t + 120 * 10**9, 100, 100.5, 99, 100.25))
    assert stale is not None and stale["estimated"] == 1.0
    assert stale["imbalance"] == pytest.approx((1 - 0.25) / 1.5)
    assert analyzer.latest() == stale
    assert analyzer.on_event(object()) is None  # type: ignore[arg-type]
    assert math.isfinite(analyzer.latest()["score"])


def test_the_order_book_analyzer_is_an_analyzer_whose_bar_forms_agree_and_do_not_look_ahead(
    intraday: object, sp500: object
) -> None:
    from mia_core.lookahead import check_lookahead
    from ports.analyzer import Analyzer

    from .test_forms_agree import assert_agree

    analyzer = OrderBookImbalanceAnalyzer()
    assert isinstance(analyzer, Analyzer)
    for data in (intraday, sp500):
        assert_agree(analyzer, data)  # type: ignore[arg-type]
        report = check_lookahead(analyzer, data.slice(0, 10_000))  # type: ignore[attr-defined]
        assert report.passed, report.describe()
        assert report.forms == ("incremental", "vectorised")
