"""Performance metrics: trade statistics, drawdowns and daily-return ratios on CME trading days."""

from mia_core.metrics.daily import DailySeries, daily_series
from mia_core.metrics.performance import PerformanceMetrics, compute_metrics, portfolio_metrics
from mia_core.metrics.ratios import (
    annual_return,
    annual_volatility,
    cagr,
    calmar_ratio,
    downside_deviation,
    max_drawdown,
    sharpe_ratio,
    sortino_ratio,
)
from mia_core.metrics.table import metrics_table_rows

__all__ = [
    "DailySeries",
    "PerformanceMetrics",
    "annual_return",
    "annual_volatility",
    "cagr",
    "calmar_ratio",
    "compute_metrics",
    "daily_series",
    "downside_deviation",
    "max_drawdown",
    "metrics_table_rows",
    "portfolio_metrics",
    "sharpe_ratio",
    "sortino_ratio",
]
