"""FlattenPosition: one mechanism in the engine, carried out by the backtest shell."""

from __future__ import annotations

from adapters.replay.bundled import bundled_series
from mia_core.commands import CancelOrder, FlattenPosition, SubmitOrder
from mia_core.engine.backtest import BacktestShell
from mia_core.engine.core import TradingEngine
from mia_core.exchange import ExchangeConfig, SimulatedExchange
from mia_core.instruments import ES
from mia_core.orders import OrderSide, TimeInForce
from mia_plugins.sma_cross.strategy import SmaCrossConfig, SmaCrossStrategy


def test_flatten_closes_the_position_on_the_next_bar() -> None:
    bars = list(bundled_series("sp500", ES).slice(0, 200).trusted())
    engine = TradingEngine(ES, SmaCrossStrategy(SmaCrossConfig(fast=5, slow=20)))
    shell = BacktestShell(engine, SimulatedExchange(ES, ExchangeConfig()))
    i = 0
    while engine.portfolio.quantity == 0:
        shell.step(bars[i])
        i += 1
    held = engine.portfolio.quantity
    commands = engine.flatten("manual stop")
    submits = [c for c in commands if isinstance(c, SubmitOrder)]
    assert all(isinstance(c, CancelOrder) for c in commands if c not in submits)
    (close,) = submits
    assert close.intent.quantity == abs(held)
    assert close.intent.side is (OrderSide.SELL if held > 0 else OrderSide.BUY)
    assert close.intent.time_in_force is TimeInForce.GTC
    shell.execute([FlattenPosition(ES, "manual stop")])
    shell.deliver(shell.exchange.on_bar(bars[i]))
    assert engine.portfolio.quantity == 0
    assert engine.portfolio.round_trips[-1].exit_reason == "manual stop"
