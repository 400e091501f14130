"""Exit management of an open trade: break-even, trailing stop and time exit, on the real stop order."""

from __future__ import annotations

import math

import attrs

from mia_core.commands import Command, ModifyOrder
from mia_core.instruments import Instrument
from mia_core.market import Bar
from mia_core.orders import Order, OrderType
from mia_core.risk.sizing import PositionConfig


@attrs.define(slots=True)
class OpenTrade:
    """What the manager remembers of the trade in progress."""

    direction: int
    entry: float
    risk_ticks: int
    best: float
    bars: int = 0


def protective_stop(working: dict[str, Order] | list[Order], direction: int) -> Order | None:
    """The working stop order that protects a ``direction`` position (a bracket child or a plain stop)."""
    orders = working.values() if isinstance(working, dict) else working
    for order in orders:
        intent = order.intent
        if intent.order_type is OrderType.STOP and intent.side.sign == -direction and not order.status.is_terminal:
            return order
    return None


def next_stop(config: PositionConfig, instrument: Instrument, trade: OpenTrade, bar: Bar,
              current: float, atr: float | None) -> float | None:
    """A tighter stop for ``trade`` after ``bar`` closed, or ``None`` to leave it.

    Break-even: once the best price reached ``break_even_at_r`` x the initial risk
    beyond entry, the stop goes to the entry (rounded to the grid on the winning
    side). Trailing: ``trailing_atr`` x ATR behind the close. A stop only ever
    tightens, by at least one tick, and stays on the losing side of the close.
    """
    tick = instrument.tick_size
    d = trade.direction
    candidate = current
    if config.break_even_at_r is not None:
        reached = (trade.best - trade.entry) * d
        if reached >= config.break_even_at_r * trade.risk_ticks * tick - 1e-9:
            be_ticks = math.ceil(trade.entry / tick - 1e-9) if d > 0 else math.floor(trade.entry / tick + 1e-9)
            candidate = _tighter(candidate, be_ticks * tick, d)
    if config.trailing_atr is not None and atr:
        raw = bar.close - d * config.trailing_atr * atr
        trail_ticks = math.floor(raw / tick + 1e-9) if d > 0 else math.ceil(raw / tick - 1e-9)
        candidate = _tighter(candidate, trail_ticks * tick, d)
    if (candidate - current) * d < tick - 1e-9 or (bar.close - candidate) * d <= 0 or candidate <= 0:
        return None
    return instrument.from_ticks(round(candidate / tick))


def _tighter(a: float, b: float, direction: int) -> float:
    return max(a, b) if direction > 0 else min(a, b)


def manage_stop(config: PositionConfig, instrument: Instrument, trade: OpenTrade, bar: Bar,
                working: dict[str, Order], atr: float | None) -> list[Command]:
    """Move the protective stop of ``trade`` after ``bar`` (a ModifyOrder), if it should move."""
    stop = protective_stop(working, trade.direction)
    if stop is None or stop.intent.stop_price is None:
        return []
    price = next_stop(config, instrument, trade, bar, stop.intent.stop_price, atr)
    if price is None:
        return []
    return [ModifyOrder(stop.order_id, stop_price=price)]
