"""Cheap constructors for values the engine derives from values it has already checked.

The validating constructors (``Signal(...)``, ``OrderIntent(...)``, ``RoundTrip(...)``)
stay the way in for anything from outside: strategies, configuration, brokers. Inside a
backtest the engine builds hundreds of thousands of these from integers it computed
itself (a position it holds, a timestamp of a checked series, ticks of a fill), and
re-running attrs converters and validators on them would only cost time. Each helper
here states the precondition that makes skipping the checks safe, and falls back to the
validating constructor when the precondition does not hold. The objects are equal to
what the validating constructors build (``tests/engine/test_trusted.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from mia_core.accounting.roundtrip import RoundTrip
from mia_core.events import SignalGenerated
from mia_core.instruments import Instrument
from mia_core.orders import OrderIntent, OrderSide, OrderType, TimeInForce
from mia_core.signals import _NO_COMPONENTS, Direction, Signal

_new = object.__new__
_MARKET = OrderType.MARKET  # read once: on Python 3.11 ``OrderType.MARKET`` goes through EnumType.__getattr__


def signal(ts: int, source: str, direction: Direction, reason: str = "") -> Signal:
    """``Signal(ts=ts, source=source, direction=direction, reason=reason)`` for an int ts and a non-blank source."""
    if type(ts) is not int or type(source) is not str or not source.strip() or type(direction) is not Direction:
        return Signal(ts=ts, source=source, direction=direction, reason=reason)
    new = _new(Signal)
    s_ts, s_source, s_direction, s_strength, s_confluence, s_components, s_grade, s_stop, s_take, s_reason = _SIGNAL
    s_ts(new, ts)
    s_source(new, source)
    s_direction(new, direction)
    s_strength(new, 1.0)
    s_confluence(new, None)
    s_components(new, _NO_COMPONENTS)
    s_grade(new, None)
    s_stop(new, None)
    s_take(new, None)
    s_reason(new, str(reason))
    return new


def signal_generated(signal: Signal) -> SignalGenerated:
    """``SignalGenerated(signal.ts, signal)`` (a Signal's own ``ts`` is always an int)."""
    ts = signal.ts
    if type(ts) is not int:
        return SignalGenerated(ts, signal)
    event = _new(SignalGenerated)
    s_ts, s_signal = _SIGNAL_GENERATED
    s_ts(event, ts)
    s_signal(event, signal)
    return event


def market_intent(
    instrument: Instrument, side: OrderSide, quantity: int, time_in_force: TimeInForce, reason: str
) -> OrderIntent:
    """A market ``OrderIntent`` without bracket or prices, for an int ``quantity`` of at least 1.

    A market order has no price to put on the grid and no bracket to check, so only
    the quantity needs the check, done here.
    """
    if type(quantity) is not int or quantity < 1 or type(side) is not OrderSide or type(reason) is not str:
        return OrderIntent(instrument, side, quantity, time_in_force=time_in_force, reason=reason)
    new = _new(OrderIntent)
    s_instrument, s_side, s_quantity, s_type, s_limit, s_stop, s_tif, s_bracket, s_ref, s_reason = _INTENT
    s_instrument(new, instrument)
    s_side(new, side)
    s_quantity(new, quantity)
    s_type(new, _MARKET)
    s_limit(new, None)
    s_stop(new, None)
    s_tif(new, time_in_force)
    s_bracket(new, None)
    s_ref(new, "")
    s_reason(new, reason)
    return new


def round_trip(
    entry_ts: int,
    exit_ts: int,
    side: OrderSide,
    quantity: int,
    entry_price: float,
    exit_price: float,
    gross_cents: int,
    commission_cents: int,
    mae_ticks: int,
    mfe_ticks: int,
    exit_reason: str,
    tick_value_cents: int,
    bars_held: int,
    symbol: str,
) -> RoundTrip:
    """A :class:`RoundTrip` from a lot's integers: ``net``, ``mae_cents`` and ``mfe_cents`` derived here.

    The checks that matter for values computed from lots (non-negative integers, exit
    not before entry, a positive quantity) are made here in a few comparisons; anything
    unexpected goes through the validating constructor, which names the field.
    """
    mae_cents = mae_ticks * tick_value_cents * quantity
    mfe_cents = mfe_ticks * tick_value_cents * quantity
    net_cents = gross_cents - commission_cents
    if not (
        type(quantity) is int
        and quantity >= 1
        and type(commission_cents) is int
        and commission_cents >= 0
        and type(mae_ticks) is int
        and mae_ticks >= 0
        and type(mfe_ticks) is int
        and mfe_ticks >= 0
        and type(bars_held) is int
        and bars_held >= 0
        and exit_ts >= entry_ts
    ):
        return RoundTrip(entry_ts, exit_ts, side, quantity, entry_price, exit_price, gross_cents, commission_cents,
                         net_cents, mae_ticks, mfe_ticks, exit_reason, mae_cents, mfe_cents, bars_held, symbol)
    new = _new(RoundTrip)
    (s_entry_ts, s_exit_ts, s_side, s_quantity, s_entry_price, s_exit_price, s_gross, s_commission, s_net, s_mae,
     s_mfe, s_reason, s_mae_cents, s_mfe_cents, s_bars, s_symbol) = _ROUND_TRIP  # fmt: skip
    s_entry_ts(new, entry_ts)
    s_exit_ts(new, exit_ts)
    s_side(new, side)
    s_quantity(new, quantity)
    s_entry_price(new, entry_price)
    s_exit_price(new, exit_price)
    s_gross(new, gross_cents)
    s_commission(new, commission_cents)
    s_net(new, net_cents)
    s_mae(new, mae_ticks)
    s_mfe(new, mfe_ticks)
    s_reason(new, exit_reason)
    s_mae_cents(new, mae_cents)
    s_mfe_cents(new, mfe_cents)
    s_bars(new, bars_held)
    s_symbol(new, symbol)
    return new


def slot_setters(cls: type) -> tuple[Callable[[Any, Any], None], ...]:
    """The ``__set__`` of each of an attrs slotted class's fields, in field order.

    A frozen class refuses ``setattr``; its slot descriptors set a field directly, and
    calling them is about twice as fast as ``object.__setattr__(obj, name, value)``,
    which looks the name up on every call.
    """
    return tuple(getattr(cls, field.name).__set__ for field in attrs.fields(cls))


_SIGNAL = slot_setters(Signal)
_SIGNAL_GENERATED = slot_setters(SignalGenerated)
_INTENT = slot_setters(OrderIntent)
_ROUND_TRIP = slot_setters(RoundTrip)
