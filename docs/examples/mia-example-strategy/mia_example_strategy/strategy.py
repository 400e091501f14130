"""A channel breakout with a bracket: stop at the far side of the channel, target a multiple of the risk."""

from __future__ import annotations

import math

import attrs

from mia_core.instruments import Instrument
from mia_core.market import Bar
from mia_core.signals import Direction, Signal
from ports.context import StrategyContext


@attrs.frozen
class BreakoutConfig:
    """Settings of ``example_breakout`` (the YAML keys under ``strategy:``).

    ``channel``: the instance name of the ``example_channel`` technique to read.
    ``reward_ratio``: the target's distance from the close, in multiples of the stop's.
    ``volume``/``min_volume_ratio``: the ``example_volume`` analyzer to read and the
    volume ratio an entry needs (0 reads no analyzer).
    """

    channel: str = "example_channel"
    reward_ratio: float = attrs.field(default=2.0, validator=attrs.validators.gt(0))
    volume: str = "example_volume"
    min_volume_ratio: float = attrs.field(default=0.0, validator=attrs.validators.ge(0))


class BreakoutStrategy:
    """LONG on a close above the channel's upper line, SHORT below its lower line, once per breakout.

    Each entry carries a bracket: the stop at the other side of the channel, the target
    ``reward_ratio`` times as far on the winning side (rounded away from the entry to
    the tick grid).
    """

    def __init__(self, config: BreakoutConfig, instrument: Instrument, name: str = "example_breakout") -> None:
        self.name = name
        self.config = config
        self.instrument = instrument
        self.reset()

    def reset(self) -> None:
        """Forget the direction of the last breakout (a new run)."""
        self._direction = Direction.FLAT

    def on_bar(self, bar: Bar, context: StrategyContext) -> Signal | None:
        """Compare the close with the channel the technique published for this bar."""
        upper = context.features[f"{self.config.channel}.upper"]
        lower = context.features[f"{self.config.channel}.lower"]
        if math.isnan(upper):  # warm-up
            return None
        if bar.close > upper and self._direction is not Direction.LONG:
            direction, stop = Direction.LONG, lower
        elif bar.close < lower and self._direction is not Direction.SHORT:
            direction, stop = Direction.SHORT, upper
        else:
            return None
        note = f"channel {lower}-{upper}"
        if self.config.min_volume_ratio:
            ratio = context.analyses.get(self.config.volume, {}).get("ratio", 0.0)
            if ratio < self.config.min_volume_ratio:
                return None
            note += f", volume ratio {ratio:.2f}"
        self._direction = direction
        risk_ticks = abs(self.instrument.to_ticks(bar.close) - self.instrument.to_ticks(stop))
        reward_ticks = math.ceil(risk_ticks * self.config.reward_ratio)
        target = bar.close + int(direction) * self.instrument.from_ticks(reward_ticks)
        return Signal(
            ts=bar.ts,
            source=self.name,
            direction=direction,
            stop_loss=stop,
            take_profit=target,
            reason=f"close {bar.close} beyond {note}",
        )
