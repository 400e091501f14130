"""The loopback server's trading venue: DTC order requests onto one simulated exchange per symbol."""

from __future__ import annotations

import time
from typing import Any

from adapters.sierra.dtc import types as t
from adapters.sierra.server.options import ServerOptions
from adapters.sierra.server.order_wire import order_update, position_update
from mia_core.errors import DomainValueError
from mia_core.events import FillReceived, OrderUpdated, PositionChanged
from mia_core.exchange import ExchangeConfig, ExchangeEvent, SimulatedExchange
from mia_core.instruments import BUILTIN_INSTRUMENTS, Instrument
from mia_core.market import Aggressor, Trade
from mia_core.orders import Bracket, Order, OrderIntent, OrderSide, OrderStatus, OrderType, TimeInForce

Out = list[tuple[int, dict[str, Any]]]
_TYPES = {t.ORDER_MARKET: OrderType.MARKET, t.ORDER_LIMIT: OrderType.LIMIT, t.ORDER_STOP: OrderType.STOP,
          t.ORDER_STOP_LIMIT: OrderType.STOP_LIMIT}
_TIF = {0: TimeInForce.DAY, t.TIF_DAY: TimeInForce.DAY, t.TIF_GTC: TimeInForce.GTC, t.TIF_IOC: TimeInForce.IOC,
        6: TimeInForce.FOK}


def instrument_of(symbol: str) -> Instrument | None:
    """The built-in instrument whose root starts ``symbol`` (``ESZ26-CME`` -> ES), or None."""
    for root in sorted(BUILTIN_INSTRUMENTS, key=len, reverse=True):
        if symbol.upper().startswith(root):
            return BUILTIN_INSTRUMENTS[root]
    return None


def intent_from(symbol: str, kind: int, side: int, price1: Any, price2: Any, quantity: Any, tif: int,
                bracket: Bracket | None = None, reason: str = "") -> OrderIntent:
    """A domain intent from DTC order fields; impossible values raise DomainValueError naming the field."""
    instrument = instrument_of(symbol)
    if instrument is None:
        raise DomainValueError("order", "Symbol", symbol, "no such symbol at this server (ES..., NQ...)")
    if kind not in _TYPES:
        raise DomainValueError("order", "OrderType", kind, "not supported (1 market, 2 limit, 3 stop, 4 stop-limit)")
    if side not in (t.BUY, t.SELL):
        raise DomainValueError("order", "BuySell", side, "must be 1 (buy) or 2 (sell)")
    if not isinstance(quantity, int | float) or quantity != int(quantity):
        raise DomainValueError("order", "Quantity", quantity, "must be a whole number of contracts")
    order_type = _TYPES[kind]
    limit = price1 if order_type is OrderType.LIMIT else price2 if order_type is OrderType.STOP_LIMIT else None
    stop = price1 if order_type in (OrderType.STOP, OrderType.STOP_LIMIT) else None
    return OrderIntent(instrument, OrderSide.BUY if side == t.BUY else OrderSide.SELL, int(quantity), order_type,
                       limit_price=limit, stop_price=stop, time_in_force=_TIF.get(tif, TimeInForce.DAY),
                       bracket=bracket, reason=reason)


class Venue:
    """Orders, positions and cash of the server's one trade account."""

    def __init__(self, options: ServerOptions) -> None:
        self.options = options
        self.account = options.accounts[0]
        self.exchanges: dict[str, SimulatedExchange] = {}
        self.client_of: dict[str, str] = {}  # server order id -> client order id
        self.server_of: dict[str, str] = {}  # client order id -> server order id
        self.symbol_of: dict[str, str] = {}  # server order id -> symbol
        self.parents: dict[str, dict[str, Any]] = {}  # client id of a parent waiting for its OCO exits
        self.oco: dict[str, str] = {}  # server id -> the other leg
        self.last_price: dict[str, float] = {}
        self._fills: dict[str, Any] = {}
        self.last_fill: dict[str, Any] = {}  # server order id -> its latest Fill (for open-orders answers)
        self._ts = 0

    def now(self) -> int:
        """Strictly increasing UTC nanoseconds."""
        self._ts = max(self._ts + 1, time.time_ns())
        return self._ts

    def exchange(self, symbol: str) -> SimulatedExchange:
        """The exchange of ``symbol`` (created on first use)."""
        if symbol not in self.exchanges:
            instrument = instrument_of(symbol)
            assert instrument is not None
            opts = self.options
            config = ExchangeConfig(market_fill="next_trade", commission_per_contract=opts.commission_per_contract,
                                    initial_cash=opts.cash)
            self.exchanges[symbol] = SimulatedExchange(instrument, config, id_prefix=symbol)
        return self.exchanges[symbol]

    # --- requests -------------------------------------------------------------------------

    def submit(self, m: dict[str, Any]) -> Out:
        """SUBMIT_NEW_SINGLE_ORDER (a parent waits for its SUBMIT_NEW_OCO_ORDER exits)."""
        client_id = m["ClientOrderID"]
        if m["IsParentOrder"]:
            self.parents[client_id] = m
            return []
        return self._place(m["Symbol"], client_id, lambda: intent_from(
            m["Symbol"], m["OrderType"], m["BuySell"], m["Price1"], m["Price2"], m["Quantity"], m["TimeInForce"]))

    def submit_oco(self, m: dict[str, Any]) -> Out:
        """SUBMIT_NEW_OCO_ORDER: the exits of a waiting parent (a bracket), or two linked orders."""
        symbol = m["Symbol"]
        parent = self.parents.pop(m["ParentTriggerClientOrderID"], None)
        legs = [(m[f"ClientOrderID_{n}"], m[f"OrderType_{n}"], m[f"BuySell_{n}"], m[f"Price1_{n}"],
                 m[f"Price2_{n}"], m[f"Quantity_{n}"]) for n in (1, 2) if m[f"ClientOrderID_{n}"]]
        if parent is None:
            out: Out = []
            for cid, kind, side, p1, p2, qty in legs:
                out += self._place(symbol, cid, lambda k=kind, s=side, a=p1, b=p2, q=qty: intent_from(
                    symbol, k, s, a, b, q, m["TimeInForce"]))
            ids = [self.server_of.get(cid) for cid, *_ in legs]
            if len(ids) == 2 and ids[0] and ids[1]:
                self.oco[ids[0]], self.oco[ids[1]] = ids[1], ids[0]
            return out
        stop = next((leg for leg in legs if leg[1] in (t.ORDER_STOP, t.ORDER_STOP_LIMIT)), None)
        target = next((leg for leg in legs if leg[1] == t.ORDER_LIMIT), None)
        cid = parent["ClientOrderID"]

        def build() -> OrderIntent:
            bracket = Bracket(stop_loss=stop[3] if stop else None, take_profit=target[3] if target else None)
            return intent_from(parent["Symbol"], parent["OrderType"], parent["BuySell"], parent["Price1"],
                               parent["Price2"], parent["Quantity"], parent["TimeInForce"], bracket)

        children = {role: leg[0] for role, leg in (("SL", stop), ("TP", target)) if leg is not None}
        return self._place(parent["Symbol"], cid, build, children=children)

    def _place(self, symbol: str, client_id: str, build: Any, children: dict[str, str] | None = None) -> Out:
        if not self.options.trading:
            return [self._refusal(symbol, client_id, "trading is not allowed by this DTC server (Allow Trading = No)")]
        if client_id in self.server_of:
            return [self._refusal(symbol, client_id, f"ClientOrderID {client_id!r} was already used")]
        try:
            intent = build()
        except DomainValueError as exc:
            return [self._refusal(symbol, client_id, str(exc))]
        order, events = self.exchange(symbol).submit(intent, self.now())
        self._link(order.order_id, client_id, symbol)
        for suffix, child_client in (children or {}).items():
            self._link(f"{order.order_id}-{suffix}", child_client, symbol)
        if order.status is OrderStatus.REJECTED and not events:
            return [self._refusal(symbol, client_id, order.reject_reason)]
        return self._translate(symbol, events, "submit")

    def _link(self, server_id: str, client_id: str, symbol: str) -> None:
        self.client_of[server_id], self.server_of[client_id], self.symbol_of[server_id] = client_id, server_id, symbol

    def _find(self, m: dict[str, Any]) -> str:
        return m["ServerOrderID"] or self.server_of.get(m["ClientOrderID"], "")

    def cancel(self, m: dict[str, Any]) -> Out:
        """CANCEL_ORDER by ServerOrderID (or ClientOrderID)."""
        server_id = self._find(m)
        symbol = self.symbol_of.get(server_id)
        if symbol is None:
            return [self._refusal("", m["ClientOrderID"], f"unknown order {server_id or m['ClientOrderID']!r}",
                                  t.ORDER_CANCEL_REJECTED, server_id)]
        return self._translate(symbol, self.exchange(symbol).cancel(server_id, self.now()), "cancel")

    def replace(self, m: dict[str, Any]) -> Out:
        """CANCEL_REPLACE_ORDER: new Price1/Price2 (when their IsSet flags say so) and Quantity."""
        server_id = self._find(m)
        symbol = self.symbol_of.get(server_id)
        if symbol is None:
            return [self._refusal("", m["ClientOrderID"], f"unknown order {server_id or m['ClientOrderID']!r}",
                                  t.ORDER_CANCEL_REPLACE_REJECTED, server_id)]
        exchange = self.exchange(symbol)
        order = exchange.order(server_id)
        changes: dict[str, Any] = {}
        if order is not None:
            kind = order.intent.order_type
            p1 = m["Price1"] if m["Price1IsSet"] else None
            p2 = m["Price2"] if m["Price2IsSet"] else None
            if kind is OrderType.LIMIT:
                changes["limit_price"] = p1
            elif kind is OrderType.STOP:
                changes["stop_price"] = p1
            elif kind is OrderType.STOP_LIMIT:
                changes.update(stop_price=p1, limit_price=p2)
            qty = m["Quantity"]
            if qty:
                changes["quantity"] = int(qty) if qty == int(qty) else qty
        events = exchange.modify(server_id, self.now(), **changes)
        return self._translate(symbol, events, "modify")

    def trade(self, symbol: str, price: float, size: float, aggressor: Aggressor) -> Out:
        """A trade print at ``price``: fills what it reaches, then marks open P&L."""
        self.last_price[symbol] = price
        instrument = instrument_of(symbol)
        if instrument is None:
            return []
        exchange = self.exchange(symbol)
        trade = Trade(instrument, self.now(), price, size, aggressor)
        out = self._translate(symbol, exchange.on_trade(trade), "market")
        if exchange.position().quantity:
            out.append((t.ACCOUNT_BALANCE_UPDATE, self.balance()))
        return out

    # --- reports --------------------------------------------------------------------------

    def _translate(self, symbol: str, events: list[ExchangeEvent], action: str) -> Out:
        out: Out = []
        cancel_others: list[str] = []
        for event in events:
            if isinstance(event, FillReceived):
                self._fills[event.fill.order_id] = event.fill
                self.last_fill[event.fill.order_id] = event.fill
            elif isinstance(event, PositionChanged):
                out.append((t.POSITION_UPDATE, self._position(symbol)))
                out.append((t.ACCOUNT_BALANCE_UPDATE, self.balance()))
            elif isinstance(event, OrderUpdated):
                out.append((t.ORDER_UPDATE, self._update(symbol, event, action)))
                if event.order.filled_quantity and event.order.order_id in self.oco:
                    cancel_others.append(self.oco.pop(event.order.order_id))
        for other in cancel_others:
            self.oco.pop(other, None)
            out += self._translate(symbol, self.exchange(symbol).cancel(other, self.now()), "oco")
        return out

    def _update(self, symbol: str, event: OrderUpdated, action: str) -> dict[str, Any]:
        order, previous = event.order, event.previous_status
        fill = self._fills.pop(order.order_id, None)
        refused = bool(order.reject_reason) and previous is order.status
        if order.status is OrderStatus.REJECTED and previous is None and action in ("cancel", "modify"):
            refused = True
        if refused:
            reason = t.ORDER_CANCEL_REJECTED if action == "cancel" else t.ORDER_CANCEL_REPLACE_REJECTED
        elif order.status is OrderStatus.REJECTED:
            reason = t.NEW_ORDER_REJECTED
        elif fill is not None:
            reason = t.ORDER_FILLED if order.status is OrderStatus.FILLED else t.ORDER_FILLED_PARTIALLY
        elif order.status is OrderStatus.CANCELLED:
            reason = t.ORDER_CANCELED
        elif action == "modify":
            reason = t.ORDER_CANCEL_REPLACE_COMPLETE
        elif previous in (None, OrderStatus.PENDING) and order.status in (OrderStatus.PENDING, OrderStatus.WORKING):
            reason = t.NEW_ORDER_ACCEPTED if previous is None or not order.parent_id else t.GENERAL_ORDER_UPDATE
        else:
            reason = t.GENERAL_ORDER_UPDATE
        client = self.client_of.get(order.order_id, order.order_id)
        return order_update(order, symbol=symbol, client_id=client, account=self.account, reason=reason,
                            ts_ns=event.ts, parent_server_id=order.parent_id or "", fill=fill)

    def _refusal(self, symbol: str, client_id: str, text: str, reason: int = t.NEW_ORDER_REJECTED,
                 server_id: str = "") -> tuple[int, dict[str, Any]]:
        status = t.STATUS_REJECTED if reason == t.NEW_ORDER_REJECTED else t.STATUS_UNSPECIFIED
        return t.ORDER_UPDATE, {"Symbol": symbol, "ClientOrderID": client_id, "ServerOrderID": server_id,
                                "OrderStatus": status, "OrderUpdateReason": reason, "InfoText": text[:95],
                                "TradeAccount": self.account, "TotalNumMessages": 1, "MessageNumber": 1}

    def _position(self, symbol: str, request_id: int = 0, total: int = 1, number: int = 1) -> dict[str, Any]:
        exchange = self.exchange(symbol)
        return position_update(exchange.position(), symbol=symbol, account=self.account,
                               open_pnl=self._open_cents(symbol) / 100, request_id=request_id, total=total,
                               number=number)

    def _open_cents(self, symbol: str) -> int:
        exchange = self.exchanges[symbol]
        last = self.last_price.get(symbol)
        mark = None if last is None else exchange.instrument.to_ticks(last)
        return exchange.book.unrealized_cents(mark)

    def balance(self, request_id: int = 0) -> dict[str, Any]:
        """ACCOUNT_BALANCE_UPDATE: cash = start + realized - commissions; open P&L marked at the last trade."""
        realized = sum(e.book.realized_cents - e.book.commission_cents for e in self.exchanges.values())
        open_pnl = sum(self._open_cents(s) for s in self.exchanges)
        cash = round(self.options.cash * 100) + realized
        return {"RequestID": request_id, "CashBalance": cash / 100, "BalanceAvailableForNewPositions":
                (cash + open_pnl) / 100, "AccountCurrency": "USD", "TradeAccount": self.account,
                "OpenPositionsProfitLoss": open_pnl / 100, "DailyProfitLoss": (realized + open_pnl) / 100,
                "TotalNumberMessages": 1, "MessageNumber": 1, "Unsolicited": 0 if request_id else 1}

    def open_orders(self, request_id: int, server_id: str = "") -> Out:
        """The answer to OPEN_ORDERS_REQUEST (one NoOrders message when there are none); with ``server_id``,
        that one order in whatever state it is now (finished ones included)."""
        if server_id:
            symbol = self.symbol_of.get(server_id)
            found = self.exchanges[symbol].order(server_id) if symbol in self.exchanges else None
            if symbol is None or found is None:
                return [(t.OPEN_ORDERS_REJECT, {"RequestID": request_id, "RejectText": f"unknown order {server_id}"})]
            orders: list[tuple[str, Order]] = [(symbol, found)]
        else:
            orders = [(s, o) for s, e in self.exchanges.items() for o in e.open_orders()]
        if not orders:
            return [(t.ORDER_UPDATE, {"RequestID": request_id, "TotalNumMessages": 1, "MessageNumber": 1,
                                      "OrderUpdateReason": t.OPEN_ORDERS_REQUEST_RESPONSE, "NoOrders": 1})]
        return [(t.ORDER_UPDATE, order_update(
            o, symbol=s, client_id=self.client_of.get(o.order_id, o.order_id), account=self.account,
            reason=t.OPEN_ORDERS_REQUEST_RESPONSE, ts_ns=o.updated_ts, parent_server_id=o.parent_id or "",
            fill=self.last_fill.get(o.order_id), request_id=request_id, total=len(orders), number=i + 1))
            for i, (s, o) in enumerate(orders)]

    def positions(self, request_id: int) -> Out:
        """The answer to CURRENT_POSITIONS_REQUEST (one NoPositions message when flat everywhere)."""
        held = [s for s, e in self.exchanges.items() if e.position().quantity]
        if not held:
            return [(t.POSITION_UPDATE, {"RequestID": request_id, "TotalNumberMessages": 1, "MessageNumber": 1,
                                         "NoPositions": 1, "TradeAccount": self.account})]
        return [(t.POSITION_UPDATE, self._position(s, request_id, len(held), i + 1)) for i, s in enumerate(held)]

