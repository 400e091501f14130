"""The risk desk: what the engine does for risk around each event (ledger, sizing, exits, catastrophe)."""

from __future__ import annotations

from datetime import time
from typing import TYPE_CHECKING

from mia_core.commands import AlertLevel, Command, RaiseAlert
from mia_core.engine import planner
from mia_core.events import CatastropheTriggered, ConnectionChanged, ConnectionState, OrderUpdated, RiskChecked
from mia_core.journal import record
from mia_core.market import Bar
from mia_core.orders import Bracket, Order, OrderIntent, OrderSide, OrderStatus
from mia_core.risk.catastrophe import MANUAL, RECONCILE, CatastropheConfig, CatastropheMonitor, LatchState
from mia_core.risk.exits import OpenTrade, manage_stop
from mia_core.risk.guard import GUARD, DayGuard, GuardState
from mia_core.risk.host import DeskHost
from mia_core.risk.ledger import RiskLedger
from mia_core.risk.sizing import AverageTrueRange, EntryPlan, PositionConfig, plan_entry
from mia_core.risk.status import RiskStatus
from mia_core.risk.windows import clock_time, in_weekend
from mia_core.signals import RiskDecision, Signal
from mia_core.timeutil import CHICAGO

if TYPE_CHECKING:
    from ports.risk import RiskStateStore

SIZING = "position_sizing"
SUNDAY_OPEN = time(17, 0)
CATASTROPHE = "catastrophe"


class RiskDesk:
    """Holds the engine's risk state and acts on it; the engine calls it around each event.

    Always keeps the ledger (today's figures by CME trading day). With ``position``
    enabled it tracks the ATR, sizes and brackets entries and manages open trades'
    stops; with ``catastrophe`` enabled it runs the monitor, flattens and latches.
    ``store`` (paper and live) persists the latch and publishes today's figures.
    """

    def __init__(
        self,
        engine: DeskHost,
        position: PositionConfig,
        catastrophe: CatastropheConfig,
        store: RiskStateStore | None = None,
        guard: DayGuard | None = None,
    ) -> None:
        self.engine = engine
        self.position = position
        self.store = store
        initial = engine.portfolio.equity_cents
        self.ledger = RiskLedger(initial)
        self.atr = AverageTrueRange(position.atr_period, position.volatility_lookback) if position.enabled else None
        saved = store.load() if store is not None else None
        self.monitor = CatastropheMonitor(catastrophe, initial, saved) if catastrophe.enabled or saved else None
        self.trade: OpenTrade | None = None
        cutoff = position.weekend_flatten_at
        self.weekend_cutoff = None if cutoff is None else clock_time("PositionConfig", "weekend_flatten_at", cutoff)
        self.planned_risk_ticks = 0
        self.counted: set[str] = set()
        self.guard = guard
        self.guard_state = GuardState()
        self.active = position.enabled or self.monitor is not None or store is not None or guard is not None

    @property
    def latched(self) -> bool:
        """True while the catastrophe latch holds."""
        return self.monitor is not None and self.monitor.latched

    # -- per event ------------------------------------------------------------------

    def after_bar(self, bar: Bar) -> tuple[list[Command], bool]:
        """After the bar is marked: ATR, catastrophe, exits. Returns commands and whether the position is closing."""
        engine = self.engine
        commands: list[Command] = []
        if self.atr is not None:
            self.atr.update(bar.high, bar.low, bar.close)
        commands += self.poll()
        commands += self.check_catastrophe(bar.ts)
        closing = bool(commands)
        if not closing and self._flatten_latched() and engine.portfolio.quantity and not self._closing_in_flight():
            # still holding while latched (an entry acked after the trip, a close that was refused, a restart): flatten
            commands += engine.flatten(f"{CATASTROPHE}: latched")
            closing = True
        if not closing and self.guard is not None:
            closing = self._guard(bar.ts, commands)
        trade = self.trade
        if not closing and trade is not None and engine.portfolio.quantity and not self._closing_in_flight():
            trade.bars += 1
            trade.best = max(trade.best, bar.high) if trade.direction > 0 else min(trade.best, bar.low)
            limit = self.position.exit_after_bars
            if limit is not None and trade.bars >= limit:
                commands += engine.flatten(f"time_exit: {trade.bars} bars")
                closing = True
            elif self.weekend_cutoff is not None and in_weekend(bar.ts, self.weekend_cutoff, SUNDAY_OPEN, CHICAGO):
                commands += engine.flatten("weekend: flat before the weekend")
                closing = True
            else:
                atr = None if self.atr is None else self.atr.value
                commands += manage_stop(self.position, engine.instrument, trade, bar, engine.working, atr)
        if self.store is not None:
            self.store.publish(self.status())
        return commands, closing

    def _flatten_latched(self) -> bool:
        """Latched by anything but a reconciliation mismatch in ``latch`` mode (that position is held for the user)."""
        return self.monitor is not None and self.monitor.latched and self.monitor.state.trigger != RECONCILE

    def _guard(self, ts: int, commands: list[Command]) -> bool:
        """The day guard's verdict at ``ts``: flatten (cancelling working orders) when it says so."""
        assert self.guard is not None
        engine = self.engine
        equity = engine.portfolio.equity_cents
        state = self.guard_state = self.guard.check(ts, self.ledger.day, equity - self.ledger.day_start_equity_cents)
        if not state.flatten or self._closing_in_flight():
            return False
        if not engine.portfolio.quantity and not engine.working:
            return False
        commands += engine.flatten(f"{GUARD}: {state.flatten}")
        return True

    def entry_veto(self) -> RiskDecision | None:
        """The rejection an entry gets now (catastrophe latch first, then the day guard), else None."""
        if self.latched:
            return self.latch_decision()
        if self.guard is not None and self.guard_state.block:
            return RiskDecision.reject(GUARD, self.guard_state.block)
        return None

    def _closing_in_flight(self) -> bool:
        """True when a working order (not a bracket child) already closes the whole position.

        A time or weekend exit then waits for it instead of cancelling and sending it
        again on every bar (which, with latency, would never let it fill, and live could
        double the close if a cancel lost the race to the fill).
        """
        position = self.engine.portfolio.quantity
        return any(
            o.parent_id is None and o.intent.side.sign * position < 0 and o.remaining >= abs(position)
            for o in self.engine.working.values()
        )

    def on_event_time(self, ts: int) -> list[Command]:
        """Any other timed event (timer, quote, connection): the monitor's clock-driven triggers."""
        return self.poll() + self.check_catastrophe(ts)

    def on_connection(self, event: ConnectionChanged) -> list[Command]:
        """A link went down or came back."""
        self.engine.journal.append(record(event.ts, "connection", {"event": event}))
        if self.monitor is not None:
            self.monitor.on_connection(event.ts, event.source, event.state is ConnectionState.LOST)
        return self.on_event_time(event.ts)

    def on_order(self, event: OrderUpdated) -> None:
        """Count each new parent order's outcome (accepted or rejected) for the error rate.

        An order the broker refused because its link was known to be down
        (``refused_offline``) is an effect of the outage, not an error of the system: not counted.
        """
        order = event.order
        if self.monitor is None or order.parent_id is not None or order.order_id in self.counted:
            return
        if order.status is OrderStatus.PENDING or order.refused_offline:
            return
        self.counted.add(order.order_id)
        self.monitor.on_order_outcome(order.status is OrderStatus.REJECTED)

    def after_fill(self, before: int) -> None:
        """Start or end the tracked trade when the position opens, closes or reverses."""
        portfolio = self.engine.portfolio
        after = portfolio.quantity
        if self.atr is None:
            return
        if after == 0:
            self.trade = None
        elif before == 0 or before * after < 0:
            price = portfolio.position.average_price
            assert price is not None
            direction = 1 if after > 0 else -1
            self.trade = OpenTrade(direction, price, max(self.planned_risk_ticks, 1), price)

    # -- decisions --------------------------------------------------------------------

    def size_entry(self, signal: Signal, direction: int) -> EntryPlan | None:
        """Size and bracket an entry; the plan (or the refusal) is journaled as a ``position_sizing`` decision."""
        engine = self.engine
        reference = self.ledger.last_price
        atr = None if self.atr is None else self.atr.value
        norm = None if self.atr is None else self.atr.norm
        result: EntryPlan | str
        if reference is None:
            result = "no price seen yet"
        else:
            result = plan_entry(self.position, engine.instrument, direction, reference,
                                engine.portfolio.equity_cents, atr, norm, signal.stop_loss)
        side = OrderSide.BUY if direction > 0 else OrderSide.SELL
        if isinstance(result, EntryPlan):
            self.planned_risk_ticks = result.risk_ticks
            bracket = Bracket(stop_loss=result.stop_loss, take_profit=result.take_profit)
            intent = OrderIntent(engine.instrument, side, result.quantity, bracket=bracket, reason="signal_entry")
            decision = RiskDecision.allow(SIZING, result.quantity, result.reason)
        else:
            intent = OrderIntent(engine.instrument, side, 1, reason="signal_entry")
            decision = RiskDecision.reject(SIZING, result)
        engine.journal.append(record(engine.now_ns, "risk", {"event": RiskChecked(engine.now_ns, intent, [decision])}))
        return result if isinstance(result, EntryPlan) else None

    def plan(self, signal: Signal, working: list[Order]) -> tuple[list[Command], list[OrderIntent]]:
        """The position manager's plan for ``signal``: hold, exit, or a sized bracketed entry."""
        engine = self.engine
        position = engine.portfolio.quantity
        wanted = planner.target_direction(signal, engine.execution)
        held = (position > 0) - (position < 0)
        entry = None
        if wanted and wanted != held and not self._entering(wanted, working, position):
            veto = self.entry_veto()
            if veto is not None:  # no entry: say so once, without sizing it
                side = OrderSide.BUY if wanted > 0 else OrderSide.SELL
                intent = OrderIntent(engine.instrument, side, 1, reason="signal_entry")
                checked = RiskChecked(engine.now_ns, intent, [veto])
                engine.journal.append(record(engine.now_ns, "risk", {"event": checked}))
            else:
                entry = self.size_entry(signal, wanted)
        return planner.plan_managed(signal, engine.instrument, position, working, engine.execution, entry)

    @staticmethod
    def _entering(direction: int, working: list[Order], position: int) -> bool:
        parents = [o for o in working if o.parent_id is None]
        return position == 0 and len(parents) == 1 and parents[0].intent.side.sign == direction

    def latch_decision(self) -> RiskDecision:
        """The rejection every entry gets while latched."""
        assert self.monitor is not None
        state = self.monitor.state
        reason = f"latched by {state.trigger} ({state.detail}); re-arm with 'mia risk rearm'"
        return RiskDecision.reject(CATASTROPHE, reason)

    # -- catastrophe ------------------------------------------------------------------

    def check_catastrophe(self, ts: int) -> list[Command]:
        """Evaluate the monitor's triggers; flatten and latch when one fires."""
        monitor = self.monitor
        if monitor is None:
            return []
        portfolio = self.engine.portfolio
        equity = portfolio.equity_cents
        state = monitor.check(ts, self.ledger.day, equity - self.ledger.day_start_equity_cents, equity)
        return [] if state is None else self._tripped(ts, state)

    def manual_stop(self, reason: str = "manual stop") -> list[Command]:
        """Trip the monitor by hand (also enables it when it was off)."""
        return self.latch(MANUAL, reason)

    def latch(self, trigger: str, detail: str) -> list[Command]:
        """Trip the monitor now with ``trigger`` (also enables it when it was off): persist, flatten, alert.

        Nothing when already latched. A ``reconcile_mismatch`` latch sends no flatten
        (the caller decides by its ``on_mismatch`` setting); its alert is kept.
        """
        if self.monitor is None:
            self.monitor = CatastropheMonitor(CatastropheConfig(), self.engine.portfolio.equity_cents)
            self.active = self.ledger.track = True
        state = self.monitor.trip(self.engine.now_ns, trigger, detail)
        if state is None:
            return []
        commands = self._tripped(self.engine.now_ns, state)
        return [c for c in commands if isinstance(c, RaiseAlert)] if trigger == RECONCILE else commands

    def rearm(self) -> LatchState | None:
        """Clear the latch (journaled and persisted)."""
        if self.monitor is None:
            return None
        engine = self.engine
        state = self.monitor.rearm(engine.now_ns, engine.portfolio.equity_cents)
        engine.journal.append(record(engine.now_ns, "rearm", {"state": state}))
        if self.store is not None:
            self.store.save(state)
        return state

    def poll(self) -> list[Command]:
        """Adopt a latch written by ``mia risk stop`` / ``rearm`` while the session runs."""
        if self.store is None:
            return []
        state = self.store.poll()
        if state is None:
            return []
        engine = self.engine
        if self.monitor is None:
            self.monitor = CatastropheMonitor(CatastropheConfig(), engine.portfolio.equity_cents)
        was = self.monitor.latched
        self.monitor.adopt(state, engine.portfolio.equity_cents)
        if state.latched and not was:
            return self._act(engine.now_ns, state)
        if was and not state.latched:
            engine.journal.append(record(engine.now_ns, "rearm", {"state": state}))
        return []

    def _tripped(self, ts: int, state: LatchState) -> list[Command]:
        """Persist the latch, then cancel and flatten; a store that fails must not keep the flatten back."""
        failure = ""
        if self.store is not None:
            try:
                self.store.save(state)
            except Exception as exc:  # latched in memory all the same; say loudly that it is not on disk
                failure = f"{type(exc).__name__}: {exc}"
        commands = self._act(ts, state)
        if failure:
            message = f"catastrophe latch not persisted ({failure}): a restart would not be latched"
            commands.append(RaiseAlert(AlertLevel.CRITICAL, message))
        return commands

    def _act(self, ts: int, state: LatchState) -> list[Command]:
        engine = self.engine
        event = CatastropheTriggered(ts, state.trigger, state.detail)
        engine.journal.append(record(ts, "catastrophe", {"event": event}))
        done = "entries stopped" if state.trigger == RECONCILE else "flattened, entries stopped"
        message = f"catastrophe monitor: {state.trigger} ({state.detail}); {done} until re-armed"
        return [*engine.flatten(f"{CATASTROPHE}: {state.trigger}"), RaiseAlert(AlertLevel.CRITICAL, message)]

    def status(self) -> RiskStatus:
        """Today's figures now."""
        engine = self.engine
        portfolio = engine.portfolio
        ledger = self.ledger
        equity = portfolio.equity_cents
        latch = self.monitor.state if self.monitor is not None else LatchState()
        return RiskStatus(
            ts=engine.now_ns,
            trading_day=ledger.day,
            equity_cents=equity,
            day_start_equity_cents=ledger.day_start_equity_cents,
            day_pnl_cents=equity - ledger.day_start_equity_cents,
            realized_today_cents=portfolio.realized_today_cents,
            trades_today=portfolio.trades_today,
            entries_today=ledger.entries_today,
            risk_today_cents=ledger.risk_today_cents,
            consecutive_losses=portfolio.consecutive_losses,
            peak_equity_cents=portfolio.peak_equity_cents,
            position=portfolio.quantity,
            working_orders=len(engine.working),
            latch=latch,
        )
