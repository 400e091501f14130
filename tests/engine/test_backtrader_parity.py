"""sma_cross on the bundled S&P 500 daily data equals backtrader, trade for trade."""

from __future__ import annotations

import backtrader as bt
import pandas as pd
import pytest

from adapters.replay.bundled import bundled_series
from mia_core.engine.backtest import run_backtest
from mia_core.engine.core import TradingEngine
from mia_core.exchange import ExchangeConfig, SimulatedExchange
from mia_core.instruments import ES
from mia_plugins.sma_cross.strategy import SmaCrossConfig, SmaCrossStrategy

FAST, SLOW = 10, 30
COMMISSION = 2.25
MULTIPLIER = 50


class _Reference(bt.Strategy):
    params = (("fast", FAST), ("slow", SLOW))

    def __init__(self) -> None:
        self.cross = bt.ind.CrossOver(bt.ind.SMA(period=self.p.fast), bt.ind.SMA(period=self.p.slow))
        self.closed: list[dict[str, object]] = []

    def next(self) -> None:
        if self.cross[0] > 0:
            self.order_target_size(target=1)
        elif self.cross[0] < 0:
            self.order_target_size(target=-1)

    def notify_trade(self, trade: bt.Trade) -> None:
        if trade.isclosed:
            self.closed.append(
                {
                    "entry": bt.num2date(trade.dtopen).date(),
                    "exit": bt.num2date(trade.dtclose).date(),
                    "side": "buy" if trade.history[0].event.size > 0 else "sell",
                    "entry_price": trade.price,
                    "pnl": round(trade.pnl, 2),
                    "pnl_net": round(trade.pnlcomm, 2),
                }
            )


def _backtrader_trades(frame: pd.DataFrame) -> list[dict[str, object]]:
    cerebro = bt.Cerebro(stdstats=False, tradehistory=True)
    cerebro.adddata(bt.feeds.PandasData(dataname=frame))
    cerebro.addstrategy(_Reference)
    cerebro.broker.setcash(10_000_000)
    cerebro.broker.setcommission(commission=COMMISSION, margin=1.0, mult=MULTIPLIER)
    (strategy,) = cerebro.run()
    return strategy.closed


def _mia_trades() -> list[dict[str, object]]:
    series = bundled_series("sp500", ES)
    engine = TradingEngine(ES, SmaCrossStrategy(SmaCrossConfig(fast=FAST, slow=SLOW)), initial_cash_cents=10**9)
    exchange = SimulatedExchange(ES, ExchangeConfig(commission_per_contract=COMMISSION))
    result = run_backtest(series, engine, exchange)
    day = lambda ns: pd.Timestamp(ns, tz="UTC").tz_convert("America/New_York").date()  # noqa: E731
    return [
        {
            "entry": day(t.entry_ts),
            "exit": day(t.exit_ts),
            "side": t.side.value,
            "entry_price": t.entry_price,
            "pnl": t.gross_cents / 100,
            "pnl_net": t.net_cents / 100,
        }
        for t in result.round_trips
    ]


@pytest.fixture(scope="module")
def frames() -> pd.DataFrame:
    series = bundled_series("sp500", ES)
    index = pd.to_datetime(series.ts, utc=True).tz_convert("America/New_York").normalize().tz_localize(None)
    return pd.DataFrame(
        {"open": series.open, "high": series.high, "low": series.low, "close": series.close, "volume": series.volume},
        index=index,
    )


def test_round_trips_equal_backtrader_trade_for_trade(frames: pd.DataFrame) -> None:
    reference = _backtrader_trades(frames)
    ours = _mia_trades()
    assert len(reference) > 100
    assert len(ours) == len(reference)
    for i, (mine, theirs) in enumerate(zip(ours, reference, strict=True)):
        assert mine == theirs, f"round trip {i} differs"


def test_vectorised_path_books_the_same_round_trips_and_equity() -> None:
    series = bundled_series("sp500", ES)
    results = []
    for vectorised in (False, True):
        engine = TradingEngine(ES, SmaCrossStrategy(SmaCrossConfig(fast=FAST, slow=SLOW)), initial_cash_cents=10**9)
        exchange = SimulatedExchange(ES, ExchangeConfig(commission_per_contract=COMMISSION))
        results.append(run_backtest(series, engine, exchange, vectorised=vectorised))
    bar_by_bar, vectorised_run = results
    assert vectorised_run.vectorised and not bar_by_bar.vectorised
    assert len(bar_by_bar.round_trips) > 100
    assert vectorised_run.round_trips == bar_by_bar.round_trips
    assert (vectorised_run.equity_cents == bar_by_bar.equity_cents).all()
    assert vectorised_run.journal == bar_by_bar.journal
    assert vectorised_run.final_position == bar_by_bar.final_position


def test_a_run_leaves_the_collector_on_and_able_to_collect_cycles() -> None:
    """The run pauses the cyclic collector and moves what it kept to the oldest generation, nothing more."""
    import gc
    import weakref

    class Node:
        def __init__(self) -> None:
            self.me = self

    class CyclicStrategy(SmaCrossStrategy):
        def target_directions(self, bars):  # type: ignore[no-untyped-def]
            node = Node()  # a garbage cycle made during the run
            refs.append(weakref.ref(node))
            return super().target_directions(bars)

    refs: list[weakref.ref[Node]] = []
    series = bundled_series("sp500", ES).slice(0, 400)
    engine = TradingEngine(ES, CyclicStrategy(SmaCrossConfig(fast=FAST, slow=SLOW)), initial_cash_cents=10**9)
    exchange = SimulatedExchange(ES, ExchangeConfig(commission_per_contract=COMMISSION))
    assert gc.isenabled()
    run_backtest(series, engine, exchange, vectorised=True)
    assert gc.isenabled()
    assert refs and refs[0]() is not None  # the cycle outlived the run
    gc.collect()
    assert refs[0]() is None


def test_a_run_leaves_objects_the_caller_froze_frozen() -> None:
    import gc

    keep = [[i] for i in range(1000)]
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        engine = TradingEngine(ES, SmaCrossStrategy(SmaCrossConfig(fast=FAST, slow=SLOW)), initial_cash_cents=10**9)
        exchange = SimulatedExchange(ES, ExchangeConfig(commission_per_contract=COMMISSION))
        run_backtest(bundled_series("sp500", ES).slice(0, 400), engine, exchange, vectorised=True)
        assert gc.get_freeze_count() > 0.9 * frozen > 0  # objects freed meanwhile leave it; unfrozen would be 0
    finally:
        gc.unfreeze()
    assert keep
