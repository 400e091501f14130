"""The report's chart data: decimated series, buy and hold, trades on price, the P&L histogram, monthly returns."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from adapters.bootstrap.backtest import BacktestRun
from adapters.reporting.files import equity_points, running_peak, utc_times
from adapters.research import baselines

MAX_POINTS = 4_000  # per line: min/max of each bucket, so spikes survive decimation
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def decimate(y: npt.NDArray[np.float64], limit: int = MAX_POINTS) -> npt.NDArray[np.int64]:
    """Indices of at most about ``limit`` points keeping each bucket's lowest and highest, first and last."""
    n = len(y)
    if n <= limit:
        return np.arange(n, dtype=np.int64)
    buckets = max(1, limit // 2)
    edges = np.linspace(0, n, buckets + 1).astype(np.int64)
    keep = [0, n - 1]
    for a, b in itertools.pairwise(edges.tolist()):
        if b > a:
            keep += [a + int(np.argmin(y[a:b])), a + int(np.argmax(y[a:b]))]
    return np.unique(np.asarray(keep, dtype=np.int64))


def _line(seconds: npt.NDArray[np.int64], y: npt.NDArray[np.float64], name: str, color: str,
          **style: Any) -> dict[str, Any]:
    keep = decimate(y)
    return {"name": name, "color": color, "x": seconds[keep].tolist(), "y": np.round(y[keep], 2).tolist(), **style}


def buy_and_hold(run: BacktestRun) -> npt.NDArray[np.float64]:
    """Equity in dollars, per bar, of ``execution.contracts`` long bought at the first bar's open and sold at
    the last bar's close, after the broker's commission and slippage on both fills (the walk-forward's
    baseline, ``adapters.research.baselines``)."""
    if not len(run.series):
        return np.zeros(0)
    hold = baselines.buy_and_hold(run.series, 0, len(run.series), run.plan)
    return np.asarray(hold.equity_cents, dtype=np.float64) / 100


def _seconds(ts: Any) -> npt.NDArray[np.int64]:
    return np.asarray(ts, dtype=np.int64) // 1_000_000_000


def equity_chart(run: BacktestRun, name: str) -> dict[str, Any]:
    """Equity beside buy and hold (top) and the drawdown from the running peak (below), dollars."""
    ts, equity = equity_points(run.result)
    x = _seconds(ts)
    symbol = run.plan.instrument.symbol
    hold = buy_and_hold(run)
    contracts = run.plan.settings.execution.contracts
    return {"panels": [
        {"height": 0.7, "series": [
            _line(_seconds(run.series.ts), hold, f"buy and hold ({contracts} {symbol})", "#9aa0a6", dash=True),
            _line(x, equity, name, "#1a73e8")]},
        {"height": 0.3, "series": [_line(x, equity - running_peak(equity), "drawdown", "#c5221f", fill=True)]},
    ]}


def price_chart(run: BacktestRun, trades: pd.DataFrame) -> dict[str, Any]:
    """The close (decimated) with each trade's entry (triangle) and exit (cross) at its fill time and price
    (the page draws the markers once at most 1,500 are in view; more ask to zoom in)."""
    series = run.series
    close = _line(_seconds(series.ts), series.close, "close", "#5f6368")
    markers = []
    for row in trades.itertuples():
        markers.append([int(row.entry_time.value // 1_000_000_000), row.entry_price,
                        "up" if row.direction == "long" else "down", int(row.trade_id)])
        markers.append([int(row.exit_time.value // 1_000_000_000), row.exit_price, "exit", int(row.trade_id)])
    return {"panels": [{"height": 1.0, "series": [close], "markers": markers, "money": False}]}


def pnl_histogram(trades: pd.DataFrame, bins: int = 30) -> dict[str, Any]:
    """Net P&L per trade in ``bins`` equal bins (dollars)."""
    if trades.empty:
        return {"edges": [], "counts": []}
    counts, edges = np.histogram(trades["net_pnl"].to_numpy(), bins=min(bins, max(1, len(trades))))
    return {"edges": np.round(edges, 2).tolist(), "counts": counts.tolist()}


def monthly_returns(run: BacktestRun) -> pd.DataFrame:
    """Percent return per calendar month (rows years, columns Jan..Dec) and the year's (``Year``)."""
    ts, dollars = equity_points(run.result)
    equity = pd.Series(dollars, index=utc_times(ts), copy=False)
    if equity.empty:
        return pd.DataFrame(columns=[*MONTHS, "Year"])
    initial = run.initial_cash_cents / 100

    def returns(rule: str) -> pd.Series:
        ends = equity.resample(rule).last().dropna()
        return ends / ends.shift(1, fill_value=initial) - 1

    monthly = returns("ME") * 100
    table = pd.DataFrame({"year": monthly.index.year, "month": monthly.index.month, "ret": monthly.to_numpy()})
    pivot = table.pivot(index="year", columns="month", values="ret").reindex(columns=range(1, 13))
    pivot.columns = list(MONTHS)
    yearly = returns("YE") * 100
    pivot["Year"] = pd.Series(yearly.to_numpy(), index=yearly.index.year)
    return pivot
