"""An N-bar breakout: stop-and-reverse on a close beyond the previous N bars' range."""

from __future__ import annotations

from collections import deque

import attrs

from mia_core.market import Bar
from mia_core.signals import Direction, Signal
from ports.context import StrategyContext


@attrs.frozen
class BreakoutConfig:
    """Settings of ``example_breakout`` (the YAML keys under ``strategy:``).

    ``lookback``: how many previous bars form the range. ``stop_ticks``: when above
    zero, each entry signal carries a protective stop this many ticks from the close.
    """

    lookback: int = attrs.field(default=20, validator=attrs.validators.ge(2))
    stop_ticks: int = attrs.field(default=0, validator=attrs.validators.ge(0))


class BreakoutStrategy:
    """LONG when a bar closes above the highest high of the previous ``lookback`` bars,
    SHORT when it closes below their lowest low; it says so once per breakout.
    """

    def __init__(self, config: BreakoutConfig, tick_size: float, name: str = "example_breakout") -> None:
        self.name = name
        self.config = config
        self.tick_size = tick_size
        self.reset()

    def reset(self) -> None:
        """Forget every bar (a new run)."""
        self._highs: deque[float] = deque(maxlen=self.config.lookback)
        self._lows: deque[float] = deque(maxlen=self.config.lookback)
        self._direction = Direction.FLAT

    def on_bar(self, bar: Bar, context: StrategyContext) -> Signal | None:
        """Compare the close with the range of the bars before it, then add this bar to the range."""
        signal = None
        if len(self._highs) == self.config.lookback:
            if bar.close > max(self._highs) and self._direction is not Direction.LONG:
                signal = self._signal(bar, Direction.LONG, f"close above the {self.config.lookback}-bar high")
            elif bar.close < min(self._lows) and self._direction is not Direction.SHORT:
                signal = self._signal(bar, Direction.SHORT, f"close below the {self.config.lookback}-bar low")
        self._highs.append(bar.high)
        self._lows.append(bar.low)
        return signal

    def _signal(self, bar: Bar, direction: Direction, reason: str) -> Signal:
        self._direction = direction
        stop = None
        if self.config.stop_ticks:
            stop = bar.close - int(direction) * self.config.stop_ticks * self.tick_size
        return Signal(ts=bar.ts, source=self.name, direction=direction, stop_loss=stop, reason=reason)
