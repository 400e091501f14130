"""`mia backtest` without a file runs battle_navale.yaml, composed only from YAML."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from adapters.bootstrap.cli import app, default_config, host_for
from adapters.bootstrap.config import load_plan
from mia_core.decision import FEATURES, ConfluenceWeights

SEVEN = list(FEATURES[:-1])


def test_the_default_is_battle_navale_with_the_missions_numbers() -> None:
    path = default_config()
    assert path.name == "battle_navale.yaml"
    plan = load_plan(path, host_for(path))
    assert plan.one("strategy").spec.name == "battle_navale"
    assert [p.spec.name for p in plan.many("techniques")] == SEVEN
    config = plan.one("strategy").config
    assert config.weights == ConfluenceWeights()
    assert (config.thresholds.strong_buy, config.thresholds.buy, config.thresholds.sell,
            config.thresholds.strong_sell) == (0.75, 0.60, 0.40, 0.25)
    assert config.entry_grade == "strong_buy" and config.stop_atr == 2.0 and config.reward_risk == 2.0
    assert plan.one("broker").config.slippage_ticks == 1
    assert [p.spec.name for p in plan.many("risk_policies")] == [
        "max_position", "max_open_positions", "daily_loss_limit", "daily_profit_target", "max_trades_per_day"]


def test_mia_backtest_runs_it_by_default(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["backtest", "--from", "2005-01-01", "--to", "2009-12-31",
                                      "--report", str(tmp_path)])
    assert result.exit_code == 0, result.output
    trades = pd.read_csv(tmp_path / "trades.csv")
    assert len(trades) > 5
    trades_line = next(line for line in result.output.splitlines() if "Trades" in line)
    assert trades_line.split()[-2] == str(len(trades))
    assert set(trades["exit_reason"]) & {"stop_loss", "take_profit"}
