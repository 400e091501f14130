"""The simple strategy of ``mia bench ticks``: follow the order flow of the last trades (decayed signed volume)."""

from __future__ import annotations

from typing import Any

from mia_core.market import Bar
from mia_core.signals import Direction, Signal


class FlowFollower:
    """Long when the decayed signed volume (buys - sells) rises above ``threshold``, short below minus it.

    Constant work per trade: one multiply-add and two comparisons; a signal only when the
    flow crosses a threshold. Stop and target hints (ticks) make each entry a bracket, so the exchange
    has working orders to watch on most trades.
    """

    name = "flow_follower"
    __slots__ = ("decay", "flow", "stop", "target", "threshold")

    def __init__(self, threshold: float = 120.0, decay: float = 0.99, stop_ticks: int = 12,
                 target_ticks: int = 24, tick_size: float = 0.25) -> None:
        self.threshold, self.decay = threshold, decay
        self.stop, self.target = stop_ticks * tick_size, target_ticks * tick_size
        self.flow = 0.0

    def reset(self) -> None:
        """Forget the flow."""
        self.flow = 0.0

    def on_bar(self, bar: Bar, context: Any) -> Signal | None:
        """Trades ticks only."""
        return None

    def on_tick(self, ts: int, price: float, size: int, side: int, context: Any) -> Signal | None:
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
