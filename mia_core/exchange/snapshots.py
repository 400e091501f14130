"""Cheap constructors for the values the simulated exchange derives from already-checked ones.

The exchange validates what comes from outside (intents, request timestamps) when it
first builds an :class:`~mia_core.orders.Order`. Each later snapshot of that order, each
fill and each event is computed from those checked values (prices from integer ticks,
quantities bounded by the order's), so re-running attrs converters and validators
(``attrs.evolve``) would only cost time. These helpers set the fields directly, through
the slot descriptors (``trusted.slot_setters``, in field order); the objects are equal to
what the validating constructors would build (``tests/exchange/test_snapshots.py``).
"""

from __future__ import annotations

from typing import Any

from mia_core.events import FillReceived, OrderUpdated, PositionChanged
from mia_core.instruments import Instrument
from mia_core.orders import Fill, Order, OrderIntent, OrderSide, OrderStatus, Position
from mia_core.timeutil import to_ns
from mia_core.trusted import slot_setters

_new = object.__new__
_KEEP: Any = object()
_PENDING = OrderStatus.PENDING  # a module constant: on Python 3.11 each OrderStatus.PENDING goes through EnumType
(_ORDER_ID, _ORDER_INTENT, _ORDER_STATUS, _ORDER_FILLED, _ORDER_AVERAGE, _ORDER_PARENT, _ORDER_REJECT, _ORDER_TS,
 _ORDER_OFFLINE) = slot_setters(Order)
_FILL_ORDER, _FILL_INSTRUMENT, _FILL_SIDE, _FILL_QUANTITY, _FILL_PRICE, _FILL_TS, _FILL_COMMISSION, _FILL_ID = (
    slot_setters(Fill))
_UPDATED_TS, _UPDATED_ORDER, _UPDATED_PREVIOUS = slot_setters(OrderUpdated)
_RECEIVED_TS, _RECEIVED_FILL = slot_setters(FillReceived)
_CHANGED_TS, _CHANGED_POSITION, _CHANGED_REALIZED = slot_setters(PositionChanged)
_POSITION_INSTRUMENT, _POSITION_QUANTITY, _POSITION_PRICE = slot_setters(Position)


def ns(ts: Any) -> int:
    """``ts`` as integer UTC ns (``to_ns`` for anything but an int)."""
    return ts if type(ts) is int else to_ns(ts)


def new_order(order_id: str, intent: OrderIntent, ts: int) -> Order:
    """``Order(order_id, intent, PENDING, updated_ts=ts)`` for an exchange-made id and an integer ``ts``."""
    new = _new(Order)
    _ORDER_ID(new, order_id)
    _ORDER_INTENT(new, intent)
    _ORDER_STATUS(new, _PENDING)
    _ORDER_FILLED(new, 0)
    _ORDER_AVERAGE(new, None)
    _ORDER_PARENT(new, None)
    _ORDER_REJECT(new, "")
    _ORDER_TS(new, ts)
    _ORDER_OFFLINE(new, False)
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
    _ORDER_ID(new, order.order_id)
    _ORDER_INTENT(new, order.intent if intent is None else intent)
    _ORDER_STATUS(new, status)
    _ORDER_FILLED(new, order.filled_quantity if filled_quantity is None else filled_quantity)
    _ORDER_AVERAGE(new, order.average_fill_price if average_fill_price is _KEEP else average_fill_price)
    _ORDER_PARENT(new, order.parent_id)
    _ORDER_REJECT(new, order.reject_reason)
    _ORDER_TS(new, ns(ts))
    _ORDER_OFFLINE(new, order.refused_offline)
    return new


def fill(
    order_id: str, instrument: Instrument, side: OrderSide, quantity: int, price: float, ts: int, commission: int,
    fill_id: str,
) -> Fill:  # fmt: skip
    """A :class:`Fill` at a price built from integer ticks, for a positive quantity, at an integer ``ts``."""
    new = _new(Fill)
    _FILL_ORDER(new, order_id)
    _FILL_INSTRUMENT(new, instrument)
    _FILL_SIDE(new, side)
    _FILL_QUANTITY(new, quantity)
    _FILL_PRICE(new, price)
    _FILL_TS(new, ts)
    _FILL_COMMISSION(new, commission)
    _FILL_ID(new, fill_id)
    return new


def order_updated(ts: int, order: Order, previous: OrderStatus | None) -> OrderUpdated:
    """``OrderUpdated(ts, order, previous)`` for an integer ``ts``."""
    event = _new(OrderUpdated)
    _UPDATED_TS(event, ts)
    _UPDATED_ORDER(event, order)
    _UPDATED_PREVIOUS(event, previous)
    return event


def fill_received(ts: int, fill: Fill) -> FillReceived:
    """``FillReceived(ts, fill)`` for an integer ``ts``."""
    event = _new(FillReceived)
    _RECEIVED_TS(event, ts)
    _RECEIVED_FILL(event, fill)
    return event


def position_changed(ts: int, position: Position, realized: int) -> PositionChanged:
    """``PositionChanged(ts, position, realized)`` for an integer ``ts``."""
    event = _new(PositionChanged)
    _CHANGED_TS(event, ts)
    _CHANGED_POSITION(event, position)
    _CHANGED_REALIZED(event, realized)
    return event


def position(instrument: Instrument, quantity: int, average_price: float | None) -> Position:
    """``Position(instrument, quantity, average_price)`` with ``average_price`` set whenever ``quantity`` is."""
    if quantity and average_price is None:
        return Position(instrument, quantity, average_price)  # let the validating constructor refuse it
    new = _new(Position)
    _POSITION_INSTRUMENT(new, instrument)
    _POSITION_QUANTITY(new, quantity)
    _POSITION_PRICE(new, average_price)
    return new
