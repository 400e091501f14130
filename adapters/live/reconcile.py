"""The session's reconciler: on connect, reconnect and every interval, the engine's books against the broker's."""

from __future__ import annotations

import logging

import attrs

from mia_core.commands import AlertLevel, Command, RaiseAlert
from mia_core.engine import planner
from mia_core.engine.core import TradingEngine
from mia_core.events import FillReceived, OrderUpdated
from mia_core.journal import record
from mia_core.orders import Fill, OrderSide
from mia_core.reconcile.compare import Reconciliation, reconcile
from mia_core.reconcile.state import BrokerState, ReconcileConfig
from mia_core.risk.catastrophe import RECONCILE
from mia_core.timeutil import NS_PER_SECOND
from ports.broker import Broker, ReconcilingBroker

log = logging.getLogger("mia.live")
ADJUSTMENT = "reconcile"  # the order id and exit reason of a booking that takes the broker's position


def broker_state(broker: Broker, ts: int) -> BrokerState:
    """The broker's own report when it gives one, else its positions and open orders (no executions)."""
    if isinstance(broker, ReconcilingBroker):
        return broker.broker_state()
    positions = broker.positions()
    position = sum(p.quantity for p in positions)
    average = next((p.average_price for p in positions if p.quantity), None)
    return BrokerState(ts, position, frozenset(o.order_id for o in broker.open_orders()), average)


class Reconciler:
    """Compares the engine's position and working orders with the broker's and acts on what differs.

    Orders the broker no longer works are settled in the engine (never re-sent). A
    position difference seen on ``confirm_checks`` checks in a row while no fill is on
    its way is a mismatch: journaled (``reconcile``) and alerted, the engine's books take
    the broker's position (a ``reconcile`` booking at the last price, so risk judges what
    is really held), and the catastrophe monitor latches (trigger ``reconcile_mismatch``).
    ``on_mismatch: flatten`` then closes that position; ``latch`` holds it for the user.
    The first net liquidation value the broker reports (before any bar) becomes the
    engine's equity.
    """

    def __init__(self, engine: TradingEngine, broker: Broker, config: ReconcileConfig) -> None:
        self.engine, self.broker, self.config = engine, broker, config
        self.interval_ns = round(config.interval_seconds * NS_PER_SECOND)
        self.last_ns = 0
        self.seen: tuple[int, int] | None = None  # (broker, engine) position of the last unexplained difference
        self.repeats = 0
        self.checks = 0
        self.mismatches = 0
        self.net_liquidation_cents: int | None = None

    def due(self, now_ns: int) -> bool:
        """True when the periodic check is due at ``now_ns``."""
        return self.config.enabled and self.interval_ns > 0 and now_ns - self.last_ns >= self.interval_ns

    def check(self, now_ns: int, why: str) -> list[Command]:
        """Compare now; the commands it calls for (settling orders goes through the engine)."""
        if not self.config.enabled:
            return []
        self.last_ns = now_ns
        self.checks += 1
        engine = self.engine
        state = broker_state(self.broker, now_ns)
        if self.config.account == "shared":  # the account's position and value are not this system's
            state = attrs.evolve(state, position=None, average_price=None, net_liquidation_cents=None)
        if state.net_liquidation_cents is not None:
            if self.net_liquidation_cents is None and not engine.now_ns:  # the first report, before any bar
                self._take_equity(state.net_liquidation_cents)
            self.net_liquidation_cents = state.net_liquidation_cents
        result = reconcile(engine.portfolio.quantity, engine.working, state)
        commands: list[Command] = []
        for resolution in result.resolutions:
            log.warning("reconcile (%s): order %s %s", why, resolution.order.order_id, resolution.note)
            commands += engine.handle(OrderUpdated(now_ns, resolution.order, resolution.previous))
            engine.journal.append(record(now_ns, "reconcile", {"why": why, "order": resolution.order.order_id,
                                                               "action": resolution.note}))
        return commands + self._position(now_ns, why, result, state)

    def _take_equity(self, net_liquidation_cents: int) -> None:
        """Start from the account's net liquidation value: equity, the day's start and the peak move alike."""
        engine = self.engine
        delta = engine.portfolio.rebase(net_liquidation_cents)
        engine.ledger.day_start_equity_cents += delta
        monitor = engine.desk.monitor
        if monitor is not None:
            monitor.peak_cents += delta
        log.info("equity taken from the broker's net liquidation value (%+d cents)", delta)

    def _position(self, now_ns: int, why: str, result: Reconciliation, state: BrokerState) -> list[Command]:
        if not result.mismatch:
            if result.settled:
                self.seen, self.repeats = None, 0
            return []
        figures = (state.position or 0, self.engine.portfolio.quantity)
        self.repeats = self.repeats + 1 if figures == self.seen else 1
        self.seen = figures
        if self.repeats < self.config.confirm_checks:
            return []
        self.mismatches += 1
        self.seen, self.repeats = None, 0
        return self._mismatch(now_ns, why, result, state)

    def _mismatch(self, now_ns: int, why: str, result: Reconciliation, state: BrokerState) -> list[Command]:
        engine = self.engine
        detail = f"{result.mismatch} ({why})"
        log.error("reconcile: %s", detail)
        engine.journal.append(record(now_ns, "reconcile", {"why": why, "action": "mismatch", "detail": detail,
                                                           "broker_position": state.position,
                                                           "engine_position": engine.portfolio.quantity}))
        engine.now_ns = max(engine.now_ns, now_ns)  # the latch and the booking are stamped now, before any bar
        commands = self._adopt(now_ns, result.difference, state)
        commands += engine.desk.latch(RECONCILE, detail)
        if self.config.on_mismatch == "flatten":
            held = state.position or 0
            commands += planner.close_position(engine.instrument, held, self.broker.open_orders(),
                                               f"{RECONCILE}: flatten to the broker's truth")
        else:
            commands.append(RaiseAlert(AlertLevel.CRITICAL, f"reconcile: {detail}; the broker's position is held, "
                                       "entries stopped: close it or 'mia risk stop', then 'mia risk rearm'"))
        return commands

    def _adopt(self, now_ns: int, difference: int, state: BrokerState) -> list[Command]:
        """Book ``difference`` contracts so the engine's position is the broker's (journaled as a fill).

        Priced at the last price seen, else the broker's average price, else the books'.
        """
        engine = self.engine
        if not difference:
            return []
        instrument = engine.instrument
        price = engine.ledger.last_price or state.average_price or engine.portfolio.position.average_price
        if price is None:
            return []  # nothing to price it at: the latch alone
        side = OrderSide.BUY if difference > 0 else OrderSide.SELL
        fill = Fill(ADJUSTMENT, instrument, side, abs(difference), instrument.round_to_tick(price), now_ns,
                    fill_id=f"{ADJUSTMENT}-{now_ns}")
        return engine.handle(FillReceived(now_ns, fill))
