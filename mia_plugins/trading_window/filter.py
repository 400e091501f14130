"""The ``trading_window`` signal filter: no new positions outside [start, end]."""

from __future__ import annotations

import datetime as dt

import attrs

from mia_core.signals import Direction, Signal
from mia_core.timeutil import cme_trading_day
from ports.context import StrategyContext


@attrs.frozen
class TradingWindowConfig:
    """Settings of ``trading_window``: first and last CME trading day allowed (null: open-ended)."""

    start: dt.date | None = None
    end: dt.date | None = None


class TradingWindowFilter:
    """Neutralises signals that would open or add to a position outside the window.

    Signals that only close or reduce (FLAT) pass, so a position can always be left.
    Used by the walk-forward evaluation to warm features up on the bars before a test
    fold without trading them.
    """

    def __init__(self, config: TradingWindowConfig, name: str = "trading_window") -> None:
        self.name = name
        self.config = config

    def apply(self, signal: Signal, context: StrategyContext) -> Signal:
        """Pass ``signal`` inside the window or when it is FLAT; neutralise it otherwise."""
        if signal.direction is Direction.FLAT:
            return signal
        day = cme_trading_day(signal.ts)
        start, end = self.config.start, self.config.end
        if (start is not None and day < start) or (end is not None and day > end):
            return signal.neutralised(f"outside the trading window {start or '...'} to {end or '...'}")
        return signal
