"""`mia backtest`: summary, report directory (trades, equity, HTML), --data, --from/--to."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from adapters.bootstrap.cli import app
from adapters.replay.bundled import bundled_series
from mia_core.instruments import ES

runner = CliRunner()


SMA_CROSS_SYSTEM = str(resources.files("adapters.bootstrap").joinpath("templates", "system.yaml"))


def test_sma_cross_system_backtest_writes_the_report(tmp_path: Path) -> None:
    args = ["backtest", SMA_CROSS_SYSTEM, "--from", "2005-01-01", "--to", "2009-12-31", "--report", str(tmp_path)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Net P&L" in result.output and "Sharpe" in result.output
    trades = pd.read_csv(tmp_path / "trades.csv")
    equity = pd.read_csv(tmp_path / "equity.csv")
    assert len(trades) > 10
    assert equity["time"].iloc[0].startswith("2005-01-03")
    assert equity["time"].iloc[-1].startswith("2009-12-31")
    trades_line = next(line for line in result.output.splitlines() if "Trades" in line)
    assert trades_line.split()[-2] == str(len(trades))
    net_line = next(line for line in result.output.splitlines() if "Net P&L" in line)
    assert net_line.split()[-2] == f"${trades['net_pnl'].sum():,.2f}".replace("$-", "-$")
    page = (tmp_path / "report.html").read_text()
    for title in ("Equity and drawdown", "Trades on price", "Monthly returns"):
        assert title in page


def test_data_option_replays_a_csv_file(tmp_path: Path) -> None:
    series = bundled_series("nasdaq", ES).slice(0, 400)
    frame = pd.DataFrame({"ts": pd.to_datetime(series.ts, utc=True), "open": series.open, "high": series.high,
                          "low": series.low, "close": series.close, "volume": series.volume})
    path = tmp_path / "bars.csv"
    frame.to_csv(path, index=False)
    result = runner.invoke(app, ["backtest", "--data", str(path), "--report", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "400 bars" in result.output


def test_bad_config_is_an_error_naming_file_and_key(tmp_path: Path) -> None:
    config = tmp_path / "bad.yaml"
    config.write_text("data_feed: {use: bundled}\nstrategy: {use: sma_cross, fast: 50, slow: 20}\n")
    result = runner.invoke(app, ["backtest", str(config)])
    assert result.exit_code == 2
    assert "bad.yaml" in result.output and "strategy" in result.output
