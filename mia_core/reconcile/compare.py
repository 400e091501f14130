"""Compare the engine's position and working orders with a BrokerState: resolutions and mismatches."""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from mia_core.orders import Order, OrderStatus
from mia_core.reconcile.state import BrokerState


@attrs.frozen(slots=True)
class Resolution:
    """A working order the broker no longer lists, settled from what the broker executed of it."""

    order: Order
    previous: OrderStatus
    note: str


@attrs.frozen(slots=True)
class Reconciliation:
    """The outcome of one comparison.

    ``resolutions`` settle orders the engine holds as working but the broker does not
    (never re-sent). ``difference`` is the broker's position less the engine's (0 when
    they agree or the broker did not report); ``mismatch`` says what differs when the
    difference is not explained by fills still on their way ('' otherwise).
    ``settled`` is False while executions are in flight: compare again later.
    """

    resolutions: tuple[Resolution, ...] = ()
    difference: int = 0
    mismatch: str = ""
    settled: bool = True


def reconcile(position: int, working: Mapping[str, Order], state: BrokerState) -> Reconciliation:
    """Compare the engine's ``position`` and ``working`` orders with the broker's ``state``.

    An order the broker does not list as open is FILLED when the broker's executions of
    it cover its size, else CANCELLED as lost (the broker no longer works it; whatever
    of it executed arrives as fills). The position is compared only when the broker
    reported one and no execution is in flight.
    """
    resolutions = tuple(_resolve(order, state) for order in working.values() if order.order_id not in state.open_orders)
    if state.position is None:
        return Reconciliation(resolutions, 0, "", settled=False)
    difference = state.position - position
    if state.in_flight:
        return Reconciliation(resolutions, difference, "", settled=False)
    mismatch = ""
    if difference:
        mismatch = (f"position differs: the broker holds {state.position:+d}, the engine's books {position:+d} "
                    f"(difference {difference:+d} contracts not explained by any execution reported)")
    return Reconciliation(resolutions, difference, mismatch)


def _resolve(order: Order, state: BrokerState) -> Resolution:
    executed = min(state.executed.get(order.order_id, 0), order.intent.quantity)
    if executed >= order.intent.quantity:
        done = attrs.evolve(order, status=OrderStatus.FILLED, filled_quantity=executed, updated_ts=state.ts)
        return Resolution(done, order.status, "filled at the broker while its reports were missed")
    note = (f"not working at the broker any more ({executed} of {order.intent.quantity} executed): "
            "settled as cancelled, not sent again")
    done = attrs.evolve(order, status=OrderStatus.CANCELLED, filled_quantity=max(executed, order.filled_quantity),
                        reject_reason=note, updated_ts=state.ts)
    return Resolution(done, order.status, note)


def closing_quantity(state: BrokerState) -> int:
    """Signed contracts that bring the broker's position to flat (0 when flat or unknown)."""
    return -(state.position or 0)
