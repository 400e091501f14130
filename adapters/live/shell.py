"""Drive the engine from a live (or paced replay) feed and a broker, with a real clock."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable
from datetime import date

from adapters.live.daily import DailyDigest
from adapters.live.health import HealthWatch, alert_entry
from adapters.live.ids import ClientOrderIds
from adapters.live.orders import OrderGate
from adapters.live.reconcile import Reconciler
from adapters.live.recovery import day_figures, restore, risk_day_entry
from mia_core.accounting.roundtrip import RoundTrip
from mia_core.alerts.book import AlertEvent
from mia_core.clock import ManualClock
from mia_core.commands import AlertLevel, Command, FlattenPosition, RaiseAlert
from mia_core.engine import planner
from mia_core.engine.core import TradingEngine
from mia_core.events import BrokerEvent, ConnectionChanged, ConnectionState
from mia_core.journal import JournalEntry, Notification
from mia_core.metrics.table import format_money
from mia_core.orders import OrderSide, OrderStatus, OrderType
from mia_core.reconcile.state import ReconcileConfig
from mia_core.signals import Signal
from ports.broker import Broker, MarketDrivenBroker, ReconcilingBroker
from ports.clock import Clock
from ports.data_feed import DataFeed
from ports.journal import Journal
from ports.notifier import Notifier

log = logging.getLogger("mia.live")


class LiveShell:
    """Feeds market events to the broker (if simulated) and the engine; carries out commands.

    Broker events are queued by the subscription handler and drained into the engine
    after each market event, so the engine sees one event at a time, in order. Orders
    go out through an :class:`~adapters.live.orders.OrderGate` (a journaled intent with
    its client order id before each send; a replacement waits for its cancels). With a
    journal and a real broker, a restart first rebuilds the engine's books from it; the books are then
    reconciled with the broker's on connect, on every restored connection and every
    ``reconcile.interval_seconds`` (:class:`~adapters.live.reconcile.Reconciler`).
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
        health: HealthWatch | None = None,
        digest: DailyDigest | None = None,
        reconcile: ReconcileConfig | None = None,
        system_name: str = "mia",
        stop_grace: float = 5.0,
    ) -> None:
        self.engine = engine
        self.broker = broker
        self.feed = feed
        self.clock = clock
        self.journal = journal
        self.notifiers = notifiers
        self.on_update = on_update
        self.health = health
        self.digest = digest
        self.stop_grace = stop_grace  # seconds a clean stop waits for orders and fills in flight
        self.events_seen = 0
        self.component_errors = 0
        self.halted = False
        self.undelivered: dict[str, int] = {}  # by notifier: messages kept in the journal, not delivered
        self.recent_signals: deque[Signal] = deque(maxlen=5)
        self._pending: deque[BrokerEvent] = deque()
        self._trades: deque[Notification] = deque()  # trades closed, told to the notifiers after the event
        self.watchers: list[Callable[[JournalEntry], None]] = []  # e.g. the dashboard's board: every entry recorded
        self.gate = OrderGate(broker, ClientOrderIds(system_name, clock.now_ns()), self._record, clock.now_ns)
        self.reconciler = Reconciler(engine, broker, reconcile or ReconcileConfig())
        self._figures = day_figures(engine)
        broker.subscribe(self.gate.on_event)
        broker.subscribe(self._pending.append)

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Run until the feed ends or ``stop`` is set; always disconnects cleanly."""
        if self.journal is not None and not isinstance(self.broker, MarketDrivenBroker):
            # a real broker's account outlives the process; the simulated exchange starts afresh, and so do the books
            restore(self.engine, self.journal.entries(), self.clock.now_ns())
            self._figures = day_figures(self.engine)
            if isinstance(self.broker, ReconcilingBroker):
                self.broker.recall(self.journal.entries())
        if self.journal is not None and self.digest is not None:
            for entry in self.journal.entries():  # the summary and the mentor read the system's whole journal
                self.digest.on_entry(entry)
        await self.broker.connect()
        try:
            await self._drain()
            await self._execute(self.reconciler.check(self.clock.now_ns(), "connect"))
            async for event in self.feed.stream(self.engine.instrument):
                if stop is not None and stop.is_set():
                    break
                if isinstance(self.clock, ManualClock):
                    self.clock.advance_to(max(self.clock.now_ns(), getattr(event, "ts", 0)))
                if isinstance(self.broker, MarketDrivenBroker):
                    self.broker.on_market(event)
                if self.halted:  # books in doubt: the broker works the closing orders, the engine decides nothing
                    self._pending.clear()
                    self.gate.release()
                    self.events_seen += 1
                    await self._watch(event)
                    continue
                await self._drain()
                if not self.halted and self.reconciler.due(self.clock.now_ns()):
                    await self._execute(self.reconciler.check(self.clock.now_ns(), "periodic"))
                await self._execute(await self._handle(event))
                await self._drain()
                self.events_seen += 1
                await self._watch(event)
                if self.on_update is not None:
                    self.on_update(self.engine)
        finally:
            await self._settle()
            self._persist()
            await self._last_summary()
            await self.broker.disconnect()

    async def execute(self, commands: list[Command]) -> None:
        """Carry out ``commands`` from outside the event flow (a control action) and record what they journalled."""
        await self._execute(commands)
        self._persist()

    async def _drain(self) -> None:
        while self._pending and not self.halted:
            event = self._pending.popleft()
            if self.health is not None:
                self.health.on_event(event)
            await self._execute(await self._handle(event, from_broker=True))
            if isinstance(event, ConnectionChanged) and event.state is ConnectionState.RESTORED:
                await self._execute(self.reconciler.check(self.clock.now_ns(), "reconnect"))
        self.gate.release()
        self._persist()

    async def _settle(self) -> None:
        """Before a clean stop disconnects: book what is on its way (at most ``stop_grace`` seconds).

        An order sent on the last event may not have reached the broker yet (ib_async
        paces its requests), a market order's fill or an execution's commission report
        may still be coming: the session waits for them and books them, so that it does
        not stop with a fill its journal never sees. A replacement still held for its
        cancel is dropped (journaled): the next session decides again. Resting orders (a
        bracket's stop and target, limits) stay at the broker, as documented.
        """
        if self.halted or isinstance(self.broker, MarketDrivenBroker):
            return
        if self.gate.held:
            self.gate.drop("the session stopped before the cancel was confirmed")
        deadline = time.monotonic() + self.stop_grace
        try:
            await self._drain()
            while self._in_flight() and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
                await self._drain()
            if self._in_flight():
                log.warning("stopping with orders or fills still in flight after %.1f s: the next session "
                            "reconciles them with the broker", self.stop_grace)
        except Exception:  # a broken link must not keep the session from stopping
            log.exception("booking what was in flight at the stop failed: the next session reconciles it")

    def _in_flight(self) -> bool:
        """Orders the broker has not acknowledged, market orders not yet filled, executions without their report."""
        if self._pending:
            return True
        for order in self.broker.open_orders():
            if order.parent_id is None and (order.status is OrderStatus.PENDING
                                            or order.intent.order_type is OrderType.MARKET):
                return True
        return isinstance(self.broker, ReconcilingBroker) and self.broker.broker_state().in_flight > 0

    async def _watch(self, event: object) -> None:
        """Run the alert rules after ``event``: journal and send what they raise, escalate or clear."""
        if self.health is not None:
            self.health.on_event(event)
            for alert in self.health.observe(self.engine, self.broker, self.clock.now_ns()):
                self.engine.journal.append(alert_entry(alert))
                await self._send(_note(alert))
            self._persist()
        while self._trades:
            await self._send(self._trades.popleft())
        if self.digest is not None:
            self.digest.on_market(event)
            ended = self.digest.ended(self.clock.now_ns())
            if ended is not None:
                await self._summary(self.digest, ended)

    async def _last_summary(self) -> None:
        """At the session's end, the summary of the day it ended in (if that day had anything to tell)."""
        digest = self.digest
        if digest is not None and digest.day is not None and digest.day not in digest.told:
            await self._summary(digest, digest.day)

    async def _summary(self, digest: DailyDigest, day: date) -> None:
        """Tell ``day``'s summary; one that cannot be made is a warning alert, and the session goes on."""
        try:
            note = await digest.close_day(day, self.clock.now_ns())
        except Exception as exc:  # the summary must stop neither the trading nor the disconnect at the end
            log.exception("the daily summary of %s failed", day)
            await self._alert(RaiseAlert(AlertLevel.WARNING, f"the daily summary of {day.isoformat()} could not be "
                                         f"made ({type(exc).__name__}: {exc}); the session goes on"))
            self._persist()
            return
        if note is not None:
            await self._send(note)

    async def _handle(self, event: object, *, from_broker: bool = False) -> list[Command]:
        """``engine.handle(event)``, surviving a component that raises: the session goes on.

        A market event that makes a strategy, technique, analyzer or filter raise is
        skipped (nothing is decided on it) and reported as a warning alert. A broker
        event that cannot be booked leaves the engine's books in doubt: a critical alert,
        the catastrophe latch, and the session's trading halts (see ``_halt``).
        """
        try:
            return self.engine.handle(event)
        except Exception as exc:  # a plugin's bug must not end a session holding a position
            self.component_errors += 1
            what = type(event).__name__
            log.exception("handling %s failed", what)
            if self.health is not None:
                self.health.on_failure(f"{what}: {type(exc).__name__}: {exc}")
            message = f"{what} could not be handled ({type(exc).__name__}: {exc}); it was skipped"
            if not from_broker:
                await self._alert(RaiseAlert(AlertLevel.WARNING, message))
                return []
            await self._alert(RaiseAlert(AlertLevel.CRITICAL, message + "; books in doubt, trading stopped"))
            return self._halt(f"broker event not booked: {what}")

    def _halt(self, reason: str) -> list[Command]:
        """Stop trading for the rest of the session: latch, cancel and close what the *broker* reports.

        The engine's own books missed an event, so its idea of the position cannot be
        trusted: the latch is set (and persisted) through the engine, but the closing
        orders follow the broker's open orders and position (on a shared account, whose
        position is not this system's, the books' position).
        """
        self.halted = True
        self.engine.manual_stop(reason)  # latch and journal; its flatten would follow the doubtful books
        instrument = self.engine.instrument
        if self.reconciler.config.account == "shared":
            held = self.engine.portfolio.quantity
        else:
            held = sum(p.quantity for p in self.broker.positions() if p.instrument == instrument)
        return planner.close_position(instrument, held, self.broker.open_orders(), reason)

    def _record(self, entry: JournalEntry) -> None:
        """Record ``entry`` durably now (an order intent, before its order is sent)."""
        if self.journal is not None:
            self.journal.record(entry)

    def _persist(self) -> None:
        figures = day_figures(self.engine)
        if _sent(figures) != _sent(self._figures):  # today's entries and risk sent, for a restart to take up
            self._figures = figures
            if figures["entries_today"] or figures["risk_today_cents"]:
                self.engine.journal.append(risk_day_entry(self.engine, self.clock.now_ns()))
        for entry in self.engine.journal:
            if self.health is not None:
                self.health.on_entry(entry)
            if self.digest is not None:
                self.digest.on_entry(entry)
            if entry.kind == "round_trip" and self.notifiers:
                self._trades.append(trade_note(entry.ts, entry.payload["trip"]))
            if entry.kind == "signal":
                self.recent_signals.append(entry.payload["event"].signal)
            if self.journal is not None:
                self.journal.record(entry)
            for watch in self.watchers:
                watch(entry)
        self.engine.journal.clear()

    async def _execute(self, commands: list[Command]) -> None:
        if not commands:
            return
        self._persist()  # what led to these orders is on record before they go out
        for command in self.gate.execute(commands):
            if isinstance(command, FlattenPosition):
                await self._execute(self.engine.flatten(command.reason))
            elif isinstance(command, RaiseAlert):
                await self._alert(command)

    async def _alert(self, command: RaiseAlert) -> None:
        now = self.clock.now_ns()
        self.engine.journal.append(
            JournalEntry(now, "alert", {"level": command.level.value, "message": command.message})
        )
        await self._send(Notification(ts=now, level=command.level, title="MIA alert", body=command.message))

    async def _send(self, note: Notification) -> None:
        for notifier in self.notifiers:
            try:
                await notifier.notify(note)
            except Exception:  # a notifier must never stop trading
                log.exception("notifier %s failed", getattr(notifier, "name", notifier))


def _sent(figures: dict[str, object]) -> tuple[object, ...]:
    return figures["day"], figures["entries_today"], figures["risk_today_cents"]


def trade_note(ts: int, trip: RoundTrip) -> Notification:
    """A trade closed, with its P&L after commissions."""
    side = "long" if trip.side is OrderSide.BUY else "short"
    net = format_money(trip.net_cents / 100)
    prices = f"{trip.entry_price:g} -> {trip.exit_price:g}"
    body = f"{side} {trip.quantity} {trip.symbol} {prices} ({trip.exit_reason or 'exit'}): net {net}"
    return Notification(ts=ts, level=AlertLevel.INFO, title=f"MIA trade {net}", body=body)


def _note(alert: AlertEvent) -> Notification:
    title = f"MIA alert {alert.rule} {alert.state.value}"
    return Notification(ts=alert.ts, level=alert.level, title=title, body=alert.message)
