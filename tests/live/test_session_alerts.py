"""A paper session runs the alert rules: each alert journalled and told once, escalated, cleared."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

from adapters.journal.jsonl import MemoryJournal
from adapters.live.health import HealthWatch, disk_free_pct
from adapters.live.shell import LiveShell
from adapters.simulated.broker import InMemoryBroker
from mia_core.alerts.book import AlertBook
from mia_core.alerts.rules import AlertsConfig
from mia_core.clock import ManualClock
from mia_core.engine.core import TradingEngine
from mia_core.events import ConnectionChanged, ConnectionState
from mia_core.instruments import ES, Instrument
from mia_core.journal import Notification
from mia_core.synthetic import SyntheticConfig, generate_bars

from .test_failing_component import Flaky

BARS = generate_bars(ES, SyntheticConfig(bars=60, seed=5))


class LinkFeed:
    """The bars, with the IB link lost after bar 10 and back after bar 40."""

    name = "links"

    async def stream(self, instrument: Instrument) -> AsyncIterator[object]:
        for i, bar in enumerate(BARS):
            yield bar
            if i in (10, 40):
                state = ConnectionState.LOST if i == 10 else ConnectionState.RESTORED
                yield ConnectionChanged(ts=bar.ts + 1, source="ib", state=state)


class Collect:
    name = "collect"

    def __init__(self) -> None:
        self.sent: list[Notification] = []

    async def notify(self, notification: Notification) -> None:
        self.sent.append(notification)


def run(disk: float | None = 50.0, **settings: object) -> tuple[MemoryJournal, Collect]:
    clock = ManualClock()
    journal, collect = MemoryJournal(), Collect()
    health = HealthWatch(AlertBook(AlertsConfig(**settings)), lambda: disk)  # type: ignore[arg-type]
    shell = LiveShell(
        TradingEngine(ES, Flaky()), InMemoryBroker(ES, clock=clock), LinkFeed(), clock,  # type: ignore[arg-type]
        journal=journal, notifiers=(collect,), health=health,
    )
    asyncio.run(shell.run())
    return journal, collect


def rule_alerts(journal: MemoryJournal) -> list[tuple[str, str]]:
    return [(e.payload["rule"], e.payload["state"]) for e in journal.entries("alert") if "rule" in e.payload]


def test_a_lost_link_and_a_failing_plugin_are_raised_once_and_cleared() -> None:
    journal, collect = run(escalate_after_seconds=604800, plugin_failure_window_seconds=1.0)
    alerts = rule_alerts(journal)
    assert alerts.count(("connection_lost", "raised")) == 1
    assert alerts.count(("connection_lost", "cleared")) == 1
    assert alerts.index(("connection_lost", "raised")) < alerts.index(("connection_lost", "cleared"))
    # Flaky fails on every 7th bar (daily bars: each failure is a new episode after a 1 s window)
    assert alerts.count(("plugin_failing", "raised")) == len(BARS) // 7
    titles = [n.title for n in collect.sent]
    assert "MIA alert connection_lost raised" in titles and "MIA alert connection_lost cleared" in titles
    assert any(n.title.startswith("MIA trade ") and "net" in n.body for n in collect.sent)


def test_a_condition_that_persists_escalates() -> None:
    journal, _ = run(escalate_after_seconds=600, plugin_failure_window_seconds=3600)
    alerts = rule_alerts(journal)
    assert alerts.count(("plugin_failing", "raised")) == 1
    assert alerts.count(("plugin_failing", "escalated")) >= 1
    assert alerts.count(("connection_lost", "escalated")) >= 1


def test_low_disk_is_raised_and_the_measure_is_real(tmp_path: Path) -> None:
    journal, _ = run(disk=3.0)
    assert ("disk_space", "raised") in rule_alerts(journal)
    measured = disk_free_pct(tmp_path / "not" / "yet" / "journal.jsonl")
    assert measured is not None and 0 <= measured <= 100
