"""After a restart: MIA's orders and executions recognised at IB by their orderRef, and fills already journaled."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from ib_async import Fill as IbFill
from ib_async import Trade

from adapters.ib.orders import ROLES, exec_ref
from mia_core.instruments import Instrument
from mia_core.journal import JournalEntry
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


def order_from_execution(instrument: Instrument, fill: IbFill, ref: str, role: str,
                         parent_id: str | None = None) -> Order:
    """A FILLED domain order rebuilt from an execution of an order IB no longer lists (done before the restart).

    A bracket child (``role``) names its parent (``parent_id``, when known) or else carries
    the ref itself, so its journaled fill can be told by ref after a restart.
    """
    execution = fill.execution
    quantity = max(1, int(execution.cumQty or execution.shares))
    side = OrderSide.BUY if execution.side == "BOT" else OrderSide.SELL
    own_ref = ref if not role or parent_id is None else ""
    intent = OrderIntent(instrument, side, quantity, client_ref=own_ref, reason=role or "recovered")
    log.info("recovered execution %s of order %s (%s) from IB", execution.execId, execution.orderId, ref)
    return Order(str(execution.orderId), intent, OrderStatus.FILLED, filled_quantity=quantity,
                 average_fill_price=execution.avgPrice or None, parent_id=parent_id if role else None)


def _field(value: object, key: str) -> object:
    return value.get(key) if isinstance(value, dict) else getattr(value, key, None)


def journaled_fills(path_text: str) -> tuple[set[tuple[str, str]], int]:
    """:func:`fill_keys` and :func:`last_fill_ns` of a journal file (SQLite or JSON lines; '' or missing: none)."""
    path = Path(path_text) if path_text else None
    if path is None or not path.exists():
        return set(), 0
    from adapters.journal.files import open_journal

    journal = open_journal(path)
    try:
        entries = list(journal.entries())
    finally:
        journal.close()
    return fill_keys(entries), last_fill_ns(entries)


def last_fill_ns(entries: Iterable[JournalEntry]) -> int:
    """The time of the latest fill among journal ``entries`` (0: none).

    IB lists executions to the whole second: one listed after a restart is stamped no
    earlier than this, so it never closes a lot before the lot was opened.
    """
    latest = 0
    for entry in entries:
        if entry.kind == "fill":
            ts = _field(_field(entry.payload.get("event"), "fill"), "ts")
            latest = max(latest, ts if isinstance(ts, int) else entry.ts)
    return latest


def fill_keys(entries: Iterable[JournalEntry]) -> set[tuple[str, str]]:
    """(execution id, client ref with a bracket child's role) of the fills among journal ``entries`` (any backend).

    The ref of each fill's order comes from the order entries journaled before it (a
    bracket child takes its parent's, whichever of their entries came first); a fill
    whose order's ref is unknown gets ''.
    """
    refs: dict[str, str] = {}  # order id -> its own ref
    parents: dict[str, str] = {}  # order id -> its parent's
    roles: dict[str, str] = {}  # order id -> its role in a bracket ('tp', 'sl'; '' for an entry)
    keys: set[tuple[str, str]] = set()
    for entry in entries:
        event = entry.payload.get("event")
        if entry.kind == "order":
            order = _field(event, "order")
            order_id, parent = str(_field(order, "order_id") or ""), _field(order, "parent_id")
            intent = _field(order, "intent")
            ref, reason = str(_field(intent, "client_ref") or ""), str(_field(intent, "reason") or "")
            # a child found through its execution (parent unknown) has its role as its reason
            roles[order_id] = ROLES.get(reason, reason if reason in ("tp", "sl") else "")
            if parent:  # a bracket child: its own ref if it has one, else its parent's when its fill comes
                parents[order_id], refs[order_id] = str(parent), ref
            else:
                parents.pop(order_id, None)
                refs[order_id] = ref or refs.get(order_id, "")
        elif entry.kind == "fill":
            fill = _field(event, "fill")
            fill_id = _field(fill, "fill_id")
            if fill_id:
                order_id = str(_field(fill, "order_id") or "")
                ref = refs.get(order_id) or refs.get(parents.get(order_id, ""), "")
                keys.add((str(fill_id), exec_ref(ref, roles.get(order_id, ""))))
    return keys
