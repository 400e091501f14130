"""The order desk: placeOrder, cancel, modify, brackets, fills, and the order queries.

Everything it receives is kept for assertions: ``desk.orders`` (by (clientId, orderId)),
``desk.received`` (every new order, across restarts that roll order ids back),
``desk.executions`` in fill order. Messages for an order go to the session of the client
that placed it; fills update the ledger and push positions, portfolio and P&L.
"""

from __future__ import annotations

import asyncio
import collections
import itertools
from typing import TYPE_CHECKING

from adapters.ib.gateway import account_requests
from adapters.ib.gateway.catalog import ContractSpec
from adapters.ib.gateway.codec import Fields
from adapters.ib.gateway.contracts import NO_DEFINITION, read_contract, resolve_one
from adapters.ib.gateway.order_book import SimOrder, fill_price, read_order, rejection
from adapters.ib.gateway.order_wire import (
    Execution,
    commission_report_fields,
    exec_details_fields,
    open_order_fields,
    order_status_fields,
)
from adapters.ib.gateway.quotes import Book

if TYPE_CHECKING:
    from adapters.ib.gateway.session import ClientSession, Gateway


class OrderDesk:
    """Orders and executions of the simulated account, worked against the gateway's quotes."""

    def __init__(self, gateway: Gateway, commission_per_contract: float = 2.25,
                 fill_size: float | None = None) -> None:
        self.gateway = gateway
        self.commission_per_contract = commission_per_contract
        self.fill_size = fill_size  # at most this many contracts per order per price update (partial fills)
        self.orders: dict[tuple[int, int], SimOrder] = {}
        self.received: list[SimOrder] = []
        self.epoch = 0
        self.executions: list[Execution] = []
        self._perm_ids = itertools.count(1_000_001)
        self._exec_ids = itertools.count(1)
        self.reject_reason: str | None = None  # scripted: reject the next order with this reason
        self.reused_exec_ids: collections.deque[str] = collections.deque()  # handed out again, in order

    def next_order_id(self, client_id: int) -> int:
        """The next valid id for a client: above every order id it used (since the last rollback)."""
        used = [oid for (cid, oid) in self.orders if cid == client_id]
        return max(used, default=0) + 1

    def restarted(self, rollback: bool, reuse_exec_ids: bool) -> None:
        """After a gateway restart: ``rollback`` forgets finished orders' ids (ids start again low, as
        IB's do after its nightly restart; working orders keep theirs); ``reuse_exec_ids`` makes the
        next fills carry the execution ids of the fills so far, the first one's first, and so on."""
        self.epoch += 1
        if rollback:
            self.orders = {key: o for key, o in self.orders.items() if not o.is_done}
        if reuse_exec_ids:
            self.reused_exec_ids = collections.deque(e.exec_id for e in self.executions)

    # ---- messages --------------------------------------------------------------------------------------------
    def _to_owner(self, o: SimOrder, fields: list) -> None:
        for session in self.gateway.sessions:
            if session.ready and session.client_id == o.client_id:
                session.send(fields)

    def _announce(self, o: SimOrder) -> None:
        self._to_owner(o, open_order_fields(o))
        self._to_owner(o, order_status_fields(o))

    def _error(self, o: SimOrder, code: int, text: str) -> None:
        for session in self.gateway.sessions:
            if session.ready and session.client_id == o.client_id:
                session.send_error(o.order_id, code, text)

    # ---- lifecycle -------------------------------------------------------------------------------------------
    def place(self, session: ClientSession, f: Fields) -> None:
        """3|orderId|C12|...: a new order, a modification (same id), or a held bracket leg."""
        assert session.client_id is not None
        order_id = f.int("orderId")
        query = read_contract(f)
        request = read_order(f, session.server_version, order_id)
        spec = resolve_one(session, query)
        if spec is None:
            session.send_error(order_id, 200, NO_DEFINITION)
            return
        key = (session.client_id, order_id)
        existing = self.orders.get(key)
        if existing is not None and not request.what_if:
            self._modify(existing, request)
            return
        reason = rejection(request, spec) or self.reject_reason
        self.reject_reason = None
        if reason:
            session.send_error(order_id, 201, f"Order rejected - reason:{reason}")
            return
        o = SimOrder(session.client_id, order_id, next(self._perm_ids), spec, request.action, request.quantity,
                     request.order_type, request.lmt_price, request.aux_price, request.tif, request.oca_group,
                     request.account or self.gateway.account, request.order_ref, request.transmit,
                     request.parent_id, request.outside_rth, request.what_if)
        if request.what_if:
            self._what_if(session, o)
            return
        if o.parent_id and (session.client_id, o.parent_id) not in self.orders:
            session.send_error(order_id, 201, f"Order rejected - reason:parent order {o.parent_id} not found")
            return
        o.epoch = self.epoch
        self.orders[key] = o
        self.received.append(o)
        if not o.transmit:
            o.status = "Held"  # not transmitted: TWS keeps it without telling the API
            return
        drop, self.gateway.faults.drop_next_order = self.gateway.faults.drop_next_order, ""
        if drop == "before_ack":
            session.close()  # IB has the order; the client never hears of it
        for member in self._group(o):
            self._activate(member)
        self.work(o.spec.root)
        if drop == "after_ack":
            session.close()  # what was sent (the acknowledgement, any fill) is flushed, then the socket closes

    def manual_trade(self, spec: ContractSpec, quantity: float) -> SimOrder:
        """A market order typed into TWS itself (client id 0, no orderRef): bought (+) or sold (-) ``quantity``."""
        o = SimOrder(0, self.next_order_id(0), next(self._perm_ids), spec, "BUY" if quantity > 0 else "SELL",
                     abs(quantity), "MKT", None, None, account=self.gateway.account, epoch=self.epoch)
        self.orders[(0, o.order_id)] = o
        self.received.append(o)
        o.status = "Submitted"
        self.work(spec.root)
        return o

    def _group(self, o: SimOrder) -> list[SimOrder]:
        """The held orders ``o`` transmits: its parent (if held) and the parent's held children, then ``o``."""
        root = self.orders.get((o.client_id, o.parent_id)) if o.parent_id else o
        members = [root] if root is not None and root is not o and root.status == "Held" else []
        if root is not None:
            members += [c for c in self.orders.values()
                        if c.client_id == o.client_id and c.parent_id == root.order_id and c.status == "Held"
                        and c is not o]
        return [*members, o]

    def _activate(self, o: SimOrder) -> None:
        parent = self.orders.get((o.client_id, o.parent_id)) if o.parent_id else None
        o.status = "PreSubmitted" if parent is not None and parent.status != "Filled" else "Submitted"
        self._announce(o)

    def _modify(self, o: SimOrder, request: object) -> None:
        if o.is_done:
            self._error(o, 10148, f"OrderId {o.order_id} that needs to be cancelled cannot be cancelled, "
                                  f"state: {o.status}.")
            return
        for name in ("quantity", "lmt_price", "aux_price", "tif", "order_ref", "outside_rth"):
            setattr(o, name, getattr(request, name))
        if o.status == "Held" and getattr(request, "transmit", False):
            for member in self._group(o):
                self._activate(member)
        elif o.status != "Held":
            self._announce(o)
        self.work(o.spec.root)

    def _what_if(self, session: ClientSession, o: SimOrder) -> None:
        values = self.gateway.ledger.values()
        change = 22_000.0 * o.quantity if o.spec.root == "ES" else 32_000.0 * o.quantity
        margins = (change, change * 0.9, values["EquityWithLoanValue"])
        session.send(open_order_fields(o, status="PreSubmitted", margins=margins,
                                       commission=self.commission_per_contract * o.quantity))

    def cancel(self, session: ClientSession, f: Fields) -> None:
        """4|1|orderId|manualCancelTime: Cancelled + error 202, children too; 10147 for an unknown order."""
        f.skip()
        order_id = f.int("orderId")
        o = self.orders.get((session.client_id or 0, order_id))
        if o is None:
            session.send_error(order_id, 10147, f"OrderId {order_id} that needs to be cancelled is not found.")
            return
        if o.is_done:
            session.send_error(order_id, 10148, f"OrderId {order_id} that needs to be cancelled cannot be "
                                                f"cancelled, state: {o.status}.")
            return
        self._cancel(o, "")

    def cancel_order(self, o: SimOrder, why: str) -> None:
        """Cancel ``o`` (and its children) as if from TWS: Cancelled + error 202 to its client."""
        self._cancel(o, why)

    def _cancel(self, o: SimOrder, why: str) -> None:
        o.status = "Cancelled"
        self._to_owner(o, order_status_fields(o))
        self._error(o, 202, f"Order Canceled - reason:{why}")
        for child in self._children(o):
            if not child.is_done:
                self._cancel(child, f"parent order {o.order_id} cancelled")

    def _children(self, o: SimOrder) -> list[SimOrder]:
        return [c for c in self.orders.values() if c.client_id == o.client_id and c.parent_id == o.order_id]

    def global_cancel(self, session: ClientSession, f: Fields) -> None:
        """58|1: cancel every working order of the account."""
        for o in list(self.orders.values()):
            if not o.is_done and o.status != "Held":
                self._cancel(o, "global cancel")

    # ---- fills -----------------------------------------------------------------------------------------------
    def work(self, root: str) -> None:
        """Fill every working order of ``root`` its price allows (repeats while fills release children)."""
        if not self.gateway.faults.trading_allowed:
            return
        book = self.gateway.quotes.book(root)
        partly: set[int] = set()  # a partially filled order waits for the next price update
        for _ in range(10):
            progressed = False
            for o in list(self.orders.values()):
                if o.spec.root != root or o.status != "Submitted" or o.perm_id in partly:
                    continue
                price = fill_price(o, book)
                if price is not None and not self._due(o, root):
                    continue
                if price is not None:
                    self._fill(o, price, book)
                    progressed = True
                    if o.status != "Filled":
                        partly.add(o.perm_id)
            if not progressed:
                return

    def _due(self, o: SimOrder, root: str) -> bool:
        """Whether a fill of ``o`` may happen now (the ``fill_delay`` fault holds it that long first)."""
        delay = self.gateway.faults.fill_delay
        if delay <= 0:
            return True
        loop = asyncio.get_running_loop()
        if o.fill_due is None:
            o.fill_due = loop.time() + delay
            loop.call_later(delay, self.work, root)
        return loop.time() >= o.fill_due

    def _fill(self, o: SimOrder, price: float, book: Book) -> None:
        gw = self.gateway
        qty = o.quantity - o.filled
        if self.fill_size is not None:
            qty = min(qty, self.fill_size)
        commission = round(self.commission_per_contract * qty, 2)
        realized = gw.ledger.apply_fill(o.spec, o.sign * qty, price, commission)
        o.avg_fill_price = (o.avg_fill_price * o.filled + price * qty) / (o.filled + qty)
        o.filled += qty
        o.last_fill_price = price
        o.status = "Filled" if o.filled >= o.quantity - 1e-9 else "Submitted"
        o.fill_due = None
        exec_id = f"0000e0d5.{o.perm_id:08x}.{next(self._exec_ids):02d}.01"
        if self.reused_exec_ids:
            exec_id = self.reused_exec_ids.popleft()
        ex = Execution(exec_id, o, gw.now(), qty, price, o.filled, o.avg_fill_price, commission, realized)
        self.executions.append(ex)
        self._to_owner(o, exec_details_fields(-1, ex, o.account))
        self._to_owner(o, order_status_fields(o))
        self._to_owner(o, open_order_fields(o))
        self._to_owner(o, commission_report_fields(ex))
        account_requests.push_after_fill(gw, o.spec)
        if o.status != "Filled":
            return
        for child in self._children(o):
            if child.status == "PreSubmitted":
                child.status = "Submitted"
                self._to_owner(child, order_status_fields(child))
        self._cancel_siblings(o)

    def _cancel_siblings(self, o: SimOrder) -> None:
        """One-cancels-all: bracket children of the same parent, and orders sharing an ocaGroup."""
        for other in list(self.orders.values()):
            if other is o or other.is_done or other.client_id != o.client_id:
                continue
            bracket = o.parent_id and other.parent_id == o.parent_id
            oca = o.oca_group and other.oca_group == o.oca_group
            if bracket or oca:
                self._cancel(other, f"OCA: order {o.order_id} filled")

    # ---- queries ---------------------------------------------------------------------------------------------
    def req_open_orders(self, session: ClientSession, f: Fields) -> None:
        """5|1 or 16|1: openOrder + orderStatus of every working order of this client, then openOrderEnd."""
        for o in self.orders.values():
            if o.client_id == session.client_id and not o.is_done and o.status != "Held":
                session.send(open_order_fields(o))
                session.send(order_status_fields(o))
        session.send([53, 1])

    def req_completed_orders(self, session: ClientSession, f: Fields) -> None:
        """99|apiOnly: completed orders are not replayed by the simulator; just the end marker."""
        session.send([102])

    def req_executions(self, session: ClientSession, f: Fields) -> None:
        """7|3|reqId|clientId|acct|time|symbol|secType|exchange|side -> execDetails + commissionReport, end."""
        f.skip()
        req_id = f.int("reqId")
        client_filter = f.int("clientId")
        f.str("acctCode")
        f.str("time")
        symbol = f.str("symbol").upper()
        sec_type = f.str("secType").upper()
        f.str("exchange")
        side = f.str("side").upper()
        for ex in self.executions:
            if client_filter and ex.order.client_id != client_filter:
                continue
            if (symbol and ex.order.spec.symbol != symbol) or (sec_type and ex.order.spec.sec_type != sec_type):
                continue
            if side and side not in (ex.side, ex.order.action):
                continue
            session.send(exec_details_fields(req_id, ex, ex.order.account))
            session.send(commission_report_fields(ex))
        session.send([55, 1, req_id])

    def req_ids(self, session: ClientSession, f: Fields) -> None:
        """8|1|numIds -> nextValidId."""
        session.send([9, 1, self.next_order_id(session.client_id or 0)])
