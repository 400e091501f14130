"""`mia backtest` on trades: a system of the ticks feed and a tick strategy, from real CSV, Parquet and .scid files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from adapters.bootstrap.cli import app
from adapters.bootstrap.config import load_plan
from adapters.bootstrap.plugins import discover
from adapters.bootstrap.tick_backtest import backtest_plan_on_trades_or_bars as backtest_plan
from adapters.bootstrap.window import WindowError
from mia_core.engine.core import TradingEngine
from mia_core.exchange import SimulatedExchange
from mia_core.exchange.config import ExchangeConfig
from mia_core.instruments import ES
from mia_core.ticks.backtest import run_tick_backtest
from mia_core.ticks.tape import Tape
from mia_plugins.order_flow.strategy import OrderFlowConfig, OrderFlowStrategy

from . import files

runner = CliRunner()


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["backtest", *args])
    return result.exit_code, " ".join(result.output.split())  # the summary table wraps its title


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    files.csv(tmp_path / "trades.csv", files.tape())
    return tmp_path


def test_a_csv_of_trades_is_backtested_trade_by_trade_with_the_bar_report(folder: Path) -> None:
    code, out = _run(str(files.system(folder / "ticks.yaml")), "--report", "out", "--journal", "run.jsonl")
    assert code == 0, out
    assert "20,000 trades (" in out and "marks, tick by tick)" in out and "Net P&L" in out
    assert "tick backtest: 20,000 trades, marked every 60 s and before each fill" in out
    assert (folder / "out" / "report.html").is_file() and (folder / "out" / "equity.csv").is_file()
    assert (folder / "run.jsonl").stat().st_size > 0


def test_the_run_is_the_tick_backtest_of_the_same_tape(folder: Path) -> None:
    plan = load_plan(files.system(folder / "ticks.yaml"), discover())
    run = backtest_plan(plan, discover())
    engine = TradingEngine(ES, OrderFlowStrategy(OrderFlowConfig(threshold=60), ES.tick_size))
    exchange = SimulatedExchange(ES, ExchangeConfig(market_fill="next_trade", slippage_ticks=1,
                                                    commission_per_contract=2.25))
    direct = run_tick_backtest(files.tape(), engine, exchange)
    assert run.ticks == 20_000 and len(run.result.round_trips) > 5
    assert run.result.round_trips == direct.round_trips
    assert run.result.equity_cents.tolist() == direct.equity_cents.tolist()


def test_parquet_and_scid_trades_give_the_same_trades_as_the_csv(folder: Path) -> None:
    t = files.tape()
    files.frame(t).to_parquet(folder / "trades.parquet")
    files.scid(folder / "ESH24.scid", t)
    host = discover()
    trips = []
    for data in ("trades.csv", "trades.parquet", "ESH24.scid"):
        plan = load_plan(files.system(folder / "ticks.yaml", data=data), host)
        trips.append(backtest_plan(plan, host).result.round_trips)
    assert trips[0] and trips[0] == trips[1] == trips[2]


def test_ticks_with_data_replaces_a_bar_feed_by_the_file_of_trades(folder: Path) -> None:
    path = files.system(folder / "bars.yaml", feed="bundled")
    code, out = _run(str(path), "--ticks", "--data", "trades.csv", "--report", "out")
    assert code == 0, out
    assert "20,000 trades (" in out


def test_bars_runs_the_bar_backtest_of_the_feeds_bars(folder: Path) -> None:
    code, out = _run(str(files.system(folder / "ticks.yaml")), "--bars", "--report", "out")
    assert code == 0, out
    assert "bars (bar by bar)" in out and "tick backtest" not in out and "has on_tick" not in out


def test_a_tick_strategy_on_a_feed_of_bars_runs_on_bars_and_says_so(folder: Path) -> None:
    code, out = _run(str(files.system(folder / "bars.yaml", feed="bundled")), "--report", "out")
    assert code == 0, out
    assert "has on_tick, but data feed 'bundled' gives bars: it ran on bars (on_bar)" in out


def test_a_bar_strategy_on_the_ticks_feed_trades_its_bars(folder: Path) -> None:
    path = files.system(folder / "sma.yaml", strategy="sma_cross\n  fast: 5\n  slow: 20")
    code, out = _run(str(path), "--report", "out")
    assert code == 0, out
    assert "474 bars (vectorised)" in out and "tick backtest" not in out  # the 1-minute bars of the trades


def test_from_and_to_keep_the_trades_of_those_days(folder: Path) -> None:
    one = files.tape()
    day = 86_400 * 10**9  # the same session again a day later: CME trading days 2024-01-02 and 2024-01-03
    two = Tape(ES, np.concatenate([one.ts, one.ts + day]), np.tile(one.price, 2), np.tile(one.size, 2),
               np.tile(one.side, 2))
    files.csv(folder / "trades.csv", two)
    plan = load_plan(files.system(folder / "ticks.yaml"), discover())
    whole = backtest_plan(plan, discover())
    later = backtest_plan(plan, discover(), start=dt.date(2024, 1, 3))
    assert 0 < later.ticks < whole.ticks and later.result.round_trips
    opens = int(pd.Timestamp("2024-01-02 17:00", tz="America/Chicago").value)  # CME trading day 2024-01-03
    assert int(later.series.ts[0]) > opens and min(t.entry_ts for t in later.result.round_trips) > opens
    first_day = backtest_plan(plan, discover(), end=dt.date(2024, 1, 2))
    assert first_day.ticks + later.ticks == whole.ticks
    with pytest.raises(WindowError, match="no trades from 2030-01-02 to 2024-01-03: the data runs 2024-01-02 to "
                                          "2024-01-03"):
        backtest_plan(plan, discover(), start=dt.date(2030, 1, 2))


# --- refusals: each names the file, the key or the line ---------------------------------------------------------


def test_ticks_with_a_strategy_without_on_tick_names_the_strategy(folder: Path) -> None:
    path = files.system(folder / "sma.yaml", strategy="sma_cross")
    code, out = _run(str(path), "--ticks")
    assert code == 2
    assert "sma.yaml: strategy.use: --ticks: strategy 'sma_cross' (plugin sma_cross" in out
    assert "has no on_tick(ts, price, size, side, context)" in out


def test_ticks_with_a_feed_of_bars_names_the_feed(folder: Path) -> None:
    code, out = _run(str(files.system(folder / "bars.yaml", feed="bundled")), "--ticks")
    assert code == 2
    assert "bars.yaml: data_feed.use: --ticks: data feed 'bundled' gives bars, not trades" in out


def test_another_market_fill_names_the_broker_key(folder: Path) -> None:
    code, out = _run(str(files.system(folder / "ticks.yaml", market_fill="next_open")))
    assert code == 2
    assert "ticks.yaml: broker.market_fill: a tick backtest fills market orders at the next trade" in out


def test_a_file_of_bars_is_refused_as_not_trades(folder: Path) -> None:
    (folder / "bars.csv").write_text("ts,open,high,low,close,volume\n2024-01-02T15:00:00Z,1,2,0.5,1.5,10\n")
    code, out = _run(str(files.system(folder / "ticks.yaml", data="bars.csv")))
    assert code == 2
    assert "bars.csv: holds bars (columns ts, open, high, low, close, volume), not trades" in out


def test_a_scid_file_stored_as_bars_is_refused_naming_the_record(folder: Path) -> None:
    files.scid_of_bars(folder / "ESH24.scid", files.tape(100))
    code, out = _run(str(files.system(folder / "ticks.yaml", data="ESH24.scid")))
    assert code == 2
    assert "ESH24.scid" in out and "record 0 is a bar, not a trade: the file is stored as bars" in out


@pytest.mark.parametrize(("row", "message"), [
    ("2024-01-02T15:00:02Z,abc,1,1", "line 4: price 'abc' is not a number"),
    ("2024-01-02T15:00:02Z,5000.1,1,1", "line 4: price 5000.1: not on the tick grid of 0.25"),
    ("2024-01-02T15:00:02Z,5000,0,1", "line 4: size 0: not a positive whole size"),
    ("2024-01-02T15:00:02Z,5000,1,up", "line 4: side 'up' is not a side"),
    ("yesterday,5000,1,1", "line 4: ts 'yesterday' is not a time"),
])
def test_a_malformed_row_is_named_by_its_line(folder: Path, row: str, message: str) -> None:
    good = "2024-01-02T15:00:00Z,5000,1,1\n2024-01-02T15:00:01Z,5000.25,2,-1\n"
    (folder / "bad.csv").write_text(f"ts,price,size,side\n{good}{row}\n")
    code, out = _run(str(files.system(folder / "ticks.yaml", data="bad.csv")))
    assert code == 2, out
    assert f"bad.csv: {message}" in out


def test_a_missing_file_names_the_path(folder: Path) -> None:
    code, out = _run(str(files.system(folder / "ticks.yaml", data="nowhere.csv")))
    assert code == 2
    assert "nowhere.csv: no such file" in out
