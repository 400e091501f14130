"""CSV and summary conventions (docs/metrics.md): fill times, bars held, trade ids, one equity row per time, money."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import attrs
import numpy as np
import pandas as pd
import pytest
from rich.console import Console

from adapters.bootstrap.backtest import BacktestRun, backtest_plan
from adapters.bootstrap.cli_shared import default_config, host_for
from adapters.bootstrap.config import load_plan
from adapters.live.session import status_table
from adapters.reporting.files import write_csvs
from adapters.reporting.html import render
from adapters.reporting.summary import summary_table
from mia_core.accounting import Portfolio, marks
from mia_core.instruments import ES
from mia_core.orders import Fill, OrderSide


def _default_run(close_at_end: bool = True, end: dt.date | None = None) -> BacktestRun:
    path = default_config()
    host = host_for(path)
    plan = load_plan(path, host)
    backtest = attrs.evolve(plan.settings.backtest, close_at_end=close_at_end, end=end)
    return backtest_plan(attrs.evolve(plan, settings=attrs.evolve(plan.settings, backtest=backtest)), host)


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[BacktestRun, pd.DataFrame, pd.DataFrame]:
    run = _default_run()
    trades, equity = write_csvs(run, tmp_path_factory.mktemp("csv"))
    return run, pd.read_csv(trades), pd.read_csv(equity)


def test_equity_csv_has_one_row_per_timestamp(written: tuple[BacktestRun, pd.DataFrame, pd.DataFrame]) -> None:
    run, _, equity = written
    assert equity["time"].is_unique
    assert len(equity) == len(run.series)
    assert equity["equity"].iloc[-1] == pytest.approx(run.metrics.ending_equity)  # the end-of-data close's point


def test_trades_csv_has_trade_ids_and_entry_reasons(written: tuple[BacktestRun, pd.DataFrame, pd.DataFrame]) -> None:
    _, trades, _ = written
    assert list(trades.columns[:2]) == ["trade_id", "entry_reason"]
    assert trades["trade_id"].tolist() == list(range(1, len(trades) + 1))
    assert trades["entry_reason"].str.startswith("signal_entry").all()


def test_a_fill_at_the_open_is_stamped_with_the_bars_open_time(
    written: tuple[BacktestRun, pd.DataFrame, pd.DataFrame],
) -> None:
    run, trades, _ = written
    trip = run.result.round_trips[0]
    i = int(np.searchsorted(run.series.ts, trip.entry_ts))
    assert trip.entry_price == run.series.open[i] + 0.25  # market entry at the open, one tick of slippage
    assert pd.Timestamp(trip.entry_ts, tz="UTC") == pd.Timestamp("1999-07-01 20:00", tz="UTC")  # the bar's close
    # the open of the CME trading day of 1 July 1999: 17:00 Chicago (CDT) on 30 June
    assert pd.Timestamp(trades["entry_time"].iloc[0]) == pd.Timestamp("1999-06-30 22:00", tz="UTC")
    # a stop hit inside a later bar: the bar's close stamp, the first moment the fill is known (the first trades
    # of the daily system leave by its day guard since issue 14: the first stopped one is taken)
    stopped = int(np.flatnonzero(trades["exit_reason"] == "stop_loss")[0])
    stop_trip = run.result.round_trips[stopped]
    assert stop_trip.exit_ts > stop_trip.entry_ts
    assert pd.Timestamp(trades["exit_time"].iloc[stopped]) == pd.Timestamp(stop_trip.exit_ts, tz="UTC")


def _daily(n: int) -> tuple[np.ndarray, np.ndarray]:
    day = 86_400 * 10**9
    return np.arange(n, dtype=np.int64) * day + 1_000 * day, np.full(n, 4000.0)


def _held(exit_bar: int | None, bulk: bool) -> int:
    """bars_held of a long bought at bar 1's open and sold at ``exit_bar``'s open (or at the last close)."""
    ts, prices = _daily(4)
    portfolio = Portfolio(ES, 10_000_000)

    def mark(first: int, end: int) -> None:
        if bulk:
            marks.mark_many(portfolio, ts[first:end], prices[first:end], prices[first:end], prices[first:end])
        else:
            for i in range(first, end):
                portfolio.mark(int(ts[i]), 4000.0, 4000.0, 4000.0)

    mark(0, 1)
    portfolio.apply_fill(Fill("in", ES, OrderSide.BUY, 1, 4000.0, int(ts[1])), "signal")
    if exit_bar is None:
        mark(1, 4)
        portfolio.apply_fill(Fill("out", ES, OrderSide.SELL, 1, 4000.0, int(ts[3])), "end_of_data")
    else:
        mark(1, exit_bar)
        portfolio.apply_fill(Fill("out", ES, OrderSide.SELL, 1, 4000.0, int(ts[exit_bar])), "signal")
    return portfolio.round_trips[-1].bars_held


@pytest.mark.parametrize("bulk", [False, True], ids=["mark", "mark_many"])
def test_a_one_day_hold_counts_one_bar(bulk: bool) -> None:
    assert _held(2, bulk) == 1  # in at bar 1's open, out at bar 2's open (bar 1's close passed with it open)
    assert _held(1, bulk) == 0  # in and out inside bar 1
    assert _held(None, bulk) == 3  # held at the closes of bars 1, 2 and 3, closed after the last


def _text(renderable: object) -> str:
    buffer = io.StringIO()
    Console(file=buffer, width=200, color_system=None).print(renderable)
    return buffer.getvalue()


def test_an_open_position_explains_net_pnl_against_total_return(tmp_path: Path) -> None:
    run = _default_run(close_at_end=False, end=dt.date(1999, 7, 15))  # the first trade is open then
    assert run.result.final_position != 0
    summary = " ".join(_text(summary_table(run)).replace("│", " ").split())
    assert "open at the end" in summary and "net P&L" in summary and "closed trades only" in summary
    assert "open at the end" in render(run)
    closed = _default_run(close_at_end=True, end=dt.date(1999, 7, 15))
    assert "open at the end" not in _text(summary_table(closed))


def test_money_is_written_minus_dollar_everywhere(written: tuple[BacktestRun, pd.DataFrame, pd.DataFrame]) -> None:
    run, _, _ = written
    assert "$-" not in _text(summary_table(run)) and "$-" not in render(run)
    assert "-$" in _text(summary_table(run))


class _Engine:
    """What the live panel reads of an engine."""

    def __init__(self, portfolio: Portfolio) -> None:
        self.portfolio = portfolio
        self.instrument = ES
        self.now_ns = 0
        self.working: list[object] = []
        self.desk = _Desk()


class _Desk:
    """A risk desk without a catastrophe monitor (nothing latched to show)."""

    monitor = None


def test_the_live_panels_realized_pnl_is_after_commissions() -> None:
    portfolio = Portfolio(ES, 10_000_000)
    portfolio.apply_fill(Fill("a", ES, OrderSide.BUY, 1, 4000.0, 1, commission_cents=225), "signal")
    portfolio.apply_fill(Fill("b", ES, OrderSide.SELL, 1, 4000.0, 2, commission_cents=225), "signal")
    text = _text(status_table(_Engine(portfolio), 2))  # type: ignore[arg-type]
    assert "-$4.50" in text and "$-" not in text  # a scratch trade: the two commissions lost
