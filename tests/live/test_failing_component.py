"""A component that raises does not end a paper session; a broker event that cannot be booked stops trading."""

from __future__ import annotations

import asyncio

from adapters.journal.jsonl import MemoryJournal
from adapters.live.shell import LiveShell
from adapters.replay.feed import SeriesDataFeed
from adapters.simulated.broker import InMemoryBroker
from mia_core.clock import ManualClock
from mia_core.engine.core import TradingEngine
from mia_core.events import FillReceived
from mia_core.instruments import ES
from mia_core.market import Bar
from mia_core.signals import Direction, Signal
from mia_core.synthetic import SyntheticConfig, generate_bars
from ports.context import StrategyContext

BARS = generate_bars(ES, SyntheticConfig(bars=60, seed=5))


class Flaky:
    """Goes long on bar 5, raises on every 7th bar, short on bar 30."""

    name = "flaky"

    def __init__(self) -> None:
        self.seen = 0

    def on_bar(self, bar: Bar, context: StrategyContext) -> Signal | None:
        self.seen += 1
        if self.seen % 7 == 0:
            raise ZeroDivisionError("a plugin bug")
        if self.seen in (5, 30):
            direction = Direction.LONG if self.seen == 5 else Direction.SHORT
            return Signal(ts=bar.ts, source=self.name, direction=direction)
        return None

    def reset(self) -> None:
        self.seen = 0


def _shell(engine: TradingEngine, journal: MemoryJournal) -> LiveShell:
    clock = ManualClock()
    broker = InMemoryBroker(ES, clock=clock)
    feed = SeriesDataFeed("replay", lambda instrument: BARS)
    return LiveShell(engine, broker, feed, clock, journal=journal)


def test_a_raising_strategy_skips_its_bars_and_the_session_goes_on() -> None:
    engine = TradingEngine(ES, Flaky())
    journal = MemoryJournal()
    shell = _shell(engine, journal)
    asyncio.run(shell.run())
    assert shell.events_seen == len(BARS)
    assert shell.component_errors == len(BARS) // 7
    alerts = [e for e in journal.entries("alert")]
    assert len(alerts) == len(BARS) // 7
    assert all("ZeroDivisionError: a plugin bug" in e.payload["message"] for e in alerts)
    assert engine.portfolio.quantity == -1  # both signals were acted on


def test_a_fill_the_engine_cannot_book_stops_trading_and_flattens() -> None:
    engine = TradingEngine(ES, Flaky())
    journal = MemoryJournal()
    shell = _shell(engine, journal)
    booked = engine.on_fill
    calls = {"n": 0}

    def on_fill_failing_once(event: object) -> list[object]:
        calls["n"] += 1
        if calls["n"] == 2:  # the short reversal's first fill
            raise RuntimeError("books broken")
        return booked(event)  # type: ignore[arg-type]

    engine.handlers[FillReceived] = on_fill_failing_once  # a booking bug, injected at the engine's dispatch
    asyncio.run(shell.run())
    critical = [e.payload["message"] for e in journal.entries("alert") if e.payload["level"] == "critical"]
    assert any("FillReceived could not be handled (RuntimeError: books broken)" in m for m in critical)
    assert engine.desk.latched and shell.halted
    # The closing orders followed the broker's own position and orders, not the engine's doubtful books.
    assert shell.broker.positions() == [] or all(p.quantity == 0 for p in shell.broker.positions())
    assert shell.broker.open_orders() == []


def test_the_skipped_event_alert_names_the_component_its_method_and_the_bar_time() -> None:
    from engine.third_party import Drift, DriftConfig, Follow, FollowConfig

    from mia_core.engine.failures import iso_utc

    engine = TradingEngine(ES, Follow(FollowConfig(), ES.tick_size), techniques=(Drift(DriftConfig(fail_at=9,
                                                                                                    fault="list")),))
    journal = MemoryJournal()
    shell = _shell(engine, journal)
    asyncio.run(shell.run())
    assert shell.events_seen == len(BARS) and shell.component_errors == 1
    (alert,) = journal.entries("alert")
    message = alert.payload["message"]
    assert message.startswith(f"Bar could not be handled (ComponentError: technique 'drift': update at "
                              f"{iso_utc(int(BARS.ts[9]))}: returned [")
    assert message.endswith("expected a mapping of its declared outputs ('change', 'up') to floats); it was skipped")
