"""Drive the engine from a live (or paced replay) feed and a broker, with a real clock."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable

from mia_core.clock import ManualClock
from mia_core.commands import CancelOrder, Command, FlattenPosition, ModifyOrder, RaiseAlert, SubmitOrder
from mia_core.engine.core import TradingEngine
from mia_core.events import BrokerEvent
from mia_core.journal import JournalEntry, Notification
from mia_core.signals import Signal
from ports.broker import Broker, MarketDrivenBroker
from ports.clock import Clock
from ports.data_feed import DataFeed
from ports.journal import Journal
from ports.notifier import Notifier

log = logging.getLogger("mia.live")


class LiveShell:
    """Feeds market events to the broker (if simulated) and the engine; carries out commands.

    Broker events are queued by the subscription handler and drained into the engine
    after each market event, so the engine sees one event at a time, in order.
    """

    def __init__(
        self,
        engine: TradingEngine,
        broker: Broker,
        feed: DataFeed,
        clock: Clock,
        *,
        journal: Journal | None = None,
        notifiers: tuple[Notifier, ...] = (),
        on_update: Callable[[TradingEngine], None] | None = None,
    ) -> None:
        self.engine = engine
        self.broker = broker
        self.feed = feed
        self.clock = clock
        self.journal = journal
        self.notifiers = notifiers
        self.on_update = on_update
        self.events_seen = 0
        self.recent_signals: deque[Signal] = deque(maxlen=5)
        self._pending: deque[BrokerEvent] = deque()
        broker.subscribe(self._pending.append)

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Run until the feed ends or ``stop`` is set; always disconnects cleanly."""
        await self.broker.connect()
        try:
            async for event in self.feed.stream(self.engine.instrument):
                if stop is not None and stop.is_set():
                    break
                if isinstance(self.clock, ManualClock):
                    self.clock.advance_to(max(self.clock.now_ns(), getattr(event, "ts", 0)))
                if isinstance(self.broker, MarketDrivenBroker):
                    self.broker.on_market(event)
                await self._drain()
                await self._execute(self.engine.handle(event))
                await self._drain()
                self.events_seen += 1
                if self.on_update is not None:
                    self.on_update(self.engine)
        finally:
            self._persist()
            await self.broker.disconnect()

    async def _drain(self) -> None:
        while self._pending:
            await self._execute(self.engine.handle(self._pending.popleft()))
        self._persist()

    def _persist(self) -> None:
        for entry in self.engine.journal:
            if entry.kind == "signal":
                self.recent_signals.append(entry.payload["event"].signal)
            if self.journal is not None:
                self.journal.record(entry)
        self.engine.journal.clear()

    async def _execute(self, commands: list[Command]) -> None:
        for command in commands:
            if isinstance(command, SubmitOrder):
                self.broker.submit(command.intent)
            elif isinstance(command, CancelOrder):
                self.broker.cancel(command.order_id)
            elif isinstance(command, ModifyOrder):
                self.broker.modify(
                    command.order_id,
                    quantity=command.quantity,
                    limit_price=command.limit_price,
                    stop_price=command.stop_price,
                )
            elif isinstance(command, FlattenPosition):
                await self._execute(self.engine.flatten(command.reason))
            elif isinstance(command, RaiseAlert):
                await self._alert(command)

    async def _alert(self, command: RaiseAlert) -> None:
        now = self.clock.now_ns()
        self.engine.journal.append(
            JournalEntry(now, "alert", {"level": command.level.value, "message": command.message})
        )
        note = Notification(ts=now, level=command.level, title="MIA alert", body=command.message)
        for notifier in self.notifiers:
            try:
                await notifier.notify(note)
            except Exception:  # a notifier must never stop trading
                log.exception("notifier %s failed", getattr(notifier, "name", notifier))
