"""Daily ratios against the independent empyrical library on the same CME-day return series."""

from __future__ import annotations

import math

import empyrical
import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from mia_core.accounting import Portfolio
from mia_core.instruments import ES
from mia_core.metrics import PerformanceMetrics, compute_metrics, daily_series, portfolio_metrics
from mia_core.orders import Fill, OrderSide
from mia_core.timeutil import cme_trading_day

REL = 1e-9
# empyrical compounds prod(1 + r), which carries about 1e-16 absolute error per day, where MIA
# divides the ending equity by the initial; annual returns that cancel towards zero therefore
# differ by ~1e-14 absolutely, which no relative tolerance absorbs. Such values are compared to
# an absolute floor of 1e-12 in annual-return units. empyrical's drawdown also comes from
# compounded products (absolute error ~1e-16 per day), so Calmar, divided by the drawdown, gets a
# relative allowance of 1e-12 / drawdown on top of REL: 1e-10 for a 1% drawdown.
ABS_FLOOR = 1e-12


def close(ours: float, reference: float, abs_floor: float = ABS_FLOOR, rel: float = REL) -> bool:
    """Equal to ``rel`` relative, or within ``abs_floor`` for values that cancel towards zero."""
    if math.isnan(reference) or math.isinf(reference):
        return ours == reference or (math.isnan(ours) and math.isnan(reference))
    return math.isclose(ours, reference, rel_tol=rel, abs_tol=abs_floor)


def assert_matches_empyrical(m: PerformanceMetrics, returns: np.ndarray, periods_per_year: int) -> None:
    series, ann = pd.Series(returns), periods_per_year
    drawdown = -empyrical.max_drawdown(series)
    calmar_rel = REL + ABS_FLOOR / drawdown if drawdown > 0 else REL
    checks = {
        "sharpe": (m.sharpe, empyrical.sharpe_ratio(series, annualization=ann), REL),
        "sortino": (m.sortino, empyrical.sortino_ratio(series, annualization=ann), REL),
        "annual_return": (m.annual_return, empyrical.annual_return(series, annualization=ann), REL),
        "annual_volatility": (m.annual_volatility, empyrical.annual_volatility(series, annualization=ann), REL),
        "calmar": (m.calmar, empyrical.calmar_ratio(series, annualization=ann), calmar_rel),
        "daily_max_drawdown_pct": (m.daily_max_drawdown_pct, drawdown, REL),
    }
    for name, (ours, reference, rel) in checks.items():
        assert close(ours, float(reference), rel=rel), f"{name}: ours {ours!r} empyrical {reference!r}"


def simulate(seed: int, days: int = 60) -> Portfolio:
    """Minute bars across ``days`` calendar days (sessions crossing DST), random entries and exits."""
    rng = np.random.default_rng(seed)
    portfolio = Portfolio(ES, 100_000_000)
    ts = pd.Timestamp("2024-02-20 23:00", tz="UTC").value
    ticks = 16_000
    for _ in range(days * 24 * 12):
        ts += 5 * 60 * 10**9
        if pd.Timestamp(ts, unit="ns", tz="UTC").tz_convert("America/Chicago").day_of_week == 5:
            continue  # no Saturday bars
        ticks += int(rng.integers(-3, 4))
        if rng.random() < 0.02:
            side = OrderSide.BUY if rng.random() < 0.5 else OrderSide.SELL
            portfolio.apply_fill(Fill(order_id="o", instrument=ES, side=side, quantity=int(rng.integers(1, 4)),
                                      price=ES.from_ticks(ticks), ts=ts, commission_cents=225))  # fmt: skip
        up, down = int(rng.integers(0, 4)), int(rng.integers(0, 4))
        portfolio.mark(ts, ES.from_ticks(ticks + up), ES.from_ticks(ticks - down), ES.from_ticks(ticks))
    return portfolio


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_portfolio_run_matches_empyrical(seed: int) -> None:
    portfolio = simulate(seed)
    ts, equity = portfolio.equity_curve()
    daily = daily_series(ts, equity, portfolio.initial_cash_cents)
    # independent resampling: the last equity of each cme_trading_day, by a plain dict
    last: dict[object, int] = {}
    for t, e in zip(ts.tolist(), equity.tolist(), strict=True):
        last[cme_trading_day(t)] = e
    closes = list(last.values())
    previous = [portfolio.initial_cash_cents, *closes[:-1]]
    reference_returns = np.array([c / p - 1 for c, p in zip(closes, previous, strict=True)])
    assert [d.astype(object) for d in daily.days] == list(last)
    assert daily.equity_cents.tolist() == closes
    assert daily.valid
    np.testing.assert_allclose(daily.returns, reference_returns, rtol=1e-9, atol=1e-15)
    m = portfolio_metrics(portfolio)
    assert m.trading_days == len(closes) and m.trades == len(portfolio.round_trips)
    assert_matches_empyrical(m, daily.returns, 252)
    assert m.max_drawdown_pct >= m.daily_max_drawdown_pct


daily_returns_st = st.lists(st.floats(-0.05, 0.05, allow_nan=False), min_size=2, max_size=300)


@settings(max_examples=200, deadline=None)
@given(changes=daily_returns_st, periods_per_year=st.sampled_from([252, 260, 365]))
def test_random_daily_curves_match_empyrical(changes: list[float], periods_per_year: int) -> None:
    initial = 10_000_000
    equity, level = [], float(initial)
    for change in changes:
        level *= 1 + change
        equity.append(round(level))
    days = pd.date_range("2024-01-02 15:00", periods=len(changes), freq="D", tz="UTC").as_unit("ns").asi8
    daily = daily_series(days, equity, initial)
    assume(daily.returns.max() != daily.returns.min())
    m = compute_metrics([], days, equity, initial, periods_per_year)
    assert_matches_empyrical(m, daily.returns, periods_per_year)
