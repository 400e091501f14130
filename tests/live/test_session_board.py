"""The session board's figures agree with the engine's own metrics, and its bench runs."""

from __future__ import annotations

import asyncio
import math
from pathlib import Path

import pytest

from adapters.bench.dashboard import dashboard_bench
from adapters.monitor.board import BoardLimits, SessionBoard
from adapters.monitor.metrics import metrics_text
from adapters.monitor.probe import LoopLag, ProcessProbe
from mia_core.metrics.performance import portfolio_metrics

from .test_dashboard_access import shell


def test_trading_figures_match_the_performance_metrics() -> None:
    live, _ = shell()
    board = SessionBoard(live, "figures", BoardLimits(daily_loss_limit=750), ProcessProbe(Path(".")), LoopLag())
    live.watchers.append(board.on_entry)
    asyncio.run(live.run())
    picture = board.state()
    trading = picture["trading"]
    metrics = portfolio_metrics(live.engine.portfolio)
    assert trading["round_trips"] == metrics.trades > 3
    assert trading["win_rate"] == pytest.approx(metrics.win_rate)
    if math.isfinite(metrics.profit_factor):
        assert trading["profit_factor"] == pytest.approx(metrics.profit_factor)
    assert len(picture["trades"]) == min(20, metrics.trades)
    assert picture["trades"][0]["net"] == live.engine.portfolio.round_trips[-1].net_cents / 100  # newest first
    assert trading["daily_loss_limit"] == 750
    text = metrics_text(board.state).decode()
    assert f"mia_round_trips_total {float(metrics.trades)}" in text
    assert "mia_broker_latency_milliseconds" not in text  # not reported by this broker: left out, not zero


def test_the_dashboard_bench_measures_three_phases() -> None:
    phases = dashboard_bench(seconds=0.5, viewers=2, bars=20_000)
    assert [p.name for p in phases] == ["no viewer", "2 polling", "2 streams"]
    assert all(p.bars_per_second > 0 and p.lag_max_ms >= p.lag_p99_ms >= p.lag_p50_ms >= 0 for p in phases)
