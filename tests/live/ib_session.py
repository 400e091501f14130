"""A LiveShell session against the simulated IB Gateway: scripted bars and signals, a real loopback socket."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from adapters.clocks import WallClock
from adapters.ib.broker import IbBroker
from adapters.ib.config import IbBrokerConfig
from adapters.ib.connection import IbConnection
from adapters.journal.jsonl import JsonLinesJournal
from adapters.live.shell import LiveShell
from adapters.risk.store import FileRiskStateStore
from mia_core.engine.core import TradingEngine
from mia_core.instruments import ES, Instrument
from mia_core.market import Bar
from mia_core.reconcile.state import ReconcileConfig
from mia_core.series import BarSeries
from mia_core.signals import Direction, Signal
from ports.context import StrategyContext

NS = 1_000_000_000


class Scripted:
    """Signals ``plan[i]`` on the i-th bar it sees (0-based)."""

    name = "scripted"

    def __init__(self, plan: dict[int, Direction], brackets: tuple[float, float] | None = None) -> None:
        self.plan, self.seen, self.brackets = plan, 0, brackets

    def on_bar(self, bar: Bar, context: StrategyContext) -> Signal | None:
        i, self.seen = self.seen, self.seen + 1
        direction = self.plan.get(i)
        if direction is None:
            return None
        stop, target = self.brackets or (None, None)
        return Signal(ts=bar.ts, source=self.name, direction=direction, stop_loss=stop, take_profit=target)

    def reset(self) -> None:
        self.seen = 0


class Bars:
    """``count`` one-second bars at ``price`` stamped from now, a short pause before each (IB's reports arrive)."""

    name = "bars"

    def __init__(self, count: int, price: float = 5000.0, pause: float = 0.15,
                 before: Callable[[int], None] | None = None) -> None:
        self.count, self.price, self.pause, self.before = count, price, pause, before

    def history(self, instrument: Instrument, start_ns: int | None = None, end_ns: int | None = None) -> BarSeries:
        raise NotImplementedError

    async def stream(self, instrument: Instrument) -> AsyncIterator[Bar]:
        start = time.time_ns() // NS * NS
        for i in range(self.count):
            await asyncio.sleep(self.pause)
            if self.before is not None:
                self.before(i)
            p = self.price
            yield Bar(instrument=instrument, ts=start + i * NS, open=p, high=p + 0.25, low=p - 0.25, close=p, volume=10)


def run_ib_session(port: int, client_id: int, tmp: Path, plan: dict[int, Direction], *, bars: int = 6,
                   journal: str = "journal.jsonl", reconcile: ReconcileConfig | None = None,
                   before: Callable[[int], None] | None = None, brackets: tuple[float, float] | None = None,
                   **engine: Any) -> LiveShell:
    """One session to its end (a clean stop): the shell, its engine and broker for assertions."""
    config = IbBrokerConfig(port=port, client_id=client_id, account_env="", connect_timeout=30, request_timeout=30,
                            reconnect_initial_delay=0.05, commission_wait=5.0)  # the shell hands it the journal
    reconcile = reconcile or ReconcileConfig(interval_seconds=0.1)

    async def session() -> LiveShell:
        clock = WallClock()
        connection = IbConnection(config, clock)
        broker = IbBroker(connection, ES, clock, config)
        store = FileRiskStateStore(tmp / "risk_state.json")
        strategy = Scripted(plan, brackets)
        trading = TradingEngine(ES, strategy, risk_store=store, **engine)
        shell = LiveShell(trading, broker, Bars(bars, before=before), clock, journal=JsonLinesJournal(tmp / journal),
                          reconcile=reconcile, system_name="test")
        try:
            await shell.run()
        finally:
            connection.close()
        return shell

    return asyncio.run(session())


def ib_position(gateway: Any) -> int:
    """The account's net ES position at the simulated gateway."""
    holdings = gateway.do(lambda: [h.quantity for h in gateway.gateway.ledger.holdings.values()])
    return int(sum(holdings))
