"""Write a backtest's trades and equity as CSV files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from adapters.reporting.risk import risk_decisions_frame, risk_summary_frame
from mia_core.accounting import round_trips_frame
from mia_core.engine.backtest import BacktestResult


def equity_frame(result: BacktestResult) -> pd.DataFrame:
    """Per-bar equity in dollars with drawdown from the running peak."""
    equity = result.equity_cents.astype(np.float64) / 100
    peak = np.maximum.accumulate(equity) if len(equity) else equity
    return pd.DataFrame(
        {
            "time": pd.to_datetime(result.equity_ts, utc=True),
            "equity": equity,
            "drawdown": equity - peak,
            "drawdown_pct": np.where(peak > 0, (equity - peak) / peak * 100, 0.0),
        }
    )


def write_csvs(result: BacktestResult, directory: Path) -> tuple[Path, Path]:
    """trades.csv and equity.csv in ``directory``; returns their paths.

    Also writes risk_decisions.csv (every risk decision and catastrophe trip) and
    risk_summary.csv (per rule: allowed, resized, rejected, an example reason).
    """
    directory.mkdir(parents=True, exist_ok=True)
    trades_path = directory / "trades.csv"
    equity_path = directory / "equity.csv"
    round_trips_frame(result.round_trips).to_csv(trades_path, index=False)
    equity_frame(result).to_csv(equity_path, index=False)
    decisions = risk_decisions_frame(result.journal)
    decisions.to_csv(directory / "risk_decisions.csv", index=False)
    risk_summary_frame(decisions).to_csv(directory / "risk_summary.csv", index=False)
    return trades_path, equity_path
