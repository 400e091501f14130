"""The walk-forward on a short slice: its figures recomputed independently from the trades and curves."""

from __future__ import annotations

import math

import numpy as np
import pytest

from adapters.bootstrap.config import plan_system
from adapters.bootstrap.plugins import PluginHost
from adapters.replay.bundled import bundled_series
from adapters.research.folds import rolling_folds
from adapters.research.report import metrics_row, render
from adapters.research.runs import with_settings
from adapters.research.walkforward import (
    DEFAULT_GRID,
    DatasetResult,
    WalkForwardSettings,
    _random_system,
    copied_exits,
    for_strategy,
    walk_forward,
)
from mia_core.instruments import ES

from .stand_in import stand_in_system

SETTINGS = WalkForwardSettings(datasets=("sp500",), train_years=2, test_years=1, seeds=3, first_year=2005,
                               last_year=2009, grid={"entry_grade": ("buy", "strong_buy")}, min_train_trades=1)
TICK, POINT_VALUE, COMMISSION = 0.25, 50.0, 2.25


@pytest.fixture(scope="module")
def result(host: PluginHost) -> DatasetResult:
    (only,) = walk_forward(stand_in_system(), host, SETTINGS)
    return only


def by_hand(nets: list[float]) -> tuple[int, float, float, float]:
    wins = [n for n in nets if n > 0]
    losses = [n for n in nets if n < 0]
    pf = sum(wins) / -sum(losses) if losses else math.inf
    return len(nets), len(wins) / len(nets), pf, sum(nets)


def drawdown_by_hand(equity: list[float]) -> float:
    peak, worst = -math.inf, 0.0
    for value in equity:
        peak = max(peak, value)
        worst = max(worst, peak - value)
    return worst


def test_folds_are_out_of_sample_and_ordered(result: DatasetResult) -> None:
    assert [f.fold.test_label for f in result.folds] == ["2007", "2008", "2009"]
    for f in result.folds:
        assert f.fold.train_end <= f.fold.test_start
        assert f.chosen["entry_grade"] in ("buy", "strong_buy")


def test_totals_match_the_trades_list(result: DatasetResult) -> None:
    nets = [t.net_cents / 100 for t in result.trades]
    assert len(nets) > 10
    trades, win_rate, pf, net = by_hand(nets)
    total = result.total
    assert total.trades == trades and total.win_rate == pytest.approx(win_rate)
    assert total.profit_factor == pytest.approx(pf) and total.net_pnl == pytest.approx(net)
    assert sum(f.test.metrics.net_pnl for f in result.folds) == pytest.approx(net)
    assert metrics_row("Battle Navale (all test folds)", total) in render([result], SETTINGS, "cmd", "cfg")


def test_each_fold_matches_its_trades_and_curve(result: DatasetResult) -> None:
    series = bundled_series("sp500", ES)
    for f in result.folds:
        m, trips = f.test.metrics, f.test.round_trips
        first, last = int(f.test.equity_ts[0]), int(f.test.equity_ts[-1])
        assert all(first <= t.entry_ts and t.exit_ts <= last for t in trips), "trades stay inside the test fold"
        if trips:
            trades, win_rate, pf, net = by_hand([t.net_cents / 100 for t in trips])
            assert (m.trades, m.win_rate, m.net_pnl) == (trades, pytest.approx(win_rate), pytest.approx(net))
            assert m.profit_factor == pytest.approx(pf)
        equity = (f.test.equity_cents / 100).tolist()
        assert m.max_drawdown == pytest.approx(drawdown_by_hand([f.test.initial_cents / 100, *equity]))
        # daily bars: the last equity point of each bar's day (the closing fill may add a second point)
        ts = f.test.equity_ts
        last_of_day = np.append(ts[1:] != ts[:-1], True)
        levels = np.array([f.test.initial_cents / 100, *np.asarray(equity)[last_of_day]])
        returns = levels[1:] / levels[:-1] - 1
        expected_sharpe = returns.mean() / returns.std(ddof=1) * math.sqrt(252)
        assert m.sharpe == pytest.approx(expected_sharpe, rel=1e-9)
        for t in trips:  # costs: commission both sides, one tick of slippage against the market entry
            assert t.commission_cents == round(2 * COMMISSION * 100) * t.quantity
            i = int(np.searchsorted(series.ts, t.entry_ts))
            assert t.entry_price == pytest.approx(series.open[i] + (TICK if t.is_long else -TICK))


def test_buy_and_hold_by_hand(result: DatasetResult) -> None:
    series = bundled_series("sp500", ES)
    folds = rolling_folds(series.slice(*_years(series, 2005, 2009)), 2, 1)
    assert len(folds) == len(result.folds)
    for f in result.folds:
        ts = f.buy_hold.equity_ts
        start, end = int(np.searchsorted(series.ts, ts[0])), int(np.searchsorted(series.ts, ts[-1]))
        entry, exit_ = series.open[start] + TICK, series.close[end] - TICK
        expected = (exit_ - entry) * POINT_VALUE - 2 * COMMISSION
        assert f.buy_hold.metrics.net_pnl == pytest.approx(expected)


def test_random_baseline_uses_the_same_exits_and_several_seeds(result: DatasetResult, host: PluginHost) -> None:
    assert len(result.random_totals) == SETTINGS.seeds
    assert len({m.net_pnl for m in result.random_totals}) > 1, "seeds differ"
    system = with_settings(stand_in_system(), "strategy", {"stop_atr": 3.0, "reward_risk": 1.5, "max_hold_bars": 7})
    random = plan_system(_random_system(system, host, seed=4, probability=0.2), host).one("strategy").config
    assert (random.seed, random.probability, random.stop_atr, random.reward_risk, random.max_hold_bars) == (
        4, 0.2, 3.0, 1.5, 7)
    reasons = {t.exit_reason for f in result.folds for w in f.random for t in w.round_trips}
    assert reasons and reasons <= {"stop_loss", "take_profit", "end_of_data"}, reasons
    for f in result.folds:
        assert 0 < f.entry_probability <= 1


def _years(series, first: int, last: int) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    import pandas as pd

    years = pd.to_datetime(series.ts, utc=True).tz_convert("America/New_York").year
    index = np.flatnonzero((years >= first) & (years <= last))
    return int(index[0]), int(index[-1]) + 1


def test_every_trade_is_traced_to_the_signal_that_opened_it(result: DatasetResult) -> None:
    setups = {"breakout", "pullback", "continuation", "fade", "mean_reversion", "range_breakout"}
    for f in result.folds:
        assert len(f.test.entry_reasons) == len(f.test.round_trips)
        for reason in f.test.entry_reasons:
            setup, _, regime = reason.partition(" in ")
            assert setup in setups and regime in {"trend", "range", "transition", "volatile"}, reason
        for window in f.random:
            assert set(window.entry_reasons) <= {"random entry"}
    page = render([result], SETTINGS, "cmd", "cfg")
    rows = [line for line in page.splitlines() if line.startswith("| ") and " in " in line.split("|")[1]]
    assert sum(int(row.split("|")[2]) for row in rows) == result.total.trades


def test_the_grid_and_copied_exits_follow_the_strategy(host: PluginHost) -> None:
    sma = stand_in_system() | {"strategy": {"use": "sma_cross", "fast": 5, "slow": 20}}
    assert for_strategy(WalkForwardSettings(), sma, host).grid == {}
    assert copied_exits(sma, host) == ()
    assert dict(for_strategy(WalkForwardSettings(), stand_in_system(), host).grid) == dict(DEFAULT_GRID)
    assert copied_exits(stand_in_system(), host) == ("atr_period", "stop_atr", "reward_risk", "max_hold_bars")
