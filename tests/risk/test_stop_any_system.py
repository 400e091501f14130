"""`mia risk stop SYSTEM` stops that system's running session even when its catastrophe monitor is off."""

from __future__ import annotations

import asyncio
from pathlib import Path

import yaml
from typer.testing import CliRunner

from adapters.bootstrap.backtest import session_engine
from adapters.bootstrap.config import load_plan
from adapters.bootstrap.container import build_system
from adapters.bootstrap.plugins import discover
from adapters.journal.jsonl import MemoryJournal
from adapters.live.shell import LiveShell
from adapters.risk.cli import risk_app
from mia_core.clock import ManualClock


def test_a_manual_stop_reaches_a_session_without_the_catastrophe_monitor(tmp_path: Path) -> None:
    system_file = tmp_path / "system.yaml"
    system_file.write_text(yaml.safe_dump({
        "mode": "paper",
        "data_feed": {"use": "synthetic", "bars": 500, "seed": 11},
        "strategy": {"use": "sma_cross", "fast": 3, "slow": 8},
        "catastrophe": {"state_file": str(tmp_path / "state.json")},  # the monitor's triggers stay off
    }))
    plan = load_plan(system_file, discover())
    system = build_system(plan, clock=ManualClock())
    engine = session_engine(system)
    journal = MemoryJournal()
    shell = LiveShell(engine, system.broker, system.data_feed, system.clock, journal=journal)
    stopped: list[int] = []

    def stop_at_200(_engine: object) -> None:
        if shell.events_seen == 200 and not stopped:
            result = CliRunner().invoke(risk_app, ["stop", str(system_file)])
            assert result.exit_code == 0 and "latched" in result.output
            stopped.append(engine.now_ns)

    shell.on_update = stop_at_200
    try:
        asyncio.run(shell.run())
    finally:
        system.close()
    assert stopped and engine.desk.latched
    sent_after = [e.payload["intent"] for e in journal.entries("order_intent") if e.ts > stopped[0]]
    assert list(journal.entries("fill"))  # it was trading
    assert all(i.reason.startswith("catastrophe") for i in sent_after)  # only the flatten after the stop
    assert engine.portfolio.quantity == 0
    refused = [d for e in journal.entries("risk") for d in e.payload["event"].decisions if d.policy == "catastrophe"]
    assert refused  # later signals were refused by the latch
