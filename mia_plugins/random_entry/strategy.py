"""The ``random_entry`` baseline: coin-flip entries with Battle Navale's exits and stops.

It answers "is the edge in the entries?": same bracket (``stop_atr`` ATRs, ``reward_risk``
times as far for the target), same time exit, same costs and risk policies; only the
decision to enter is random (seeded, so a run is reproducible).
"""

from __future__ import annotations

import math
import random
from collections import deque

import attrs

from mia_core.market import Bar
from mia_core.signals import Direction, Signal
from mia_core.validation import ATR_MULTIPLE, BARS, FRACTION, HOLD_BARS, SEED
from ports.context import StrategyContext


@attrs.frozen
class RandomEntryConfig:
    """Settings of ``random_entry``."""

    seed: int = attrs.field(default=0, validator=SEED)
    probability: float = attrs.field(default=0.05, validator=FRACTION)
    long_share: float = attrs.field(default=0.5, validator=FRACTION)
    atr_period: int = attrs.field(default=14, validator=BARS)
    stop_atr: float = attrs.field(default=2.0, validator=ATR_MULTIPLE)
    reward_risk: float = attrs.field(default=2.0, validator=ATR_MULTIPLE)
    max_hold_bars: int = attrs.field(default=0, validator=HOLD_BARS)
    warmup_bars: int = attrs.field(default=0, validator=HOLD_BARS)


class RandomEntryStrategy:
    """When flat, enters with ``probability`` per bar, long with ``long_share``, else short."""

    def __init__(self, config: RandomEntryConfig, name: str = "random_entry") -> None:
        self.name = name
        self.config = config
        self.reset()

    def reset(self) -> None:
        """Restart the random sequence and forget every bar."""
        self._rng = random.Random(self.config.seed)
        self._ranges: deque[int] = deque(maxlen=self.config.atr_period)
        self._previous_close: int | None = None
        self._seen = 0
        self._held = 0

    def on_bar(self, bar: Bar, context: StrategyContext) -> Signal | None:
        """Track the ATR; when flat and past warm-up, maybe enter (two draws per bar, always made)."""
        config = self.config
        size = bar.instrument.tick_size
        h, lo, c = round(bar.high / size), round(bar.low / size), round(bar.close / size)
        pc = self._previous_close
        self._ranges.append(h - lo if pc is None else max(h, pc) - min(lo, pc))
        self._previous_close = c
        self._seen += 1
        enter, side = self._rng.random() < config.probability, self._rng.random() < config.long_share
        position = context.position.quantity
        self._held = self._held + 1 if position else 0
        if position:
            if config.max_hold_bars and self._held >= config.max_hold_bars:
                return Signal(ts=bar.ts, source=self.name, direction=Direction.FLAT, reason="time exit")
            return None
        ready = self._seen >= max(config.atr_period, config.warmup_bars)
        if not (enter and ready):
            return None
        d = 1 if side else -1
        stop = max(1, math.ceil(config.stop_atr * sum(self._ranges) / config.atr_period))
        target = max(1, math.ceil(config.reward_risk * stop))
        return Signal(
            ts=bar.ts,
            source=self.name,
            direction=Direction.LONG if d > 0 else Direction.SHORT,
            stop_loss=(c - d * stop) * size if c - d * stop > 0 else None,
            take_profit=(c + d * target) * size,
            reason="random entry",
        )
