"""Performance metrics of a backtest or session from its round trips and equity curve."""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import numpy as np
import numpy.typing as npt

from mia_core.accounting.portfolio import Portfolio
from mia_core.accounting.roundtrip import RoundTrip
from mia_core.errors import DomainValueError
from mia_core.metrics.daily import daily_series
from mia_core.metrics.ratios import (
    INF,
    NAN,
    annual_volatility,
    cagr,
    calmar_ratio,
    max_drawdown,
    sharpe_ratio,
    sortino_ratio,
)


@attrs.frozen(slots=True)
class PerformanceMetrics:
    """Summary statistics; money in dollars, fractions as 0..1 (not percent).

    Trade figures use round trips' net P&L (after commissions); curve figures use the
    equity curve; ratios use daily returns on CME trading days. See docs/metrics.md
    for every definition and edge case (NaN means undefined).
    """

    net_pnl: float
    net_pnl_cents: int
    gross_profit: float
    gross_loss: float
    commissions: float
    trades: int
    winners: int
    losers: int
    win_rate: float
    profit_factor: float
    expectancy: float
    average_win: float
    average_loss: float
    largest_win: float
    largest_loss: float
    longest_winning_streak: int
    longest_losing_streak: int
    average_bars_held: float
    ending_equity: float
    total_return: float
    max_drawdown: float
    max_drawdown_pct: float
    daily_max_drawdown_pct: float
    annual_return: float
    annual_volatility: float
    sharpe: float
    sortino: float
    calmar: float
    exposure: float
    trading_days: int
    best_day: float
    worst_day: float
    average_daily_pnl: float


def _longest_run(flags: Sequence[bool]) -> int:
    best = run = 0
    for flag in flags:
        run = run + 1 if flag else 0
        best = max(best, run)
    return best


def _profit_factor(profit_cents: int, loss_cents: int) -> float:
    if loss_cents:
        return profit_cents / -loss_cents
    return INF if profit_cents else NAN


def _exposure(round_trips: Sequence[RoundTrip], ts: npt.NDArray[np.int64], in_market: npt.ArrayLike | None) -> float:
    if in_market is not None:
        mask = np.asarray(in_market, dtype=bool).ravel()
        if mask.size != ts.size:
            reason = f"length differs from equity_ts {ts.size}"
            raise DomainValueError("compute_metrics", "in_market", mask.size, reason)
        return float(mask.mean()) if mask.size else NAN
    if ts.size == 0:
        return NAN
    change = np.zeros(ts.size + 1, dtype=np.int64)
    if round_trips:
        entries = np.fromiter((t.entry_ts for t in round_trips), dtype=np.int64, count=len(round_trips))
        exits = np.fromiter((t.exit_ts for t in round_trips), dtype=np.int64, count=len(round_trips))
        np.add.at(change, np.searchsorted(ts, entries, side="left"), 1)
        np.add.at(change, np.searchsorted(ts, exits, side="left"), -1)
    return float((np.cumsum(change[:-1]) > 0).mean())


def compute_metrics(
    round_trips: Sequence[RoundTrip],
    equity_ts: npt.ArrayLike,
    equity_cents: npt.ArrayLike,
    initial_cash_cents: int,
    periods_per_year: float = 252,
    in_market: npt.ArrayLike | None = None,
) -> PerformanceMetrics:
    """Compute every metric from closed trades and an equity curve.

    ``round_trips`` in closing order (streaks follow it); ``equity_ts``/``equity_cents``
    one point per bar (UTC ns, non-decreasing; cents), e.g. ``Portfolio.equity_curve()``;
    ``initial_cash_cents`` the equity before the first point (positive for returns);
    ``periods_per_year`` annualises the daily ratios; ``in_market`` optionally one
    boolean per equity point for exposure, else a point counts as exposed when some
    round trip has ``entry_ts <= ts < exit_ts``.
    """
    ts = np.asarray(equity_ts, dtype=np.int64).ravel()
    equity = np.asarray(equity_cents, dtype=np.int64).ravel()
    nets = [t.net_cents for t in round_trips]
    wins = [n for n in nets if n > 0]
    losses = [n for n in nets if n < 0]
    net_cents, profit_cents, loss_cents = sum(nets), sum(wins), sum(losses)
    trades = len(nets)
    daily = daily_series(ts, equity, initial_cash_cents)
    ending_cents = int(equity[-1]) if equity.size else initial_cash_cents
    drawdown_cents, drawdown_pct = max_drawdown(equity, initial_cash_cents)
    _, daily_drawdown_pct = max_drawdown(daily.equity_cents, initial_cash_cents)
    if daily.valid and len(daily) and initial_cash_cents > 0:
        annual = cagr(ending_cents / initial_cash_cents, len(daily), periods_per_year)
        sharpe = sharpe_ratio(daily.returns, periods_per_year)
        sortino = sortino_ratio(daily.returns, periods_per_year)
        volatility = annual_volatility(daily.returns, periods_per_year)
    else:
        annual = sharpe = sortino = volatility = NAN
    day_pnl = daily.pnl_cents
    return PerformanceMetrics(
        net_pnl=net_cents / 100,
        net_pnl_cents=net_cents,
        gross_profit=profit_cents / 100,
        gross_loss=loss_cents / 100,
        commissions=sum(t.commission_cents for t in round_trips) / 100,
        trades=trades,
        winners=len(wins),
        losers=len(losses),
        win_rate=len(wins) / trades if trades else NAN,
        profit_factor=_profit_factor(profit_cents, loss_cents),
        expectancy=net_cents / trades / 100 if trades else NAN,
        average_win=profit_cents / len(wins) / 100 if wins else NAN,
        average_loss=loss_cents / len(losses) / 100 if losses else NAN,
        largest_win=max(wins) / 100 if wins else NAN,
        largest_loss=min(losses) / 100 if losses else NAN,
        longest_winning_streak=_longest_run([n > 0 for n in nets]),
        longest_losing_streak=_longest_run([n < 0 for n in nets]),
        average_bars_held=sum(t.bars_held for t in round_trips) / trades if trades else NAN,
        ending_equity=ending_cents / 100,
        total_return=ending_cents / initial_cash_cents - 1 if initial_cash_cents > 0 else NAN,
        max_drawdown=drawdown_cents / 100,
        max_drawdown_pct=drawdown_pct,
        daily_max_drawdown_pct=daily_drawdown_pct,
        annual_return=annual,
        annual_volatility=volatility,
        sharpe=sharpe,
        sortino=sortino,
        calmar=calmar_ratio(annual, daily_drawdown_pct),
        exposure=_exposure(round_trips, ts, in_market),
        trading_days=len(daily),
        best_day=int(day_pnl.max()) / 100 if day_pnl.size else NAN,
        worst_day=int(day_pnl.min()) / 100 if day_pnl.size else NAN,
        average_daily_pnl=float(day_pnl.mean()) / 100 if day_pnl.size else NAN,
    )


def portfolio_metrics(portfolio: Portfolio, periods_per_year: float = 252) -> PerformanceMetrics:
    """``compute_metrics`` on a portfolio's round trips and equity curve, exposure from its positions."""
    ts, equity = portfolio.equity_curve()
    return compute_metrics(
        portfolio.round_trips,
        ts,
        equity,
        portfolio.initial_cash_cents,
        periods_per_year,
        in_market=portfolio.position_curve() != 0,
    )
