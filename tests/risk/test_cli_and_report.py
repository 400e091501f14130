"""`mia risk status/stop/rearm` on a real state file, and the backtest report's risk section."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from adapters.bootstrap.cli import app
from adapters.replay.bundled import bundled_series
from adapters.risk.store import FileRiskStateStore, read_latch
from mia_core.engine.core import TradingEngine
from mia_core.instruments import ES
from mia_core.risk.catastrophe import CatastropheConfig
from mia_core.signals import Direction
from mia_plugins.sma_cross.strategy import SmaCrossConfig, SmaCrossStrategy

from .helpers import Scripted, bars_from, chicago, shell_for

runner = CliRunner()


def system(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "system.yaml"
    path.write_text(
        "data_feed: bundled\nstrategy: sma_cross\nmode: paper\n"
        "risk_policies:\n  - use: daily_loss_limit\n    max_loss: 500\n  - use: max_trades_per_day\n"
        "  - use: max_position\n"
        f"catastrophe:\n  enabled: true\n  state_file: {tmp_path / 'state.json'}\n{extra}"
    )
    return path


def test_status_stop_and_rearm(tmp_path: Path) -> None:
    config = system(tmp_path)
    shown = runner.invoke(app, ["risk", "status", str(config)])
    assert shown.exit_code == 0, shown.output
    assert "ARMED" in shown.output and "no figures published yet" in shown.output
    stopped = runner.invoke(app, ["risk", "stop", str(config), "--reason", "fat finger"])
    assert stopped.exit_code == 0, stopped.output
    latch = read_latch(tmp_path / "state.json")
    assert latch is not None and latch.latched and (latch.trigger, latch.detail) == ("manual_stop", "fat finger")
    assert "LATCHED" in runner.invoke(app, ["risk", "status", str(config)]).output
    rearmed = runner.invoke(app, ["risk", "rearm", str(config)])
    assert rearmed.exit_code == 0 and "was latched by manual_stop" in rearmed.output
    latch = read_latch(tmp_path / "state.json")
    assert latch is not None and not latch.latched and latch.rearmed_ns > 0


def test_status_shows_the_figures_a_session_published(tmp_path: Path) -> None:
    config = system(tmp_path)
    store = FileRiskStateStore(tmp_path / "state.json", publish_every=0.0)  # every bar's figures, however fast
    engine = TradingEngine(ES, Scripted({1: Direction.LONG}), catastrophe=CatastropheConfig(enabled=True),
                           risk_store=store)
    shell = shell_for(engine, commission_per_contract=0.0)
    for bar in bars_from([5000.0, 5000.0, 4996.0], chicago("2024-03-05 09:00"), spread=0.0):
        shell.step(bar)
    # long 1 from 5000, now 4996: day P&L -4 points = -$200; one entry against 15
    shown = runner.invoke(app, ["risk", "status", str(config)], terminal_width=200)
    assert shown.exit_code == 0, shown.output
    assert "trading day 2024-03-05" in shown.output
    loss_row = next(line for line in shown.output.splitlines() if "day P&L vs loss limit" in line)
    assert "-$200.00" in loss_row and "-$500.00" in loss_row and "ok" in loss_row
    entries_row = next(line for line in shown.output.splitlines() if "entries today" in line)
    assert entries_row.split("│")[2].strip() == "1" and "15" in entries_row


def test_a_bad_config_is_an_error_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("data_feed: bundled\nstrategy: sma_cross\ncatastrophe:\n  enabled: maybe\n")
    shown = runner.invoke(app, ["risk", "status", str(path)])
    assert shown.exit_code == 2 and "catastrophe.enabled" in shown.output


def test_the_report_says_which_rule_blocked_what_and_how_often(tmp_path: Path) -> None:
    # market hours open only on Saturdays: every entry sma_cross asks for is rejected by that rule
    path = tmp_path / "closed.yaml"
    path.write_text(
        "data_feed: bundled\nstrategy:\n  use: sma_cross\n  fast: 10\n  slow: 30\n"
        "risk_policies:\n  - use: max_position\n  - use: market_hours\n    days: [sat]\n"
    )
    result = runner.invoke(app, ["backtest", str(path), "--from", "2005-01-01", "--to", "2006-12-31",
                                 "--report", str(tmp_path / "report")], terminal_width=200)
    assert result.exit_code == 0, result.output
    # the independent count: the crossings the strategy itself reports over the same bars
    series = bundled_series("sp500", ES)
    window = (series.ts >= pd.Timestamp("2005-01-01", tz="America/Chicago").value) & (
        series.ts <= pd.Timestamp("2006-12-31 23:59", tz="America/Chicago").value)
    start, stop = np.flatnonzero(window)[[0, -1]]
    warm = 30  # the window warms up on the bars before --from: sma_cross needs slow + 1 = 31 bars for a cross
    directions = SmaCrossStrategy(SmaCrossConfig(fast=10, slow=30)).target_directions(
        series.slice(int(start) - warm, int(stop) + 1))
    crossings = int(np.count_nonzero(directions[warm:]))
    summary = pd.read_csv(tmp_path / "report" / "risk_summary.csv").set_index("policy")
    assert crossings > 5
    assert summary.loc["market_hours", "reject"] == crossings
    assert summary.loc["max_position", "allow"] == crossings and summary.loc["max_position", "reject"] == 0
    decisions = pd.read_csv(tmp_path / "report" / "risk_decisions.csv")
    assert len(decisions) == 2 * crossings
    assert pd.read_csv(tmp_path / "report" / "trades.csv").empty
    assert f"market_hours {crossings} rejected" in result.output
    assert "which rule blocked what" in (tmp_path / "report" / "report.html").read_text()
