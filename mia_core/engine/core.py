"""The trading engine: one deterministic pass per event, returning commands."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

import attrs

from mia_core import trusted
from mia_core.accounting import Portfolio
from mia_core.calc.outputs import Outputs
from mia_core.commands import CancelOrder, Command, SubmitOrder
from mia_core.compiled import runs_compiled
from mia_core.engine import failures, hints, planner
from mia_core.engine.config import ExecutionConfig
from mia_core.engine.published import (
    IS_FLOAT,
    FeatureMap,
    Publisher,
    all_floats,
    checked_outputs,
    declared_floats,
    publishing,
)
from mia_core.engine.view import EngineView
from mia_core.events import (
    ConnectionChanged,
    FillReceived,
    OrderUpdated,
    PositionChanged,
    RiskChecked,
)
from mia_core.instruments import Instrument
from mia_core.journal import JournalEntry, record, record_event, record_one
from mia_core.market import Bar
from mia_core.orders import Order, OrderIntent
from mia_core.risk.catastrophe import CatastropheConfig
from mia_core.risk.desk import RiskDesk
from mia_core.risk.exposure import intent_risk_cents, opens_exposure, pending_exposure
from mia_core.risk.guard import DayGuard
from mia_core.risk.sizing import PositionConfig
from mia_core.signals import RiskDecision, RiskVerdict, Signal

if TYPE_CHECKING:  # the ports are protocols; the core needs them only for type checking
    from ports.analyzer import Analyzer
    from ports.risk import RiskPolicy, RiskStateStore
    from ports.signal_filter import SignalFilter
    from ports.strategy import Strategy
    from ports.technique import Technique


def exit_reason(intent_reason: str) -> str:
    """The label an order's reason gives the round trip it closes (text before ':')."""
    label = _EXIT_LABELS.get(intent_reason)
    if label is None:
        head = intent_reason.split(":", 1)[0].strip()
        label = _SIGNAL_REASONS.get(head, head or "unknown")
        if len(_EXIT_LABELS) < _LABELS_KEPT:  # a few distinct reasons usually: worked out once each
            _EXIT_LABELS[intent_reason] = label
    return label


_NONE_CANCELLED: frozenset[str] = frozenset()
_SIGNAL_REASONS = {"signal_exit": "signal", "signal_entry": "signal", "signal_flat": "signal"}
_EXIT_LABELS: dict[str, str] = {}
_LABELS_KEPT = 1024


#: True when this module runs compiled by mypyc (setup.py): one loop in C then beats two interpreted C-speed passes
COMPILED: Final = runs_compiled(__file__)


class TradingEngine:
    """Runs techniques, analyzers, the strategy, filters, the planner and risk, in that order.

    The engine never does I/O: ``handle`` takes one event and returns the commands
    the shell must carry out; what it decided is appended to ``journal`` for the
    shell to persist. Backtest and live shells drive the same engine. Risk lives
    here too, so every shell gets it: the policies judge each intent, the desk
    (``mia_core.risk.desk``) sizes and brackets entries, manages stops and runs the
    catastrophe monitor; only ``risk_store`` (paper/live) touches a file, through its port.
    """

    def __init__(
        self,
        instrument: Instrument,
        strategy: Strategy,
        *,
        techniques: Sequence[Technique] = (),
        technique_names: Sequence[str] | None = None,
        analyzers: Sequence[Analyzer] = (),
        signal_filters: Sequence[SignalFilter] = (),
        risk_policies: Sequence[RiskPolicy] = (),
        execution: ExecutionConfig | None = None,
        initial_cash_cents: object = 10_000_000,  # whole cents, checked by Portfolio
        position: PositionConfig | None = None,
        catastrophe: CatastropheConfig | None = None,
        risk_store: RiskStateStore | None = None,
        guard: DayGuard | None = None,
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
        # each technique with the prefix it publishes under (its instance name, YAML `as:`) and its place
        self.publishing: list[Publisher] = publishing(self.techniques, technique_names)
        self.features = FeatureMap(self.publishing)
        self.last_close = math.nan  # the latest bar's close: the entry reference of a market order's bracket
        self.told: set[str] = set()  # strategies already warned that their brackets were rounded to the grid
        self.analyses: dict[str, Mapping[str, float]] = {}
        self.journal: list[JournalEntry] = []
        self.now_ns = 0
        self.view = EngineView(self)
        self.signal: Signal | None = None
        self.batch: list[OrderIntent] = []
        self.cancelling: frozenset[str] = frozenset()
        self.desk = RiskDesk(self, position or PositionConfig(), catastrophe or CatastropheConfig(), risk_store,
                              guard)
        self.ledger = self.desk.ledger
        self.ledger.track = bool(self.risk_policies) or self.desk.active
        self._reasons: dict[str, str] = {}
        # the handler of each event type that is not a market event (a shell may dispatch through it)
        self.handlers: dict[type, Any] = {
            Bar: self.on_bar,
            FillReceived: self.on_fill,
            OrderUpdated: self.on_order_updated,
            PositionChanged: self._ignore,
            ConnectionChanged: self.desk.on_connection,
        }

    @property
    def needs_every_bar(self) -> bool:
        """True when risk figures must be rolled on every bar (no vectorised backtest)."""
        return self.desk.active or any(getattr(p, "needs_every_bar", False) for p in self.risk_policies)

    def handle(self, event: object) -> list[Command]:
        """Process one event; return the commands it calls for."""
        handler = self.handlers.get(type(event))
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
        if self.desk.active and isinstance(ts, int):
            return self.desk.on_event_time(self.now_ns)
        return []

    def on_bar(self, bar: Bar) -> list[Command]:
        """Roll the risk ledger, mark, update analyzers and techniques, let the risk desk act, ask the strategy."""
        ts = self.now_ns = bar.ts
        self.last_close = bar.close
        ledger = self.ledger
        if ledger.track:
            if not ledger.start_ns <= ts < ledger.end_ns:
                ledger.roll(ts, self.portfolio.equity_cents)
            ledger.last_price = bar.close
        self.portfolio.mark(ts, bar.high, bar.low, bar.close)
        if self.analyzers or self.publishing:
            self.update_components(bar)
        if self.desk.active:
            return self._desk_bar(bar)
        signal = self._ask_strategy(bar)
        return [] if signal is None else self.on_signal(signal)

    def update_components(self, bar: Bar) -> None:
        """The analyzers' ``on_event`` and the techniques' ``update`` with ``bar``; a failure names the component."""
        for i, analyzer in enumerate(self.analyzers):
            try:
                values = analyzer.on_event(bar)
            except Exception as exc:
                raise failures.raised(failures.ANALYZER, analyzer.name, i, "on_event", bar.ts, exc) from exc
            if values is not None:
                self.analyses[analyzer.name] = values
        if self.publishing:
            self._update_techniques(bar)

    def _update_techniques(self, bar: Bar) -> None:
        """Each technique's ``update``, checked and published as ``<instance name>.<output>``; a failure names it.

        What is published is a tuple of the values in the declared order that nothing
        else can change: an ``Outputs``' own tuple of numbers once checked, else the
        values of the mapping returned, taken once.
        """
        latest = self.features.latest
        for technique, prefix, index, declared, order, _ in self.publishing:
            try:
                values = technique.update(bar)
            except Exception as exc:
                raise failures.raised(failures.TECHNIQUE, prefix[:-1], index, "update", bar.ts, exc) from exc
            try:  # the usual cases first: Outputs, or a dict, of the declared outputs in their order, all floats
                if type(values) is Outputs:
                    numbers = values.numbers
                    names = values.names
                    if (type(numbers) is tuple and len(numbers) == len(order)
                            and (names is order or (type(names) is tuple and names == order))
                            and (all_floats(numbers) if COMPILED else all(map(IS_FLOAT, numbers)))):
                        latest[index] = numbers
                        continue
                elif type(values) is dict and (declared_floats(values, order) if COMPILED
                                               else tuple(values) == order and all(map(IS_FLOAT, values.values()))):
                    latest[index] = tuple(values.values())
                    continue
                latest[index] = checked_outputs(values, declared, order)
            except Exception as exc:
                found = failures.describe_outputs(values, technique.outputs) or f"{type(exc).__name__}: {exc}"
                error = failures.ComponentError(failures.TECHNIQUE, prefix[:-1], index, "update", bar.ts, found)
                raise failures.chained(error, exc) from exc

    def _ask_strategy(self, bar: Bar) -> Signal | None:
        """The strategy's ``on_bar``: a Signal or None, or an error naming the strategy."""
        strategy = self.strategy
        try:
            result: object = strategy.on_bar(bar, self.view)
        except Exception as exc:
            raise failures.raised(failures.STRATEGY, strategy.name, 0, "on_bar", bar.ts, exc) from exc
        if result is None:
            return None
        return failures.checked_signal(result, strategy.name, bar.ts)

    def _desk_bar(self, bar: Bar) -> list[Command]:
        commands, closing = self.desk.after_bar(bar)
        signal = self._ask_strategy(bar)
        if signal is None:
            return commands
        if closing:  # a flatten is on its way: the signal is recorded, not acted on
            self.journal.append(record_event("signal", trusted.signal_generated(signal)))
            return commands
        return commands + self.on_signal(signal)

    def on_signal(self, signal: Signal) -> list[Command]:
        """Filter the signal, plan orders to its target, pass each through risk."""
        for i, signal_filter in enumerate(self.signal_filters):
            try:
                filtered: object = signal_filter.apply(signal, self.view)
            except Exception as exc:
                raise failures.raised(failures.SIGNAL_FILTER, signal_filter.name, i, "apply", self.now_ns, exc) from exc
            if not isinstance(filtered, Signal):
                reason = f"returned {type(filtered).__name__} {filtered!r:.60}; expected a Signal"
                raise failures.ComponentError(failures.SIGNAL_FILTER, signal_filter.name, i, "apply", self.now_ns,
                                              reason)
            signal = filtered
        self.journal.append(record_event("signal", trusted.signal_generated(signal)))
        working = list(self.working.values())
        commands: list[Command] = []
        if self.desk.atr is not None:  # the position manager sizes from the stop hint and places its own bracket
            cancels, intents = self.desk.plan(signal, working)
        else:
            refused = ""
            if (signal.stop_loss is not None or signal.take_profit is not None) and self.execution.use_signal_brackets:
                signal, refused = hints.judge(self, signal, commands)
            cancels, intents = planner.plan(signal, self.instrument, self.portfolio.quantity, working, self.execution)
            if refused:
                intents = hints.refuse_entries(self, intents, refused)
        commands.extend(cancels)
        self.signal = signal
        # orders this decision cancels no longer count: an intent is judged against what will be working
        self.cancelling = (frozenset(c.order_id for c in cancels if isinstance(c, CancelOrder)) if cancels
                           else _NONE_CANCELLED)
        try:
            for intent in intents:
                approved = self.check_risk(intent)
                if approved is None:
                    break
                commands.append(SubmitOrder(approved))
        finally:
            self.signal = None
            self.batch.clear()
            self.cancelling = _NONE_CANCELLED
        return commands

    def flatten(self, reason: str) -> list[Command]:
        """Commands that cancel every working order and close the position at market."""
        return planner.close_position(self.instrument, self.portfolio.quantity, list(self.working.values()), reason)

    def manual_stop(self, reason: str = "manual stop") -> list[Command]:
        """Trip the catastrophe monitor by hand: cancel, flatten, latch (until ``rearm``)."""
        return self.desk.manual_stop(reason)

    def rearm(self) -> None:
        """Clear the catastrophe latch: entries may resume."""
        self.desk.rearm()

    def live_orders(self) -> list[Order]:
        """Working orders, less those the decision being made cancels."""
        cancelling = self.cancelling
        if not cancelling:
            return list(self.working.values())
        return [o for o in self.working.values() if o.order_id not in cancelling]

    def exposure(self) -> int:
        """Signed contracts held, plus working parent orders, plus intents approved earlier in this decision.

        Working orders this decision cancels are left out (the shell carries out the
        cancels before the new orders), so an order that only looks like an exit next
        to a cancelled entry is judged as the entry it is.
        """
        orders = self.live_orders() if self.cancelling else self.working.values()
        exposure = pending_exposure(self.portfolio.quantity, orders)
        for earlier in self.batch:
            exposure += earlier.quantity * earlier.side.sign
        return exposure

    def check_risk(self, intent: OrderIntent) -> OrderIntent | None:
        """Run every policy in order; the smallest allowed size wins, a rejection stops.

        While the catastrophe monitor is latched every entry is rejected first (exits
        pass). A policy that raises (or returns something other than a RiskDecision)
        rejects an entry, lets an exit pass (journaled). Working orders the decision
        cancels do not count towards exposure when telling entries from exits. An
        approved intent joins ``batch`` so the next intent of the same decision is
        judged with it pending; an approved entry's risk is booked in the ledger.
        """
        desk = self.desk
        if not self.ledger.track:  # no policy, no desk: nothing to judge or book
            return intent
        decisions: list[RiskDecision] = []
        quantity = intent.quantity
        entry = opens_exposure(self.exposure(), intent.quantity * intent.side.sign)
        veto = desk.entry_veto() if entry else None
        if veto is not None:
            decisions.append(veto)
            quantity = 0
        policies = self.risk_policies if quantity else ()
        for policy in policies:
            try:
                decision = policy.evaluate(intent, self.view)
                if not isinstance(decision, RiskDecision):
                    raise TypeError(f"returned {decision!r}, not a RiskDecision")
            except Exception as exc:  # a failing rule stops an entry (never an exit), never the session
                name = getattr(policy, "name", "") or type(policy).__name__
                failure = f"policy failed ({type(exc).__name__}: {exc})"
                decision = (RiskDecision.reject(name, failure + "; entry refused") if entry
                            else RiskDecision.allow(name, quantity, failure + "; exit allowed"))
            decisions.append(decision)
            if decision.verdict is RiskVerdict.REJECT:
                quantity = 0
                break
            quantity = min(quantity, decision.quantity)
        if decisions:
            self.journal.append(record(self.now_ns, "risk", {"event": RiskChecked(self.now_ns, intent, decisions)}))
        if quantity == 0:
            return None
        approved = intent if quantity == intent.quantity else attrs.evolve(intent, quantity=quantity)
        if entry:
            desk.ledger.record_entry(intent_risk_cents(approved, desk.ledger.last_price) or 0)
        self.batch.append(approved)
        return approved

    def on_order_updated(self, event: OrderUpdated) -> list[Command]:
        """Track working orders."""
        order = event.order
        self._reasons.setdefault(order.order_id, order.intent.reason)
        if order.status.is_terminal:
            self.working.pop(order.order_id, None)
        else:
            self.working[order.order_id] = order
        self.journal.append(record_event("order", event))
        if self.desk.monitor is not None:
            self.desk.on_order(event)
        return []

    def on_fill(self, event: FillReceived) -> list[Command]:
        """Book the fill; closed round trips are journaled."""
        fill = event.fill
        reason = exit_reason(self._reasons.get(fill.order_id, ""))
        self.journal.append(record_event("fill", event))
        desk = self.desk
        ledger = self.ledger
        if ledger.track and not ledger.start_ns <= event.ts < ledger.end_ns:
            ledger.roll(event.ts, self.portfolio.equity_cents)
        before = self.portfolio.quantity
        for trip in self.portfolio.apply_fill(fill, reason):
            self.journal.append(record_one(event.ts, "round_trip", "trip", trip))
            if trip.net_cents < 0:
                ledger.record_loss(event.ts)
        if desk.active:
            desk.after_fill(before)
        return []
