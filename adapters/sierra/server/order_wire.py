"""The loopback server's translation of domain orders and exchange events into DTC trading messages."""

from __future__ import annotations

from typing import Any

from adapters.sierra.dtc import types as t
from mia_core.orders import Fill, Order, OrderSide, OrderStatus, OrderType, Position

STATUS = {
    OrderStatus.WORKING: t.STATUS_OPEN,
    OrderStatus.PARTIALLY_FILLED: t.STATUS_PARTIALLY_FILLED,
    OrderStatus.FILLED: t.STATUS_FILLED,
    OrderStatus.CANCELLED: t.STATUS_CANCELED,
    OrderStatus.REJECTED: t.STATUS_REJECTED,
}
ORDER_TYPE = {OrderType.MARKET: t.ORDER_MARKET, OrderType.LIMIT: t.ORDER_LIMIT, OrderType.STOP: t.ORDER_STOP,
              OrderType.STOP_LIMIT: t.ORDER_STOP_LIMIT}


def dtc_status(order: Order) -> int:
    """The DTC OrderStatus of a domain order (a pending bracket child is PENDING_CHILD)."""
    if order.status is OrderStatus.PENDING:
        return t.STATUS_PENDING_CHILD if order.parent_id else t.STATUS_PENDING_OPEN
    return STATUS[order.status]


def prices(order: Order) -> tuple[float | None, float | None]:
    """Price1 and Price2 as DTC places them (stop-limit: stop in Price1, limit in Price2)."""
    intent = order.intent
    if intent.order_type is OrderType.LIMIT:
        return intent.limit_price, None
    if intent.order_type is OrderType.STOP:
        return intent.stop_price, None
    if intent.order_type is OrderType.STOP_LIMIT:
        return intent.stop_price, intent.limit_price
    return None, None


def order_update(order: Order, *, symbol: str, client_id: str, account: str, reason: int, ts_ns: int,
                 parent_server_id: str = "", fill: Fill | None = None, info: str = "", request_id: int = 0,
                 total: int = 1, number: int = 1) -> dict[str, Any]:
    """An ORDER_UPDATE for ``order``; ``fill`` adds the last-fill fields."""
    price1, price2 = prices(order)
    values: dict[str, Any] = {
        "RequestID": request_id, "TotalNumMessages": total, "MessageNumber": number,
        "Symbol": symbol, "ServerOrderID": order.order_id, "ClientOrderID": client_id,
        "OrderStatus": dtc_status(order), "OrderUpdateReason": reason,
        "OrderType": ORDER_TYPE[order.intent.order_type],
        "BuySell": t.BUY if order.intent.side is OrderSide.BUY else t.SELL,
        "Price1": price1, "Price2": price2, "TimeInForce": t.TIF_DAY,
        "OrderQuantity": float(order.intent.quantity), "FilledQuantity": float(order.filled_quantity),
        "RemainingQuantity": float(order.remaining), "AverageFillPrice": order.average_fill_price,
        "TradeAccount": account, "InfoText": (info or order.reject_reason)[:95],
        "ParentServerOrderID": parent_server_id, "LatestTransactionDateTime": ts_ns / 1e9,
    }
    if fill is not None:
        values.update(LastFillPrice=fill.price, LastFillQuantity=float(fill.quantity),
                      LastFillDateTime=fill.ts // 1_000_000, LastFillExecutionID=fill.fill_id)
    return values


def position_update(position: Position, *, symbol: str, account: str, open_pnl: float, request_id: int = 0,
                    total: int = 1, number: int = 1) -> dict[str, Any]:
    """A POSITION_UPDATE (Quantity + long / - short)."""
    return {
        "RequestID": request_id, "TotalNumberMessages": total, "MessageNumber": number, "Symbol": symbol,
        "Quantity": float(position.quantity), "AveragePrice": position.average_price, "TradeAccount": account,
        "Unsolicited": 0 if request_id else 1, "OpenProfitLoss": open_pnl,
    }
