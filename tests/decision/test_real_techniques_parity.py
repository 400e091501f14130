"""Battle Navale with the real techniques, elite ones included: bar by bar and vectorised, the same trades."""

from __future__ import annotations

from adapters.bench.pipeline import TECHNIQUES, _exchange
from adapters.bootstrap.backtest import load_series
from adapters.bootstrap.config import plan_system
from adapters.bootstrap.container import build_system
from adapters.bootstrap.plugins import PluginHost
from mia_core.engine.backtest import run_backtest
from mia_core.engine.core import TradingEngine

ELITE = ("tick_momentum", "delta_divergence", "smart_money", "volatility_regime", "session_optimizer")


def test_bar_by_bar_trades_as_the_vectorised_form_with_every_technique(host: PluginHost) -> None:
    data = {
        "instrument": "ES",
        "data_feed": {"use": "synthetic", "bars": 20_000, "seed": 5},
        "broker": {"use": "simulated"},
        "techniques": [*TECHNIQUES, *ELITE],
        "strategy": {"use": "battle_navale", "entry_grade": "buy"},
    }
    system = build_system(plan_system(data, host, source="test"))
    try:
        series = load_series(system, None, None)
    finally:
        system.close()
    techniques, strategy = list(system.techniques), system.strategy
    bar_by_bar = TradingEngine(series.instrument, strategy, techniques=techniques)
    slow = run_backtest(series, bar_by_bar, _exchange(series))
    vector = strategy.vectorised(techniques)  # type: ignore[attr-defined]
    fast = run_backtest(series, TradingEngine(series.instrument, vector, signal_filters=(vector.hints_filter(),)),
                        _exchange(series), vectorised=True)
    assert fast.vectorised and len(slow.round_trips) > 100
    assert [(t.entry_ts, t.exit_ts, t.side, t.entry_price, t.exit_price, t.exit_reason) for t in slow.round_trips] == [
        (t.entry_ts, t.exit_ts, t.side, t.entry_price, t.exit_price, t.exit_reason) for t in fast.round_trips]
    reasons = {t.exit_reason for t in slow.round_trips}
    assert {"stop_loss", "take_profit"} <= reasons, reasons
