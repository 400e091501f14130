"""Whether a working order may be modified as asked: the checks every broker makes before sending a change."""

from __future__ import annotations

from mia_core.instruments import Instrument
from mia_core.orders import Order, OrderType

_WITH_LIMIT = (OrderType.LIMIT, OrderType.STOP_LIMIT)
_WITH_STOP = (OrderType.STOP, OrderType.STOP_LIMIT)


def modify_refusal(order: Order, instrument: Instrument, offline: str, quantity: int | None,
                   limit_price: float | None, stop_price: float | None) -> str:
    """Why a modify of ``order`` cannot be sent ('' when it can).

    ``offline`` names the venue the broker is not connected to ('' when connected).
    A done order, an empty change, a quantity not above what already filled, a price
    the order type does not use or a price off the tick grid is refused.
    """
    if order.status.is_terminal:
        return f"cannot modify: order is already {order.status.value}"
    if offline:
        return f"cannot modify: not connected to {offline}"
    if quantity is None and limit_price is None and stop_price is None:
        return "nothing to change: give quantity, limit_price or stop_price"
    if quantity is not None and (not isinstance(quantity, int) or quantity <= order.filled_quantity):
        return f"quantity {quantity!r} must be a whole number above the {order.filled_quantity} already filled"
    kind = order.intent.order_type
    for name, price, kinds in (("limit_price", limit_price, _WITH_LIMIT), ("stop_price", stop_price, _WITH_STOP)):
        if price is None:
            continue
        if kind not in kinds:
            return f"{name} is not used by a {kind.value} order"
        if not (price > 0 and instrument.on_grid(price)):
            return f"{name} {price!r} is not a positive price on the tick grid of {instrument.tick_size}"
    return ""
