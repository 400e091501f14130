"""Formatted label/value rows of PerformanceMetrics for a terminal summary."""

from __future__ import annotations

import math
from collections.abc import Callable

from mia_core.metrics.performance import PerformanceMetrics

NOT_AVAILABLE = "n/a"


def format_money(value: float) -> str:
    """``$1,234.56`` / ``-$1,234.56``; NaN as ``n/a``."""
    if math.isnan(value):
        return NOT_AVAILABLE
    return f"-${-value:,.2f}" if value < 0 else f"${value:,.2f}"


def format_percent(value: float) -> str:
    """A fraction as a percentage with two decimals (0.1234 -> ``12.34%``); NaN as ``n/a``."""
    return NOT_AVAILABLE if math.isnan(value) else f"{value * 100:.2f}%"


def format_number(value: float) -> str:
    """Two decimals; ``inf``/``-inf`` as such; NaN as ``n/a``."""
    if math.isnan(value):
        return NOT_AVAILABLE
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return f"{value:,.2f}"


def format_count(value: int) -> str:
    """A whole number with thousands separators."""
    return f"{value:,}"


_ROWS: tuple[tuple[str, str, Callable[..., str]], ...] = (
    ("Net P&L", "net_pnl", format_money),
    ("Gross profit", "gross_profit", format_money),
    ("Gross loss", "gross_loss", format_money),
    ("Commissions", "commissions", format_money),
    ("Trades", "trades", format_count),
    ("Win rate", "win_rate", format_percent),
    ("Profit factor", "profit_factor", format_number),
    ("Expectancy / trade", "expectancy", format_money),
    ("Average win", "average_win", format_money),
    ("Average loss", "average_loss", format_money),
    ("Largest win", "largest_win", format_money),
    ("Largest loss", "largest_loss", format_money),
    ("Longest losing streak", "longest_losing_streak", format_count),
    ("Average bars held", "average_bars_held", format_number),
    ("Ending equity", "ending_equity", format_money),
    ("Total return", "total_return", format_percent),
    ("Max drawdown", "max_drawdown", format_money),
    ("Max drawdown %", "max_drawdown_pct", format_percent),
    ("Annual return", "annual_return", format_percent),
    ("Annual volatility", "annual_volatility", format_percent),
    ("Sharpe", "sharpe", format_number),
    ("Sortino", "sortino", format_number),
    ("Calmar", "calmar", format_number),
    ("Exposure", "exposure", format_percent),
    ("Trading days", "trading_days", format_count),
    ("Best day", "best_day", format_money),
    ("Worst day", "worst_day", format_money),
    ("Average daily P&L", "average_daily_pnl", format_money),
)


def metrics_table_rows(metrics: PerformanceMetrics) -> list[tuple[str, str]]:
    """``(label, formatted value)`` pairs in display order for a two-column table."""
    return [(label, fmt(getattr(metrics, name))) for label, name, fmt in _ROWS]
