"""The trading engine: one deterministic pass per event, returning commands."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from mia_core.accounting import Portfolio
from mia_core.commands import Command, SubmitOrder
from mia_core.engine import planner
from mia_core.engine.config import ExecutionConfig
from mia_core.engine.view import EngineView
from mia_core.events import FillReceived, OrderUpdated, PositionChanged, RiskChecked, SignalGenerated
from mia_core.instruments import Instrument
from mia_core.journal import JournalEntry, record
from mia_core.market import Bar
from mia_core.orders import Order, OrderIntent
from mia_core.signals import RiskDecision, RiskVerdict, Signal

if TYPE_CHECKING:  # the ports are protocols; the core needs them only for type checking
    from ports.analyzer import Analyzer
    from ports.risk import RiskPolicy
    from ports.signal_filter import SignalFilter
    from ports.strategy import Strategy
    from ports.technique import Technique


def exit_reason(intent_reason: str) -> str:
    """The label an order's reason gives the round trip it closes (text before ':')."""
    head = intent_reason.split(":", 1)[0].strip()
    return _SIGNAL_REASONS.get(head, head or "unknown")


_SIGNAL_REASONS = {"signal_exit": "signal", "signal_entry": "signal", "signal_flat": "signal"}


class TradingEngine:
    """Runs techniques, analyzers, the strategy, filters, the planner and risk, in that order.

    The engine never does I/O: ``handle`` takes one event and returns the commands
    the shell must carry out; what it decided is appended to ``journal`` for the
    shell to persist. Backtest and live shells drive the same engine.
    """

    def __init__(
        self,
        instrument: Instrument,
        strategy: Strategy,
        *,
        techniques: Sequence[Technique] = (),
        analyzers: Sequence[Analyzer] = (),
        signal_filters: Sequence[SignalFilter] = (),
        risk_policies: Sequence[RiskPolicy] = (),
        execution: ExecutionConfig | None = None,
        initial_cash_cents: int = 10_000_000,
    ) -> None:
        self.instrument = instrument
        self.strategy = strategy
        self.techniques = tuple(techniques)
        self.analyzers = tuple(analyzers)
        self.signal_filters = tuple(signal_filters)
        self.risk_policies = tuple(risk_policies)
        self.execution = execution or ExecutionConfig()
        self.portfolio = Portfolio(instrument, initial_cash_cents)
        self.working: dict[str, Order] = {}
        self.features: dict[str, float] = {}
        self.analyses: dict[str, Mapping[str, float]] = {}
        self.journal: list[JournalEntry] = []
        self.now_ns = 0
        self.view = EngineView(self)
        self._reasons: dict[str, str] = {}
        self._handlers: dict[type, Any] = {
            Bar: self.on_bar,
            FillReceived: self.on_fill,
            OrderUpdated: self.on_order_updated,
            PositionChanged: self._ignore,
        }

    def handle(self, event: object) -> list[Command]:
        """Process one event; return the commands it calls for."""
        handler = self._handlers.get(type(event))
        if handler is not None:
            result: list[Command] = handler(event)
            return result
        return self.on_market_event(event)

    def _ignore(self, event: object) -> list[Command]:
        return []

    def on_market_event(self, event: object) -> list[Command]:
        """Non-bar market events (quotes, snapshots, timers) go to the analyzers."""
        ts = getattr(event, "ts", None)
        if isinstance(ts, int) and ts > self.now_ns:
            self.now_ns = ts
        for analyzer in self.analyzers:
            values = analyzer.on_event(event)  # type: ignore[arg-type]
            if values is not None:
                self.analyses[analyzer.name] = values
        return []

    def on_bar(self, bar: Bar) -> list[Command]:
        """Mark to market, update analyzers and techniques, ask the strategy."""
        ts = self.now_ns = bar.ts
        self.portfolio.mark(ts, bar.high, bar.low, bar.close)
        if self.analyzers:
            for analyzer in self.analyzers:
                values = analyzer.on_event(bar)
                if values is not None:
                    self.analyses[analyzer.name] = values
        if self.techniques:
            for technique in self.techniques:
                prefix = technique.name + "."
                for key, value in technique.update(bar).items():
                    self.features[prefix + key] = value
        signal = self.strategy.on_bar(bar, self.view)
        return [] if signal is None else self.on_signal(signal)

    def on_signal(self, signal: Signal) -> list[Command]:
        """Filter the signal, plan orders to its target, pass each through risk."""
        for signal_filter in self.signal_filters:
            signal = signal_filter.apply(signal, self.view)
        self.journal.append(record(signal.ts, "signal", {"event": SignalGenerated(signal.ts, signal)}))
        working = list(self.working.values())
        cancels, intents = planner.plan(signal, self.instrument, self.portfolio.quantity, working, self.execution)
        commands: list[Command] = list(cancels)
        for intent in intents:
            approved = self.check_risk(intent)
            if approved is None:
                break
            commands.append(SubmitOrder(approved))
        return commands

    def flatten(self, reason: str) -> list[Command]:
        """Commands that cancel every working order and close the position at market."""
        return planner.close_position(self.instrument, self.portfolio.quantity, list(self.working.values()), reason)

    def check_risk(self, intent: OrderIntent) -> OrderIntent | None:
        """Run every policy in order; the smallest allowed size wins, a rejection stops."""
        decisions: list[RiskDecision] = []
        quantity = intent.quantity
        for policy in self.risk_policies:
            decision = policy.evaluate(intent, self.view)
            decisions.append(decision)
            if decision.verdict is RiskVerdict.REJECT:
                quantity = 0
                break
            quantity = min(quantity, decision.quantity)
        if decisions:
            self.journal.append(record(self.now_ns, "risk", {"event": RiskChecked(self.now_ns, intent, decisions)}))
        if quantity == 0:
            return None
        return intent if quantity == intent.quantity else attrs.evolve(intent, quantity=quantity)

    def on_order_updated(self, event: OrderUpdated) -> list[Command]:
        """Track working orders."""
        order = event.order
        self._reasons.setdefault(order.order_id, order.intent.reason)
        if order.status.is_terminal:
            self.working.pop(order.order_id, None)
        else:
            self.working[order.order_id] = order
        self.journal.append(record(event.ts, "order", {"event": event}))
        return []

    def on_fill(self, event: FillReceived) -> list[Command]:
        """Book the fill; closed round trips are journaled."""
        fill = event.fill
        reason = exit_reason(self._reasons.get(fill.order_id, ""))
        self.journal.append(record(event.ts, "fill", {"event": event}))
        for trip in self.portfolio.apply_fill(fill, reason):
            self.journal.append(record(event.ts, "round_trip", {"trip": trip}))
        return []
