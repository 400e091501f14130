"""Orders of the simulated exchange: ids, lifecycle events, fills and bracket (OCO) children."""

from __future__ import annotations

from typing import Final

import attrs

from mia_core.events import FillReceived, OrderUpdated, PositionChanged
from mia_core.exchange import snapshots
from mia_core.exchange.book import PositionBook
from mia_core.exchange.config import ExchangeConfig
from mia_core.exchange.state import NEVER, OrderState
from mia_core.instruments import Instrument
from mia_core.orders import STOP_LOSS, Order, OrderStatus, bracket_legs

ExchangeEvent = OrderUpdated | FillReceived | PositionChanged
# Members read once: on Python 3.11 each read of ``OrderStatus.FILLED`` goes through EnumType.__getattr__ (slow)
_PENDING: Final = OrderStatus.PENDING
_WORKING: Final = OrderStatus.WORKING
_PARTIAL: Final = OrderStatus.PARTIALLY_FILLED
_FILLED: Final = OrderStatus.FILLED
_CANCELLED: Final = OrderStatus.CANCELLED
_EXPIRED: Final = OrderStatus.EXPIRED


class OrderRegistry:
    """Every order the exchange has seen, the working ones, and the position they built.

    All state changes go through :meth:`update`, which emits one
    :class:`~mia_core.events.OrderUpdated` per change, so no change goes unreported.
    Live orders are kept with their fill-model state in ``open``; a finished order
    keeps only its last snapshot in ``finished`` (a long backtest finishes hundreds of
    thousands of orders).
    """

    def __init__(self, instrument: Instrument, config: ExchangeConfig, id_prefix: str) -> None:
        self.instrument = instrument
        self.book = PositionBook(instrument)
        self.by_ref: dict[str, str] = {}
        self.open: dict[str, OrderState] = {}  # live orders (pending bracket children included), oldest first
        # a finished order keeps only its last snapshot: the fill model's record of it is let go
        self.finished: dict[str, Order] = {}
        self.active: list[OrderState] = []
        self.next_expiry = NEVER
        # While a matching pass runs, orders activated mid-event (bracket children) are appended here.
        self.activated: list[OrderState] | None = None
        self._tick = instrument.tick_size
        self._commission = config.commission_cents
        self._prefix = id_prefix
        self._orders = 0
        self._registered = 0
        self._fills = 0

    def new_id(self) -> str:
        """The next exchange order id."""
        self._orders += 1
        return f"{self._prefix}-{self._orders}"

    def register(self, order: Order) -> OrderState:
        """Start tracking ``order`` (not yet working)."""
        state = OrderState(order, self._registered, self._tick)
        self._registered += 1
        if state.live:
            self.open[order.order_id] = state
        else:
            self.finished[order.order_id] = order
        return state

    def order(self, order_id: str) -> Order | None:
        """The latest snapshot of any order seen, live or finished."""
        state = self.open.get(order_id)
        return self.finished.get(order_id) if state is None else state.order

    def update(self, state: OrderState, order: Order, ts: int, events: list[ExchangeEvent]) -> None:
        """Replace the order's snapshot with ``order`` and report the change."""
        events.append(snapshots.order_updated(order.updated_ts, order, state.order.status))  # updated_ts: ts as int
        self.track(state, order)

    def track(self, state: OrderState, order: Order) -> None:
        """Make ``order`` the state's snapshot (its change already reported); a finished order leaves ``open``."""
        state.order = order
        if order.status.is_terminal and state.live:
            state.live = False
            del self.open[order.order_id]
            self.finished[order.order_id] = order
            if state in self.active:
                self.active.remove(state)

    def activate(self, state: OrderState, *, min_bar_ts: int, min_trade_ts: int) -> None:
        """Let a working order meet bars from ``min_bar_ts`` and trades from ``min_trade_ts`` on."""
        state.min_bar_ts = min_bar_ts
        state.min_trade_ts = min_trade_ts
        self.active.append(state)
        self.next_expiry = min(self.next_expiry, state.expires_ns)
        if self.activated is not None:
            self.activated.append(state)

    def set_status(self, state: OrderState, status: OrderStatus, ts: int, events: list[ExchangeEvent]) -> None:
        """Move an order to ``status`` without other changes."""
        event = snapshots.status_changed(state.order, status, ts)
        events.append(event)
        self.track(state, event.order)

    def finish(self, state: OrderState, status: OrderStatus, ts: int, events: list[ExchangeEvent]) -> None:
        """Cancel or expire an order; an entry that never filled takes its bracket children with it."""
        self.set_status(state, status, ts, events)
        if state.children and state.order.filled_quantity == 0:
            for child in state.children:
                if child.live:
                    self.set_status(child, _CANCELLED, ts, events)

    def expire(self, ts: int, events: list[ExchangeEvent]) -> None:
        """Expire DAY orders whose session ended at or before ``ts``."""
        upcoming = NEVER
        for state in list(self.active):
            if state.expires_ns <= ts:
                self.finish(state, _EXPIRED, ts, events)
            elif state.expires_ns < upcoming:
                upcoming = state.expires_ns
        self.next_expiry = upcoming

    def fill(self, state: OrderState, quantity: int, price_ticks: int, ts: int, events: list[ExchangeEvent]) -> None:
        """Execute ``quantity`` contracts of ``state`` at ``price_ticks``; report fill, order and position."""
        order = state.order
        intent = order.intent
        self._fills += 1
        commission = self._commission * quantity
        fill_id = f"{self._prefix}-F{self._fills}"
        price = price_ticks * self._tick
        state.fill_value_ticks += price_ticks * quantity
        filled = order.filled_quantity + quantity
        status = _FILLED if filled == intent.quantity else _PARTIAL
        average = state.fill_value_ticks / filled * self._tick
        book = self.book
        realized = book.apply(quantity * state.sign, price_ticks, commission)
        # the fill, the order's new snapshot and the position, reported in that order in one call
        updated = snapshots.fill_reported(events, ts, order, status, filled, average, self.instrument, fill_id,
                                          quantity, price, commission, book.position, realized)  # fmt: skip
        self.track(state, updated)
        if state.children:
            self.sync_children(state, ts, events)
        elif state.parent is not None:
            self._child_filled(state, ts, events)

    def add_children(self, parent: OrderState, ts: int, events: list[ExchangeEvent]) -> None:
        """Create the stop-loss (STOP) and take-profit (LIMIT) children of a bracketed entry, pending."""
        legs = bracket_legs(parent.order.intent)
        if not legs:
            return
        parent_id = parent.order.order_id
        parent.children = []
        for leg in legs:
            suffix = "SL" if leg.reason == STOP_LOSS else "TP"
            order = Order(f"{parent_id}-{suffix}", leg, _PENDING, parent_id=parent_id, updated_ts=ts)
            child = self.register(order)
            child.parent = parent
            parent.children.append(child)
            events.append(OrderUpdated(ts, order, None))

    def sync_children(self, parent: OrderState, ts: int, events: list[ExchangeEvent]) -> None:
        """Size each live child to the open exposure (parent filled minus children filled); activate them."""
        parent_filled = parent.order.filled_quantity
        exposure = parent_filled - sum(c.order.filled_quantity for c in parent.children)
        for child in parent.children:
            if not child.live:
                continue
            order = child.order
            if parent_filled == 0:
                quantity, status = parent.order.intent.quantity, _PENDING
            else:
                quantity = order.filled_quantity + exposure
                status = _PARTIAL if order.filled_quantity else _WORKING
            if quantity < 1 or (quantity == order.intent.quantity and status is order.status):
                continue
            intent = attrs.evolve(order.intent, quantity=quantity)
            was_pending = order.status is _PENDING
            self.update(child, attrs.evolve(order, intent=intent, status=status, updated_ts=ts), ts, events)
            if was_pending and status is not _PENDING:
                self.activate(child, min_bar_ts=ts + 1, min_trade_ts=ts)

    def _child_filled(self, child: OrderState, ts: int, events: list[ExchangeEvent]) -> None:
        parent = child.parent
        assert parent is not None
        exposure = parent.order.filled_quantity - sum(c.order.filled_quantity for c in parent.children)
        if exposure > 0:
            self.sync_children(parent, ts, events)
            return
        # One cancels other: the exit closed the bracket's whole position.
        for sibling in parent.children:
            if sibling is not child and sibling.live:
                self.set_status(sibling, _CANCELLED, ts, events)
        if parent.live:
            self.set_status(parent, _CANCELLED, ts, events)
