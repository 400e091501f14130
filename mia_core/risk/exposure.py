"""What an intent does to exposure: entry or exit, and how much money it puts at risk."""

from __future__ import annotations

import math
from collections.abc import Iterable

from mia_core.instruments import Instrument
from mia_core.orders import Order, OrderIntent


def pending_exposure(position: int, open_orders: Iterable[Order]) -> int:
    """Signed contracts held plus those still to fill on working parent orders.

    Bracket children (orders with a ``parent_id``) only ever close what their parent
    opened, so they are not counted.
    """
    pending = position
    for order in open_orders:
        if order.parent_id is None:
            pending += order.remaining * order.intent.side.sign
    return pending


def is_entry(intent: OrderIntent, position: int, open_orders: Iterable[Order]) -> bool:
    """True when ``intent`` opens exposure: it opens or adds to a position, or crosses through flat.

    Only an order that purely reduces the exposure (up to flat) is an exit.
    """
    return opens_exposure(pending_exposure(position, open_orders), intent.quantity * intent.side.sign)


def opens_exposure(exposure: int, signed: int) -> bool:
    """True when adding ``signed`` contracts to ``exposure`` opens, adds to or crosses through flat."""
    return exposure * signed >= 0 or abs(signed) > abs(exposure)


def reference_price(intent: OrderIntent, last_price: float | None) -> float | None:
    """Where the intent is expected to fill: its limit or stop price, else the last price."""
    if intent.limit_price is not None:
        return intent.limit_price
    if intent.stop_price is not None:
        return intent.stop_price
    return last_price


def risk_per_contract_cents(intent: OrderIntent, last_price: float | None) -> int | None:
    """Money lost per contract if the bracket's stop is hit, in cents; ``None`` without a stop or price.

    The distance is rounded up to whole ticks (a stop filled one tick worse is the
    conservative assumption).
    """
    bracket = intent.bracket
    price = reference_price(intent, last_price)
    if bracket is None or bracket.stop_loss is None or price is None:
        return None
    return stop_risk_cents(intent.instrument, price, bracket.stop_loss)


def stop_risk_cents(instrument: Instrument, entry: float, stop: float) -> int:
    """Cents lost per contract between ``entry`` and ``stop`` (whole ticks, rounded up, at least one).

    A stop at (or within a tick of) the reference price still risks a tick: a market
    entry fills at the next price, never exactly at the last one, and a zero risk
    would let any size through the risk budgets.
    """
    ticks = math.ceil(abs(entry - stop) / instrument.tick_size - 1e-9)
    return instrument.ticks_to_cents(max(ticks, 1))


def intent_risk_cents(intent: OrderIntent, last_price: float | None) -> int | None:
    """Risk of the whole intent (per-contract risk times quantity); ``None`` when unbounded."""
    per_contract = risk_per_contract_cents(intent, last_price)
    return None if per_contract is None else per_contract * intent.quantity
