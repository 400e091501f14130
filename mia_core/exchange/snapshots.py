"""Cheap constructors for the values the simulated exchange derives from already-checked ones.

The exchange validates what comes from outside (intents, request timestamps) when it
first builds an :class:`~mia_core.orders.Order`. Each later snapshot of that order, each
fill and each event is computed from those checked values (prices from integer ticks,
quantities bounded by the order's), so re-running attrs converters and validators
(``attrs.evolve``) would only cost time. These helpers set the fields directly
(``builders.builder``, values in field order); the objects are equal to what the
validating constructors would build (``tests/exchange/test_snapshots.py``).
"""

from __future__ import annotations

from typing import Any

from mia_core.builders import builder
from mia_core.events import FillReceived, OrderUpdated, PositionChanged
from mia_core.instruments import Instrument
from mia_core.orders import Fill, Order, OrderIntent, OrderSide, OrderStatus, Position
from mia_core.timeutil import same_instant, to_ns

_KEEP: Any = object()
_PENDING = OrderStatus.PENDING  # a module constant: on Python 3.11 each OrderStatus.PENDING goes through EnumType
_WORKING = OrderStatus.WORKING
_ORDER = builder(Order)
_FILL = builder(Fill)
_ORDER_UPDATED = builder(OrderUpdated)
_FILL_RECEIVED = builder(FillReceived)
_POSITION_CHANGED = builder(PositionChanged)
_POSITION = builder(Position)


def ns(ts: Any) -> int:
    """``ts`` as integer UTC ns (``to_ns`` for anything but an int)."""
    return same_instant(ts) if type(ts) is int else to_ns(ts)


def new_order(order_id: str, intent: OrderIntent, ts: int) -> Order:
    """``Order(order_id, intent, PENDING, updated_ts=ts)`` for an exchange-made id and an integer ``ts``."""
    return _ORDER(order_id, intent, _PENDING, 0, None, None, "", same_instant(ts), False)


def accepted(order_id: str, intent: OrderIntent, ts: int) -> tuple[Order, OrderUpdated]:
    """``new_order(order_id, intent, ts)`` and the event moving it to WORKING at ``ts``, from one call."""
    ts = same_instant(ts)
    pending = _ORDER(order_id, intent, _PENDING, 0, None, None, "", ts, False)
    return pending, _ORDER_UPDATED(ts, _ORDER(order_id, intent, _WORKING, 0, None, None, "", ts, False), _PENDING)


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
    return _ORDER(
        order.order_id, order.intent if intent is None else intent, status,
        order.filled_quantity if filled_quantity is None else filled_quantity,
        order.average_fill_price if average_fill_price is _KEEP else average_fill_price,
        order.parent_id, order.reject_reason, ns(ts), order.refused_offline,
    )  # fmt: skip


def status_changed(order: Order, status: OrderStatus, ts: int) -> OrderUpdated:
    """``OrderUpdated`` reporting ``next_order(order, status, ts)``, built in one call."""
    updated_ts = ns(ts)
    new = _ORDER(order.order_id, order.intent, status, order.filled_quantity, order.average_fill_price,
                 order.parent_id, order.reject_reason, updated_ts, order.refused_offline)  # fmt: skip
    return _ORDER_UPDATED(updated_ts, new, order.status)


def fill_reported(
    events: list[Any], ts: int, order: Order, status: OrderStatus, filled_quantity: int, average_fill_price: float,
    instrument: Instrument, fill_id: str, quantity: int, price: float, commission: int, position: Position,
    realized: int,
) -> Order:  # fmt: skip
    """Append a fill's three events (``FillReceived``, ``OrderUpdated``, ``PositionChanged``); return the new order.

    One call for what the exchange reports of each fill: the fill of ``quantity`` at
    ``price`` of ``order`` (now ``filled_quantity`` at ``average_fill_price``, ``status``),
    and the position after it with the P&L it realized.
    """
    intent = order.intent
    ts = ns(ts)
    if filled_quantity > intent.quantity:  # let the validating constructor report the impossible fill
        updated = next_order(order, status, ts, filled_quantity=filled_quantity, average_fill_price=average_fill_price)
    else:
        updated = _ORDER(order.order_id, intent, status, filled_quantity, average_fill_price, order.parent_id,
                         order.reject_reason, ts, order.refused_offline)  # fmt: skip
    fill = _FILL(order.order_id, instrument, intent.side, quantity, price, ts, commission, fill_id)
    events.append(_FILL_RECEIVED(ts, fill))
    events.append(_ORDER_UPDATED(updated.updated_ts, updated, order.status))
    events.append(_POSITION_CHANGED(ts, position, realized))
    return updated


def fill(
    order_id: str, instrument: Instrument, side: OrderSide, quantity: int, price: float, ts: int, commission: int,
    fill_id: str,
) -> Fill:  # fmt: skip
    """A :class:`Fill` at a price built from integer ticks, for a positive quantity, at an integer ``ts``."""
    return _FILL(order_id, instrument, side, quantity, price, same_instant(ts), commission, fill_id)


def order_updated(ts: int, order: Order, previous: OrderStatus | None) -> OrderUpdated:
    """``OrderUpdated(ts, order, previous)`` for an integer ``ts``."""
    return _ORDER_UPDATED(same_instant(ts), order, previous)


def fill_received(ts: int, fill: Fill) -> FillReceived:
    """``FillReceived(ts, fill)`` for an integer ``ts``."""
    return _FILL_RECEIVED(same_instant(ts), fill)


def position_changed(ts: int, position: Position, realized: int) -> PositionChanged:
    """``PositionChanged(ts, position, realized)`` for an integer ``ts``."""
    return _POSITION_CHANGED(same_instant(ts), position, realized)


def position(instrument: Instrument, quantity: int, average_price: float | None) -> Position:
    """``Position(instrument, quantity, average_price)`` with ``average_price`` set whenever ``quantity`` is."""
    if quantity and average_price is None:
        return Position(instrument, quantity, average_price)  # let the validating constructor refuse it
    return _POSITION(instrument, quantity, average_price)
