"""IbBroker: the Broker port over a shared ib_async connection."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable, Iterable

import attrs
from ib_async import Contract, util

from adapters.ib.config import IbBrokerConfig
from adapters.ib.connection import IbConnection
from adapters.ib.contracts import resolve_front
from adapters.ib.errors import IbConnectionError
from adapters.ib.ibevents import IbEventMapper, Tracked
from adapters.ib.latency import LatencyProbe
from adapters.ib.orders import bracket_orders
from adapters.ib.recovery import fill_keys, last_fill_ns
from mia_core.events import BrokerEvent, OrderUpdated
from mia_core.instruments import Instrument
from mia_core.journal import JournalEntry
from mia_core.order_changes import modify_refusal
from mia_core.orders import AccountSnapshot, Order, OrderIntent, OrderSide, OrderStatus, Position
from mia_core.reconcile.state import BrokerState
from mia_core.timeutil import ns_to_datetime
from ports.clock import Clock

log = logging.getLogger("mia.ib")


class IbBroker(IbEventMapper):
    """Orders to Interactive Brokers through ib_async; IB's reports come back as domain events.

    ``order_id`` is IB's order id as text. Each order carries ``orderRef =
    mia:<client ref>`` (``:sl``/``:tp`` for bracket children), derived from the intent's
    ``client_ref`` (or a ref the broker makes up), so a reconnect or restart finds its
    orders again and nothing is ever sent twice: a repeated ``client_ref`` returns the
    existing order, and ``submit`` while IB is unreachable is rejected, never queued.
    """

    def __init__(
        self, connection: IbConnection, instrument: Instrument, clock: Clock, config: IbBrokerConfig, name: str = "ib"
    ) -> None:
        super().__init__(connection, instrument, clock, config)
        self.name = name
        self._outbox: deque[BrokerEvent] = deque()
        self._refused = 0
        connection.state_listeners.append(self._emit)
        connection.restored_callbacks.append(self._on_restored)
        self.latency = LatencyProbe(connection.ib)

    async def connect(self) -> None:
        """Connect (shared), resolve the front month, reconcile orders, executions and the position."""
        await self.connection.acquire(self)
        if self.contract is None:
            symbol = self.config.symbol or self.instrument.symbol
            today = ns_to_datetime(self.clock.now_ns()).date()
            try:  # ib_async waits for contract details without a limit of its own
                self.contract = await asyncio.wait_for(
                    resolve_front(self.ib, symbol, today, self.config.roll_rule), self.config.request_timeout
                )
            except TimeoutError:
                raise IbConnectionError(
                    f"IB did not answer the contract details request for {symbol} futures within "
                    f"{self.config.request_timeout:.0f} s (request_timeout): check that TWS/IB Gateway is logged "
                    "in and its data farms are connected (codes 2104/2106/2158 in the log), then connect again"
                ) from None
            log.info("trading %s (%s)", self.contract.localSymbol, self.contract.lastTradeDateOrContractMonth)
        self.attach()
        self.load_journal()
        self.reconcile()

    async def disconnect(self) -> None:
        """Release the shared connection (closed when its last user leaves). Idempotent."""
        await self.connection.release(self)

    async def server_time_ns(self) -> int:
        """The Gateway's clock (reqCurrentTime, whole seconds), UTC ns: `mia start` compares it with this machine's."""
        stamp = await self.ib.reqCurrentTimeAsync()
        return int(stamp.timestamp()) * 1_000_000_000

    @property
    def latency_ms(self) -> float | None:
        """IB's API round trip (median of the last probes, ms) for the ``latency`` alert; ``None`` if unknown."""
        return self.latency.latency_ms

    async def _on_restored(self, resubscribe: bool) -> None:
        self.reconcile()

    @property
    def outbox_size(self) -> int:
        """Events decided locally (refusals, rejections) not yet delivered to the handlers."""
        return len(self._outbox)

    def subscribe(self, handler: Callable[[BrokerEvent], None]) -> None:
        """Deliver every later broker event to ``handler`` (registration order)."""
        self.handlers.append(handler)

    # --- requests -----------------------------------------------------------------------

    def submit(self, intent: OrderIntent) -> Order:
        """Place ``intent`` (a bracket as parent + target + stop, transmitted together); returns it PENDING."""
        ref = intent.client_ref
        if ref and ref in self.by_ref:
            return self.orders[self.by_ref[ref]].order
        contract = self.contract
        if contract is None or not self.connection.link_up:
            # a known outage (a closed socket, or IB 1100 until 1101/1102): refused unsent, not an error of MIA's
            return self._reject_new(
                intent, "no connection to IB: the order was not sent (nothing is queued)", offline=True
            )
        if intent.instrument != self.instrument:
            return self._reject_new(intent, f"{intent.instrument.symbol} is not traded by this broker")
        ref = ref or self._new_ref()
        legs = bracket_orders(intent, ref, self.ib.client.getReqId, self.connection.account, self.config.owner)
        now = self.clock.now_ns()
        parent_id = str(legs[0][2].orderId)
        for role, leg, ib_order in legs:
            oid = str(ib_order.orderId)
            order = Order(oid, leg, OrderStatus.PENDING, parent_id=parent_id if role else None, updated_ts=now)
            self.track(Tracked(order, ref, role))
        self.by_ref[ref] = parent_id
        try:
            for _, _, ib_order in legs:
                self.orders[str(ib_order.orderId)].trade = self.ib.placeOrder(contract, ib_order)
        except ConnectionError as exc:
            for _, _, ib_order in legs:
                self._finish_locally(str(ib_order.orderId), f"IB connection lost while sending: {exc}")
        return self.orders[parent_id].order

    def cancel(self, order_id: str) -> None:
        """Ask IB to cancel ``order_id``; unknown or finished orders are refused with a reason."""
        tracked = self.orders.get(order_id)
        if tracked is None:
            self._refuse_unknown(order_id, "cancel")
        elif tracked.order.status.is_terminal:
            self._refuse(tracked, f"cannot cancel: order is already {tracked.order.status.value}")
        elif tracked.trade is None or not self.connection.connected:
            self._refuse(tracked, "cannot cancel: not connected to IB (the order is still working there)")
        elif tracked.cancel_requested and tracked.trade.orderStatus.status == "PendingCancel":
            return  # asked already and IB is working on it: asking again only earns an error
        else:
            tracked.cancel_requested = True
            self.ib.cancelOrder(tracked.trade.order)

    def modify(
        self,
        order_id: str,
        *,
        quantity: int | None = None,
        limit_price: float | None = None,
        stop_price: float | None = None,
    ) -> None:
        """Change a working order's size or prices at IB (placeOrder again with the same id)."""
        tracked = self.orders.get(order_id)
        if tracked is None:
            self._refuse_unknown(order_id, "modify")
            return
        reason = self._modify_refusal(tracked, quantity, limit_price, stop_price)
        if reason:
            self._refuse(tracked, reason)
            return
        assert tracked.trade is not None and self.contract is not None
        ib_order = tracked.trade.order
        if quantity is not None:
            ib_order.totalQuantity = quantity
        if limit_price is not None:
            ib_order.lmtPrice = limit_price
        if stop_price is not None:
            ib_order.auxPrice = stop_price
        ib_order.transmit = True
        self.ib.placeOrder(tracked.trade.contract or self.contract, ib_order)

    def _modify_refusal(
        self, tracked: Tracked, quantity: int | None, limit_price: float | None, stop_price: float | None
    ) -> str:
        offline = "" if tracked.trade is not None and self.connection.connected else "IB"
        return modify_refusal(tracked.order, self.instrument, offline, quantity, limit_price, stop_price)

    # --- state --------------------------------------------------------------------------

    def open_orders(self) -> list[Order]:
        """Orders not in a terminal state, as IB last reported them."""
        return [t.order for t in self.orders.values() if not t.order.status.is_terminal]

    def positions(self) -> list[Position]:
        """The net position in the traded contract, or nothing when flat."""
        position = self.current_position()
        return [] if position.is_flat else [position]

    def account(self) -> AccountSnapshot:
        """Cash, open and realized P&L in cents as IB last reported them; equity = cash + open P&L."""
        values = self.account_values()
        cash = round(values.get("TotalCashValue", 0.0) * 100)
        unrealized = self.unrealized_cents(values)
        realized = round(values.get("RealizedPnL", 0.0) * 100)
        return AccountSnapshot(
            ts=self.clock.now_ns(),
            cash_cents=cash,
            equity_cents=cash + unrealized,
            realized_pnl_cents=realized,
            unrealized_pnl_cents=unrealized,
            account_id="ib",  # the real account id is a secret: never in events, journals or logs
        )

    def recall(self, entries: Iterable[JournalEntry]) -> None:
        """Remember the fills the session's journal holds, so IB's reports of them are not booked again, and the
        last one's time: an execution IB lists later (to the whole second) is never stamped before it."""
        held = list(entries)
        self.seen_execs |= fill_keys(held)
        self.last_fill_ns = max(self.last_fill_ns, last_fill_ns(held))

    def broker_state(self) -> BrokerState:
        """This session's orders, executions and the position as IB last reported them (no request sent).

        ``position`` is ``None`` while not connected (IB's last report may be stale);
        orders and executions of other sessions on the account are not in it.
        """
        executed = {oid: sum(q for q, _ in fills) for oid, fills in self.executed.items()}
        net = self.account_values().get("NetLiquidation")
        position = self.current_position()
        return BrokerState(
            ts=self.clock.now_ns(),
            position=position.quantity if self.connection.link_up else None,
            open_orders=frozenset(t.order.order_id for t in self.orders.values() if not t.order.status.is_terminal),
            average_price=position.average_price,
            executed=executed,
            in_flight=len(self.awaiting_commission),
            net_liquidation_cents=None if net is None else round(net * 100),
        )

    # --- local outcomes (delivered after the call returns) ------------------------------

    def _new_ref(self) -> str:
        self.seq += 1
        return f"{self.session}-{self.seq}"

    def _reject_new(self, intent: OrderIntent, reason: str, offline: bool = False) -> Order:
        self._refused += 1
        order = Order(f"refused-{self.session}-{self._refused}", intent, OrderStatus.PENDING)
        rejected = attrs.evolve(
            order, status=OrderStatus.REJECTED, reject_reason=reason, updated_ts=self.clock.now_ns(),
            refused_offline=offline,
        )
        self._later(OrderUpdated(rejected.updated_ts, rejected, OrderStatus.PENDING))
        return rejected

    def _finish_locally(self, order_id: str, reason: str) -> None:
        tracked = self.orders[order_id]
        now = self.clock.now_ns()
        done = attrs.evolve(tracked.order, status=OrderStatus.REJECTED, reject_reason=reason, updated_ts=now)
        previous, tracked.order = tracked.order.status, done
        self._later(OrderUpdated(now, done, previous))

    def _refuse(self, tracked: Tracked, reason: str) -> None:
        if tracked.order.status is OrderStatus.PENDING and tracked.trade is not None:
            tracked.deferred.append(reason)  # reported right after IB acknowledges the order, in order
            return
        now = self.clock.now_ns()
        self._later(
            OrderUpdated(now, attrs.evolve(tracked.order, reject_reason=reason, updated_ts=now), tracked.order.status)
        )

    def _refuse_unknown(self, order_id: str, action: str) -> None:
        placeholder = OrderIntent(self.instrument, OrderSide.BUY, 1, reason=f"{action} request for an unknown order")
        now = self.clock.now_ns()
        order = Order(
            order_id, placeholder, OrderStatus.REJECTED, reject_reason=f"unknown order id {order_id!r}", updated_ts=now
        )
        self._later(OrderUpdated(now, order, None))

    def _later(self, event: BrokerEvent) -> None:
        self._outbox.append(event)
        util.getLoop().call_soon(self._flush)

    def _flush(self) -> None:
        while self._outbox:
            self._emit(self._outbox.popleft())


__all__ = ["Contract", "IbBroker"]
