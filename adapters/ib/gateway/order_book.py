"""Orders the simulated gateway holds, and the fill model that works them against the quotes.

Fill model (the whole quantity at once, unless the gateway's ``fill_size`` caps each fill, the
rest waiting for the next price update): a market order fills at the ask (buy) or bid
(sell); a limit buy fills once the ask is at or below the limit, at the ask (a sell at the
bid once it is at or above the limit); a stop triggers when the last trade reaches the stop
price and then fills like a market order (a stop-limit becomes its limit). Orders sent with
``transmit=0`` are held, silently as in TWS, until an order of the same group arrives with
``transmit=1``; children of a bracket stay ``PreSubmitted`` until their parent fills and
are one-cancels-all among themselves, as are orders sharing an ``ocaGroup``.
"""

from __future__ import annotations

import attrs

from adapters.ib.gateway.catalog import ContractSpec
from adapters.ib.gateway.codec import Fields, ProtocolError
from adapters.ib.gateway.quotes import Book

ORDER_TYPES = frozenset({"MKT", "LMT", "STP", "STP LMT"})
DONE = frozenset({"Filled", "Cancelled", "ApiCancelled", "Inactive"})


@attrs.define
class SimOrder:
    """One order as received, and its state."""

    client_id: int
    order_id: int
    perm_id: int
    spec: ContractSpec
    action: str
    quantity: float
    order_type: str
    lmt_price: float | None
    aux_price: float | None
    tif: str = "DAY"
    oca_group: str = ""
    account: str = ""
    order_ref: str = ""
    transmit: bool = True
    parent_id: int = 0
    outside_rth: bool = False
    what_if: bool = False
    status: str = "PendingSubmit"
    filled: float = 0.0
    avg_fill_price: float = 0.0
    last_fill_price: float = 0.0
    triggered: bool = False
    fill_due: float | None = None  # loop time a delayed fill is due (the gateway's fill_delay fault)
    epoch: int = 0  # gateway restarts before the order arrived

    @property
    def remaining(self) -> float:
        """Quantity still to fill (0 once done)."""
        return 0.0 if self.status in DONE and self.status != "Filled" else self.quantity - self.filled

    @property
    def is_done(self) -> bool:
        """Filled, cancelled or rejected."""
        return self.status in DONE

    @property
    def sign(self) -> int:
        """+1 for a buy, -1 for a sell."""
        return 1 if self.action == "BUY" else -1


@attrs.frozen
class OrderRequest:
    """The fields of a placeOrder (3) message the simulator uses."""

    order_id: int
    action: str
    quantity: float
    order_type: str
    lmt_price: float | None
    aux_price: float | None
    tif: str
    oca_group: str
    account: str
    order_ref: str
    transmit: bool
    parent_id: int
    outside_rth: bool
    what_if: bool


def read_order(f: Fields, server_version: int, order_id: int) -> OrderRequest:
    """Everything after the contract of a placeOrder: the fixed prefix, then a walk to ``whatIf``."""
    f.skip(2)  # secIdType, secId
    action = f.str("action").upper()
    quantity = f.float("totalQuantity", 0.0) or 0.0
    order_type = f.str("orderType").upper()
    lmt, aux = f.float("lmtPrice"), f.float("auxPrice")
    tif = f.str("tif").upper() or "DAY"
    oca_group, account = f.str("ocaGroup"), f.str("account")
    f.skip(2)  # openClose, origin
    order_ref = f.str("orderRef")
    transmit = f.bool("transmit")
    parent_id = f.int("parentId")
    f.skip(4)  # blockOrder, sweepToFill, displaySize, triggerMethod
    outside_rth = f.bool("outsideRth")
    f.skip(1)  # hidden
    what_if = _walk_to_what_if(f, server_version)
    if action not in ("BUY", "SELL"):
        raise ProtocolError(f"placeOrder: action must be BUY or SELL, got {action!r}")
    return OrderRequest(order_id, action, quantity, order_type, lmt, aux, tif, oca_group,
                        account, order_ref, transmit, parent_id, outside_rth, what_if)


def _walk_to_what_if(f: Fields, server_version: int) -> bool:
    f.skip(7 + (1 if server_version < 177 else 0))  # "", discretionaryAmt ... faPercentage [faProfile]
    f.skip(20)  # modelCode ... overridePercentageConstraints
    f.skip(2)  # volatility, volatilityType
    if f.str("deltaNeutralOrderType"):
        f.skip(1 + 8)
    else:
        f.skip(1)
    f.skip(6)  # continuousUpdate ... scaleSubsLevelSize
    increment = f.float("scalePriceIncrement")
    if increment is not None and increment > 0:
        f.skip(7)
    f.skip(3)  # scaleTable, activeStartTime, activeStopTime
    if f.str("hedgeType"):
        f.skip(1)
    f.skip(4)  # optOutSmartRouting, clearingAccount, clearingIntent, notHeld
    if f.bool("deltaNeutralContract"):
        f.skip(3)
    if f.str("algoStrategy"):
        f.skip(2 * f.int("algoParams count"))
    f.skip(1)  # algoId
    return f.bool("whatIf")


def rejection(order: OrderRequest, spec: ContractSpec) -> str | None:
    """Why the simulator refuses an order, or None."""
    if spec.sec_type != "FUT":
        return f"the simulated gateway trades futures only, not {spec.sec_type} {spec.symbol}"
    if order.order_type not in ORDER_TYPES:
        return f"order type {order.order_type!r} is not simulated (MKT, LMT, STP, STP LMT are)"
    if not order.quantity > 0:
        return f"order quantity must be positive, got {order.quantity:g}"
    if order.order_type in ("LMT", "STP LMT") and order.lmt_price is None:
        return f"a {order.order_type} order needs a limit price"
    if order.order_type in ("STP", "STP LMT") and order.aux_price is None:
        return f"a {order.order_type} order needs a stop price (auxPrice)"
    for name, price in (("limit", order.lmt_price), ("stop", order.aux_price)):
        if price is not None and abs(price / spec.min_tick - round(price / spec.min_tick)) > 1e-6:
            return f"the {name} price {price:g} does not conform to the minimum price variation {spec.min_tick:g}"
    return None


def fill_price(order: SimOrder, book: Book) -> float | None:
    """The price ``order`` fills at against ``book`` now, or None (may set ``triggered`` on a stop)."""
    buy = order.action == "BUY"
    if order.order_type in ("STP", "STP LMT") and not order.triggered:
        stop = order.aux_price if order.aux_price is not None else 0.0
        if (buy and book.last >= stop) or (not buy and book.last <= stop):
            order.triggered = True
        else:
            return None
    touch = book.ask if buy else book.bid
    if order.order_type in ("MKT", "STP"):
        return touch
    limit = order.lmt_price if order.lmt_price is not None else 0.0
    if (buy and touch <= limit) or (not buy and touch >= limit):
        return touch
    return None
