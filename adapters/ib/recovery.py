"""After a restart: MIA's orders and executions recognised at IB by their orderRef, and fills already journaled."""

from __future__ import annotations

import logging
from pathlib import Path

from ib_async import Fill as IbFill
from ib_async import Trade

from mia_core.instruments import Instrument
from mia_core.orders import Order, OrderIntent, OrderSide, OrderStatus, OrderType

log = logging.getLogger("mia.ib")
_KINDS = {"MKT": OrderType.MARKET, "LMT": OrderType.LIMIT, "STP": OrderType.STOP, "STP LMT": OrderType.STOP_LIMIT}


def order_from_trade(instrument: Instrument, trade: Trade, ref: str, role: str) -> Order:
    """A PENDING domain order rebuilt from an IB order MIA placed before it restarted."""
    o = trade.order
    kind = _KINDS.get(o.orderType, OrderType.MARKET)
    side = OrderSide.BUY if o.action == "BUY" else OrderSide.SELL
    intent = OrderIntent(
        instrument,
        side,
        max(1, int(o.totalQuantity)),
        kind,
        limit_price=o.lmtPrice if kind in (OrderType.LIMIT, OrderType.STOP_LIMIT) else None,
        stop_price=o.auxPrice if kind in (OrderType.STOP, OrderType.STOP_LIMIT) else None,
        client_ref=ref if not role else "",
        reason=role or "recovered",
    )
    log.info("recovered order %s (%s) from IB", o.orderId, o.orderRef)
    return Order(str(o.orderId), intent, OrderStatus.PENDING, parent_id=str(o.parentId) if o.parentId else None)


def order_from_execution(instrument: Instrument, fill: IbFill, ref: str, role: str) -> Order:
    """A FILLED domain order rebuilt from an execution of an order IB no longer lists (done before the restart)."""
    execution = fill.execution
    quantity = max(1, int(execution.cumQty or execution.shares))
    side = OrderSide.BUY if execution.side == "BOT" else OrderSide.SELL
    intent = OrderIntent(instrument, side, quantity, client_ref=ref if not role else "", reason=role or "recovered")
    log.info("recovered execution %s of order %s (%s) from IB", execution.execId, execution.orderId, ref)
    return Order(str(execution.orderId), intent, OrderStatus.FILLED, filled_quantity=quantity,
                 average_fill_price=execution.avgPrice or None)


def journaled_fill_ids(path_text: str) -> set[str]:
    """Execution ids of the fills a journal file holds (SQLite or JSON lines; '' or a missing file: none)."""
    path = Path(path_text) if path_text else None
    if path is None or not path.exists():
        return set()
    from adapters.journal.files import open_journal

    ids: set[str] = set()
    journal = open_journal(path)
    try:
        entries = list(journal.entries("fill"))
    finally:
        journal.close()
    for entry in entries:
        event = entry.payload.get("event")
        fill = event.get("fill") if isinstance(event, dict) else getattr(event, "fill", None)
        fill_id = fill.get("fill_id") if isinstance(fill, dict) else getattr(fill, "fill_id", "")
        if fill_id:
            ids.add(str(fill_id))
    return ids
