"""A paper session (live shell, replay feed, simulated broker) trips, persists its latch, and restarts latched."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path

from rich.console import Console

from adapters.bootstrap.config import plan_system
from adapters.bootstrap.plugins import discover
from adapters.journal.jsonl import JsonLinesJournal
from adapters.live.session import run_session
from adapters.risk.store import read_latch, write_latch
from mia_core.risk.catastrophe import LatchState


def paper(tmp_path: Path, journal: str):  # type: ignore[no-untyped-def]
    data = {
        "mode": "paper",
        "data_feed": {"use": "synthetic", "bars": 3000, "seed": 11},
        "strategy": {"use": "sma_cross", "fast": 5, "slow": 20},
        "catastrophe": {"enabled": True, "daily_loss_limit": 50, "state_file": str(tmp_path / "state.json")},
        "journal": {"path": str(tmp_path / journal)},
    }
    return plan_system(data, discover(), source="test")


def session(tmp_path: Path, journal: str):  # type: ignore[no-untyped-def]
    return asyncio.run(run_session(paper(tmp_path, journal), 0.0, Console(file=io.StringIO()), 1500))


def test_the_latch_trips_persists_and_holds_across_a_restart_until_rearmed(tmp_path: Path) -> None:
    first = session(tmp_path, "first.jsonl")
    latch = read_latch(tmp_path / "state.json")
    assert latch is not None and latch.latched and latch.trigger == "daily_loss"
    assert first.engine.portfolio.quantity == 0 or first.engine.working  # flat, or the flatten in flight
    trips = list(JsonLinesJournal(tmp_path / "first.jsonl").entries("catastrophe"))
    assert len(trips) == 1 and trips[0].payload["event"]["trigger"] == "daily_loss"
    status = json.loads((tmp_path / "state.status.json").read_text())
    assert status["latch"]["latched"] is True and status["day_pnl_cents"] is not None
    # restart: the new session starts latched and sends no entry at all
    second = session(tmp_path, "second.jsonl")
    assert second.engine.desk.latched
    decisions = [d for e in JsonLinesJournal(tmp_path / "second.jsonl").entries("risk")
                 for d in e.payload["event"]["decisions"]]
    assert decisions and all(d["policy"] == "catastrophe" and d["verdict"] == "reject" for d in decisions)
    assert not list(JsonLinesJournal(tmp_path / "second.jsonl").entries("fill"))
    # an explicit re-arm: the next session trades again
    write_latch(tmp_path / "state.json", LatchState(False, "", "", 0, second.engine.now_ns))
    third = session(tmp_path, "third.jsonl")
    assert list(JsonLinesJournal(tmp_path / "third.jsonl").entries("fill"))
    assert third.engine.portfolio.round_trips or third.engine.portfolio.quantity


def test_paper_and_backtest_manage_positions_alike(tmp_path: Path) -> None:
    """Sized bracket entries, break-even and trailing stops: the paper shell books the backtest's trades."""
    from adapters.bootstrap.backtest import backtest_plan

    def plan(mode: str):  # type: ignore[no-untyped-def]
        data = {
            "mode": mode,
            "data_feed": {"use": "synthetic", "bars": 2500, "seed": 5},
            "strategy": {"use": "sma_cross", "fast": 5, "slow": 20},
            "position": {"enabled": True, "risk_per_trade_pct": 1.0, "trailing_atr": 1.5},
            "risk_policies": [{"use": "max_position"}, {"use": "daily_loss_limit"}],
            "journal": {"path": str(tmp_path / f"{mode}.jsonl")},
        }
        return plan_system(data, discover(), source="test")

    backtest = backtest_plan(plan("backtest"), discover())
    shell = asyncio.run(run_session(plan("paper"), 0.0, Console(file=io.StringIO()), None))
    key = lambda t: (t.entry_ts, t.exit_ts, t.side, t.quantity, t.entry_price, t.exit_price, t.exit_reason)  # noqa: E731
    expected = [key(t) for t in backtest.result.round_trips]
    assert len(expected) > 10
    assert {t[-1] for t in expected} >= {"stop_loss"}
    assert [key(t) for t in shell.engine.portfolio.round_trips][: len(expected)] == expected
    modified = [e for e in JsonLinesJournal(tmp_path / "paper.jsonl").entries("order")
                if e.payload["event"]["order"]["parent_id"] and e.payload["event"]["previous_status"] == "working"
                and e.payload["event"]["order"]["status"] == "working"]
    assert modified  # stops moved at the broker while working
