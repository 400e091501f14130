"""The bar-by-bar walk that marks quiet bars in bulk leaves what one step per bar leaves: trades, equity, journal."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.replay.bundled import bundled_series
from mia_core.engine import walk
from mia_core.engine.backtest import BacktestResult, BacktestStopped, run_backtest
from mia_core.engine.core import TradingEngine
from mia_core.exchange import ExchangeConfig, SimulatedExchange
from mia_core.instruments import ES
from mia_core.market import Bar
from mia_core.orders import OrderIntent
from mia_core.series import BarSeries
from mia_core.signals import RiskDecision, Signal
from mia_plugins.basic_risk.plugin import MaxPositionConfig, MaxPositionPolicy
from mia_plugins.sma_cross.strategy import SmaCrossConfig, SmaCrossStrategy


class ReadingCross(SmaCrossStrategy):
    """sma_cross that reads its context on every bar (position, equity, peak) and may fail at one bar."""

    def __init__(self, fail_at: int | None = None) -> None:
        super().__init__(SmaCrossConfig(fast=5, slow=20))
        self.seen: list[tuple[Any, ...]] = []
        self.fail_at = fail_at

    def on_bar(self, bar: Bar, context: Any) -> Signal | None:
        if len(self.seen) == self.fail_at:
            raise RuntimeError("planted failure")
        self.seen.append((context.now_ns, context.position.quantity, context.equity_cents,
                          context.peak_equity_cents, context.realized_today_cents, context.day_pnl_cents))
        return super().on_bar(bar, context)


class DayLossCut:
    """A policy reading the risk ledger and the equity: refuses entries once the day is 400 dollars down."""

    name = "day_loss_cut"

    def evaluate(self, intent: OrderIntent, context: Any) -> RiskDecision:
        if context.day_pnl_cents < -40_000 and context.equity_cents > 0:
            return RiskDecision.reject(self.name, "day down")
        return RiskDecision.allow(self.name, intent.quantity)


def _run(series: BarSeries, engine: TradingEngine, bulk: bool, monkeypatch: pytest.MonkeyPatch) -> BacktestResult:
    with monkeypatch.context() as patch:
        if not bulk:  # the reference: Portfolio.mark on every bar, BacktestShell.step
            patch.setattr(walk, "can_defer_marks", lambda engine, series: False)
        try:
            return run_backtest(series, engine, SimulatedExchange(ES, ExchangeConfig(commission_per_contract=2.25)))
        except BacktestStopped as stopped:
            return stopped.result


def _same(a: BacktestResult, b: BacktestResult) -> None:
    assert a.round_trips == b.round_trips
    assert a.equity_ts.tolist() == b.equity_ts.tolist()
    assert a.equity_cents.tolist() == b.equity_cents.tolist()
    assert a.journal == b.journal
    assert (a.bars, a.final_position, a.stopped) == (b.bars, b.final_position, b.stopped)


@pytest.mark.parametrize("fail_at", [None, 2_222])
def test_bulk_marks_leave_what_a_mark_per_bar_leaves(monkeypatch: pytest.MonkeyPatch, fail_at: int | None) -> None:
    series = bundled_series("sp500", ES).slice(0, 3_000)
    runs, seen = [], []
    for bulk in (False, True):
        strategy = ReadingCross(fail_at)
        engine = TradingEngine(ES, strategy, risk_policies=[DayLossCut(), MaxPositionPolicy(MaxPositionConfig(1))])
        runs.append(_run(series, engine, bulk, monkeypatch))
        seen.append(strategy.seen)
    _same(*runs)
    assert seen[0] == seen[1]  # the strategy read the same books on every bar
    assert len(runs[0].round_trips) > 20
    assert any(e.kind == "risk" for e in runs[0].journal)
    assert (runs[0].stopped is None) == (fail_at is None)


def test_the_walk_is_the_one_taken_without_a_desk_and_skipped_with_one() -> None:
    series = bundled_series("sp500", ES).slice(0, 100)
    engine = TradingEngine(ES, SmaCrossStrategy(SmaCrossConfig(fast=5, slow=20)))
    assert walk.can_defer_marks(engine, series)
    assert not walk.can_defer_marks(engine, series.slice(0, 0))
    engine.portfolio.mark(int(series.ts[50]), 10.0, 10.0, 10.0)  # a mark after the series' start: walked bar by bar
    assert not walk.can_defer_marks(engine, series)


def test_a_strategy_returning_something_else_is_named_at_its_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    class Wrong(SmaCrossStrategy):
        def on_bar(self, bar: Bar, context: Any) -> Signal | None:
            return "long" if bar.ts == int(series.ts[30]) else None  # type: ignore[return-value]

    series = bundled_series("sp500", ES).slice(0, 100)
    errors = []
    for bulk in (False, True):
        with monkeypatch.context() as patch:
            if not bulk:
                patch.setattr(walk, "can_defer_marks", lambda engine, series: False)
            engine = TradingEngine(ES, Wrong(SmaCrossConfig()))
            with pytest.raises(BacktestStopped) as stopped:
                run_backtest(series, engine, SimulatedExchange(ES, ExchangeConfig()))
        errors.append(str(stopped.value))
        assert stopped.value.result.bars == 31
        assert len(stopped.value.result.equity_cents) == 31
    assert errors[0] == errors[1]
    assert "returned str 'long'; expected a Signal or None" in errors[1]


class Recording(SmaCrossStrategy):
    """sma_cross that keeps every bar it is given."""

    def __init__(self) -> None:
        super().__init__(SmaCrossConfig(fast=5, slow=20))
        self.bars: list[Bar] = []

    def on_bar(self, bar: Bar, context: Any) -> Signal | None:
        self.bars.append(bar)
        return super().on_bar(bar, context)


@pytest.mark.parametrize("flow", [False, True])
def test_the_walk_hands_the_strategy_the_bars_the_series_holds(monkeypatch: pytest.MonkeyPatch, flow: bool) -> None:
    """The walk builds its own Bars, a block of rows at a time: each equals ``series.bar(i)``, NaN volumes as None."""
    base = bundled_series("sp500", ES).slice(0, 300)
    bid, ask = base.volume * 0.4, base.volume * 0.5
    bid[::7] = ask[3::5] = float("nan")  # unknown on some bars
    series = BarSeries(ES, base.ts, base.open, base.high, base.low, base.close, base.volume,
                       bid if flow else None, ask if flow else None)  # fmt: skip
    monkeypatch.setattr(type(series.trusted()), "BLOCK", 64)  # several blocks, the last one short
    strategy = Recording()
    engine = TradingEngine(ES, strategy)
    assert walk.can_defer_marks(engine, series)
    result = run_backtest(series, engine, SimulatedExchange(ES, ExchangeConfig()))
    assert len(result.round_trips) > 3
    assert strategy.bars == [series.bar(i) for i in range(len(series))]
    assert all(type(bar) is Bar for bar in strategy.bars)
    assert any(bar.bid_volume is None for bar in strategy.bars)
    assert flow == any(bar.ask_volume is not None for bar in strategy.bars)
