"""Cheap constructors for the values the simulated exchange derives from already-checked ones.

The exchange validates what comes from outside (intents, request timestamps) when it
first builds an :class:`~mia_core.orders.Order`. Each later snapshot of that order, each
fill and each event is computed from those checked values (prices from integer ticks,
quantities bounded by the order's), so re-running attrs converters and validators
(``attrs.evolve``) would only cost time. These helpers set the fields directly; the
objects are equal to what the validating constructors would build.
"""

from __future__ import annotations

from typing import Any

from mia_core.events import FillReceived, OrderUpdated, PositionChanged
from mia_core.instruments import Instrument
from mia_core.orders import Fill, Order, OrderIntent, OrderSide, OrderStatus, Position
from mia_core.timeutil import to_ns

_new = object.__new__
_put = object.__setattr__
_KEEP: Any = object()


def ns(ts: Any) -> int:
    """``ts`` as integer UTC ns (``to_ns`` for anything but an int)."""
    return ts if type(ts) is int else to_ns(ts)


def new_order(order_id: str, intent: OrderIntent, ts: int) -> Order:
    """``Order(order_id, intent, PENDING, updated_ts=ts)`` for an exchange-made id and an integer ``ts``."""
    new = _new(Order)
    _put(new, "order_id", order_id)
    _put(new, "intent", intent)
    _put(new, "status", OrderStatus.PENDING)
    _put(new, "filled_quantity", 0)
    _put(new, "average_fill_price", None)
    _put(new, "parent_id", None)
    _put(new, "reject_reason", "")
    _put(new, "updated_ts", ts)
    _put(new, "refused_offline", False)
    return new


def next_order(
    order: Order,
    status: OrderStatus,
    ts: int,
    *,
    filled_quantity: int | None = None,
    average_fill_price: Any = _KEEP,  # float | None; _KEEP keeps the order's
    intent: OrderIntent | None = None,
) -> Order:
    """``attrs.evolve(order, status=..., updated_ts=ts, ...)`` for a change the exchange computed itself."""
    if filled_quantity is not None and filled_quantity > (intent or order.intent).quantity:
        return Order(  # let the validating constructor report the impossible fill
            order.order_id, intent or order.intent, status, filled_quantity, order.average_fill_price,
            order.parent_id, order.reject_reason, ts,
        )  # fmt: skip
    new = _new(Order)
    _put(new, "order_id", order.order_id)
    _put(new, "intent", order.intent if intent is None else intent)
    _put(new, "status", status)
    _put(new, "filled_quantity", order.filled_quantity if filled_quantity is None else filled_quantity)
    _put(new, "average_fill_price", order.average_fill_price if average_fill_price is _KEEP else average_fill_price)
    _put(new, "parent_id", order.parent_id)
    _put(new, "reject_reason", order.reject_reason)
    _put(new, "updated_ts", ns(ts))
    _put(new, "refused_offline", order.refused_offline)
    return new


def fill(
    order_id: str, instrument: Instrument, side: OrderSide, quantity: int, price: float, ts: int, commission: int,
    fill_id: str,
) -> Fill:  # fmt: skip
    """A :class:`Fill` at a price built from integer ticks, for a positive quantity, at an integer ``ts``."""
    new = _new(Fill)
    _put(new, "order_id", order_id)
    _put(new, "instrument", instrument)
    _put(new, "side", side)
    _put(new, "quantity", quantity)
    _put(new, "price", price)
    _put(new, "ts", ts)
    _put(new, "commission_cents", commission)
    _put(new, "fill_id", fill_id)
    return new


def order_updated(ts: int, order: Order, previous: OrderStatus | None) -> OrderUpdated:
    """``OrderUpdated(ts, order, previous)`` for an integer ``ts``."""
    event = _new(OrderUpdated)
    _put(event, "ts", ts)
    _put(event, "order", order)
    _put(event, "previous_status", previous)
    return event


def fill_received(ts: int, fill: Fill) -> FillReceived:
    """``FillReceived(ts, fill)`` for an integer ``ts``."""
    event = _new(FillReceived)
    _put(event, "ts", ts)
    _put(event, "fill", fill)
    return event


def position_changed(ts: int, position: Position, realized: int) -> PositionChanged:
    """``PositionChanged(ts, position, realized)`` for an integer ``ts``."""
    event = _new(PositionChanged)
    _put(event, "ts", ts)
    _put(event, "position", position)
    _put(event, "realized_pnl_cents", realized)
    return event


def position(instrument: Instrument, quantity: int, average_price: float | None) -> Position:
    """``Position(instrument, quantity, average_price)`` with ``average_price`` set whenever ``quantity`` is."""
    if quantity and average_price is None:
        return Position(instrument, quantity, average_price)  # let the validating constructor refuse it
    new = _new(Position)
    _put(new, "instrument", instrument)
    _put(new, "quantity", quantity)
    _put(new, "average_price", average_price)
    return new
