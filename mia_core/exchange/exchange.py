"""The simulated exchange: order requests in, order/fill/position events out; a pure fill model."""

from __future__ import annotations

import math
from typing import Any, Final, cast

import attrs

from mia_core.errors import DomainValueError
from mia_core.events import OrderUpdated
from mia_core.exchange import snapshots
from mia_core.exchange.book import PositionBook
from mia_core.exchange.config import ExchangeConfig
from mia_core.exchange.matching import Matcher
from mia_core.exchange.quiet import quiet_band
from mia_core.exchange.registry import ExchangeEvent, OrderRegistry
from mia_core.exchange.state import OrderState, session_end_ns
from mia_core.instruments import Instrument
from mia_core.market import Bar, Trade
from mia_core.orders import Order, OrderIntent, OrderSide, OrderStatus, OrderType, Position, TimeInForce

_WITH_LIMIT = (OrderType.LIMIT, OrderType.STOP_LIMIT)
_WITH_STOP = (OrderType.STOP, OrderType.STOP_LIMIT)
# Members read once: on Python 3.11 each read of ``OrderType.MARKET`` goes through EnumType.__getattr__ (slow)
_MARKET: Final = OrderType.MARKET
_DAY: Final = TimeInForce.DAY
_WORKING: Final = OrderStatus.WORKING
_CANCELLED: Final = OrderStatus.CANCELLED


class SimulatedExchange:
    """A deterministic exchange for one instrument: no I/O, no clock; time comes with each call.

    Every method returns the events it caused, in order: :class:`~mia_core.events.OrderUpdated`
    for each state change, :class:`~mia_core.events.FillReceived` and
    :class:`~mia_core.events.PositionChanged` for each fill. The fill rules, the
    intrabar path, brackets and rejects are described in ``docs/exchange.md``.
    """

    def __init__(self, instrument: Instrument, config: ExchangeConfig | None = None, id_prefix: str = "SIM") -> None:
        self.instrument = instrument
        self.config = config if config is not None else ExchangeConfig()
        self._registry = OrderRegistry(instrument, self.config, id_prefix)
        self._matcher = Matcher(self._registry, self.config, instrument.tick_size)
        self._latency = self.config.latency_ns
        self._bar_close = self.config.market_fill == "bar_close"

    @property
    def book(self) -> PositionBook:
        """The position as FIFO lots, with realized P&L and commissions in cents."""
        return self._registry.book

    def submit(self, intent: OrderIntent, ts: int) -> tuple[Order, list[ExchangeEvent]]:
        """Accept ``intent`` at ``ts`` (UTC ns); return the order as accepted (PENDING) and the events.

        A refused intent returns a REJECTED order with ``reject_reason``. A non-empty
        ``client_ref`` seen before returns the existing order and no events.
        """
        registry = self._registry
        ref = intent.client_ref
        if ref and ref in registry.by_ref:
            known = registry.order(registry.by_ref[ref])
            assert known is not None  # every order is open or finished
            return known, []
        trusted = type(ts) is int and type(intent) is OrderIntent
        reason = self._refusal(intent) if trusted else ""
        if trusted and not reason:  # the usual order: accepted and working, both snapshots from one call
            order, working = snapshots.accepted(registry.new_id(), intent, ts)
            state = registry.register(order)
            events: list[ExchangeEvent] = [working]
            registry.track(state, working.order)
        else:
            if trusted:
                order = snapshots.new_order(registry.new_id(), intent, ts)
            else:  # let the validating constructor convert or refuse what came from outside
                order = Order(registry.new_id(), intent, OrderStatus.PENDING, updated_ts=ts)
                reason = self._refusal(intent)
            state = registry.register(order)
            events = []
            if reason:
                if ref:
                    registry.by_ref[ref] = order.order_id
                rejected = attrs.evolve(order, status=OrderStatus.REJECTED, reject_reason=reason, updated_ts=ts)
                registry.update(state, rejected, ts, events)
                return rejected, events
            registry.set_status(state, _WORKING, ts, events)
        if ref:
            registry.by_ref[ref] = order.order_id
        if intent.time_in_force is _DAY:
            state.expires_ns = session_end_ns(ts)
        ready = ts + self._latency
        at_close = self._bar_close and intent.order_type is _MARKET
        after = ts + 1  # a bar at ``ts`` closed before the order came: the next one, or later with latency
        registry.activate(state, min_bar_ts=ready if at_close or ready > after else after, min_trade_ts=ready)
        if intent.bracket is not None:
            registry.add_children(state, ts, events)
        return order, events

    def cancel(self, order_id: str, ts: int) -> list[ExchangeEvent]:
        """Cancel a working or pending order; an unknown or finished one is refused with a reason."""
        state = self._registry.open.get(order_id)
        if state is None:
            return [self._not_live(order_id, ts, "cancel")]
        events: list[ExchangeEvent] = []
        self._registry.finish(state, _CANCELLED, ts, events)
        return events

    def modify(
        self,
        order_id: str,
        ts: int,
        *,
        quantity: object = None,
        limit_price: object = None,
        stop_price: object = None,
    ) -> list[ExchangeEvent]:
        """Change a live order's size or prices (``None`` keeps a field); refusals carry a reason.

        A refused change reports the order unchanged (same status) with ``reject_reason``
        set; the order keeps working. The new values come from outside and are typed
        ``object``: anything that is not a whole quantity or a price on the grid (a
        numpy number, a float quantity) is refused here with a reason, never a crash.
        """
        state = self._registry.open.get(order_id)
        if state is None:
            return [self._not_live(order_id, ts, "modify")]
        reason = self._modify_refusal(state, quantity, limit_price, stop_price)
        if reason:
            return [_refused(state.order, ts, reason)]
        changes: dict[str, Any] = {}
        for name, value in (("quantity", quantity), ("limit_price", limit_price), ("stop_price", stop_price)):
            if value is not None:
                changes[name] = value
        try:
            intent = attrs.evolve(state.order.intent, **changes)
        except DomainValueError as exc:
            return [_refused(state.order, ts, f"{exc.field}: {exc.reason}")]
        events: list[ExchangeEvent] = []
        self._registry.update(state, attrs.evolve(state.order, intent=intent, updated_ts=ts), ts, events)
        state.set_prices(cast(float | None, limit_price), cast(float | None, stop_price), self.instrument.tick_size)
        if state.children and quantity is not None:
            self._registry.sync_children(state, ts, events)
        return events

    def on_bar(self, bar: Bar) -> list[ExchangeEvent]:
        """Advance the fill model by one closed bar; returns at once when nothing is working."""
        if not self._registry.active:
            return []
        return self._matcher.on_bar(bar)

    def on_trade(self, trade: Trade) -> list[ExchangeEvent]:
        """Advance the fill model by one trade print."""
        if not self._registry.active:
            return []
        return self._matcher.on_trade(trade)

    def quiet_band(self) -> tuple[int, int, int]:
        """``(below, above, until)``: a trade strictly between the two prices (ticks), before ``until``
        (UTC ns), would change nothing here (see :func:`mia_core.exchange.quiet.quiet_band`)."""
        registry = self._registry
        return quiet_band(registry.active, registry.next_expiry)

    def open_orders(self) -> list[Order]:
        """Orders not in a terminal state (pending bracket children included), oldest first."""
        return [state.order for state in self._registry.open.values()]

    def order(self, order_id: str) -> Order | None:
        """The latest snapshot of any order this exchange has seen, or ``None``."""
        return self._registry.order(order_id)

    def position(self) -> Position:
        """The net position."""
        return self._registry.book.position

    def _refusal(self, intent: OrderIntent) -> str:
        if intent.instrument is not self.instrument and intent.instrument != self.instrument:
            return f"{intent.instrument.symbol} is not traded here (this exchange trades {self.instrument.symbol})"
        if intent.quantity > self.config.max_order_size:
            return f"quantity {intent.quantity} is above max_order_size {self.config.max_order_size}"
        bracket = intent.bracket
        if bracket is None and intent.limit_price is None and intent.stop_price is None:
            return ""
        prices = [("limit_price", intent.limit_price), ("stop_price", intent.stop_price)]
        if bracket is not None:
            prices += [("bracket.stop_loss", bracket.stop_loss), ("bracket.take_profit", bracket.take_profit)]
        for name, price in prices:
            if price is not None and not self._valid_price(price):
                return self._off_grid(name, price)
        return ""

    def _modify_refusal(self, state: OrderState, quantity: object, limit_price: object, stop_price: object) -> str:
        if quantity is None and limit_price is None and stop_price is None:
            return "nothing to change: give quantity, limit_price or stop_price"
        kind = state.kind
        if quantity is not None:
            filled = state.order.filled_quantity
            if state.parent is not None:
                return "the quantity of a bracket child follows its parent's fills"
            if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
                return f"quantity {quantity!r} must be a whole number of at least 1"
            if quantity > self.config.max_order_size:
                return f"quantity {quantity} is above max_order_size {self.config.max_order_size}"
            if quantity <= filled:
                return f"quantity {quantity} must exceed the {filled} contracts already filled"
        for name, price, kinds in (("limit_price", limit_price, _WITH_LIMIT), ("stop_price", stop_price, _WITH_STOP)):
            if price is None:
                continue
            if kind not in kinds:
                return f"{name} is not used by a {kind.value} order"
            if not self._valid_price(price):
                return self._off_grid(name, price)
        return ""

    def _valid_price(self, price: object) -> bool:
        return (
            isinstance(price, int | float)
            and not isinstance(price, bool)
            and math.isfinite(price)
            and price > 0
            and self.instrument.on_grid(price)
        )

    def _off_grid(self, name: str, price: object) -> str:
        instrument = self.instrument
        return f"{name} {price!r} is not a positive price on {instrument.symbol}'s tick grid of {instrument.tick_size}"

    def _not_live(self, order_id: str, ts: int, action: str) -> OrderUpdated:
        """The refusal of a request about a finished order, or about an id never seen."""
        finished = self._registry.finished.get(order_id)
        if finished is None:
            return self._unknown(order_id, ts, action)
        return _refused(finished, ts, f"cannot {action}: order is already {finished.status.value}")

    def _unknown(self, order_id: str, ts: int, action: str) -> OrderUpdated:
        placeholder = OrderIntent(self.instrument, OrderSide.BUY, 1, reason=f"{action} request for an unknown order")
        order = Order(
            order_id, placeholder, OrderStatus.REJECTED, reject_reason=f"unknown order id {order_id!r}", updated_ts=ts
        )
        return OrderUpdated(ts, order, None)


def _refused(order: Order, ts: int, reason: str) -> OrderUpdated:
    """A refused request about an existing order: the order as it is, with the reason."""
    return OrderUpdated(ts, attrs.evolve(order, reject_reason=reason, updated_ts=ts), order.status)
