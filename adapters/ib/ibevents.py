"""IB's order, execution and position reports turned into domain broker events; reconciliation after (re)connect."""

from __future__ import annotations

import asyncio
import logging
import math
import secrets
from collections.abc import Callable
from typing import Any

import attrs
from ib_async import CommissionReport, Contract, Trade, util
from ib_async import Fill as IbFill
from ib_async import Position as IbPosition

from adapters.ib.config import IbBrokerConfig
from adapters.ib.connection import IbConnection
from adapters.ib.orders import domain_status, exec_ref, parse_ref
from adapters.ib.recovery import journaled_fills, order_from_execution, order_from_trade
from mia_core.events import BrokerEvent, FillReceived, OrderUpdated, PositionChanged
from mia_core.instruments import Instrument
from mia_core.orders import Fill, Order, OrderIntent, OrderSide, OrderStatus, Position
from ports.clock import Clock

log = logging.getLogger("mia.ib")


@attrs.define
class Tracked:
    """One order MIA knows: the last domain snapshot it reported and IB's live Trade."""

    order: Order
    ref: str
    role: str = ""
    trade: Trade | None = None
    deferred: list[str] = attrs.Factory(list)  # refusals to report once IB has acknowledged the order
    cancel_requested: bool = False


class IbEventMapper:
    """State shared by :class:`~adapters.ib.broker.IbBroker`: orders, executions seen, the position."""

    def __init__(self, connection: IbConnection, instrument: Instrument, clock: Clock, config: IbBrokerConfig) -> None:
        self.connection, self.ib = connection, connection.ib
        self.instrument, self.clock, self.config = instrument, clock, config
        self.handlers: list[Callable[[BrokerEvent], None]] = []
        self.orders: dict[str, Tracked] = {}
        self.by_ref: dict[str, str] = {}
        self.by_ref_role: dict[tuple[str, str], str] = {}
        self.seen_execs: set[tuple[str, str]] = set()  # (execution id, client ref): booked once each
        self.awaiting_commission: dict[tuple[str, str], asyncio.TimerHandle] = {}  # key -> when booked without one
        self.executed: dict[str, list[tuple[int, float]]] = {}  # order id -> (shares, price) of each execution
        self.contract: Contract | None = None
        self.session = secrets.token_hex(3)
        self.seq = 0
        self._last_position = Position(instrument)
        self.last_fill_ns = 0
        self._attached = False

    def attach(self) -> None:
        """Listen to the IB object's events (once)."""
        if self._attached:
            return
        self._attached = True
        ib = self.ib
        ib.orderStatusEvent += self.sync
        ib.openOrderEvent += self.sync
        ib.execDetailsEvent += self._on_exec
        ib.commissionReportEvent += self._on_commission
        ib.positionEvent += self._on_position

    def track(self, tracked: Tracked) -> None:
        """Remember an order (by id and by ref/role)."""
        self.orders[tracked.order.order_id] = tracked
        self.by_ref_role[(tracked.ref, tracked.role)] = tracked.order.order_id

    def _emit(self, event: BrokerEvent) -> None:
        for handler in list(self.handlers):
            handler(event)

    # --- orders -------------------------------------------------------------------------

    def sync(self, trade: Trade) -> None:
        """Report ``trade``'s state as an OrderUpdated when it differs from the last one reported."""
        tracked = self._find(trade)
        if tracked is None:
            return
        tracked.trade = trade
        old = tracked.order
        intent = _intent_from(old.intent, trade)
        filled = min(int(trade.orderStatus.filled), intent.quantity)
        status = domain_status(trade.orderStatus.status, filled, intent.quantity)
        if old.status.is_terminal and not status.is_terminal:
            return
        reason = ""
        last = trade.log[-1] if trade.log else None
        code = getattr(last, "errorCode", 0) or 0
        if status in (OrderStatus.CANCELLED, OrderStatus.REJECTED) and code and code != 202 and last is not None:
            reason = f"IB {code}: {last.message}"
            if status is OrderStatus.CANCELLED and not tracked.cancel_requested and filled == 0:
                status = OrderStatus.REJECTED  # IB refused it (201 and the like); ib_async calls that Cancelled
        avg = trade.orderStatus.avgFillPrice or None
        new = attrs.evolve(
            old,
            intent=intent,
            status=status,
            filled_quantity=filled,
            average_fill_price=avg if filled else None,
            reject_reason=reason,
        )
        if attrs.evolve(new, updated_ts=old.updated_ts) == old:
            return
        new = attrs.evolve(new, updated_ts=self.clock.now_ns())
        tracked.order = new
        self._emit(OrderUpdated(new.updated_ts, new, old.status))
        while tracked.deferred and new.status is not OrderStatus.PENDING:
            reason = tracked.deferred.pop(0)
            self._emit(OrderUpdated(new.updated_ts, attrs.evolve(new, reject_reason=reason), new.status))

    def _find(self, trade: Trade) -> Tracked | None:
        tracked = self.orders.get(str(trade.order.orderId))
        parsed = parse_ref(trade.order.orderRef or "", self.config.owner)
        if parsed is None:  # not this session's (another client's order may carry the same id)
            return tracked if tracked is not None and trade.order.clientId == self.config.client_id else None
        if tracked is not None and parsed[0] == tracked.ref:
            return tracked
        known = self.by_ref_role.get(parsed)
        if known is not None:
            return self.orders[known]
        return self._adopt(trade, *parsed)

    def _adopt(self, trade: Trade, ref: str, role: str) -> Tracked | None:
        """An order MIA placed before a restart: track it under IB's order id."""
        contract = trade.contract
        if contract is None or contract.symbol != (self.config.symbol or self.instrument.symbol):
            return None
        tracked = Tracked(order_from_trade(self.instrument, trade, ref, role), ref, role, trade)
        self.track(tracked)
        if not role:
            self.by_ref[ref] = tracked.order.order_id
        return tracked

    # --- executions ---------------------------------------------------------------------

    def exec_key(self, fill: IbFill) -> tuple[str, str] | None:
        """(execution id, client ref) of one of this session's executions; ``None`` for anyone else's.

        The ref, with a bracket child's role (``exec_ref``), tells apart two executions with
        the same id (a restarted Gateway counting its ids again); the owner in ``orderRef``
        keeps other sessions out.
        """
        parsed = parse_ref(fill.execution.orderRef or "", self.config.owner)
        return None if parsed is None else (fill.execution.execId, exec_ref(*parsed))

    def _on_exec(self, trade: Trade, fill: IbFill) -> None:
        key = self.exec_key(fill)
        if key is None:
            return
        if self.config.commission_wait > 0 and fill.commissionReport.execId == "":
            if key not in self.seen_execs and key not in self.awaiting_commission:
                handle = util.getLoop().call_later(self.config.commission_wait, self._book, fill, True)
                self.awaiting_commission[key] = handle
            return
        self._book(fill)

    def _on_commission(self, trade: Trade, fill: IbFill, report: CommissionReport) -> None:
        self._book(fill)

    def _book(self, fill: IbFill, late: bool = False) -> None:
        execution = fill.execution
        key = self.exec_key(fill)
        if key is None:
            return
        waiting = self.awaiting_commission.pop(key, None)
        if waiting is not None:
            waiting.cancel()
        if key in self.seen_execs or (execution.execId, "") in self.seen_execs:  # '': a journal without refs
            self.ib.wrapper.fills.pop(execution.execId, None)
            return
        parsed = parse_ref(execution.orderRef or "", self.config.owner)
        assert parsed is not None
        tracked = None
        if parsed in self.by_ref_role:
            tracked = self.orders[self.by_ref_role[parsed]]
        elif self._ours(fill.contract):
            parent = self.by_ref_role.get((parsed[0], ""))
            order = order_from_execution(self.instrument, fill, *parsed, parent_id=parent)
            tracked = Tracked(order, *parsed)
            self.track(tracked)
            # journaled before its fill, so the fill's ref is known after a restart (see ``fill_keys``)
            self._emit(OrderUpdated(self.clock.now_ns(), order, None))
        if tracked is None:
            return
        if late:
            log.warning(
                "no commission report for execution %s within %.1f s: booked without commission",
                execution.execId,
                self.config.commission_wait,
            )
        self.seen_execs.add(key)
        # ib_async drops a later execution whose id it has seen on this connection (a restarted Gateway
        # counting its ids again): once booked under (id, ref), the id is forgotten there
        self.ib.wrapper.fills.pop(execution.execId, None)
        price = execution.price
        if not self.instrument.on_grid(price):
            log.error(
                "IB fill price %s is off %s's tick grid: booked at the nearest tick", price, self.instrument.symbol
            )
            price = self.instrument.round_to_tick(price)
        commission = fill.commissionReport.commission
        cents = round(commission * 100) if commission and math.isfinite(commission) else 0
        ts = int(fill.time.timestamp() * 1e9) if fill.time else self.clock.now_ns()
        # IB stamps executions listed after a reconnect to the second: never before a fill already booked
        ts = self.last_fill_ns = max(ts, self.last_fill_ns)
        side = OrderSide.BUY if execution.side == "BOT" else OrderSide.SELL
        domain = Fill(
            tracked.order.order_id,
            self.instrument,
            side,
            int(execution.shares),
            price,
            ts,
            commission_cents=max(cents, 0),
            fill_id=execution.execId,
        )
        self.executed.setdefault(tracked.order.order_id, []).append((domain.quantity, price))
        self._emit(FillReceived(self.clock.now_ns(), domain))

    # --- positions and account ----------------------------------------------------------

    def _ours(self, contract: Contract | None) -> bool:
        return contract is not None and self.contract is not None and contract.conId == self.contract.conId

    def _on_position(self, position: IbPosition) -> None:
        if self._ours(position.contract):
            self._report_position()

    def current_position(self) -> Position:
        """The net position in the traded contract as IB last reported it."""
        for item in self.ib.positions(self.connection.account or ""):
            if self._ours(item.contract) and item.position:
                average = item.avgCost / self.instrument.multiplier
                return Position(self.instrument, int(item.position), average)
        return Position(self.instrument)

    def _report_position(self) -> None:
        position = self.current_position()
        if position != self._last_position:
            self._last_position = position
            self._emit(PositionChanged(self.clock.now_ns(), position))

    def account_values(self) -> dict[str, float]:
        """IB's account values in USD (or BASE) by tag."""
        out: dict[str, float] = {}
        for value in self.ib.accountValues(self.connection.account or ""):
            if value.currency in ("USD", "BASE") and value.tag not in out:
                try:
                    out[value.tag] = float(value.value)
                except ValueError:
                    continue
        return out

    def unrealized_cents(self, values: dict[str, float]) -> int:
        """Open P&L of the traded contract from IB's portfolio (account-wide UnrealizedPnL as fallback)."""
        for item in self.ib.portfolio(self.connection.account or ""):
            if self._ours(item.contract):
                return round(item.unrealizedPNL * 100)
        return round(values.get("UnrealizedPnL", 0.0) * 100) if self.current_position().quantity else 0

    # --- reconciliation -----------------------------------------------------------------

    def load_journal(self) -> None:
        """Remember the execution ids the journal already holds (no double booking after a restart), and its last
        fill's time (no execution listed later is stamped before it)."""
        keys, latest = journaled_fills(self.config.journal_path)
        self.seen_execs |= keys
        self.last_fill_ns = max(self.last_fill_ns, latest)

    def reconcile(self) -> None:
        """After (re)connecting: report what changed at IB while MIA was not listening.

        Open and completed orders are matched to MIA's by ``orderRef``; executions
        not yet booked are reported as fills (each once, by execution id and client
        ref); an order IB no longer lists is FILLED when its executions cover it, else
        CANCELLED as lost (never sent again); the position is reported if it moved.
        """
        for trade in self.ib.trades():
            self.sync(trade)
        for fill in self.connection.executions.fills:  # ib.fills() keeps one execution per id
            self._book(fill)
        live_at_ib = {str(t.order.orderId) for t in self.ib.openTrades()}
        for tracked in list(self.orders.values()):
            missing = not tracked.order.status.is_terminal and tracked.order.order_id not in live_at_ib
            done_at_ib = tracked.trade is not None and tracked.trade.orderStatus.status in ("Filled", "Cancelled")
            if not missing or done_at_ib:
                continue
            if not self._filled_while_away(tracked):
                self._lost(tracked)
        self._report_position()

    def _lost(self, tracked: Tracked) -> None:
        """An order IB does not list and did not fill: settled CANCELLED (never sent again), with a warning."""
        old = tracked.order
        filled = min(sum(q for q, _ in self.executed.get(old.order_id, [])), old.intent.quantity)
        reason = (f"not open at IB after reconnecting ({filled} of {old.intent.quantity} executed): settled as "
                  "cancelled, not sent again")
        log.warning("order %s (%s) %s", old.order_id, tracked.ref, reason)
        now = self.clock.now_ns()
        new = attrs.evolve(old, status=OrderStatus.CANCELLED, filled_quantity=max(filled, old.filled_quantity),
                           reject_reason=reason, updated_ts=now)
        tracked.order = new
        self._emit(OrderUpdated(now, new, old.status))

    def _filled_while_away(self, tracked: Tracked) -> bool:
        """An order IB no longer lists whose executions cover its size: report it FILLED (True), else False.

        IB lists only working orders after a reconnect (completed ones only if
        reqCompletedOrders answers), so an order that filled while MIA was away would
        otherwise stay WORKING for ever although its fills were booked.
        """
        executions = self.executed.get(tracked.order.order_id, [])
        shares = sum(quantity for quantity, _ in executions)
        old = tracked.order
        if shares < old.intent.quantity:
            return False
        average = sum(quantity * price for quantity, price in executions) / shares
        now = self.clock.now_ns()
        new = attrs.evolve(old, status=OrderStatus.FILLED, filled_quantity=old.intent.quantity,
                           average_fill_price=average, updated_ts=now)
        tracked.order = new
        log.info("order %s (%s) filled at IB while MIA was away", new.order_id, tracked.ref)
        self._emit(OrderUpdated(now, new, old.status))
        return True


def _intent_from(intent: OrderIntent, trade: Trade) -> OrderIntent:
    """The intent with the size and prices IB now reports for the order."""
    o = trade.order
    changes: dict[str, Any] = {}
    quantity = int(o.totalQuantity) if o.totalQuantity else intent.quantity
    if quantity != intent.quantity and quantity >= 1:
        changes["quantity"] = quantity
    if intent.limit_price is not None and _valid(o.lmtPrice) and o.lmtPrice != intent.limit_price:
        changes["limit_price"] = o.lmtPrice
    if intent.stop_price is not None and _valid(o.auxPrice) and o.auxPrice != intent.stop_price:
        changes["stop_price"] = o.auxPrice
    if not changes:
        return intent
    try:
        return attrs.evolve(intent, **changes)
    except ValueError:
        log.error("IB reports order %s with values MIA cannot represent: %s", o.orderId, changes)
        return intent


def _valid(price: float) -> bool:
    return isinstance(price, float | int) and math.isfinite(price) and 0 < price < 1e300
