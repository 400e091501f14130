"""Write a backtest's trades, equity and risk decisions as CSV files (conventions: docs/metrics.md)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from adapters.bootstrap.backtest import BacktestRun, exchange_config
from adapters.reporting.risk import risk_decisions_frame, risk_summary_frame
from adapters.reporting.trades import trades_frame
from mia_core.engine.backtest import BacktestResult


def equity_frame(result: BacktestResult) -> pd.DataFrame:
    """Equity in dollars with drawdown from the running peak, one row per timestamp (the last point
    of a timestamp marked twice, as the end-of-data close is, after the bar's own mark)."""
    ts = np.asarray(result.equity_ts, dtype=np.int64)
    keep = np.append(ts[1:] != ts[:-1], True) if len(ts) else np.zeros(0, dtype=bool)
    equity = result.equity_cents[keep].astype(np.float64) / 100
    peak = np.maximum.accumulate(equity) if len(equity) else equity
    return pd.DataFrame(
        {
            "time": pd.to_datetime(ts[keep], utc=True),
            "equity": equity,
            "drawdown": equity - peak,
            "drawdown_pct": np.where(peak > 0, (equity - peak) / peak * 100, 0.0),
        }
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
