"""Domain orders to DTC order messages, and DTC ORDER_UPDATE fields back to the domain's order states."""

from __future__ import annotations

import contextlib
from typing import Any

import attrs

from adapters.sierra.dtc import types as t
from mia_core import order_changes
from mia_core.errors import DomainValueError
from mia_core.instruments import Instrument
from mia_core.orders import STOP_LOSS, Order, OrderIntent, OrderSide, OrderStatus, OrderType, TimeInForce

ORDER_TYPES = {OrderType.MARKET: t.ORDER_MARKET, OrderType.LIMIT: t.ORDER_LIMIT, OrderType.STOP: t.ORDER_STOP,
               OrderType.STOP_LIMIT: t.ORDER_STOP_LIMIT}
TIME_IN_FORCE = {TimeInForce.DAY: t.TIF_DAY, TimeInForce.GTC: t.TIF_GTC, TimeInForce.IOC: t.TIF_IOC,
                 TimeInForce.FOK: 6}
STATUS = {
    t.STATUS_ORDER_SENT: OrderStatus.PENDING,
    t.STATUS_PENDING_OPEN: OrderStatus.PENDING,
    t.STATUS_PENDING_CHILD: OrderStatus.PENDING,
    t.STATUS_OPEN: OrderStatus.WORKING,
    t.STATUS_FILLED: OrderStatus.FILLED,
    t.STATUS_CANCELED: OrderStatus.CANCELLED,
    t.STATUS_REJECTED: OrderStatus.REJECTED,
    t.STATUS_PARTIALLY_FILLED: OrderStatus.PARTIALLY_FILLED,
}
"""DTC OrderStatus -> domain; PENDING_CANCEL and PENDING_CANCEL_REPLACE keep the order's current state."""


def prices(intent: OrderIntent) -> tuple[float, float]:
    """Price1, Price2 of ``intent`` (stop-limit: stop in Price1, limit in Price2)."""
    kind = intent.order_type
    if kind is OrderType.LIMIT:
        return intent.limit_price or 0.0, 0.0
    if kind is OrderType.STOP:
        return intent.stop_price or 0.0, 0.0
    if kind is OrderType.STOP_LIMIT:
        return intent.stop_price or 0.0, intent.limit_price or 0.0
    return 0.0, 0.0


def single_order(intent: OrderIntent, *, symbol: str, exchange: str, account: str, client_id: str,
                 parent: bool = False) -> dict[str, Any]:
    """SUBMIT_NEW_SINGLE_ORDER for ``intent``."""
    price1, price2 = prices(intent)
    return {
        "Symbol": symbol, "Exchange": exchange, "TradeAccount": account, "ClientOrderID": client_id,
        "OrderType": ORDER_TYPES[intent.order_type], "BuySell": t.BUY if intent.side is OrderSide.BUY else t.SELL,
        "Price1": price1, "Price2": price2, "Quantity": float(intent.quantity),
        "TimeInForce": TIME_IN_FORCE[intent.time_in_force], "IsAutomatedOrder": 1, "IsParentOrder": int(parent),
        "FreeFormText": intent.reason[:47],
    }


def oco_order(first: tuple[str, OrderIntent], second: tuple[str, OrderIntent], *, symbol: str, exchange: str,
              account: str, parent_client_id: str = "") -> dict[str, Any]:
    """SUBMIT_NEW_OCO_ORDER: two linked orders, or a bracket's exits when ``parent_client_id`` is set."""
    values: dict[str, Any] = {"Symbol": symbol, "Exchange": exchange, "TradeAccount": account,
                              "IsAutomatedOrder": 1, "ParentTriggerClientOrderID": parent_client_id,
                              "TimeInForce": TIME_IN_FORCE[first[1].time_in_force]}
    for n, (client_id, intent) in ((1, first), (2, second)):
        price1, price2 = prices(intent)
        values.update({f"ClientOrderID_{n}": client_id, f"OrderType_{n}": ORDER_TYPES[intent.order_type],
                       f"BuySell_{n}": t.BUY if intent.side is OrderSide.BUY else t.SELL,
                       f"Price1_{n}": price1, f"Price2_{n}": price2, f"Quantity_{n}": float(intent.quantity)})
    return values


def updated_order(order: Order, m: dict[str, Any], now: int) -> Order:
    """``order`` as an ORDER_UPDATE reports it: state, filled size, average price, size and prices."""
    status = STATUS.get(m["OrderStatus"], order.status)
    intent = order.intent
    changes: dict[str, Any] = {}
    quantity = m["OrderQuantity"]
    if quantity and quantity == int(quantity) and int(quantity) != intent.quantity:
        changes["quantity"] = int(quantity)
    price1, price2 = m["Price1"], m["Price2"]
    kind = intent.order_type
    if kind is OrderType.LIMIT and price1:
        changes["limit_price"] = price1
    elif kind is OrderType.STOP and price1:
        changes["stop_price"] = price1
    elif kind is OrderType.STOP_LIMIT:
        if price1:
            changes["stop_price"] = price1
        if price2:
            changes["limit_price"] = price2
    changes = {k: v for k, v in changes.items() if getattr(intent, k) != v}
    if changes:
        with contextlib.suppress(DomainValueError):  # an impossible echo keeps what MIA asked for
            intent = attrs.evolve(intent, **changes)
    filled = m["FilledQuantity"]
    filled_quantity = int(filled) if filled and filled == int(filled) else order.filled_quantity
    average = m["AverageFillPrice"] if m["AverageFillPrice"] else order.average_fill_price
    reject = (m["InfoText"] or "rejected by the DTC server") if status is OrderStatus.REJECTED else ""
    return attrs.evolve(order, intent=intent, status=status, filled_quantity=min(filled_quantity, intent.quantity),
                        average_fill_price=average, reject_reason=reject, updated_ts=now)


def exit_role(intent: OrderIntent) -> str:
    """The client-id suffix of a bracket child."""
    return "SL" if intent.reason == STOP_LOSS else "TP"


def modify_refusal(order: Order, instrument: Instrument, connected: bool, quantity: int | None,
                   limit_price: float | None, stop_price: float | None) -> str:
    """Why a modify of ``order`` cannot be sent ('' when it can)."""
    offline = "" if connected else "the DTC server"
    return order_changes.modify_refusal(order, instrument, offline, quantity, limit_price, stop_price)
