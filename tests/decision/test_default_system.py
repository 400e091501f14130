"""`mia backtest` without a file runs battle_navale_daily.yaml (real daily history), composed only from YAML."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from adapters.bootstrap.cli import app, default_config, host_for
from adapters.bootstrap.cli_shared import intraday_config
from adapters.bootstrap.config import load_plan
from mia_plugins.battle_navale.decision import FEATURES, ConfluenceWeights

SEVEN = list(FEATURES[:-1])


def test_the_default_is_battle_navale_with_the_missions_numbers() -> None:
    path = default_config()
    assert path.name == "battle_navale_daily.yaml"  # issue 14: battle_navale.yaml is the intraday system
    plan = load_plan(path, host_for(path))
    assert plan.one("strategy").spec.name == "battle_navale"
    daily = [name for name in SEVEN if name != "session_analysis"]  # one bar a day is one session
    assert [p.spec.name for p in plan.many("techniques")] == [
        *daily, "volatility_regime", "delta_divergence", "smart_money"]
    config = plan.one("strategy").config
    assert config.weights.session_analysis == 0 and config.weights.dealers_bias == 0.05
    assert (config.thresholds.strong_buy, config.thresholds.buy, config.thresholds.sell,
            config.thresholds.strong_sell) == (0.75, 0.60, 0.40, 0.25)
    assert config.entry_grade == "strong_buy" and config.stop_atr == 2.0 and config.reward_risk == 2.0
    assert not config.neutral_reversals
    assert plan.one("broker").config.slippage_ticks == 1
    assert [p.spec.name for p in plan.many("risk_policies")] == [
        "max_position", "max_open_positions", "max_trades_per_day"]
    guard = plan.settings.guard
    assert guard.enabled and (guard.daily_loss_limit, guard.profit_target, guard.use_calendar) == (500, 1000, False)


def test_the_intraday_system_has_every_rule_on_with_the_missions_numbers() -> None:
    path = intraday_config()
    plan = load_plan(path, host_for(path))
    names = [p.ref.instance_name for p in plan.many("techniques")]
    assert names[:7] == SEVEN
    assert set(names[7:]) == {"tick_momentum", "delta_divergence", "volatility_regime", "session_optimizer",
                              "smart_money"}
    assert [p.spec.name for p in plan.many("analyzers")] == ["order_book_imbalance"]
    assert plan.one("data_feed").spec.name == "synthetic"
    config = plan.one("strategy").config
    assert config.weights == ConfluenceWeights() and config.entry_grade == "strong_buy"
    assert not config.neutral_reversals
    settings = plan.settings
    position, guard, monitor = settings.position, settings.guard, settings.catastrophe
    assert position.enabled and (position.risk_per_trade_pct, position.max_contracts) == (0.5, 2)
    assert (position.stop_atr, position.reward_risk, position.trailing_atr, position.break_even_at_r) == (2, 2, 2, 1)
    assert guard.enabled and (guard.daily_loss_limit, guard.profit_target) == (500, 1000)
    assert guard.entry_sessions == ["rth"] and guard.flatten_outside_sessions and guard.close_margin_minutes == 10
    assert monitor.enabled and monitor.max_drawdown_pct == 12 and monitor.daily_loss_limit is None
    policies = {p.spec.name: p.config for p in plan.many("risk_policies")}
    assert policies["max_trades_per_day"].max_trades == 15 and policies["max_daily_risk"].max_risk_pct == 2
    assert policies["min_ml_confidence"].threshold == 0.65 and policies["max_position"].max_contracts == 2


def test_mia_backtest_runs_it_by_default(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["backtest", "--from", "2005-01-01", "--to", "2009-12-31",
                                      "--report", str(tmp_path)])
    assert result.exit_code == 0, result.output
    trades = pd.read_csv(tmp_path / "trades.csv")
    assert len(trades) > 5
    trades_line = next(line for line in result.output.splitlines() if "Trades" in line)
    assert trades_line.split()[-2] == str(len(trades))
    assert set(trades["exit_reason"]) & {"stop_loss", "take_profit"}


def test_its_vectorised_form_trades_like_it_on_real_data() -> None:
    """The shipped system's real techniques: the vectorised backtest makes the bar-by-bar round trips."""
    from adapters.bootstrap.backtest import load_series, make_engine
    from adapters.bootstrap.config import plan_system, read_yaml
    from adapters.bootstrap.container import build_system
    from mia_core.engine.backtest import run_backtest
    from mia_core.engine.core import TradingEngine
    from mia_core.exchange import SimulatedExchange

    path = default_config()
    host = host_for(path)
    data = read_yaml(path) | {"risk_policies": [], "data_feed": {"use": "bundled", "dataset": "nasdaq"},
                              "guard": {"enabled": False}}
    data["strategy"] = dict(data["strategy"]) | {"entry_grade": "buy"}
    plan = plan_system(data, host, source="test")
    trips = []
    for vectorised in (False, True):
        system = build_system(plan)
        series = load_series(system, None, None)
        exchange = SimulatedExchange(plan.instrument, plan.one("broker").config)
        if vectorised:
            vector = system.strategy.vectorised(list(system.techniques))
            engine = TradingEngine(plan.instrument, vector, signal_filters=(vector.hints_filter(),))
        else:
            engine = make_engine(system, 10_000_000)
        result = run_backtest(series, engine, exchange, vectorised=vectorised)
        assert result.vectorised is vectorised
        trips.append([(t.entry_ts, t.exit_ts, t.entry_price, t.exit_price, t.exit_reason) for t in result.round_trips])
    assert len(trips[0]) > 100
    assert trips[0] == trips[1]
