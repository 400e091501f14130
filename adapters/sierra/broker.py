"""SierraBroker: the Broker port over Sierra Chart's DTC server (orders, fills, positions, balance)."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections import deque
from collections.abc import Callable
from typing import Any

import attrs

from adapters.sierra.config import SierraBrokerConfig
from adapters.sierra.dtc import types as t
from adapters.sierra.dtc.client import DtcClient
from adapters.sierra.dtc.times import epoch_ns
from adapters.sierra.errors import DtcConnectionError
from adapters.sierra.orders import exit_role, modify_refusal, oco_order, single_order, updated_order
from adapters.sierra.reconcile import reconcile
from mia_core.events import (
    BrokerEvent,
    ConnectionChanged,
    ConnectionState,
    FillReceived,
    OrderUpdated,
    PositionChanged,
)
from mia_core.instruments import Instrument
from mia_core.orders import (
    AccountSnapshot,
    Fill,
    Order,
    OrderIntent,
    OrderSide,
    OrderStatus,
    OrderType,
    Position,
    bracket_legs,
)
from ports.clock import Clock

log = logging.getLogger("mia.sierra")
_WITH_LIMIT = (OrderType.LIMIT, OrderType.STOP_LIMIT)
_WITH_STOP = (OrderType.STOP, OrderType.STOP_LIMIT)
_REFUSALS = (t.ORDER_CANCEL_REJECTED, t.ORDER_CANCEL_REPLACE_REJECTED)


class SierraBroker:
    """Orders to Sierra Chart (or any DTC server) for one instrument; DTC reports become domain events.

    ``order_id`` is the DTC ClientOrderID MIA chose (``<session>-<n>``, bracket exits
    ``-SL``/``-TP``), so reports after a reconnect find their orders again. Submitting while
    disconnected is refused, never queued. A bracket is sent as Sierra Chart expects: the
    entry with IsParentOrder, then an OCO of its exits naming the entry.
    """

    def __init__(self, client: DtcClient, instrument: Instrument, clock: Clock, config: SierraBrokerConfig,
                 name: str = "sierra") -> None:
        self.client, self.instrument, self.clock, self.config, self.name = client, instrument, clock, config, name
        self.symbol = config.dtc_symbol(instrument.symbol)
        self.account_id = config.trade_account
        self.orders: dict[str, Order] = {}
        self.server_ids: dict[str, str] = {}
        self.by_ref: dict[str, str] = {}
        self.handlers: list[Callable[[BrokerEvent], None]] = []
        self._outbox: deque[BrokerEvent] = deque()
        self._fills_seen: set[str] = set()
        self._deferred: dict[str, list[str]] = {}  # refusals decided before the server acknowledged the order
        self._position = Position(instrument)
        self._balance: dict[str, Any] = {}
        self._session = secrets.token_hex(3)
        self._seq = 0
        client.listeners.append(self._on_message)
        client.state_listeners.append(self._on_state)
        client.restored.append(self.reconcile)

    # --- connection ---------------------------------------------------------------------------

    async def connect(self) -> None:
        """Log on (shared connection), choose the trade account, reconcile orders, position and balance."""
        await self.client.acquire(self)
        if not self.client.logon.get("TradingIsSupported", 1):
            log.warning("the DTC server says trading is not supported: in Sierra Chart set DTC Protocol Server >> "
                        "Allow Trading = Yes")
        await self.reconcile()

    async def disconnect(self) -> None:
        """Release the shared connection; working orders stay at Sierra Chart. Idempotent."""
        await self.client.release(self)

    async def reconcile(self) -> None:
        """Ask for trade accounts, open orders, positions and the balance; reports update local state."""
        await reconcile(self)

    def _on_state(self, up: bool, detail: str) -> None:
        state = ConnectionState.RESTORED if up else ConnectionState.LOST
        self._emit(ConnectionChanged(self.clock.now_ns(), self.name, state, detail))

    # --- events ---------------------------------------------------------------------------------

    def subscribe(self, handler: Callable[[BrokerEvent], None]) -> None:
        """Deliver every later broker event to ``handler`` (registration order)."""
        self.handlers.append(handler)

    def _emit(self, event: BrokerEvent) -> None:
        for handler in self.handlers:
            handler(event)

    def _later(self, event: BrokerEvent) -> None:
        self._outbox.append(event)
        asyncio.get_event_loop().call_soon(self._flush)

    def _flush(self) -> None:
        while self._outbox:
            self._emit(self._outbox.popleft())

    @property
    def outbox_size(self) -> int:
        """Events decided locally not yet delivered."""
        return len(self._outbox)

    # --- requests -------------------------------------------------------------------------------

    def submit(self, intent: OrderIntent) -> Order:
        """Send ``intent`` (a bracket as parent + OCO exits); returns it PENDING, or REJECTED with a reason."""
        ref = intent.client_ref
        if ref and ref in self.by_ref:
            return self.orders[self.by_ref[ref]]
        if intent.instrument != self.instrument:
            return self._reject_new(intent, f"{intent.instrument.symbol} is not traded by this broker")
        if not self.client.connected:
            return self._reject_new(intent, "no connection to the DTC server: the order was not sent (nothing is "
                                    "queued)", offline=True)
        self._seq += 1
        client_id = f"{self._session}-{self._seq}"
        now = self.clock.now_ns()
        legs = [(f"{client_id}-{exit_role(leg)}", leg) for leg in bracket_legs(intent)]
        self.orders[client_id] = Order(client_id, intent, OrderStatus.PENDING, updated_ts=now)
        for leg_id, leg in legs:
            self.orders[leg_id] = Order(leg_id, leg, OrderStatus.PENDING, parent_id=client_id, updated_ts=now)
        if ref:
            self.by_ref[ref] = client_id
        where = {"symbol": self.symbol, "exchange": self.config.exchange, "account": self.account_id}
        try:
            self.client.send(t.SUBMIT_NEW_SINGLE_ORDER, single_order(intent, client_id=client_id,
                                                                     parent=bool(legs), **where))
            if legs:
                first, second = legs if len(legs) == 2 else (legs[0], ("", legs[0][1]))
                self.client.send(t.SUBMIT_NEW_OCO_ORDER, oco_order(first, second, parent_client_id=client_id,
                                                                   **where))
        except (DtcConnectionError, ConnectionError) as exc:
            for oid in [client_id, *(leg_id for leg_id, _ in legs)]:
                self._finish_locally(oid, f"DTC connection lost while sending: {exc}")
        return self.orders[client_id]

    def submit_oco(self, first: OrderIntent, second: OrderIntent) -> tuple[Order, Order]:
        """Two orders where a fill of one cancels the other (SUBMIT_NEW_OCO_ORDER); both returned PENDING."""
        if not self.client.connected:
            return (self._reject_new(first, "no connection to the DTC server", offline=True),
                    self._reject_new(second, "no connection to the DTC server", offline=True))
        now, ids = self.clock.now_ns(), []
        for intent in (first, second):
            self._seq += 1
            oid = f"{self._session}-{self._seq}"
            self.orders[oid] = Order(oid, intent, OrderStatus.PENDING, updated_ts=now)
            ids.append(oid)
        self.client.send(t.SUBMIT_NEW_OCO_ORDER, oco_order((ids[0], first), (ids[1], second), symbol=self.symbol,
                                                           exchange=self.config.exchange, account=self.account_id))
        return self.orders[ids[0]], self.orders[ids[1]]

    def cancel(self, order_id: str) -> None:
        """CANCEL_ORDER; unknown or finished orders are refused locally with a reason."""
        order = self.orders.get(order_id)
        if order is None:
            self._refuse_unknown(order_id, "cancel")
        elif order.status.is_terminal:
            self._refuse(order, f"cannot cancel: order is already {order.status.value}")
        elif not self.client.connected:
            self._refuse(order, "cannot cancel: not connected to the DTC server (the order is still working there)")
        else:
            self.client.send(t.CANCEL_ORDER, {"ServerOrderID": self.server_ids.get(order_id, ""),
                                              "ClientOrderID": order_id, "TradeAccount": self.account_id})

    def modify(self, order_id: str, *, quantity: int | None = None, limit_price: float | None = None,
               stop_price: float | None = None) -> None:
        """CANCEL_REPLACE_ORDER with the new size and prices; impossible changes are refused with a reason."""
        order = self.orders.get(order_id)
        if order is None:
            self._refuse_unknown(order_id, "modify")
            return
        reason = modify_refusal(order, self.instrument, self.client.connected, quantity, limit_price, stop_price)
        if reason:
            self._refuse(order, reason)
            return
        kind = order.intent.order_type
        price1 = stop_price if kind in _WITH_STOP else limit_price
        price2 = limit_price if kind is OrderType.STOP_LIMIT else None
        self.client.send(t.CANCEL_REPLACE_ORDER, {
            "ServerOrderID": self.server_ids.get(order_id, ""), "ClientOrderID": order_id,
            "Price1": price1 or 0.0, "Price2": price2 or 0.0, "Price1IsSet": int(price1 is not None),
            "Price2IsSet": int(price2 is not None), "Quantity": float(quantity or 0), "TradeAccount": self.account_id})

    # --- reports from the server ------------------------------------------------------------------

    def _on_message(self, type_id: int, m: dict[str, Any]) -> None:
        if type_id == t.ORDER_UPDATE:
            self._on_order_update(m)
        elif type_id == t.POSITION_UPDATE:
            self._on_position(m)
        elif type_id == t.ACCOUNT_BALANCE_UPDATE and (not self.account_id or m["TradeAccount"] == self.account_id):
            self._balance = m

    def _on_order_update(self, m: dict[str, Any]) -> None:
        if m["NoOrders"]:
            return
        oid = m["ClientOrderID"]
        order = self.orders.get(oid)
        if order is None:
            return  # another client's order, or one from before this session (reported by Sierra Chart as is)
        if m["ServerOrderID"]:
            self.server_ids[oid] = m["ServerOrderID"]
        now = self.clock.now_ns()
        reason = m["OrderUpdateReason"]
        if reason in _REFUSALS:
            refused = attrs.evolve(order, reject_reason=m["InfoText"] or "refused by the DTC server", updated_ts=now)
            self._emit(OrderUpdated(now, refused, order.status))
            return
        fill = self._fill_of(oid, order, m)
        if fill is not None:
            self._emit(FillReceived(fill.ts, fill))
        updated = updated_order(order, m, now)
        self.orders[oid] = updated
        if updated != attrs.evolve(order, updated_ts=now) or fill is not None:
            self._emit(OrderUpdated(now, updated, order.status))
        if updated.status is not OrderStatus.PENDING:
            for reason in self._deferred.pop(oid, []):
                self._emit(OrderUpdated(now, attrs.evolve(updated, reject_reason=reason), updated.status))

    def _fill_of(self, oid: str, order: Order, m: dict[str, Any]) -> Fill | None:
        quantity, price = m["LastFillQuantity"], m["LastFillPrice"]
        if m["OrderUpdateReason"] == t.OPEN_ORDERS_REQUEST_RESPONSE and m["FilledQuantity"]:
            # a state report after a reconnect: fills MIA has not seen are booked from the filled size
            quantity = m["FilledQuantity"] - order.filled_quantity
            price = price or m["AverageFillPrice"]
            if quantity <= 0:
                return None
        elif m["OrderUpdateReason"] not in (t.ORDER_FILLED, t.ORDER_FILLED_PARTIALLY):
            return None
        if not quantity or not price:
            return None
        execution = m["LastFillExecutionID"] or f"{oid}:{m['FilledQuantity']}"
        if execution in self._fills_seen:
            return None
        self._fills_seen.add(execution)
        ts = epoch_ns(m["LastFillDateTime"]) or self.clock.now_ns()
        return Fill(oid, self.instrument, order.intent.side, int(quantity), price, ts, fill_id=execution)

    def _on_position(self, m: dict[str, Any]) -> None:
        if m["NoPositions"] or m["Symbol"] != self.symbol:
            if m["NoPositions"] and not self._position.is_flat:
                self._set_position(Position(self.instrument))
            return
        quantity = int(m["Quantity"] or 0)
        position = Position(self.instrument, quantity, m["AveragePrice"] if quantity else None)
        if position != self._position:
            self._set_position(position)

    def _set_position(self, position: Position) -> None:
        self._position = position
        self._emit(PositionChanged(self.clock.now_ns(), position))

    # --- state ------------------------------------------------------------------------------------

    def open_orders(self) -> list[Order]:
        """Orders not in a terminal state, as last reported."""
        return [o for o in self.orders.values() if not o.status.is_terminal]

    def positions(self) -> list[Position]:
        """The net position in the traded symbol, or nothing when flat."""
        return [] if self._position.is_flat else [self._position]

    def account(self) -> AccountSnapshot:
        """Cash and open P&L in cents from the last ACCOUNT_BALANCE_UPDATE; equity = cash + open P&L."""
        b = self._balance
        cash = round((b.get("CashBalance") or 0.0) * 100)
        unrealized = round((b.get("OpenPositionsProfitLoss") or 0.0) * 100)
        daily = round((b.get("DailyProfitLoss") or 0.0) * 100)
        return AccountSnapshot(ts=self.clock.now_ns(), cash_cents=cash, equity_cents=cash + unrealized,
                               realized_pnl_cents=daily - unrealized, unrealized_pnl_cents=unrealized,
                               account_id="sierra")

    # --- local outcomes (delivered after the call returns) -----------------------------------------

    def _reject_new(self, intent: OrderIntent, reason: str, offline: bool = False) -> Order:
        self._seq += 1
        order = Order(f"refused-{self._session}-{self._seq}", intent, OrderStatus.REJECTED, reject_reason=reason,
                      updated_ts=self.clock.now_ns(), refused_offline=offline)
        self._later(OrderUpdated(order.updated_ts, order, OrderStatus.PENDING))
        return order

    def _finish_locally(self, order_id: str, reason: str) -> None:
        order = self.orders[order_id]
        now = self.clock.now_ns()
        done = attrs.evolve(order, status=OrderStatus.REJECTED, reject_reason=reason, updated_ts=now)
        self.orders[order_id] = done
        self._later(OrderUpdated(now, done, order.status))

    def _refuse(self, order: Order, reason: str) -> None:
        if order.status is OrderStatus.PENDING and order.order_id in self.orders and self.client.connected:
            self._deferred.setdefault(order.order_id, []).append(reason)  # reported right after the acknowledgement
            return
        now = self.clock.now_ns()
        self._later(OrderUpdated(now, attrs.evolve(order, reject_reason=reason, updated_ts=now), order.status))

    def _refuse_unknown(self, order_id: str, action: str) -> None:
        placeholder = OrderIntent(self.instrument, OrderSide.BUY, 1, reason=f"{action} request for an unknown order")
        now = self.clock.now_ns()
        order = Order(order_id, placeholder, OrderStatus.REJECTED, reject_reason=f"unknown order id {order_id!r}",
                      updated_ts=now)
        self._later(OrderUpdated(now, order, None))
