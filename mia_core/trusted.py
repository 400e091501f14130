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

from mia_core.accounting.roundtrip import RoundTrip
from mia_core.builders import builder
from mia_core.events import SignalGenerated
from mia_core.instruments import Instrument
from mia_core.orders import OrderIntent, OrderSide, OrderType, TimeInForce
from mia_core.signals import _NO_COMPONENTS, Direction, Signal

_MARKET = OrderType.MARKET  # read once: on Python 3.11 ``OrderType.MARKET`` goes through EnumType.__getattr__


def signal(ts: int, source: str, direction: Direction, reason: str = "") -> Signal:
    """``Signal(ts=ts, source=source, direction=direction, reason=reason)`` for an int ts and a non-blank source."""
    if type(ts) is not int or type(source) is not str or not source.strip() or type(direction) is not Direction:
        return Signal(ts=ts, source=source, direction=direction, reason=reason)
    return _SIGNAL(ts, source, direction, 1.0, None, _NO_COMPONENTS, None, None, None, str(reason))


def signal_generated(signal: Signal) -> SignalGenerated:
    """``SignalGenerated(signal.ts, signal)`` (a Signal's own ``ts`` is always an int)."""
    ts = signal.ts
    if type(ts) is not int:
        return SignalGenerated(ts, signal)
    return _SIGNAL_GENERATED(ts, signal)


def market_intent(
    instrument: Instrument, side: OrderSide, quantity: int, time_in_force: TimeInForce, reason: str
) -> OrderIntent:
    """A market ``OrderIntent`` without bracket or prices, for an int ``quantity`` of at least 1.

    A market order has no price to put on the grid and no bracket to check, so only
    the quantity needs the check, done here.
    """
    if type(quantity) is not int or quantity < 1 or type(side) is not OrderSide or type(reason) is not str:
        return OrderIntent(instrument, side, quantity, time_in_force=time_in_force, reason=reason)
    return _INTENT(instrument, side, quantity, _MARKET, None, None, time_in_force, None, "", reason)


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
    return _ROUND_TRIP(entry_ts, exit_ts, side, quantity, entry_price, exit_price, gross_cents, commission_cents,
                       net_cents, mae_ticks, mfe_ticks, exit_reason, mae_cents, mfe_cents, bars_held, symbol)


_SIGNAL = builder(Signal)
_SIGNAL_GENERATED = builder(SignalGenerated)
_INTENT = builder(OrderIntent)
_ROUND_TRIP = builder(RoundTrip)
