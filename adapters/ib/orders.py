"""Domain orders to IB orders and IB order states to the domain's (pure mapping, no I/O)."""

from __future__ import annotations

from collections.abc import Callable

from ib_async import LimitOrder, MarketOrder, Order, StopLimitOrder, StopOrder

from mia_core.orders import (
    STOP_LOSS,
    TAKE_PROFIT,
    OrderIntent,
    OrderSide,
    OrderStatus,
    OrderType,
    TimeInForce,
    bracket_legs,
)

REF_PREFIX = "mia:"

# Every status IB reports (ib_async.OrderStatus), and what it means for MIA.
STATUS_MAP: dict[str, OrderStatus] = {
    "PendingSubmit": OrderStatus.PENDING,  # sent by the API, not yet acknowledged
    "ApiPending": OrderStatus.PENDING,  # placed with transmit=False, waiting for the rest of its group
    "PreSubmitted": OrderStatus.WORKING,  # accepted; held by IB (a stop not yet triggered, a bracket child)
    "Submitted": OrderStatus.WORKING,  # working at the exchange
    "ApiUpdate": OrderStatus.WORKING,  # a modification is being applied
    "PendingCancel": OrderStatus.WORKING,  # cancel requested, not confirmed: still able to fill
    "Cancelled": OrderStatus.CANCELLED,
    "ApiCancelled": OrderStatus.CANCELLED,  # cancelled before it was transmitted
    "Filled": OrderStatus.FILLED,
    "Inactive": OrderStatus.REJECTED,  # rejected or deactivated by IB (the error message says why)
    "ValidationError": OrderStatus.REJECTED,
}


def domain_status(ib_status: str, filled: int, quantity: int) -> OrderStatus:
    """The domain status for IB's ``ib_status`` with ``filled`` of ``quantity`` contracts done.

    A working order with some fills is PARTIALLY_FILLED; an unknown status string
    counts as WORKING (IB adds states; none of them ends an order without a Cancelled
    or Filled report).
    """
    status = STATUS_MAP.get(ib_status, OrderStatus.WORKING)
    if status is OrderStatus.WORKING and 0 < filled < quantity:
        return OrderStatus.PARTIALLY_FILLED
    if status is OrderStatus.CANCELLED and filled >= quantity > 0:
        return OrderStatus.FILLED
    return status


def order_ref(ref: str, role: str = "", owner: str = "") -> str:
    """IB's ``orderRef`` for the order with client ref ``ref`` (``role``: '' entry, 'sl', 'tp').

    ``owner`` (the broker's ``order_tag@client_id``) marks the session that placed it:
    ``mia:<owner>/<ref>[:role]``; without it the ref is ``mia:<ref>[:role]``.
    """
    head = f"{REF_PREFIX}{owner}/" if owner else REF_PREFIX
    return f"{head}{ref}" + (f":{role}" if role else "")


def parse_ref(order_ref_text: str, owner: str = "") -> tuple[str, str] | None:
    """(client ref, role) from an ``orderRef`` MIA wrote, or ``None`` for anyone else's order.

    With ``owner``, only refs that session wrote count: another MIA session on the same
    account (another ``order_tag`` or client id) is someone else.
    """
    head = f"{REF_PREFIX}{owner}/" if owner else REF_PREFIX
    if not order_ref_text.startswith(head):
        return None
    body = order_ref_text[len(head) :]
    ref, _, role = body.rpartition(":")
    if role in ("sl", "tp") and ref:
        return ref, role
    return body, ""


def action(side: OrderSide) -> str:
    """IB's action for a side."""
    return "BUY" if side is OrderSide.BUY else "SELL"


TIF = {TimeInForce.DAY: "DAY", TimeInForce.GTC: "GTC", TimeInForce.IOC: "IOC", TimeInForce.FOK: "FOK"}


def ib_order(intent: OrderIntent) -> Order:
    """The single IB order for ``intent`` (bracket children are built by :func:`bracket_orders`)."""
    act, qty = action(intent.side), intent.quantity
    kind = intent.order_type
    order: Order
    if kind is OrderType.MARKET:
        order = MarketOrder(act, qty)
    elif kind is OrderType.LIMIT:
        order = LimitOrder(act, qty, intent.limit_price)
    elif kind is OrderType.STOP:
        order = StopOrder(act, qty, intent.stop_price)
    else:
        order = StopLimitOrder(act, qty, intent.limit_price, intent.stop_price)
    order.tif = TIF[intent.time_in_force]
    return order


ROLES = {TAKE_PROFIT: "tp", STOP_LOSS: "sl"}  # a bracket child's reason -> its role in the orderRef


def child_intents(intent: OrderIntent) -> list[tuple[str, OrderIntent]]:
    """The protective children of a bracketed intent (``mia_core.orders.bracket_legs``), target first."""
    legs = sorted(bracket_legs(intent), key=lambda leg: leg.reason != TAKE_PROFIT)
    return [(ROLES[leg.reason], leg) for leg in legs]


def exec_ref(ref: str, role: str) -> str:
    """The ref an execution of MIA's is keyed by, with its id: a bracket child's carries its role.

    A restarted Gateway may give a target's execution the id of its own entry's; both
    orders share the client ref, so only the role tells the two executions apart.
    """
    return f"{ref}:{role}" if role and ref else ref


def bracket_orders(
    intent: OrderIntent, ref: str, next_id: Callable[[], int], account: str = "", owner: str = ""
) -> list[tuple[str, OrderIntent, Order]]:
    """Parent then children as IB orders, transmitted atomically: ``transmit`` only on the last.

    Returns (role, intent, order) triples in sending order; children carry the
    parent's ``orderId`` as ``parentId`` and share one OCA group through it.
    """
    parent = ib_order(intent)
    parent.orderId = next_id()
    parent.orderRef = order_ref(ref, owner=owner)
    legs: list[tuple[str, OrderIntent, Order]] = [("", intent, parent)]
    for role, leg in child_intents(intent):
        child = ib_order(leg)
        child.orderId = next_id()
        child.parentId = parent.orderId
        child.orderRef = order_ref(ref, role, owner)
        legs.append((role, leg, child))
    for i, (_, _, order) in enumerate(legs):
        order.transmit = i == len(legs) - 1
        if account:
            order.account = account
    return legs
