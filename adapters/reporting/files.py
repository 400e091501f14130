"""Write a backtest's trades, equity and risk decisions as CSV files (conventions: docs/metrics.md)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from adapters.bootstrap.backtest import BacktestRun, exchange_config
from adapters.reporting.risk import risk_decisions_frame, risk_summary_frame
from adapters.reporting.trades import trades_frame
from mia_core.engine.backtest import BacktestResult


def equity_points(result: BacktestResult) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Times (UTC ns) and equity in dollars, one point per timestamp (the last point of a timestamp marked
    twice, as the end-of-data close is, after the bar's own mark)."""
    ts = np.asarray(result.equity_ts, dtype=np.int64)
    keep = np.append(ts[1:] != ts[:-1], True) if len(ts) else np.zeros(0, dtype=bool)
    equity = result.equity_cents[keep].astype(np.float64)
    np.divide(equity, 100, out=equity)  # in place: a million points are 8 MB a copy
    return ts[keep], equity


def utc_times(ts: npt.NDArray[np.int64]) -> pd.DatetimeIndex:
    """``ts`` (UTC ns) as a UTC DatetimeIndex: ``pd.to_datetime(ts, utc=True)``, which held ~80 MB of
    temporaries on a million points, where this holds ~15."""
    return pd.DatetimeIndex(np.asarray(ts, dtype=np.int64).view("M8[ns]")).tz_localize("UTC")


def running_peak(equity: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """The highest equity so far at each point."""
    return np.maximum.accumulate(equity) if len(equity) else equity


def equity_frame(result: BacktestResult) -> pd.DataFrame:
    """Equity in dollars with drawdown from the running peak, one row per timestamp (see ``equity_points``).

    Built column by column with in-place arithmetic and not copied into one block: on a
    million bars the columns themselves are the frame's memory.
    """
    ts, equity = equity_points(result)
    peak = running_peak(equity)
    down = equity - peak
    percent = np.divide(down, peak, out=np.zeros_like(down), where=peak > 0)
    np.multiply(percent, 100, out=percent)
    del peak
    return pd.DataFrame(
        {"time": utc_times(ts), "equity": equity, "drawdown": down, "drawdown_pct": percent},
        copy=False,
    )


def run_trades_frame(run: BacktestRun) -> pd.DataFrame:
    """trades.csv's rows for ``run`` (fill times need the bars and the exchange's slippage)."""
    slippage = exchange_config(run.plan).slippage_ticks * run.plan.instrument.tick_size
    return trades_frame(run.result.round_trips, run.series, run.result.journal, slippage)


def write_csvs(run: BacktestRun, directory: Path) -> tuple[Path, Path]:
    """trades.csv and equity.csv in ``directory``; returns their paths.

    Also writes risk_decisions.csv (every risk decision and catastrophe trip) and
    risk_summary.csv (per rule: allowed, resized, rejected, an example reason).
    """
    directory.mkdir(parents=True, exist_ok=True)
    trades_path = directory / "trades.csv"
    equity_path = directory / "equity.csv"
    run_trades_frame(run).to_csv(trades_path, index=False)
    equity_frame(run.result).to_csv(equity_path, index=False)
    decisions = risk_decisions_frame(run.result.journal)
    decisions.to_csv(directory / "risk_decisions.csv", index=False)
    risk_summary_frame(decisions).to_csv(directory / "risk_summary.csv", index=False)
    return trades_path, equity_path
