"""``order_flow``: long when buyers' decayed volume outweighs sellers' by a threshold, short the other way."""

from __future__ import annotations

import attrs

from mia_core.market import Bar
from mia_core.signals import Direction, Signal
from mia_core.validation import within
from ports.context import StrategyContext


@attrs.frozen
class OrderFlowConfig:
    """Settings of ``order_flow``."""

    threshold: float = attrs.field(default=120.0, validator=within(0, 1_000_000, low_open=True))
    decay: float = attrs.field(default=0.99, validator=within(0, 1))
    stop_ticks: int = attrs.field(default=12, validator=within(1, 10_000))
    target_ticks: int = attrs.field(default=24, validator=within(1, 10_000))


class OrderFlowStrategy:
    """A tick strategy (``on_tick``): the flow is ``flow * decay + size * side`` at each trade.

    LONG when the flow rises above ``threshold``, SHORT when it falls below minus it, each
    with a bracket of ``stop_ticks`` and ``target_ticks`` from the trade's price. Constant
    work per trade; on bars it does nothing (``on_bar`` returns None).
    """

    __slots__ = ("decay", "flow", "name", "stop", "target", "threshold")

    def __init__(self, config: OrderFlowConfig, tick_size: float, name: str = "order_flow") -> None:
        self.name = name
        self.threshold, self.decay = config.threshold, config.decay
        self.stop, self.target = config.stop_ticks * tick_size, config.target_ticks * tick_size
        self.flow = 0.0

    def reset(self) -> None:
        """Forget the flow."""
        self.flow = 0.0

    def on_bar(self, bar: Bar, context: StrategyContext) -> Signal | None:
        """Trades ticks only."""
        return None

    def on_tick(self, ts: int, price: float, size: int, side: int, context: StrategyContext) -> Signal | None:
        """One trade: update the flow; a signal when it crosses a threshold (the planner ignores a side held)."""
        before = self.flow
        flow = self.flow = before * self.decay + size * side
        threshold = self.threshold
        if flow > threshold >= before:
            return Signal(ts, self.name, Direction.LONG, stop_loss=price - self.stop, take_profit=price + self.target,
                          reason="buyers")
        if flow < -threshold <= before:
            return Signal(ts, self.name, Direction.SHORT, stop_loss=price + self.stop,
                          take_profit=price - self.target, reason="sellers")
        return None
