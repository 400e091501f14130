"""A paper session (live shell, in-memory broker, replay feed) trades exactly as the backtest does."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

from rich.console import Console

from adapters.bootstrap.backtest import backtest_plan
from adapters.bootstrap.config import plan_system
from adapters.bootstrap.plugins import discover
from adapters.journal.jsonl import JsonLinesJournal
from adapters.live.session import run_session


def _plan(mode: str, journal: Path | None = None):  # type: ignore[no-untyped-def]
    data = {
        "mode": mode,
        "data_feed": {"use": "bundled", "dataset": "sp500"},
        "broker": {"use": "simulated", "commission_per_contract": 2.25},
        "strategy": {"use": "sma_cross", "fast": 10, "slow": 30},
        "backtest": {"start": "2008-01-01", "end": "2012-12-31"},
        "journal": {"path": str(journal) if journal else None},
    }
    return plan_system(data, discover(), source="test")


def test_paper_session_books_the_backtests_round_trips(tmp_path: Path) -> None:
    host = discover()
    backtest = backtest_plan(_plan("backtest"), host)
    start, end = int(backtest.series.ts[0]), int(backtest.series.ts[-1])
    journal_path = tmp_path / "journal.jsonl"
    shell = asyncio.run(run_session(_plan("paper", journal_path), 0.0, Console(file=io.StringIO()), None))
    paper = [t for t in shell.engine.portfolio.round_trips if start <= t.entry_ts and t.exit_ts <= end]
    expected = [t for t in backtest.result.round_trips if t.entry_ts >= start]
    assert len(expected) > 20
    key = lambda t: (t.entry_ts, t.exit_ts, t.side, t.entry_price, t.exit_price, t.net_cents)  # noqa: E731
    paper_keys = {key(t) for t in paper}
    assert all(key(t) in paper_keys for t in expected)
    recorded = list(JsonLinesJournal(journal_path).entries("fill"))
    assert len(recorded) >= 2 * len(expected)


def test_paper_session_stops_cleanly_after_max_events() -> None:
    shell = asyncio.run(run_session(_plan("paper"), 0.0, Console(file=io.StringIO()), max_events=300))
    assert shell.events_seen == 300
    assert shell.engine.now_ns > 0
